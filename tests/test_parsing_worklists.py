from datetime import date

from tracker.parsing import parse_text

ROWS = [
    ("１", "新培育一批省级重点电子商务平台，加大支持力度，不断动态调整。", "省商务厅，各市、县（市、区）政府", "２０２１年６月"),
    ("２", "指导各地出台扶持政策，打造一批竞争力较强的独立站。", "省商务厅", "２０２１年１２月"),
    ("３", "建立全省重点企业培育库，开展全程跟踪服务。", "省商务厅、省市场监管局、杭州海关", "长期"),
    ("４", "建立综合试验区工作推进制度。", "杭州海关，湖州市、嘉兴市政府", "２０２１年６月前发文，长期开展"),
]
HEAD = "浙江省人民政府办公厅关于印发行动计划的通知\n浙政办发〔２０２１〕３２ 号\n附件\n重点工作清单\n"


def check_rows(tasks, lines=None):
    assert [t.text for t in tasks] == [r[1] for r in ROWS]
    assert [t.lead for t in tasks] == [["省商务厅"], ["省商务厅"], ["省商务厅"], ["杭州海关"]]
    assert [t.support for t in tasks] == [["各市、县（市、区）政府"], [], ["省市场监管局", "杭州海关"],
                                          ["湖州市政府", "嘉兴市政府"]]
    assert [t.deadline for t in tasks] == [date(2021, 6, 30), date(2021, 12, 31), None, date(2021, 6, 30)]
    assert tasks[2].deadline_text == "长期"
    assert [t.section for t in tasks] == ["附件/1", "附件/2", "附件/3", "附件/4"]
    if lines:
        assert [t.line for t in tasks] == lines


def test_tab_separated_rows():
    text = HEAD + "序号\t重点工作举措\t责任单位\t完成时间\n" + "".join("\t".join(r) + "\n" for r in ROWS)
    check_rows(parse_text(text)[0].tasks, lines=[6, 7, 8, 9])


def test_rows_typed_with_spaces():
    text = HEAD + "序号 重点工作举措 责任单位 完成时间\n" + "".join(" ".join(r) + "\n" for r in ROWS)
    check_rows(parse_text(text)[0].tasks, lines=[6, 7, 8, 9])


def test_table_printed_one_character_per_line():
    lines = HEAD.rstrip("\n").split("\n")
    for cell in ["序号", "重点工作举措", "责任单位", "完成时间"]:
        lines += list(cell) + [""]
    starts = []
    for row in ROWS:
        starts.append(len(lines) + 1)
        lines.append(row[0])
        for cell in row[1:]:
            # Characters one per line, a blank line now and then inside a cell, as PDF extraction does.
            for k, ch in enumerate(cell):
                lines.append(ch)
                if k % 17 == 16:
                    lines.append("")
            lines.append("")
    doc = parse_text("\n".join(lines) + "\n")[0]
    check_rows(doc.tasks, lines=starts)


def test_lead_and_support_columns():
    text = (HEAD + "序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
            "1\t建设公共数据平台。\t省大数据局\t省财政厅、省经信厅\t2022年6月\n"
            "2\t完善制度。\t省司法厅\t省市场监管局\t长期\n")
    tasks = parse_text(text)[0].tasks
    assert [(t.lead, t.support) for t in tasks] == [(["省大数据局"], ["省财政厅", "省经信厅"]),
                                                    (["省司法厅"], ["省市场监管局"])]
    assert tasks[0].deadline == date(2022, 6, 30)


def test_table_without_time_column():
    text = "序号 主要任务 责任单位\n1 完善考核办法。 市委组织部、市人力社保局\n2 推进示范创建。 吴兴区政府\n"
    tasks = parse_text(text)[0].tasks
    assert [(t.text, t.lead, t.support) for t in tasks] == [
        ("完善考核办法。", ["市委组织部"], ["市人力社保局"]), ("推进示范创建。", ["吴兴区政府"], [])]
