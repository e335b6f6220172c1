"""Text recognition of scanned pages (issue #19): `python bench/ocr_bench.py [--designations 40]`.

Samples designations of the hand annotations of the seeds (tests/data/gold, spread evenly over
the five seeds, a fixed random seed; work-list rows are left out: their tables are printed one
character a line, which is no page). Each is cut out of its seed with its task text: the source
lines from the line where the task starts (its `task_start`, else a few lines before) to the
designation's closing bracket (the lines after it belong to the next task: their deadlines would
go to the next excerpt on the page), whitespace squeezed out of each line. The excerpts are printed
one after another, at most `--lines` printed lines a page, on A4 page images at `--dpi`
(`tests.formats.page_images`: 10.5 pt characters, 30 a line).

Every engine reads every page: `rapidocr` (the app's engine, `tracker.sources.ocr.recognise`) and
`tesseract` (`chi_sim`, through pytesseract: `pip install -e .[bench]` and Debian's `tesseract-ocr`
and `tesseract-ocr-chi-sim`; `--engines rapidocr` leaves it out). Each is warmed up once on the first page, then the
recognition of all pages is timed. The recognised lines of a page go to the parser, and a
designation counts as exact when a task parsed from its page (each task answering for one
designation only) has its lead and support units, compared in the canonical form of
tests/gold.py; of those, the bench counts the ones whose task also has the gold deadline. The
`reference` row parses the pages' own text: the parser's ceiling on these excerpts, where
a miss is no fault of the recogniser.
"""

from __future__ import annotations

import argparse
import difflib
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.formats import page_images, printed_lines  # noqa: E402
from tests.gold import MARKER, Annotated, fold, seeds, units  # noqa: E402
from tracker.parsing import ParsedTask, parse_text, read_text  # noqa: E402

TASK_REACH = 600  # characters before a designation searched for the start of its task
LEAD_IN = 4  # lines before the designation's line when its task start is not found
MAX_LEAD_IN = 300  # characters at most before the designation then (one line may be a paragraph)


@dataclass
class Excerpt:
    gold: dict
    lines: list[str]  # printed lines
    designation: list[str]  # the last of them, which hold the designation


@dataclass
class Page:
    excerpts: list[Excerpt] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return [line for excerpt in self.excerpts for line in excerpt.lines]


@dataclass
class Score:
    exact: int = 0
    deadlines: int = 0
    misses: list[str] = field(default_factory=list)


def sample(docs: list[Annotated], count: int, rng: random.Random) -> list[tuple[Annotated, dict]]:
    """`count` designations, taken from the seeds in turn, each seed's in a shuffled order."""
    queues = []
    for doc in docs:
        designations = [g for g in doc.gold if g["scope"] != "row"]
        rng.shuffle(designations)
        queues.append([(doc, g) for g in designations])
    picked: list[tuple[Annotated, dict]] = []
    while len(picked) < count and any(queues):
        for queue in queues:
            if queue and len(picked) < count:
                picked.append(queue.pop())
    return picked


def excerpt(text: str, gold: dict, max_lines: int) -> Excerpt:
    """The source lines of the designation's task, up to its closing bracket, as printed."""
    numbered = [(number, "".join(line.split())) for number, line in enumerate(text.splitlines(), 1)]
    numbered = [(number, line) for number, line in numbered if line]
    flat = "".join(line for _, line in numbered)
    starts, offset = [], 0
    for _, line in numbered:
        starts.append(offset)
        offset += len(line)
    index = next(k for k, (number, _) in enumerate(numbered) if number >= gold["line"])
    opening = flat.find(gold["raw"], starts[index])
    if opening < 0 or opening > starts[index] + len(numbered[index][1]):
        opening = starts[index]
    closing = opening + len(gold["raw"]) + 1
    task = flat.rfind(gold["task_start"], max(0, opening - TASK_REACH), opening)
    if task >= 0:
        line_start = max(s for s in starts if s <= task)
        begin = line_start if not MARKER.sub("", fold(flat[line_start:task])) else task  # keep a list marker
    else:
        begin = max(starts[max(0, index - LEAD_IN)], opening - MAX_LEAD_IN)
    breaks = [s - begin for s in starts if begin < s < closing]  # source line breaks within the excerpt
    pieces = [flat[begin + a:begin + b] for a, b in zip([0, *breaks], [*breaks, closing - begin])]
    lines = printed_lines("\n".join(pieces))[-max_lines:]
    held, chars = 0, 0
    while held < len(lines) and chars < closing - opening:
        held += 1
        chars += len(lines[-held])
    return Excerpt(gold, lines, lines[-held:])


def paginate(excerpts: list[Excerpt], max_lines: int) -> list[Page]:
    pages = [Page()]
    for item in excerpts:
        if pages[-1].excerpts and len(pages[-1].lines) + len(item.lines) > max_lines:
            pages.append(Page())
        pages[-1].excerpts.append(item)
    return pages


def deadline(task: ParsedTask) -> str | None:
    return task.deadline.isoformat() if task.deadline else None


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, fold(a), fold(b)).ratio()


def read_as(printed: str, lines: list[str]) -> str:
    """The recognised line most like a printed one."""
    best = max(lines, key=lambda line: similarity(line, printed), default="")
    return best if similarity(best, printed) >= 0.5 else "(not read)"


def score_page(page: Page, lines: list[str], result: Score) -> None:
    """Add the page's designations to `result`: exact when an unused task parsed from the page's
    lines has their units, its deadline counted when right too. A miss is listed with the lines
    read where the designation was printed and the task parsed nearest to it."""
    tasks = [task for doc in parse_text("\n".join(lines)) for task in doc.tasks if task.lead or task.support]
    for item in page.excerpts:
        gold = item.gold
        same = [t for t in tasks if units(t.lead) == units(gold["lead"]) and units(t.support) == units(gold["support"])]
        if same:
            task = next((t for t in same if deadline(t) == gold["deadline"]), same[0])
            tasks.remove(task)
            result.exact += 1
            result.deadlines += deadline(task) == gold["deadline"]
            continue
        read = dict.fromkeys(read_as(printed, lines) for printed in item.designation)
        nearest = max(tasks, key=lambda t: similarity(t.raw, gold["raw"]), default=None)
        parsed = (f"lead={nearest.lead} support={nearest.support}"
                  if nearest and similarity(nearest.raw, gold["raw"]) >= 0.5 else "no such designation")
        result.misses.append(f"{gold['seed']}:{gold['line']} lead={gold['lead']} support={gold['support']}\n"
                             f"    printed {' / '.join(item.designation)}\n    read    {' / '.join(read)}\n"
                             f"    parsed  {parsed}")


def rapidocr_lines(image: object) -> list[str]:
    from tracker.sources.ocr import recognise

    return [line.text for line in recognise(image)]


def tesseract_lines(image: object) -> list[str]:
    import pytesseract

    return [s.strip() for s in pytesseract.image_to_string(image, lang="chi_sim").splitlines() if s.strip()]


ENGINES: dict[str, Callable[[object], list[str]]] = {"rapidocr": rapidocr_lines, "tesseract": tesseract_lines}


def read_pages(engine: Callable[[object], list[str]], pages: list[Page], images: list) -> tuple[Score, float]:
    """The score of the engine's text of every page, and the seconds it took to recognise them."""
    engine(images[0])  # loads the models, untimed
    result, seconds = Score(), 0.0
    for page, image in zip(pages, images):
        start = time.perf_counter()
        lines = engine(image)
        seconds += time.perf_counter() - start
        score_page(page, lines, result)
    return result, seconds


def row(name: str, pages: int, seconds: float | None, result: Score, total: int) -> str:
    speed = f"{seconds:8.1f} {pages / seconds:8.2f}" if seconds is not None else f"{'-':>8} {'-':>8}"
    return (f"{name:10} {pages:5} {speed}  {result.exact:3}/{total:<3} {result.exact / total:6.1%}  "
            f"{result.deadlines:3}/{result.exact:<3} {result.deadlines / max(result.exact, 1):6.1%}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--designations", type=int, default=40)
    ap.add_argument("--seed", type=int, default=19, help="random seed of the sample")
    ap.add_argument("--lines", type=int, default=25, help="printed lines a page at most")
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--engines", default=",".join(ENGINES), help="comma-separated: " + ", ".join(ENGINES))
    ap.add_argument("--misses", action="store_true", help="list the designations each reading got wrong")
    args = ap.parse_args()
    engines = args.engines.split(",")
    if unknown := set(engines) - ENGINES.keys():
        sys.exit(f"unknown engines: {', '.join(sorted(unknown))}")

    picked = sample(seeds(), args.designations, random.Random(args.seed))
    texts = {doc.path: read_text(doc.path) for doc, _ in picked}
    pages = paginate([excerpt(texts[doc.path], gold, args.lines) for doc, gold in picked], args.lines)
    images = [page_images("\n".join(page.lines), args.dpi, lines_per_page=args.lines)[0] for page in pages]
    total = len(picked)
    print(f"{total} designations from {len(texts)} seeds on {len(pages)} pages "
          f"({sum(len(p.lines) for p in pages)} printed lines, {args.dpi} dpi)")
    print(f"{'engine':10} {'pages':>5} {'seconds':>8} {'pages/s':>8}  {'units exact':>14}  {'deadline right':>14}")
    reference = Score()
    for page in pages:
        score_page(page, page.lines, reference)
    print(row("reference", len(pages), None, reference, total))
    results, summary = {"reference": reference}, []
    for name in engines:
        results[name], seconds = read_pages(ENGINES[name], pages, images)
        print(row(name, len(pages), seconds, results[name], total))
        summary.append(f"{name} pages_per_s={len(pages) / seconds:.2f} units_exact={results[name].exact / total:.3f}")
    if args.misses:
        for name, result in results.items():
            print(f"\n{name}: {len(result.misses)} designations without exact units")
            for miss in result.misses:
                print(f"  {miss}")
    print(f"ocr-bench: {' | '.join(summary)} | reference units_exact={reference.exact / total:.3f}")


if __name__ == "__main__":
    main()
