"""Decoding text files: UTF-8 (with or without BOM), GB18030/GBK, UTF-16 with BOM."""

from __future__ import annotations

from pathlib import Path


class UnreadableText(ValueError):
    """The bytes are not text in any encoding the parser accepts."""


def decode(data: bytes, name: str = "input") -> str:
    """Decode bytes, trying the encodings Chinese government files come in."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableText(f"{name}: broken UTF-16 text ({exc.reason})") from exc
        # UTF-16 spells every character with NUL bytes, so NUL characters are looked for in
        # the text: no text holds one (and PostgreSQL refuses to store it).
        if "\x00" in text:
            raise UnreadableText(f"{name}: contains NUL characters; this is a binary file, not text")
        return text.replace("\r\n", "\n").replace("\r", "\n")
    if b"\x00" in data:
        raise UnreadableText(f"{name}: contains NUL bytes; this is a binary file, not text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise UnreadableText(f"{name}: not UTF-8, GBK or GB18030 text; save it as UTF-8 and try again")


def read_text(path: str | Path) -> str:
    """The text of a file in UTF-8, UTF-8 with BOM, GB18030/GBK or UTF-16 (with BOM)."""
    path = Path(path)
    return decode(path.read_bytes(), path.name)
