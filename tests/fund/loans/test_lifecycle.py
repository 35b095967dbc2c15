from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from fund.audit.models import AuditEntry
from fund.errors import Conflict, InvalidInput, NotAllowed
from fund.ledger.accounts import AccountCode
from fund.ledger.models import JournalEntry
from fund.ledger.queries import account_balance, loan_balance
from fund.loans.models import (
    ApplicationStatus,
    Instalment,
    LoanAgreement,
    LoanStatus,
    PayChannel,
)
from fund.loans.services import (
    approve_application,
    disburse_loan,
    record_application,
    reject_application,
)
from fund.loans.state import loan_position
from fund.members.models import MemberStatus

from .conftest import key


def approve(kit, app, user=None, **kw):
    return approve_application(
        kit.db,
        application=app,
        decided_by=user or kit.checker,
        meeting_no=kw.pop("meeting_no", "2/2568"),
        meeting_date=kw.pop("meeting_date", dt.date(2025, 1, 10)),
        resolution=kw.pop("resolution", "อนุมัติให้กู้ 5,000 บาท 18 งวด"),
        now=kit.now,
        **kw,
    )


def test_the_recorder_can_never_approve_their_own_application(kit):
    app = kit.application(kit.product())
    with pytest.raises(NotAllowed) as err:
        approve(kit, app, user=kit.maker)
    assert "กรรมการอีกท่านหนึ่ง" in err.value.message_th
    with pytest.raises(NotAllowed):
        reject_application(
            kit.db, application=app, decided_by=kit.maker, meeting_no="1/2568",
            meeting_date=dt.date(2025, 1, 10), resolution="ไม่อนุมัติ", now=kit.now,
        )  # fmt: skip
    assert app.status is ApplicationStatus.PENDING
    assert app.decided_by_id is None


@pytest.mark.parametrize("who", ["admin", "auditor", "repair"])
def test_only_committee_members_decide(kit, users, who):
    app = kit.application(kit.product())
    with pytest.raises(NotAllowed):
        approve(kit, app, user=users[who])


def test_a_different_committee_member_approves_and_the_agreement_keeps_the_terms(kit, db):
    product = kit.product("declining", 1200)
    app = kit.application(product, 5000, 18)
    loan = approve(kit, app, meeting_no="2/2568")
    assert loan.status is LoanStatus.APPROVED
    assert loan.loan_no.startswith("L-2568-")
    assert app.status is ApplicationStatus.APPROVED
    assert app.decided_by_id == kit.checker.id
    agreement = db.scalar(select(LoanAgreement).where(LoanAgreement.loan_id == loan.id))
    assert agreement.principal_satang == 500000
    assert agreement.annual_rate_bp == 1200
    assert agreement.meeting_no == "2/2568"
    assert agreement.approved_by_id == kit.checker.id
    # Nothing is posted before the money is handed over.
    assert loan_balance(db, loan.id) == 0
    assert db.scalars(select(Instalment).where(Instalment.loan_id == loan.id)).all() == []
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "loan_application.approve"))
    assert audit.actor_id == kit.checker.id


def test_approval_needs_the_meeting_and_resolution(kit):
    app = kit.application(kit.product())
    with pytest.raises(InvalidInput) as err:
        approve(kit, app, resolution="  ")
    assert err.value.field == "resolution"
    with pytest.raises(InvalidInput) as err:
        approve(kit, app, meeting_no="")
    assert err.value.field == "meeting_no"
    with pytest.raises(InvalidInput) as err:
        approve(kit, app, meeting_date=None)
    assert err.value.field == "meeting_date"
    with pytest.raises(InvalidInput) as err:
        approve(kit, app, meeting_date=dt.date(2025, 1, 1))  # before the application
    assert err.value.field == "meeting_date"
    assert app.status is ApplicationStatus.PENDING


def test_rejection_records_the_resolution_and_makes_no_loan(kit, db):
    app = kit.application(kit.product())
    reject_application(
        kit.db, application=app, decided_by=kit.checker, meeting_no="2/2568",
        meeting_date=dt.date(2025, 1, 10), resolution="ให้ทำแผนอาชีพเพิ่มเติมแล้วยื่นใหม่",
        now=kit.now,
    )  # fmt: skip
    assert app.status is ApplicationStatus.REJECTED
    with pytest.raises(Conflict):
        approve(kit, app)


def test_amount_and_term_stay_within_the_product(kit):
    product = kit.product(max_baht=10_000, max_term=12)
    with pytest.raises(InvalidInput) as err:
        kit.application(product, 10_001, 12)
    assert err.value.field == "amount"
    with pytest.raises(InvalidInput) as err:
        kit.application(product, 10_000, 13)
    assert err.value.field == "term"
    with pytest.raises(InvalidInput):
        kit.application(product, 0, 12)


def test_an_inactive_member_cannot_apply(kit):
    member = kit.member(status=MemberStatus.SUSPENDED)
    with pytest.raises(Conflict) as err:
        kit.application(kit.product(), member=member)
    assert err.value.field == "member"


def test_one_open_loan_per_member_unless_the_committee_overrides(kit):
    product = kit.product()
    member = kit.member()
    kit.loan(product=product, member=member)
    second = kit.application(product, 2000, 10, member=member)
    with pytest.raises(Conflict) as err:
        approve(kit, second)
    assert err.value.field == "override_open_loan"
    loan = approve(kit, second, override_open_loan=True)
    assert loan.application.open_loan_override is True


def test_approval_may_lower_the_amount(kit):
    app = kit.application(kit.product(), 5000, 18)
    loan = approve(kit, app, approved_amount_satang=300000, approved_term_months=12)
    assert (loan.principal_satang, loan.term_months) == (300000, 12)


def test_disbursement_posts_the_loan_and_fixes_the_schedule(kit, db):
    kit.fund_cash()
    cash_before = account_balance(db, AccountCode.CASH)
    loan = kit.approved(kit.product("flat", 1200), 5000, 18)
    disburse_loan(
        db, loan=loan, disbursed_on=dt.date(2025, 1, 15), channel=PayChannel.BANK,
        recorded_by=kit.maker, now=kit.now, idempotency_key=key(),
    )  # fmt: skip
    assert loan.status is LoanStatus.ACTIVE
    assert loan_balance(db, loan.id) == 500000
    assert account_balance(db, AccountCode.CASH) == cash_before
    entry = db.get(JournalEntry, loan.disbursement_entry_id)
    assert entry.source == "loan.disburse"
    assert entry.source_id == loan.id
    line = next(li for li in entry.lines if li.amount_satang > 0)
    assert (line.loan_id, line.member_id) == (loan.id, loan.member_id)
    rows = loan_position(db, loan).rows
    assert len(rows) == 18
    assert rows[0].inst.due_date == dt.date(2025, 2, 15)
    assert [r.inst.principal_satang for r in rows[:2]] == [27800, 27800]
    assert rows[-1].inst.principal_satang == 27400


def test_disbursement_with_the_same_key_posts_once(kit, db):
    kit.fund_cash()
    loan = kit.approved(kit.product())
    k = key()
    for _ in range(2):
        disburse_loan(
            db, loan=loan, disbursed_on=dt.date(2025, 1, 15), channel=PayChannel.CASH,
            recorded_by=kit.maker, now=kit.now, idempotency_key=k,
        )  # fmt: skip
    assert loan_balance(db, loan.id) == 500000
    with pytest.raises(Conflict):
        disburse_loan(
            db, loan=loan, disbursed_on=dt.date(2025, 1, 15), channel=PayChannel.CASH,
            recorded_by=kit.maker, now=kit.now, idempotency_key=key(),
        )  # fmt: skip


def test_disbursement_before_approval_or_in_the_future_is_refused(kit, db):
    kit.fund_cash()
    loan = kit.approved(kit.product())
    for bad in (dt.date(2025, 1, 9), dt.date(2025, 12, 1)):
        with pytest.raises(InvalidInput) as err:
            disburse_loan(
                db, loan=loan, disbursed_on=bad, channel=PayChannel.CASH,
                recorded_by=kit.maker, now=kit.now, idempotency_key=key(),
            )  # fmt: skip
        assert err.value.field == "disbursed_on"
    assert loan.status is LoanStatus.APPROVED
    assert loan_balance(db, loan.id) == 0


def test_disbursement_without_enough_cash_is_refused_and_leaves_nothing(kit, db):
    loan = kit.approved(kit.product())  # no cash in the fund
    with pytest.raises(Conflict):
        disburse_loan(
            db, loan=loan, disbursed_on=dt.date(2025, 1, 15), channel=PayChannel.CASH,
            recorded_by=kit.maker, now=kit.now, idempotency_key=key(),
        )  # fmt: skip
    assert loan.status is LoanStatus.APPROVED
    assert db.scalars(select(Instalment).where(Instalment.loan_id == loan.id)).all() == []


def test_application_text_is_required_and_no_guarantor_is_asked(kit):
    from fund.loans import models

    columns = {c.name for t in models.Base.metadata.tables.values()
               if t.name.startswith("loan") for c in t.columns}  # fmt: skip
    assert not [c for c in columns if "guarant" in c]
    with pytest.raises(InvalidInput) as err:
        record_application(
            kit.db, member=kit.member(), product=kit.product(), amount_satang=100000,
            term_months=10, purpose=" ", livelihood_plan="x", member_situation="",
            applied_on=dt.date(2025, 1, 5), recorded_by=kit.maker, now=kit.now,
        )  # fmt: skip
    assert err.value.field == "purpose"
