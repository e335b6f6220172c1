"""Hostile input (#16): every form and query string of the app given scripts, SQL, oversized
text, control characters, NUL bytes and invalid values; other units' task ids; stale forms.

What is expected of each (form, field, payload) of `FORMS`:
- never a 500: a refusal is a 4xx or the form again with a message, and every message shown
  (field errors, flashes) is Chinese;
- refused means nothing written (every table compared before and after, the audit log and
  login attempts aside); an oversized or invalid value is never stored, nor a NUL character
  (PostgreSQL cannot store one);
- wherever a value is stored and shown again (the pages of `Form.shows`, and the response
  itself) it is escaped: `<script>alert(1)` or `<img src=x onerror` never appear raw, and
  the escaped value does appear, so the right page was looked at.

The cases run on one app per database (module scope), each on objects made for it (a fresh
task, unit or account), so they run in seconds. On SQLite every payload is tried; on
PostgreSQL (TRACKER_TEST_POSTGRES_URL) those that reach the database differently there
(NUL, controls, SQL, scripts), and every payload in the suite's PostgreSQL pass
(TRACKER_TEST_DATABASE=postgresql).
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.conftest import ON_POSTGRES, AuthActions, csrf_token, make_app, postgres_server_url
from tests.factories import preview_fields
from tracker.extensions import db
from tracker.models import Document, ExtensionRequest, ProgressReport, Task, Unit, UnitAlias
from tracker.operations.users import create_user
from tracker.parsing.units import canonical

PASSWORD = "password-123"
MINE, SUPPORT, OTHER, KNOWN = "省商务厅", "省财政厅", "省教育厅", "省生态环境厅"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RAW = ("<script>alert(1)", "<img src=x onerror")  # what an unescaped payload puts in a page
PAYLOADS = {
    "script": SCRIPT,
    "img": IMG,
    "sql_or": "' OR 1=1 --",
    "sql_drop": "'; DROP TABLE task; --",
    "oversized": None,  # 1 MB for a text, 100,000 characters for a name (`Field.kind`)
    "control": "进展\x01\x08\x1b[31m\u202e\ufeff\x7f报告",
    "nul": "进展\x00报告",
}
SHOWN = ("script", "img", "sql_or", "sql_drop")  # payloads whose stored value is looked for, escaped
POSTGRES_PAYLOADS = ("script", "sql_drop", "control", "nul")  # on PostgreSQL besides SQLite
CJK = re.compile(r"[\u4e00-\u9fff]")
NOT_COMPARED = {"login_attempt", "audit_event", "alembic_version"}  # written by any login attempt


def oversized(kind: str) -> str:
    return "进" * 1_000_000 if kind == "text" else "厅" * 100_000


# --- the world the cases run in: one app, clients logged in, objects made per case -----------

class World:
    def __init__(self, app):
        self.app = app
        self.serial = 0
        with app.app_context():
            units = {name: Unit(name=name) for name in (MINE, SUPPORT, OTHER, KNOWN)}
            db.session.add_all(units.values())
            doc = Document(number="浙政办发〔2031〕1号", title="关于测试的通知", content_hash="1" * 64,
                           source_text="关于测试的通知\n推进数据共享。（责任单位：省商务厅）")
            db.session.add(doc)
            for username, role, unit in (("dept", "department", MINE), ("edu", "department", OTHER),
                                         ("sup", "supervisor", None), ("root", "admin", None)):
                create_user(username, PASSWORD, role, unit)
            flagged = Unit(name="省待核实局", needs_review=True)
            db.session.add(flagged)
            db.session.commit()
            self.doc_id, self.known_id, self.flagged_id = doc.id, units[KNOWN].id, flagged.id
        self.first_task = self.task()
        self.clients = {who: self.login(who) for who in ("dept", "edu", "sup", "root")}

    def login(self, username: str):
        client = self.app.test_client()
        assert AuthActions(self.app, client).login(username, PASSWORD).status_code == 302, f"{username} cannot log in"
        return client

    def name(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.serial}"

    def task(self, status: str = "not_started", pending: bool = False, reported: bool = False,
             lead: str = MINE) -> int:
        """A fresh task of the document, led by `lead` and supported by 省财政厅."""
        with self.app.app_context():
            units = {u.name: u for u in db.session.scalars(select(Unit))}
            task = Task(document_id=self.doc_id, seq=self.serial, text=f"推进第{self.name('')}项工作。", status=status,
                        deadline=date.today() + timedelta(days=30), line=2)
            task.assign(units[lead], "lead")
            task.assign(units[SUPPORT], "support")
            db.session.add(task)
            db.session.flush()
            if pending:
                db.session.add(ExtensionRequest(task=task, unit_id=units[lead].id, original_deadline=task.deadline,
                                                requested_deadline=task.deadline + timedelta(days=30), reason="需要时间。"))
            if reported:
                db.session.add(ProgressReport(task=task, unit_id=units[lead].id, kind="report", status=status,
                                              text="已启动。"))
            db.session.commit()
            return task.id

    def unit(self, needs_review: bool = False) -> int:
        with self.app.app_context():
            unit = Unit(name=self.name("省测试局"), needs_review=needs_review)
            db.session.add(unit)
            db.session.commit()
            return unit.id

    def user(self) -> tuple[int, str]:
        username = self.name("user")
        with self.app.app_context():
            user = create_user(username, PASSWORD, "department", MINE)
            db.session.commit()
            return user.id, username

    def fingerprint(self) -> dict[str, set[tuple]]:
        """Every row of every table (but the login attempts and the audit log)."""
        with self.app.app_context():
            return {table.name: {tuple(row) for row in db.session.execute(table.select())}
                    for table in db.metadata.sorted_tables if table.name not in NOT_COMPARED}

    def count(self, model) -> int:
        with self.app.app_context():
            return db.session.scalar(select(func.count()).select_from(model))


def changed_rows(before: dict[str, set[tuple]], after: dict[str, set[tuple]]) -> dict[str, set[tuple]]:
    """The rows of each table that are new or changed (as they are now), and those gone."""
    return {name: after[name] ^ before[name] for name in after if after[name] != before[name]}


def sqlite_world(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile")
    return make_app(path, f"sqlite:///{path / 'hostile.sqlite'}"), None


def postgres_world(tmp_path_factory):
    """A database of the module's own on the suite's server (the pg_url fixture's policy)."""
    url = postgres_server_url()
    name = f"hostile_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    try:
        app = make_app(tmp_path_factory.mktemp("hostile-pg"),
                       make_url(url).set(database=name).render_as_string(hide_password=False))
    except BaseException:
        drop()
        raise
    return app, drop


def _world(make, tmp_path_factory):
    app, drop = make(tmp_path_factory)
    try:
        yield World(app)
    finally:
        with app.app_context():
            db.engine.dispose()
        if drop:
            drop()


@pytest.fixture(scope="module")
def world_sqlite(tmp_path_factory):
    yield from _world(sqlite_world, tmp_path_factory)


@pytest.fixture(scope="module")
def world_postgresql(tmp_path_factory):
    yield from _world(postgres_world, tmp_path_factory)


@pytest.fixture
def world(request, backend):
    """The module's world on `backend` (a parameter of the test)."""
    return request.getfixturevalue(f"world_{backend}")


# --- the forms -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"  # text (1 MB when oversized), name (100,000 characters), select, id, date, secret
    invalid: tuple[str, ...] = ()  # values that are no valid value of the field
    also: tuple[str, ...] = ()  # fields set to the same value (a password's confirmation)
    hidden: bool = False  # not typed by a person: a 4xx alone is refusal enough
    stored: Callable[[str], str] = str.strip  # what is stored of a value (and shown escaped)
    shown: bool = True  # its stored value is shown on the pages of `Form.shows`


IDS = ("abc", "-1", "0", "1.5", "99999999999999999999")
DATES = ("2024-02-30", "99999-01-01", "0000-00-00", "2024/01/01", "明年")


@dataclass(frozen=True)
class Form:
    who: str  # dept, sup, root: the module's clients; fresh: a new department account; anon
    url: str  # formatted with what `prepare` made
    page: str  # the page holding the form (its CSRF token and version)
    data: dict[str, str]  # valid values (formatted too)
    fields: tuple[Field, ...]
    prepare: Callable[[World], dict] = lambda world: {}
    shows: tuple[tuple[str, str], ...] = ()  # (who, page) where stored values are shown
    multipart: bool = False


TASK_PAGES = (("dept", "/tasks/{task}"), ("sup", "/tasks/{task}"))
STATUS = Field("status", "select", invalid=("bogus", "closed", "done' OR '1'='1"), shown=False)
VERSION = Field("version", "id", invalid=IDS, hidden=True, shown=False)
FORMS: dict[str, Form] = {
    "login": Form("anon", "/auth/login", "/auth/login", {"username": "{username}", "password": "wrong-password"},
                  (Field("username", "name", shown=False), Field("password", "secret", shown=False)),
                  prepare=lambda w: {"username": w.user()[1]}),
    "password": Form("fresh", "/auth/password", "/auth/password",
                     {"old_password": PASSWORD, "new_password": "password-456", "confirm": "password-456"},
                     (Field("old_password", "secret", shown=False),
                      Field("new_password", "secret", also=("confirm",), shown=False))),
    "settings": Form("fresh", "/auth/settings", "/auth/settings", {"email": "a@example.cn", "receive_reminders": "y"},
                     (Field("email", "name", invalid=("a@b", "@example.cn", "a b@example.cn")),),
                     shows=(("fresh", "/auth/settings"),)),
    "report": Form("dept", "/tasks/{task}/report", "/tasks/{task}", {"text": "进展顺利。", "status": "in_progress"},
                   (Field("text"), STATUS, VERSION), prepare=lambda w: {"task": w.task()}, shows=TASK_PAGES),
    "extension": Form("dept", "/tasks/{task}/extension", "/tasks/{task}",
                      {"deadline": (date.today() + timedelta(days=90)).isoformat(), "reason": "需要更多时间。"},
                      (Field("reason"), Field("deadline", "date", invalid=DATES, shown=False)),
                      prepare=lambda w: {"task": w.task()}, shows=TASK_PAGES),
    "confirm": Form("sup", "/tasks/{task}/confirm", "/tasks/{task}", {"text": "同意办结。"}, (Field("text"),),
                    prepare=lambda w: {"task": w.task(status="done")}, shows=TASK_PAGES),
    "send_back": Form("sup", "/tasks/{task}/send-back", "/tasks/{task}", {"reason": "材料不全。"}, (Field("reason"),),
                      prepare=lambda w: {"task": w.task(status="done")}, shows=TASK_PAGES),
    "decision": Form("sup", "/tasks/{task}/extension/decide", "/tasks/{task}", {"reason": "理由不足。", "refuse": "不同意"},
                     (Field("reason"),), prepare=lambda w: {"task": w.task(pending=True)}, shows=TASK_PAGES),
    "edit": Form("sup", "/tasks/{task}/edit", "/tasks/{task}",
                 {"text": "推进工作。", "deadline": "2031-06-30", "deadline_text": "", "leads": MINE, "supports": ""},
                 (Field("text"), Field("deadline", "date", invalid=DATES, shown=False), Field("deadline_text", "name"),
                  Field("leads", "name", invalid=("省不存在厅",), shown=False),
                  Field("supports", "name", invalid=("省不存在厅",), shown=False), VERSION),
                 prepare=lambda w: {"task": w.task()}, shows=TASK_PAGES + (("sup", "/imports/documents/{doc}"),)),
    "add_task": Form("sup", "/imports/documents/{doc}/tasks", "/imports/documents/{doc}",
                     {"section": "二", "text": "新增任务。", "deadline": "", "deadline_text": "", "leads": MINE,
                      "supports": ""},
                     (Field("text"), Field("section", "name"), Field("deadline", "date", invalid=DATES, shown=False),
                      Field("deadline_text", "name"), Field("leads", "name", invalid=("省不存在厅",), shown=False)),
                     prepare=lambda w: {"doc": w.doc_id}, shows=(("sup", "/imports/documents/{doc}"),)),
    "withdraw": Form("sup", "/tasks/{task}/withdraw", "/tasks/{task}/withdraw", {"reason": "重复任务。"},
                     (Field("reason"),), prepare=lambda w: {"task": w.task(reported=True)},
                     shows=(("sup", "/tasks/{task}"),)),
    "emails": Form("sup", "/units/{unit}/emails", "/units/{unit}", {"emails": "a@example.cn"},
                   (Field("emails", "name", invalid=("a@b", "x@example.cn;@", "a@@example.cn")),),
                   prepare=lambda w: {"unit": w.unit()}, shows=(("sup", "/units/{unit}"),)),
    "alias": Form("sup", "/units/{unit}/aliases", "/units/{unit}", {"name": "省测试别名"},
                  (Field("name", "name", stored=canonical),),
                  prepare=lambda w: {"unit": w.unit()}, shows=(("sup", "/units/{unit}"), ("sup", "/units/"))),
    "merge": Form("sup", "/units/{unit}/merge", "/units/", {"target": "{target}"},
                  (Field("target", "id", invalid=IDS, hidden=True, shown=False),),
                  prepare=lambda w: {"unit": w.unit(needs_review=True), "target": w.known_id}),
    "admin_new": Form("root", "/admin/users/new", "/admin/users/new",
                      {"username": "{username}", "password": PASSWORD, "role": "department", "unit": MINE, "email": ""},
                      (Field("username", "name"), Field("password", "secret", shown=False),
                       Field("role", "select", invalid=("bogus", "ADMIN"), shown=False),
                       Field("unit", "name", invalid=("省不存在厅",), shown=False),
                       Field("email", "name", invalid=("a@b",))),
                      prepare=lambda w: {"username": w.name("new")}, shows=(("root", "/admin/users"),)),
    "admin_update": Form("root", "/admin/users/{user}", "/admin/users/{user}",
                         {"role": "department", "unit": MINE, "email": ""},
                         (Field("role", "select", invalid=("bogus",), shown=False),
                          Field("unit", "name", invalid=("省不存在厅",), shown=False), Field("email", "name", invalid=("a@b",))),
                         prepare=lambda w: {"user": w.user()[0]}, shows=(("root", "/admin/users"),)),
    "admin_reset": Form("root", "/admin/users/{user}/password", "/admin/users/{user}",
                        {"password": "password-456", "confirm": "password-456"},
                        (Field("password", "secret", also=("confirm",), shown=False),),
                        prepare=lambda w: {"user": w.user()[0]}),
    "admin_active": Form("root", "/admin/users/{user}/active", "/admin/users/{user}", {"active": "0"},
                         (Field("active", "select", invalid=("2", "yes", "-1"), hidden=True, shown=False),),
                         prepare=lambda w: {"user": w.user()[0]}),
    "paste": Form("sup", "/imports/new", "/imports/new", {"text": ""},
                  (Field("text", "paste", shown=False),), multipart=True),
}


def values(field: Field) -> list[tuple[str, str]]:
    """(kind, value) of every payload tried on `field`."""
    out = []
    for kind, value in PAYLOADS.items():
        if kind == "oversized":
            value = "a" * 3_000_001 if field.kind == "paste" else oversized(field.kind)
        out.append((kind, value))
    return out + [(f"invalid {value}", value) for value in field.invalid]


def cases():
    kinds = None if ON_POSTGRES else POSTGRES_PAYLOADS
    for backend in (["postgresql"] if ON_POSTGRES else ["sqlite", "postgresql"]):
        for name, form in FORMS.items():
            for field_ in form.fields:
                for kind, value in values(field_):
                    if backend == "postgresql" and kinds and kind not in kinds:
                        continue
                    marks = [pytest.mark.postgres] if backend == "postgresql" else []
                    yield pytest.param(backend, name, field_, kind, value, marks=marks,
                                       id=f"{backend}-{name}-{field_.name}-{kind}")


def messages(page: str) -> list[str]:
    """Field errors and flashed warnings on a page, as text."""
    found = re.findall(r'<p class="error">(.*?)</p>', page, re.S)
    found += re.findall(r'<div class="flash flash-(?:danger|warning)"[^>]*>(.*?)</div>', page, re.S)
    return [m.strip() for m in found]


def assert_escaped(page: str, where: str) -> None:
    for raw in RAW:
        assert raw not in page, f"{raw!r} unescaped in {where}"


@pytest.mark.parametrize("backend, form_name, field_, kind, value", list(cases()))
def test_hostile_value(world, form_name, field_, kind, value):
    form = FORMS[form_name]
    ctx = {"doc": world.doc_id, **form.prepare(world)}
    if form.who == "fresh":
        ctx["user"], username = world.user()
        client = world.login(username)
    elif form.who == "anon":
        client = world.app.test_client()
    else:
        client = world.clients[form.who]
    page = client.get(form.page.format(**ctx))
    assert page.status_code == 200
    data = {key: item.format(**ctx) for key, item in form.data.items()}
    version = re.search(r'<input[^>]*name="version"[^>]*value="(\d+)"', page.text)
    if version:
        data["version"] = version.group(1)
    for name in (field_.name, *field_.also):
        data[name] = value
    data["csrf_token"] = csrf_token(page.text)
    before = world.fingerprint()
    response = client.post(form.url.format(**ctx), data=data, follow_redirects=True,
                           content_type="multipart/form-data" if form.multipart else None)
    changed = changed_rows(before, world.fingerprint())

    assert response.status_code < 500, f"{response.status_code} for {kind} in {field_.name}"
    assert_escaped(response.text, "the response")
    shown = messages(response.text)
    assert all(CJK.search(m) for m in shown), f"messages not in Chinese: {shown}"
    if not changed:
        if response.status_code < 400 or (response.status_code == 422 and not field_.hidden):
            assert shown, f"{kind} in {field_.name} refused ({response.status_code}) without a message"
        return
    assert kind != "oversized", f"an oversized {field_.name} was stored"
    assert not kind.startswith("invalid"), f"{value!r} stored as {field_.name}"
    assert not any("\x00" in str(v) for rows in changed.values() for row in rows for v in row), "a NUL was stored"
    pages = []
    for who, path in form.shows:
        viewer = client if who == "fresh" else world.clients[who]
        shown_page = viewer.get(path.format(**ctx))
        assert shown_page.status_code == 200, path
        assert_escaped(shown_page.text, path)
        pages.append(shown_page.text)
    if kind in SHOWN and field_.shown:
        stored = str(escape(field_.stored(value)))
        assert any(stored in p for p in pages), f"the stored {field_.name} is shown on none of {form.shows}"


def backends():
    """The databases the other tests run on: SQLite and PostgreSQL, or PostgreSQL only in the
    suite's PostgreSQL pass."""
    postgres = pytest.param("postgresql", marks=pytest.mark.postgres)
    return [postgres] if ON_POSTGRES else ["sqlite", postgres]


def task_links(page: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/tasks/(\d+)"', page)}


# --- query strings: filters, searches, dates ---------------------------------------------------

QUERIES = [  # (who, path, parameter, invalid values)
    *[("sup", "/tasks/", name, ()) for name in ("q", "status", "role", "light", "sort")],
    *[("sup", "/tasks/", name, IDS) for name in ("document", "unit", "page")],
    *[("sup", "/tasks/", name, DATES) for name in ("due_from", "due_to")],
    *[("dept", "/", name, ()) for name in ("q", "status", "role", "light")],
    *[("dept", "/", name, IDS) for name in ("document", "page")],
    ("dept", "/", "due_from", DATES),
    ("sup", "/tasks/export.csv", "q", ()), ("sup", "/tasks/export.csv", "document", IDS),
    ("sup", "/tasks/export.csv", "due_to", DATES), ("sup", "/tasks/export.xlsx", "q", ()),
    ("sup", "/", "as_of", DATES + ("0001-01-01", "1900-01-01")),
    ("sup", "/units/", "q", ()), ("sup", "/units/{flagged}/merge", "name", ()),
    ("sup", "/reports/bulletin", "start", DATES), ("sup", "/reports/bulletin", "end", DATES),
]
def query_cases():
    for backend in (["postgresql"] if ON_POSTGRES else ["sqlite", "postgresql"]):
        for who, path, name, invalid in QUERIES:
            for kind, value in [(k, v if v is not None else "厅" * 100_000) for k, v in PAYLOADS.items()] + [
                    (f"invalid {v}", v) for v in invalid]:
                if backend == "postgresql" and not ON_POSTGRES and kind not in POSTGRES_PAYLOADS:
                    continue
                marks = [pytest.mark.postgres] if backend == "postgresql" else []
                yield pytest.param(backend, who, path, name, kind, value, marks=marks,
                                   id=f"{backend}-{who}-{path}-{name}-{kind}")


@pytest.mark.parametrize("backend, who, path, name, kind, value", list(query_cases()))
def test_hostile_query_string(world, who, path, name, kind, value):
    """Filters and searches ignore what they cannot use; what they echo is escaped; SQL in a
    search matches nothing; nothing is written."""
    if name == "name":  # a name no earlier case gave a unit (by its canonical form)
        value = world.name("查无此局") + value
    query = {name: value}
    if path == "/reports/bulletin":
        query = {"start": "2024-01-01", "end": "2024-01-31", name: value}
    before = world.fingerprint()
    response = world.clients[who].get(path.format(flagged=world.flagged_id), query_string=query,
                                      follow_redirects=True)
    assert response.status_code in (200, 422), response.status_code
    body = response.get_data()  # an export is streamed: its query runs as it is read
    assert world.fingerprint() == before
    if response.mimetype != "text/html":
        assert body
        return
    assert_escaped(response.text, path)
    shown = messages(response.text)
    assert all(CJK.search(m) for m in shown), f"messages not in Chinese: {shown}"
    if response.status_code == 422:
        assert shown, "a period refused without a message"
    if name == "q" and kind in SHOWN:
        assert str(escape(value[:100].strip())) in response.text, "the search is not shown back"
        # Only tasks holding every word of it match (as words, never as SQL).
        with world.app.app_context():
            texts = [db.session.get(Task, n).text for n in task_links(response.text)]
        assert all(word in text for text in texts for word in value.split()), f"{value!r} matched {texts}"


@pytest.mark.parametrize("backend", backends())
@pytest.mark.parametrize("job", ["../../secret_key", "..%2F..%2Fsecret_key", "0" * 31 + "g", "A" * 32, "x" * 64])
def test_job_ids_from_elsewhere_are_not_found(world, job):
    assert world.clients["sup"].get(f"/imports/jobs/{job}").status_code == 404


# --- other units' tasks -----------------------------------------------------------------------

def journal(world) -> tuple[int, int]:
    with world.app.app_context():
        return (db.session.scalar(select(func.count()).select_from(ProgressReport)),
                db.session.scalar(select(func.count()).select_from(ExtensionRequest)))


@pytest.mark.parametrize("backend", backends())
def test_a_department_cannot_reach_other_units_tasks(world):
    """Every URL, form and POST of a department with another unit's task id: 404 (the
    supervisors' routes: 403), nothing written."""
    other = world.task(lead=OTHER, status="done")
    with world.app.app_context():
        other_doc = Document(number=world.name("浙政办发〔2032〕") + "号", title="别的文件", content_hash=uuid.uuid4().hex * 2)
        task = db.session.get(Task, other)
        task.document = other_doc
        db.session.add(ExtensionRequest(task=task, unit_id=task.leads()[0].id, original_deadline=task.deadline,
                                        requested_deadline=task.deadline + timedelta(days=9), reason="理由"))
        db.session.commit()
        other_doc_id = other_doc.id
    dept = world.clients["dept"]
    token = csrf_token(dept.get("/").text)
    report = {"csrf_token": token, "version": "1", "text": "越权报告。", "status": "done"}
    before, counted = world.fingerprint(), journal(world)
    for method, path, data, allowed in [
        ("get", f"/tasks/{other}", None, (404,)),
        ("post", f"/tasks/{other}/report", report, (404,)),
        ("post", f"/tasks/{other}/extension", {"csrf_token": token, "deadline": "2040-01-01", "reason": "越权。"}, (404,)),
        ("post", f"/tasks/{other}/confirm", {"csrf_token": token, "text": "越权。"}, (403,)),
        ("post", f"/tasks/{other}/send-back", {"csrf_token": token, "reason": "越权。"}, (403,)),
        ("post", f"/tasks/{other}/edit", {"csrf_token": token, "version": "1", "text": "越权。", "leads": MINE}, (403,)),
        ("get", f"/tasks/{other}/withdraw", None, (403,)),
        ("post", f"/tasks/{other}/withdraw", {"csrf_token": token, "reason": "越权。"}, (403,)),
        ("post", f"/tasks/{other}/urge", {"csrf_token": token}, (403,)),
        ("post", f"/tasks/{other}/extension/decide", {"csrf_token": token, "approve": "同意延期"}, (403,)),
        ("get", f"/imports/documents/{other_doc_id}", None, (403,)),
        ("post", f"/imports/documents/{other_doc_id}/tasks", {"csrf_token": token, "text": "越权。", "leads": MINE}, (403,)),
        ("post", f"/imports/documents/{other_doc_id}/withdraw", {"csrf_token": token, "reason": "越权。"}, (403,)),
        ("get", "/tasks/export.csv", None, (403,)),
        ("get", "/tasks/", None, (403,)),
        *[("post", f"/tasks/{n}/report", report, (404,)) for n in ("0", str(2**31), "99999999999999999999", "-1")],
    ]:
        response = getattr(dept, method)(path, data=data)
        assert response.status_code in allowed, f"{method} {path}: {response.status_code}"
        assert "越权" not in response.text
    assert journal(world) == counted and world.fingerprint() == before
    # The lists and the calendar of the department show its own tasks only.
    listing = dept.get("/", query_string={"document": other_doc_id}).text
    assert other not in task_links(listing)
    assert other not in task_links(dept.get("/", query_string={"q": "推进"}).text)
    dept.post("/calendar/token", data={"csrf_token": token})
    feed_url = re.search(r'href="http://localhost(/calendar/[^"]+\.ics)"', dept.get("/").text).group(1)
    feed = world.app.test_client().get(feed_url).text
    assert f"UID:task-{world.first_task}@tracker" in feed and f"task-{other}@" not in feed


@pytest.mark.parametrize("backend", backends())
def test_a_supporting_unit_and_a_withdrawn_task(world):
    """A supporting unit's report never sets the status and it cannot ask for an extension; a
    withdrawn task of one's own unit is gone (404) for its department."""
    supported = world.task(lead=OTHER)  # 省财政厅 supports: log in as one of its accounts
    with world.app.app_context():
        create_user(world.name("cz"), PASSWORD, "department", SUPPORT)
        db.session.commit()
    client = world.login(f"cz{world.serial}")
    page = client.get(f"/tasks/{supported}").text
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    response = client.post(f"/tasks/{supported}/report", data={"csrf_token": csrf_token(page), "version": version,
                                                               "text": "配合进展。", "status": "done"})
    assert response.status_code == 302
    with world.app.app_context():
        task = db.session.get(Task, supported)
        assert task.status == "not_started" and [(r.kind, r.text) for r in task.reports] == [("report", "配合进展。")]
    before = world.fingerprint()
    response = client.post(f"/tasks/{supported}/extension", data={"csrf_token": csrf_token(page),
                                                                  "deadline": "2040-01-01", "reason": "配合单位申请。"})
    assert response.status_code == 422 and "只有牵头单位可以申请延期" in response.text
    assert world.fingerprint() == before
    withdrawn = world.task()
    with world.app.app_context():
        db.session.get(Task, withdrawn).withdrawn_at = db.func.now()
        db.session.commit()
    dept = world.clients["dept"]
    token = csrf_token(dept.get("/").text)
    before = world.fingerprint()
    assert dept.get(f"/tasks/{withdrawn}").status_code == 404
    assert dept.post(f"/tasks/{withdrawn}/report", data={"csrf_token": token, "version": "1",
                                                         "text": "撤销后报告。"}).status_code == 404
    assert world.fingerprint() == before


# --- stale forms: no CSRF token, or another session's ------------------------------------------

STALE = [name for name in FORMS] + ["urge", "logout", "calendar_token", "unit_confirm", "alias_delete", "import_confirm"]


def stale_target(world, name: str) -> tuple[str, str, dict[str, str]]:
    """(who, url, data) of a valid post of form `name`, without its CSRF token."""
    if name in FORMS:
        form = FORMS[name]
        ctx = {"doc": world.doc_id, **form.prepare(world)}
        data = {key: item.format(**ctx) for key, item in form.data.items()}
        data.update(version="1", text=data.get("text") or "关于测试的通知\n推进工作。（责任单位：省商务厅）")
        return form.who, form.url.format(**ctx), data
    if name == "urge":
        return "sup", f"/tasks/{world.task()}/urge", {}
    if name == "logout":
        return "dept", "/auth/logout", {}
    if name == "calendar_token":
        return "dept", "/calendar/token", {}
    if name == "unit_confirm":
        return "sup", f"/units/{world.unit(needs_review=True)}/confirm", {}
    if name == "alias_delete":
        unit = world.unit()
        with world.app.app_context():
            alias = UnitAlias(unit_id=unit, name=world.name("别名"))
            db.session.add(alias)
            db.session.commit()
            alias = alias.id
        return "sup", f"/units/{unit}/aliases/{alias}/delete", {}
    return "sup", "/imports/confirm", {"documents-0-signed": "x", "documents-0-tasks-0-text": "推进工作。"}


@pytest.mark.parametrize("backend", backends())
@pytest.mark.parametrize("name", STALE)
@pytest.mark.parametrize("token", ["missing", "another session's"])
def test_stale_forms_are_refused_and_change_nothing(world, name, token):
    who, url, data = stale_target(world, name)
    if who == "fresh":
        client = world.login(world.user()[1])
    elif who == "anon":
        client = world.app.test_client()
    else:
        client = world.clients[who]
    if token != "missing":
        other = world.clients["root" if who != "root" else "sup"]
        data["csrf_token"] = csrf_token(other.get("/").text)
    before = world.fingerprint()
    response = client.post(url, data=data)
    assert response.status_code == 400, f"{name}: {response.status_code}"
    assert "请求无效" in response.text
    assert world.fingerprint() == before
    if who in ("dept", "sup", "root"):
        assert client.get("/").status_code == 200  # still logged in: nothing happened


# --- a hostile document, imported through the preview -------------------------------------------

@pytest.mark.parametrize("backend", backends())
@pytest.mark.parametrize("kind", ["script", "img", "sql_drop", "control", "nul"])
def test_a_hostile_document_imports_escaped(world, kind):
    value = PAYLOADS[kind]
    number = f"浙政办发〔2033〕{world.serial + 100}号"
    world.serial += 1
    pasted = (f"关于{value}的通知\n{number}\n\n各市人民政府：\n一、重点任务\n"
              f"（一）推进{value}工作，2031年底前完成。（责任单位：省{value}厅、省商务厅）\n"
              f"（二）完善{value}机制。（省商务厅牵头，省财政厅配合）\n")
    sup = world.clients["sup"]
    page = sup.get("/imports/new")
    preview = sup.post("/imports/new", data={"csrf_token": csrf_token(page.text), "text": pasted},
                       content_type="multipart/form-data")
    assert preview.status_code == 200 and "确认导入" in preview.text
    assert_escaped(preview.text, "the preview")
    fields = preview_fields(preview.text)
    response = sup.post("/imports/confirm", data=fields, follow_redirects=True)
    assert response.status_code == 200 and "已导入 1 份文件" in response.text
    assert_escaped(response.text, "the document page")
    with world.app.app_context():
        doc = db.session.scalar(select(Document).where(Document.number == number))
        tasks = sorted(doc.tasks, key=lambda t: t.seq)
        stored = [doc.title, doc.source_text, *(t.text for t in tasks), *(u.name for t in tasks for u in t.leads())]
        task_ids = [t.id for t in tasks]
        units = [u.id for t in tasks for u in t.leads() + t.supports()]
    assert len(task_ids) == 2 and not any("\x00" in value for value in stored), "a NUL was stored"
    pages = [sup.get(f"/tasks/{t}").text for t in task_ids] + [
        sup.get("/units/").text, sup.get("/imports/").text, world.clients["dept"].get("/").text,
        sup.get("/tasks/", query_string={"q": "推进"}).text] + [sup.get(f"/units/{u}").text for u in units]
    for shown in pages:
        assert_escaped(shown, "a page of the imported document")
    if kind in SHOWN:
        assert any(str(escape(value)) in shown for shown in pages)


@pytest.mark.parametrize("backend", backends())
def test_a_tampered_preview_is_refused(world):
    sup = world.clients["sup"]
    page = sup.get("/imports/new")
    preview = sup.post("/imports/new", data={"csrf_token": csrf_token(page.text), "text": (
        f"关于测试的通知\n浙政办发〔2034〕{world.serial}号\n（一）推进工作。（责任单位：省商务厅）\n")},
        content_type="multipart/form-data")
    world.serial += 1
    fields = preview_fields(preview.text)
    before = world.fingerprint()
    tampered = dict(fields)
    tampered["documents-0-signed"] = fields["documents-0-signed"][:-4] + "AAAA"
    assert sup.post("/imports/confirm", data=tampered).status_code == 400
    for name, value in [("documents-0-tasks-0-lead", "厅" * 100_000), ("documents-0-tasks-0-deadline", "2024-02-30"),
                        ("documents-0-tasks-0-line", "99999999999999999999"), ("documents-0-tasks-0-text", " ")]:
        response = sup.post("/imports/confirm", data={**fields, name: value})
        assert response.status_code == 422, f"{name}={value[:20]!r}: {response.status_code}"
        assert "请改正标红的内容" in response.text
    assert world.fingerprint() == before


# --- exports: a value that starts like a formula stays text --------------------------------------

@pytest.mark.parametrize("backend", ["sqlite"])
def test_exported_texts_are_never_formulas(world):
    from openpyxl import load_workbook

    task = world.task()
    dept = world.clients["dept"]
    page = dept.get(f"/tasks/{task}").text
    formula = '=HYPERLINK("http://example.com/x","点击查看")'
    dept.post(f"/tasks/{task}/report", data={"csrf_token": csrf_token(page), "text": formula, "status": "in_progress",
                                             "version": re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)})
    response = world.clients["sup"].get("/tasks/export.xlsx", query_string={"q": "推进第"})
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value == formula]
    assert cells, "the report is not in the export"
    assert all(cell.data_type == "s" for cell in cells), "written as a formula"
    exported = world.clients["sup"].get("/tasks/export.csv", query_string={"q": "推进第"}).data.decode("utf-8-sig")
    lines = [line for line in exported.splitlines() if "HYPERLINK" in line]
    assert lines and all(",\"'=HYPERLINK(" in line for line in lines), "the CSV cell would be evaluated by Excel"
