"""Unit names: splitting a written list into units and giving each its canonical form.

Canonical form: no whitespace, ASCII digits and Latin, brackets as （）, trailing role
words (等, 参与, 按职责分工落实, ...) dropped. A suffix shared by a list of places is
expanded (湖州市、嘉兴市政府 -> 湖州市政府, 嘉兴市政府), while collectives that contain
a list (各市、县（市、区）政府) stay whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .text import squeeze

SEPARATORS = "、，,；;"
OPEN, CLOSE = "（〔“《", "）〕”》"

# 等有关部门和单位, 等相关部门, 等部门、单位: a hedge closing a list, not a unit.
HEDGE = r"等(?:有关|相关|其他)?(?:部门|单位|机构)(?:(?:和|及|与|、)(?:有关|相关)?(?:部门|单位|机构))*"
HEDGE_END = re.compile(f"{HEDGE}$")
TRAILING = re.compile(
    r"(等有关单位|等单位|等部门|等|按职责分工落实|按职责分工负责|按职责分工|按职责|分别|共同|"
    r"具体|负责落实|参与|配合|协同|协助|负责|牵头|组织实施|落实|实施)+$")
LEADING = re.compile(r"^(?:(?:具体|分别|统一|均|主要)?(?:由|请)|和|及|以及)")
# PDF fonts sometimes map full-width brackets to ASCII '!' and '"': 县!市、区"政府.
BROKEN_BRACKETS = re.compile(r"[!！]([^!！\"（）]{1,12})\"")

# What a unit name ends with: an organ, an enterprise or institute, or a collective.
UNIT_SUFFIX = re.compile(
    r"(厅|局|委|办|院|会|部|署|司|处|所|站|队|台|馆|社|协|联|银行|中心|集团|公司|政府|单位|部门|"
    r"机关|机构|组织|大学|学院|学校|实验室|小组|专班|办公室|委员会|海关|法院|检察院|分行|支行|人行|"
    r"党委|党组|各地|各方|地区|方面|市|县|区|乡|镇|街道|主体|园)$")
# A place named without its kind, before one that has it: 哈尔滨、黑河、绥芬河市政府.
BARE_NAME = re.compile(r"^[\u3400-\u9fff]{2,4}$")
BARE_PLACE = re.compile(r"^([\u3400-\u9fff]{1,8}[省市县区州盟旗镇乡](（[^）]*）)?|[省市县区](（[^）]*）)?)$")
# Words of a sentence, not of a name: 以下工作均需各市政府落实.
PROSE = re.compile(r"以下|以上|均需|需要|应当|要求|不再|根据|通过")
CONJUNCTION = re.compile(r"以及|及|和|与")
COLLECTIVE_HEAD = re.compile(r"^(各|有关|相关|其他|所在|其余)")
COLLECTIVE_WORDS = re.compile(r"各|有关|相关|其他")


def canonical(name: str) -> str:
    """Canonical form of one unit name."""
    s = squeeze(name).replace("〔", "（").replace("〕", "）")
    s = BROKEN_BRACKETS.sub(r"（\1）", s)
    s = s.strip("。．.：:，、；; ")
    s = LEADING.sub("", s)
    prev = None
    while prev != s:
        prev = s
        s = TRAILING.sub("", s).strip("，、；")
        # 市财政局等有关部门和单位 is 市财政局; 财政等有关部门 stays whole (财政 names no unit).
        hedged = HEDGE_END.search(s)
        if hedged and looks_like_unit(s[:hedged.start()]):
            s = s[:hedged.start()]
    return s


# Words that name a kind of organisation, not one: "单位" alone (…部门和单位) is no unit.
GENERIC = re.compile(r"^(?:部门|单位|机构|组织|地区|方面|主体)+$")
BARE_KIND = re.compile(r"^(?:街道办事处|街道办|街道|社区)$")  # 各乡镇人民政府、街道办事处


def _bare(name: str) -> str:
    """A name without a closing bracketed note: 省发展改革委（省能源局） -> 省发展改革委."""
    return re.sub(r"（[^）]*）$", "", name)


def looks_like_unit(name: str) -> bool:
    """Whether a canonical name reads as an organisation, not a phrase of prose."""
    bare = _bare(name)
    return (2 <= len(name) <= 40 and "。" not in name and not PROSE.search(name)
            and bool(UNIT_SUFFIX.search(bare)) and not GENERIC.match(bare))


# A level written before a unit's name: the province (省, or named: 浙江省), a city, a county.
LEVEL = re.compile(r"^(?:[\u3400-\u9fff]{2,3}省|省|市|县|区)")


def _levels(name: str) -> list[tuple[str, str]]:
    """A name read as (level, the rest): as written, with no level; and, if it opens with one,
    without it (浙江省商务厅: ("", 浙江省商务厅), ("省", 商务厅))."""
    readings = [("", name)]
    if (level := LEVEL.match(name)) and level.end() < len(name):
        readings.append((level.group(0)[-1], name[level.end():]))
    return readings


def names_match(typed: str, name: str, short: bool = False) -> bool:
    """Whether a typed (canonical) name stands for a unit called `name`: the same name without
    its level, or with the same level written otherwise (商务厅, 浙江省商务厅 -> 省商务厅; never
    市财政局 -> 县财政局); with `short`, also a short form of it (see `abbreviates`)."""
    level, full = _levels(name)[-1]
    return any((not typed_level or typed_level == level) and (rest == full or short and abbreviates(rest, full))
               for typed_level, rest in _levels(typed))


def _organ(name: str) -> str | None:
    """The kind of organ a name ends with, by its first character (委 for 委, 委员会), if any."""
    suffix = UNIT_SUFFIX.search(_bare(name))
    return suffix.group(0)[0] if suffix else None


def abbreviates(short: str, full: str) -> bool:
    """Whether `short` (two characters or more) is a short form of `full`: the end of it, three
    characters or more naming an organ (组织部 -> 委组织部; 省委 is not 团省委); or from the same
    first character, every one of them in `full` in order, with the same kind of organ at the
    end unless `short` names none (发改委, 发改 -> 发展改革委; 交通 -> 交通运输厅 and 交通集团;
    not 发改厅)."""
    if len(short) < 2:
        return False
    if len(short) >= 3 and full.endswith(short) and _organ(short):
        return True
    if short[0] != full[0]:
        return False
    rest = iter(full)
    return all(ch in rest for ch in short) and _organ(short) in (None, _organ(full))


def reads_as_units(text: str) -> bool:
    """A table cell that names units, nothing else (a single name closed by 。 is a sentence:
    开工建设老年大学。)."""
    names = split_units(text)
    if text.endswith("。") and len(names) == 1:
        return False
    return bool(names) and all(looks_like_unit(name) for name in names)


def split_units(text: str) -> list[str]:
    """Split a written list of units into canonical unit names, in order, no repeats."""
    s = squeeze(text).replace("〔", "（").replace("〕", "）")
    s = BROKEN_BRACKETS.sub(r"（\1）", s)
    parts = _top_level_split(s)
    names = _rejoin_generic([canonical(n) for p in _merge_places(parts) for n in _split_conjunction(p)])
    seen: list[str] = []
    for n in names:
        if n and n not in seen:
            seen.append(n)
    return seen


def _rejoin_generic(names: list[str]) -> list[str]:
    """市直有关部门、单位 and 各乡镇人民政府、街道办事处 are one collective each: a bare kind of
    organisation, named without a place, joins the collective before it."""
    out: list[str] = []
    for name in names:
        if out and (GENERIC.match(name) or BARE_KIND.match(name)) and COLLECTIVE_WORDS.search(out[-1]):
            out[-1] = f"{out[-1]}、{name}"
        else:
            out.append(name)
    return out


def _split_conjunction(item: str) -> list[str]:
    """市级各有关部门及各县市区政府 -> two units, when both sides read as units
    (省文化和旅游厅 stays whole: 省文化 is no unit)."""
    for m in CONJUNCTION.finditer(item):
        left, right = canonical(item[: m.start()]), item[m.end():]
        if looks_like_unit(left) and looks_like_unit(canonical(right)):
            return [left, *_split_conjunction(right)]
    return [item]


def _top_level_split(s: str) -> list[tuple[str, str]]:
    """Items with the separator that preceded each, ignoring separators inside brackets."""
    items: list[tuple[str, str]] = []
    depth, start, sep = 0, 0, ""
    for i, ch in enumerate(s):
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(depth - 1, 0)
        elif ch in SEPARATORS and depth == 0:
            items.append((sep, s[start:i]))
            start, sep = i + 1, ch
    items.append((sep, s[start:]))
    return [(sp, it) for sp, it in items if it.strip()]


def _split_place(item: str) -> tuple[str, str] | None:
    """台州市政府 -> (台州市, 政府); None when the item is not a place plus a suffix."""
    for k in range(len(item) - 1, 0, -1):
        if BARE_PLACE.match(item[:k]) and item[k] not in "（）、" and not BARE_PLACE.match(item):
            return item[:k], item[k:]
    return None


def _same_kind(items: list[tuple[str, str]], place: str) -> bool:
    """Places that share a suffix are of one kind (湖州市、嘉兴市政府), or counties and cities
    of one prefecture (安吉县、湖州市政府)."""
    kinds = {it[-1] for _, it in items} | {place[-1]}
    return len(kinds) == 1 or kinds <= set("市县区")


def _bare_name(item: str) -> bool:
    return bool(BARE_NAME.match(item)) and not looks_like_unit(canonical(item)) and not COLLECTIVE_HEAD.match(item)


def _run(items: list[tuple[str, str]], i: int, member: Callable[[str], bool]) -> tuple[int, tuple[str, str] | None]:
    """Where the run of items from `i` joined by 、 that `member` accepts ends, and the place
    and suffix the item right after it splits into (湖州市、嘉兴市、台州市政府 -> 台州市, 政府)."""
    j = i + 1
    while j < len(items) and items[j][0] == "、" and member(items[j][1]):
        j += 1
    return j, _split_place(items[j][1]) if j < len(items) and items[j][0] == "、" else None


def _merge_places(items: list[tuple[str, str]]) -> list[str]:
    """Rejoin collectives written as lists and expand suffixes shared by place names."""
    out: list[str] = []
    i = 0
    while i < len(items):
        item = items[i][1]
        if BARE_PLACE.match(item):
            j, shared = _run(items, i, lambda it: bool(BARE_PLACE.match(it)))
            if shared and not COLLECTIVE_HEAD.match(item) and not _same_kind(items[i:j], shared[0]):
                shared = None  # 郑州警备区、武警郑州支队: 支队 is no suffix of a 区
            if COLLECTIVE_HEAD.match(item) and (shared or j > i + 1):
                # 各市、县（市、区）政府: a collective written as a list, kept whole.
                end = j + 1 if shared else j
                out.append("、".join(it for _, it in items[i:end]))
                i = end
                continue
            if shared:
                # 湖州市、嘉兴市、台州市政府: the last item's suffix belongs to every place.
                out.extend(it + shared[1] for _, it in items[i:j])
                out.append(items[j][1])
                i = j + 1
                continue
        if _bare_name(item):
            j, shared = _run(items, i, _bare_name)
            if shared and shared[0][-1] in "市县区州盟旗":
                # 哈尔滨、黑河、绥芬河市政府: the last item's kind of place and suffix belong to every name.
                out.extend(it + shared[0][-1] + shared[1] for _, it in items[i:j])
                out.append(items[j][1])
                i = j + 1
                continue
        out.append(item)
        i += 1
    return out
