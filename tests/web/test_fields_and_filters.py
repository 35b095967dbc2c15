from __future__ import annotations

import datetime as dt

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from web.fields import BEDateField, MoneyField


class _Form(FlaskForm):
    class Meta:
        csrf = False

    paid_on = BEDateField("วันที่จ่าย")
    amount = MoneyField("จำนวนเงิน")


@pytest.fixture
def ctx(app):
    with app.test_request_context("/", method="POST"):
        from flask import g

        g.locale = "th"
        yield


def _form(**data):
    return _Form(formdata=MultiDict(data))


def test_three_part_be_date_and_thai_digit_amount_are_read(ctx):
    form = _form(
        **{"paid_on-day": "๕", "paid_on-month": "1", "paid_on-year": "๒๕๖๘", "amount": "1,234.50"}
    )
    assert form.validate()
    assert form.paid_on.data == dt.date(2025, 1, 5)
    assert form.amount.data == 123450


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("5", "1", "2025", "พ.ศ."),
        ("31", "2", "2568", ""),
        ("", "1", "2568", ""),
    ],
)
def test_bad_dates_are_refused_with_a_thai_message(ctx, day, month, year, expected):
    form = _form(
        **{"paid_on-day": day, "paid_on-month": month, "paid_on-year": year, "amount": "10"}
    )
    assert not form.validate()
    assert form.paid_on.errors
    assert expected in " ".join(form.paid_on.errors)


@pytest.mark.parametrize("raw", ["-5", "1.234", "abc", "1e5", "99999999999"])
def test_bad_amounts_are_refused_and_the_typed_text_is_kept(ctx, raw):
    form = _form(
        **{"paid_on-day": "5", "paid_on-month": "1", "paid_on-year": "2568", "amount": raw}
    )
    assert not form.validate()
    assert form.amount.errors
    assert form.amount._value() == raw


def test_money_and_be_date_filters(app):
    env = app.jinja_env
    assert env.from_string("{{ 123450|money }}").render() == "฿1,234.50"
    assert env.from_string("{{ d|be_date }}").render(d=dt.date(2025, 1, 5)) == "5 ม.ค. 2568"
    assert (
        env.from_string("{{ d|be_date('long') }}").render(d=dt.date(2025, 1, 5)) == "5 มกราคม 2568"
    )
    assert env.from_string("{{ 2100000000|bahttext }}").render() == "ยี่สิบเอ็ดล้านบาทถ้วน"
