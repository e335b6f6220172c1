"""parse_text: from the text of a gazette issue or a single document to tasks.

Which text a designation covers:
- the sentences since the previous designation, when one stands earlier in the paragraph;
- a whole numbered sub-section, when it stands alone after a list of items that have no
  designation of their own (and the list's heading when the item heading has a body);
- otherwise its paragraph, reaching back to the heading of its numbered item when that
  heading runs into body text (（二）完善监测网络。加强…) and nothing between is designated.
Designations with nothing but punctuation between them (（A牵头）（B配合）) are one designation.
A designation that covers no text at all (one standing under an empty heading) keeps its
units, with the designation as written for its text: every task has some text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

from . import deadlines, designations, documents, worklist
from .columns import GROUP_HEADING
from .labels import COLUMN_LABELS
from .layout import Block, Span, blocks_from_lines, joined
from .model import ParsedDocument, ParsedTask
from .numbering import Marker, section_path
from .text import squeeze

ATTACHMENT = re.compile(r"^附件(\d{0,2})(?:[:：]|$)")
# What may stand between two designations that are one: （A牵头）、（B配合）。
_BETWEEN_DESIGNATIONS = "，。；：、,;: \n"


def parse_text(text: str, source: str | None = None) -> list[ParsedDocument]:
    """Documents in `text` with the tasks their designations and work lists assign.

    `source` (a file name) is kept on each document to say where it came from.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    parsed = []
    for k, span in enumerate(documents.split(lines)):
        body = list(range(span.body_start, span.end))
        issuer, issued = documents.signature([lines[i] for i in body])
        # A page's metadata stands above its (first) document's title.
        issued = issued or documents.page_date(lines[0 if k == 0 else span.title_line:span.end])
        doc = ParsedDocument(span.number, span.title, issuer, issued, span.title_line + 1, source,
                             text="\n".join(lines[span.title_line:span.end]))
        year = issued.year if issued else _title_year(span.title) or _number_year(span.number)
        blocks = blocks_from_lines([(i + 1, lines[i]) for i in body])
        doc.tasks = _DocumentReader(blocks, year, issued.year if issued else None).tasks()
        parsed.append(doc)
    return parsed


# A sub-item run into its paragraph after a sentence: 深化改革。（1）全面落实多证合一。（责任单位：X）
_MARK = r"\s*(?:[（(]\d{1,2}[）)]|[①-⑳])\s*"
SUB_ITEM = re.compile(rf"(?<=[。；：:！？]){_MARK}")
SUB_ITEM_FIRST = re.compile(rf"[\s，。；]*{_MARK}")  # right where the text starts


def _sub_item_start(text: str, start: tuple[int, int], b: int, end: int) -> tuple[int, int]:
    """Where a designation's text starts when sub-items share its paragraph: past the marker
    of the last sub-item before it (in the same block), else where it started."""
    if start[0] != b:
        return start
    last = [*SUB_ITEM.finditer(text, start[1], end)] or [SUB_ITEM_FIRST.match(text, start[1], end)]
    return (b, last[-1].end()) if last[-1] else start


def _title_year(title: str | None) -> int | None:
    """The year a title names (关于做好2026年重点工作的通知), not a plan's span (2018—2020年)."""
    m = re.search(r"(?<![—\-－~～至到\d])((?:19|20)\d{2})年", squeeze(title or ""))
    return int(m.group(1)) if m else None


def _number_year(number: str | None) -> int | None:
    m = re.search(r"〔((?:19|20)\d{2})〕", number or "")
    return int(m.group(1)) if m else None


@dataclass
class _BlockState:
    """What the reader knows of one block."""

    stack: list[tuple[Marker, int]]  # the numbered items open at it, outermost first: (marker, block)
    prefix: list[str]  # 附件 prefix of its section path
    designated_before: int  # the last block before it with a designation, or -1
    runs_in: bool  # it opens an item whose heading runs into body text (see _runs_in)
    found: list[designations.Designation] = field(default_factory=list)
    covered: bool = False  # some designation covers its text


class _DocumentReader:
    def __init__(self, blocks: list[Block], year: int | None, issued_year: int | None) -> None:
        self.blocks = blocks
        self.year = year
        self.issued_year = issued_year
        self.state: list[_BlockState] = []
        self.items: dict[int, list[int]] = defaultdict(list)  # blocks opening an item, by level

    def tasks(self) -> list[ParsedTask]:
        out: list[ParsedTask] = []
        stack: list[tuple[Marker, int]] = []
        conventions = designations.Conventions()
        table = worklist.TableReader()
        prefix: list[str] = []
        for b, block in enumerate(self.blocks):
            if block.kind == "para" and table.columns:
                if self._groups_rows(b):
                    table.group = block.text
                    self.state.append(_BlockState(list(stack), prefix, self._last_designated(b), False))
                    continue
                # The table has ended: its rows become tasks under what the document said so far.
                out.extend(self._row_task(row, conventions, prefix) for row in table.rows)
                table = worklist.TableReader()
            attachment = ATTACHMENT.match(block.text)
            if attachment and block.kind == "para":
                stack = []
                prefix = [f"附件{attachment.group(1)}"]
            if block.marker:
                while stack and stack[-1][0].level >= block.marker.level:
                    stack.pop()
                stack.append((block.marker, b))
                self.items[block.marker.level].append(b)
            state = _BlockState(list(stack), prefix, self._last_designated(b), self._runs_in(b))
            self.state.append(state)
            if block.kind == "para":
                found = _merge_adjacent(block.text, designations.find(block.text, conventions))
                running = None if found else designations.running_lead(block.text)
                state.found = found or ([running] if running else [])
            elif block.kind == "row":
                table.feed(block.cells)
            else:
                out.extend(self._row_task(row, conventions, prefix) for row in worklist.grid_rows(block.span))
            out.extend(self._designation_task(b, k) for k in range(len(state.found)))
        out.extend(self._row_task(row, conventions, prefix) for row in table.rows)
        out.extend(self._unassigned())
        return sorted(out, key=lambda t: t.line)

    # -- which text a designation covers -------------------------------------------------

    def _designation_task(self, b: int, k: int) -> ParsedTask:
        """The task of the `k`th designation found in block `b`."""
        block = self.blocks[b]
        d = self.state[b].found[k]
        if k:
            start = (b, self.state[b].found[k - 1].end)
        elif not block.text[self._marker_width(b): d.start].strip("，。；："):
            start = self._standalone_start(b)
        else:
            start = self._paragraph_start(b)
        start = _sub_item_start(block.text, start, b, d.start)
        for state in self.state[start[0]: b + 1]:
            state.covered = True
        text = self._text_between(start, (b, len(block.text) if d.running else d.start))
        inner = block.span.slice(d.start, d.end)
        searched = joined([text, inner])
        found = deadlines.latest(searched.text, self.year, self.issued_year)
        when = found.date if found else None
        when_text = searched.orig[found.start:found.end] if found else None
        labelled = deadlines.cell_deadline(d.roles.time, self.year) if d.roles.time else None
        if d.roles.time and (when is None or (labelled and labelled > when)):
            when, when_text = labelled, d.roles.time
        path_block = start[0] if start[1] == 0 else b
        return ParsedTask(
            line=block.span.line_at(d.start),
            section=self._path(path_block),
            text=text.orig.strip() or _raw(inner.orig, d.bracketed),
            lead=d.roles.lead,
            support=d.roles.support,
            deadline=when,
            deadline_text=when_text,
            raw=_raw(inner.orig, d.bracketed),
        )

    def _standalone_start(self, b: int) -> tuple[int, int]:
        """A designation alone in its paragraph covers the list or paragraph before it."""
        p = b - 1
        while p >= 0 and self.blocks[p].kind != "para":
            p -= 1
        if p < 0:
            return (b, 0)
        stack = self.state[p].stack
        if stack and not self._designated_between(stack[-1][1], b):
            marker, item = stack[-1]
            # Items at its level since its parent (since the start when it has none).
            siblings = self.items[marker.level]
            first = bisect_left(siblings, stack[-2][1] + 1 if len(stack) > 1 else 0)
            # A list: the paragraph before is itself an item, or the body of one that runs in.
            if bisect_left(siblings, b) - first >= 2 and (item == p or self.state[item].runs_in):
                parent = stack[-2][1] if len(stack) > 1 else siblings[first]
                if not self._designated_between(parent, b):
                    return (parent, 0)
        return self._paragraph_start(p)

    def _paragraph_start(self, b: int) -> tuple[int, int]:
        stack = self.state[b].stack
        if stack:
            item = stack[-1][1]
            if item != b and self.state[item].runs_in and not self._designated_between(item, b):
                return (item, 0)
        return (b, 0)

    def _last_designated(self, b: int) -> int:
        """The last block before `b` with a designation, or -1 (from the state of `b - 1`)."""
        if not b:
            return -1
        before = self.state[b - 1]
        return b - 1 if before.found else before.designated_before

    def _designated_between(self, first: int, last: int) -> bool:
        """Whether a block in [first, last) has a designation."""
        return self.state[last].designated_before >= first

    def _marker_width(self, b: int) -> int:
        marker = self.blocks[b].marker
        return marker.width if marker else 0

    def _runs_in(self, b: int) -> bool:
        """A heading whose first sentence is followed by body text in the same paragraph."""
        if not self.blocks[b].marker:
            return False
        body = self.blocks[b].text[self._marker_width(b):]
        cut = re.search(r"[。；：！？]", body)
        return bool(cut) and len(body) - cut.end() >= 5

    def _text_between(self, start: tuple[int, int], end: tuple[int, int]) -> Span:
        parts: list[Span] = []
        for k in range(start[0], end[0] + 1):
            block = self.blocks[k]
            if block.kind != "para":
                continue
            lo = start[1] if k == start[0] else 0
            if lo == 0:
                lo = self._marker_width(k) if k == start[0] else 0
            hi = end[1] if k == end[0] else len(block.text)
            parts.append(block.span.slice(lo, hi))
        return joined(parts)

    def _path(self, b: int) -> str:
        stack = self.state[b].stack
        return "/".join(self.state[b].prefix + ([section_path([m for m, _ in stack])] if stack else []))

    # -- numbered items nobody was assigned ------------------------------------------------

    def _unassigned(self) -> list[ParsedTask]:
        """Items numbered like their designated siblings but with no designation of their
        own: the drafters forgot one, or it is written in a way the rules do not read.
        They are reported with no units, so a person can assign them."""
        groups = {(self._parent(k), block.marker.level) for k, block in enumerate(self.blocks)
                  if block.marker and self.state[k].covered}
        tasks = []
        for k, block in enumerate(self.blocks):
            if (block.marker is None or self.state[k].covered or self._covered_below(k)
                    or (self._parent(k), block.marker.level) not in groups):
                continue
            text = self._item_text(k)
            if not text.text.strip():
                continue  # a bare number: nothing to assign
            found = deadlines.latest(text.text, self.year, self.issued_year)
            tasks.append(ParsedTask(
                line=block.line, section=self._path(k), text=text.orig.strip(),
                deadline=found.date if found else None,
                deadline_text=text.orig[found.start:found.end] if found else None))
        return tasks

    def _item_text(self, b: int) -> Span:
        """An item's text: its heading, or when the heading is a bare number standing alone
        (（二） on a line of its own), the paragraphs after it up to the next numbered item."""
        text = self.blocks[b].span.slice(self.blocks[b].marker.width)
        if text.text.strip():
            return text
        k = b + 1
        while k < len(self.blocks) and self.blocks[k].marker is None:
            k += 1
        return self._text_between((b, 0), (k - 1, len(self.blocks[k - 1].text)))

    def _parent(self, b: int) -> int | None:
        stack = self.state[b].stack
        return stack[-2][1] if len(stack) > 1 else None

    def _covered_below(self, b: int) -> bool:
        """Whether a designation covers part of the item's body or sub-items.

        Items of one level do not nest, so each block is looked at once per level."""
        level = self.blocks[b].marker.level
        for k in range(b + 1, len(self.blocks)):
            marker = self.blocks[k].marker
            if marker is not None and marker.level <= level:
                return False
            if self.state[k].covered:
                return True
        return False

    # -- work-list rows ------------------------------------------------------------------

    def _groups_rows(self, b: int) -> bool:
        """A short heading between the rows of a typed table (二、稳增长 on a line of its own,
        then more rows): it names the group of the rows below, it does not end the table."""
        block = self.blocks[b]
        following = self.blocks[b + 1] if b + 1 < len(self.blocks) else None
        return (following is not None and following.kind == "row" and len(block.text) <= 40
                and GROUP_HEADING.match(block.text) is not None and "。" not in block.text
                and not designations.find(block.text, designations.Conventions()))

    def _row_task(self, row: worklist.Row, conventions: designations.Conventions, prefix: list[str]) -> ParsedTask:
        # A cell's own line breaks separate its units (市大数据局⏎市政府办公室).
        cells = {key: cell.text.replace("\n", "、") for key, cell in row.cells.items()}
        labelled = "；".join(f"{label}：{cells[key]}" for key, label in COLUMN_LABELS.items() if cells.get(key))
        roles = designations.parse(labelled, conventions) if labelled else None
        time = row.cells.get("time")
        if time is not None and time.text:
            when = deadlines.cell_deadline(time.text, self.year)
            deadline_text = time.orig
        else:
            # No time column: the task's words, and a plan column's (工作举措及实施计划: 4月底前…11月底前).
            dated = [(found, cell) for cell in (row.task, row.cells.get("plan")) if cell is not None
                     and (found := deadlines.latest(cell.text, self.year, self.issued_year))]
            found, cell = max(dated, key=lambda d: d[0].date) if dated else (None, None)
            when = found.date if found else None
            deadline_text = cell.orig[found.start:found.end] if found else None
        unit_cells = [row.cells[k].orig.replace("\n", "、") for k in COLUMN_LABELS if k in row.cells]
        person = row.cells.get("person")
        return ParsedTask(
            line=row.line,
            section="/".join(prefix + ([row.group] if row.group else []) + [row.number]),
            text=row.task.orig.strip(),
            leader=person.orig.replace("\n", "、").strip() if person else None,
            lead=roles.lead if roles else [],
            support=roles.support if roles else [],
            deadline=when,
            deadline_text=deadline_text or None,
            raw="；".join(unit_cells),
        )


def _merge_adjacent(text: str, found: list[designations.Designation]) -> list[designations.Designation]:
    """Designations with nothing but punctuation between them name the units of one piece
    of work together: （省商务厅牵头）（省财政厅配合） is one designation, read unbracketed."""
    merged: list[designations.Designation] = []
    for d in found:
        if merged and not text[merged[-1].end: d.start].strip(_BETWEEN_DESIGNATIONS):
            last = merged[-1]
            roles = designations.Roles(list(last.roles.lead), list(last.roles.support), last.roles.time or d.roles.time)
            roles.add("lead", d.roles.lead)
            roles.add("support", d.roles.support)
            roles.support = [n for n in roles.support if n not in roles.lead]
            merged[-1] = designations.Designation(last.start, d.end, text[last.start: d.end], roles, bracketed=False)
        else:
            merged.append(d)
    return merged


def _raw(orig: str, bracketed: bool) -> str:
    inner = orig[1:-1] if bracketed else orig
    return re.sub(r"\s+", "", inner)
