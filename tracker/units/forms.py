from flask_wtf import FlaskForm
from wtforms import IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets import HiddenInput

from tracker.models import MAX_ID


class ConfirmUnitForm(FlaskForm):
    submit = SubmitField("确认为新单位")


class MergeUnitForm(FlaskForm):
    """The unit to merge into: chosen in the directory (a GET to the confirmation page), then
    carried by the confirmation page's form."""

    target = IntegerField("并入单位", widget=HiddenInput(),
                          validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    submit = SubmitField("确认并入")
