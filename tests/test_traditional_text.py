"""A document in traditional characters keeps its own text, and a search finds it in either
script (issue #17): units are matched folded, the task text is what a supervisor quotes."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from tests.conftest import make_app
from tests.factories import login_supervisor
from tracker.extensions import db
from tracker.models import Task

NOTICE = """黑龍江省人民政府關於促進經濟穩增長的通知
黑政發〔2016〕8號

一、繼續壯大汽車產業，推進新能源汽車發展。（責任單位：省工業和信息化廳、省發展改革委）
二、推進民航基礎設施建設。（省交通運輸廳負責）
"""


def test_an_imported_document_keeps_its_text_and_is_found_in_either_script(app, runner, client, auth, tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE, encoding="utf-8")
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    with app.app_context():
        texts = db.session.scalars(select(Task.text).order_by(Task.seq)).all()
    assert texts == ["繼續壯大汽車產業，推進新能源汽車發展。", "推進民航基礎設施建設。"]

    login_supervisor(auth)
    for query in ("壯大汽車", "壮大汽车", "新能源汽車", "民航基础"):
        page = client.get("/tasks/", query_string={"q": query}).get_data(as_text=True)
        expected = "繼續壯大汽車產業" if "汽" in query else "推進民航基礎設施建設"
        assert expected in page, query
    page = client.get("/tasks/", query_string={"q": "钢铁"}).get_data(as_text=True)
    assert "繼續壯大汽車產業" not in page and "推進民航基礎設施建設" not in page


def test_the_migration_folds_the_texts_already_stored(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        downgrade(revision="a654760e02f1")  # before search_text
        db.session.execute(text("INSERT INTO document (id, title, content_hash, first_line, imported_at) "
                                "VALUES (1, 't', 'h', 1, '2026-01-01')"))
        db.session.execute(text("INSERT INTO task (id, document_id, seq, section, text, raw, status, version, "
                                "created_at, updated_at) VALUES (1, 1, 0, '一', '繼續壯大汽車產業 ２０１６年', '', "
                                "'not_started', 1, '2026-01-01', '2026-01-01')"))
        db.session.commit()
        upgrade()
        assert db.session.scalar(text("SELECT search_text FROM task WHERE id = 1")) == "继续壮大汽车产业2016年"
