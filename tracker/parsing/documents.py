"""Where each document of an input starts, and its number, title, issuer and date.

A gazette issue holds many documents. Each opens with a title (…关于…的通知) followed by
its number on a line of its own (浙政办发〔２０２１〕３２ 号) and closes with the issuer
and the date, possibly followed by attachments (附件) that still belong to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .layout import is_noise
from .text import cn_number, cn_year, squeeze

NUMBER_LINE = re.compile(r"^[\u3400-\u9fff]{1,12}[〔（\[](?:19|20)\d{2}[〕）\]]\d{1,4}号$")
DATE_LINE = re.compile(
    r"^(?P<y>(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})年(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日$")
TITLE_END = re.compile(
    r"(通知|意见|决定|批复|复函|函|通报|办法|规定|方案|规划|计划|要点|报告|公告|命令|令|细则|纲要|决议|措施|条例|清单|表|台账)$")
STOP = tuple("。；：！？）")
ISSUER_OPENING = re.compile(r"^[\u3400-\u9fff（）]{2,30}?(人民政府|政府|办公厅|办公室|委员会|厅|局|委|办)(关于|$)")
# What a web page prints above a document (来源：…, 发布日期：…, its address): not its title.
PAGE_META = re.compile(r"^(?:(?:信息)?来源|发布(?:日期|时间|机构)|成文日期|索引号|主题分类|浏览次数|字号)[:：]|^https?://")
# The year's brackets as OCR and web pages write them: 【2026】, [2026], ［2026］, (2026).
_YEAR_BRACKETS = re.compile(r"[〔（\[]((?:19|20)\d{2})[〕）\]]")
NUMBER_INSIDE = re.compile(r"[（(]?([\u3400-\u9fff]{2,12}〔(?:19|20)\d{2}〕\d{1,4}号)[）)]?")
PAGE_DATE = re.compile(r"(?:发文|成文|印发)(?:日期|时间)[:：|]*"
                       r"(?P<y>(?:19|20)\d{2})[-年./](?P<m>\d{1,2})[-月./](?P<d>\d{1,2})")
MAX_PAGE_META = 15  # lines at the top of a page where its metadata stands
MAX_TITLE_LINES = 5
RIGHT_SET = re.compile(r"^[ \u3000\t]{8,}")
NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、])")


@dataclass
class DocumentSpan:
    number: str | None
    title: str
    title_line: int  # 0-based index of the first title line
    body_start: int  # 0-based index of the first body line
    end: int = 0  # 0-based index past the last line


def split(lines: list[str]) -> list[DocumentSpan]:
    """Documents of the input, in order; the whole input is one document if none is numbered."""
    spans: list[DocumentSpan] = []
    for i, line in enumerate(lines):
        number = canonical_number(squeeze(line))
        if NUMBER_LINE.match(number):
            first, title = _title_before(lines, i)
            body_start = i + 1
            if not TITLE_END.search(title):
                # Some documents print the number above the title.
                after, title_after = _title_after(lines, i)
                if title_after:
                    first, title, body_start = i, title_after, after
            spans.append(DocumentSpan(number, title, first, body_start))
    if not spans:
        first, title = _leading_title(lines)
        number, title = number_in(title)  # 2026年重点工作任务清单（某政办发〔2026〕7号）, a sheet's title row
        spans.append(DocumentSpan(number, title, first, first))
    for current, following in zip(spans, spans[1:]):
        current.end = following.title_line
    spans[-1].end = len(lines)
    return spans


def number_in(text: str) -> tuple[str | None, str]:
    """A 文号 written inside a title or a file name, and the text without it."""
    written = canonical_number(squeeze(text))
    m = NUMBER_INSIDE.search(written)
    if not m:
        return None, text
    return m.group(1), (written[:m.start()] + written[m.end():]).strip("（）()、，_- ") or written


def canonical_number(number: str) -> str:
    """A 文号 (squeezed) with its year in 〔〕, however the brackets were written, so that a scan
    and the .docx of one notice are one document: 浙政办发[2026]9号 -> 浙政办发〔2026〕9号."""
    return _YEAR_BRACKETS.sub(r"〔\1〕", number, count=1)


def _title_before(lines: list[str], number_at: int) -> tuple[int, str]:
    collected: list[tuple[int, str]] = []
    j = number_at - 1
    while j >= 0 and len(collected) < MAX_TITLE_LINES:
        text = squeeze(lines[j])
        if text:
            if _ends_previous_content(lines[j], text):
                break
            collected.insert(0, (j, text))
        j -= 1
    # The title opens with its issuer (…人民政府办公厅关于…): lines above that are the
    # tail of whatever preceded it.
    opening = next((k for k, (_, t) in enumerate(collected) if ISSUER_OPENING.match(t)), 0)
    collected = collected[opening:]
    if not collected:
        return number_at, ""
    return collected[0][0], "".join(t for _, t in collected)


def _title_after(lines: list[str], number_at: int) -> tuple[int, str]:
    """A title of at most three lines right below the number, ending like a title."""
    collected: list[str] = []
    for j in range(number_at + 1, min(len(lines), number_at + 8)):
        text = squeeze(lines[j])
        if not text:
            continue
        collected.append(text)
        # …人民政府关于…的通知 over lines, or one short line (2026年重点工作任务分解表).
        if TITLE_END.search(text) and (ISSUER_OPENING.match(collected[0]) or len(collected) == 1 and len(text) <= 40):
            return j + 1, "".join(collected)
        if len(collected) == 3 or text.endswith(STOP):
            break
    return number_at + 1, ""


def _ends_previous_content(raw: str, text: str) -> bool:
    table_row = len(re.findall(r"[0-9０-９]+", raw)) >= 4
    return (text.endswith(STOP) or bool(DATE_LINE.match(text)) or is_noise(text)
            or len(text) <= 2 or table_row or NUMBER_LINE.match(text) is not None)


def _leading_title(lines: list[str]) -> tuple[int, str]:
    """Title of an unnumbered document: its first lines, up to one that ends like a title."""
    collected: list[str] = []
    first = None
    for i, line in enumerate(lines):
        text = squeeze(line)
        if not text or PAGE_META.match(text):
            continue
        first = i if first is None else first
        collected.append(text)
        if TITLE_END.search(number_in(text)[1]) or len(collected) == 3:
            break
    if first is None:
        return 0, ""
    if not TITLE_END.search(number_in(collected[-1])[1]):
        collected = collected[:1]
    title = "".join(collected)
    # Text that starts straight with its content (a numbered item, a sentence) has no title;
    # a title may close with its number in brackets (…分解表（某政办发〔2026〕7号）).
    if number_in(title)[1].endswith(STOP + ("，",)) or NUMBERED.match(title):
        return first, ""
    return first, title


def signature(lines: list[str]) -> tuple[str | None, date | None]:
    """The issuer and date closing a document: a date line after a short issuer line, else
    (a page that prints no issuer) the first date line set to the right, as signatures are."""
    previous = ""
    aside = None
    for line in lines:
        text = squeeze(line)
        if not text:
            continue
        m = DATE_LINE.match(text)
        if m and previous and len(previous) <= 30 and not previous.endswith(STOP + ("，",)):
            return previous, _date(m)
        if m and aside is None and RIGHT_SET.match(line):
            aside = _date(m)
        previous = text
    return None, aside


def page_date(lines: list[str]) -> date | None:
    """The date a web page prints above a document (发文日期：2022-07-14, 成文日期 | 2022年7月14日),
    for a document that prints none of its own."""
    for line in lines[:MAX_PAGE_META]:
        m = PAGE_DATE.search(squeeze(line))
        if m:
            try:
                return date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            except ValueError:
                return None
    return None


def _date(m: re.Match[str]) -> date | None:
    year, month, day = cn_year(m.group("y")), cn_number(m.group("m")), cn_number(m.group("d"))
    try:
        return date(year, month, day) if year and month and day else None
    except ValueError:
        return None
