"""Parser speed: `python bench/parse_bench.py [--repeat 10] [--rounds 5]`.

Prints the time to parse the five seed gazettes (best of several rounds, one core),
their throughput in characters per second, and the time for the seeds concatenated
`--repeat` times, which must grow linearly with the input. Then the same growth within
one long document, for each shape `bench/generate.py` writes (a paragraph of designated
lines, numbered items under headings, and shapes that load one stage each), at 1x and
`--repeat` times the size. Targets: the five seeds in under 0.5 s; every shape at 10x
the size in at most 15x the time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import SHAPES  # noqa: E402
from tracker.parsing import parse_text, read_text  # noqa: E402

MAX_GROWTH = 1.5  # the time may grow 1.5 times as fast as the input


def best_time(texts: list[str], rounds: int) -> tuple[float, int]:
    best, tasks = float("inf"), 0
    for _ in range(rounds):
        start = time.perf_counter()
        tasks = sum(len(doc.tasks) for text in texts for doc in parse_text(text))
        best = min(best, time.perf_counter() - start)
    return best, tasks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    texts = [read_text(p) for p in sorted(args.seeds.glob("*.txt"))]
    if not texts:
        sys.exit(f"no .txt files in {args.seeds}")
    chars = sum(len(t) for t in texts)
    seconds, tasks = best_time(texts, args.rounds)
    print(f"seeds: {len(texts)} files, {chars:,} characters, {tasks} tasks")
    print(f"parse seeds: {seconds:.3f} s ({chars / seconds:,.0f} chars/s)")
    repeated = "\n".join(texts * args.repeat)
    big_seconds, big_tasks = best_time([repeated], max(1, args.rounds // 2))
    print(f"parse seeds x{args.repeat}: {big_seconds:.3f} s ({len(repeated) / big_seconds:,.0f} chars/s, "
          f"{big_tasks} tasks, {big_seconds / seconds:.1f}x the time for {args.repeat}x the input)")
    for shape, (generate, size) in SHAPES.items():
        small, _ = best_time([generate(size)], args.rounds)
        large, _ = best_time([generate(size * args.repeat)], max(1, args.rounds // 2))
        verdict = "ok" if large / small <= MAX_GROWTH * args.repeat else "TOO SLOW"
        print(f"one document, {shape}: {size:,} in {small:.3f} s, {size * args.repeat:,} in {large:.3f} s "
              f"({large / small:.1f}x the time for {args.repeat}x the size, at most "
              f"{MAX_GROWTH * args.repeat:.0f}x: {verdict})")


if __name__ == "__main__":
    main()
