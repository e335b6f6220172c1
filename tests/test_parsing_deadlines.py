from datetime import date

import pytest

from tracker.parsing import parse_text
from tracker.parsing.deadlines import cell_deadline, latest
from tracker.parsing.text import squeeze


@pytest.mark.parametrize("phrase,expected", [
    ("２０１７ 年底前完成", date(2017, 12, 31)),
    ("２０１７ 年 １１ 月底前出台", date(2017, 11, 30)),
    ("2017年6月前发文", date(2017, 6, 30)),
    ("到２０２０年，基本建成", date(2020, 12, 31)),
    ("到２０２０年底，全面完成", date(2020, 12, 31)),
    ("到2021年6月，建成", date(2021, 6, 30)),
    ("2022年9月30日前报送", date(2022, 9, 30)),
    ("2023年上半年前完成", date(2023, 6, 30)),
    ("2023年三季度末前完成", date(2023, 9, 30)),
    ("2024年2月底前", date(2024, 2, 29)),
    ("2023年6月完成", date(2023, 6, 30)),
    ("力争2022年全面建成", date(2022, 12, 31)),
    ("２０１８年底前确定，２０２５年底前建立，２０２０年底前划定", date(2025, 12, 31)),
])
def test_completion_phrases(phrase, expected):
    assert latest(squeeze(phrase)).date == expected


@pytest.mark.parametrize("phrase", [
    "三年行动计划（２０１８—２０２０ 年）", "２０１８年起，当地政府要签订责任书", "２０２１年对上述地区给予奖励", "２０１８年起全面完成", "截至2022年底，全省已建成5G基站10万个",
    "２０１５ 年，宁波舟山港集装箱吞吐量达 ２０６３ 万标箱", "自2019年以来",
])
def test_not_deadlines(phrase):
    assert latest(squeeze(phrase)) is None


@pytest.mark.parametrize("cell,expected", [
    ("２０２１年６月", date(2021, 6, 30)), ("２０２１年１２月", date(2021, 12, 31)), ("长期", None),
    ("２０２１年６月前发文，长期开展", date(2021, 6, 30)), ("2022年", date(2022, 12, 31)),
    ("2021年6月、2022年12月", date(2022, 12, 31)),
])
def test_work_list_cells(cell, expected):
    assert cell_deadline(squeeze(cell)) == expected


def test_deadline_inside_the_designation_and_as_written():
    doc = parse_text("（一）推进改革。建立机制。（省发展改革委牵头，２０２２年６月底前完成）\n")[0]
    task = doc.tasks[0]
    assert task.deadline == date(2022, 6, 30)
    assert task.deadline_text == "２０２２年６月底前"


def test_latest_of_several_dates_in_the_task_text():
    task = parse_text("（一）划定类别。２０１８ 年底前完成试点；２０２０ 年底前全面完成。（省国土资源厅牵头）\n")[0].tasks[0]
    assert task.deadline == date(2020, 12, 31)


def test_task_without_deadline():
    task = parse_text("（一）引导公众参与和社会监督。（省环保厅牵头）\n")[0].tasks[0]
    assert task.deadline is None and task.deadline_text is None
