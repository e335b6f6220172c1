"""Reading a file in a worker process bounded in memory and time.

A .docx or .pdf is read by a fresh interpreter (`python -m tracker.sources`, never a fork of
a threaded web server) whose address space is capped with RLIMIT_AS. The worker's stdin is a
temporary file holding one JSON line (file name and limits) then the file's bytes, so
writing to it can never block; it answers with JSON lines
on stdout: `{"done": k, "total": n}` after each page, `{"ocr": true}` when it meets a
scanned page (the deadline becomes the scan's), then `{"text": ..., "confidence": {line:
score}}` or `{"error": ...}`. The parent kills it at the deadline, so it holds nothing but
the file's bytes and the text, whatever the file does to the reader.
"""

from __future__ import annotations

import json
import logging
import os
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

from tracker.sources.limits import Limits, SourceError

Progress = Callable[[int, int], None]

log = logging.getLogger(__name__)

# The folder holding the `tracker` package, so the worker runs this very code.
ROOT = Path(__file__).resolve().parents[2]


class _Overrun(Exception):
    """The worker did not answer before the deadline."""


@dataclass(frozen=True)
class Extracted:
    text: str
    confidence: dict[int, float] = field(default_factory=dict)  # lines read by OCR (1-based)
    scanned: bool = False  # some page had no text layer and was recognised


class _Clock:
    """The worker's deadline, which a scan moves later."""

    def __init__(self, seconds: float) -> None:
        self.start = time.monotonic()
        self.deadline = self.start + seconds


def extract(filename: str, data: bytes, limits: Limits, progress: Progress | None = None) -> Extracted:
    """The text of a .docx, .pdf, .ofd or image file, read by a worker; SourceError if refused
    or unreadable."""
    request = json.dumps({"filename": filename, "limits": asdict(limits)}).encode() + b"\n"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    clock = _Clock(limits.timeout)
    scan = False  # the worker met a scanned page: the caps are a scan's
    with tempfile.TemporaryFile() as given:
        given.write(request)
        given.write(data)
        given.seek(0)
        worker = subprocess.Popen([sys.executable, "-m", "tracker.sources"], stdin=given,
                                  stdout=subprocess.PIPE, env=env)
    with worker:
        try:
            for message in _messages(worker.stdout, clock):
                if "done" in message:
                    if progress:
                        progress(message["done"], message["total"])
                elif "ocr" in message:
                    scan = True
                    clock.deadline = clock.start + max(limits.timeout, limits.ocr_timeout)
                elif "text" in message:
                    return Extracted(message["text"], {int(k): v for k, v in message["confidence"].items()}, scan)
                else:
                    raise SourceError(message["error"])
            worker.wait(max(0.0, clock.deadline - time.monotonic()))  # it closed stdout: it is ending
        except (_Overrun, subprocess.TimeoutExpired):
            seconds, setting = ((max(limits.timeout, limits.ocr_timeout), "TRACKER_OCR_TIMEOUT") if scan
                                else (limits.timeout, "TRACKER_EXTRACT_TIMEOUT"))
            raise SourceError(f"文件过大或过于复杂：{filename} 解析超过 {seconds} 秒（{setting}）") from None
        finally:
            worker.kill()  # nothing happens if it has finished
    # It ended without an answer: out of memory (MemoryError, or C code aborting).
    log.warning("extraction worker for %s ended without an answer, exit status %s", filename, worker.returncode)
    megabytes, setting = ((max(limits.memory_mb, limits.ocr_memory_mb), "TRACKER_OCR_MEMORY_MB") if scan
                          else (limits.memory_mb, "TRACKER_EXTRACT_MEMORY_MB"))
    raise SourceError(f"文件过大或过于复杂：{filename} 解析超过内存上限 {megabytes} MB（{setting}）")


def _messages(pipe: IO[bytes], clock: _Clock) -> Iterator[dict]:
    """The JSON lines the worker writes, until it closes stdout; _Overrun at the deadline."""
    parts: list[bytes] = []
    with selectors.DefaultSelector() as selector:
        selector.register(pipe, selectors.EVENT_READ)
        while True:
            remaining = clock.deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                raise _Overrun
            chunk = os.read(pipe.fileno(), 1 << 20)
            if not chunk:
                return
            *ends, rest = chunk.split(b"\n")
            for end in ends:
                yield json.loads(b"".join([*parts, end]))
                parts.clear()
            parts.append(rest)
