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



# 6. Work lists printed one cell per line (web pages copied as text).

BARRED = """2025年开发区重点工作及责任清单
序号 |
重点工作 |
责任领导 |
责任单位 |
完成时限 |
1 |
优化重点项目服务机制，全力服务重大项目落地。 |
叶林 |
招商工作部、安商工作部 |
全年 |
2 |
盘活存量土地400亩。 |
马振明 |
改革办 |
6月底前 |
"""


def test_a_table_with_a_cell_on_each_line_closed_by_a_bar():
    found = [(t.line, t.text, t.lead, t.support, t.deadline) for t in tasks(BARRED, head="")]
    assert found == [
        (7, "优化重点项目服务机制，全力服务重大项目落地。", ["招商工作部"], ["安商工作部"], date(2025, 12, 31)),
        (12, "盘活存量土地400亩。", ["改革办"], [], date(2025, 6, 30))]


def test_a_table_with_a_cell_on_each_line_and_nothing_between():
    body = ("附件1\n2022年预期目标任务分解表\n\n序号\n\n2022年预期目标\n\n责任单位\n\n1\n\n地区生产总值增长5.5%左右\n\n"
            "区发展改革委\n\n2\n\n固定资产投资增长6%左右，\n工业投资增长8%\n\n区发展改革委、区经济信息委\n\n"
            "3\n\n社会消费品零售总额增长8%\n\n区商务委\n\n重庆市沙坪坝区人民政府办公室\n")
    found = [(t.text, t.lead, t.support) for t in tasks(body)]
    assert found == [("地区生产总值增长5.5%左右", ["区发展改革委"], []),
                     ("固定资产投资增长6%左右，工业投资增长8%", ["区发展改革委"], ["区经济信息委"]),
                     ("社会消费品零售总额增长8%", ["区商务委"], [])]


def test_cells_a_page_spans_over_rows_are_missing_from_the_later_rows():
    # 全年目标 spans rows 2 and 3 on the page, so they print one cell fewer; the empty
    # closing cells of a row hold nothing.
    body = ("序号 |\n主要任务 |\n全年目标 |\n分管 领导 |\n牵头 单位 |\n责任主体与协同单位 |\n推进情况 |\n"
            "1 |\n新建口袋公园5个。 |\n5个 |\n徐国江 |\n城管局 |\n市政局、相关街道 |\n已完成。 |\n"
            "2 |\n改造背街小巷。 |\n徐国江 |\n住建局 |\n各街道 |\n||\n"
            "3 |\n新增停车泊位。 |\n徐国江 |\n公安分局 |\n交警大队、城管局 |\n已完成60%。 |\n")
    assert roles(body, head="") == [(["城管局"], ["市政局", "相关街道"]), (["住建局"], ["各街道"]),
                                     (["公安分局"], ["交警大队", "城管局"])]


def test_a_person_column_never_gives_units():
    found = tasks(BARRED, head="")
    assert not {"叶林", "马振明"} & {name for t in found for name in t.lead + t.support}


# Where a document's year comes from when a web page frames it.

def test_a_pages_source_line_is_not_the_title():
    [doc] = parse_text("来源：http://www.example.gov.cn/art/1.html\n发布日期：2025-03-01\n\n" + BARRED)
    assert doc.title == "2025年开发区重点工作及责任清单"
    assert [t.deadline for t in doc.tasks] == [date(2025, 12, 31), date(2025, 6, 30)]


def test_next_year_counts_from_the_date_the_document_was_issued():
    body = ("区人民政府办公室关于印发重点任务分解的通知\n\n现印发给你们，请认真抓好落实。\n\n"
            "                    2022年12月27日\n\n"
            "1.建设产业园，确保仓储区明年7月份建成，明年年底前全面运营。[责任单位:老街办]\n")
    [doc] = parse_text(body)
    assert doc.date == date(2022, 12, 27)
    assert [t.deadline for t in doc.tasks] == [date(2023, 12, 31)]


def test_next_year_without_a_known_date_gives_no_deadline():
    [task] = tasks("一、建设产业园，明年年底前全面运营。（责任单位：区商务局）\n")
    assert task.deadline is None


# Unit lists written the short way.

def test_places_named_without_their_kind_share_the_last_ones():
    body = "一、推进机场建设。（哈尔滨机场扩建指挥部、哈尔滨、黑河、绥芬河市政府、省农垦总局负责）\n"
    assert roles(body) == [(["哈尔滨机场扩建指挥部", "哈尔滨市政府", "黑河市政府", "绥芬河市政府", "省农垦总局"], [])]


def test_the_peoples_bank_written_short_is_a_unit():
    body = "一、稳定金融。（牵头单位：市财政局；配合单位：市税务局、市人行、滁州海关）\n"
    assert roles(body) == [(["市财政局"], ["市税务局", "市人行", "滁州海关"])]


# 5. A document in traditional characters keeps its own text; units are read folded.

def test_traditional_text_is_given_as_written():
    body = "一、繼續壯大汽車產業，推進新能源汽車發展。（責任單位：省工業和信息化廳、省發展改革委）\n"
    [task] = tasks(body)
    assert task.text == "繼續壯大汽車產業，推進新能源汽車發展。"
    assert (task.lead, task.support) == (["省工业和信息化厅"], ["省发展改革委"])


def test_a_table_whose_cells_are_separated_by_spaces():
    body = ("2016年《政府工作报告》量化指标任务分工\n\n序号 工 作 任 务 牵头负责部门\n"
            "1 居民消费价格涨幅3%左右 发展改革委\n2 城镇新增就业1000万人以上 人力资源社会保障部\n"
            "3 安排财政赤字2.18万亿元,赤字率提高到3% 财政部\n\n国务院办公厅\n")
    found = [(t.text, t.lead) for t in tasks(body)]
    assert found == [("居民消费价格涨幅3%左右", ["发展改革委"]), ("城镇新增就业1000万人以上", ["人力资源社会保障部"]),
                     ("安排财政赤字2.18万亿元,赤字率提高到3%", ["财政部"])]


def test_group_headings_between_the_rows_of_a_bare_table():
    body = ("序号\n\n重点工作任务\n\n主要责任单位\n\n协同配合单位\n\n一、主要预期目标\n\n3\n\n固定资产投资增长7.5%左右。\n\n"
            "区发改委\n\n区工信局、区住建局\n\n二、扩投资\n\n三、促民生\n\n68\n\n加快建设黎明小学扩建项目。\n\n区教育局\n\n"
            "区政府有关部门,各乡镇人民政府、街道办事处。\n")
    assert roles(body) == [(["区发改委"], ["区工信局", "区住建局"]),
                           (["区教育局"], ["区政府有关部门", "各乡镇人民政府、街道办事处"])]


def test_a_division_of_work_line_and_a_leader_line():
    body = ("1.地区生产总值增长6%以上。\n\n分管省领导:林克庆\n\n部门分工:省发展改革委牵头,各地、各部门配合。\n\n"
            "2.地方一般公共预算收入增长5%左右。\n\n分管省领导:林克庆\n\n部门分工:省财政厅牵头,各地、各部门配合。\n")
    found = [(t.text, t.lead, t.support) for t in tasks(body)]
    assert found == [("地区生产总值增长6%以上。", ["省发展改革委"], ["各地", "各部门"]),
                     ("地方一般公共预算收入增长5%左右。", ["省财政厅"], ["各地", "各部门"])]


def test_the_lead_statement_takes_its_brackets_along():
    body = "一、推进完善PPP运行机制。\n责任单位:市发改委、市财政局(第一责任单位为牵头单位,下同)\n"
    assert roles(body) == [(["市发改委"], ["市财政局"])]


def test_industrial_parks_are_units_and_a_suffix_is_shared_by_places_of_one_kind():
    parks = "一、修编园区规划。(牵头单位:县园区发展服务中心;责任单位:新材料产业园、食品产业园等)\n"
    guards = "一、整治军车秩序。(由郑州警备区、武警郑州支队负责,市公安局配合)\n"
    cities = "一、推进建设。（杭州、宁波市政府，安吉县、湖州市政府负责）\n"
    assert roles(parks) == [(["县园区发展服务中心"], ["新材料产业园", "食品产业园"])]
    assert roles(guards) == [(["郑州警备区", "武警郑州支队"], ["市公安局"])]
    assert roles(cities) == [(["杭州市政府", "宁波市政府", "安吉县政府", "湖州市政府"], [])]
