"""The column names of work lists (重点工作清单), shared by the layout and the row reader."""

from __future__ import annotations

import re

COLUMNS = {
    "number": r"序号|编号",
    "task": r"重点工作举措|重点工作任务|主要工作任务|工作举措|工作任务|重点任务|主要任务|具体任务|任务内容|"
            r"工作内容|具体举措|主要举措|任务举措|重点工作|工作措施|主要内容|任务|举措",
    "lead": r"牵头单位|牵头部门|主责单位|主办单位",
    "support": r"配合单位|配合部门|协办单位|参与单位|协同单位",
    "responsible": r"责任单位|责任部门|责任主体|实施单位|承办单位",
    "time": r"完成时间|完成时限|完成期限|时间节点|时限要求|时间安排|进度安排|完成日期|时限",
}
ANY_COLUMN = re.compile("|".join(f"(?P<{key}>{pattern})" for key, pattern in COLUMNS.items()))
# A header run together (squeezed text, or a table printed one character per line).
GRID_HEADER = re.compile(rf"(?:{COLUMNS['number']})(?:{'|'.join(COLUMNS.values())})+")
_NAMES = [name for pattern in COLUMNS.values() for name in pattern.split("|")]


def is_grid_header(text: str) -> bool:
    """Whether `text` is a header run together and nothing else (GRID_HEADER.fullmatch).

    Column names overlap (重点工作任务 is also 重点工作 and 任务), so the regular expression
    tries every way of cutting a long line that is no header, in time exponential in its
    length; here each position is reached once."""
    starts = [len(name) for name in COLUMNS["number"].split("|") if text.startswith(name)]
    ends = [False] * (len(text) + 1)  # ends[p]: text[:p] is a number column, then column names
    for p in range(min(starts, default=len(text)), len(text)):
        if p in starts or ends[p]:
            for name in _NAMES:
                if text.startswith(name, p):
                    ends[p + len(name)] = True
    return ends[len(text)]
