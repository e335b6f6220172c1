"""The 督查通报's period."""

from __future__ import annotations

from wtforms import DateField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from tracker.clock import office_today
from tracker.forms import BaseForm


class PeriodForm(BaseForm):
    """The period of a 督查通报, sent by GET (a download changes nothing: no CSRF token)."""

    class Meta:
        csrf = False

    start = DateField("起始日期", validators=[InputRequired("请选择起始日期。")])
    end = DateField("截止日期", validators=[InputRequired("请选择截止日期。")])
    submit = SubmitField("下载通报")

    def validate_end(self, field: DateField) -> None:
        if field.data is None:  # not a date: DateField has said so
            return
        if self.start.data and field.data < self.start.data:
            raise ValidationError("截止日期不能早于起始日期。")
        if field.data > office_today():
            raise ValidationError("截止日期不能晚于今天。")

    @classmethod
    def this_month(cls) -> PeriodForm:
        """The form filled in with the month so far."""
        today = office_today()
        return cls(formdata=None, start=today.replace(day=1), end=today)

