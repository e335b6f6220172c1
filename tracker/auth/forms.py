from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from tracker.forms import BaseForm


class LoginForm(BaseForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=80)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码")])
    remember = BooleanField("记住我")
    submit = SubmitField("登录")


class LogoutForm(BaseForm):
    submit = SubmitField("退出")


class PasswordForm(BaseForm):
    # The old password and the minimum length are checked by `change_password`.
    old_password = PasswordField("原密码", validators=[DataRequired("请输入原密码")])
    new_password = PasswordField("新密码", validators=[DataRequired("请输入新密码")])
    confirm = PasswordField("再次输入新密码", validators=[
        DataRequired("请再次输入新密码"), EqualTo("new_password", "两次输入的新密码不一致")])
    submit = SubmitField("修改密码")


class SettingsForm(BaseForm):
    # The address is checked by `update_settings`.
    email = StringField("邮箱", validators=[Length(max=200, message="邮箱不能超过 200 个字符")])
    receive_reminders = BooleanField("接收提醒邮件")
    submit = SubmitField("保存")
