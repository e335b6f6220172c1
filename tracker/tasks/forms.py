from __future__ import annotations

from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tracker.forms import BaseForm
from tracker.models import MAX_ID, Task, Unit
from tracker.operations import task_edits
from tracker.operations.progress import status_choices
from tracker.parsing.units import split_units

TEXT_MAX = 5000


class ReportForm(BaseForm):
    """A unit's report; the status field is the lead unit's only (removed for the others)."""

    status = SelectField("任务状态", choices=[SelectChoice(v, label) for v, label in status_choices()],
                         validators=[Optional()])
    text = TextAreaField("进展情况", validators=[DataRequired("请填写进展情况。"), Length(max=TEXT_MAX)])
    version = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=MAX_ID)])
    submit = SubmitField("提交进展")


class ConfirmDoneForm(BaseForm):
    text = TextAreaField("办结意见（可选）", validators=[Optional(), Length(max=TEXT_MAX)])
    submit = SubmitField("确认办结")


class SendBackForm(BaseForm):
    reason = TextAreaField("退回理由", validators=[DataRequired("请填写退回理由。"), Length(max=TEXT_MAX)])
    submit = SubmitField("退回重办")


class ExtensionForm(BaseForm):
    deadline = DateField("申请延期至", validators=[InputRequired("请选择新的完成时限。")])
    reason = TextAreaField("延期理由", validators=[DataRequired("请填写延期理由。"), Length(max=TEXT_MAX)])
    submit = SubmitField("申请延期")


class DecisionForm(BaseForm):
    """Approve or refuse the pending extension request: the button pressed says which."""

    reason = TextAreaField("审批意见（不同意时必填）", validators=[Optional(), Length(max=TEXT_MAX)])
    approve = SubmitField("同意延期")
    refuse = SubmitField("不同意")


class UrgeForm(BaseForm):
    submit = SubmitField("催办（邮件通知承办单位）")


class TaskFieldsForm(BaseForm):
    """A task's text, deadline and units as a supervisor writes them; units by name or alias,
    separated by 、."""

    text = TextAreaField("任务内容", validators=[DataRequired("任务内容不能为空。"), Length(max=TEXT_MAX)])
    deadline = DateField("完成时限", validators=[Optional()])
    deadline_text = StringField("时限原文", validators=[Optional(), Length(max=120)])
    leads = StringField("牵头单位", validators=[Optional(), Length(max=2000)])
    supports = StringField("配合单位", validators=[Optional(), Length(max=2000)])

    def named_units(self) -> tuple[list[Unit], list[Unit]]:
        """The lead and supporting units the form names; UnitsUnresolved for unknown or ambiguous names."""
        leads, supports = task_edits.units_named(split_units(self.leads.data or ""),
                                                 split_units(self.supports.data or ""))
        return leads, supports


class EditTaskForm(TaskFieldsForm):
    version = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=MAX_ID)])
    submit = SubmitField("保存修改")

    @classmethod
    def of(cls, task: Task) -> EditTaskForm:
        """The form pre-filled with the task as it is, units as a person types them (A、B):
        sent back unchanged, it changes nothing. (Not `obj=task`: WTForms would take the
        task's `leads` method for the field.)"""
        return cls(formdata=None, data={
            "text": task.text, "deadline": task.deadline, "deadline_text": task.deadline_text or "",
            "leads": "、".join(u.name for u in task.leads()), "supports": "、".join(u.name for u in task.supports()),
            "version": task.version})


class AddTaskForm(TaskFieldsForm):
    section = StringField("位置（如 二/（三））", validators=[Optional(), Length(max=120)])
    submit = SubmitField("添加任务")


class WithdrawForm(BaseForm):
    reason = TextAreaField("撤销理由", validators=[DataRequired("请填写撤销理由。"), Length(max=TEXT_MAX)])
    submit = SubmitField("确认撤销")
