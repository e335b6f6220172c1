"""The extraction worker: reads one file given on stdin and answers on stdout (see worker.py)."""

from __future__ import annotations

import json
import os
import resource
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from tracker.sources import ocr
from tracker.sources.formats import Lines, docx_text, pdf_text
from tracker.sources.limits import Limits, SourceError


def main() -> None:
    # Answers go to a copy of stdout; stdout itself becomes stderr, so nothing a library
    # prints can be taken for an answer.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    request = json.loads(sys.stdin.buffer.readline())
    limits, name = Limits(**request["limits"]), request["filename"]
    # The hard caps are a scan's (see Limits); the soft ones rise to them at the first scanned page.
    memory, ocr_memory = limits.memory_mb << 20, max(limits.memory_mb, limits.ocr_memory_mb) << 20
    resource.setrlimit(resource.RLIMIT_AS, (memory, ocr_memory))
    # Ends the worker on its own should the parent be gone and no longer watching the clock
    # (recognition runs on every core, so a scan's CPU seconds outrun the clock's).
    cpu, ocr_cpu = limits.timeout + 1, max(limits.timeout, limits.ocr_timeout) * (os.cpu_count() or 1) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, ocr_cpu))
    # Running out of memory in C code aborts: no core file of a hostile document.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    def send(message: dict) -> None:
        answers.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
        answers.flush()

    def progress(done: int, total: int) -> None:
        send({"done": done, "total": total})

    def scanned() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ocr_memory, ocr_memory))
        resource.setrlimit(resource.RLIMIT_CPU, (ocr_cpu, ocr_cpu))
        send({"ocr": True})

    try:
        lines = read(name, sys.stdin.buffer.read(), limits, progress, scanned)
    except SourceError as exc:
        send({"error": str(exc)})
    except MemoryError:
        raise  # the parent reports a worker that ends without an answer as out of memory
    except Exception:  # a reader failing on a malformed file
        traceback.print_exc()
        send({"error": f"无法读取文件：{name}（文件已损坏或格式有误）"})
    else:
        send({"text": lines.text(), "confidence": lines.confidence})


def read(name: str, data: bytes, limits: Limits, progress: Callable[[int, int], None],
         scanned: Callable[[], None]) -> Lines:
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        return docx_text(name, data, limits)
    if suffix == ".ofd":
        from tracker.sources.ofd import ofd_text
        return ofd_text(name, data, limits, progress)
    if suffix in (".xlsx", ".xls"):
        from tracker.sources.sheets import xls_text, xlsx_text
        return (xlsx_text if suffix == ".xlsx" else xls_text)(name, data, limits)
    if suffix in ocr.IMAGE_SUFFIXES:
        scanned()
        return ocr.image_text(name, data, limits, progress)
    return pdf_text(name, data, limits, progress, scanned)


if __name__ == "__main__":
    main()
