"""Reading a file in a worker process bounded in memory and time.

A .docx or .pdf is read by a fresh interpreter (`python -m tracker.sources`, never a fork of
a threaded web server) whose address space is capped with RLIMIT_AS. The worker's stdin is a
temporary file holding one JSON line (file name and limits) then the file's bytes, so
writing to it can never block; it answers with JSON lines
on stdout: `{"done": k, "total": n}` after each PDF page, then `{"text": ...}` or
`{"error": ...}`. The parent kills it at the deadline, so it holds nothing but the file's
bytes and the text, whatever the file does to the reader.
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
from dataclasses import asdict
from pathlib import Path
from typing import IO

from tracker.sources.limits import Limits, SourceError

Progress = Callable[[int, int], None]

log = logging.getLogger(__name__)

# The folder holding the `tracker` package, so the worker runs this very code.
ROOT = Path(__file__).resolve().parents[2]


class _Overrun(Exception):
    """The worker did not answer before the deadline."""


def extract(filename: str, data: bytes, limits: Limits, progress: Progress | None = None) -> str:
    """The text of a .docx or .pdf file, read by a worker; SourceError if refused or unreadable."""
    request = json.dumps({"filename": filename, "limits": asdict(limits)}).encode() + b"\n"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    deadline = time.monotonic() + limits.timeout
    with tempfile.TemporaryFile() as given:
        given.write(request)
        given.write(data)
        given.seek(0)
        worker = subprocess.Popen([sys.executable, "-m", "tracker.sources"], stdin=given,
                                  stdout=subprocess.PIPE, env=env)
    with worker:
        try:
            for message in _messages(worker.stdout, deadline):
                if "done" in message:
                    if progress:
                        progress(message["done"], message["total"])
                elif "text" in message:
                    return message["text"]
                else:
                    raise SourceError(message["error"])
            worker.wait(max(0.0, deadline - time.monotonic()))  # it closed stdout: it is ending
        except (_Overrun, subprocess.TimeoutExpired):
            raise SourceError(f"文件过大或过于复杂：{filename} 解析超过 {limits.timeout} 秒"
                              "（TRACKER_EXTRACT_TIMEOUT）") from None
        finally:
            worker.kill()  # nothing happens if it has finished
    # It ended without an answer: out of memory (MemoryError, or C code aborting).
    log.warning("extraction worker for %s ended without an answer, exit status %s", filename, worker.returncode)
    raise SourceError(f"文件过大或过于复杂：{filename} 解析超过内存上限 {limits.memory_mb} MB"
                      "（TRACKER_EXTRACT_MEMORY_MB）")


def _messages(pipe: IO[bytes], deadline: float) -> Iterator[dict]:
    """The JSON lines the worker writes, until it closes stdout; _Overrun at the deadline."""
    parts: list[bytes] = []
    with selectors.DefaultSelector() as selector:
        selector.register(pipe, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
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
