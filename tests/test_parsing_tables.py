"""Work-list tables as web pages flatten them (issues #17 and #20), written by hand in the
shapes met in tests/corpus (120–124, 220–224): the parser reads them as text."""

from datetime import date

from tracker.parsing import parse_text


def rows(text: str) -> list[tuple]:
    return [(t.section, t.text, t.lead, t.support, t.deadline) for d in parse_text(text) for t in d.tasks]


def test_bare_cells_with_units_one_a_line_and_sub_rows_under_one_number():
    text = ("2016年民生实事目标任务分解表\n\n序号\n\n民生实事\n\n责任单位\n\n完成时限\n\n"
            "1\n\n启动东湖湿地公园建设。\n\n县水务局\n\n县住建局\n\n12月底前\n\n"
            "2\n\n开工建设县老年养护楼。\n\n县民政局\n\n5月底前动工\n\n开工建设老年大学。\n\n12月底前\n\n"
            "3\n\n新建2座人行天桥。\n\n县住建局\n\n9月投入使用\n")
    assert rows(text) == [
        ("1", "启动东湖湿地公园建设。", ["县水务局"], ["县住建局"], date(2016, 12, 31)),
        ("2", "开工建设县老年养护楼。", ["县民政局"], [], date(2016, 5, 31)),  # the first sub-row is read
        ("3", "新建2座人行天桥。", ["县住建局"], [], date(2016, 9, 30))]


def test_header_cells_broken_over_lines():
    text = ("2023年民生实事项目实施计划表\n序号\n项目名称\n建设起\n止年限\n总投资\n（万元）\n资金\n来源\n责任\n单位\n"
            "1\n城市用气\n提升工程\n2023.01-2023.12\n1200\n国企投资\n城投集团\n"
            "2\n山塘水库整治工程\n2022-2024\n4600\n政府投资\n水利局\n")
    assert rows(text) == [("1", "城市用气提升工程", ["城投集团"], [], date(2023, 12, 31)),
                          ("2", "山塘水库整治工程", ["水利局"], [], date(2024, 12, 31))]


def test_a_bar_row_goes_on_over_lines_and_a_line_the_page_set_apart():
    text = ("序号 | 工作任务 | 责任单位 | 一季度目标 | 进展情况 |\n"
            "1 | 新改扩建公办中小学校1所 | 教体局 | 室内安装 | 装修完成80%,\n场外工程完成70%。 |\n"
            "新增学位810个 | |||\n"
            "2 | 结对帮扶学校2所 | 教体局 | 互派人员到位 | 顺利推进 |\n")
    assert [(s, t, lead) for s, t, lead, _, _ in rows(text)] == [
        ("1", "新改扩建公办中小学校1所\n新增学位810个", ["教体局"]), ("2", "结对帮扶学校2所", ["教体局"])]


def test_a_flattened_two_row_header_moves_the_unit_column_to_where_units_stand():
    text = ("序号 | 项目名称 | 建设内容 | 2022年工作计划 | 责任单位 | 备注 |\n"
            "投资 | 形象进度 | |||\n"
            "1 | 护眼灯光工程 | 70所学校照明提升 | 1800 | 建成 | 县教育局 | |\n"
            "2 | 急救能力提升工程 | 设立急救点 | 260 | 投入使用 | 县卫健局 | |\n")
    assert [(t, lead) for _, t, lead, _, _ in rows(text)] == [("护眼灯光工程", ["县教育局"]), ("急救能力提升工程", ["县卫健局"])]


def test_column_names_read_by_their_words():
    # 工作举措及实施计划 is what is done (实施 there names no unit column); 责任单位 | 配合单位 follow.
    text = ("序号 | 实事项目 | 工作举措及实施计划 | 责任单位 | 配合单位 |\n"
            "1 | 新建幼儿园7所。 | 4月底前完成选址。 | 教育局 | 发改局、住建局 |\n")
    assert rows(text) == [("1", "新建幼儿园7所。", ["教育局"], ["发改局", "住建局"], None)]


def test_a_person_column_between_broken_header_cells():
    text = ("2024年度重点工作计划\n序号\n重点工作\n责任\n领导\n责任\n科室\n攻坚目标\n任务\n完成情况\n"
            "1\n白仙山水库工程政策处理\n欧乾震\n水库工程政策处理工作领导小组\n完成政策处理。\n坟墓迁移进度达60%。\n"
            "2\n现代化美丽城镇\n吴宇凡\n乡村振兴办\n创建样板镇。\n已完成。\n")
    found = [(t.text, t.lead, t.leader) for d in parse_text(text) for t in d.tasks]
    assert found == [("白仙山水库工程政策处理", ["水库工程政策处理工作领导小组"], "欧乾震"),
                     ("现代化美丽城镇", ["乡村振兴办"], "吴宇凡")]


def test_a_plan_column_dates_a_row_of_a_list_without_a_time_column_and_the_page_dates_the_list():
    text = ("发文日期 | 2022-07-14 |\n"
            "序号 | 实事项目 | 工作举措及实施计划 | 责任单位 |\n"
            "1 | 新建幼儿园7所。 | 1.4月底前完成选址；2.11月底前建成。 | 教育局 |\n"
            "2 | 开展胃肠癌筛查1万例。 | 全年推进。 | 卫生健康局 |\n")
    assert [(t.deadline, t.deadline_text) for d in parse_text(text) for t in d.tasks] == [
        (date(2022, 11, 30), "11月底前"), (None, None)]
