"""Designation shapes, read through the whole pipeline (parse_text) on small hand-written documents."""

import pytest

from tracker.parsing import parse_text


def tasks(text: str):
    return [t for doc in parse_text(text) for t in doc.tasks]


def one(text: str):
    found = tasks(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("designation,lead,support", [
    ("（责任单位：市商务局、市财政局，各区县政府）", ["市商务局"], ["市财政局", "各区县政府"]),
    ("（市环保局牵头，市财政局、市国土局等参与）", ["市环保局"], ["市财政局", "市国土局"]),
    ("（市环保局牵头，市财政局配合）", ["市环保局"], ["市财政局"]),
    ("（市环保局牵头，市财政局协同）", ["市环保局"], ["市财政局"]),
    ("（市环保局牵头，市财政局参加）", ["市环保局"], ["市财政局"]),
    ("（牵头单位：市委办；参加单位：市信访局、市网格化工作专班）", ["市委办"], ["市信访局", "市网格化工作专班"]),
    ("(市发改委、市数据局牵头)", ["市发改委", "市数据局"], []),
    ("（各级行政机关负责）", ["各级行政机关"], []),
    ("（市政府办公室会同有关单位负责）", ["市政府办公室"], ["有关单位"]),
    ("（市发改委组织实施）", ["市发改委"], []),
    ("（市发改委会同市商务局组织实施）", ["市发改委"], ["市商务局"]),
    ("（各级行政机关或授权组织负责，以下统称各级行政机关负责）", ["各级行政机关"], []),
    ("（牵头单位：市发改委；配合单位：市财政局、市税务局）", ["市发改委"], ["市财政局", "市税务局"]),
    ("（牵头单位：市发改委；责任单位：市财政局）", ["市发改委"], ["市财政局"]),
    ("〔责任单位：市自然资源局、市财政局〕", ["市自然资源局"], ["市财政局"]),
    ("【牵头单位：市商务局；配合单位：市财政局】", ["市商务局"], ["市财政局"]),
    ("（責任單位：市財政局、市教育局）", ["市财政局"], ["市教育局"]),
    ("（市財政局牽頭，市教育局配合）", ["市财政局"], ["市教育局"]),
    ("（責任單位：市發展改革委、市衛生健康委）", ["市发展改革委"], ["市卫生健康委"]),
    ("（责任单位：市发改委（牵头）、市财政局）", ["市发改委"], ["市财政局"]),
    ("（由市委宣传部牵头负责）", ["市委宣传部"], []),
    ("（责任单位：市级有关部门，各区县政府按职责分工落实）", ["市级有关部门"], ["各区县政府"]),
])
def test_designation_shapes(designation, lead, support):
    task = one(f"（一）推进某项工作。加快建设平台。{designation}\n")
    assert task.lead == lead
    assert task.support == support
    assert task.text == "推进某项工作。加快建设平台。"


@pytest.mark.parametrize("aside", [
    "（浙自然资规〔2021〕5号）", "（网格责任人）", "（具体名单由省科技厅公布）", "（按行政区划排列，下同）",
    "（以下简称市发改委）", "（2018—2020年）",
])
def test_asides_are_not_designations(aside):
    assert tasks(f"（一）推进某项工作{aside}。加快建设平台。\n") == []


def test_labelled_lines_outside_brackets_form_one_designation():
    task, other = tasks("（一）深化审批改革。推行集成改革。\n牵头单位：市发改委\n责任单位：市市场监管局、市数据局\n"
                        "完成时限：2023年6月\n（二）另一项工作说明。\n")
    assert (other.text, other.lead, other.support) == ("另一项工作说明。", [], [])
    assert task.lead == ["市发改委"]
    assert task.support == ["市市场监管局", "市数据局"]
    assert task.text == "深化审批改革。推行集成改革。"
    assert task.line == 2 and str(task.deadline) == "2023-06-30"


@pytest.mark.parametrize("statement", ["列第一位的为牵头单位，下同", "排在第一位的部门为牵头部门", "列第一者为牵头单位",
                                       "列首位的为牵头单位", "第一个单位为牵头单位"])
def test_first_listed_leads_after_the_statement(statement):
    found = tasks(f"（一）甲工作。（市委组织部、市司法局负责）\n（二）乙工作。（责任单位：市财政局、市税务局。{statement}）\n"
                  "（三）丙工作。（市委组织部、市司法局负责）\n")
    assert [t.lead for t in found] == [["市委组织部", "市司法局"], ["市财政局"], ["市委组织部"]]
    assert found[2].support == ["市司法局"]


def test_statement_in_prose_holds_for_later_designations():
    found = tasks("各项任务中，排在第一位的部门为牵头部门。\n（一）甲工作。（市委组织部、市司法局负责）\n")
    assert found[0].lead == ["市委组织部"] and found[0].support == ["市司法局"]


def test_several_designations_in_one_paragraph_cover_their_sentences():
    found = tasks("（三）推进信息公开。公开办事指南。（市政务办牵头）公开负面清单。（市发改委、市商务局牵头）"
                  "强化反垄断执法。（市市场监管局牵头）\n")
    assert [t.text for t in found] == ["推进信息公开。公开办事指南。", "公开负面清单。", "强化反垄断执法。"]
    assert [t.lead for t in found] == [["市政务办"], ["市发改委", "市商务局"], ["市市场监管局"]]


def test_designation_spanning_a_line_break_and_unit_broken_mid_name():
    text = ("（一）加强航空物流通道建设。优化全省货运机场货运功能和空间规划布局，加大国际航线开发力度。（责任单位：省\n\n"
            "交通运输厅、省邮政管理局）\n")
    task = one(text)
    assert task.lead == ["省交通运输厅"] and task.support == ["省邮政管理局"]
    assert task.line == 1


def test_standalone_designation_after_a_list_covers_the_sub_section():
    text = ("二、主要任务\n（一）数字基础设施建设行动。\n１ 高质量建设５Ｇ网络。鼓励共建共享，优先开展重点区域网络建设。\n"
            "２ 优化布局数据中心。支持都市区做大做强数据中心，争取建设国家级节点。\n"
            "（责任单位：省经信厅、省发展改革委）\n（二）整体智治设施建设行动。\n")
    task, following = tasks(text)
    assert (following.section, following.lead) == ("二/（二）", [])  # numbered like (一), not designated
    assert task.text.startswith("数字基础设施建设行动。")
    assert "优化布局数据中心" in task.text
    assert task.section == "二/（一）"
    assert task.lead == ["省经信厅"]


def test_paragraph_reaches_back_to_a_run_in_item_heading():
    text = ("（二）完善土壤环境监测网络。加强统一规划与整合优化，建立覆盖全省的土壤环境监测网络，实现点位全覆盖。\n"
            "根据农业生产、土地管理和污染防治的需求，统筹农用地土壤监测指标。（省环保厅牵头，省农业厅等参与）\n")
    task = one(text)
    assert task.text.startswith("完善土壤环境监测网络。")
    assert task.support == ["省农业厅"]


def test_bare_luoshi_after_a_lead_supports_and_remarks_are_ignored():
    task = one("（一）整治环境。（市住建局牵头，市城管局配合，各县区政府落实。以下工作均需各县区政府落实，不再列出）\n")
    assert task.lead == ["市住建局"]
    assert task.support == ["市城管局", "各县区政府"]


def test_standalone_designation_after_short_items_covers_the_sub_section():
    task = one("二、重点任务\n（三）加强保障。\n1. 加强组织领导。\n2. 加强资金保障。\n3. 加强人才保障。\n"
               "（责任单位：市委办、市财政局）\n")
    assert task.section == "二/（三）"
    assert task.text.startswith("加强保障。") and task.text.endswith("加强人才保障。")


def test_standalone_designation_after_a_designated_list_covers_only_the_last_item():
    found = tasks("二、重点任务\n（一）推进改革。\n（二）加强监管。（市监局负责）\n（三）优化服务。\n（责任单位：市政务办）\n")
    assert [(t.section, t.text, t.lead) for t in found] == [
        ("二/（一）", "推进改革。", []), ("二/（二）", "加强监管。", ["市监局"]), ("二/（三）", "优化服务。", ["市政务办"])]


def test_items_numbered_like_designated_ones_but_unassigned_are_reported_without_units():
    found = tasks("一、总体要求\n（一）指导思想。坚持稳中求进。\n二、主要任务\n（一）推进改革。（市发改委负责）\n"
                  "（二）加强监管，2023年底前完成。\n（三）优化服务。（市政务办负责）\n")
    assert [(t.section, t.text, t.lead, str(t.deadline)) for t in found] == [
        ("二/（一）", "推进改革。", ["市发改委"], "None"),
        ("二/（二）", "加强监管，2023年底前完成。", [], "2023-12-31"),
        ("二/（三）", "优化服务。", ["市政务办"], "None"),
    ]



def test_designations_longer_than_600_characters_name_no_one():
    units = "、".join(f"第{k}厅" for k in range(1, 130))  # over 600 characters
    assert tasks(f"（一）推进某项工作。\n牵头单位：{units}\n") == []
    row, = tasks(f"序号\t重点工作举措\t责任单位\n1\t推进某项工作。\t{units}\n")
    assert (row.text, row.lead, row.support) == ("推进某项工作。", [], [])
