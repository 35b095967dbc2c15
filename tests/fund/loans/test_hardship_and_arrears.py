from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from fund.errors import Conflict, InvalidInput, NotAllowed
from fund.ledger.accounts import AccountCode
from fund.ledger.models import JournalEntry
from fund.ledger.queries import account_balance, loan_balance
from fund.loans.arrears import bucket_for, follow_up_list, portfolio_at_risk
from fund.loans.models import Instalment, LoanNote, LoanStatus, NoteKind, PayChannel
from fund.loans.services import (
    add_note,
    record_repayment,
    reschedule_loan,
    reverse_repayment,
    write_off_loan,
)
from fund.loans.state import loan_position

from .conftest import key


def pay(kit, loan, baht, on):
    return record_repayment(
        kit.db, loan=loan, amount_satang=baht * 100, paid_on=on, channel=PayChannel.CASH,
        recorded_by=kit.maker, now=kit.now, idempotency_key=key(),
    )  # fmt: skip


def resolution(**kw):
    base = {
        "reason": "ป่วยเข้าโรงพยาบาล 2 เดือน รถเข็นเสีย",
        "meeting_no": "9/2568",
        "meeting_date": dt.date(2025, 9, 30),
        "resolution": "ให้ปรับโครงสร้างหนี้ตามที่เสนอ",
    }
    base.update(kw)
    return base


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(0, None), (1, "1-30"), (30, "1-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"),
     (90, "61-90"), (91, "90+"), (400, "90+")],
)  # fmt: skip
def test_aging_bucket_boundaries(days, bucket):
    assert bucket_for(days) == bucket


def test_days_overdue_count_from_the_oldest_unpaid_instalment(kit, db):
    loan = kit.loan("zero", 0, 1000, 4)  # due 15 Feb, 15 Mar, 15 Apr, 15 May
    position = loan_position(db, loan)
    assert position.days_overdue(dt.date(2025, 2, 15)) == 0  # due today is not late
    assert position.days_overdue(dt.date(2025, 2, 16)) == 1
    pay(kit, loan, 250, dt.date(2025, 3, 1))
    position = loan_position(db, loan)
    assert position.days_overdue(dt.date(2025, 3, 16)) == 1  # now no. 2 is the oldest


def test_portfolio_at_risk_and_buckets(kit, db):
    on_time = kit.loan("zero", 0, 1000, 10, start=dt.date(2025, 10, 1))  # first due 1 Nov
    pay(kit, on_time, 100, dt.date(2025, 11, 1))
    late_20 = kit.loan("zero", 0, 2000, 10, start=dt.date(2025, 9, 30))  # due 30 Oct: 21 days
    late_45 = kit.loan("zero", 0, 3000, 10, start=dt.date(2025, 9, 5))  # due 5 Oct: 46 days
    late_120 = kit.loan("zero", 0, 4000, 10, start=dt.date(2025, 6, 20))  # due 20 Jul: 123 days
    par = portfolio_at_risk(db, as_of=dt.date(2025, 11, 20))
    assert par.active_loans == 4
    assert par.outstanding_satang == 90000 + 200000 + 300000 + 400000
    buckets = {b.name: b for b in par.buckets}
    assert buckets["1-30"].loans == 1 and buckets["1-30"].outstanding_satang == 200000
    assert buckets["31-60"].loans == 1
    assert buckets["61-90"].loans == 0
    assert buckets["90+"].loans == 1
    assert buckets["90+"].overdue_satang == 4 * 40000  # Jul, Aug, Sep, Oct unpaid
    assert par.at_risk_30_satang == 700000
    assert par.par30 == Decimal("70.71")  # 7,000 of 9,900
    follow = follow_up_list(db, as_of=dt.date(2025, 11, 20))
    assert [r.loan_id for r in follow] == [late_120.id, late_45.id, late_20.id]
    assert follow[0].phone == "081-234-5678" and follow[0].village == "บ้านแจ้ซ้อน"
    assert follow[0].days_overdue == 123


def test_par_is_zero_without_loans(db, kit):
    par = portfolio_at_risk(db, as_of=dt.date(2025, 11, 20))
    assert par.par30 == Decimal("0.00") and par.active_loans == 0


def test_the_note_log_keeps_calls_visits_and_promises(kit, db):
    loan = kit.loan("zero", 0, 1000, 4)
    add_note(db, loan=loan, kind=NoteKind.VISIT, text="เยี่ยมบ้าน ลูกสุกรป่วย",
             noted_on=dt.date(2025, 3, 20), recorded_by=kit.maker, now=kit.now)  # fmt: skip
    add_note(db, loan=loan, kind=NoteKind.PROMISE, text="จะชำระหลังขายสุกร",
             noted_on=dt.date(2025, 3, 21), promised_on=dt.date(2025, 4, 30),
             recorded_by=kit.maker, now=kit.now)  # fmt: skip
    with pytest.raises(InvalidInput) as err:
        add_note(db, loan=loan, kind=NoteKind.PROMISE, text="จะชำระ",
                 noted_on=dt.date(2025, 3, 21), recorded_by=kit.maker, now=kit.now)  # fmt: skip
    assert err.value.field == "promised_on"
    with pytest.raises(InvalidInput):
        add_note(db, loan=loan, kind=NoteKind.NOTE, text="  ", noted_on=dt.date(2025, 3, 21),
                 recorded_by=kit.maker, now=kit.now)  # fmt: skip
    notes = db.scalars(select(LoanNote).where(LoanNote.loan_id == loan.id)).all()
    assert len(notes) == 2
    follow = follow_up_list(db, as_of=dt.date(2025, 4, 1))
    assert follow[0].promised_on == dt.date(2025, 4, 30)


def test_reschedule_spreads_what_is_left_and_carries_overdue_interest(kit, db):
    loan = kit.loan("declining", 1200, 5000, 18)
    pay(kit, loan, 305, dt.date(2025, 2, 15))
    # Nothing paid since: instalments of 15 Mar … 15 Sep are overdue on 30 Sep.
    position = loan_position(db, loan)
    overdue_interest = sum(
        r.unpaid_interest for r in position.rows if r.inst.due_date <= dt.date(2025, 9, 30)
    )
    record = reschedule_loan(
        db, loan=loan, effective_on=dt.date(2025, 9, 30), new_term_months=24,
        recorded_by=kit.maker, now=kit.now, **resolution(),
    )  # fmt: skip
    assert record.outstanding_satang == 474500
    assert record.carried_interest_satang == overdue_interest
    rows = loan_position(db, loan).rows
    assert len(rows) == 25  # the paid no. 1 and 24 new ones
    assert rows[1].inst.due_date == dt.date(2025, 10, 30)
    assert rows[1].inst.no == 2
    assert rows[1].inst.interest_satang == 4745 + overdue_interest
    assert sum(r.inst.principal_satang for r in rows[1:]) == 474500
    old = db.scalars(
        select(Instalment).where(
            Instalment.loan_id == loan.id, Instalment.superseded_by_reschedule_id == record.id
        )
    ).all()
    assert len(old) == 17  # history kept
    assert loan_balance(db, loan.id) == 474500  # no money moved


def test_reschedule_can_freeze_interest_and_set_the_instalment(kit, db):
    loan = kit.loan("flat", 1200, 5000, 18)
    record = reschedule_loan(
        db, loan=loan, effective_on=dt.date(2025, 3, 1), new_instalment_satang=50000,
        freeze_interest=True, recorded_by=kit.maker, now=kit.now, **resolution(
            meeting_date=dt.date(2025, 2, 28)),
    )  # fmt: skip
    rows = loan_position(db, loan).rows
    assert record.new_term_months == 10
    assert [r.inst.principal_satang for r in rows] == [50000] * 10
    # Instalment 1 (due 15 Feb) was overdue: its 50 baht interest is carried, later ones are 0.
    assert rows[0].inst.interest_satang == 5000
    assert all(r.inst.interest_satang == 0 for r in rows[1:])
    assert loan.interest_frozen


def test_reschedule_needs_a_resolution_and_one_of_term_or_instalment(kit, db):
    loan = kit.loan("zero", 0, 1000, 4)
    with pytest.raises(InvalidInput) as err:
        reschedule_loan(db, loan=loan, effective_on=dt.date(2025, 3, 1), new_term_months=6,
                        recorded_by=kit.maker, now=kit.now,
                        **resolution(resolution=""))  # fmt: skip
    assert err.value.field == "resolution"
    with pytest.raises(InvalidInput):
        reschedule_loan(db, loan=loan, effective_on=dt.date(2025, 3, 1), new_term_months=6,
                        new_instalment_satang=100, recorded_by=kit.maker, now=kit.now,
                        **resolution())  # fmt: skip
    with pytest.raises(InvalidInput):
        reschedule_loan(db, loan=loan, effective_on=dt.date(2025, 3, 1), recorded_by=kit.maker,
                        now=kit.now, **resolution())  # fmt: skip
    assert len(loan_position(db, loan).rows) == 4


def test_history_before_a_reschedule_is_fixed(kit, db):
    loan = kit.loan("zero", 0, 1000, 4)
    r = pay(kit, loan, 250, dt.date(2025, 2, 15))
    reschedule_loan(db, loan=loan, effective_on=dt.date(2025, 4, 1), new_term_months=6,
                    recorded_by=kit.maker, now=kit.now, **resolution())  # fmt: skip
    with pytest.raises(Conflict):
        reverse_repayment(db, repayment=r, reason="ผิด", recorded_by=kit.maker, now=kit.now)
    with pytest.raises(Conflict):
        pay(kit, loan, 100, dt.date(2025, 3, 15))
    pay(kit, loan, 125, dt.date(2025, 5, 1))  # after it is fine


def test_write_off_posts_the_principal_left_to_5040(kit, db):
    loan = kit.loan("declining", 1200, 5000, 18)
    pay(kit, loan, 305, dt.date(2025, 2, 15))
    before = account_balance(db, AccountCode.LOAN_WRITE_OFF)
    wo = write_off_loan(
        db, loan=loan, written_off_on=dt.date(2025, 10, 1), recorded_by=kit.maker, now=kit.now,
        idempotency_key=key(), **resolution(reason="สมาชิกเสียชีวิต ไม่มีทายาทรับภาระ"),
    )  # fmt: skip
    assert wo.principal_satang == 474500
    assert wo.waived_interest_satang > 0
    assert account_balance(db, AccountCode.LOAN_WRITE_OFF) - before == 474500
    assert loan_balance(db, loan.id) == 0
    assert loan.status is LoanStatus.WRITTEN_OFF
    entry = db.get(JournalEntry, wo.entry_id)
    assert entry.source == "loan.write_off"
    with pytest.raises(Conflict):
        pay(kit, loan, 100, dt.date(2025, 10, 2))


def test_write_off_is_idempotent_and_needs_a_resolution_and_a_committee_member(kit, db, users):
    loan = kit.loan("zero", 0, 1000, 4)
    with pytest.raises(InvalidInput):
        write_off_loan(db, loan=loan, written_off_on=dt.date(2025, 10, 1), recorded_by=kit.maker,
                       now=kit.now, idempotency_key=key(),
                       **resolution(resolution=" "))  # fmt: skip
    with pytest.raises(NotAllowed):
        write_off_loan(db, loan=loan, written_off_on=dt.date(2025, 10, 1),
                       recorded_by=users["auditor"], now=kit.now, idempotency_key=key(),
                       **resolution())  # fmt: skip
    assert loan.status is LoanStatus.ACTIVE
    k = key()
    a = write_off_loan(db, loan=loan, written_off_on=dt.date(2025, 10, 1), recorded_by=kit.maker,
                       now=kit.now, idempotency_key=k, **resolution())  # fmt: skip
    b = write_off_loan(db, loan=loan, written_off_on=dt.date(2025, 10, 1), recorded_by=kit.maker,
                       now=kit.now, idempotency_key=k, **resolution())  # fmt: skip
    assert a.id == b.id
    assert account_balance(db, AccountCode.LOAN_WRITE_OFF) == 100000
