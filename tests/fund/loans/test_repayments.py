from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from fund.errors import Conflict, InvalidInput, NotAllowed
from fund.ledger.accounts import AccountCode
from fund.ledger.models import JournalEntry, Receipt
from fund.ledger.queries import account_balance, loan_balance
from fund.ledger.services import close_period
from fund.loans.models import LoanStatus, PayChannel, PrepaymentMode, Repayment
from fund.loans.services import record_repayment, reverse_repayment
from fund.loans.state import loan_position

from .conftest import assert_books, key


def pay(kit, loan, baht, on, mode=None, channel=PayChannel.CASH, k=None, user=None):
    return record_repayment(
        kit.db,
        loan=loan,
        amount_satang=round(baht * 100),
        paid_on=on,
        channel=channel,
        recorded_by=user or kit.maker,
        now=kit.now,
        idempotency_key=k or key(),
        prepayment_mode=mode,
    )


def splits(db, loan):
    return [
        (r.fee_satang, r.interest_satang, r.principal_satang)
        for r in db.scalars(
            select(Repayment)
            .where(Repayment.loan_id == loan.id, Repayment.reversed_at.is_(None))
            .order_by(Repayment.paid_on, Repayment.id)
        )
    ]


def test_repayment_pays_interest_before_principal_and_books_interest_as_income(kit, db):
    loan = kit.loan("declining", 1200, 5000, 18)  # first instalment 305 = 255 + 50 interest
    income_before = account_balance(db, AccountCode.INTEREST_INCOME)
    r = pay(kit, loan, 80, dt.date(2025, 2, 15))
    assert (r.fee_satang, r.interest_satang, r.principal_satang) == (0, 5000, 3000)
    assert account_balance(db, AccountCode.INTEREST_INCOME) - income_before == -5000
    assert loan_balance(db, loan.id) == 500000 - 3000
    entry = db.get(JournalEntry, r.entry_id)
    assert entry.source == "loan.repayment" and entry.source_id == r.id
    principal_line = next(li for li in entry.lines if li.loan_id is not None)
    assert principal_line.member_id == loan.member_id
    assert principal_line.amount_satang == -3000


def test_oldest_instalment_is_paid_first(kit, db):
    loan = kit.loan("zero", 0, 1000, 4)  # 250 a month from 15 Feb
    pay(kit, loan, 400, dt.date(2025, 3, 20))  # two are due: 250 to no. 1, 150 to no. 2
    rows = loan_position(db, loan).rows
    assert [r.paid_principal for r in rows] == [25000, 15000, 0, 0]


def test_a_repayment_above_what_is_due_is_refused_unless_it_is_a_prepayment(kit, db):
    loan = kit.loan("zero", 0, 1000, 4)
    with pytest.raises(Conflict) as err:
        pay(kit, loan, 250.01, dt.date(2025, 2, 10))  # only instalment 1 (250) may be paid
    assert "ชำระล่วงหน้า" in err.value.message_th
    assert err.value.field == "amount"
    assert splits(db, loan) == []
    assert loan_balance(db, loan.id) == 100000


def test_a_prepayment_that_is_not_above_what_is_due_is_refused(kit, db):
    loan = kit.loan("zero", 0, 1000, 4)
    with pytest.raises(InvalidInput):
        pay(kit, loan, 250, dt.date(2025, 2, 10), mode=PrepaymentMode.SHORTEN_TERM)
    assert splits(db, loan) == []


def test_prepayment_shortening_the_term_keeps_the_instalment(kit, db):
    loan = kit.loan("zero", 0, 1200, 6)  # 200 a month
    pay(kit, loan, 600, dt.date(2025, 2, 15), mode=PrepaymentMode.SHORTEN_TERM)
    rows = loan_position(db, loan).rows
    # Paid no. 1 (200) + 400 off the principal: 600 left in three instalments of 200.
    assert [r.inst.principal_satang for r in rows] == [20000, 20000, 20000, 20000]
    assert [r.inst.no for r in rows] == [1, 2, 3, 4]
    assert rows[-1].inst.due_date == dt.date(2025, 5, 15)
    assert loan_balance(db, loan.id) == 60000


def test_prepayment_lowering_the_instalments_keeps_the_end_date(kit, db):
    loan = kit.loan("zero", 0, 1200, 6)
    pay(kit, loan, 700, dt.date(2025, 2, 15), mode=PrepaymentMode.LOWER_INSTALMENTS)
    rows = loan_position(db, loan).rows
    # 500 left over the same five months: 100 each.
    assert [r.inst.principal_satang for r in rows[1:]] == [10000] * 5
    assert rows[-1].inst.due_date == dt.date(2025, 7, 15)


def test_prepayment_on_a_declining_loan_saves_interest(kit, db):
    loan = kit.loan("declining", 1200, 5000, 18)
    before = sum(r.inst.interest_satang for r in loan_position(db, loan).rows)
    pay(kit, loan, 2305, dt.date(2025, 2, 15), mode=PrepaymentMode.SHORTEN_TERM)
    rows = loan_position(db, loan).rows
    after = sum(r.inst.interest_satang for r in rows)
    assert after < before
    assert all(r.inst.principal_satang + r.inst.interest_satang == 30500 for r in rows[1:-1])
    assert len(rows) < 18
    assert rows[1].inst.interest_satang == 2745  # 1% of 2,745.00 left


def test_early_payoff_closes_the_loan(kit, db):
    loan = kit.loan("flat", 1200, 5000, 18)
    pay(kit, loan, 328, dt.date(2025, 2, 15))
    position = loan_position(db, loan)
    payoff = position.payoff_on(dt.date(2025, 3, 1))
    # Next instalment (328) + the principal of the 16 after it; their interest is not owed.
    assert payoff == 32800 + (472200 - 27800)
    with pytest.raises(Conflict):
        pay(kit, loan, payoff / 100 + 0.01, dt.date(2025, 3, 1), mode=PrepaymentMode.SHORTEN_TERM)
    pay(kit, loan, payoff / 100, dt.date(2025, 3, 1), mode=PrepaymentMode.SHORTEN_TERM)
    assert loan.status is LoanStatus.REPAID
    assert loan.closed_on == dt.date(2025, 3, 1)
    assert loan_balance(db, loan.id) == 0
    with pytest.raises(Conflict):
        pay(kit, loan, 1, dt.date(2025, 3, 2))


def test_paying_every_instalment_repays_the_loan(kit, db):
    loan = kit.loan("zero", 0, 1000, 4)
    for month in (2, 3, 4, 5):
        pay(kit, loan, 250, dt.date(2025, month, 15))
    assert loan.status is LoanStatus.REPAID
    assert loan_balance(db, loan.id) == 0


def test_late_fee_is_charged_once_after_the_grace_days_and_paid_first(kit, db):
    loan = kit.loan("zero", 0, 1000, 4, late_fee=2000, late_days=7)  # 20 baht after 7 days
    position = loan_position(db, loan)
    assert position.overdue_on(dt.date(2025, 2, 22)) == 25000  # 7 days late: no fee yet
    assert position.overdue_on(dt.date(2025, 2, 23)) == 25000 + 2000
    r = pay(kit, loan, 100, dt.date(2025, 2, 23))
    assert (r.fee_satang, r.interest_satang, r.principal_satang) == (2000, 0, 8000)
    r2 = pay(kit, loan, 170, dt.date(2025, 2, 24))
    assert r2.principal_satang == 17000
    assert r2.fee_satang == 0  # charged once per instalment
    assert account_balance(db, AccountCode.FEE_INCOME) == -2000


def test_same_key_records_the_repayment_once(kit, db):
    loan = kit.loan("zero", 0, 1000, 4)
    k = key()
    a = pay(kit, loan, 250, dt.date(2025, 2, 15), k=k)
    b = pay(kit, loan, 250, dt.date(2025, 2, 15), k=k)
    assert a.id == b.id
    assert loan_balance(db, loan.id) == 75000


def test_each_repayment_gets_a_receipt_in_order(kit, db):
    loan = kit.loan("zero", 0, 1000, 4)
    a = pay(kit, loan, 250, dt.date(2025, 2, 15))
    b = pay(kit, loan, 250, dt.date(2025, 3, 15))
    ra, rb = db.get(Receipt, a.receipt_id), db.get(Receipt, b.receipt_id)
    assert rb.number == ra.number + 1
    assert ra.amount_satang == 25000 and ra.payer_member_id == loan.member_id
    assert loan.loan_no in ra.purpose


@pytest.mark.parametrize(
    ("baht", "on", "field"),
    [
        (0, dt.date(2025, 2, 15), "amount"),
        (100, dt.date(2025, 1, 14), "paid_on"),  # before the disbursement
        (100, dt.date(2025, 11, 21), "paid_on"),  # tomorrow
    ],
)
def test_bad_repayments_are_refused_on_the_right_field(kit, db, baht, on, field):
    loan = kit.loan("zero", 0, 1000, 4)
    with pytest.raises(InvalidInput) as err:
        pay(kit, loan, baht, on)
    assert err.value.field == field
    assert splits(db, loan) == []


def test_only_committee_members_take_repayments(kit, users):
    loan = kit.loan("zero", 0, 1000, 4)
    with pytest.raises(NotAllowed):
        pay(kit, loan, 250, dt.date(2025, 2, 15), user=users["auditor"])


def test_reversal_re_applies_the_later_repayments_in_date_order(kit, db):
    loan = kit.loan("declining", 1200, 5000, 18)
    first = pay(kit, loan, 305, dt.date(2025, 2, 15))
    pay(kit, loan, 305, dt.date(2025, 3, 15))
    pay(kit, loan, 100, dt.date(2025, 4, 15))
    assert splits(db, loan) == [(0, 5000, 25500), (0, 4745, 25755), (0, 4487, 5513)]
    reverse_repayment(db, repayment=first, reason="บันทึกผิดสัญญา", recorded_by=kit.maker,
                      now=kit.now)  # fmt: skip
    assert first.is_reversed
    # The later two now pay instalment 1 (50 interest first) and then instalment 2.
    assert splits(db, loan) == [(0, 5000, 25500), (0, 4745, 5255)]
    assert loan_balance(db, loan.id) == 500000 - 25500 - 5255
    receipt = db.get(Receipt, first.receipt_id)
    assert receipt.is_void
    resplit = db.scalars(
        select(JournalEntry).where(JournalEntry.source == "loan.repayment.resplit")
    ).all()
    # Both later ones changed split (the second now pays instalment 1's larger interest).
    assert len(resplit) == 2
    assert account_balance(db, AccountCode.INTEREST_INCOME) == -(5000 + 4745)


def test_a_reversed_repayment_cannot_be_reversed_again(kit, db):
    loan = kit.loan("zero", 0, 1000, 4)
    r = pay(kit, loan, 250, dt.date(2025, 2, 15))
    reverse_repayment(db, repayment=r, reason="ผิด", recorded_by=kit.maker, now=kit.now)
    with pytest.raises(Conflict):
        reverse_repayment(db, repayment=r, reason="ผิด", recorded_by=kit.maker, now=kit.now)
    with pytest.raises(InvalidInput):
        reverse_repayment(db, repayment=r, reason=" ", recorded_by=kit.maker, now=kit.now)


def test_reversing_a_payoff_reopens_the_loan(kit, db):
    loan = kit.loan("zero", 0, 1000, 4)
    r = pay(kit, loan, 1000, dt.date(2025, 2, 15), mode=PrepaymentMode.SHORTEN_TERM)
    assert loan.status is LoanStatus.REPAID
    reverse_repayment(db, repayment=r, reason="เงินไม่เข้าบัญชี", recorded_by=kit.maker,
                      now=kit.now)  # fmt: skip
    assert loan.status is LoanStatus.ACTIVE
    rows = loan_position(db, loan).rows
    assert [r.inst.principal_satang for r in rows] == [25000] * 4
    assert loan_balance(db, loan.id) == 100000


def test_reversing_a_prepayment_restores_the_schedule_and_re_applies_later_ones(kit, db):
    loan = kit.loan("zero", 0, 1200, 6)
    pre = pay(kit, loan, 600, dt.date(2025, 2, 15), mode=PrepaymentMode.SHORTEN_TERM)
    pay(kit, loan, 200, dt.date(2025, 3, 15))
    reverse_repayment(db, repayment=pre, reason="ผิดคน", recorded_by=kit.maker, now=kit.now)
    rows = loan_position(db, loan).rows
    assert [r.inst.principal_satang for r in rows] == [20000] * 6
    assert [r.paid_principal for r in rows] == [20000, 0, 0, 0, 0, 0]
    assert loan_balance(db, loan.id) == 100000


def test_a_backdated_repayment_is_applied_before_the_later_ones(kit, db):
    loan = kit.loan("declining", 1200, 5000, 18)
    pay(kit, loan, 305, dt.date(2025, 3, 20))  # paid instalment 1 late
    pay(kit, loan, 305, dt.date(2025, 2, 15))  # the forgotten February payment, backdated
    # February's pays no. 1; March's is re-applied to no. 2 (interest 47.45).
    assert splits(db, loan) == [(0, 5000, 25500), (0, 4745, 25755)]
    assert loan_balance(db, loan.id) == 500000 - 25500 - 25755


def test_a_backdated_repayment_in_a_closed_period_is_refused(kit, db, users):
    loan = kit.loan("zero", 0, 1000, 4)
    close_period(db, year=2025, month=2, closed_by=users["committee"], now=kit.now,
                 today=dt.date(2025, 11, 20))  # fmt: skip
    with pytest.raises(Conflict):
        pay(kit, loan, 250, dt.date(2025, 2, 15))
    assert splits(db, loan) == []
    pay(kit, loan, 250, dt.date(2025, 3, 1))


def test_reversing_a_re_split_prepayment_also_reverses_its_adjusting_entry(kit, db):
    # Hypothesis's minimal example (test_state_machine): a small repayment that only pays
    # interest, a prepayment the same day, then both reversed. Reversing the first re-splits the
    # prepayment (86 satang more interest, 86 less principal) with an adjusting entry; reversing
    # the prepayment must take that adjusting entry back too, or 1100 and 4010 keep the 0.86.
    day = dt.date(2025, 1, 24)
    loan = kit.loan("equal-principal", 600, 2725, 18, start=day, round_to=1)
    income_before = account_balance(db, AccountCode.INTEREST_INCOME)
    position = loan_position(db, loan)
    assert position.due_on(day) == 15139 + 1363  # instalment 1: principal 151.39 + interest
    small = pay(kit, loan, 0.86, day)
    assert (small.interest_satang, small.principal_satang) == (86, 0)
    position = loan_position(db, loan)
    due, payoff = position.due_on(day), position.payoff_on(day)
    pre = record_repayment(
        db, loan=loan, amount_satang=due + (payoff - due) * 4754 // 23776, paid_on=day,
        channel=PayChannel.CASH, recorded_by=kit.maker, now=kit.now, idempotency_key=key(),
        prepayment_mode=PrepaymentMode.SHORTEN_TERM,
    )  # fmt: skip
    assert pre.interest_satang == 1363 - 86

    reverse_repayment(db, repayment=small, reason="บันทึกซ้ำ", recorded_by=kit.maker, now=kit.now)
    assert pre.interest_satang == 1363
    resplit = db.scalars(
        select(JournalEntry).where(
            JournalEntry.source == "loan.repayment.resplit", JournalEntry.source_id == pre.id
        )
    ).all()
    assert len(resplit) == 1
    assert loan_balance(db, loan.id) == 272500 - pre.principal_satang

    reverse_repayment(db, repayment=pre, reason="ผิดคน", recorded_by=kit.maker, now=kit.now)
    assert loan_balance(db, loan.id) == 272500
    assert account_balance(db, AccountCode.INTEREST_INCOME) == income_before
    assert_books(db)
    reversal = resplit[0].reversed_by
    assert reversal is not None and reversal.entry_date == day
    assert reversal.source == "loan.repayment.resplit.reversal"
