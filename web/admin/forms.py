from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from fund.users.models import Role

ROLE_LABELS = {
    Role.ADMIN: _l("ผู้ดูแลระบบ"),
    Role.COMMITTEE: _l("กรรมการกองทุน"),
    Role.REPAIR: _l("เจ้าหน้าที่ศูนย์ซ่อมสร้าง"),
    Role.AUDITOR: _l("ผู้ตรวจสอบบัญชี"),
}


class UserForm(FlaskForm):
    username = StringField(
        _l("ชื่อผู้ใช้ (ภาษาอังกฤษ)"),
        validators=[
            DataRequired(_l("กรุณากรอกชื่อผู้ใช้")),
            Length(max=64),
            Regexp(r"^[A-Za-z0-9_-]+$", message=_l("ใช้ได้เฉพาะ a-z, 0-9, - และ _")),
        ],
    )
    display_name = StringField(
        _l("ชื่อที่แสดง"), validators=[DataRequired(_l("กรุณากรอกชื่อที่แสดง")), Length(max=200)]
    )
    role = SelectField(_l("บทบาท"), choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role])
    password = PasswordField(
        _l("รหัสผ่านเริ่มต้น"),
        validators=[DataRequired(_l("กรุณากรอกรหัสผ่าน")), Length(min=10, max=256)],
        render_kw={"autocomplete": "new-password"},
    )


class SecuritySettingsForm(FlaskForm):
    require_second_factor = BooleanField(_l("ผู้ดูแลระบบและกรรมการทุกคนต้องใช้การยืนยันตัวตนสองขั้นตอน"))


class ResetSecondFactorForm(FlaskForm):
    """Only the CSRF token: the confirmation button."""
