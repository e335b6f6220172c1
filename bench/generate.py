"""Synthetic documents at scale, for benchmarks and for tests of how parsing time grows.

    from bench.generate import designated_lines, numbered_items
    text = designated_lines(10_000)  # one paragraph of 10,000 designated lines

Each shape is one document whose size grows with `n` while its structure stays the same,
so any stage that rescans what it has already read shows up as more than linear growth.
"""

from __future__ import annotations

ITEMS_PER_HEADING = 20


def designated_lines(n: int) -> str:
    """One paragraph of `n` lines, each a sentence ending in a designation, no numbering."""
    lines = ["关于开展重点工作的通知"]
    lines += [f"开展第{k}项工作。（责任单位：省商务厅、省财政厅）" for k in range(1, n + 1)]
    return "\n".join(lines) + "\n"


def numbered_items(n: int) -> str:
    """`n` numbered items (1. …（省商务厅牵头）), twenty under each heading （一）（二）….

    Numbers restart under each heading and headings count up to 60 and start again, as a
    heading's number only counts while it continues its sequence (or restarts it at 1)."""
    lines = ["关于开展重点工作的通知"]
    for k in range(n):
        item = k % ITEMS_PER_HEADING + 1
        if item == 1:
            lines.append(f"（{_cn(k // ITEMS_PER_HEADING % 60 + 1)}）推进一批重点工作")
        lines.append(f"{item}. 开展第{k + 1}项工作。（省商务厅牵头）")
    return "\n".join(lines) + "\n"


def _cn(value: int) -> str:
    """Chinese numeral for 1..99, as section headings count."""
    digits = "一二三四五六七八九"
    tens, units = divmod(value, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else digits[tens - 1] + "十")
    return head + (digits[units - 1] if units else "")
