"""Property tests (hypothesis) of the parser and of reading .txt files, on hostile text.

`tracker.parsing.parse_text` has no error type of its own: whatever text it is given (an
upload, a paste), it returns documents and never raises. What it returns is well formed:
every task has some text, its units are names (non-empty, stripped, one line, never both
lead and support), its deadline a date or None, and its line within its document. Decoding
bytes (`tracker.parsing.decode`, `tracker.sources.document_text` for .txt) raises only its
own error (`UnreadableText`, `SourceError`) and never returns a NUL character, which
PostgreSQL cannot store.

The examples are derived from each test's name (`derandomize=True`), so a run in CI is the
same as a run here: a failure is reproduced by running the test again. Together the tests
run in about half a minute.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.parsing import ParsedDocument, ParsedTask, UnreadableText, decode, parse_text
from tracker.parsing.text import INVISIBLE
from tracker.sources import Limits, SourceError, document_text

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
SEED_TEXTS = [path.read_text(encoding="utf-8") for path in SEEDS]

FUZZ = settings(max_examples=600, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(FUZZ, max_examples=400)  # each example is a slice of up to 20,000 characters

# The characters designations, numbering, deadlines and tables are written with.
SPECIAL = list("（）()〔〕【】［］﹝﹞“”《》、，。；：:,;！？—－-·．.\t\n\r 　\x00\x01\x0b\x0c\x1b\x7f\x85\u200b\u202e\ufeff") + list("０１２３４５６７８９") + list(
    "一二三四五六七八九十〇零两百年月日底前季度上下半旬内省市县区厅局委办政府部门单位中心")
KEYWORDS = ["责任单位", "牵头单位", "配合单位", "牵头", "配合", "参与", "负责", "会同", "协同", "完成时限", "完成时间",
            "列第一位的为牵头单位，下同", "以下统称", "（责任单位：", "省商务厅", "省财政厅、省教育厅", "各市、县（市、区）政府",
            "2022年底前", "２０２３年６月", "长期", "持续推进", "一、", "（一）", "（十二）", "1.", "２．", "序号", "重点任务",
            "重点工作举措", "附件", "附件1：", "浙政办发〔2022〕9号", "浙江省人民政府办公厅", "2022年3月1日", "关于印发", "的通知",
            "\t", "|", "\n", "\n\n", "\r\n"]

characters = st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPECIAL),
                       st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF))
pieces = st.one_of(st.text(characters, max_size=12), st.sampled_from(KEYWORDS))
hostile_text = st.lists(pieces, max_size=120).map("".join)


# --- what well-formed output is --------------------------------------------------------------

INVISIBLE_CHARACTER = re.compile(f"[{INVISIBLE}]")


def printable(value: str | None) -> bool:
    """No control, zero-width or direction character (and so no NUL, which PostgreSQL refuses)."""
    return value is None or not INVISIBLE_CHARACTER.search(value)


def assert_well_formed(text: str, docs: list[ParsedDocument]) -> None:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert isinstance(docs, list)
    previous_end = 0
    for doc in docs:
        assert isinstance(doc, ParsedDocument)
        assert doc.number is None or (isinstance(doc.number, str) and doc.number.strip() == doc.number != "")
        assert isinstance(doc.title, str) and (doc.issuer is None or isinstance(doc.issuer, str))
        assert printable(doc.number) and printable(doc.title) and printable(doc.issuer), doc
        assert doc.date is None or (isinstance(doc.date, date) and not isinstance(doc.date, datetime))
        span = doc.text.split("\n")
        first, last = doc.line, doc.line + len(span) - 1
        assert previous_end < first <= last <= len(lines), "documents overlap or lie outside the text"
        assert span == lines[first - 1:last], "a document's text is not its lines of the input"
        previous_end = last
        assert [t.line for t in doc.tasks] == sorted(t.line for t in doc.tasks)
        for task in doc.tasks:
            assert_task(task, first, last)
        json.dumps([task.to_json(doc.number) for task in doc.tasks], ensure_ascii=False)


def assert_task(task: ParsedTask, first: int, last: int) -> None:
    assert isinstance(task, ParsedTask)
    assert first <= task.line <= last, f"task at line {task.line}, its document spans {first}–{last}"
    assert isinstance(task.text, str) and task.text.strip(), f"a task without text: {task}"
    assert isinstance(task.section, str) and isinstance(task.raw, str)
    for name in task.lead + task.support:
        assert isinstance(name, str) and name and name == name.strip() and "\n" not in name, f"unit {name!r}"
    assert len(set(task.lead)) == len(task.lead) and len(set(task.support)) == len(task.support)
    assert not set(task.lead) & set(task.support), f"a unit both leads and supports: {task}"
    assert task.deadline is None or (isinstance(task.deadline, date) and not isinstance(task.deadline, datetime))
    assert task.deadline_text is None or (isinstance(task.deadline_text, str) and task.deadline_text)
    assert all(printable(value) for value in (task.text, task.section, task.raw, task.deadline_text,
                                              *task.lead, *task.support)), f"an invisible character kept: {task}"


def parse_checked(text: str) -> list[ParsedDocument]:
    docs = parse_text(text)  # no error type: nothing may be raised
    assert_well_formed(text, docs)
    return docs


# --- arbitrary text --------------------------------------------------------------------------

@FUZZ
@given(hostile_text)
def test_any_text_parses_into_well_formed_documents(text):
    docs = parse_checked(text)
    assert [asdict(d) for d in parse_text(text)] == [asdict(d) for d in docs], "parsing is not deterministic"


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["", "一、", "（一）", "（二）", "1.", "2.", "（十）", "附件"]),
                          st.text(characters, max_size=20),
                          st.sampled_from(["", "（责任单位：省商务厅）", "（省商务厅牵头，省财政厅配合）", "（省教育厅负责）",
                                           "（牵头单位：省商务厅；配合单位：省财政厅）", "（省商务厅牵头）（省财政厅配合）",
                                           "（责任单位：）", "（牵头）", "（完成时限：2023年底前）", "责任单位：省商务厅。"])),
                max_size=40))
def test_numbered_designated_lines_parse(rows):
    """Documents shaped like the real ones: numbered items, each with or without a designation."""
    text = "关于开展测试工作的通知\n" + "\n".join(f"{marker}{body}{designation}" for marker, body, designation in rows)
    parse_checked(text)


@FUZZ
@given(st.lists(st.lists(st.one_of(st.text(characters, max_size=10), st.sampled_from(KEYWORDS)), max_size=6),
                max_size=25))
def test_work_list_rows_parse(rows):
    """Tab-separated rows under a work-list header, cells of anything."""
    text = "关于开展测试工作的通知\n序号\t重点任务\t牵头单位\t配合单位\t完成时限\n" + "\n".join("\t".join(r) for r in rows)
    parse_checked(text)


# --- the seeds, cut and mutated --------------------------------------------------------------

@st.composite
def mutated_seed(draw) -> str:
    """A slice of a seed with chunks inserted, deleted, duplicated and swapped."""
    seed = draw(st.sampled_from(SEED_TEXTS))
    start = draw(st.integers(0, len(seed) - 1))
    text = seed[start:start + draw(st.integers(1, 6000) | st.sampled_from([3000, 8000, 20000]))]
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(text)))
        end = draw(st.integers(at, min(len(text), at + 400)))
        operation = draw(st.sampled_from(["insert", "delete", "duplicate", "swap", "seed"]))
        if operation == "insert":
            text = text[:at] + draw(pieces) + text[at:]
        elif operation == "delete":
            text = text[:at] + text[end:]
        elif operation == "duplicate":
            text = text[:end] + text[at:end] + text[end:]
        elif operation == "swap":
            other = draw(st.integers(end, len(text)))
            other_end = draw(st.integers(other, min(len(text), other + 400)))
            text = text[:at] + text[other:other_end] + text[end:other] + text[at:end] + text[other_end:]
        else:  # a chunk of another seed
            donor = draw(st.sampled_from(SEED_TEXTS))
            cut = draw(st.integers(0, len(donor) - 1))
            text = text[:at] + donor[cut:cut + draw(st.integers(1, 400))] + text[at:]
    return text


@SLOW
@given(mutated_seed())
def test_mutated_seeds_parse_into_well_formed_documents(text):
    parse_checked(text)


def test_the_seeds_parse_into_well_formed_documents():
    """The seeds whole (what the mutations start from) give tasks, every one well formed."""
    for text in SEED_TEXTS:
        assert sum(len(d.tasks) for d in parse_checked(text)) > 10


# --- cases the fuzzing found (tasks without text) --------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # Two designations with nothing between them are one: the second names the supporting unit.
    ("通知\n推进工作。（省商务厅牵头）（省财政厅配合）", [("推进工作。", ["省商务厅"], ["省财政厅"])]),
    ("通知\n推进工作。（责任单位：省商务厅）、（配合单位：省财政厅）。", [("推进工作。", ["省商务厅"], ["省财政厅"])]),
    # A designation under a heading without words keeps its units, with itself for its text.
    ("通知\n一、\n（责任单位：省商务厅）", [("责任单位：省商务厅", ["省商务厅"], [])]),
    ("（省商务厅牵头）", [("省商务厅牵头", ["省商务厅"], [])]),
    # An undesignated item whose number stands on a line of its own: its text is the paragraph after it.
    ("通知\n（一）推进工作。（责任单位：省商务厅）\n（二）\n加强队伍建设。\n（三）推进。（责任单位：省财政厅）",
     [("推进工作。", ["省商务厅"], []), ("加强队伍建设。", [], []), ("推进。", ["省财政厅"], [])]),
    # A bare number with nothing after it assigns nothing: it is no task.
    ("通知\n1.推进工作。\n2.推进改革。（责任单位：省财政厅）\n3.", [("推进工作。", [], []), ("推进改革。", ["省财政厅"], [])]),
    # Controls, zero-width and direction characters pasted along print nothing and are dropped.
    ("通知\n推进\x00工作\x1b[0m。（责任单位：省商\u200b务厅\x01、\u202e省财政厅\ufeff）",
     [("推进工作[0m。", ["省商务厅"], ["省财政厅"])]),
])
def test_every_task_has_text(text, expected):
    docs = parse_checked(text)
    assert [(t.text, t.lead, t.support) for d in docs for t in d.tasks] == expected


# --- decoding bytes --------------------------------------------------------------------------

byte_soup = st.one_of(
    st.binary(max_size=400),
    st.lists(st.tuples(st.one_of(hostile_text, st.sampled_from(SEED_TEXTS).map(lambda s: s[:300])),
                       st.sampled_from(["utf-8", "gbk", "gb18030", "utf-16-le", "utf-16-be", "big5", "latin-1"])),
             max_size=5).map(lambda parts: b"".join(t.encode(e, errors="replace") for t, e in parts)),
)
with_prefix = st.tuples(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00"]), byte_soup).map(
    lambda pair: pair[0] + pair[1])


@FUZZ
@given(with_prefix)
def test_decoding_raises_only_unreadable_text(data):
    try:
        text = decode(data, "x.txt")
    except UnreadableText as exc:
        assert str(exc).startswith("x.txt: ")
        return
    assert isinstance(text, str) and "\x00" not in text and "\r" not in text
    parse_checked(text)


@FUZZ
@given(with_prefix, st.sampled_from(["plan.txt", "PLAN.TXT", "计划.txt", "a.b.txt"]))
def test_txt_sources_raise_only_source_error(data, name):
    try:
        text = document_text(name, data, Limits(max_chars=300))
    except SourceError as exc:
        assert name in str(exc) and any(word in str(exc) for word in ("编码", "文字过多", "文件为空")), str(exc)
        return
    assert isinstance(text, str) and "\x00" not in text and len(text) <= 300


def test_utf16_text_with_nul_characters_is_refused():
    """UTF-16 writes NUL bytes in every ASCII character, so NULs are looked for once decoded."""
    assert decode("通知\n推进工作。".encode("utf-16"), "a.txt") == "通知\n推进工作。"
    for data in ("通知\x00推进".encode("utf-16"), b"\xff\xfe" + "\x00".encode("utf-16-le")):
        with pytest.raises(UnreadableText, match="NUL"):
            decode(data, "a.txt")
        with pytest.raises(SourceError, match="无法识别文件编码"):
            document_text("a.txt", data)


@settings(FUZZ, max_examples=6)
@given(st.sampled_from([".docx", ".pdf"]), st.binary(min_size=0, max_size=2000),
       st.sampled_from([b"", b"PK\x03\x04", b"%PDF-1.4\n"]))
def test_broken_docx_and_pdf_raise_only_source_error(suffix, data, head):
    """Garbage under a .docx or .pdf name is refused by the worker with a message (each call
    starts a worker process, so only a few examples)."""
    with pytest.raises(SourceError, match="无法打开|没有可读取的文字|文件为空"):
        document_text("broken" + suffix, head + data, Limits(timeout=30))
