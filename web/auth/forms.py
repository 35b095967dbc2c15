from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from fund.users.totp import is_code_shaped


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


# -- the second factor -----------------------------------------------------------------------------


class SixDigitCode:
    """Six digits after normalising (Thai digits and spaces forgiven): the app's code."""

    def __call__(self, form, field) -> None:
        if field.data and not is_code_shaped(field.data):
            raise ValidationError(_l("รหัสต้องเป็นตัวเลข 6 หลัก เช่น 123456"))


def _app_code_field(label=None) -> StringField:
    return StringField(
        label or _l("รหัส 6 หลักจากแอป"),
        validators=[DataRequired(_l("กรุณากรอกรหัส 6 หลักจากแอปยืนยันตัวตน")), SixDigitCode()],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "autocapitalize": "none",
            "spellcheck": "false",
            "size": "10",
            "class": "code-input",
        },
    )


class SecondFactorForm(FlaskForm):
    """The second step of a login: the code the authenticator app shows now."""

    code = _app_code_field()


class RecoveryCodeLoginForm(FlaskForm):
    """The second step of a login with a recovery code instead of the app."""

    recovery_code = StringField(
        _l("รหัสกู้คืน"),
        validators=[DataRequired(_l("กรุณากรอกรหัสกู้คืน")), Length(max=40)],
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "none",
            "spellcheck": "false",
            "size": "14",
            "class": "code-input",
        },
    )


class StartEnrolmentForm(FlaskForm):
    """Only the CSRF token: the button that makes a new secret."""


class ConfirmEnrolmentForm(FlaskForm):
    code = _app_code_field()


class PasswordAndCodeForm(FlaskForm):
    """Proof for turning the second factor off or making new recovery codes."""

    password = PasswordField(
        _l("รหัสผ่าน"),
        validators=[DataRequired(_l("กรุณากรอกรหัสผ่าน")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    code = StringField(
        _l("รหัส 6 หลักจากแอป หรือรหัสกู้คืน"),
        validators=[DataRequired(_l("กรุณากรอกรหัสจากแอปหรือรหัสกู้คืน")), Length(max=40)],
        render_kw={
            "autocomplete": "one-time-code",
            "autocapitalize": "none",
            "spellcheck": "false",
            "size": "14",
            "class": "code-input",
        },
    )
