"""Savings rules: monthly once per month, extra deposits, withdrawals within what may be taken."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from fund.audit.models import AuditEntry
from fund.errors import Conflict, InvalidInput
from fund.ledger.accounts import AccountCode
from fund.ledger.models import JournalLine, Receipt
from fund.ledger.queries import account_balance, member_savings_balance
from fund.ledger.receipts import record_reprint
from fund.ledger.services import LineSpec, close_period, post_entry, set_setting
from fund.members.models import MemberStatus
from fund.savings.models import SavingsKind, SavingsTransaction
from fund.savings.queries import member_savings_list, passbook
from fund.savings.services import (
    record_deposit,
    record_withdrawal,
    reverse_savings_transaction,
    set_agreed_amount,
    withdrawable,
)

C = AccountCode
OCT = dt.date(2025, 10, 5)
NOV = dt.date(2025, 11, 5)


def _deposit(db, user, now, member, amount, day=OCT, **kwargs):
    return record_deposit(
        db, member=member, amount_satang=amount, txn_date=day, recorded_by=user, now=now, **kwargs
    )


def _withdraw(db, user, now, member, amount, day=NOV, **kwargs):
    return record_withdrawal(
        db, member=member, amount_satang=amount, txn_date=day, recorded_by=user, now=now, **kwargs
    )


def test_monthly_deposit_posts_gives_a_receipt_and_shows_in_the_passbook(
    db, committee, now, make_member
):
    member = make_member()
    set_agreed_amount(
        db, member=member, amount_satang=100_00, changed_by=committee, now=now, today=OCT
    )
    result = _deposit(db, committee, now, member, 100_00)
    assert member_savings_balance(db, member.id) == 100_00
    assert account_balance(db, C.CASH) == 100_00
    assert result.receipt.fiscal_year == 2569  # October 2025 is in ปีงบประมาณ 2569
    assert result.receipt.payer_name == member.full_name
    assert "ตุลาคม 2568" in result.receipt.purpose
    assert result.entry.source == "savings.deposit" and result.entry.source_id == result.txn.id
    book = passbook(db, member)
    assert book.agreed_monthly_satang == 100_00
    assert [(ln.deposit_satang, ln.balance_satang, ln.receipt_no) for ln in book.lines] == [
        (100_00, 100_00, result.receipt.receipt_no)
    ]
    assert db.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "savings.monthly")
    )


def test_receipt_numbers_run_per_fiscal_year_without_gaps(db, committee, now, make_member):
    member = make_member()
    first = _deposit(db, committee, now, member, 10_00, day=dt.date(2025, 9, 30))
    second = _deposit(db, committee, now, member, 10_00, day=dt.date(2025, 10, 1))
    third = _deposit(
        db, committee, now, member, 10_00, day=dt.date(2025, 10, 2), kind=SavingsKind.EXTRA
    )
    assert (first.receipt.fiscal_year, second.receipt.fiscal_year) == (2568, 2569)
    assert third.receipt.number == second.receipt.number + 1
    assert third.receipt.receipt_no.startswith("2569/")


def test_a_second_monthly_saving_for_the_same_month_is_refused(db, committee, now, make_member):
    member = make_member()
    _deposit(db, committee, now, member, 100_00)
    with pytest.raises(Conflict, match="ฝากเพิ่ม"):
        _deposit(db, committee, now, member, 100_00, day=dt.date(2025, 10, 20))
    extra = _deposit(db, committee, now, member, 50_00, kind=SavingsKind.EXTRA)
    assert extra.txn.for_month is None
    assert member_savings_balance(db, member.id) == 150_00
    # Paying next month's saving early is allowed.
    _deposit(db, committee, now, member, 100_00, for_month=dt.date(2025, 11, 1))
    assert member_savings_balance(db, member.id) == 250_00


def test_after_a_voided_monthly_receipt_the_month_can_be_recorded_again(
    db, committee, now, make_member
):
    member = make_member()
    wrong = _deposit(db, committee, now, member, 1_000_00)
    reverse_savings_transaction(
        db, txn=wrong.txn, reason="พิมพ์ผิด", reversal_date=OCT, recorded_by=committee, now=now
    )
    receipt = db.get(Receipt, wrong.receipt.id)
    assert receipt.is_void and receipt.void_entry.reverses_id == wrong.entry.id
    _deposit(db, committee, now, member, 100_00)
    assert member_savings_balance(db, member.id) == 100_00


@pytest.mark.parametrize("amount", [0, -100])
def test_zero_or_negative_amounts_are_refused_and_post_nothing(
    db, committee, now, make_member, amount
):
    member = make_member()
    lines = db.scalar(select(func.count()).select_from(JournalLine))
    with pytest.raises(InvalidInput):
        _deposit(db, committee, now, member, amount)
    with pytest.raises(InvalidInput):
        _withdraw(db, committee, now, member, amount)
    assert db.scalar(select(func.count()).select_from(JournalLine)) == lines
    assert db.scalar(select(func.count()).select_from(SavingsTransaction)) == 0


def test_members_who_left_cannot_save_but_can_withdraw(db, committee, now, make_member):
    member = make_member()
    _deposit(db, committee, now, member, 100_00)
    member.status = MemberStatus.LEFT
    db.flush()
    with pytest.raises(Conflict, match="พ้นสภาพ"):
        _deposit(db, committee, now, member, 100_00, kind=SavingsKind.EXTRA)
    _withdraw(db, committee, now, member, 100_00)
    assert member_savings_balance(db, member.id) == 0


def test_withdrawal_beyond_the_balance_is_refused_saying_how_much_can_be_taken(
    db, committee, now, make_member
):
    member = make_member()
    _deposit(db, committee, now, member, 300_00)
    with pytest.raises(Conflict, match=r"ถอนได้ไม่เกิน ฿300\.00") as err:
        _withdraw(db, committee, now, member, 300_01)
    assert err.value.field == "amount"
    assert (
        db.scalar(
            select(func.count())
            .select_from(SavingsTransaction)
            .where(SavingsTransaction.kind == SavingsKind.WITHDRAWAL)
        )
        == 0
    )
    _withdraw(db, committee, now, member, 300_00)
    assert member_savings_balance(db, member.id) == 0


def test_backdated_withdrawal_cannot_take_money_not_yet_saved(db, committee, now, make_member):
    member = make_member()
    _deposit(db, committee, now, member, 100_00, day=NOV)
    with pytest.raises(Conflict, match=r"฿0\.00"):
        _withdraw(db, committee, now, member, 50_00, day=OCT)


def test_minimum_balance_applies_only_while_a_loan_is_outstanding(
    db, users, committee, now, make_member
):
    member = make_member()
    _deposit(db, committee, now, member, 1_000_00)
    set_setting(
        db,
        key="savings.min_balance_with_loan_satang",
        value=str(600_00),
        changed_by=committee,
        now=now,
    )
    # Without a loan the whole balance can be withdrawn.
    assert withdrawable(db, member, NOV).available_satang == 1_000_00
    from tests.fund.loans.conftest import Kit

    kit = Kit(db, users, now)
    loan = kit.approved(kit.product(), member=member)  # the member's loan, lent below
    post_entry(
        db,
        entry_date=OCT,
        description="จ่ายเงินกู้",
        source="test.loan",
        lines=[
            LineSpec(C.LOANS_RECEIVABLE, 500_00, loan_id=loan.id, member_id=member.id),
            LineSpec(C.CASH, -500_00),
        ],
        recorded_by=committee,
        now=now,
    )
    can = withdrawable(db, member, NOV)
    assert (can.minimum_satang, can.available_satang) == (600_00, 400_00)
    with pytest.raises(Conflict, match=r"ถอนได้ไม่เกิน ฿400\.00 เพราะสมาชิกมีหนี้เงินกู้"):
        _withdraw(db, committee, now, member, 400_01)
    _withdraw(db, committee, now, member, 400_00)
    assert member_savings_balance(db, member.id) == 600_00


def test_withdrawal_needs_cash_on_hand(db, committee, now, make_member):
    member = make_member()
    _deposit(db, committee, now, member, 100_00, money_account="1020")
    with pytest.raises(Conflict, match="เงินสด"):
        _withdraw(db, committee, now, member, 100_00)
    _withdraw(db, committee, now, member, 100_00, money_account="1020")


def test_same_form_key_twice_posts_once_and_returns_the_same_result(
    db, committee, now, make_member
):
    member = make_member()
    first = _deposit(db, committee, now, member, 100_00, idempotency_key="once-1")
    again = _deposit(db, committee, now, member, 100_00, idempotency_key="once-1")
    assert again.replayed and again.receipt.id == first.receipt.id
    out = _withdraw(db, committee, now, member, 40_00, idempotency_key="once-2")
    out2 = _withdraw(db, committee, now, member, 40_00, idempotency_key="once-2")
    assert out2.replayed and out2.entry.id == out.entry.id
    assert member_savings_balance(db, member.id) == 60_00


def test_closed_period_refuses_savings(db, committee, now, make_member):
    member = make_member()
    close_period(db, year=2025, month=10, closed_by=committee, now=now, today=now.date())
    with pytest.raises(Conflict, match="ปิดแล้ว") as err:
        _deposit(db, committee, now, member, 100_00)
    assert err.value.field == "txn_date"


def test_member_savings_list_and_reprints(db, committee, now, make_member):
    a, b = make_member("ก"), make_member("ข")
    dep = _deposit(db, committee, now, a, 100_00)
    _deposit(db, committee, now, b, 250_00)
    rows = {r.member.id: r.balance_satang for r in member_savings_list(db)}
    assert rows[a.id] == 100_00 and rows[b.id] == 250_00
    assert record_reprint(db, receipt=dep.receipt, printed_by=committee, now=now) == 1
    assert record_reprint(db, receipt=dep.receipt, printed_by=committee, now=now) == 2
