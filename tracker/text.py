"""Text as people type it into forms and searches."""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from tracker.parsing.text import squeeze

# C0/C1 control characters but tab and line breaks: nobody types them, and a NUL cannot even
# be stored in PostgreSQL.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_controls(value: object) -> object:
    """Typed text without control characters, its line breaks stored as LF: a browser sends
    a text area's line breaks as CRLF, and a text sent back unchanged must compare equal."""
    if not isinstance(value, str):
        return value
    return CONTROLS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def search_text(value: str | None, limit: int = 100) -> str | None:
    """A search as typed, cut to `limit` characters (a LIKE pattern has limits, SQLite's
    especially), without control characters; None when nothing is left."""
    return CONTROLS.sub("", value or "").strip()[:limit] or None


def searchable(value: str | None) -> str:
    """A text as searches compare it: simplified characters, ASCII digits and Latin, full-width
    punctuation, no whitespace (a document in traditional characters is found by either script)."""
    return squeeze(value or "")


@lru_cache(maxsize=4096)
def pinyin_key(name: str) -> tuple[tuple[str, ...], str]:
    """How lists of names are sorted: by their pinyin, syllable by syllable, toneless (财政厅
    before 发展改革委), then by the name itself (homophones, names without Chinese)."""
    return tuple(lazy_pinyin(name, style=Style.NORMAL)), name
