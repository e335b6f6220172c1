import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tracker.parsing import UnreadableText, parse_text, read_text

ROOT = Path(__file__).resolve().parent.parent

GAZETTE = """ 浙江省人民政府办公厅关于印发
测试行动计划的通知

浙政办发〔２０２１〕３２ 号

各市、县（市、区）人民政府，省政府直属各单位：

《测试行动计划》已经省政府同意，现印发给你们，请认真贯彻执行。

浙江省人民政府办公厅

２０２１ 年 ６ 月 ４ 日

测试行动计划

一、主要任务

（一）发展各类跨境电子商务平台。培育和引进综合性电子商务平台，带动制造商、贸易商、服

务商以及支付、物流企业发展。（责任单位：省商务厅，各市、县〔市、区〕政府。列第一位的为牵头单位，下同）

—３—

浙江省人民政府公报 ２０２１ 年第 ２０ 期

（二）加强与境外平台合作。鼓励国际主流平台在浙江设立运营服务机构。（责任单位：省商务厅、省市场监管局）

浙江省人民政府关于
建设测试实验室的通知

浙政函〔2020〕62号

各市、县（市、区）人民政府：

一、总体要求。加快建设。（省科技厅负责）

浙江省人民政府

2020年7月3日
"""


def test_documents_of_a_gazette_issue():
    first, second = parse_text(GAZETTE, source="gazette.txt")
    assert first.number == "浙政办发〔2021〕32号"
    assert first.title == "浙江省人民政府办公厅关于印发测试行动计划的通知"
    assert (first.issuer, first.date, first.line) == ("浙江省人民政府办公厅", date(2021, 6, 4), 1)
    assert first.source == "gazette.txt"
    assert [t.lead for t in first.tasks] == [["省商务厅"], ["省商务厅"]]
    assert [t.section for t in first.tasks] == ["一/（一）", "一/（二）"]
    assert second.number == "浙政函〔2020〕62号" and second.title == "浙江省人民政府关于建设测试实验室的通知"
    assert second.issuer == "浙江省人民政府" and second.date == date(2020, 7, 3)
    assert [t.lead for t in second.tasks] == [["省科技厅"]]


def test_page_numbers_and_running_heads_leave_the_text():
    text = parse_text(GAZETTE)[0].tasks[0].text
    assert text == "发展各类跨境电子商务平台。培育和引进综合性电子商务平台，带动制造商、贸易商、服务商以及支付、物流企业发展。"
    second = parse_text(GAZETTE)[0].tasks[1].text
    assert "公报" not in second and "—" not in second


def test_text_without_a_number_is_one_document():
    docs = parse_text("关于加强某项工作的通知\n\n一、加强领导。（市委办负责）\n")
    assert len(docs) == 1 and docs[0].number is None
    assert docs[0].title == "关于加强某项工作的通知"
    assert docs[0].tasks[0].lead == ["市委办"]


@pytest.mark.parametrize("marker,section", [
    ("一、", "一"), ("（二）", "（二）"), ("1.", "1"), ("１．", "1"), ("１ ", "1"), ("（1）", "（1）"),
])
def test_section_markers(marker, section):
    task = parse_text(f"{marker}推进一项工作。（市发改委负责）\n")[0].tasks[0]
    assert task.section == section
    assert task.text == "推进一项工作。"


def test_nested_section_path():
    text = "二、主要任务\n（三）深化改革\n3.推进一项工作。（市发改委负责）\n"
    assert parse_text(text)[0].tasks[0].section == "二/（三）/3"


def test_a_number_starting_a_wrapped_line_is_not_a_heading():
    text = ("（一）建立调查制度。更加注重调查数据资料的分类整合、综合分析，形成一次调查、各方共享、长期使用的良性机制，建立\n"
            "１０ 年为一个周期的调查制度。（省环保厅牵头）\n")
    task = parse_text(text)[0].tasks[0]
    assert task.section == "（一）" and task.text.startswith("建立调查制度。")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_read_text_encodings(tmp_path, encoding):
    path = tmp_path / f"doc-{encoding}.txt"
    path.write_bytes(GAZETTE.encode(encoding))
    assert read_text(path) == GAZETTE


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"abc\x80def \xff"])
def test_unreadable_files_say_so(tmp_path, data):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(UnreadableText, match="bad.txt"):
        read_text(path)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "tracker.parsing", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True)


def test_cli_prints_json_lines(tmp_path):
    path = tmp_path / "gazette.txt"
    path.write_bytes(GAZETTE.encode("gbk"))
    result = run_cli(path)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3
    assert set(rows[0]) == {"doc", "line", "section", "text", "lead", "support", "deadline", "deadline_text", "raw", "leader"}
    assert rows[0]["doc"] == "浙政办发〔2021〕32号" and rows[0]["line"] == 20
    assert rows[0]["raw"] == "责任单位：省商务厅，各市、县〔市、区〕政府。列第一位的为牵头单位，下同"
    assert rows[2]["doc"] == "浙政函〔2020〕62号"


def test_cli_reports_unreadable_file(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\x00\x00")
    result = run_cli(path)
    assert result.returncode == 1
    assert "image.txt" in result.stderr and "Traceback" not in result.stderr


def test_number_printed_above_the_title():
    text = ("鞍立政发〔2023〕2号\n立山区人民政府关于印发《重点工作任务分解\n和责任分工方案》的通知\n\n各街道办事处:\n\n"
            "一、主要目标\n1.地区生产总值增长6.2%左右。(区发改局负责)\n")
    [doc] = parse_text(text)
    assert doc.number == "鞍立政发〔2023〕2号"
    assert doc.title == "立山区人民政府关于印发《重点工作任务分解和责任分工方案》的通知"
    assert [(t.line, t.lead) for t in doc.tasks] == [(8, ["区发改局"])]
