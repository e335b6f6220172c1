"""Numbered headings: 一、 （一） 1. / １． / "５ " （1） ①, and the section path they build.

A number at the start of a wrapped line is often just a number ("１ 个周期"), so a
marker only counts when it continues its level's sequence (or starts it at 1), and the
bare "number and a space" form only at the start of a paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import cn_number, fold, squeeze

CN = "一二三四五六七八九十"
_PATTERNS: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(rf"^第([{CN}]{{1,3}})(部分|章|篇)")),
    (1, re.compile(rf"^([{CN}]{{1,3}})、")),
    (2, re.compile(rf"^[（(]([{CN}]{{1,3}})[）)]")),
    # A private-use character after the number is a glyph PDF extraction could not map.
    (3, re.compile(r"^(\d{1,2})(?:[.．、\ue000-\uf8ff](?!\d)|\s+(?=[\u3400-\u9fff“《]))")),
    (4, re.compile(r"^[（(](\d{1,2})[）)]")),
    (5, re.compile(r"^([①-⑳])")),
]
MAX_LEVEL = 5


@dataclass(frozen=True)
class Marker:
    level: int
    value: int
    label: str  # as it reads in a section path: 二, （三）, 3, （1）, ①
    width: int  # characters the marker takes at the start of the squeezed text


class Numbering:
    """Tracks the last number seen at each level of one document."""

    def __init__(self) -> None:
        self.restart()

    def match(self, line: str, at_paragraph_start: bool) -> Marker | None:
        """The marker opening `line`, if it is a real heading here; records it."""
        text = fold(line).strip()
        for level, pattern in _PATTERNS:
            m = pattern.match(text)
            if not m:
                continue
            raw = m.group(1)
            value = ord(raw) - ord("①") + 1 if level == 5 else cn_number(raw)
            if value is None or value > 60:
                return None
            spaced = level == 3 and not re.match(r"\d+[.．、\ue000-\uf8ff]", text)
            if spaced and not at_paragraph_start:
                return None
            expected = (1, self.last[level] + 1, self.running[level] + 1)
            # Punctuated markers opening a paragraph are reliable even out of sequence (an
            # excerpt, a heading lost to extraction); elsewhere they must follow on.
            near = level <= 2 and self.last[level] < value <= self.last[level] + 2
            if value not in expected and not near and (spaced or not at_paragraph_start):
                return None
            self.last[level] = self.running[level] = value
            for deeper in range(level + 1, MAX_LEVEL + 1):
                self.last[deeper] = 0
            label = squeeze(m.group(0)) if level == 0 else _label(level, raw)
            return Marker(level, value, label, len(squeeze(m.group(0))))
        return None

    def restart(self) -> None:
        """Start counting afresh, as an attachment (附件) does."""
        self.last = [0] * (MAX_LEVEL + 1)
        # Items often keep counting across sub-sections (（四）7. 8. （五）9.).
        self.running = [0] * (MAX_LEVEL + 1)


def _label(level: int, raw: str) -> str:
    if level in (2, 4):
        return f"（{raw}）"
    return raw


def section_path(stack: list[Marker]) -> str:
    return "/".join(m.label for m in stack)
