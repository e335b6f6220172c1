"""What the parser produces: documents and the tasks they assign."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class ParsedTask:
    line: int  # 1-based input line where the designation (or the work-list row's number) starts
    section: str  # section path such as 二/（三）/3, 附件/5 for a work-list row
    text: str
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    deadline: date | None = None
    deadline_text: str | None = None
    raw: str = ""  # the designation (or the row's unit cell) as written, whitespace removed
    leader: str | None = None  # a work list's person column (责任领导 张三): people, never units

    def to_json(self, doc: str | None) -> dict:
        data = asdict(self)
        data["deadline"] = self.deadline.isoformat() if self.deadline else None
        return {"doc": doc, **data}


@dataclass
class ParsedDocument:
    number: str | None  # 文号 with ASCII digits and no spaces: 浙政办发〔2021〕32号
    title: str
    issuer: str | None = None
    date: date | None = None
    line: int = 1  # where the document starts in the input
    source: str | None = None  # the file it was read from
    tasks: list[ParsedTask] = field(default_factory=list)
    text: str = ""  # its lines as read, from `line` on: a task's source lines are shown around it
    # Lines read by OCR from a scan, with the recogniser's confidence (0-1); set by the
    # caller that read the file, for the preview to show where a person should check.
    recognised: dict[int, float] = field(default_factory=dict)
