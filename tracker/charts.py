"""Charts as inline SVG drawn on the server: no JavaScript, nothing fetched from elsewhere.

Pure functions returning `Markup`; every label is escaped. Each chart is an
`<svg role="img">` with an `aria-label` and a `<title>`, and each bar has a `<title>` of its
own (label and value), which browsers show on hover and screen readers read.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

LABEL_WIDTH = 190  # room for the labels left of horizontal bars
BAR = 18  # height of a horizontal bar, width of a column
GAP = 6
WIDTH = 640
FONT = 'font-size="12" font-family="sans-serif"'


def _svg(title: str, width: int, height: int, body: list[str]) -> Markup:
    title = escape(title)
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{title}" class="chart" '
                  f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
                  f'<title>{title}</title>{"".join(body)}</svg>')


def _rect(x: float, y: float, width: float, height: float, color: str, tip: str) -> str:
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{color}">'
            f'<title>{escape(tip)}</title></rect>')


def _text(x: float, y: float, text: str, anchor: str = "start") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT}>{escape(text)}</text>'


def _clip(label: str, length: int = 14) -> str:
    return label if len(label) <= length else label[:length - 1] + "…"


def stacked_bars(title: str, rows: Sequence[tuple[str, Sequence[int]]],
                 series: Sequence[tuple[str, str]]) -> Markup:
    """Horizontal bars, one per row, each split into `series` (name, colour) in order, all
    on one scale; a legend above."""
    top = 28
    height = top + len(rows) * (BAR + GAP) + GAP
    most = max((sum(values) for _, values in rows), default=0) or 1
    scale = (WIDTH - LABEL_WIDTH - 50) / most
    body = [_rect(8 + k * 90, 6, 12, 12, color, name) + _text(24 + k * 90, 16, name)
            for k, (name, color) in enumerate(series)]
    for i, (label, values) in enumerate(rows):
        y = top + i * (BAR + GAP)
        body.append(_text(LABEL_WIDTH - 6, y + BAR - 5, _clip(label), "end"))
        x = LABEL_WIDTH
        for (name, color), value in zip(series, values):
            if value:
                body.append(_rect(x, y, value * scale, BAR, color, f"{label}：{name} {value}"))
                x += value * scale
        body.append(_text(x + 4, y + BAR - 5, str(sum(values))))
    return _svg(title, WIDTH, height, body)


def bars(title: str, rows: Sequence[tuple[str, int]], color: str = "#d64545") -> Markup:
    """Horizontal bars, one per (label, value)."""
    return stacked_bars(title, [(label, [value]) for label, value in rows], [(title, color)])


def columns(title: str, rows: Sequence[tuple[str, int]], color: str = "#2186eb") -> Markup:
    """Vertical columns, one per (label, value), labels below."""
    plot, bottom = 160, 22
    step = (WIDTH - 20) / max(len(rows), 1)
    most = max((value for _, value in rows), default=0) or 1
    body = [f'<line x1="10" y1="{plot + 16}" x2="{WIDTH - 10}" y2="{plot + 16}" stroke="#bcccdc"/>']
    for i, (label, value) in enumerate(rows):
        x, h = 10 + i * step + (step - BAR * 1.5) / 2, value / most * plot
        body.append(_rect(x, plot + 16 - h, BAR * 1.5, h, color, f"{label}：{value}"))
        body.append(_text(x + BAR * 0.75, plot + 12 - h, str(value), "middle"))
        body.append(_text(x + BAR * 0.75, plot + 16 + bottom - 6, label, "middle"))
    return _svg(title, WIDTH, plot + 16 + bottom, body)
