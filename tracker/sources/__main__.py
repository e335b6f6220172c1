"""The extraction worker: reads one file given on stdin and answers on stdout (see worker.py)."""

from __future__ import annotations

import json
import os
import resource
import sys
import traceback
from pathlib import Path

from tracker.sources.limits import Limits, SourceError


def main() -> None:
    # Answers go to a copy of stdout; stdout itself becomes stderr, so nothing a library
    # prints can be taken for an answer.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    request = json.loads(sys.stdin.buffer.readline())
    limits, name = Limits(**request["limits"]), request["filename"]
    memory = limits.memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # Ends the worker on its own should the parent be gone and no longer watching the clock.
    resource.setrlimit(resource.RLIMIT_CPU, (limits.timeout + 1, limits.timeout + 1))
    # Running out of memory in C code aborts: no core file of a hostile document.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    def send(message: dict) -> None:
        answers.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
        answers.flush()

    try:
        data = sys.stdin.buffer.read()
        if Path(name).suffix.lower() == ".docx":
            from tracker.sources.formats import docx_text
            text = docx_text(name, data, limits)
        else:
            from tracker.sources.formats import pdf_text
            text = pdf_text(name, data, limits, lambda done, total: send({"done": done, "total": total}))
    except SourceError as exc:
        send({"error": str(exc)})
    except MemoryError:
        raise  # the parent reports a worker that ends without an answer as out of memory
    except Exception:  # a reader failing on a malformed file
        traceback.print_exc()
        send({"error": f"无法读取文件：{name}（文件已损坏或格式有误）"})
    else:
        send({"text": text})


if __name__ == "__main__":
    main()
