from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional


class UploadForm(FlaskForm):
    file = FileField("上传文件（.txt / .docx / .pdf）")
    text = TextAreaField("或粘贴文件全文", validators=[Optional(), Length(max=2_000_000)])
    submit = SubmitField("解析预览")


class TaskForm(Form):
    """One parsed task in the preview; every field can be corrected before confirming."""

    keep = BooleanField("保留", default=True)
    text = TextAreaField("任务内容", validators=[DataRequired("任务内容不能为空")])
    lead = StringField("牵头单位")
    support = StringField("配合单位")
    deadline = DateField("完成时限", validators=[Optional()])
    deadline_text = StringField("时限原文", validators=[Optional(), Length(max=120)])
    section = HiddenField()
    line = IntegerField(validators=[Optional()])
    raw = HiddenField()


class DocumentForm(Form):
    signed = HiddenField()  # number, title, issuer, date, source and content hash, signed
    tasks = FieldList(FormField(TaskForm))


class ConfirmForm(FlaskForm):
    documents = FieldList(FormField(DocumentForm))
    submit = SubmitField("确认导入")
