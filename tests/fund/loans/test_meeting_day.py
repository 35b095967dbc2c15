from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from fund.errors import Conflict
from fund.ledger.models import Receipt
from fund.ledger.queries import loan_balance, member_savings_balance
from fund.loans.models import PayChannel, Repayment
from fund.loans.queries import meeting_day_sheet
from fund.loans.services import MeetingPayment, record_meeting_day
from fund.members.models import MemberStatus
from fund.savings.services import set_agreed_amount

from .conftest import key

DAY = dt.date(2025, 3, 10)


def agree(kit, member, baht):
    set_agreed_amount(kit.db, member=member, amount_satang=baht * 100, changed_by=kit.maker,
                      now=kit.now, today=dt.date(2025, 1, 1))  # fmt: skip


def test_the_sheet_lists_every_active_member_with_savings_and_repayment_due(kit, db):
    a = kit.member("สมศรี")
    b = kit.member("บุญมี")
    kit.member("ลาออก", status=MemberStatus.LEFT)
    agree(kit, a, 100)
    agree(kit, b, 50)
    loan = kit.loan("zero", 0, 1000, 4, member=b, start=dt.date(2025, 2, 1))  # due 1 Mar, 1 Apr
    sheet = {line.member_id: line for line in meeting_day_sheet(db, on=DAY)}
    assert a.id in sheet and b.id in sheet
    assert all(line.member_name != "นางลาออก ใจดี" for line in sheet.values())
    assert sheet[a.id].savings_due_satang == 10000
    assert sheet[a.id].loans == []
    (line,) = sheet[b.id].loans
    assert line.loan_id == loan.id
    assert line.overdue_satang == 25000
    assert line.due_satang == 50000  # overdue March + April's current instalment


def test_confirming_posts_everything_in_one_go_with_receipts_in_member_order(kit, db):
    a = kit.member("สมศรี")
    b = kit.member("บุญมี")
    agree(kit, a, 100)
    agree(kit, b, 50)
    loan = kit.loan("zero", 0, 1000, 4, member=b, start=dt.date(2025, 2, 1))
    k = key()
    payments = [
        MeetingPayment(member_id=b.id, savings_satang=5000, repayments={loan.id: 25000}),
        MeetingPayment(member_id=a.id, savings_satang=10000),
    ]
    result = record_meeting_day(db, held_on=DAY, payments=payments, channel=PayChannel.CASH,
                                recorded_by=kit.maker, now=kit.now, idempotency_key=k)  # fmt: skip
    assert (result.savings_count, result.repayment_count) == (2, 1)
    assert result.total_satang == 40000
    receipts = [db.get(Receipt, rid) for rid in result.receipt_ids]
    assert [r.number for r in receipts] == sorted(r.number for r in receipts)
    assert [r.payer_member_id for r in receipts] == [a.id, b.id, b.id]  # a's number is lower
    assert member_savings_balance(db, a.id) == 10000
    assert loan_balance(db, loan.id) == 75000
    # Sent twice: posted once.
    again = record_meeting_day(db, held_on=DAY, payments=payments, channel=PayChannel.CASH,
                               recorded_by=kit.maker, now=kit.now, idempotency_key=k)  # fmt: skip
    assert again.replayed
    assert loan_balance(db, loan.id) == 75000
    assert member_savings_balance(db, a.id) == 10000
    # The month's saving is recorded now: the sheet no longer asks for it.
    sheet = {line.member_id: line for line in meeting_day_sheet(db, on=DAY)}
    assert sheet[a.id].savings_due_satang == 0 and sheet[a.id].savings_recorded


def test_one_bad_line_posts_nothing_and_names_the_member(kit, db):
    a = kit.member("สมศรี")
    b = kit.member("บุญมี")
    loan = kit.loan("zero", 0, 1000, 4, member=b, start=dt.date(2025, 2, 1))
    receipts_before = db.scalar(select(func.count()).select_from(Receipt))
    payments = [
        MeetingPayment(member_id=a.id, savings_satang=10000),
        MeetingPayment(member_id=b.id, repayments={loan.id: 90000}),  # more than due
    ]
    with pytest.raises(Conflict) as err:
        record_meeting_day(db, held_on=DAY, payments=payments, channel=PayChannel.CASH,
                           recorded_by=kit.maker, now=kit.now, idempotency_key=key())  # fmt: skip
    assert b.member_no in err.value.message_th
    assert err.value.field == f"member-{b.id}"
    assert member_savings_balance(db, a.id) == 0
    assert db.scalar(select(func.count()).select_from(Receipt)) == receipts_before
    assert db.scalars(select(Repayment)).all() == []
