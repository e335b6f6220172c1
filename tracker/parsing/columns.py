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
    # People, never units: 责任领导 徐国江.
    "person": r"责任领导|牵头领导|分管领导|联系领导|包保领导|牵头市领导|市领导|县领导|区领导|责任人",
}
# The columns that name units, and a row or line naming the group of the rows below it
# (一、稳增长, （二）, 第三部分): shared by every table reader.
UNIT_ROLES = ("lead", "responsible", "support")
_CN = "[一二三四五六七八九十]{1,3}"
GROUP_HEADING = re.compile(rf"{_CN}[、.]|（{_CN}）|第{_CN}[部分章节类组]")
ANY_COLUMN = re.compile("|".join(f"(?P<{key}>{pattern})" for key, pattern in COLUMNS.items()))
# A header run together (squeezed text, or a table printed one character per line).
GRID_HEADER = re.compile(rf"(?:{COLUMNS['number']})(?:{'|'.join(COLUMNS.values())})+")
_NAMES = [name for pattern in COLUMNS.values() for name in pattern.split("|")]
_EXACT = {key: re.compile(rf"(?:{pattern})") for key, pattern in COLUMNS.items()}
# Header cells worded otherwise (2022年预期目标, 责任主体与协同单位, 分管 领导) are known by a word
# they hold, tried in this order: 协同 before 责任 makes 责任主体与协同单位 the supporting units.
_IGNORED = re.compile(r"情况|进度|进展|说明|备注|成效|是否|问题")  # progress and remarks columns
_TASK_WORDS = re.compile(r"任务|举措|措施|目标|内容|工作|事项|项目|实事")
_WORDS = (
    (None, _IGNORED),
    ("person", re.compile(r"领导|责任人|联系人")),
    ("number", re.compile(r"序号|编号")),
    ("time", re.compile(r"时限|时间|期限|节点|日期|年限")),
    ("support", re.compile(r"配合|协同|协办|参与|协作")),
    ("lead", re.compile(r"牵头|主责|主办")),
    ("responsible", re.compile(r"责任|实施|承办|主体")),
    ("task", _TASK_WORDS),
)
_HEADER_CELL = 12  # characters; a longer cell is data, not a column name
_UNIT_END = re.compile(r"(?:单位|部门|主体|处室|科室|领导|责任人)$")


def is_column_name(cell: str) -> bool:
    """Whether `cell` is one of the column names as written (责任单位, 完成时限)."""
    return any(pattern.fullmatch(cell) for pattern in _EXACT.values())


def column_role(cell: str) -> str | None:
    """The role of one header cell (squeezed), or None for a column the parser does not read."""
    if len(cell) > _HEADER_CELL:
        return None
    exact = next((key for key, pattern in _EXACT.items() if pattern.fullmatch(cell)), None)
    if exact:
        return exact
    if not _UNIT_END.search(cell) and _TASK_WORDS.search(cell) and not _IGNORED.search(cell):
        return "task"  # 工作举措及实施计划: what is to be done, though it says 实施
    return next((key for key, words in _WORDS if words.search(cell)), None)


def header_roles(cells: list[str]) -> list[str | None] | None:
    """Column roles of a header row (cells squeezed), or None when the row is not a work-list
    header: it needs a task column and a unit column. A role met twice (主要任务 | 全年目标任务)
    belongs to its first column; a second task-like column is the "plan" (工作举措及实施计划),
    read for dates when there is no time column."""
    roles: list[str | None] = []
    for cell in cells:
        role = column_role(cell)
        if role == "task" and "task" in roles:
            role = "plan"
        roles.append(None if role in roles else role)
    if "task" not in roles and roles[:1] == ["number"]:
        # 序号 | 民生实事 | 责任单位: the first column of a name not met, right after the number, holds the task.
        if len(cells) > 1 and roles[1] is None and cells[1] and not _IGNORED.search(cells[1]):
            roles[1] = "task"
    names = set(roles)
    if "task" in names and names & set(UNIT_ROLES):
        return roles
    return None


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
