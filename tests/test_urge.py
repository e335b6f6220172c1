"""催办: a supervisor mails the task's units now, through a real SMTP server on 127.0.0.1."""

import email
import email.policy
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import login_supervisor
from tracker.extensions import db
from tracker.models import Document, ReminderLog, Task, Unit


@pytest.fixture
def task_id(app):
    with app.app_context():
        lead = Unit(name="省商务厅", emails="swt@zj.gov.cn; ban@zj.gov.cn")
        support = Unit(name="省财政厅")  # no address
        task = Task(document=Document(number="浙政办发〔2026〕9号", title="通知", content_hash="9" * 64),
                    text="推进<外贸>稳增长。")
        task.assign(lead, "lead")
        task.assign(support, "support")
        db.session.add(task)
        db.session.commit()
        return task.id


def urge(client, task_id):
    page = client.get(f"/tasks/{task_id}")
    return client.post(f"/tasks/{task_id}/urge", data={"csrf_token": csrf_token(page.text)}, follow_redirects=True)


def test_urge_mails_the_units_once_a_day_and_is_journaled(app, client, auth, smtp, task_id):
    app.config["BASE_URL"] = "https://dc.zj.gov.cn"
    login_supervisor(auth)
    page = urge(client, task_id)
    assert "已向省商务厅发送催办邮件" in page.text and "省财政厅没有联系邮箱" in page.text
    assert len(smtp.messages) == 1
    recipients, subject, body, _ = smtp.messages[0]
    assert recipients == ["swt@zj.gov.cn", "ban@zj.gov.cn"] and subject.startswith("【督办提醒】浙政办发〔2026〕9号")
    assert f"https://dc.zj.gov.cn/tasks/{task_id}" in body  # TRACKER_BASE_URL, not the request's host and "推进<外贸>稳增长。" in body and "贵单位角色：牵头" in body
    with app.app_context():
        log = db.session.scalar(select(ReminderLog))
        assert (log.kind, log.task_id, log.attempts) == ("urge", task_id, 1) and log.sent_at is not None
        entry = db.session.get(Task, task_id).reports[-1]
        assert entry.kind == "urge" and "省商务厅" in entry.text
    again = urge(client, task_id)
    assert "今天已催办过" in again.text and len(smtp.messages) == 1


def test_a_failed_mail_is_recorded_for_a_retry(app, client, auth, task_id):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens there
    login_supervisor(auth)
    page = urge(client, task_id)
    assert "催办邮件发送失败：省商务厅" in page.text
    with app.app_context():
        log = db.session.scalar(select(ReminderLog))
        assert log.sent_at is None and log.attempts == 1 and log.last_error


def test_urge_needs_a_supervisor_and_a_token(app, client, auth, smtp, task_id):
    login_supervisor(auth)
    assert client.post(f"/tasks/{task_id}/urge").status_code == 400
    assert smtp.messages == []


def test_without_a_mail_server_the_mail_goes_to_the_outbox(app, client, auth, task_id):
    app.config["MAIL_SERVER"] = None  # the embedded default
    login_supervisor(auth)
    assert "已向省商务厅发送催办邮件" in urge(client, task_id).text
    (written,) = (Path(app.instance_path) / "outbox").glob("*.eml")
    message = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert message["To"] == "swt@zj.gov.cn, ban@zj.gov.cn" and message["Subject"].startswith("【督办提醒】")
