from wtforms import IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import HiddenInput

from tracker.forms import BaseForm
from tracker.models import MAX_ID


class ConfirmUnitForm(BaseForm):
    submit = SubmitField("确认为新单位")


class MergeUnitForm(BaseForm):
    """The unit to merge into: picked by name in the directory (a GET to the confirmation page),
    then carried by id in the confirmation page's form."""

    target = IntegerField("并入单位", widget=HiddenInput(),
                          validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    submit = SubmitField("确认并入")


class EmailsForm(BaseForm):
    # The addresses are checked by `set_emails`.
    emails = StringField("联系邮箱", validators=[Length(max=500, message="联系邮箱合计不能超过 500 个字符")])
    submit = SubmitField("保存邮箱")


class AliasForm(BaseForm):
    name = StringField("新别名", validators=[DataRequired("请输入别名。"),
                                             Length(max=120, message="别名不能超过 120 个字符")])
    submit = SubmitField("添加别名")


class RemoveAliasForm(BaseForm):
    submit = SubmitField("删除")
