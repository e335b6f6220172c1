"""督查通报 (#14): the .docx's figures, its unit ranking and task lists, the period form, access."""

from __future__ import annotations

import io
from datetime import timedelta

from docx import Document as Docx

from tests.factories import login_department, login_supervisor
from tests.test_overview import EVIL, A, B, build_ledger


def download(client, start, end):
    return client.get("/reports/bulletin", query_string={"start": str(start), "end": str(end)})


def test_bulletin_docx(app, client, auth):
    ledger = build_ledger(app)
    login_supervisor(auth)
    start = ledger.today - timedelta(days=12)
    response = download(client, start, ledger.today)
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in response.headers["Content-Disposition"]
    doc = Docx(io.BytesIO(response.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "督查通报" in text and "任务 8 项" in text and "已逾期 2 项" in text
    # Finished from T-12 to today: tasks 1 (T-10), 3 (T-8), 8 (today); not task 2 (T-25).
    assert "本期完成任务 3 项" in text
    ranking = [[cell.text for cell in row.cells] for row in doc.tables[0].rows]
    assert ranking[0][:2] == ["名次", "单位"]
    # B has no overdue lead task: it ranks above A, whose rates are higher but one task is overdue.
    assert ranking[1:] == [["1", B, "2", "1", "1", "50.0%", "50.0%", "0"],
                           ["2", A, "4", "3", "2", "75.0%", "50.0%", "1"],
                           ["3", EVIL, "1", "0", "0", "0.0%", "0.0%", "1"]]
    assert f"{A}（1 项）" in text and f"{EVIL}（1 项）" in text
    overdue = [[c.text for c in row.cells] for table in doc.tables[1:3] for row in table.rows[1:]]
    assert sorted(row[1] for row in overdue) == ["任务4", "任务7"]
    finished = [[c.text for c in row.cells] for row in doc.tables[3].rows[1:]]
    assert [row[1] for row in finished] == ["任务1", "任务3", "任务8"]
    assert [row[5] for row in finished] == ["否", "是", "是"]
    assert finished[0][2] == A


def test_bulletin_form_and_bad_periods(app, client, auth):
    login_supervisor(auth)
    page = client.get("/reports/bulletin")
    assert page.status_code == 200 and 'name="start"' in page.text
    assert download(client, "2024-05-02", "2024-05-01").status_code == 422
    assert client.get("/reports/bulletin?start=x&end=2024-05-01").status_code == 422


def test_department_gets_403(app, client, auth):
    login_department(auth)
    assert client.get("/reports/bulletin").status_code == 403
    assert download(client, "2024-05-01", "2024-05-02").status_code == 403
