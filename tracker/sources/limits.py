"""The caps on reading a file, and the error every refusal is reported with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class SourceError(ValueError):
    """The file cannot be turned into text; the message says why, in Chinese."""


@dataclass(frozen=True)
class Limits:
    """How much a file may cost to read. The defaults are those of `tracker.config.Config`.

    3,000,000 characters is 2,000 dense pages of 1,500 characters, so a file within the page
    cap is not refused for its text; 100 MB inflated holds the XML of a 1,000-page Word
    document several times over, while a zip bomb declares gigabytes. A page of text reads in
    about 15 ms and a page of ruled table in about 70 ms, so 120 s lets a 2,000-page PDF with
    a fifth of its pages tables (about 50 s) through on a slower server. A PDF is held one
    page at a time, at about 2 KB a character, so 512 MB admits a page of 200,000 characters.
    A scan (a page without text, or an image) is recognised page by page in about 4 s and
    1 GB (the OCR models and onnxruntime's arenas): once the worker meets one, its caps become
    `ocr_timeout` and `ocr_memory_mb`.
    """

    max_pages: int = 2000
    max_chars: int = 3_000_000
    max_inflated_mb: int = 100
    timeout: int = 120
    memory_mb: int = 512
    ocr_timeout: int = 600  # a scan: recognising a page takes seconds, not milliseconds
    ocr_memory_mb: int = 3072

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        """The limits an app is configured with (`app.config`)."""
        return cls(max_pages=config["MAX_PAGES"], max_chars=config["MAX_CHARS"],
                   max_inflated_mb=config["MAX_INFLATED_MB"], timeout=config["EXTRACT_TIMEOUT"],
                   memory_mb=config["EXTRACT_MEMORY_MB"], ocr_timeout=config["OCR_TIMEOUT"],
                   ocr_memory_mb=config["OCR_MEMORY_MB"])


def too_much_text(name: str, limits: Limits) -> SourceError:
    return SourceError(f"文字过多：{name} 超过上限 {limits.max_chars} 字（TRACKER_MAX_CHARS）")


def check_chars(text: str, name: str, limits: Limits) -> None:
    """Refuses a text (read from a file or pasted) longer than `limits.max_chars`."""
    if len(text) > limits.max_chars:
        raise too_much_text(name, limits)
