"""The labels a designation names units with (牵头单位：A，责任单位：B) and the labels of
other columns that may follow them (完成时限：C), shared by the layout and the readers.
"""

from __future__ import annotations

import re

# Labels by the role they give the units after them.
ROLES = {
    "lead": ("牵头责任单位", "牵头单位", "牵头部门", "牵头处室", "主办单位", "主责单位", "主责部门", "牵头"),
    "support": ("协同责任单位", "配合责任单位", "配合单位", "配合部门", "配合处室", "协办单位", "协办部门", "参与单位",
                "参与部门", "参加单位", "协同单位", "协作单位", "支持单位", "配合", "协办", "参与"),
    "responsible": ("主要责任单位", "责任单位", "责任部门", "责任处室", "实施单位", "承办单位", "责任主体",
                    "落实单位", "部门分工", "任务分工", "责任分工", "责任"),
}
LABEL = re.compile(f"({'|'.join(label for labels in ROLES.values() for label in labels)})[:：]")
# The labels common enough that a line opening with one after a finished sentence is a
# designation of its own, not the sentence's continuation.
OPENING = re.compile(r"^[（〔]?(责任单位|牵头单位|责任部门|牵头部门|牵头责任单位|部门分工|任务分工|责任分工)[:：]")
# Labels of other columns that may follow the units inside one designation.
OTHER_LABEL = re.compile(r"[，；。]?(完成时限|完成时间|时间节点|进度安排|时限要求|完成期限)[:：]")
# The label a work list's unit column is read with, as if it were a designation.
COLUMN_LABELS = {"lead": "牵头单位", "responsible": "责任单位", "support": "配合单位"}
