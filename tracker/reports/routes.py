"""督查通报: a supervisor picks a period and downloads the bulletin as .docx."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, current_app, render_template, request, send_file

from tracker.access import supervisor_required
from tracker.operations.bulletin import build_bulletin

from .forms import PeriodForm

bp = Blueprint("reports", __name__, url_prefix="/reports")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/bulletin")
@supervisor_required
def bulletin():
    if not request.args:
        return render_template("reports/bulletin.html", form=PeriodForm.this_month())
    form = PeriodForm(formdata=request.args)
    if not form.validate():
        return render_template("reports/bulletin.html", form=form), 422
    start, end = form.start.data, form.end.data
    data = build_bulletin(start, end, current_app.config["REMIND_DAYS"])
    return send_file(BytesIO(data), mimetype=DOCX, as_attachment=True,
                     download_name=f"督查通报-{start:%Y%m%d}-{end:%Y%m%d}.docx")
