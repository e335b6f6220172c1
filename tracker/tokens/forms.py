from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from tracker.forms import BaseForm
from tracker.operations.tokens import NAME_MAX


class NewTokenForm(BaseForm):
    name = StringField("令牌名称（用途，如“OA 系统”）", validators=[
        DataRequired("请填写令牌名称。"), Length(max=NAME_MAX, message=f"令牌名称不能超过 {NAME_MAX} 个字符。")])
    submit = SubmitField("创建令牌")
