"""Loan forms: shape only (types, required, ranges); the services hold the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from fund.loans.models import LoanPurpose, NoteKind, PayChannel, PrepaymentMode
from fund.loans.schedule import InterestMethod
from web.fields import BEDateField, MoneyField, OnceKeyField

PURPOSE_LABELS = {
    LoanPurpose.TRADE: _l("ค้าขาย ร้านค้า"),
    LoanPurpose.AGRICULTURE: _l("เกษตรกรรม"),
    LoanPurpose.LIVESTOCK: _l("เลี้ยงสัตว์"),
    LoanPurpose.CRAFTS: _l("หัตถกรรม จักสาน ทอผ้า"),
    LoanPurpose.REPAIR_SERVICE: _l("งานซ่อมและบริการ"),
    LoanPurpose.OTHER: _l("อื่น ๆ"),
}
METHOD_LABELS = {
    InterestMethod.ZERO: _l("ไม่มีดอกเบี้ย (0%)"),
    InterestMethod.FLAT: _l("ดอกเบี้ยคงที่ (คิดจากเงินต้นเริ่มแรก)"),
    InterestMethod.DECLINING: _l("ลดต้นลดดอก ค่างวดเท่ากัน"),
    InterestMethod.EQUAL_PRINCIPAL: _l("ลดต้นลดดอก เงินต้นเท่ากันทุกงวด"),
}
CHANNEL_LABELS = {PayChannel.CASH: _l("เงินสด"), PayChannel.BANK: _l("โอนผ่านธนาคาร")}
NOTE_LABELS = {
    NoteKind.NOTE: _l("บันทึก"),
    NoteKind.CALL: _l("โทรศัพท์"),
    NoteKind.VISIT: _l("เยี่ยมบ้าน"),
    NoteKind.PROMISE: _l("นัดชำระ"),
}
REGULAR = "regular"
KIND_LABELS = {
    REGULAR: _l("ชำระตามงวด"),
    PrepaymentMode.SHORTEN_TERM.value: _l("ชำระล่วงหน้า: ค่างวดเท่าเดิม ลดจำนวนงวด"),
    PrepaymentMode.LOWER_INSTALMENTS.value: _l("ชำระล่วงหน้า: จำนวนงวดเท่าเดิม ลดค่างวด"),
}


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(getattr(k, "value", k), v) for k, v in labels.items()]


class ProductForm(FlaskForm):
    name = StringField(
        _l("ชื่อประเภทเงินกู้"),
        validators=[DataRequired(_l("กรุณากรอกชื่อ")), Length(max=200)],
    )
    purpose = SelectField(_l("หมวดวัตถุประสงค์"), choices=_choices(PURPOSE_LABELS))
    max_amount = MoneyField(_l("วงเงินสูงสุด (บาท)"), validators=[DataRequired(_l("กรุณากรอก"))])
    max_term = IntegerField(
        _l("จำนวนงวดสูงสุด (เดือน)"),
        validators=[InputRequired(_l("กรุณากรอกจำนวนเต็ม")), NumberRange(1, 240)],
    )
    method = RadioField(
        _l("วิธีคิดดอกเบี้ย"), choices=_choices(METHOD_LABELS), default=InterestMethod.ZERO.value
    )
    rate = StringField(_l("อัตราดอกเบี้ยต่อปี (%)"), default="0")
    round_to = MoneyField(_l("ปัดค่างวดเป็นทวีคูณของ (บาท)"), default=100)
    grace = IntegerField(
        _l("ปลอดชำระเงินต้น (เดือน)"), default=0, validators=[InputRequired(), NumberRange(0, 60)]
    )
    late_fee = MoneyField(_l("ค่าปรับชำระล่าช้าต่องวด (บาท)"), allow_zero=True, default=0)
    late_days = IntegerField(
        _l("คิดค่าปรับเมื่อเลยกำหนดเกิน (วัน)"),
        default=0,
        validators=[InputRequired(), NumberRange(0, 365)],
    )


class ApplicationForm(FlaskForm):
    member_no = StringField(
        _l("เลขสมาชิก"), validators=[DataRequired(_l("กรุณากรอกเลขสมาชิก")), Length(max=16)]
    )
    product = SelectField(_l("ประเภทเงินกู้"), choices=[])
    amount = MoneyField(_l("จำนวนเงินที่ขอกู้ (บาท)"), validators=[DataRequired(_l("กรุณากรอก"))])
    term = IntegerField(
        _l("จำนวนงวด (เดือน)"),
        validators=[InputRequired(_l("กรุณากรอกจำนวนเต็ม")), NumberRange(1, 240)],
    )
    purpose = TextAreaField(
        _l("กู้ไปเพื่อ"), validators=[DataRequired(_l("กรุณากรอก")), Length(max=4000)]
    )
    livelihood_plan = TextAreaField(
        _l("แผนการประกอบอาชีพและการชำระคืน"),
        validators=[DataRequired(_l("กรุณากรอก")), Length(max=4000)],
    )
    member_situation = TextAreaField(_l("สภาพความเป็นอยู่ของสมาชิก"), validators=[Length(max=4000)])
    applied_on = BEDateField(_l("วันที่ยื่นคำขอ"))


class ResolutionMixin:
    meeting_no = StringField(
        _l("การประชุมครั้งที่"), validators=[DataRequired(_l("กรุณากรอก")), Length(max=32)]
    )
    meeting_date = BEDateField(_l("วันที่ประชุม"))
    resolution = TextAreaField(
        _l("มติที่ประชุม"), validators=[DataRequired(_l("กรุณากรอกมติ")), Length(max=4000)]
    )


class DecisionForm(ResolutionMixin, FlaskForm):
    decision = RadioField(
        _l("ผลการพิจารณา"),
        choices=[SelectChoice("approve", _l("อนุมัติ")), SelectChoice("reject", _l("ไม่อนุมัติ"))],
        validators=[InputRequired(_l("กรุณาเลือกผลการพิจารณา"))],
    )
    approved_amount = MoneyField(_l("วงเงินที่อนุมัติ (บาท)"), validators=[Optional()])
    approved_term = IntegerField(
        _l("จำนวนงวดที่อนุมัติ (เดือน)"), validators=[Optional(), NumberRange(1, 240)]
    )
    override_open_loan = BooleanField(_l("ที่ประชุมอนุญาตให้มีสัญญาที่สอง"))


class DisburseForm(FlaskForm):
    disbursed_on = BEDateField(_l("วันที่จ่ายเงินกู้"))
    channel = RadioField(
        _l("จ่ายเป็น"), choices=_choices(CHANNEL_LABELS), default=PayChannel.CASH.value
    )
    once = OnceKeyField()


class RepaymentForm(FlaskForm):
    amount = MoneyField(_l("จำนวนเงินที่รับ (บาท)"), validators=[DataRequired(_l("กรุณากรอก"))])
    paid_on = BEDateField(_l("วันที่รับเงิน"))
    channel = RadioField(
        _l("รับเป็น"), choices=_choices(CHANNEL_LABELS), default=PayChannel.CASH.value
    )
    kind = RadioField(_l("ประเภทการชำระ"), choices=_choices(KIND_LABELS), default=REGULAR)
    memo = StringField(_l("หมายเหตุ"), validators=[Length(max=500)])
    once = OnceKeyField()


class ReverseForm(FlaskForm):
    reason = TextAreaField(
        _l("เหตุผลที่กลับรายการ"), validators=[DataRequired(_l("กรุณากรอก")), Length(max=500)]
    )


class NoteForm(FlaskForm):
    kind = SelectField(_l("ประเภท"), choices=_choices(NOTE_LABELS))
    text = TextAreaField(_l("ข้อความ"), validators=[DataRequired(_l("กรุณากรอก")), Length(max=4000)])
    noted_on = BEDateField(_l("วันที่"))
    promised_on = BEDateField(_l("วันที่นัดชำระ"), required=False)


class RescheduleForm(ResolutionMixin, FlaskForm):
    effective_on = BEDateField(_l("วันที่มีผล"))
    new_term = IntegerField(_l("จำนวนงวดใหม่ (เดือน)"), validators=[Optional(), NumberRange(1, 240)])
    new_instalment = MoneyField(_l("หรือ ค่างวดใหม่ (บาท)"), validators=[Optional()])
    freeze_interest = BooleanField(_l("งดคิดดอกเบี้ยตั้งแต่วันที่มีผล"))
    reason = TextAreaField(
        _l("เหตุผล (ความเดือดร้อนของสมาชิก)"),
        validators=[DataRequired(_l("กรุณากรอก")), Length(max=4000)],
    )


class WriteOffForm(ResolutionMixin, FlaskForm):
    written_off_on = BEDateField(_l("วันที่ตัดหนี้สูญ"))
    reason = TextAreaField(_l("เหตุผล"), validators=[DataRequired(_l("กรุณากรอก")), Length(max=4000)])
    once = OnceKeyField()


class MeetingForm(FlaskForm):
    held_on = BEDateField(_l("วันที่ประชุม"))
    channel = RadioField(
        _l("รับเป็น"), choices=_choices(CHANNEL_LABELS), default=PayChannel.CASH.value
    )
    once = OnceKeyField()
