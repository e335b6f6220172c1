"""Responsibility designations: who leads and who supports a piece of work.

Shapes read (brackets （）() 〔〕【】, simplified or traditional characters):
  （责任单位：A、B，C）             first listed leads, the rest support
  （牵头单位：A；配合单位：B）      labelled roles; 责任单位 beside a 牵头单位 means support
  （A牵头，B、C等参与/配合/协同）   explicit lead and participants
  （A、B牵头） （A负责） （A组织实施）  all listed lead
  （A会同B负责/组织实施）           A leads, B supports
  （X或Y负责，以下统称Z负责）       Z leads
and the same labels outside brackets (牵头单位：A / 责任单位：B as lines of their own).
A document's statement that the first listed unit leads (列第一位的为牵头单位，下同,
排在第一位的部门为牵头部门, ...) holds for every later designation, whatever its shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import labels
from .units import PROSE, canonical, looks_like_unit, split_units

FIRST_LEADS = re.compile(
    r"[，。；、]?(?:其中)?(?:(?:列|排|排列|排名|位列)(?:在)?)?(?:第一|首)(?:位|个)?(?:的|者)?(?:责任)?(?:单位|部门)?"
    r"(?:为|是)牵头(?:单位|部门)?(?:[，。；]?下同)?")
RESPONSIBLE_LEAD = re.compile(r"[，。；]?(?:无牵头单位的[，,]?)?责任单位(?:即|均|即均)?为牵头单位(?:[，。；]?下同)?")
EMPTY_BRACKETS = re.compile(r"[（〔]\s*[）〕]")
COLLECTIVE_NAME = re.compile(r"(?:以下)?统称(?P<name>.+?)(?:负责|牵头)?$")
# Verbs by the role they give the units before them.
VERBS = {
    "lead": ("牵头负责", "牵头"),
    "responsible": ("具体负责", "共同负责", "分别负责", "负责落实", "负责", "组织实施", "按职责分工负责",
                    "按职责分工落实", "按职责落实", "抓好落实", "落实"),
    "support": ("参与", "参加", "配合", "协同", "协助", "协办"),
}
# Verbs that divide the work among the units named (A、B等按职责分工负责): without a named
# lead, the first listed leads, as in a 责任单位 list.
DIVIDING = ("按职责分工负责", "按职责分工落实", "按职责落实")
VERB_END = re.compile(f"(?P<verb>{'|'.join(verb for verbs in VERBS.values() for verb in verbs)})$")
# The role each label or verb gives the units it names.
ROLE = {word: role for words in (labels.ROLES, VERBS) for role, group in words.items() for word in group}
CLAUSE_SPLIT = "，；。,;"
BRACKETS = {"（": "）", "〔": "〕"}  # 【】, ［］ and [] fold to 〔〕 (some pages write [责任单位:…])
MAX_INNER = 600


@dataclass
class Conventions:
    """What a document has said about who leads; it holds for every later designation."""

    first_leads: bool = False  # 列第一位的为牵头单位
    responsible_lead: bool = False  # 无牵头单位的，责任单位即为牵头单位

    def read(self, text: str) -> None:
        self.first_leads = self.first_leads or bool(FIRST_LEADS.search(text))
        self.responsible_lead = self.responsible_lead or bool(RESPONSIBLE_LEAD.search(text))


@dataclass
class Roles:
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    time: str | None = None  # a labelled time cell, 完成时限：２０２３年６月

    def add(self, role: str, names: list[str]) -> None:
        target = self.lead if role == "lead" else self.support
        target.extend(n for n in names if n not in target)


@dataclass
class Designation:
    start: int  # offset of the opening bracket (or the label) in the searched text
    end: int  # offset just past it
    inner: str  # the text between the brackets
    roles: Roles
    bracketed: bool = True
    running: bool = False  # named in the running text: it covers its whole paragraph


# 建立由市农业局、市经信局牵头的协调机制: the units before 牵头的 lead the work the sentence
# describes. (由X牵头建设… without 的 tells who builds a thing, not who answers for the task.)
RUNNING_LEAD = re.compile(r"由(?P<units>[^，。；：、（）由][^，。；：（）由]{1,80}?)(?:共同)?牵头的")


def running_lead(text: str) -> Designation | None:
    """A lead named in the running text of a paragraph that has no designation of its own."""
    m = RUNNING_LEAD.search(text)
    names = [n for n in split_units(m.group("units")) if looks_like_unit(n)] if m else []
    if not names or len(names) != len(split_units(m.group("units"))):
        return None  # not a list of units: 由此牵头的…, 由其牵头的…
    return Designation(m.start(), m.end(), m.group(0), Roles(lead=names), bracketed=False, running=True)


def parse(inner: str, conventions: Conventions | None = None) -> Roles | None:
    """Roles named by a designation's inner text, or None when it names no unit.

    A statement inside the designation (…。列第一位的为牵头单位，下同) is recorded in
    `conventions` and applies to this designation too. A text longer than MAX_INNER (a
    work-list cell that swallowed a passage) names no unit: reading a unit list costs more
    than linear time in its length.
    """
    conventions = conventions or Conventions()
    conventions.read(inner)
    if len(inner) > MAX_INNER:
        return None
    roles = Roles()
    # The statement removed, the brackets it stood in go too: 市财政局（第一责任单位为牵头单位，下同）.
    text = EMPTY_BRACKETS.sub("", RESPONSIBLE_LEAD.sub("", FIRST_LEADS.sub("", inner)))
    text, *other = labels.OTHER_LABEL.split(text)
    text = text.strip("，；。 ")
    if other:
        roles.time = re.split("[；;。]", other[1])[0].strip("，、 ") or None
    collective = COLLECTIVE_NAME.search(text)
    if collective:
        roles.add("lead", [canonical(collective.group("name"))])
    elif labels.LABEL.search(text):
        _labelled(text, roles, conventions.responsible_lead)
    else:
        _verbal(text, roles)
    roles.lead = [n for n in roles.lead if looks_like_unit(n)]
    roles.support = [n for n in roles.support if looks_like_unit(n) and n not in roles.lead]
    if conventions.first_leads and len(roles.lead) > 1:
        roles.support = roles.lead[1:] + roles.support
        roles.lead = roles.lead[:1]
    if not roles.lead and not roles.support:
        return None
    return roles


ROLE_MARK = re.compile(r"（(牵头|配合|参与|协办)(?:单位|部门)?）$")


def _take_marked(names: list[str], roles: Roles) -> list[str]:
    """Names marked in the list itself, 省发展改革委（牵头）, take that role; the rest are returned."""
    rest = []
    for name in names:
        mark = ROLE_MARK.search(name)
        if mark:
            roles.add(ROLE[mark.group(1)], [name[: mark.start()]])
        else:
            rest.append(name)
    return rest


def _labelled(text: str, roles: Roles, responsible_lead: bool) -> None:
    parts = labels.LABEL.split(text)
    if parts[0].strip("，；。 "):
        _verbal(parts[0], roles)
    responsible: list[str] = []
    for label, content in zip(parts[1::2], parts[2::2]):
        # A sentence's end closes the list: what follows is a remark (具体任务均涉及…，不再做分工).
        content = content.split("。")[0].strip("，；。 ")
        if VERB_END.search(_last_clause(content)):
            sub = Roles()
            _verbal(content, sub)
            if ROLE[label] == "responsible" and sub.lead and sub.support:
                # 部门分工：A牵头，B配合: the sentence says who leads.
                roles.add("lead", sub.lead)
                roles.add("support", sub.support)
                continue
            names = sub.lead + sub.support
        else:
            names = _take_marked(split_units(content), roles)
        _assign(label, names, roles, responsible)
    _settle(roles, responsible, all_lead=responsible_lead)


def _assign(word: str, names: list[str], roles: Roles, responsible: list[str]) -> None:
    """The units named with a label or verb take its role; those it makes responsible are
    collected, for `_settle` to decide who of them leads."""
    if ROLE[word] == "responsible":
        responsible.extend(names)
    else:
        roles.add(ROLE[word], names)


def _settle(roles: Roles, responsible: list[str], all_lead: bool) -> None:
    """Units named only as responsible support a named lead; without one, all of them
    lead (负责 / 组织实施) or the first listed does (a 责任单位 list)."""
    if roles.lead:
        roles.add("support", responsible)
    elif all_lead:
        roles.add("lead", responsible)
    else:
        roles.add("lead", responsible[:1])
        roles.add("support", responsible[1:])


def _last_clause(text: str) -> str:
    return re.split(f"[{CLAUSE_SPLIT}]", text)[-1]


def _verbal(text: str, roles: Roles) -> None:
    """Clauses ending in a role verb; units before 会同 lead, those after it support."""
    responsible: list[str] = []
    divided = False
    pending = ""
    for clause in _clauses(text):
        pending = f"{pending}，{clause}" if pending else clause
        m = VERB_END.search(pending)
        if not m:
            continue
        names = pending[: m.start()]
        pending = ""
        if PROSE.search(names):  # 以下工作均需各市政府落实: a remark, not a designation
            continue
        if "会同" in names:
            head, _, partners = names.partition("会同")
            lead_names, partner_names = split_units(head), split_units(partners)
        else:
            lead_names, partner_names = _take_marked(split_units(names), roles), []
        _assign(m.group("verb"), lead_names, roles, responsible)
        divided = divided or m.group("verb") in DIVIDING
        roles.add("support", partner_names)
    _settle(roles, responsible, all_lead=not divided)


def _clauses(text: str) -> list[str]:
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "（〔[“":
            depth += 1
        elif ch in "）〕]”":
            depth = max(depth - 1, 0)
        elif ch in CLAUSE_SPLIT and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return [c for c in out if c]


def find(text: str, conventions: Conventions) -> list[Designation]:
    """Designations in one paragraph's normalised text, in order of appearance.

    Statements in the prose between them update `conventions` as they are passed.
    """
    found: list[Designation] = []
    depth_at = _depths(text)
    unread = 0  # where the prose not yet read for conventions starts
    i = 0
    while i < len(text):
        ch = text[i]
        end = None
        if ch in BRACKETS:
            close = _closing(text, i)
            if close is not None and _worth_parsing(text[i + 1: close]):
                end, inner, bracketed = close + 1, text[i + 1: close], True
        elif depth_at[i] == 0 and labels.LABEL.match(text, i) and _label_starts_clause(text, i):
            run_end = _label_run_end(text, i)
            if run_end is not None:
                end, inner, bracketed = run_end, text[i:run_end], False
        if end is not None:
            # No statement spans a bracket or a label that opens a clause, so the prose
            # can be read in pieces, each once.
            conventions.read(text[unread:i])
            unread = i
            roles = parse(inner, conventions)
            if roles:
                found.append(Designation(i, end, inner, roles, bracketed))
                unread = i = end
                continue
        i += 1
    conventions.read(text[unread:])
    return found


def _worth_parsing(inner: str) -> bool:
    """Cheap test before parsing: a label, 统称, or a clause ending in a role verb."""
    if not 2 <= len(inner) <= MAX_INNER:
        return False
    return bool(labels.LABEL.search(inner) or "统称" in inner
                or any(VERB_END.search(c) for c in _clauses(inner)))


def _closing(text: str, start: int) -> int | None:
    open_ch = text[start]
    close_ch = BRACKETS[open_ch]
    depth = 0
    for j in range(start, min(len(text), start + MAX_INNER + 2)):
        if text[j] == open_ch:
            depth += 1
        elif text[j] == close_ch:
            depth -= 1
            if depth == 0:
                return j
    return None


def _depths(text: str) -> list[int]:
    depths, depth = [], 0
    for ch in text:
        if ch in "（〔[":
            depth += 1
        depths.append(depth)
        if ch in "）〕]":
            depth = max(depth - 1, 0)
    return depths


def _label_starts_clause(text: str, i: int) -> bool:
    """An unbracketed label counts at a paragraph's start or right after a sentence."""
    return i == 0 or text[i - 1] in "。；：:;\n"


def _label_run_end(text: str, i: int) -> int | None:
    """An unbracketed designation runs over sentences that start with a label; like a
    bracketed one it holds at most MAX_INNER characters (None when it would run longer),
    so that each of the labels in a long run is not parsed with all the text after it."""
    limit = i + MAX_INNER
    end = i
    while True:
        stop = text.find("。", end, limit)
        if stop < 0:
            return len(text) if len(text) <= limit else None
        end = stop + 1
        if end >= len(text) or not labels.LABEL.match(text, end):
            return end
