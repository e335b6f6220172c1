"""The daily reminder digests and the weekly summary, sent to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import csv
import email
import email.policy
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token, free_port
from tracker.extensions import db
from tracker.models import Document, JobLock, ReminderLog, Task, TaskUnit, Unit, User
from tracker.models.base import utcnow
from tracker.operations import reminders
from tracker.operations.reminders import RunBusy, send_due_reminders
from tracker.operations.users import create_user

TODAY = date(2026, 6, 1)  # a Monday
TUESDAY = TODAY + timedelta(days=1)


def add_task(app, text: str, deadline: date | None, lead: str, supports: tuple[str, ...] = (), *,
             status: str = "in_progress", number: str = "浙政办发〔2026〕9号") -> int:
    with app.app_context():
        document = db.session.scalar(select(Document).where(Document.number == number)) or Document(
            number=number, title="关于印发测试方案的通知", content_hash=f"{abs(hash(number)):064d}"[:64])
        task = Task(document=document, text=text, deadline=deadline, status=status)
        db.session.add(task)
        for role, names in (("lead", (lead,)), ("support", supports)):
            for name in names:
                unit = Unit.lookup(db.session, name) or Unit(name=name, emails=f"{len(name)}{abs(hash(name))}@zj.gov.cn")
                task.assign(unit, role)
        db.session.commit()
        return task.id


def set_emails(app, name: str, emails: str) -> None:
    with app.app_context():
        Unit.lookup(db.session, name).emails = emails
        db.session.commit()


def run(app, today: date = TUESDAY, **options):
    with app.app_context():
        return send_due_reminders(today, **options)


def mails_to(inbox, address: str):
    return [m for m in inbox.messages if address in m.to]


@pytest.fixture
def ledger(app):
    """省商务厅 leads an overdue task and supports one due in 3 days; 省财政厅 supports the
    first; finished, withdrawn, far-off and undated tasks are never in a digest."""
    ids = {
        "overdue": add_task(app, "推进<script>alert(1)</script>外贸稳增长。", TUESDAY - timedelta(days=5), "省商务厅",
                            ("省财政厅",)),
        "soon": add_task(app, "完善口岸收费目录清单。", TUESDAY + timedelta(days=3), "省交通运输厅", ("省商务厅",)),
        "done": add_task(app, "已完成的任务。", TUESDAY - timedelta(days=2), "省商务厅", status="done"),
        "far": add_task(app, "明年的任务。", TUESDAY + timedelta(days=30), "省商务厅"),
        "undated": add_task(app, "长期坚持的任务。", None, "省商务厅"),
        "withdrawn": add_task(app, "已撤销的任务。", TUESDAY, "省商务厅"),
    }
    with app.app_context():
        db.session.get(Task, ids["withdrawn"]).withdrawn_at = utcnow()
        db.session.commit()
    set_emails(app, "省商务厅", "swt@zj.gov.cn, office@swt.zj.gov.cn")
    set_emails(app, "省财政厅", "czt@zj.gov.cn")
    set_emails(app, "省交通运输厅", "jtt@zj.gov.cn")
    return ids


def test_one_digest_per_unit_with_its_tasks_lead_first(app, smtp, ledger):
    app.config["BASE_URL"] = "https://dc.zj.gov.cn/tracker"
    report = run(app)
    assert sorted(m.name for m in report.digests) == ["省交通运输厅", "省商务厅", "省财政厅"]
    assert report.count("sent") == 3 and not report.failed
    assert len(smtp.messages) == 3
    (mail,) = mails_to(smtp, "swt@zj.gov.cn")
    assert mail.to == ["swt@zj.gov.cn", "office@swt.zj.gov.cn"]
    assert mail.subject == "【督办提醒】省商务厅：1 项已逾期，1 项即将到期"
    text = mail.text
    assert text.index("【牵头任务】") < text.index("推进<script>") < text.index("【配合任务】") < text.index("完善口岸")
    assert "已逾期 5 天" in text and "剩 3 天" in text and "浙政办发〔2026〕9号" in text
    assert f"https://dc.zj.gov.cn/tracker/tasks/{ledger['overdue']}" in text
    for absent in ("已完成的任务", "明年的任务", "长期坚持", "已撤销"):
        assert absent not in text and absent not in mail.html
    # The HTML part escapes the task's text and links the same tasks.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in mail.html and "<script>" not in mail.html
    assert mail.html.index("牵头任务") < mail.html.index("配合任务")
    assert f'href="https://dc.zj.gov.cn/tracker/tasks/{ledger["soon"]}"' in mail.html
    (finance,) = mails_to(smtp, "czt@zj.gov.cn")
    assert "【配合任务】" in finance.text and "【牵头任务】" not in finance.text


def test_a_second_run_the_same_day_sends_nothing(app, smtp, ledger):
    assert run(app).count("sent") == 3
    again = run(app)
    assert again.digests == [] and len(smtp.messages) == 3
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(ReminderLog.kind == "digest")) == 3


def test_a_refused_connection_is_recorded_and_retried(app, ledger):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens there
    report = run(app)
    assert report.failed and report.count("failed") == 3 and report.count("sent") == 0
    with app.app_context():
        row = db.session.scalar(select(ReminderLog).join(Unit, Unit.id == ReminderLog.unit_id).where(
            Unit.name == "省商务厅", ReminderLog.kind == "digest"))
        assert row.sent_at is None and row.attempts == 1 and "ConnectionRefusedError" in row.last_error


def test_a_failed_digest_is_sent_by_the_next_run(app, smtp, ledger):
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()
    assert run(app).count("failed") == 3 and smtp.messages == []
    app.config["MAIL_PORT"] = port  # the server is back
    assert run(app).count("sent") == 3 and len(smtp.messages) == 3
    assert "推进<script>" in mails_to(smtp, "swt@zj.gov.cn")[0].text  # the tasks the failed digest held
    with app.app_context():
        rows = db.session.scalars(select(ReminderLog).where(ReminderLog.kind == "digest")).all()
        assert [(r.attempts, r.last_error) for r in rows] == [(2, None)] * 3 and all(r.sent_at for r in rows)
    assert run(app).digests == [] and len(smtp.messages) == 3


def test_a_digest_unsent_at_the_end_of_its_day_is_in_the_next_days(app, smtp, ledger):
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()
    run(app, TUESDAY)
    app.config["MAIL_PORT"] = port
    run(app, TUESDAY + timedelta(days=1))
    (mail,) = mails_to(smtp, "swt@zj.gov.cn")
    assert "已逾期 6 天" in mail.text and "剩 2 天" in mail.text  # counted anew


def test_a_crash_between_two_units_does_not_resend_to_the_first(app, smtp, ledger, monkeypatch):
    real, calls = reminders.send_mail, []

    def crash_on_second(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:
            raise KeyboardInterrupt("the process is stopped")
        real(*args, **kwargs)

    monkeypatch.setattr(reminders, "send_mail", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        run(app)
    assert len(smtp.messages) == 1
    first = smtp.messages[0].to
    monkeypatch.setattr(reminders, "send_mail", real)
    report = run(app)  # the lock was let go, and the claimed second unit is retried
    assert report.count("sent") == 2 and first not in [m.recipients for m in report.digests]
    assert len(smtp.messages) == 3 and [m.to for m in smtp.messages].count(first) == 1


def test_overdue_tasks_are_repeated_weekly_and_due_soon_once_per_threshold(app, smtp):
    overdue = add_task(app, "逾期任务。", TODAY - timedelta(days=1), "省商务厅")
    soon = add_task(app, "一周后到期的任务。", TODAY + timedelta(days=7), "省商务厅")
    app.config.update(OVERDUE_REPEAT_DAYS=7, REMIND_THRESHOLDS=[7, 1])
    held = {}
    for offset in range(10):
        day = TODAY + timedelta(days=offset)
        before = len(smtp.messages)
        run(app, day)
        text = smtp.messages[-1].text if len(smtp.messages) > before else ""
        held[offset] = ("逾期任务" in text, "一周后到期" in text)
    assert held == {0: (True, True), 1: (False, False), 2: (False, False), 3: (False, False), 4: (False, False),
                    5: (False, False), 6: (False, True),  # one day left: the second threshold
                    7: (True, False),  # the repeat after a week; the other is due today (threshold 1 was sent)
                    8: (False, True),  # ... and overdue the day after
                    9: (False, False)}
    assert overdue != soon


def test_an_extension_starts_the_count_again(app, smtp):
    task_id = add_task(app, "延期的任务。", TODAY + timedelta(days=2), "省商务厅")
    run(app, TODAY)
    run(app, TODAY + timedelta(days=1))  # one day left: threshold 1
    assert len(smtp.messages) == 2
    with app.app_context():
        db.session.get(Task, task_id).deadline = TODAY + timedelta(days=8)  # an approved extension
        db.session.commit()
    run(app, TODAY + timedelta(days=2))
    run(app, TODAY + timedelta(days=3))
    assert len(smtp.messages) == 3 and "剩 6 天" in smtp.messages[-1].text


def test_users_get_their_units_digest_unless_they_opt_out(app, client, auth, smtp, ledger):
    auth.create("cz", "cz-password", "department", "省财政厅")
    auth.login("cz", "cz-password")
    page = client.get("/auth/settings")
    assert "接收提醒邮件" in page.text
    saved = client.post("/auth/settings", data={"csrf_token": csrf_token(page.text), "email": "li@czt.zj.gov.cn",
                                                 "receive_reminders": "y"}, follow_redirects=True)
    assert "设置已保存" in saved.text
    run(app, TUESDAY)
    assert mails_to(smtp, "czt@zj.gov.cn")[0].to == ["czt@zj.gov.cn", "li@czt.zj.gov.cn"]
    page = client.get("/auth/settings")
    client.post("/auth/settings", data={"csrf_token": csrf_token(page.text), "email": "li@czt.zj.gov.cn"})
    run(app, TUESDAY + timedelta(days=7))  # the overdue task is repeated
    assert mails_to(smtp, "czt@zj.gov.cn")[-1].to == ["czt@zj.gov.cn"]
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "cz"))
        assert user.email == "li@czt.zj.gov.cn" and user.reminders_opt_out


def test_settings_refuse_a_malformed_address(app, client, auth, ledger):
    auth.create("cz", "cz-password", "department", "省财政厅")
    auth.login("cz", "cz-password")
    page = client.get("/auth/settings")
    answer = client.post("/auth/settings", data={"csrf_token": csrf_token(page.text), "email": "li@", "receive_reminders": "y"})
    assert "格式不正确" in answer.text
    with app.app_context():
        assert db.session.scalar(select(User.email).where(User.username == "cz")) is None


def test_units_without_an_address_are_reported_not_mailed(app, smtp, ledger):
    set_emails(app, "省财政厅", "")
    report = run(app)
    assert [m.name for m in report.digests if m.state == "no_address"] == ["省财政厅"]
    assert len(smtp.messages) == 2


def test_supervisors_get_a_weekly_summary_once(app, smtp, ledger):
    with app.app_context():
        create_user("wang", "pw-wang-123", "supervisor", email="wang@dcs.zj.gov.cn")
        create_user("zhao", "pw-zhao-123", "supervisor")  # no address
        db.session.commit()
    set_emails(app, "省财政厅", "")
    report = run(app, TUESDAY)  # Monday's summary, sent on Tuesday (Monday's run was missed)
    assert [(m.name, m.state) for m in report.summaries] == [("wang", "sent")]
    (summary,) = mails_to(smtp, "wang@dcs.zj.gov.cn")
    assert summary.subject.startswith("【督办周报】") and "1 项任务已逾期" in summary.subject
    assert "省商务厅：牵头 1 项，配合 0 项" in summary.text and "省财政厅：牵头 0 项，配合 1 项" in summary.text
    assert "没有联系邮箱" in summary.text and "省财政厅（逾期 1 项" in summary.text
    run(app, TUESDAY + timedelta(days=1))
    assert len(mails_to(smtp, "wang@dcs.zj.gov.cn")) == 1  # once a week
    run(app, TODAY + timedelta(days=7))
    assert len(mails_to(smtp, "wang@dcs.zj.gov.cn")) == 2


def test_a_dry_run_sends_and_records_nothing(app, smtp, ledger):
    report = run(app, dry_run=True)
    assert [m.state for m in report.digests] == ["would_send"] * 3 and smtp.messages == []
    with app.app_context():
        assert db.session.scalar(select(func.count(ReminderLog.id))) == 0


def test_one_run_at_a_time(app, smtp, ledger):
    with app.app_context():
        db.session.add(JobLock(name="reminders", holder="other-host:42", locked_until=utcnow() + timedelta(minutes=5)))
        db.session.commit()
    with pytest.raises(RunBusy, match="other-host:42"):
        run(app)
    assert smtp.messages == []
    with app.app_context():  # a holder that died: its lease runs out
        db.session.get(JobLock, "reminders").locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert run(app).count("sent") == 3


def test_cli_prints_each_unit_and_fails_when_some_mail_failed(app, runner, ledger):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    result = runner.invoke(args=["reminders", "run", "--today", TUESDAY.isoformat()])
    assert result.exit_code == 1
    assert "[发送失败] 省商务厅  逾期 1 项，即将到期 1 项  → swt@zj.gov.cn, office@swt.zj.gov.cn" in result.output
    assert "ConnectionRefusedError" in result.output


def test_cli_sends_then_has_nothing_more(app, runner, smtp, ledger):
    dry = runner.invoke(args=["reminders", "run", "--today", TUESDAY.isoformat(), "--dry-run"])
    assert dry.exit_code == 0 and "[将发送] 省财政厅" in dry.output and smtp.messages == []
    sent = runner.invoke(args=["reminders", "run", "--today", TUESDAY.isoformat()])
    assert sent.exit_code == 0 and "合计：已发送 3 封" in sent.output
    again = runner.invoke(args=["reminders", "run", "--today", TUESDAY.isoformat()])
    assert again.exit_code == 0 and "没有需要发送的提醒" in again.output and len(smtp.messages) == 3


def test_without_a_mail_server_digests_go_to_the_outbox(app, ledger):
    app.config["MAIL_SERVER"] = None
    assert run(app).count("sent") == 3
    outbox = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
              for path in (Path(app.instance_path) / "outbox").glob("*.eml")]
    assert sorted(m["Subject"] for m in outbox)[0] == "【督办提醒】省交通运输厅：1 项即将到期"


def test_the_seeds_first_refused_then_one_digest_per_unit_then_nothing(app, runner, smtp, tmp_path):
    """The issue's check: seeds, an address for every unit, a closed port, then a server."""
    assert runner.invoke(args=["init"]).exit_code == 0
    exported = tmp_path / "units.csv"
    assert runner.invoke(args=["units", "export", str(exported)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8"))))
    for k, row in enumerate(rows):
        row["emails"] = f"unit{k}@zj.gov.cn"
    with (tmp_path / "addressed.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert runner.invoke(args=["units", "import", str(tmp_path / "addressed.csv")]).exit_code == 0
    with app.app_context():
        expected = set(db.session.scalars(select(Unit.name).join(TaskUnit, TaskUnit.unit_id == Unit.id)
                                          .join(Task, Task.id == TaskUnit.task_id)
                                          .where(Task.status.in_(("not_started", "in_progress")),
                                                 Task.withdrawn_at.is_(None), Task.deadline <= date(2021, 6, 8))))
    assert len(expected) > 5
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()
    refused = runner.invoke(args=["reminders", "run", "--today", "2021-06-01"])
    assert refused.exit_code == 1 and smtp.messages == []
    app.config["MAIL_PORT"] = port
    sent = runner.invoke(args=["reminders", "run", "--today", "2021-06-01"])
    assert sent.exit_code == 0, sent.output
    assert len(smtp.messages) == len(expected), sent.output
    assert sorted(m.subject.split("：")[0].removeprefix("【督办提醒】") for m in smtp.messages) == sorted(expected)
    assert all("/tasks/" in m.text for m in smtp.messages)
    third = runner.invoke(args=["reminders", "run", "--today", "2021-06-01"])
    assert third.exit_code == 0 and "没有需要发送的提醒" in third.output and len(smtp.messages) == len(expected)


def test_the_task_page_shows_its_reminders_to_each_their_own(app, client, auth, smtp, ledger):
    run(app)
    auth.create("sup", "sup-password", "supervisor")
    auth.login("sup", "sup-password")
    page = client.get(f"/tasks/{ledger['overdue']}").text
    assert "提醒记录" in page and page.count("逾期提醒") == 2 and "省财政厅" in page and "已发送" in page
    auth.logout()
    auth.create("cz", "cz-password", "department", "省财政厅")
    auth.login("cz", "cz-password")
    page = client.get(f"/tasks/{ledger['overdue']}").text
    assert page.count("逾期提醒") == 1  # its own unit's reminder only
    section = page[page.index("提醒记录"):]
    assert "省财政厅" in section and "省商务厅" not in section
