import pytest

from tracker.parsing.units import canonical, looks_like_unit, split_units


@pytest.mark.parametrize("written,units", [
    ("湖州市、嘉兴市、绍兴市、台州市政府", ["湖州市政府", "嘉兴市政府", "绍兴市政府", "台州市政府"]),
    ("杭州海关，湖州市、嘉兴市政府", ["杭州海关", "湖州市政府", "嘉兴市政府"]),
    ("省商务厅，各市、县〔市、区〕政府", ["省商务厅", "各市、县（市、区）政府"]),
    ("有关市、县（市、区）政府", ["有关市、县（市、区）政府"]),
    ("省级有关部门", ["省级有关部门"]),
    ("省发展改革委〔省能源局〕、省经信委", ["省发展改革委（省能源局）", "省经信委"]),
    ("省财政厅、省国土资源厅等", ["省财政厅", "省国土资源厅"]),
    ("省农业厅等参与", ["省农业厅"]),
    ("省级有关部门，各市、县〔市、区〕政府按职责分工落实", ["省级有关部门", "各市、县（市、区）政府"]),
    ("省 商务厅 、 省财政厅", ["省商务厅", "省财政厅"]),
    ("宁波市、温州市", ["宁波市", "温州市"]),
    ("省商务厅、省商务厅", ["省商务厅"]),
])
def test_split_units(written, units):
    assert split_units(written) == units


@pytest.mark.parametrize("written,name", [
    ("省科技厅〔省知识产权局〕", "省科技厅（省知识产权局）"),
    ("ＡＢＣ集团", "ABC集团"),
    ("各市、县!市、区\"政府", "各市、县（市、区）政府"),  # PDF font artefact for （）
    ("由省财政厅", "省财政厅"),
    ("具体由省财政厅", "省财政厅"),
    ("省教育厅负责", "省教育厅"),
])
def test_canonical(written, name):
    assert canonical(written) == name


@pytest.mark.parametrize("name,ok", [("省财政厅", True), ("之江实验室", True), ("各级行政机关", True),
                                     ("省科协", True), ("各地可根据实际情况自行", False), ("2021年底", False)])
def test_looks_like_unit(name, ok):
    assert looks_like_unit(name) is ok
