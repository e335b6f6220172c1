"""Upload or paste a document, review the parsed tasks, correct them, confirm.

Nothing is written before the confirmation. The upload is read in the background
(`jobs.py`): a short file shows its preview at once, a long one a progress page that
turns into the preview. The preview is a form holding every task, with the document's
own data signed (`preview.py`).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature

from tracker.access import supervisor_required
from tracker.clock import office_today
from tracker.extensions import db
from tracker.models import Document, User
from tracker.operations import task_edits
from tracker.operations.documents import document_with_tasks, documents_with_task_counts
from tracker.operations.importing import (
    DocumentPlan,
    PlanError,
    TaskDraft,
    apply_plan,
    compare,
    content_hash,
    drafts_from,
    plan_documents,
    recheck,
)
from tracker.parsing import ParsedDocument
from tracker.parsing.units import split_units
from tracker.sources import SUPPORTED, Extracted, Limits, read_document
from tracker.tasks.forms import AddTaskForm
from tracker.tasks.routes import withdrawal_page

from . import preview
from .forms import UNIT_LIST_MAX, ConfirmForm, UploadForm, typed_number
from .jobs import ImportJobs, JobState, Progress

bp = Blueprint("imports", __name__, url_prefix="/imports")
PASTED = "粘贴文本"
OPEN_TASKS = 40  # a document with more tasks starts folded in the preview
EDITABLE_TASKS = 1000  # a preview with more tasks is read-only, shown a page at a time
LARGE_PAGE = 200  # tasks on one page of a read-only preview


def _jobs() -> ImportJobs:
    if "import_jobs" not in current_app.extensions:
        stale = current_app.config["EXTRACT_TIMEOUT"] + 60
        current_app.extensions["import_jobs"] = ImportJobs(Path(current_app.instance_path) / "import-jobs", stale)
    return current_app.extensions["import_jobs"]


@bp.route("/")
@supervisor_required
def index():
    return render_template("imports/index.html", rows=documents_with_task_counts())


@bp.route("/new", methods=["GET", "POST"])
@supervisor_required
def new():
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(form)
    upload = form.file.data
    if upload and upload.filename:
        source, data, limits = upload.filename, upload.read(), Limits.from_config(current_app.config)

        def read(progress):
            return read_document(source, data, limits, progress=progress)
    elif (form.text.data or "").strip():
        source, text = PASTED, form.text.data

        def read(progress):
            return Extracted(text)
    else:
        flash("请选择要上传的文件，或粘贴文件全文。", "warning")
        return _upload_page(form)
    job_id = _jobs().read(current_user.id, source, read)
    _jobs().wait(job_id, current_app.config["IMPORT_WAIT_SECONDS"])
    state = _jobs().state(job_id, current_user.id)
    if state.status == "running":
        return redirect(url_for("imports.job", job_id=job_id))
    return _job_result(job_id, state, form)


@bp.route("/jobs/<job_id>")
@supervisor_required
def job(job_id: str):
    state = _jobs().state(job_id, current_user.id) or abort(404)
    if state.status == "running":
        return render_template("imports/progress.html", state=state)
    if state.kind == "import":
        if state.status == "failed":
            flash(state.message, "danger")
            return redirect(url_for("imports.index"))
        return _outcome_page(_jobs().result(job_id))
    return _job_result(job_id, state, UploadForm())


def _job_result(job_id: str, state: JobState, form: UploadForm):
    """What a finished job shows: its preview, or the upload form with the reason it failed."""
    if state.status == "failed":
        flash(state.message, "danger")
        return _upload_page(form)
    plans = plan_documents(_jobs().parsed(job_id), state.source_name)
    if not plans:
        flash("没有在文件中找到带责任单位的任务，请检查文件内容。", "warning")
        return _upload_page(form)
    if sum(len(p.tasks) for p in plans) > EDITABLE_TASKS:
        if request.method == "POST":  # its pages have the job's address
            return redirect(url_for("imports.job", job_id=job_id))
        return _large_preview(job_id, plans)
    confirm_form = ConfirmForm()
    for plan in plans:
        confirm_form.documents.append_entry({"signed": preview.sign(plan, job_id), "revise": _choice(plan),
                                             "tasks": [_task_data(t) for t in plan.tasks]})
    return _preview_page(confirm_form, plans)


def _large_preview(job_id: str, plans: list[DocumentPlan]):
    """Too many tasks to edit one by one: listed read-only, a page at a time (the filters
    in the query string), and confirmed as parsed."""
    confirm_form = ConfirmForm()
    for plan in plans:
        confirm_form.documents.append_entry({"signed": preview.sign(plan, job_id, as_parsed=True),
                                             "revise": _choice(plan)})
    attention_only = request.args.get("attention") == "1"
    rows = [(plan, draft, note) for plan in plans
            for draft, note in zip(plan.tasks, preview.draft_notes(plan.tasks))
            if note.attention or not attention_only]
    pages = max(1, -(-len(rows) // LARGE_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    return render_template("imports/preview_large.html", form=confirm_form, plans=plans, job_id=job_id,
                           rows=rows[(page - 1) * LARGE_PAGE: page * LARGE_PAGE], page=page, pages=pages,
                           attention_only=attention_only, flagged=sum(1 for *_, n in rows if n.attention))


def _upload_page(form: UploadForm):
    return render_template("imports/new.html", form=form, supported=SUPPORTED)


def _preview_page(form: ConfirmForm, plans: list[DocumentPlan], status: int = 200):
    return render_template("imports/preview.html", form=form, plans=plans, open_tasks=OPEN_TASKS,
                           notes=preview.row_notes, attention_groups=preview.attention_groups), status


def _choice(plan: DocumentPlan) -> str:
    return "revise" if plan.status == "revised" else "new"


def _task_data(draft: TaskDraft) -> dict:
    return {"keep": True, "text": draft.text, "lead": "、".join(draft.lead), "support": "、".join(draft.support),
            "deadline": draft.deadline, "deadline_text": draft.deadline_text or "", "section": draft.section,
            "line": draft.line, "raw": draft.raw, "leader": draft.leader or ""}


@bp.route("/confirm", methods=["POST"])
@supervisor_required
def confirm():
    form = ConfirmForm()
    parsed_jobs: dict[str, list[ParsedDocument]] = {}
    try:
        reviewed = [_reviewed_plan(d, parsed_jobs) for d in form.documents]
    except PlanError as exc:
        flash(str(exc), "warning")
        return redirect(url_for("imports.new"))
    valid = form.validate_on_submit()
    met = [d for d in form.documents if d.number_met]
    if not valid or met:
        plans = []
        for doc_form, (plan, revise) in zip(form.documents, reviewed):
            _recheck_quietly(plan, revise)
            doc_form.signed.data = preview.sign(plan, doc_form.job.job, doc_form.job.as_parsed)
            plans.append(plan)
        for doc_form in met:
            flash(f"台账中已有文号为 {doc_form.number_met} 的文件，本次将作为它的修订：请核对变化后再次确认。", "warning")
        if not valid:
            flash("请改正标红的内容后再确认。", "danger")
        return _preview_page(form, plans, 422 if not valid else 200)
    if any(doc_form.job.as_parsed for doc_form in form.documents):  # a large preview: imported in the background
        app, user_id = current_app._get_current_object(), current_user.id

        def work(progress):
            with app.app_context():
                return _carry_out(reviewed, db.session.get(User, user_id), progress)

        job_id = _jobs().run(user_id, reviewed[0][0].source_name or "", work)
        return redirect(url_for("imports.job", job_id=job_id))
    return _outcome_page(_carry_out(reviewed, current_user))


def _carry_out(reviewed: list[tuple[DocumentPlan, bool | None]], user: User,
               progress: Progress | None = None) -> dict:
    """Import each reviewed plan in a transaction of its own; returns the documents
    imported and the messages for the supervisor."""
    total, before = sum(len(plan.tasks) for plan, _ in reviewed), 0
    imported, messages = [], []
    for plan, revise in reviewed:
        try:
            recheck(plan, plan.existing_id, plan.stored_hash, revise)
            if not plan.importable:
                continue
            result = apply_plan(plan, user, progress and (lambda done, offset=before: progress(offset + done, total)))
            db.session.commit()
        except PlanError as exc:
            db.session.rollback()
            messages.append(("warning", str(exc)))
            continue
        finally:
            before += len(plan.tasks)
        imported.append(result.document.id)
        messages += [("warning", f"修订后已无此任务，但已有进展报告，予以保留：{text[:40]}")
                     for text in result.kept_removed]
    return {"documents": imported, "messages": messages}


def _outcome_page(outcome: dict):
    """Where a confirmation leads: the document imported, or the list of documents."""
    for category, message in outcome["messages"]:
        flash(message, category)
    imported = outcome["documents"]
    if not imported:
        flash("没有需要导入的变化。", "info")
        return redirect(url_for("imports.index"))
    flash(f"已导入 {len(imported)} 份文件。", "info")
    if len(imported) == 1:
        return redirect(url_for("imports.document", doc_id=imported[0]))
    return redirect(url_for("imports.index"))


def _recheck_quietly(plan: DocumentPlan, revise: bool | None) -> None:
    """Compare again for showing the preview anew: it then shows what is stored now."""
    try:
        recheck(plan, plan.existing_id, plan.stored_hash, revise)
    except PlanError:
        pass


def _reviewed_plan(document_form, parsed_jobs: dict[str, list]) -> tuple[DocumentPlan, bool | None]:
    """The plan a preview form confirms, with the supervisor's corrections and choice, and
    the source text from its job; the tasks of a read-only preview come from the job too."""
    try:
        signed = preview.unsign(document_form.signed.data or "")
    except BadSignature:
        abort(400)
    plan = signed.plan
    parsed = _job_document(signed.job, plan, parsed_jobs)
    plan.source_text, plan.first_line, plan.recognised = parsed.text, parsed.line, parsed.recognised
    plan.tasks = drafts_from(parsed) if signed.as_parsed else _drafts(document_form)
    document_form.job = signed  # kept for showing the form again
    revise = {"new": False, "revise": True}.get(document_form.revise.data)
    typed = typed_number(document_form.number.data) if plan.number is None else None
    document_form.number_met = None
    if typed:
        reviewed_against = plan.existing_id
        plan.number = typed
        compare(plan, revise)
        if plan.existing_id != reviewed_against:
            document_form.number_met = typed  # it names a stored document: shown again first
    return plan, revise


def _job_document(job_id: str, plan: DocumentPlan, parsed_jobs: dict[str, list]) -> ParsedDocument:
    if job_id not in parsed_jobs:
        state = _jobs().state(job_id, current_user.id)
        if state is None or state.status != "done":
            raise PlanError("该预览已过期（保留 24 小时），本次确认未执行，请重新上传文件。")
        parsed_jobs[job_id] = _jobs().parsed(job_id)
    documents = parsed_jobs[job_id]
    if not plan.position < len(documents) or content_hash(documents[plan.position]) != plan.content_hash:
        abort(400)
    return documents[plan.position]


def _drafts(document_form) -> list[TaskDraft]:
    return [TaskDraft(section=t.section.data or "", line=t.line.data, text=(t.text.data or "").strip(),
                      raw=t.raw.data or "", lead=_units(t.lead.data), support=_units(t.support.data),
                      deadline=t.deadline.data, deadline_text=(t.deadline_text.data or "").strip() or None,
                      leader=(t.leader.data or "").strip() or None)
            for t in document_form.tasks if t.keep.data]


def _units(written: str | None) -> list[str]:
    # Drafts are made before the form is validated: an over-long list (refused by the form)
    # is cut first, so that it costs no more to split than an allowed one.
    return split_units((written or "")[:UNIT_LIST_MAX])


@bp.route("/documents/<int:doc_id>")
@supervisor_required
def document(doc_id: int):
    doc = document_with_tasks(doc_id) or abort(404)
    return _document_page(doc, AddTaskForm(formdata=None))


def _document_page(doc: Document, form: AddTaskForm, status: int = 200):
    done = sum(1 for task in doc.tasks if task.is_finished)
    return render_template("imports/document.html", doc=doc, edit=form, unit_names=task_edits.unit_names(),
                           done=done, today=office_today(), days=current_app.config["REMIND_DAYS"]), status


@bp.route("/documents/<int:doc_id>/withdraw", methods=["GET", "POST"])
@supervisor_required
def withdraw(doc_id: int):
    """Withdraw a whole document, after a confirmation page."""
    doc = document_with_tasks(doc_id) or abort(404)
    return withdrawal_page(f"文件：{doc.number or ''} {doc.title}", [t for t in doc.tasks if t.withdrawn_at is None],
                           url_for("imports.withdraw", doc_id=doc.id),
                           lambda reason: task_edits.withdraw_document(doc, current_user, reason),
                           url_for("imports.index"), url_for("imports.document", doc_id=doc.id))


@bp.route("/documents/<int:doc_id>/tasks", methods=["POST"])
@supervisor_required
def add_task(doc_id: int):
    """A task the parser missed, added by hand."""
    doc = document_with_tasks(doc_id) or abort(404)
    form = AddTaskForm()
    if form.validate_on_submit():
        try:
            task = task_edits.add_task(doc, current_user, (form.section.data or "").strip(), form.text.data.strip(),
                                       form.deadline.data, (form.deadline_text.data or "").strip() or None,
                                       *form.named_units())
            db.session.commit()
            flash("已添加任务。", "info")
            return redirect(url_for("tasks.task", task_id=task.id))
        except task_edits.UnitsUnresolved as exc:
            db.session.rollback()
            flash(str(exc), "danger")
    return _document_page(document_with_tasks(doc_id), form, 422)
