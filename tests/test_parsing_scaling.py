"""Parsing work grows linearly with one document's size, measured without a clock.

The measure is the number of lines of parser code executed, every turn of a loop
included (sys.settrace's line events, counted only in tracker/parsing): it is the
same on every machine and run, and a stage that rescans what it has read in Python
shows in it. A rescan inside one call into C (slicing, a regular expression over a
growing text) does not: `python bench/parse_bench.py` times the same shapes.
"""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench/ is no package: its generator is found from the project root

from bench.generate import SHAPES  # noqa: E402
from tracker.parsing import parse_text  # noqa: E402

PARSING = str(ROOT / "tracker" / "parsing")
SIZE = 100  # the smaller size; the larger is ten times this
MAX_GROWTH = 12  # for ten times the input: linear, with room for longer numbers in the text


def lines_executed(text: str) -> int:
    count = 0

    def count_lines(frame, event, arg):
        nonlocal count
        count += event == "line"
        return count_lines

    def parser_frames(frame, event, arg):
        return count_lines if frame.f_code.co_filename.startswith(PARSING) else None

    outer = sys.gettrace()
    sys.settrace(parser_frames)
    try:
        parse_text(text)
    finally:
        sys.settrace(outer)
    return count


@pytest.mark.parametrize("shape", SHAPES)
def test_work_grows_linearly_with_the_document(shape):
    generate, _ = SHAPES[shape]
    small, large = lines_executed(generate(SIZE)), lines_executed(generate(10 * SIZE))
    assert large <= MAX_GROWTH * small, f"{shape}: {large / small:.1f}x the work for 10x the size"
