from wtforms import HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length

from tracker.forms import BaseForm
from tracker.models.users import ROLE_LABELS

# Roles, units, emails and the password's length are checked by tracker/operations/users.py.


class AccountForm(BaseForm):
    """An account's role, unit (a department's, typed or picked from the directory's names) and email."""

    role = SelectField("角色", choices=[SelectChoice(v, label) for v, label in ROLE_LABELS.items()], validate_choice=False)
    unit = StringField("所属单位（责任单位账号）", validators=[Length(max=120)])
    email = StringField("邮箱", validators=[Length(max=200)])
    submit = SubmitField("保存")


class NewUserForm(AccountForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=80)])
    password = PasswordField("初始密码", validators=[DataRequired("请输入初始密码")])
    submit = SubmitField("创建用户")


class ResetPasswordForm(BaseForm):
    password = PasswordField("新密码", validators=[DataRequired("请输入新密码")])
    confirm = PasswordField("再次输入新密码", validators=[
        DataRequired("请再次输入新密码"), EqualTo("password", "两次输入的新密码不一致")])
    submit = SubmitField("重置密码")


class ActiveForm(BaseForm):
    """Deactivate ("0") or reactivate ("1") an account."""

    active = HiddenField(validators=[AnyOf(["0", "1"], message="请求无效。")])
