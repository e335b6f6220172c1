"""Long import steps in the background, so that the person waiting sees their progress.

Two kinds of job run in a thread of the web process: reading an upload (text extraction in
a bounded worker process, then parsing; its result is the parsed documents, not import
plans, which are made when the preview is shown, against what is stored then) and carrying
out the confirmation of a large preview. A job keeps its state in a small JSON file in the
instance folder, where every worker process of the server can read it.

Life of a job file: running (pages or tasks done / total, refreshed as the work reports) →
done (with its result in a second file) or failed (with a message for the user). A job left
running by a process that died is reported as failed once it has not moved for
`stale_after` seconds. Files older than a day are removed when a new job starts.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tracker.operations.importing import PlanError, parse_source
from tracker.parsing import ParsedDocument, ParsedTask
from tracker.sources import Extracted, SourceError

Progress = Callable[[int, int], None]
Reader = Callable[[Progress], Extracted]  # reads the upload, reporting pages read
Work = Callable[[Progress], Any]  # does a job's work, reporting its progress; returns its result (JSON)
# Failures whose message is meant for the person who started the job.
EXPECTED = (SourceError, PlanError)
KEEP_SECONDS = 24 * 3600
REPORT_EVERY = 0.5  # seconds between two writes of the progress
log = logging.getLogger(__name__)


@dataclass
class JobState:
    owner: int
    kind: str  # "read" an upload, or "import" a confirmed preview
    source_name: str
    status: str = "running"  # running / done / failed
    done: int = 0
    total: int = 0
    message: str = ""
    updated: float = 0.0


class ImportJobs:
    """The jobs kept in one folder."""

    def __init__(self, root: Path, stale_after: float) -> None:
        self.root = root
        self.stale_after = stale_after
        self._threads: dict[str, threading.Thread] = {}

    def read(self, owner: int, source_name: str, read: Reader) -> str:
        """Start reading and parsing an upload; returns the job's id."""

        def work(progress: Progress) -> list[dict]:
            return [asdict(d) for d in parse_source(read(progress), source_name)]

        return self._start(JobState(owner, "read", source_name), work)

    def run(self, owner: int, source_name: str, work: Work) -> str:
        """Start carrying out `work` (an import); returns the job's id."""
        return self._start(JobState(owner, "import", source_name), work)

    def _start(self, state: JobState, work: Work) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        self._remove_old()
        job_id = uuid.uuid4().hex
        self._save(job_id, state)
        thread = threading.Thread(target=self._run, args=(job_id, state, work), daemon=True,
                                  name=f"import-{job_id[:8]}")
        self._threads[job_id] = thread
        thread.start()
        return job_id

    def wait(self, job_id: str, seconds: float) -> None:
        """Give a job started by this process up to `seconds` to finish."""
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(seconds)

    def state(self, job_id: str, owner: int) -> JobState | None:
        """The job's state, or None when there is no such job of `owner`'s."""
        path = self._path(job_id, "state")
        if path is None or not path.exists():
            return None
        state = JobState(**json.loads(path.read_text(encoding="utf-8")))
        if state.owner != owner:
            return None
        if state.status == "running" and time.time() - state.updated > self.stale_after:
            state.status, state.message = "failed", "处理中断（服务器可能已重启），请重新上传文件。"
        return state

    def result(self, job_id: str) -> Any:
        """What a finished job's work returned."""
        return json.loads(self._path(job_id, "result").read_text(encoding="utf-8"))

    def parsed(self, job_id: str) -> list[ParsedDocument]:
        """The documents a finished reading job parsed."""
        return [_document(d) for d in self.result(job_id)]

    def _run(self, job_id: str, state: JobState, work: Work) -> None:
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            state.done, state.total = done, total
            if time.time() - last >= REPORT_EVERY:
                last = time.time()
                self._save(job_id, state)

        try:
            payload = json.dumps(work(progress), ensure_ascii=False, default=date.isoformat)
            _write_atomically(self._path(job_id, "result"), payload)
            state.status = "done"
        except EXPECTED as exc:
            state.status, state.message = "failed", str(exc)
        except Exception:  # noqa: BLE001 - the user must hear of any failure, the log gets the rest
            log.exception("import job %s failed", job_id)
            state.status, state.message = "failed", "处理文件时出错，请检查文件后重试，或联系管理员。"
        finally:
            self._save(job_id, state)
            self._threads.pop(job_id, None)

    def _save(self, job_id: str, state: JobState) -> None:
        state.updated = time.time()
        _write_atomically(self._path(job_id, "state"), json.dumps(asdict(state), ensure_ascii=False))

    def _path(self, job_id: str, kind: str) -> Path | None:
        if not (len(job_id) == 32 and all(c in "0123456789abcdef" for c in job_id)):
            return None
        return self.root / f"{job_id}.{kind}.json"

    def _remove_old(self) -> None:
        cutoff = time.time() - KEEP_SECONDS
        for path in self.root.glob("*.json"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except FileNotFoundError:
                pass  # removed by another process meanwhile


def _write_atomically(path: Path, text: str) -> None:
    """Readers in other processes see the old file or the new one, never half of one."""
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _document(data: dict) -> ParsedDocument:
    tasks = [ParsedTask(**{**t, "deadline": _date(t["deadline"])}) for t in data.pop("tasks")]
    recognised = {int(line): score for line, score in data.pop("recognised", {}).items()}  # JSON keys are strings
    return ParsedDocument(**{**data, "date": _date(data["date"])}, tasks=tasks, recognised=recognised)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
