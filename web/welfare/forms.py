"""Welfare forms: a benefit's rules, a claim (with the committee's override), a reversal, a
donation. Shape only; the rules live in ``fund.welfare``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from fund.ledger.accounts import AccountCode
from fund.welfare.rules import AmountKind, ClaimantKind
from web.fields import BEDateField, MoneyField, OnceKeyField

AMOUNT_KIND_LABELS = {
    AmountKind.FIXED: _l("จำนวนเงินคงที่ต่อครั้ง"),
    AmountKind.PER_NIGHT: _l("ต่อคืน (เช่น นอนโรงพยาบาล)"),
    AmountKind.PER_DAY: _l("ต่อวัน"),
}
UNIT_LABELS = {AmountKind.PER_NIGHT: _l("คืน"), AmountKind.PER_DAY: _l("วัน")}
CLAIMANT_LABELS = {
    ClaimantKind.MEMBER: _l("สมาชิกยื่นขอเอง"),
    ClaimantKind.REPRESENTATIVE: _l("ผู้แทน (ญาติหรือผู้ดูแล) ยื่นขอแทน"),
}
ACCOUNT_LABELS = {
    AccountCode.CASH: _l("เงินสด"),
    AccountCode.BANK: _l("เงินฝากธนาคาร"),
}


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes in a fieldset (the forms macro renders this type as one)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):  # an empty choice list is fine (no evidence required)
        if self.choices:
            super().pre_validate(form)


def _optional_count(label, maximum: int = 366) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(min=1, max=maximum, message=_l("กรอกตัวเลข 1 ถึง %(max)s", max=maximum)),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


class BenefitForm(FlaskForm):
    """A benefit's rules: a new benefit (with its code) or a new version of one."""

    code = StringField(
        _l("รหัสสวัสดิการ (อักษรอังกฤษ)"),
        validators=[
            Optional(),
            Length(max=16),
            Regexp(r"^[A-Za-z0-9_-]*$", message=_l("ใช้ได้เฉพาะ A-Z, 0-9, - และ _")),
        ],
    )
    name = StringField(
        _l("ชื่อสวัสดิการ"),
        validators=[DataRequired(_l("กรุณากรอกชื่อสวัสดิการ")), Length(max=200)],
    )
    description = TextAreaField(_l("รายละเอียด"), validators=[Optional(), Length(max=2000)])
    amount_kind = RadioField(
        _l("วิธีคิดจำนวนเงิน"),
        choices=[SelectChoice(k.value, AMOUNT_KIND_LABELS[k]) for k in AmountKind],
        default=AmountKind.FIXED.value,
    )
    amount = MoneyField(_l("จำนวนเงิน (บาท)"), validators=[DataRequired(_l("กรุณากรอกจำนวนเงิน"))])
    min_membership_months = IntegerField(
        _l("เป็นสมาชิกมาแล้วอย่างน้อย (เดือน)"),
        default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=600, message=_l("กรอกตัวเลข 0 ถึง 600")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    max_units_per_claim = _optional_count(_l("จำนวนวัน/คืนสูงสุดต่อครั้ง"))
    max_units_per_year = _optional_count(_l("จำนวนวัน/คืนสูงสุดต่อปีงบประมาณ"))
    max_payouts_per_year = _optional_count(_l("จำนวนครั้งสูงสุดต่อปีงบประมาณ"), 100)
    max_amount_per_year = MoneyField(_l("วงเงินสูงสุดต่อคนต่อปีงบประมาณ (บาท)"))
    evidence_required = TextAreaField(
        _l("หลักฐานที่ต้องตรวจ (บรรทัดละหนึ่งรายการ)"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 4},
    )
    representative_allowed = BooleanField(_l("ผู้แทน (ญาติหรือผู้ดูแล) ยื่นขอแทนได้"))
    active = BooleanField(_l("เปิดรับคำขอ"), default=True)
    effective_from = BEDateField(_l("เริ่มใช้กับเหตุที่เกิดตั้งแต่วันที่"))
    resolution = StringField(_l("มติที่ประชุม (ครั้งที่/วันที่)"), validators=[Optional(), Length(max=500)])
    change_note = StringField(_l("เปลี่ยนอะไรและเพราะอะไร"), validators=[Optional(), Length(max=500)])


class ClaimForm(FlaskForm):
    """A claim for one benefit; ``action`` is "review" (calculate) or "pay" (confirm)."""

    member_no = StringField(
        _l("เลขที่สมาชิก"),
        validators=[DataRequired(_l("กรุณากรอกเลขที่สมาชิก")), Length(max=16)],
        render_kw={"autocomplete": "off"},
    )
    event_date = BEDateField(_l("วันที่เกิดเหตุ"))
    units = IntegerField(
        _l("จำนวนวัน/คืน"),
        validators=[
            Optional(),
            NumberRange(min=1, max=366, message=_l("กรอกตัวเลข 1 ถึง 366")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    evidence_seen = MultiCheckboxField(_l("หลักฐานที่ตรวจแล้ว"), choices=[])
    claimant = RadioField(
        _l("ผู้ยื่นขอ"),
        choices=[SelectChoice(k.value, CLAIMANT_LABELS[k]) for k in ClaimantKind],
        default=ClaimantKind.MEMBER.value,
    )
    representative_name = StringField(_l("ชื่อผู้แทน"), validators=[Optional(), Length(max=200)])
    representative_relation = StringField(
        _l("เกี่ยวข้องเป็น (เช่น บุตร ภรรยา ผู้ดูแล)"), validators=[Optional(), Length(max=100)]
    )
    paid_on = BEDateField(_l("วันที่จ่าย"))
    pay_account = RadioField(
        _l("จ่ายจาก"),
        choices=[SelectChoice(k.value, ACCOUNT_LABELS[k]) for k in ACCOUNT_LABELS],
        default=AccountCode.CASH.value,
    )
    note = StringField(_l("หมายเหตุ"), validators=[Optional(), Length(max=500)])
    resolution_no = StringField(
        _l("มติคณะกรรมการ: ครั้งที่ประชุม/เลขที่มติ"), validators=[Optional(), Length(max=100)]
    )
    resolution_date = BEDateField(_l("วันที่ประชุม"), required=False)
    resolution_text = TextAreaField(
        _l("ข้อความมติ (เหตุผลที่อนุมัติเป็นกรณีพิเศษ)"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
    )
    expected_amount = HiddenField()
    #: fingerprint of what was reviewed: paying needs the review of exactly these inputs
    review_key = HiddenField()
    once_key = OnceKeyField()

    @property
    def override_given(self) -> bool:
        return bool(
            (self.resolution_no.data or "").strip()
            or (self.resolution_text.data or "").strip()
            or self.resolution_date.data
        )


class ReverseForm(FlaskForm):
    reason = StringField(
        _l("เหตุผลที่ยกเลิกการจ่าย"),
        validators=[DataRequired(_l("กรุณาระบุเหตุผล")), Length(max=500)],
    )
    reversed_on = BEDateField(_l("วันที่ยกเลิก"))
    once_key = OnceKeyField()


class DonationForm(FlaskForm):
    donor_name = StringField(
        _l("ชื่อผู้บริจาค"),
        validators=[DataRequired(_l("กรุณากรอกชื่อผู้บริจาค")), Length(max=200)],
    )
    amount = MoneyField(_l("จำนวนเงิน (บาท)"), validators=[DataRequired(_l("กรุณากรอกจำนวนเงิน"))])
    received_on = BEDateField(_l("วันที่รับ"))
    account = RadioField(
        _l("รับเข้า"),
        choices=[SelectChoice(k.value, ACCOUNT_LABELS[k]) for k in ACCOUNT_LABELS],
        default=AccountCode.CASH.value,
    )
    note = StringField(_l("หมายเหตุ"), validators=[Optional(), Length(max=500)])
    once_key = OnceKeyField()
