"""Grants, donations and expenses: posted, receipted, refused when wrong."""

from __future__ import annotations

import datetime as dt

import pytest

from fund.errors import Conflict, InvalidInput
from fund.fundbook.models import FundTxnKind
from fund.fundbook.services import record_fund_transaction
from fund.ledger.accounts import AccountCode
from fund.ledger.queries import account_balance, income_statement

C = AccountCode
D = dt.date(2025, 11, 10)


def _record(db, users, now, **kwargs):
    base = dict(
        kind=FundTxnKind.GRANT,
        txn_date=D,
        counterparty="กองทุนส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ",
        description="เงินอุดหนุนโครงการอาชีพ",
        amount_satang=20_000_00,
        recorded_by=users["committee"],
        now=now,
        money_account="1020",
        reference="พก 0001/2568",
        attachment_name="grant-letter.pdf",
    )
    base.update(kwargs)
    return record_fund_transaction(db, **base)


def test_grant_goes_to_the_bank_and_income_with_a_receipt(db, users, now):
    result = _record(db, users, now)
    assert account_balance(db, C.BANK) == 20_000_00
    assert account_balance(db, C.GRANTS_DONATIONS) == -20_000_00
    assert result.receipt.payer_name.startswith("กองทุนส่งเสริม")
    assert result.entry.source == "fundbook.grant"
    assert "พก 0001/2568" in result.entry.description
    stmt = income_statement(db, start=dt.date(2025, 10, 1), end=dt.date(2025, 11, 30))
    assert stmt.total_income_satang == 20_000_00


def test_donation_for_welfare_goes_to_the_welfare_fund(db, users, now):
    _record(
        db, users, now, kind=FundTxnKind.DONATION, category_account="3100", money_account="1010"
    )
    assert account_balance(db, C.WELFARE_FUND) == -20_000_00


def test_expense_needs_money_in_hand_and_an_expense_account(db, users, now):
    with pytest.raises(Conflict, match="ไม่พอ"):
        _record(db, users, now, kind=FundTxnKind.EXPENSE, amount_satang=500_00)
    _record(db, users, now, amount_satang=1_000_00)
    with pytest.raises(InvalidInput, match="5xxx"):
        _record(db, users, now, kind=FundTxnKind.EXPENSE, category_account="4100")
    with pytest.raises(InvalidInput, match="4xxx"):
        _record(db, users, now, kind=FundTxnKind.DONATION, category_account="5900")
    result = _record(
        db, users, now, kind=FundTxnKind.EXPENSE, amount_satang=400_00, counterparty="ร้านค้า"
    )
    assert result.receipt is None
    assert account_balance(db, C.OPERATING_EXPENSES) == 400_00
    assert account_balance(db, C.BANK) == 600_00


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"amount_satang": 0}, "amount"),
        ({"counterparty": "  "}, "counterparty"),
        ({"description": ""}, "description"),
        ({"money_account": "5900"}, "money_account"),
    ],
)
def test_bad_input_is_refused_on_its_field(db, users, now, kwargs, field):
    with pytest.raises(InvalidInput) as err:
        _record(db, users, now, **kwargs)
    assert err.value.field == field
    assert account_balance(db, C.BANK) == 0


def test_the_same_form_key_records_once(db, users, now):
    first = _record(db, users, now, idempotency_key="fund-once")
    again = _record(db, users, now, idempotency_key="fund-once")
    assert again.replayed and again.txn.id == first.txn.id
    assert account_balance(db, C.BANK) == 20_000_00
