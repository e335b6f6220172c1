"""Shapes other governments use (typed documents, one paragraph per line, half-width punctuation)."""

from datetime import date

from tracker.parsing import parse_text


def rows(text):
    return [(t.section, t.lead, t.support, t.text) for d in parse_text(text) for t in d.tasks]


def test_label_lines_under_numbered_targets():
    text = ("一、主要预期目标\n\n1.地区生产总值增长6%左右。\n\n牵头单位:区发改局\n\n责任单位:开发区管委会,全区经济运行各专班\n\n"
            "2.固定资产投资增长12%左右。\n\n牵头单位:区发改局\n\n责任单位:开发区管委会,各街道、区直各部门\n")
    assert rows(text) == [
        ("一/1", ["区发改局"], ["开发区管委会", "全区经济运行各专班"], "地区生产总值增长6%左右。"),
        ("一/2", ["区发改局"], ["开发区管委会", "各街道", "区直各部门"], "固定资产投资增长12%左右。"),
    ]


def test_responsible_unit_line_under_each_heading():
    text = ("一、主要预期目标\n\n(一)地区生产总值增长7%以上\n\n责任单位:区发展和改革局\n\n"
            "(二)规上工业增加值增长12%以上,规上工业企业数量达到300家,高新技术企业达到200家以上,研发投入持续增长\n\n"
            "责任单位:区科技和经信局、区统计局\n")
    assert rows(text) == [
        ("一/（一）", ["区发展和改革局"], [], "地区生产总值增长7%以上"),
        # The text as written, half-width commas and all.
        ("一/（二）", ["区科技和经信局"], ["区统计局"],
         "规上工业增加值增长12%以上,规上工业企业数量达到300家,高新技术企业达到200家以上,研发投入持续增长"),
    ]


def test_traditional_characters_and_units_joined_by_ji():
    text = ("一、堅持系統集成\n1.全面實施許可事項清單管理。2022年10月底前編制並公布市、縣兩級清單。"
            "(市政府辦公室、市審批改革領導小組辦公室牽頭,市級各有關部門及各縣市區政府按職責分工負責)\n")
    [(section, lead, support, task_text)] = rows(text)
    assert section == "一/1"
    assert lead == ["市政府办公室", "市审批改革领导小组办公室"]
    assert support == ["市级各有关部门", "各县市区政府"]
    assert parse_text(text)[0].tasks[0].deadline == date(2022, 10, 31)


def test_statement_naming_the_responsible_unit_column():
    text = ("二、责任分解中，列第一位的责任单位为牵头单位或汇总单位。\n"
            "（一）推进数字化改革。（市数据资源局、市发改委负责）\n")
    assert rows(text)[0][1:3] == (["市数据资源局"], ["市发改委"])


def test_statement_that_responsible_units_lead():
    text = ("一、各牵头单位（无牵头单位的，责任单位即为牵头单位，下同）要统筹制订办理方案。\n"
            "二、重点任务\n（一）推进数字化改革。（责任单位：市数据局、市发改委）\n"
            "（二）优化营商环境。（牵头单位：市发改委；责任单位：市市场监管局）\n")
    assert [t[1:3] for t in rows(text)] == [(["市数据局", "市发改委"], []), (["市发改委"], ["市市场监管局"])]


def test_statement_after_a_designation_does_not_reach_back():
    text = "（一）甲工作。（市委组织部、市司法局负责）乙工作。（市财政局、市税务局负责。列第一位的为牵头单位，下同）\n"
    assert [t[1:3] for t in rows(text)] == [(["市委组织部", "市司法局"], []), (["市财政局"], ["市税务局"])]
