"""Policy documents into tasks: a pure library (standard library only, no Flask).

    from tracker.parsing import parse_text, read_text
    for doc in parse_text(read_text("gazette.txt")):
        for task in doc.tasks:
            print(doc.number, task.section, task.lead, task.support, task.deadline)

`python -m tracker.parsing FILE...` prints one JSON object per task.
"""

from .model import ParsedDocument, ParsedTask
from .parser import parse_text
from .reader import UnreadableText, decode, read_text

__all__ = ["ParsedDocument", "ParsedTask", "UnreadableText", "decode", "parse_text", "read_text"]
