"""Savings forms: shape only (amount, date, choices); the services hold the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from fund.savings.models import SavingsKind
from web.fields import BEDateField, MoneyField, OnceKeyField
from web.ledger.common import MONEY_ACCOUNT_CHOICES

KIND_LABELS = {
    SavingsKind.MONTHLY: _l("เงินสัจจะรายเดือน"),
    SavingsKind.EXTRA: _l("ฝากเพิ่ม"),
    SavingsKind.WITHDRAWAL: _l("ถอน"),
}


class DepositForm(FlaskForm):
    kind = RadioField(
        _l("ประเภท"),
        choices=[
            SelectChoice(SavingsKind.MONTHLY.value, KIND_LABELS[SavingsKind.MONTHLY]),
            SelectChoice(SavingsKind.EXTRA.value, KIND_LABELS[SavingsKind.EXTRA]),
        ],
        default=SavingsKind.MONTHLY.value,
        validators=[InputRequired(_l("กรุณาเลือกประเภท"))],
    )
    for_month = SelectField(_l("เป็นเงินสัจจะของเดือน"), choices=[])
    amount = MoneyField(_l("จำนวนเงิน (บาท)"), validators=[InputRequired(_l("กรุณากรอกจำนวนเงิน"))])
    txn_date = BEDateField(_l("วันที่รับเงิน"))
    money_account = RadioField(
        _l("รับเป็น"),
        choices=MONEY_ACCOUNT_CHOICES,
        default=MONEY_ACCOUNT_CHOICES[0].value,
        validators=[InputRequired(_l("กรุณาเลือกเงินสดหรือธนาคาร"))],
    )
    note = StringField(_l("หมายเหตุ"), validators=[Length(max=300)])
    once = OnceKeyField()


class WithdrawalForm(FlaskForm):
    amount = MoneyField(
        _l("จำนวนเงินที่ถอน (บาท)"), validators=[InputRequired(_l("กรุณากรอกจำนวนเงิน"))]
    )
    txn_date = BEDateField(_l("วันที่จ่ายเงิน"))
    money_account = RadioField(
        _l("จ่ายจาก"),
        choices=MONEY_ACCOUNT_CHOICES,
        default=MONEY_ACCOUNT_CHOICES[0].value,
        validators=[InputRequired(_l("กรุณาเลือกเงินสดหรือธนาคาร"))],
    )
    note = StringField(_l("หมายเหตุ"), validators=[Length(max=300)])
    once = OnceKeyField()


class AgreedAmountForm(FlaskForm):
    agreed = MoneyField(
        _l("เงินสัจจะที่ตกลงต่อเดือน (บาท)"),
        allow_zero=True,
        validators=[InputRequired(_l("กรุณากรอกจำนวนเงิน"))],
    )
