"""Deadlines: completion phrases in a task's text, and the 完成时间 cell of a work list.

Only phrases that say *by when* count (２０１７年底前, 到２０２０年, ２０１７年１１月底前,
２０２２年６月底前完成, 上半年前); a year that names a plan (２０１８—２０２０年), a
start (２０１８年起) or the year a measure applies to (２０２１年对…) does not. When a task
names several, the latest is its deadline.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

BY = r"(?:到|至|(?<![高低等优多少早晚先大小])于|在)"  # 不高于2017年 compares, it sets no date
BEFORE = r"(?:前|之前|以前)"
_Y = r"(?P<y>(?:19|20)\d{2})年"
_M = r"(?P<m>1[0-2]|0?[1-9])月"
_D = r"(?P<d>3[01]|[12]\d|0?[1-9])[日号]"
_Q = r"(?P<q>第?[一二三四1-4])季度"
_H = r"(?P<h>上半年|下半年|年中)"

# Each pattern yields a year and optionally month/day/quarter/half; order does not matter
# since every match is kept and the latest wins.
_PATTERNS = [
    re.compile(rf"{_Y}{_M}{_D}{BEFORE}"),
    re.compile(rf"{_Y}{_M}(?:底|末|份)?{BEFORE}"),
    re.compile(rf"{_Y}{_M}(?:底|末)"),
    re.compile(rf"{BY}{_Y}{_M}(?:底|末|份)?"),
    re.compile(rf"{_Y}(?:年?底|年?末){BEFORE}?"),
    re.compile(rf"{BY}{_Y}(?!起|以来|开始)"),
    re.compile(rf"{_Y}{BEFORE}(?![一二三四五六七八九十\d]+个?(?:季度|月))"),
    re.compile(rf"{_Y}?{_H}(?:底|末)?{BEFORE}"),
    re.compile(rf"{_Y}?{_Q}(?:底|末){BEFORE}?"),
    # A date followed by what is finished by then: ２０２３年６月完成, ２０２２年建成.
    re.compile(rf"{_Y}(?:{_M})?(?:底|末)?{BEFORE}?(?=(?:基本|全面|全部)?(?:完成|建成|出台|印发|落实到位))"),
    # A month without a year (５月底前, ６月３０日前) is in the document's year; 每年１２月底前 recurs.
    re.compile(rf"(?<![\d年]){_M}{_D}{BEFORE}"),
    re.compile(rf"(?<![\d年]){_M}(?:底|末|份)?{BEFORE}"),
    re.compile(rf"(?<![\d年每])(?:今|本|当)?年(?:底|末){BEFORE}"),  # 年底前: the document's year
    # 明年年底, 明年7月份建成: the year after the one the document was issued in.
    re.compile(rf"(?P<next>明年)(?:年?底|年?末){BEFORE}?"),
    re.compile(rf"(?P<next>明年){_M}(?:{_D}|底|末|份)?(?:{BEFORE}|(?=(?:基本|全面|全部)?(?:完成|建成|出台|印发|落实到位)))"),
]
_QUARTER = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}
_HALF = {"上半年": 6, "年中": 6, "下半年": 12}
# A plan's years, "(2018—2020年)", name a plan; "截至2022年底，已建成…" reports the past; the
# period a measure is valid for (实施期限至2026年12月31日, 2025年1月1日至2026年12月31日，…) is
# not when work is to be finished.
_DATE = r"(?:19|20)\d{2}年(?:\d{1,2}月)?(?:\d{1,2}日)?"
_NOT_DEADLINES = re.compile(r"(?:19|20)\d{2}[—\-－~～至到](?:(?:19|20)\d{2})?年"
                            rf"|(?:截至|截止到?){_DATE}(?:底|末)?"
                            rf"|(?:实施|执行|施行|有效)(?:期限|期间|时间|期)?(?:延长|顺延)?(?:为|是)?(?:自{_DATE}(?:起)?)?(?:至|到){_DATE}(?:底|末)?"
                            rf"|{_DATE}(?:起)?(?:至|到|—|－|-){_DATE}(?!底|末|前|之前|以前)")
# A cell's dates; one without a year (６月底前) is in the document's year, and 全年 is its end.
_CELL_DATES = [re.compile(p) for p in (rf"{_Y}{_M}{_D}", rf"{_Y}{_M}", rf"(?<![\d年]){_M}{_D}", rf"(?<![\d年]){_M}",
                                       rf"{_Y}?{_Q}", rf"{_Y}?{_H}", _Y, r"(?<!每)全年",
                                       # 2023.12, 2023-2024 (起止年限): a month end, a year end
                                       r"(?<!\d)(?P<y>(?:19|20)\d{2})[.．/](?P<m>1[0-2]|0?[1-9])(?!\d)",
                                       r"(?<![\d.．/])(?P<y>(?:19|20)\d{2})(?![\d.．/年])")]


@dataclass(frozen=True)
class Deadline:
    date: date
    start: int  # where the phrase stands in the searched text
    end: int


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _to_date(m: re.Match[str], default_year: int | None, issued_year: int | None) -> date | None:
    parts = m.groupdict()
    if parts.get("next"):
        year = issued_year + 1 if issued_year else None
    else:
        year = int(parts["y"]) if parts.get("y") else default_year
    if year is None:
        return None
    if parts.get("d") and parts.get("m"):
        try:
            return date(year, int(parts["m"]), int(parts["d"]))
        except ValueError:
            return None
    if parts.get("m"):
        return month_end(year, int(parts["m"]))
    if parts.get("q"):
        return month_end(year, _QUARTER[parts["q"][-1]])
    if parts.get("h"):
        return month_end(year, _HALF[parts["h"]])
    return date(year, 12, 31)  # a year, or 全年


def _matches(patterns: list[re.Pattern[str]], text: str, default_year: int | None,
             issued_year: int | None = None) -> list[Deadline]:
    """Dated matches of `patterns`, leaving out any that lies inside a longer one."""
    found = []
    for pattern in patterns:
        for m in pattern.finditer(text):
            when = _to_date(m, default_year, issued_year)
            if when:
                found.append(Deadline(when, m.start(), m.end()))
    outer = _outermost({(d.start, d.end) for d in found})
    return [d for d in found if (d.start, d.end) in outer]


def _outermost(spans: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The spans that lie inside no longer one, in one pass: taken by start, the longest
    first, a span lies inside another exactly when one taken before reaches as far."""
    kept, reach = set(), -1
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if end > reach:
            kept.add((start, end))
            reach = end
    return kept


def latest(text: str, default_year: int | None = None, issued_year: int | None = None) -> Deadline | None:
    """The latest completion phrase of `text` (normalised: ASCII digits, no whitespace).

    A date without a year is in `default_year` (the document's); 明年 counts from
    `issued_year`, and without it (a document whose date is unknown) gives no date."""
    masked = _NOT_DEADLINES.sub(lambda m: "#" * len(m.group(0)), text)
    found = _matches(_PATTERNS, masked, default_year, issued_year)
    return max(found, key=lambda d: (d.date, d.end - d.start)) if found else None


def cell_deadline(cell: str, default_year: int | None = None) -> date | None:
    """The deadline a work-list 完成时间 cell gives: its latest date (长期 gives none)."""
    found = _matches(_CELL_DATES, cell, default_year)
    return max(d.date for d in found) if found else None
