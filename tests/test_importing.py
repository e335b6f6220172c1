"""Importing documents through the CLI and the import operations, into a real database."""

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.factories import PLAN, count, docx_bytes, pdf_bytes, write
from tests.gold import seeds
from tracker.extensions import db
from tracker.models import Document, ProgressReport, Task, Unit
from tracker.operations.importing import apply_plan, plan_file
from tracker.parsing import parse_text, read_text


def test_init_imports_every_gold_designation(app, runner):
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tasks_before, documents_before = count(Task), count(Document)
        for seed in seeds():
            for gold in seed.gold:
                doc = db.session.scalar(select(Document).where(Document.number == gold["doc"]))
                assert doc is not None, gold["doc"]
                near = [t for t in doc.tasks if t.line is not None and abs(t.line - gold["line"]) <= 1]
                assert near, (gold["doc"], gold["line"])
                wanted_lead = {Unit.lookup(db.session, n) for n in gold["lead"]}
                # Two old names of one unit (省物价局 is now part of 省发展改革委) collapse into one role.
                wanted_support = {Unit.lookup(db.session, n) for n in gold["support"]} - wanted_lead
                assert None not in wanted_lead | wanted_support, gold
                assert any(set(t.leads()) == wanted_lead and set(t.supports()) == wanted_support for t in near), gold
    again = runner.invoke(args=["init"])
    assert again.exit_code == 0
    with app.app_context():
        assert (count(Task), count(Document)) == (tasks_before, documents_before)
        assert count(Unit) == db.session.scalar(select(func.count(Unit.id)).where(Unit.needs_review.is_(False)))




def test_import_txt_gbk_and_again_changes_nothing(app, runner, tmp_path):
    path = write(tmp_path, "plan.txt", PLAN, "gbk")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "[新增] 浙政办发〔2022〕9号" in result.output and "任务 3 项" in result.output
    assert "目录外单位：省大数据局、省财政厅、省司法厅、省市场监管局、省委组织部" in result.output
    with app.app_context():
        doc = db.session.scalar(select(Document))
        assert (doc.title, doc.issuer, str(doc.issue_date)) == (
            "浙江省人民政府办公厅关于印发测试行动方案的通知", "浙江省人民政府办公厅", "2022-03-01")
        task = doc.tasks[1]
        assert [u.name for u in task.leads()] == ["省司法厅"] and [u.name for u in task.supports()] == ["省市场监管局"]
        assert str(task.deadline) == "2022-12-31" and task.section == "一/（二）"
        assert all(u.needs_review for u in db.session.scalars(select(Unit)))
    again = runner.invoke(args=["import", str(path)])
    assert "[无变化]" in again.output
    with app.app_context():
        assert count(Task) == 3 and count(Unit) == 5


def test_dry_run_stores_nothing(app, runner, tmp_path):
    result = runner.invoke(args=["import", "--dry-run", str(write(tmp_path, "plan.txt", PLAN))])
    assert result.exit_code == 0 and "[新增]" in result.output
    with app.app_context():
        assert count(Document) == 0 and count(Task) == 0 and count(Unit) == 0


def test_known_units_matched_through_aliases(app, runner, tmp_path):
    csv = "name,kind,aliases,emails\n省生态环境厅,department,省环保厅,sthjt@zj.gov.cn\n"
    assert runner.invoke(args=["units", "import", str(write(tmp_path, "u.csv", csv))]).exit_code == 0
    text = "（一）开展调查。（省环保厅牵头）\n"
    result = runner.invoke(args=["import", str(write(tmp_path, "a.txt", text))])
    assert "目录外单位" not in result.output
    with app.app_context():
        assert [u.name for u in db.session.scalar(select(Task)).leads()] == ["省生态环境厅"]


def test_revision_keeps_reports_on_unchanged_tasks(app, runner, tmp_path):
    runner.invoke(args=["import", str(write(tmp_path, "v1.txt", PLAN))])
    with app.app_context():
        kept = db.session.scalar(select(Task).where(Task.text.startswith("建设公共数据平台")))
        dropped = db.session.scalar(select(Task).where(Task.text.startswith("加强队伍建设")))
        db.session.add_all([ProgressReport(task=kept, status="in_progress", text="已完成平台选型"),
                            ProgressReport(task=dropped, status="in_progress", text="已培训 3 期")])
        kept.status = "in_progress"
        db.session.commit()
        kept_id = kept.id
    revised = (PLAN.replace("（省司法厅牵头，省市场监管局配合）", "（省司法厅牵头，省市场监管局、省财政厅配合）")
               .replace("（三）加强队伍建设。开展培训。（省委组织部负责）\n", "（三）建立考核机制。（省委组织部负责）\n"))
    result = runner.invoke(args=["import", "--yes", str(write(tmp_path, "v2.txt", revised))])
    assert result.exit_code == 0, result.output
    assert "[有修订]" in result.output
    assert "+ 建立考核机制。" in result.output and "~ 完善审批制度" in result.output and "- 加强队伍建设" in result.output
    assert "已有进展报告，予以保留" in result.output
    with app.app_context():
        kept = db.session.get(Task, kept_id)
        assert kept is not None and kept.status == "in_progress"
        assert [r.text for r in kept.reports] == ["已完成平台选型"]
        changed = db.session.scalar(select(Task).where(Task.text.startswith("完善审批制度")))
        assert [u.name for u in changed.supports()] == ["省市场监管局", "省财政厅"]
        assert db.session.scalar(select(Task).where(Task.text.startswith("建立考核机制"))) is not None
        assert count(Document) == 1


def test_revision_needs_confirmation(app, runner, tmp_path):
    runner.invoke(args=["import", str(write(tmp_path, "v1.txt", PLAN))])
    revised = PLAN.replace("开展培训。", "开展全员培训。")
    result = runner.invoke(args=["import", str(write(tmp_path, "v2.txt", revised))], input="n\n")
    assert "[有修订]" in result.output
    with app.app_context():
        assert db.session.scalar(select(Task).where(Task.text.contains("全员"))) is None






def assert_work_list(tasks, lead_support):
    assert [t.text for t in tasks] == ["建设统一的数据平台。", "修订管理办法。"]
    assert [([u.name for u in t.leads()], [u.name for u in t.supports()]) for t in tasks] == lead_support
    assert [str(t.deadline) if t.deadline else t.deadline_text for t in tasks] == ["2022-06-30", "长期"]


@pytest.mark.parametrize("name,make,lead_support", [
    ("plan.docx", docx_bytes, [(["省大数据局"], ["省财政厅", "省经信厅"]), (["省司法厅"], ["省市场监管局"])]),
    ("plan.pdf", pdf_bytes, [(["省大数据局"], ["省财政厅"]), (["省司法厅"], [])]),
])
def test_import_file_with_a_work_list_table(app, runner, tmp_path, name, make, lead_support):
    path = tmp_path / name
    path.write_bytes(make())
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        doc = db.session.scalar(select(Document))
        assert doc.number == "浙政办发〔2022〕9号" and doc.source_name == name
        assert_work_list(doc.tasks, lead_support)


@pytest.mark.parametrize("name,data,message", [
    ("scan.pdf", None, "已进行文字识别，未识别出文字"),
    ("broken.pdf", b"%PDF-1.4 not really", "无法打开 PDF 文件"),
    ("broken.docx", b"PK\x03\x04 not a zip", "无法打开 Word 文件"),
    ("slides.pptx", b"whatever", "不支持的文件类型"),
    ("latin1.txt", "café, naïve \x80".encode("latin-1"), "无法识别文件编码"),
])
def test_bad_files_get_a_clear_message(app, runner, tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(pdf_bytes(with_text=False) if data is None else data)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert message in result.output
    with app.app_context():
        assert count(Document) == 0


def test_units_csv_round_trip(app, runner, tmp_path):
    source = ("name,kind,aliases,emails\n省生态环境厅,department,省环保厅|省环境保护厅,a@zj.gov.cn;b@zj.gov.cn\n"
              "各市、县（市、区）政府,collective,,\n湖州市政府,government,湖州市人民政府,hz@zj.gov.cn\n")
    assert runner.invoke(args=["units", "import", str(write(tmp_path, "in.csv", source))]).exit_code == 0
    out = tmp_path / "out.csv"
    assert runner.invoke(args=["units", "export", str(out)]).exit_code == 0
    exported = out.read_text(encoding="utf-8")
    assert '省生态环境厅,department,省环保厅|省环境保护厅,"a@zj.gov.cn, b@zj.gov.cn"' in exported  # checked, normalised
    assert "湖州市政府,government,湖州市人民政府,hz@zj.gov.cn" in exported
    # Importing the export again changes nothing.
    result = runner.invoke(args=["units", "import", str(out)])
    assert "created 0, updated 3" in result.output
    assert runner.invoke(args=["units", "export"]).output == exported


def test_units_csv_errors(app, runner, tmp_path):
    bad_kind = write(tmp_path, "a.csv", "name,kind,aliases,emails\n省财政厅,ministry,,\n")
    assert "row 2: kind 'ministry'" in runner.invoke(args=["units", "import", str(bad_kind)]).output
    clash = write(tmp_path, "b.csv", "name,kind,aliases,emails\n甲厅,department,乙,\n丙厅,department,乙,\n")
    assert "alias 乙 already belongs to 甲厅" in runner.invoke(args=["units", "import", str(clash)]).output
    bad_email = write(tmp_path, "c.csv", "name,kind,aliases,emails\n丁厅,department,,ding@zj;ok@zj.gov.cn\n")
    assert "row 2: 邮箱格式不正确：ding@zj" in runner.invoke(args=["units", "import", str(bad_email)]).output
    with app.app_context():
        assert count(Unit) == 0


def test_plan_then_apply_writes_nothing_before_apply(app):
    with app.app_context():
        plans = plan_file("plan.txt", PLAN.encode())
        assert [p.status for p in plans] == ["new"] and count(Document) == 0 and count(Unit) == 0
        apply_plan(plans[0])
        db.session.commit()
        assert count(Task) == 3


def test_pdf_paragraphs_wrapped_over_lines(app, runner, tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=14, leading=22, firstLineIndent=28,
                           wordWrap="CJK")
    paragraphs = [
        "浙江省人民政府办公厅关于印发测试行动方案的通知", "浙政办发〔2022〕9号", "一、重点任务",
        "（一）建设公共数据平台。推进数据共享，完善全省公共数据目录，加快建设数据高铁，推动公共数据开放共享"
        "和应用创新，建立跨层级的公共数据平台网络体系。到2023年底，建成统一的数据平台。"
        "（责任单位：省大数据局、省财政厅、省经信厅）",
        "（二）完善审批制度。深化审批制度改革，推行一件事集成改革，压缩审批时限，提升审批效率。"
        "2022年底前完成。（省司法厅牵头，省市场监管局配合）",
        "各地、各部门要加强组织领导，确保各项任务落到实处。",
    ]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build([Paragraph(p, style) for p in paragraphs])
    path = tmp_path / "wrapped.pdf"
    path.write_bytes(out.getvalue())
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    with app.app_context():
        tasks = db.session.scalar(select(Document)).tasks
        assert [(t.section, [u.name for u in t.leads()], [u.name for u in t.supports()], str(t.deadline))
                for t in tasks] == [("一/（一）", ["省大数据局"], ["省财政厅", "省经信厅"], "2023-12-31"),
                                    ("一/（二）", ["省司法厅"], ["省市场监管局"], "2022-12-31")]
        assert "\n" not in tasks[0].text and tasks[0].text.endswith("建成统一的数据平台。")


def test_commands_say_when_the_database_is_not_initialised(tmp_path):
    from tracker.app import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite'}"},
                     instance_path=tmp_path / "instance")
    result = app.test_cli_runner().invoke(args=["import", str(write(tmp_path, "plan.txt", PLAN))])
    assert result.exit_code != 0 and "请先运行 tracker init" in result.output


def test_document_without_number_or_title_is_named_after_its_file(app, runner, tmp_path):
    result = runner.invoke(args=["import", str(write(tmp_path, "专项整治.txt", "（一）开展调查。（省环保厅牵头）\n"))])
    assert "[新增] （无文号）  专项整治" in result.output
    with app.app_context():
        assert db.session.scalar(select(Document)).title == "专项整治"


@pytest.mark.postgres
def test_init_imports_the_seeds_on_postgres(pg_app):
    runner = pg_app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    with pg_app.app_context():
        first = (count(Document), count(Task), count(Unit))
    seeds = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
    assert first[1] == sum(len(doc.tasks) for path in seeds for doc in parse_text(read_text(path)))
    assert runner.invoke(args=["init"]).exit_code == 0
    with pg_app.app_context():
        assert (count(Document), count(Task), count(Unit)) == first
