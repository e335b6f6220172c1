"""Upload or paste a document, review the parsed tasks, correct them, confirm.

Nothing is written before the confirmation: the preview is a form holding every task,
and the document's own data travels signed, so the confirmation cannot be forged into
another document's hash or number.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from tracker.access import supervisor_required
from tracker.extensions import db
from tracker.models import Document, Task
from tracker.operations.importing import DocumentPlan, TaskDraft, apply_plan, compare, plan_documents, plan_file
from tracker.parsing import parse_text
from tracker.parsing.units import split_units
from tracker.sources import SUPPORTED, SourceError

from .forms import ConfirmForm, UploadForm

bp = Blueprint("imports", __name__, url_prefix="/imports")
PASTED = "粘贴文本"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="import-preview")


def _sign(plan: DocumentPlan) -> str:
    return _signer().dumps({
        "number": plan.number, "title": plan.title, "issuer": plan.issuer,
        "issue_date": plan.issue_date.isoformat() if plan.issue_date else None,
        "source_name": plan.source_name, "content_hash": plan.content_hash,
    })


def _plan_from_signed(token: str, drafts: list[TaskDraft]) -> DocumentPlan:
    try:
        meta = _signer().loads(token)
    except BadSignature:
        abort(400)
    issued = date.fromisoformat(meta["issue_date"]) if meta["issue_date"] else None
    plan = DocumentPlan(meta["number"], meta["title"], meta["issuer"], issued, meta["source_name"],
                        meta["content_hash"], drafts)
    compare(plan)
    return plan


@bp.route("/")
@supervisor_required
def index():
    rows = db.session.execute(
        select(Document, func.count(Task.id)).outerjoin(Task).group_by(Document.id)
        .order_by(Document.imported_at.desc(), Document.id.desc())).all()
    return render_template("imports/index.html", rows=rows)


@bp.route("/new", methods=["GET", "POST"])
@supervisor_required
def new():
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("imports/new.html", form=form, supported=SUPPORTED)
    upload = form.file.data
    try:
        if upload and upload.filename:
            plans = plan_file(upload.filename, upload.read())
        elif (form.text.data or "").strip():
            plans = plan_documents(parse_text(form.text.data, source=PASTED), PASTED)
        else:
            flash("请选择要上传的文件，或粘贴文件全文。", "warning")
            return render_template("imports/new.html", form=form, supported=SUPPORTED)
    except SourceError as exc:
        flash(str(exc), "danger")
        return render_template("imports/new.html", form=form, supported=SUPPORTED)
    if not plans:
        flash("没有在文件中找到带责任单位的任务，请检查文件内容。", "warning")
        return render_template("imports/new.html", form=form, supported=SUPPORTED)
    preview = ConfirmForm()
    for plan in plans:
        preview.documents.append_entry({"signed": _sign(plan), "tasks": [_task_data(t) for t in plan.tasks]})
    return render_template("imports/preview.html", form=preview, plans=plans)


def _task_data(draft: TaskDraft) -> dict:
    return {"keep": True, "text": draft.text, "lead": "、".join(draft.lead), "support": "、".join(draft.support),
            "deadline": draft.deadline, "deadline_text": draft.deadline_text or "", "section": draft.section,
            "line": draft.line, "raw": draft.raw}


@bp.route("/confirm", methods=["POST"])
@supervisor_required
def confirm():
    form = ConfirmForm()
    plans = [_plan_from_signed(d.signed.data, _drafts(d)) for d in form.documents]
    if not form.validate_on_submit():
        flash("请改正标红的内容后再确认。", "danger")
        return render_template("imports/preview.html", form=form, plans=plans), 422
    imported = []
    for plan in plans:
        if plan.status == "unchanged" or not plan.tasks:
            continue
        result = apply_plan(plan, current_user)
        imported.append(result.document)
        for text in result.kept_removed:
            flash(f"修订后已无此任务，但已有进展报告，予以保留：{text[:40]}", "warning")
    db.session.commit()
    if not imported:
        flash("没有需要导入的变化。", "info")
        return redirect(url_for("imports.index"))
    flash(f"已导入 {len(imported)} 份文件。", "info")
    if len(imported) == 1:
        return redirect(url_for("imports.document", doc_id=imported[0].id))
    return redirect(url_for("imports.index"))


def _drafts(document_form) -> list[TaskDraft]:
    return [TaskDraft(section=t.section.data or "", line=t.line.data, text=(t.text.data or "").strip(),
                      raw=t.raw.data or "", lead=split_units(t.lead.data or ""),
                      support=split_units(t.support.data or ""), deadline=t.deadline.data,
                      deadline_text=(t.deadline_text.data or "").strip() or None)
            for t in document_form.tasks if t.keep.data]


@bp.route("/documents/<int:doc_id>")
@supervisor_required
def document(doc_id: int):
    doc = db.session.get(Document, doc_id) or abort(404)
    return render_template("imports/document.html", doc=doc)
