"""Reading an upload in the background, so that a long file shows its progress.

A job reads one upload (text extraction in a bounded worker process, then parsing) in a
thread of the web process and keeps its state in a small JSON file in the instance folder,
where every worker process of the server can read it. The result is the parsed documents,
not import plans: plans are made when the preview is shown, against what is stored then.

Life of a job file: running (pages done / total, refreshed as the worker reports) → done
(with the parsed documents in a second file) or failed (with a message for the user). A job
left running by a process that died is reported as failed once it has not moved for
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

from tracker.parsing import ParsedDocument, ParsedTask, parse_text
from tracker.sources import SourceError

Progress = Callable[[int, int], None]
Reader = Callable[[Progress], str]  # returns the text of the upload, reporting pages read
KEEP_SECONDS = 24 * 3600
REPORT_EVERY = 0.5  # seconds between two writes of the progress
log = logging.getLogger(__name__)


@dataclass
class JobState:
    owner: int
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

    def start(self, owner: int, source_name: str, read: Reader) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        self._remove_old()
        job_id = uuid.uuid4().hex
        state = JobState(owner, source_name)
        self._save(job_id, state)
        thread = threading.Thread(target=self._run, args=(job_id, state, read), daemon=True,
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
            state.status, state.message = "failed", "解析中断（服务器可能已重启），请重新上传文件。"
        return state

    def parsed(self, job_id: str) -> list[ParsedDocument]:
        path = self._path(job_id, "parsed")
        return [_document(d) for d in json.loads(path.read_text(encoding="utf-8"))]

    def _run(self, job_id: str, state: JobState, read: Reader) -> None:
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            state.done, state.total = done, total
            if time.time() - last >= REPORT_EVERY:
                last = time.time()
                self._save(job_id, state)

        try:
            documents = parse_text(read(progress), source=state.source_name)
            payload = json.dumps([asdict(d) for d in documents], ensure_ascii=False, default=date.isoformat)
            _write_atomically(self._path(job_id, "parsed"), payload)
            state.status = "done"
        except SourceError as exc:
            state.status, state.message = "failed", str(exc)
        except Exception:  # noqa: BLE001 - the user must hear of any failure, the log gets the rest
            log.exception("import job %s failed", job_id)
            state.status, state.message = "failed", "解析文件时出错，请检查文件后重试，或联系管理员。"
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
    return ParsedDocument(**{**data, "date": _date(data["date"])}, tasks=tasks)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
