"""The seeds' hand annotations (tests/data/gold) and a score of the parser against them.

The annotations are facts about the project's own seeds (`seeds/*.txt`); SPEC.md beside
them says what each field means. Only the tests read them: the product never looks a
result up. The score follows the same rules as the outside referee (eval_parse.py): a
designation is found when a task with units starts within one line of it, and units
are compared in the canonical form of SPEC.md.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tracker.parsing import ParsedTask, parse_text, read_text

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "gold"
SEEDS = ROOT / "seeds"
TAIL = re.compile(r"(等|按职责分工落实|按职责分工负责|参与|配合|负责|牵头)+$")
MARKER = re.compile(r"^(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d+[.．、]?)")
FIGURES = ("recall", "precision", "lead", "support", "text", "deadline")


def fold(s: str | None) -> str:
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))
    return s.replace("〔", "（").replace("〕", "）").replace("(", "（").replace(")", "）")


def units(names: list[str] | None) -> list[str]:
    return sorted({u for n in names or [] if (u := TAIL.sub("", fold(n)))})


def start(text: str | None) -> str:
    return MARKER.sub("", fold(text))


@dataclass(frozen=True)
class Seed:
    path: Path  # the seed's text
    gold: list[dict]  # its annotations, one per designation


def seeds() -> list[Seed]:
    """Every annotated seed; fails loudly when the data is missing (never skips)."""
    found = [Seed(SEEDS / f"{path.stem}.txt",
                  [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()])
             for path in sorted(GOLD.glob("*.jsonl"))]
    assert found, f"no annotations in {GOLD}"
    assert all(seed.path.is_file() for seed in found), "an annotated seed is missing from seeds/"
    return found


def score() -> dict[str, float]:
    """Recall, precision and, over found designations, the share with right lead,
    support, task start and deadline."""
    total = dict.fromkeys(("gold", "found", "pred", "fp", "lead", "support", "text", "deadline"), 0)
    for seed in seeds():
        by_line: dict[int, list[ParsedTask]] = {}
        for doc in parse_text(read_text(seed.path)):
            for task in doc.tasks:
                if task.lead or task.support:
                    by_line.setdefault(task.line, []).append(task)
        gold_lines = {g["line"] for g in seed.gold}
        total["gold"] += len(seed.gold)
        total["pred"] += len(by_line)
        total["fp"] += sum(1 for line in by_line if not any(abs(line - g) <= 1 for g in gold_lines))
        for g in seed.gold:
            near = [t for d in (0, -1, 1) for t in by_line.get(g["line"] + d, [])]
            if not near:
                continue
            total["found"] += 1
            wanted_start = {fold(g["task_start"]), start(g["task_start"])}
            total["lead"] += any(units(t.lead) == units(g["lead"]) for t in near)
            total["support"] += any(units(t.support) == units(g["support"]) for t in near)
            total["text"] += any(start(t.text).startswith(s[:10]) for t in near for s in wanted_start)
            total["deadline"] += any((t.deadline.isoformat() if t.deadline else None) == g.get("deadline")
                                     for t in near)
    found = total["found"] or 1
    return {
        "recall": total["found"] / total["gold"],
        "precision": (total["pred"] - total["fp"]) / (total["pred"] or 1),
        **{k: total[k] / found for k in ("lead", "support", "text", "deadline")},
    }
