"""Hand annotations of responsibility designations and a score of the parser against them.

Two sources of (text, annotations) pairs:
- `seeds()`: the project's own seeds (`seeds/*.txt`) with `tests/data/gold/*.jsonl`;
- `corpus()`: further public documents (`tests/corpus/*.txt`, each with `*.jsonl` of the same
  stem beside it; see tests/corpus/README.md).
SPEC.md (tests/data/gold) says what each field means. Only the tests read them: the product
never looks a result up. The score follows the same rules as the outside referee
(eval_parse.py): a designation is found when a task with units starts within one line of it,
and units are compared in the canonical form of SPEC.md (traditional characters folded to
simplified, as the referee does).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tracker.parsing import ParsedTask, parse_text, read_text

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "gold"
SEEDS = ROOT / "seeds"
CORPUS = ROOT / "tests" / "corpus"
TAIL = re.compile(r"(等|按职责分工落实|按职责分工负责|参与|配合|负责|牵头)+$")
MARKER = re.compile(r"^(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d+[.．、]?)")
FIGURES = ("recall", "precision", "lead", "support", "text", "deadline")
# Traditional -> simplified for the characters met in unit names (the referee's table).
T2S = str.maketrans(
    "辦區縣國資會殘聯發稅級關經貿審領導組財醫規劃務門單牽頭責職負參與協調當區處廳環質監統計"
    "農業權產開戶長變灣廣東與體點務濟輸鄉鎮營運銷險證業華衛設備標準廠廢歸檔衆隊網絡電視庫糧藥",
    "办区县国资会残联发税级关经贸审领导组财医规划务门单牵头责职负参与协调当区处厅环质监统计"
    "农业权产开户长变湾广东与体点务济输乡镇营运销险证业华卫设备标准厂废归档众队网络电视库粮药")


try:  # the referee folds with a full converter (OpenCC) when installed; the parser's own table is the nearest here
    from tracker.parsing.hanzi import T2S as _PARSER_T2S
    T2S.update(_PARSER_T2S)
except ImportError:  # pragma: no cover - the table above still folds unit names
    pass


def fold(s: str | None) -> str:
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or "").translate(T2S))
    return s.replace("〔", "（").replace("〕", "）").replace("(", "（").replace(")", "）")


def units(names: list[str] | None) -> list[str]:
    return sorted({u for n in names or [] if (u := TAIL.sub("", fold(n)))})


def start(text: str | None) -> str:
    return MARKER.sub("", fold(text))


@dataclass(frozen=True)
class Annotated:
    path: Path  # the document's text
    gold: list[dict]  # its annotations, one per designation


Seed = Annotated  # the name the seeds' tests knew


def _load(texts: Path, annotations: list[Path]) -> list[Annotated]:
    return [Annotated(texts / f"{path.stem}.txt",
                      [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()])
            for path in sorted(annotations)]


def seeds() -> list[Annotated]:
    """Every annotated seed; fails loudly when the data is missing (never skips)."""
    found = _load(SEEDS, list(GOLD.glob("*.jsonl")))
    assert found, f"no annotations in {GOLD}"
    assert all(seed.path.is_file() for seed in found), "an annotated seed is missing from seeds/"
    return found


def corpus(folder: Path = CORPUS) -> list[Annotated]:
    """Every document of the corpus: NAME.txt with its annotations NAME.jsonl beside it."""
    found = _load(folder, list(folder.glob("*.jsonl")))
    assert found, f"no annotations in {folder}"
    missing = [doc.path.name for doc in found if not doc.path.is_file()]
    assert not missing, f"annotated texts missing from {folder}: {missing}"
    return found


@dataclass
class Result:
    figures: dict[str, float]
    counts: dict[str, int]
    misses: list[str] = field(default_factory=list)  # one line per wrong or missed designation
    extra: list[str] = field(default_factory=list)  # designations the parser found and no annotation has


def evaluate(docs: list[Annotated]) -> Result:
    """Recall, precision and, over found designations, the share with right lead,
    support, task start and deadline; with the misses listed."""
    total = dict.fromkeys(("gold", "found", "pred", "fp", "lead", "support", "text", "deadline"), 0)
    misses: list[str] = []
    extra: list[str] = []
    for doc in docs:
        by_line: dict[int, list[ParsedTask]] = {}
        for parsed in parse_text(read_text(doc.path)):
            for task in parsed.tasks:
                if task.lead or task.support:
                    by_line.setdefault(task.line, []).append(task)
        gold_lines = {g["line"] for g in doc.gold}
        total["gold"] += len(doc.gold)
        total["pred"] += len(by_line)
        for line, tasks in sorted(by_line.items()):
            if not any(abs(line - g) <= 1 for g in gold_lines):
                total["fp"] += 1
                t = tasks[0]
                extra.append(f"{doc.path.name}:{line} EXTRA ({t.raw[:40]}) lead={t.lead} support={t.support}")
        for g in doc.gold:
            near = [t for d in (0, -1, 1) for t in by_line.get(g["line"] + d, [])]
            if not near:
                misses.append(f"{doc.path.name}:{g['line']} MISSED ({g['raw'][:40]})")
                continue
            total["found"] += 1
            wanted_start = {fold(g["task_start"]), start(g["task_start"])}
            ok = {
                "lead": any(units(t.lead) == units(g["lead"]) for t in near),
                "support": any(units(t.support) == units(g["support"]) for t in near),
                "text": any(start(t.text).startswith(s[:10]) for t in near for s in wanted_start),
                "deadline": any((t.deadline.isoformat() if t.deadline else None) == g.get("deadline")
                                for t in near),
            }
            for k, v in ok.items():
                total[k] += v
            if bad := [k for k, v in ok.items() if not v]:
                t = near[0]
                misses.append(f"{doc.path.name}:{g['line']} wrong {','.join(bad)}: gold lead={g['lead']} "
                              f"support={g['support']} start={g['task_start']} deadline={g.get('deadline')} | "
                              f"got lead={t.lead} support={t.support} text={fold(t.text)[:14]} "
                              f"deadline={t.deadline.isoformat() if t.deadline else None}")
    found = total["found"] or 1
    figures = {
        "recall": total["found"] / (total["gold"] or 1),
        "precision": (total["pred"] - total["fp"]) / (total["pred"] or 1),
        **{k: total[k] / found for k in ("lead", "support", "text", "deadline")},
    }
    return Result(figures, total, misses, extra)


def score(docs: list[Annotated] | None = None) -> dict[str, float]:
    """The figures over `docs`; the seeds when none are given."""
    return evaluate(seeds() if docs is None else docs).figures
