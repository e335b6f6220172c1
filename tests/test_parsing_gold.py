"""The parser against the hand annotations of the seeds (../shared/gold), as eval_parse.py scores it.

Reading the gold is for measuring only; nothing outside the tests reads it.
"""

import json
import re
import unicodedata
from pathlib import Path

import pytest

from tracker.parsing import parse_text, read_text

SHARED = Path(__file__).resolve().parents[2] / "shared"
TAIL = re.compile(r"(等|按职责分工落实|按职责分工负责|参与|配合|负责|牵头)+$")
MARKER = re.compile(r"^(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d+[.．、]?)")


def fold(s):
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))
    return s.replace("〔", "（").replace("〕", "）").replace("(", "（").replace(")", "）")


def units(names):
    return sorted({TAIL.sub("", fold(n)) for n in names or []})


def score() -> dict[str, float]:
    gold_dir = SHARED / "gold"
    if not gold_dir.is_dir():
        pytest.fail(f"{gold_dir} is missing: the gold annotations live beside the repository in ../shared")
    total = dict(gold=0, found=0, pred=0, fp=0, lead=0, support=0, text=0, deadline=0)
    for gold_path in sorted(gold_dir.glob("*.jsonl")):
        gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        tasks = [t for d in parse_text(read_text(SHARED / "seeds" / f"{gold_path.stem}.txt")) for t in d.tasks
                 if t.lead or t.support]
        by_line: dict[int, list] = {}
        for t in tasks:
            by_line.setdefault(t.line, []).append(t)
        gold_lines = {g["line"] for g in gold}
        total["gold"] += len(gold)
        total["pred"] += len(by_line)
        total["fp"] += sum(1 for ln in by_line if not any(abs(ln - gl) <= 1 for gl in gold_lines))
        for g in gold:
            cands = [t for d in (0, -1, 1) for t in by_line.get(g["line"] + d, [])]
            if not cands:
                continue
            total["found"] += 1
            total["lead"] += any(units(t.lead) == units(g["lead"]) for t in cands)
            total["support"] += any(units(t.support) == units(g["support"]) for t in cands)
            start = MARKER.sub("", fold(g["task_start"]))[:10]
            total["text"] += any(MARKER.sub("", fold(t.text)).startswith(start) for t in cands)
            total["deadline"] += any((t.deadline.isoformat() if t.deadline else None) == g.get("deadline")
                                     for t in cands)
    found = total["found"] or 1
    return {
        "recall": total["found"] / total["gold"],
        "precision": (total["pred"] - total["fp"]) / (total["pred"] or 1),
        **{k: total[k] / found for k in ("lead", "support", "text", "deadline")},
    }


def test_seeds_score_at_least_098_on_every_figure():
    figures = score()
    assert all(v >= 0.98 for v in figures.values()), figures
