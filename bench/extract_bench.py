"""Reading hostile and very large files: `python bench/extract_bench.py`.

Builds the files of issue #12 (tests/hostile.py): a .docx whose document.xml inflates to
1 GB (and the same with zip headers claiming 1 KB), .docx files holding 300 MB and (within
the inflated cap) 90 MB of valid paragraphs, a 3,000-page PDF, and a legitimate 1,000-page
PDF of Chinese text. Each is read by `document_text` with the default limits in
a fresh process holding only the file's bytes, and the bench prints the seconds, the peak
resident memory of that process (the web server's share) and of the extraction worker, and
the answer. Target: each answered within 20 s, both processes under 600 MB.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile import inflating_docx, lying_docx, paragraphs_docx, text_pdf  # noqa: E402
from tracker.sources import SourceError, document_text  # noqa: E402

FILES = {
    "bomb-1GB.docx": lambda: inflating_docx(1024),
    "bomb-1GB-lying.docx": lambda: lying_docx(1024),
    "paragraphs-300MB.docx": lambda: paragraphs_docx(300),
    "paragraphs-90MB.docx": lambda: paragraphs_docx(90),
    "gazette-3000-pages.pdf": lambda: text_pdf(3000, lines=2),
    "text-1000-pages.pdf": lambda: text_pdf(1000),
}


def measure(path: Path) -> dict:
    """Reads one file the way the app does; run in a process of its own."""
    data = path.read_bytes()
    pages = []
    start = time.perf_counter()
    try:
        answer = f"{len(document_text(path.name, data, progress=lambda done, total: pages.append(done)))} characters"
    except SourceError as exc:
        answer = str(exc)
    return {"seconds": time.perf_counter() - start, "answer": answer, "pages": len(pages) - 1 if pages else 0,
            "parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def main() -> None:
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(Path(sys.argv[2])), ensure_ascii=False))
        return
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'file':24} {'size':>8} {'seconds':>8} {'parent':>8} {'worker':>8}  ok  answer")
        for name, build in FILES.items():
            path = Path(folder) / name
            path.write_bytes(build())
            run = subprocess.run([sys.executable, __file__, "--measure", str(path)], check=True,
                                 capture_output=True, text=True)
            result = json.loads(run.stdout)
            ok = result["seconds"] <= 20 and max(result["parent_mb"], result["worker_mb"]) < 600
            print(f"{name:24} {path.stat().st_size / 2**20:7.1f}M {result['seconds']:8.2f} "
                  f"{result['parent_mb']:7.0f}M {result['worker_mb']:7.0f}M  {'yes' if ok else 'NO '} "
                  f"{result['answer']}" + (f" ({result['pages']} pages reported)" if result["pages"] else ""))


if __name__ == "__main__":
    main()
