"""Member forms: shape only (types, required, lengths); the services hold the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from fund.members.models import MemberStatus, Sex
from fund.members.sensitive import ConsentGivenBy, ConsentPurpose, DisabilityType, LegalBasis
from web.fields import BEDateField

SEX_LABELS = {Sex.FEMALE: _l("หญิง"), Sex.MALE: _l("ชาย"), Sex.OTHER: _l("อื่น ๆ")}
STATUS_LABELS = {
    MemberStatus.ACTIVE: _l("เป็นสมาชิก"),
    MemberStatus.SUSPENDED: _l("พักสมาชิกภาพ"),
    MemberStatus.LEFT: _l("ลาออก"),
    MemberStatus.DECEASED: _l("เสียชีวิต"),
}
DISABILITY_LABELS = {
    DisabilityType.VISUAL: _l("ความพิการทางการเห็น"),
    DisabilityType.HEARING_OR_COMMUNICATION: _l("ความพิการทางการได้ยินหรือสื่อความหมาย"),
    DisabilityType.PHYSICAL_OR_MOBILITY: _l("ความพิการทางการเคลื่อนไหวหรือทางร่างกาย"),
    DisabilityType.MENTAL_OR_BEHAVIOURAL: _l("ความพิการทางจิตใจหรือพฤติกรรม"),
    DisabilityType.INTELLECTUAL: _l("ความพิการทางสติปัญญา"),
    DisabilityType.LEARNING: _l("ความพิการทางการเรียนรู้"),
    DisabilityType.AUTISM: _l("ความพิการทางออทิสติก"),
}
PURPOSE_LABELS = {
    ConsentPurpose.MEMBERSHIP: _l("ทะเบียนสมาชิก"),
    ConsentPurpose.SAVINGS_LOANS: _l("เงินออมและเงินกู้"),
    ConsentPurpose.WELFARE: _l("สวัสดิการ"),
    ConsentPurpose.REPAIR: _l("ซ่อมและทำอุปกรณ์เครื่องช่วยความพิการ"),
    ConsentPurpose.DISABILITY_DATA: _l("เก็บข้อมูลความพิการและสุขภาพ"),
    ConsentPurpose.CONTACT: _l("ติดต่อเรื่องงานของกองทุน"),
}
BASIS_LABELS = {
    LegalBasis.CONSENT: _l("ความยินยอมโดยชัดแจ้ง"),
    LegalBasis.CONTRACT: _l("การปฏิบัติตามข้อตกลงสมาชิก"),
    LegalBasis.LEGAL_OBLIGATION: _l("หน้าที่ตามกฎหมาย"),
    LegalBasis.VITAL_INTEREST: _l("ป้องกันอันตรายต่อชีวิตหรือสุขภาพ"),
}
GIVEN_BY_LABELS = {
    ConsentGivenBy.MEMBER: _l("สมาชิกให้ความยินยอมเอง"),
    ConsentGivenBy.REPRESENTATIVE: _l("ผู้แทน (ผู้ดูแล ผู้อนุบาล ผู้พิทักษ์) ให้ความยินยอมแทน"),
}


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes in a fieldset (the forms macro renders this type as one)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _optional_text(label, max_length: int, **kwargs) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=max_length)], **kwargs)


class MemberForm(FlaskForm):
    title = StringField(
        _l("คำนำหน้า"),
        validators=[Optional(), Length(max=32)],
        render_kw={"list": "title-options", "autocomplete": "honorific-prefix"},
    )
    first_name = StringField(
        _l("ชื่อ"),
        validators=[DataRequired(_l("กรุณากรอกชื่อ")), Length(max=100)],
        render_kw={"autocomplete": "off"},
    )
    last_name = StringField(
        _l("นามสกุล"),
        validators=[DataRequired(_l("กรุณากรอกนามสกุล")), Length(max=100)],
        render_kw={"autocomplete": "off"},
    )
    national_id = StringField(
        _l("เลขประจำตัวประชาชน 13 หลัก"),
        validators=[DataRequired(_l("กรุณากรอกเลขประจำตัวประชาชน")), Length(max=40)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    birth_date = BEDateField(_l("วันเกิด"), required=False)
    sex = RadioField(
        _l("เพศ"),
        choices=[SelectChoice(s.value, SEX_LABELS[s]) for s in Sex],
        validators=[Optional()],
    )
    disability_types = MultiCheckboxField(
        _l("ประเภทความพิการ"),
        choices=[SelectChoice(str(int(t)), DISABILITY_LABELS[t]) for t in DisabilityType],
        validators=[Optional()],
    )
    card_expires_on = BEDateField(_l("บัตรคนพิการหมดอายุ"), required=False)
    health_notes = TextAreaField(
        _l("บันทึกสุขภาพ (เฉพาะกรรมการเห็น)"), validators=[Optional(), Length(max=5000)]
    )
    phone = _optional_text(_l("โทรศัพท์"), 32, render_kw={"inputmode": "tel"})
    house_no = _optional_text(_l("บ้านเลขที่"), 32)
    moo = IntegerField(
        _l("หมู่ที่"),
        validators=[Optional(), NumberRange(1, 99, _l("หมู่ที่ต้องเป็นตัวเลข 1 ถึง 99"))],
        render_kw={"inputmode": "numeric"},
    )
    village = _optional_text(_l("ชื่อหมู่บ้าน"), 100)
    tambon = _optional_text(_l("ตำบล"), 100)
    amphoe = _optional_text(_l("อำเภอ"), 100)
    province = _optional_text(_l("จังหวัด"), 100)
    postcode = _optional_text(_l("รหัสไปรษณีย์"), 5, render_kw={"inputmode": "numeric"})
    caregiver_name = _optional_text(_l("ชื่อผู้ดูแลหรือผู้แทน"), 200)
    caregiver_relation = _optional_text(_l("ความเกี่ยวข้องกับสมาชิก"), 100)
    caregiver_phone = _optional_text(_l("โทรศัพท์ผู้ดูแล"), 32, render_kw={"inputmode": "tel"})
    occupation = _optional_text(_l("อาชีพ"), 200)
    livelihood = TextAreaField(_l("รายได้และการดำรงชีพ"), validators=[Optional(), Length(max=500)])
    joined_on = BEDateField(_l("วันที่สมัครเป็นสมาชิก"))
    large_print = BooleanField(_l("ต้องการเอกสารตัวพิมพ์ใหญ่"))


class StatusForm(FlaskForm):
    status = RadioField(
        _l("สถานะใหม่"),
        choices=[SelectChoice(s.value, STATUS_LABELS[s]) for s in MemberStatus],
        validators=[DataRequired(_l("กรุณาเลือกสถานะ"))],
    )
    on = BEDateField(_l("วันที่มีผล"))
    reason = TextAreaField(
        _l("เหตุผล"), validators=[DataRequired(_l("กรุณาระบุเหตุผล")), Length(max=500)]
    )


class ConsentForm(FlaskForm):
    given_by = RadioField(
        _l("ผู้ให้ความยินยอม"),
        choices=[SelectChoice(g.value, GIVEN_BY_LABELS[g]) for g in ConsentGivenBy],
        default=ConsentGivenBy.MEMBER.value,
        validators=[DataRequired(_l("กรุณาเลือกผู้ให้ความยินยอม"))],
    )
    representative_name = _optional_text(_l("ชื่อผู้แทน"), 200)
    representative_relation = _optional_text(_l("ความเกี่ยวข้องของผู้แทนกับสมาชิก"), 100)
    legal_basis = SelectField(
        _l("ฐานทางกฎหมาย"),
        choices=[SelectChoice(b.value, BASIS_LABELS[b]) for b in LegalBasis],
        default=LegalBasis.CONSENT.value,
    )
    purposes = MultiCheckboxField(
        _l("วัตถุประสงค์"),
        choices=[SelectChoice(p.value, PURPOSE_LABELS[p]) for p in ConsentPurpose],
        validators=[DataRequired(_l("กรุณาเลือกวัตถุประสงค์อย่างน้อยหนึ่งข้อ"))],
    )
    given_on = BEDateField(_l("วันที่ให้ความยินยอม"))


class WithdrawConsentForm(FlaskForm):
    withdrawn_on = BEDateField(_l("วันที่ถอนความยินยอม"))


class ConfirmForm(FlaskForm):
    """A bare form for confirm buttons (CSRF only)."""


class ImportForm(FlaskForm):
    file = FileField(
        _l("ไฟล์สมาชิก (.csv หรือ .xlsx)"),
        validators=[
            FileRequired(_l("กรุณาเลือกไฟล์")),
            FileAllowed(["csv", "xlsx"], _l("รับเฉพาะไฟล์ .csv หรือ .xlsx")),
        ],
    )
    as_of = BEDateField(_l("วันที่ยอดยกมา (วันเริ่มใช้ระบบ)"))
