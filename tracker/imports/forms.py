from flask import current_app
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from tracker.forms import BaseForm, BaseSubForm
from tracker.models import MAX_ID, Document, Task, Unit
from tracker.operations.importing import column_length
from tracker.parsing.documents import NUMBER_LINE, canonical_number
from tracker.parsing.text import squeeze
from tracker.parsing.units import split_units

# A unit list longer than this is not a list of units (and splitting it would cost time).
UNIT_LIST_MAX = 2000


def within_text_limit(form, field) -> None:
    """Pasted text is held to the same character limit as the text of an uploaded file."""
    limit = current_app.config["MAX_CHARS"]
    if field.data and len(field.data) > limit:
        raise ValidationError(f"粘贴的文本共 {len(field.data):,} 字，超过上限 {limit:,} 字，请拆分后分别导入。")


def typed_number(value: str | None) -> str | None:
    """A 文号 as typed, in the form it is stored (〔〕, ASCII digits); None when blank or no 文号."""
    number = canonical_number(squeeze(value or ""))
    return number if NUMBER_LINE.match(number) else None


def a_document_number(form, field) -> None:
    if squeeze(field.data or "") and typed_number(field.data) is None:
        raise ValidationError("文号格式不正确，应如“浙政办发〔2026〕9号”")


def unit_names_fit(form, field) -> None:
    limit = column_length(Unit.name)
    if len(field.data or "") > UNIT_LIST_MAX:
        return  # Length reports it
    for name in split_units(field.data or ""):
        if len(name) > limit:
            raise ValidationError(f"单位名称过长（超过 {limit} 字）：{name[:20]}…")


class UploadForm(BaseForm):
    file = FileField("上传文件（.txt / .docx / .pdf / .ofd / .doc / .wps / .xlsx / .xls / .et / 扫描图片）")
    text = TextAreaField("或粘贴文件全文", validators=[Optional(), within_text_limit])
    submit = SubmitField("解析预览")


class TaskForm(BaseSubForm):
    """One parsed task in the preview; every field can be corrected before confirming."""

    keep = BooleanField("保留", default=True)
    text = TextAreaField("任务内容", validators=[DataRequired("任务内容不能为空")])
    lead = TextAreaField("牵头单位", validators=[Length(max=UNIT_LIST_MAX), unit_names_fit])
    support = TextAreaField("配合单位", validators=[Length(max=UNIT_LIST_MAX), unit_names_fit])
    deadline = DateField("完成时限", validators=[Optional()])
    deadline_text = StringField("时限原文", validators=[Optional(), Length(max=column_length(Task.deadline_text))])
    leader = StringField("牵头领导", validators=[Optional(), Length(max=column_length(Task.leader))])
    section = HiddenField(validators=[Length(max=column_length(Task.section))])
    line = IntegerField(validators=[Optional(), NumberRange(min=0, max=MAX_ID)])
    raw = HiddenField()


class DocumentForm(BaseSubForm):
    signed = HiddenField()  # the plan's document data, signed (see imports/preview.py)
    # Offered when a document without 文号 matches a stored one by issuer, title and date.
    revise = RadioField("导入方式", choices=[SelectChoice("new", "作为新文件导入"), SelectChoice("revise", "作为修订")],
                        validators=[Optional()])
    # Offered when the parser found no 文号 (a work list sent as a sheet, say): typed by the supervisor.
    number = StringField("文号", validators=[Optional(), Length(max=column_length(Document.number)), a_document_number])
    tasks = FieldList(FormField(TaskForm))


class ConfirmForm(BaseForm):
    documents = FieldList(FormField(DocumentForm))
    submit = SubmitField("确认导入")
