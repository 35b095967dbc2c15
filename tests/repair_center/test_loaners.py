"""Loaners (who holds what since when, overdue) and giving devices to members."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from fund.errors import Conflict, InvalidInput
from fund.ledger.accounts import AccountCode
from fund.ledger.queries import account_balance
from repair_center.devices.models import Acquisition, Condition
from repair_center.devices.services import register_device
from repair_center.jobs.models import PaymentBasis
from repair_center.jobs.queries import list_follow_ups_due, list_queue
from repair_center.jobs.services import (
    approve_job,
    assess_job,
    deliver_job,
    finish_job,
    start_job,
)
from repair_center.jobs.states import Outcome
from repair_center.loaners.models import DeviceLoan, LoanKind, ProvisionFunding
from repair_center.loaners.queries import lendable_devices, list_open_loans
from repair_center.loaners.services import (
    lend_device,
    provide_device,
    record_provision_follow_up,
    return_loan,
)

from .conftest import assert_books_agree

TODAY = dt.date(2025, 11, 20)


@pytest.fixture
def spare(db, users, now, types):
    return register_device(
        db,
        device_type=types["wheelchair_manual"],
        acquisition=Acquisition.DONATED,
        owner=None,
        recorded_by=users["repair"],
        now=now,
        source_name="สภากาชาดไทย",
    )


def lend(db, users, now, device, member, **kw):
    kw.setdefault("kind", LoanKind.LONG_TERM)
    return lend_device(
        db,
        device=device,
        member=member,
        lent_on=kw.pop("lent_on", TODAY),
        actor=users["repair"],
        now=now,
        **kw,
    )


def test_a_loaner_while_repairing_lifts_the_urgent_flag(db, users, now, new_job, spare, members):
    job = new_job()
    [row] = list_queue(db, now=now, today=TODAY)
    assert row.urgent and not row.has_loaner
    lend(db, users, now, spare, members[0], kind=LoanKind.WHILE_REPAIRING, job=job)
    [row] = list_queue(db, now=now, today=TODAY)
    assert not row.urgent and row.has_loaner


def test_one_holder_at_a_time_and_only_the_centers_usable_devices(
    db, users, now, spare, members, wheelchair
):
    lend(db, users, now, spare, members[1])
    with pytest.raises(Conflict):
        lend(db, users, now, spare, members[2])
    with pytest.raises(Conflict):  # a member's own device is not the center's to lend
        lend(db, users, now, wheelchair, members[2])
    assert spare not in lendable_devices(db)
    db.flush()
    with pytest.raises(IntegrityError), db.begin_nested():  # the database agrees
        db.add(
            DeviceLoan(
                device_id=spare.id,
                member_id=members[2].id,
                kind=LoanKind.LONG_TERM,
                lent_on=TODAY,
                due_on=TODAY,
                lent_by_id=users["repair"].id,
                created_at=now,
            )
        )
        db.flush()


def test_a_repair_loan_needs_the_members_open_job(db, users, now, spare, members, new_job):
    with pytest.raises(InvalidInput):
        lend(db, users, now, spare, members[0], kind=LoanKind.WHILE_REPAIRING)
    job = new_job()
    with pytest.raises(InvalidInput):
        lend(db, users, now, spare, members[1], kind=LoanKind.WHILE_REPAIRING, job=job)


def test_long_term_loans_default_their_due_date_and_show_overdue(db, users, now, spare, members):
    loan = lend(db, users, now, spare, members[1], lent_on=TODAY - dt.timedelta(days=100))
    assert loan.due_on == TODAY - dt.timedelta(days=10)
    [row] = list_open_loans(db, today=TODAY)
    assert row.overdue and row.days_overdue == 10 and row.days_held == 100
    assert list_open_loans(db, today=TODAY - dt.timedelta(days=20), only_overdue=True) == []


def test_delivery_waits_for_the_loaner_and_the_loaner_is_overdue_after(
    db, users, now, new_job, spare, members, cash
):
    user = users["repair"]
    job = new_job()
    lend(db, users, now, spare, members[0], kind=LoanKind.WHILE_REPAIRING, job=job)
    assess_job(db, job=job, assessment="x", actor=user, now=now)
    approve_job(db, job=job, basis=PaymentBasis.FUND, actor=user, now=now)
    start_job(db, job=job, actor=user, now=now)
    finish_job(db, job=job, actor=user, now=now)
    [loan] = list_open_loans(db, today=TODAY)
    assert not loan.overdue and loan.due_on is None
    with pytest.raises(Conflict) as err:
        deliver_job(
            db,
            job=job,
            outcome=Outcome.FIXED,
            delivered_on=TODAY,
            fitting_checked=True,
            training_given=True,
            actor=user,
            now=now,
        )
    assert spare.tag_no in err.value.message_th
    loan_row = db.get(DeviceLoan, loan.id)
    return_loan(db, loan=loan_row, returned_on=TODAY, condition=Condition.FAIR, actor=user, now=now)
    assert spare.condition is Condition.FAIR
    with pytest.raises(Conflict):
        return_loan(
            db, loan=loan_row, returned_on=TODAY, condition=Condition.FAIR, actor=user, now=now
        )
    deliver_job(
        db,
        job=job,
        outcome=Outcome.FIXED,
        delivered_on=TODAY,
        fitting_checked=True,
        training_given=True,
        actor=user,
        now=now,
    )
    assert list_open_loans(db, today=TODAY) == []
    assert_books_agree(db)


def test_a_return_before_the_loan_is_refused(db, users, now, spare, members):
    loan = lend(db, users, now, spare, members[1])
    with pytest.raises(InvalidInput):
        return_loan(
            db,
            loan=loan,
            returned_on=TODAY - dt.timedelta(days=1),
            condition=Condition.GOOD,
            actor=users["repair"],
            now=now,
        )


def test_providing_a_fund_bought_device_posts_device_expense_and_changes_owner(
    db, users, now, types, members, cash
):
    cane = register_device(
        db,
        device_type=types["white_cane"],
        acquisition=Acquisition.FUND_PURCHASE,
        owner=None,
        recorded_by=users["repair"],
        now=now,
    )
    provision = provide_device(
        db,
        device=cane,
        member=members[2],
        funding=ProvisionFunding.FUND,
        provided_on=TODAY,
        fitting_checked=True,
        training_given=True,
        cost_satang=450_00,
        actor=users["repair"],
        now=now,
    )
    assert cane.owner_member_id == members[2].id
    assert provision.follow_up_on == TODAY + dt.timedelta(days=180)
    assert account_balance(db, AccountCode.DEVICE_EXPENSE) == 450_00
    assert account_balance(db, AccountCode.CASH) == cash - 450_00
    assert_books_agree(db)


@pytest.mark.parametrize(
    ("funding", "kw", "field"),
    [
        (ProvisionFunding.FUND, {"cost_satang": 0}, "cost"),
        (ProvisionFunding.DONOR, {"donor_name": " "}, "donor_name"),
        (ProvisionFunding.CENTER_STOCK, {"fitting_checked": False}, "fitting_checked"),
        (ProvisionFunding.CENTER_STOCK, {"training_given": False}, "training_given"),
        (ProvisionFunding.FUND, {"cost_satang": 100, "paid_from": "pocket"}, "paid_from"),
    ],
)
def test_provision_refuses_incomplete_details(
    db, users, now, spare, members, cash, funding, kw, field
):
    args = {"fitting_checked": True, "training_given": True} | kw
    with pytest.raises(InvalidInput) as err:
        provide_device(
            db,
            device=spare,
            member=members[0],
            funding=funding,
            provided_on=TODAY,
            actor=users["repair"],
            now=now,
            **args,
        )
    assert err.value.field == field
    assert spare.owner_member_id is None


def test_a_device_on_loan_or_someone_elses_cannot_be_given(
    db, users, now, spare, members, wheelchair
):
    lend(db, users, now, spare, members[1])
    with pytest.raises(Conflict):
        provide_device(
            db,
            device=spare,
            member=members[1],
            funding=ProvisionFunding.CENTER_STOCK,
            provided_on=TODAY,
            fitting_checked=True,
            training_given=True,
            actor=users["repair"],
            now=now,
        )
    with pytest.raises(Conflict):
        provide_device(
            db,
            device=wheelchair,
            member=members[1],
            funding=ProvisionFunding.DONOR,
            donor_name="โรงพยาบาลลำปาง",
            provided_on=TODAY,
            fitting_checked=True,
            training_given=True,
            actor=users["repair"],
            now=now,
        )


def test_donor_devices_record_the_cost_without_moving_fund_money(
    db, users, now, spare, members, cash
):
    provision = provide_device(
        db,
        device=spare,
        member=members[0],
        funding=ProvisionFunding.DONOR,
        donor_name="มูลนิธิอนุเคราะห์คนพิการ",
        cost_satang=3500_00,
        provided_on=TODAY,
        fitting_checked=True,
        training_given=True,
        actor=users["repair"],
        now=now,
    )
    assert provision.journal_entry_id is None
    assert account_balance(db, AccountCode.CASH) == cash
    assert account_balance(db, AccountCode.DEVICE_EXPENSE) == 0


def test_follow_ups_due_list_jobs_and_provisions_and_drop_off_once_done(
    db, users, now, spare, members
):
    provision = provide_device(
        db,
        device=spare,
        member=members[0],
        funding=ProvisionFunding.CENTER_STOCK,
        provided_on=TODAY,
        fitting_checked=True,
        training_given=True,
        follow_up_on=TODAY + dt.timedelta(days=20),
        actor=users["repair"],
        now=now,
    )
    assert [r.reference for r in list_follow_ups_due(db, today=TODAY)] == [spare.tag_no]
    assert list_follow_ups_due(db, today=TODAY, within_days=10) == []
    with pytest.raises(InvalidInput):
        record_provision_follow_up(
            db, provision=provision, followed_up_on=TODAY, notes=" ", actor=users["repair"], now=now
        )
    record_provision_follow_up(
        db,
        provision=provision,
        followed_up_on=TODAY + dt.timedelta(days=20),
        notes="ใช้งานได้ดี เบาะเริ่มขาด",
        actor=users["repair"],
        now=now,
    )
    assert list_follow_ups_due(db, today=TODAY + dt.timedelta(days=400)) == []
