"""`python -m tracker.parsing FILE...`: one JSON object per task (JSON Lines) on stdout."""

from __future__ import annotations

import argparse
import json
import sys

from . import parse_text, read_text
from .reader import UnreadableText


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tracker.parsing", description=__doc__)
    ap.add_argument("files", nargs="+", help="text files (UTF-8, GBK/GB18030, UTF-16)")
    args = ap.parse_args(argv)
    status = 0
    for name in args.files:
        try:
            text = read_text(name)
        except (OSError, UnreadableText) as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
            continue
        for doc in parse_text(text, source=name):
            for task in doc.tasks:
                print(json.dumps(task.to_json(doc.number), ensure_ascii=False))
    return status


if __name__ == "__main__":
    sys.exit(main())
