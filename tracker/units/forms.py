from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField


class ConfirmUnitForm(FlaskForm):
    submit = SubmitField("确认为新单位")


class MergeUnitForm(FlaskForm):
    target = SelectField("并入单位", coerce=int)
    submit = SubmitField("并入并记为别名")
