"""Shapes of other governments' documents the seeds do not have (issue #17), written by hand
in the shapes met: hedges closing a unit list, leads named in running text, validity periods,
deadlines without a year, sub-items run into one paragraph."""

from datetime import date

from tracker.parsing import parse_text

HEAD = "某某市人民政府办公室关于印发重点工作分工方案的通知\n某政办发〔2016〕12号\n"


def tasks(body: str, head: str = HEAD):
    return [t for d in parse_text(head + body) for t in d.tasks]


def roles(body: str, head: str = HEAD):
    return [(t.lead, t.support) for t in tasks(body, head)]


# 1. Hedges at the end of a unit list are not units.

def test_a_hedge_closes_the_list():
    assert roles("一、加强就业服务。（市人社局、市财政局等有关部门和单位按职责分工负责）\n") == [
        (["市人社局"], ["市财政局"])]
    assert roles("一、加强就业服务。（责任单位：市人社局、市财政局等相关部门）\n") == [(["市人社局"], ["市财政局"])]
    assert roles("一、加强就业服务。（市人社局牵头，市财政局、市教育局等部门和单位配合）\n") == [
        (["市人社局"], ["市财政局", "市教育局"])]


def test_a_collective_standing_alone_stays_whole():
    assert roles("一、抓好工作落实。（各有关部门和单位负责）\n") == [(["各有关部门和单位"], [])]


def test_a_remark_after_the_list_does_not_swallow_the_last_unit():
    body = "一、推进改革。（责任单位：市发改委、市财政局。具体任务均涉及各县（市、区）政府，不再做分工，下同）\n"
    assert roles(body) == [(["市发改委"], ["市财政局"])]


# 2. A lead named in the running text.

def test_leads_named_in_the_running_text():
    body = "一、健全工作机制。建立由市农业局、市经信局牵头的协调机制，定期会商解决重大问题。\n"
    assert roles(body) == [(["市农业局", "市经信局"], [])]
    assert tasks(body)[0].text == "健全工作机制。建立由市农业局、市经信局牵头的协调机制，定期会商解决重大问题。"


def test_who_builds_a_thing_is_no_designation():
    assert roles("一、建设实验室。由浙江大学牵头建设良渚实验室，发挥学科优势。\n") == []



# 3. Dates that are not deadlines: the period a measure is valid for.

def test_a_validity_period_is_not_a_deadline():
    for sentence in ("实施期限至2026年12月31日。", "2025年1月1日至2026年12月31日，将补贴标准提高到每人500元。",
                     "政策实施至2026年4月30日。"):
        [task] = tasks(f"一、提高补贴标准。{sentence}（责任单位：市财政局）\n")
        assert task.deadline is None, sentence


def test_a_completion_deadline_still_counts():
    [task] = tasks("一、建成平台。2026年6月底前完成平台建设。（责任单位：市大数据局）\n")
    assert task.deadline == date(2026, 6, 30)


# 4. A deadline without a year takes its year from the document.

def test_a_deadline_without_a_year_takes_the_documents_year():
    [task] = tasks("一、建设政务平台。5月底前实现上线运行。（责任单位：市大数据局）\n")
    assert task.deadline == date(2016, 5, 31)  # the year of the document's number


def test_the_year_in_the_title_comes_before_the_numbers():
    head = "某某市人民政府办公室关于做好2026年重点工作的通知\n某政办发〔2025〕3号\n"
    [task] = tasks("一、建设政务平台。9月底前实现上线运行。（责任单位：市大数据局）\n", head)
    assert task.deadline == date(2026, 9, 30)


def test_a_recurring_date_is_no_deadline():
    [task] = tasks("一、报送进展。每年12月底前报送年度工作总结。（责任单位：市发改委）\n")
    assert task.deadline is None


# 7. Sub-items run into one paragraph: each designation covers its own sub-item.

def test_sub_items_in_one_paragraph_each_cover_their_own_text():
    body = ("一、深化商事制度改革。（1）全面落实多证合一。（责任单位：市市场监管局）"
            "（2）完善全程电子化登记。（责任单位：市政务办）\n")
    assert [(t.text, t.lead) for t in tasks(body)] == [
        ("全面落实多证合一。", ["市市场监管局"]), ("完善全程电子化登记。", ["市政务办"])]


# 6. A work list's time cell without a year, and 全年.

def test_a_work_list_time_cell_takes_the_documents_year():
    body = ("附件\n2016年重点工作任务分解表\n序号 | 重点工作 | 责任领导 | 责任单位 | 完成时限 |\n"
            "1 | 推进高新区建设。 | 张三 | 市发改委、市科技局 | 6月底前 |\n"
            "2 | 完善养老服务体系。 | 李四 | 市民政局 | 全年 |\n3 | 开展安全检查。 | 王五 | 市应急局 | 每季度 |\n")
    assert [(t.lead, t.support, t.deadline) for t in tasks(body)] == [
        (["市发改委"], ["市科技局"], date(2016, 6, 30)), (["市民政局"], [], date(2016, 12, 31)),
        (["市应急局"], [], None)]


def test_more_dates_that_are_not_deadlines_and_a_year_end_without_a_year():
    [extended] = tasks("一、延续优惠政策。政策实施期限延长至2022年4月30日。（责任单位：市财政局）\n")
    [compared] = tasks("一、降低收费。收费标准不高于2017年水平。（责任单位：市发改委）\n")
    [year_end] = tasks("一、完成立法。年底前出台管理办法。（责任单位：市司法局）\n")
    assert (extended.deadline, compared.deadline, year_end.deadline) == (None, None, date(2016, 12, 31))


def test_lead_and_partner_responsible_unit_labels():
    body = "一、稳定外贸。支持企业开拓市场。\n牵头责任单位:市商务局。协同责任单位:市财政局、滁州海关。\n"
    assert roles(body) == [(["市商务局"], ["市财政局", "滁州海关"])]


def test_collectives_written_as_lists_stay_whole():
    body = "一、抓好落实。（牵头单位：市发改委；责任单位：市直有关部门、单位，各县、市、区政府）\n"
    assert roles(body) == [(["市发改委"], ["市直有关部门、单位", "各县、市、区政府"])]


def test_a_designation_in_square_brackets():
    [task] = tasks("一、建设产业园。大力推进一期核心区建设。[责任单位:老街办、区招商服务中心]\n")
    assert (task.lead, task.support, task.text) == (["老街办"], ["区招商服务中心"], "建设产业园。大力推进一期核心区建设。")

