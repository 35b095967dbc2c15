"""Repair-center forms: shape only (types, required, lengths); the services hold the rules.

Several forms share the job page, so their field names are unique across the page (ids stay
unique for screen readers and for axe).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from fund.money import normalise_digits
from repair_center.devices.models import Acquisition, Condition, DeviceCategory
from repair_center.jobs.models import PaymentBasis
from repair_center.jobs.states import JobState, Outcome, PauseReason
from repair_center.loaners.models import LoanKind, ProvisionFunding
from repair_center.parts.models import FundingSource, MovementKind
from web.fields import BEDateField, MoneyField, OnceKeyField

STATE_LABELS = {
    JobState.INTAKE: _l("รับเรื่อง"),
    JobState.ASSESSED: _l("ประเมินแล้ว"),
    JobState.APPROVED: _l("อนุมัติแล้ว"),
    JobState.IN_PROGRESS: _l("กำลังซ่อม"),
    JobState.PAUSED: _l("พักงาน"),
    JobState.READY: _l("พร้อมส่งมอบ"),
    JobState.DELIVERED: _l("ส่งมอบแล้ว"),
    JobState.CANCELLED: _l("ยกเลิก"),
}
#: the button text for moving a job into a state
MOVE_LABELS = {
    JobState.ASSESSED: _l("บันทึกผลประเมิน"),
    JobState.APPROVED: _l("อนุมัติและกำหนดผู้จ่าย"),
    JobState.IN_PROGRESS: _l("เริ่ม/ทำต่อ"),
    JobState.PAUSED: _l("พักงาน"),
    JobState.READY: _l("ซ่อมเสร็จ พร้อมส่งมอบ"),
    JobState.DELIVERED: _l("ส่งมอบ"),
    JobState.CANCELLED: _l("ยกเลิกงาน"),
}
PAUSE_LABELS = {
    PauseReason.WAITING_PARTS: _l("รออะไหล่"),
    PauseReason.WAITING_MEMBER: _l("รอสมาชิก"),
    PauseReason.OUTSIDE_REPAIRER: _l("ส่งซ่อมภายนอก"),
    PauseReason.WAITING_APPROVAL: _l("รออนุมัติ"),
}
OUTCOME_LABELS = {
    Outcome.FIXED: _l("ซ่อมเสร็จ ใช้งานได้"),
    Outcome.REFERRED: _l("ส่งต่อ (โรงพยาบาล/ศูนย์กายอุปกรณ์)"),
    Outcome.END_OF_LIFE: _l("หมดอายุการใช้งาน ซ่อมไม่ได้"),
}
BASIS_LABELS = {
    PaymentBasis.FUND: _l("กองทุนจ่ายทั้งหมด"),
    PaymentBasis.MEMBER: _l("สมาชิกจ่ายทั้งหมด"),
    PaymentBasis.SHARED: _l("จ่ายร่วมกัน (สมาชิกจ่ายตามเปอร์เซ็นต์)"),
    PaymentBasis.WARRANTY: _l("ซ่อมฟรีในระยะรับประกัน"),
    PaymentBasis.WAIVED: _l("ยกเว้นค่าใช้จ่าย"),
}
CATEGORY_LABELS = {
    DeviceCategory.MOBILITY: _l("การเคลื่อนไหว"),
    DeviceCategory.VISION: _l("การเห็น"),
    DeviceCategory.HEARING: _l("การได้ยิน"),
    DeviceCategory.COMMUNICATION: _l("การสื่อสาร"),
    DeviceCategory.SELF_CARE: _l("การดูแลตนเอง"),
    DeviceCategory.COGNITION: _l("ความจำและการรับรู้"),
}
ACQUISITION_LABELS = {
    Acquisition.FUND_PURCHASE: _l("กองทุนซื้อ"),
    Acquisition.DONATED: _l("ได้รับบริจาค"),
    Acquisition.MEMBER_OWN: _l("ของสมาชิกเอง"),
}
CONDITION_LABELS = {
    Condition.GOOD: _l("ดี"),
    Condition.FAIR: _l("พอใช้"),
    Condition.POOR: _l("ทรุดโทรม"),
    Condition.UNUSABLE: _l("ใช้งานไม่ได้"),
    Condition.RETIRED: _l("ปลดระวาง (หมดอายุ)"),
}
LOAN_KIND_LABELS = {
    LoanKind.WHILE_REPAIRING: _l("ยืมระหว่างซ่อม"),
    LoanKind.LONG_TERM: _l("ยืมระยะยาว"),
}
FUNDING_LABELS = {
    ProvisionFunding.FUND: _l("กองทุนซื้อให้"),
    ProvisionFunding.DONOR: _l("ผู้บริจาคออกค่าใช้จ่าย"),
    ProvisionFunding.CENTER_STOCK: _l("มอบจากอุปกรณ์ของศูนย์"),
}
PARTS_FUNDING_LABELS = {
    FundingSource.CASH: _l("ซื้อด้วยเงินสด"),
    FundingSource.BANK: _l("ซื้อโดยโอนจากบัญชีธนาคาร"),
    FundingSource.DONATION: _l("ได้รับบริจาค"),
}
MOVEMENT_LABELS = {
    MovementKind.RECEIVED: _l("รับเข้า"),
    MovementKind.USED: _l("เบิกใช้กับงานซ่อม"),
    MovementKind.RETURNED: _l("คืนจากงานซ่อม"),
    MovementKind.ADJUSTED: _l("ปรับยอด"),
}
MONEY_CHOICES = [SelectChoice("cash", _l("เงินสด")), SelectChoice("bank", _l("เงินฝากธนาคาร"))]


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(key.value, label) for key, label in labels.items()]


class HoursField(StringField):
    """Hours worked as typed ("1.5", "๒"); ``data`` is whole minutes (or None)."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = normalise_digits(valuelist[0]).strip().replace(",", ".")
        self.data = None
        if not raw:
            return
        try:
            hours = Decimal(raw)
        except InvalidOperation as err:
            raise ValueError(_l("กรอกจำนวนชั่วโมงเป็นตัวเลข เช่น 1.5")) from err
        minutes = hours * 60
        if minutes != minutes.to_integral_value() or minutes <= 0:
            raise ValueError(_l("กรอกจำนวนชั่วโมงที่มากกว่า 0 เป็นนาทีเต็ม เช่น 0.5 หรือ 1.25"))
        self.data = int(minutes)

    def _value(self) -> str:
        return self.raw_data[0] if self.raw_data else ""


# --------------------------------------------------------------------------- queue


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False

    technician = SelectField(_l("ช่าง"), choices=[], validators=[Optional()])
    state = SelectField(_l("สถานะ"), choices=[], validators=[Optional()])
    village = SelectField(_l("หมู่บ้าน"), choices=[], validators=[Optional()])
    only_urgent = BooleanField(_l("เฉพาะงานด่วน"))
    only_stuck = BooleanField(_l("เฉพาะงานค้างนาน"))


# --------------------------------------------------------------------------- job actions


class IntakeForm(FlaskForm):
    tag_no = StringField(
        _l("เลขป้ายอุปกรณ์"),
        validators=[DataRequired(_l("กรุณากรอกเลขป้ายอุปกรณ์")), Length(max=16)],
        render_kw={"autocomplete": "off"},
    )
    fault = TextAreaField(
        _l("อาการเสียที่สมาชิกแจ้ง"),
        validators=[DataRequired(_l("กรุณากรอกอาการเสีย")), Length(max=2000)],
    )
    received_on = BEDateField(_l("วันที่รับเข้า"))
    technician = SelectField(_l("ช่างผู้รับผิดชอบ"), choices=[], validators=[Optional()])


class AssessForm(FlaskForm):
    assessment = TextAreaField(
        _l("ผลการประเมินและงานที่จะทำ"),
        validators=[DataRequired(_l("กรุณากรอกผลการประเมิน")), Length(max=2000)],
    )
    estimate = MoneyField(_l("ประมาณการค่าใช้จ่าย (บาท)"), allow_zero=True)
    assess_technician = SelectField(_l("ช่างผู้รับผิดชอบ"), choices=[], validators=[Optional()])


class ApproveForm(FlaskForm):
    basis = SelectField(_l("ผู้จ่ายค่าซ่อม"), choices=_choices(BASIS_LABELS))
    member_share_percent = IntegerField(
        _l("ส่วนที่สมาชิกจ่าย (เปอร์เซ็นต์)"),
        validators=[Optional(), NumberRange(0, 100, _l("กรอก 0 ถึง 100"))],
    )
    basis_note = TextAreaField(_l("เหตุผล/หมายเหตุ"), validators=[Length(max=500)])


class PauseForm(FlaskForm):
    pause_reason = SelectField(_l("เหตุที่พักงาน"), choices=_choices(PAUSE_LABELS))
    pause_note = StringField(_l("รายละเอียด"), validators=[Length(max=1000)])


class ReworkForm(FlaskForm):
    rework_reason = TextAreaField(
        _l("เหตุที่ต้องแก้ไขใหม่"),
        validators=[DataRequired(_l("กรุณากรอกเหตุผล")), Length(max=1000)],
    )


class CancelForm(FlaskForm):
    cancel_reason = TextAreaField(
        _l("เหตุที่ยกเลิก"), validators=[DataRequired(_l("กรุณากรอกเหตุผล")), Length(max=1000)]
    )


class DeliverForm(FlaskForm):
    outcome = SelectField(_l("ผลการซ่อม"), choices=_choices(OUTCOME_LABELS))
    outcome_reason = TextAreaField(
        _l("เหตุผล (จำเป็นเมื่อส่งต่อหรือหมดอายุ)"), validators=[Length(max=1000)]
    )
    delivered_on = BEDateField(_l("วันที่ส่งมอบ"))
    fitting_checked = BooleanField(_l("ตรวจการใช้งานกับผู้ใช้แล้ว (ลองนั่ง ลองใส่ ปรับให้พอดี)"))
    training_given = BooleanField(_l("สอนการใช้งานและการดูแลรักษาแล้ว"))
    follow_up_on = BEDateField(_l("วันนัดติดตามผล"), required=False)


class UsePartForm(FlaskForm):
    part = SelectField(_l("อะไหล่"), choices=[])
    part_quantity = IntegerField(
        _l("จำนวน"),
        validators=[InputRequired(_l("กรุณากรอกจำนวน")), NumberRange(1, 100_000)],
    )


class ReturnPartForm(FlaskForm):
    return_part = SelectField(_l("อะไหล่ที่คืน"), choices=[])
    return_quantity = IntegerField(
        _l("จำนวนที่คืน"),
        validators=[InputRequired(_l("กรุณากรอกจำนวน")), NumberRange(1, 100_000)],
    )


class LabourForm(FlaskForm):
    labour_technician = SelectField(_l("ช่าง"), choices=[])
    worked_on = BEDateField(_l("วันที่ทำงาน"))
    hours = HoursField(_l("จำนวนชั่วโมง"), validators=[InputRequired(_l("กรุณากรอกชั่วโมง"))])
    rate = MoneyField(_l("อัตราค่าแรงต่อชั่วโมง (บาท)"), allow_zero=True)
    labour_notes = StringField(_l("งานที่ทำ"), validators=[Length(max=500)])


class JobLoanForm(FlaskForm):
    loan_device = SelectField(_l("อุปกรณ์ของศูนย์ที่ให้ยืม"), choices=[])
    loan_lent_on = BEDateField(_l("วันที่ให้ยืม"))


class PaymentForm(FlaskForm):
    key = OnceKeyField()
    amount = MoneyField(_l("จำนวนเงินที่รับ (บาท)"), validators=[InputRequired(_l("กรุณากรอกจำนวนเงิน"))])
    paid_on = BEDateField(_l("วันที่รับเงิน"))
    paid_into = SelectField(_l("รับเป็น"), choices=MONEY_CHOICES)


class FollowUpForm(FlaskForm):
    followed_up_on = BEDateField(_l("วันที่ติดตามผล"))
    follow_up_notes = TextAreaField(
        _l("ผลการติดตาม"), validators=[DataRequired(_l("กรุณากรอกผลการติดตาม")), Length(max=1000)]
    )
    next_follow_up_on = BEDateField(_l("นัดติดตามครั้งถัดไป"), required=False)


# --------------------------------------------------------------------------- devices


class DeviceForm(FlaskForm):
    device_type = SelectField(_l("ประเภทอุปกรณ์"), choices=[])
    acquisition = SelectField(_l("ได้มาโดย"), choices=_choices(ACQUISITION_LABELS))
    member_no = StringField(
        _l("เลขสมาชิกผู้เป็นเจ้าของ"),
        validators=[Length(max=16)],
        render_kw={"autocomplete": "off"},
    )
    make = StringField(_l("ยี่ห้อ"), validators=[Length(max=100)])
    model = StringField(_l("รุ่น"), validators=[Length(max=100)])
    serial_no = StringField(_l("หมายเลขเครื่อง (ถ้ามี)"), validators=[Length(max=64)])
    size = StringField(_l("ขนาด/ข้อมูลการปรับ"), validators=[Length(max=100)])
    acquired_on = BEDateField(_l("วันที่ได้มา"), required=False)
    source_name = StringField(_l("ผู้บริจาคหรือผู้ขาย"), validators=[Length(max=200)])
    condition = SelectField(
        _l("สภาพ"),
        choices=[SelectChoice(c.value, CONDITION_LABELS[c]) for c in Condition if c != "retired"],
    )
    notes = TextAreaField(_l("หมายเหตุ"), validators=[Length(max=1000)])


class ConditionForm(FlaskForm):
    new_condition = SelectField(_l("สภาพใหม่"), choices=_choices(CONDITION_LABELS))
    condition_note = StringField(_l("หมายเหตุ (จำเป็นเมื่อปลดระวาง)"), validators=[Length(max=500)])


class ProvideForm(FlaskForm):
    provide_member_no = StringField(
        _l("เลขสมาชิกผู้รับ"),
        validators=[DataRequired(_l("กรุณากรอกเลขสมาชิก")), Length(max=16)],
        render_kw={"autocomplete": "off"},
    )
    funding = SelectField(_l("แหล่งเงิน"), choices=_choices(FUNDING_LABELS))
    cost = MoneyField(_l("ราคาอุปกรณ์ (บาท)"), allow_zero=True)
    donor_name = StringField(_l("ชื่อผู้บริจาค"), validators=[Length(max=200)])
    paid_from = SelectField(_l("จ่ายจาก (เมื่อกองทุนซื้อ)"), choices=MONEY_CHOICES)
    provided_on = BEDateField(_l("วันที่มอบ"))
    provide_fitting = BooleanField(_l("ตรวจการใช้งานกับผู้ใช้แล้ว"))
    provide_training = BooleanField(_l("สอนการใช้งานและการดูแลรักษาแล้ว"))
    provide_notes = TextAreaField(_l("หมายเหตุ"), validators=[Length(max=1000)])


# --------------------------------------------------------------------------- parts


class PartForm(FlaskForm):
    code = StringField(_l("รหัสอะไหล่"), validators=[DataRequired(_l("กรุณากรอกรหัส")), Length(max=32)])
    name = StringField(_l("ชื่ออะไหล่"), validators=[DataRequired(_l("กรุณากรอกชื่อ")), Length(max=200)])
    unit = StringField(_l("หน่วยนับ"), default="ชิ้น", validators=[Length(max=20)])
    reorder_level = IntegerField(
        _l("จุดสั่งซื้อ (เหลือเท่านี้ให้สั่งเพิ่ม)"),
        default=0,
        validators=[InputRequired(_l("กรุณากรอกจำนวน")), NumberRange(0, 100_000)],
    )


class ReceiveForm(FlaskForm):
    receive_quantity = IntegerField(
        _l("จำนวนที่รับเข้า"),
        validators=[InputRequired(_l("กรุณากรอกจำนวน")), NumberRange(1, 100_000)],
    )
    unit_cost = MoneyField(_l("ราคาต่อหน่วย (บาท)"), allow_zero=True)
    receive_funding = SelectField(_l("ที่มา"), choices=_choices(PARTS_FUNDING_LABELS))
    received_on = BEDateField(_l("วันที่รับเข้า"))
    supplier = StringField(_l("ร้านค้าหรือผู้บริจาค"), validators=[Length(max=200)])


class AdjustForm(FlaskForm):
    change = IntegerField(
        _l("จำนวนที่ปรับ (+ เพิ่ม, - ลด)"),
        validators=[InputRequired(_l("กรุณากรอกจำนวน เช่น -2 หรือ 3"))],
    )
    adjust_reason = StringField(
        _l("เหตุผล"), validators=[DataRequired(_l("กรุณากรอกเหตุผล")), Length(max=500)]
    )
    adjusted_on = BEDateField(_l("วันที่ปรับยอด"))


# --------------------------------------------------------------------------- loaners


class LendForm(FlaskForm):
    lend_device = SelectField(_l("อุปกรณ์ของศูนย์"), choices=[])
    lend_member_no = StringField(
        _l("เลขสมาชิกผู้ยืม"),
        validators=[DataRequired(_l("กรุณากรอกเลขสมาชิก")), Length(max=16)],
        render_kw={"autocomplete": "off"},
    )
    lent_on = BEDateField(_l("วันที่ให้ยืม"))
    due_on = BEDateField(_l("กำหนดคืน"), required=False)
    lend_notes = StringField(_l("หมายเหตุ"), validators=[Length(max=1000)])


class ReturnLoanForm(FlaskForm):
    returned_on = BEDateField(_l("วันที่รับคืน"))
    return_condition = SelectField(
        _l("สภาพเมื่อรับคืน"),
        choices=[SelectChoice(c.value, CONDITION_LABELS[c]) for c in Condition if c != "retired"],
    )


class SettingsForm(FlaskForm):
    stuck_after_days = IntegerField(
        _l("งานที่พักเกินกี่วันถือว่าค้าง"), validators=[InputRequired(), NumberRange(1, 365)]
    )
    warranty_days = IntegerField(
        _l("ระยะรับประกันงานซ่อม (วัน)"), validators=[InputRequired(), NumberRange(0, 3650)]
    )
    follow_up_days = IntegerField(
        _l("ติดตามผลหลังส่งมอบภายใน (วัน)"), validators=[InputRequired(), NumberRange(1, 730)]
    )
    labour_rate = MoneyField(_l("อัตราค่าแรงต่อชั่วโมง (บาท)"), allow_zero=True)
    loan_days = IntegerField(
        _l("ระยะยืมระยะยาวโดยปกติ (วัน)"), validators=[InputRequired(), NumberRange(1, 3650)]
    )
