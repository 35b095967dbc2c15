"""Ledger forms: shape only; the services hold the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from fund.fundbook.models import FundTxnKind
from web.fields import BEDateField, MoneyField, OnceKeyField
from web.ledger.common import MONEY_ACCOUNT_CHOICES

FUND_KIND_LABELS = {
    FundTxnKind.GRANT: _l("เงินอุดหนุน"),
    FundTxnKind.DONATION: _l("เงินบริจาค"),
    FundTxnKind.EXPENSE: _l("ค่าใช้จ่าย"),
}


class ReverseForm(FlaskForm):
    reversal_date = BEDateField(_l("วันที่กลับรายการ"))
    reason = TextAreaField(
        _l("เหตุผล"), validators=[DataRequired(_l("กรุณาระบุเหตุผล")), Length(max=300)]
    )
    once = OnceKeyField()


class VoidReceiptForm(FlaskForm):
    void_date = BEDateField(_l("วันที่ยกเลิก"))
    reason = TextAreaField(
        _l("เหตุผลที่ยกเลิก"), validators=[DataRequired(_l("กรุณาระบุเหตุผล")), Length(max=300)]
    )
    once = OnceKeyField()


class ClosePeriodForm(FlaskForm):
    month = SelectField(_l("ปิดงวดถึงสิ้นเดือน"), choices=[])
    note = StringField(_l("มติที่ประชุม / หมายเหตุ"), validators=[Length(max=300)])


class DateForm(FlaskForm):
    class Meta:
        csrf = False

    as_of = BEDateField(_l("ณ วันที่"))


class RangeForm(FlaskForm):
    class Meta:
        csrf = False

    start = BEDateField(_l("ตั้งแต่วันที่"))
    end = BEDateField(_l("ถึงวันที่"))


class FundTransactionForm(FlaskForm):
    kind = RadioField(
        _l("ประเภท"),
        choices=[SelectChoice(k.value, FUND_KIND_LABELS[k]) for k in FundTxnKind],
        validators=[InputRequired(_l("กรุณาเลือกประเภท"))],
    )
    category_account = SelectField(_l("บัญชี"), choices=[])
    txn_date = BEDateField(_l("วันที่"))
    counterparty = StringField(
        _l("ผู้ให้เงิน / ผู้รับเงิน"),
        validators=[DataRequired(_l("กรุณาระบุชื่อ")), Length(max=200)],
    )
    description = StringField(
        _l("รายละเอียด"), validators=[DataRequired(_l("กรุณากรอกรายละเอียด")), Length(max=300)]
    )
    amount = MoneyField(_l("จำนวนเงิน (บาท)"), validators=[InputRequired(_l("กรุณากรอกจำนวนเงิน"))])
    money_account = RadioField(
        _l("เงินสดหรือธนาคาร"),
        choices=MONEY_ACCOUNT_CHOICES,
        default=MONEY_ACCOUNT_CHOICES[0].value,
        validators=[InputRequired(_l("กรุณาเลือกเงินสดหรือธนาคาร"))],
    )
    reference = StringField(_l("เลขที่เอกสารอ้างอิง"), validators=[Length(max=100)])
    attachment_name = StringField(_l("ชื่อไฟล์เอกสารแนบ"), validators=[Length(max=200)])
    once = OnceKeyField()


class MinimumBalanceForm(FlaskForm):
    minimum = MoneyField(
        _l("เงินสัจจะขั้นต่ำที่ต้องคงไว้ระหว่างมีหนี้เงินกู้ (บาท)"),
        allow_zero=True,
        validators=[InputRequired(_l("กรุณากรอกจำนวนเงิน"))],
    )


class YearEndForm(FlaskForm):
    class Meta:
        csrf = False

    fiscal_year = SelectField(_l("ปีงบประมาณ"), choices=[])
    reserve = StringField(_l("ทุนสำรอง (ร้อยละของส่วนเกิน)"), default="10")
    dividend = StringField(_l("เงินปันผลตามเงินสัจจะ (ร้อยละ)"), default="40")
    refund = StringField(_l("เงินเฉลี่ยคืนตามดอกเบี้ยที่จ่าย (ร้อยละ)"), default="20")
    welfare = StringField(_l("กองทุนสวัสดิการ (ร้อยละ)"), default="10")


class YearEndPostForm(FlaskForm):
    fiscal_year = HiddenField()
    reserve = HiddenField()
    dividend = HiddenField()
    refund = HiddenField()
    welfare = HiddenField()
