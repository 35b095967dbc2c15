from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(
        _l("ชื่อผู้ใช้"),
        validators=[DataRequired(_l("กรุณากรอกชื่อผู้ใช้")), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("รหัสผ่าน"),
        validators=[DataRequired(_l("กรุณากรอกรหัสผ่าน")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("รหัสผ่านปัจจุบัน"),
        validators=[DataRequired(_l("กรุณากรอกรหัสผ่านปัจจุบัน"))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("รหัสผ่านใหม่"),
        validators=[DataRequired(_l("กรุณากรอกรหัสผ่านใหม่")), Length(min=10, max=256)],
        render_kw={"autocomplete": "new-password"},
    )
