"""Character-level normalisation shared by every stage of the parser.

Every fold here maps one character to one character, so a normalised string stays
aligned with the source text it came from (the parser keeps both, plus the source line
of each character, to report where a designation stands and what it said verbatim).
"""

from __future__ import annotations

import re

from .hanzi import T2S

# Full-width digits and Latin letters become ASCII; brackets and the separators that
# half-width documents use become the full-width forms the rules are written with.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}
_FOLD.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})
_FOLD.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})
# ASCII square brackets too: pages write [责任单位:…], and OCR reads 〔市、区〕 as 〔市、区]
_FOLD.update({ord("("): "（", ord(")"): "）", ord("［"): "〔", ord("］"): "〕", ord("["): "〔", ord("]"): "〕",
              ord("【"): "〔", ord("】"): "〕", ord("．"): ".", ord("﹝"): "〔", ord("﹞"): "〕"})
_FOLD.update(T2S)

# Half-width punctuation that only becomes full-width next to a CJK character, so that
# "1,000" and "10:30" stay as they are.
_CJK_PUNCT = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}


def is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def fold(text: str) -> str:
    """Fold a whole string character by character (length is preserved)."""
    out = text.translate(_FOLD)
    if not any(p in out for p in _CJK_PUNCT):
        return out
    chars = list(out)
    for i, ch in enumerate(chars):
        if ch in _CJK_PUNCT:
            before = chars[i - 1] if i else ""
            after = chars[i + 1] if i + 1 < len(chars) else ""
            if is_cjk(before) or is_cjk(after) or before in "）”" or after in "（“":
                chars[i] = _CJK_PUNCT[ch]
    return "".join(chars)


# A line break inside a table cell, in the text form of a table (tracker.sources writes it):
# Word cells hold units one per line, which the work-list reader takes apart.
CELL_BREAK = "\u2028"

# Characters that print nothing: C0 and C1 controls other than whitespace (NUL, BEL, ESC,
# DEL, ...), zero-width spaces and joiners, direction marks and overrides, the byte order
# mark. Pasted text brings them along; no name or task text keeps them.
INVISIBLE = "\x00-\x08\x0e-\x1b\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff"
_INVISIBLE = re.compile(f"[{INVISIBLE}]+")


def squeeze(text: str) -> str:
    """Fold and drop whitespace (and invisible characters), keeping one space only between
    two ASCII word characters."""
    folded = _INVISIBLE.sub("", fold(text))
    return re.sub(r"\s+", lambda m: _gap(folded, m.start(), m.end()), folded)


def _gap(text: str, start: int, end: int) -> str:
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return " " if before.isascii() and after.isascii() and before.isalnum() and after.isalnum() else ""


_NARROW = re.compile(r"[^\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
                     r"\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def width(line: str) -> float:
    """Printed width of a line: full-width characters count 1, others 0.5."""
    s = line.strip()
    return len(s) - 0.5 * len(_NARROW.findall(s))


CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(text: str) -> int | None:
    """Value of a Chinese numeral up to 99 (一, 十, 十二, 二十三), or None."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        high = CN_DIGITS.get(tens, 0) if tens else 1
        low = CN_DIGITS.get(units, 0) if units else 0
        if (tens and tens not in CN_DIGITS) or (units and units not in CN_DIGITS):
            return None
        return high * 10 + low
    if len(text) == 1 and text in CN_DIGITS:
        return CN_DIGITS[text]
    return None


def cn_year(text: str) -> int | None:
    """A year written digit by digit in Chinese (二〇二一) or in digits."""
    if text.isdigit():
        return int(text)
    if all(c in CN_DIGITS for c in text):
        return int("".join(str(CN_DIGITS[c]) for c in text))
    return None
