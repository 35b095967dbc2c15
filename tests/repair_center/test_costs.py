"""Who pays: the split set on approval, the postings at delivery, payments and warranty returns."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from fund.errors import Conflict, InvalidInput
from fund.ledger.accounts import AccountCode
from fund.ledger.models import JournalEntry
from fund.ledger.queries import account_balance, member_receivable_balance
from repair_center.accounting import member_share
from repair_center.devices.models import Acquisition
from repair_center.devices.services import register_device
from repair_center.jobs.models import PaymentBasis
from repair_center.jobs.payments import outstanding_on_job, record_payment
from repair_center.jobs.services import (
    approve_job,
    assess_job,
    cancel_job,
    deliver_job,
    finish_job,
    open_job,
    record_labour,
    start_job,
)
from repair_center.jobs.states import Outcome
from repair_center.parts.models import FundingSource
from repair_center.parts.services import create_part, receive_parts, return_part, use_part

from .conftest import assert_books_agree

H = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("total", "percent", "share"),
    [
        (450_00, 33, 148_50),
        (3, 50, 2),
        (1, 50, 1),
        (1, 49, 0),
        (999, 0, 0),
        (999, 100, 999),
        (100_01, 25, 25_00),
        (100_02, 25, 25_01),
    ],
)
def test_member_share_rounds_half_up_to_the_satang(total, percent, share):
    assert member_share(total, percent) == share


@pytest.fixture
def shop(db, users, now, cash):
    """Two tyres in stock at ฿150 each."""
    tyre = create_part(
        db,
        code="TYRE-24",
        name="ยางนอก 24 นิ้ว",
        unit="เส้น",
        reorder_level=1,
        actor=users["repair"],
        now=now,
    )
    receive_parts(
        db,
        part=tyre,
        quantity=4,
        unit_cost_satang=150_00,
        received_on=now.date(),
        funding=FundingSource.CASH,
        actor=users["repair"],
        now=now,
    )
    return tyre


def run_job(db, users, now, job, *, basis, percent=None, note=""):
    """Assess, approve with the split and start the work."""
    user, t = users["repair"], now
    assess_job(db, job=job, assessment="ยางสึกทั้งสองข้าง", actor=user, now=t + H)
    approve_job(
        db, job=job, basis=basis, member_share_percent=percent, note=note, actor=user, now=t + 2 * H
    )
    start_job(db, job=job, actor=user, now=t + 3 * H)
    return job


def fit_and_deliver(db, users, now, job, part, *, tyres=2, minutes=90, delivered_on=None):
    user = users["repair"]
    if tyres:
        use_part(
            db, job=job, part=part, quantity=tyres, used_on=now.date(), actor=user, now=now + 4 * H
        )
    if minutes:
        record_labour(
            db,
            job=job,
            technician=user,
            worked_on=now.date(),
            minutes=minutes,
            rate_satang=100_00,
            actor=user,
            now=now + 4 * H,
        )
    finish_job(db, job=job, actor=user, now=now + 5 * H)
    deliver_job(
        db,
        job=job,
        outcome=Outcome.FIXED,
        delivered_on=delivered_on or now.date(),
        fitting_checked=True,
        training_given=True,
        actor=user,
        now=now + 6 * H,
    )
    return job


@pytest.mark.parametrize(
    ("basis", "percent", "note", "charged"),
    [
        (PaymentBasis.FUND, None, "", 0),
        (PaymentBasis.MEMBER, None, "", 450_00),
        (PaymentBasis.SHARED, 33, "", 148_50),
        (PaymentBasis.WAIVED, None, "ครอบครัวยากจน ผู้ใหญ่บ้านรับรอง", 0),
    ],
)
def test_delivery_posts_the_cost_and_bills_the_members_share(
    db, users, now, cash, shop, new_job, members, basis, percent, note, charged
):
    job = new_job()
    run_job(db, users, now, job, basis=basis, percent=percent, note=note)
    fit_and_deliver(db, users, now, job, shop)
    assert (job.parts_cost_satang, job.labour_cost_satang) == (300_00, 150_00)
    assert job.member_charge_satang == charged
    assert account_balance(db, AccountCode.REPAIR_EXPENSE) == 450_00
    assert account_balance(db, AccountCode.PARTS_INVENTORY) == 300_00  # two tyres left
    assert account_balance(db, AccountCode.CASH) == cash - 600_00 - 150_00  # tyres, labour
    assert account_balance(db, AccountCode.REPAIR_INCOME) == -charged
    assert member_receivable_balance(db, members[0].id) == charged
    # the fund's net cost is its share
    net = account_balance(db, AccountCode.REPAIR_EXPENSE) + account_balance(
        db, AccountCode.REPAIR_INCOME
    )
    assert net == 450_00 - charged
    entry = db.scalar(select(JournalEntry).where(JournalEntry.source == "repair.delivery"))
    assert entry.source_id == job.id
    assert_books_agree(db)


def test_a_job_with_no_cost_posts_nothing(db, users, now, cash, shop, new_job):
    job = new_job()
    run_job(db, users, now, job, basis=PaymentBasis.MEMBER)
    fit_and_deliver(db, users, now, job, shop, tyres=0, minutes=0)
    assert db.scalar(select(func.count()).where(JournalEntry.source == "repair.delivery")) == 0
    assert outstanding_on_job(db, job) == 0


@pytest.mark.parametrize(
    ("basis", "percent", "note", "field"),
    [
        (PaymentBasis.SHARED, None, "", "member_share_percent"),
        (PaymentBasis.SHARED, 100, "", "member_share_percent"),
        (PaymentBasis.SHARED, 0, "", "member_share_percent"),
        (PaymentBasis.WAIVED, None, " ", "note"),
        (PaymentBasis.WARRANTY, None, "", "basis"),
    ],
)
def test_approval_refuses_an_incomplete_split(db, users, now, new_job, basis, percent, note, field):
    job = new_job()
    assess_job(db, job=job, assessment="x", actor=users["repair"], now=now)
    with pytest.raises(InvalidInput) as err:
        approve_job(
            db,
            job=job,
            basis=basis,
            member_share_percent=percent,
            note=note,
            actor=users["repair"],
            now=now,
        )
    assert err.value.field == field
    assert job.payment_basis is None


def test_a_center_device_cannot_be_billed_to_a_member(db, users, now, types):
    device = register_device(
        db,
        device_type=types["walker"],
        acquisition=Acquisition.DONATED,
        owner=None,
        recorded_by=users["repair"],
        now=now,
    )
    job = open_job(
        db,
        device=device,
        fault="ขาโยก",
        received_on=now.date(),
        recorded_by=users["repair"],
        now=now,
    )
    assert job.member_id is None
    assess_job(db, job=job, assessment="x", actor=users["repair"], now=now)
    with pytest.raises(InvalidInput):
        approve_job(db, job=job, basis=PaymentBasis.MEMBER, actor=users["repair"], now=now)


def test_payments_in_instalments_clear_the_debt_and_overpaying_is_refused(
    db, users, now, cash, shop, new_job, members
):
    job = new_job()
    run_job(db, users, now, job, basis=PaymentBasis.MEMBER)
    with pytest.raises(Conflict):  # nothing to pay before delivery
        record_payment(
            db, job=job, amount_satang=100_00, paid_on=now.date(), actor=users["repair"], now=now
        )
    fit_and_deliver(db, users, now, job, shop)
    later = now + dt.timedelta(days=1)
    record_payment(
        db, job=job, amount_satang=200_00, paid_on=later.date(), actor=users["repair"], now=later
    )
    assert outstanding_on_job(db, job) == 250_00
    with pytest.raises(Conflict) as err:
        record_payment(
            db,
            job=job,
            amount_satang=250_01,
            paid_on=later.date(),
            actor=users["repair"],
            now=later,
        )
    assert "250.00" in err.value.message_th
    for bad in (0, -5):
        with pytest.raises(InvalidInput):
            record_payment(
                db,
                job=job,
                amount_satang=bad,
                paid_on=later.date(),
                actor=users["repair"],
                now=later,
            )
    record_payment(
        db,
        job=job,
        amount_satang=250_00,
        paid_on=later.date(),
        actor=users["repair"],
        now=later,
        paid_into="bank",
    )
    assert outstanding_on_job(db, job) == 0
    assert member_receivable_balance(db, members[0].id) == 0
    assert account_balance(db, AccountCode.BANK) == cash + 250_00
    assert_books_agree(db)


def test_a_double_submitted_payment_is_recorded_once(db, users, now, cash, shop, new_job):
    job = new_job()
    run_job(db, users, now, job, basis=PaymentBasis.MEMBER)
    fit_and_deliver(db, users, now, job, shop)
    first = record_payment(
        db,
        job=job,
        amount_satang=100_00,
        paid_on=now.date(),
        actor=users["repair"],
        now=now + 7 * H,
        idempotency_key="k-1",
    )
    again = record_payment(
        db,
        job=job,
        amount_satang=100_00,
        paid_on=now.date(),
        actor=users["repair"],
        now=now + 7 * H,
        idempotency_key="k-1",
    )
    assert again.id == first.id
    assert outstanding_on_job(db, job) == 350_00
    assert_books_agree(db)


def test_a_return_inside_the_warranty_is_free_by_default(
    db, users, now, cash, shop, new_job, wheelchair
):
    first = new_job()
    run_job(db, users, now, first, basis=PaymentBasis.MEMBER)
    fit_and_deliver(db, users, now, first, shop)
    back = now + dt.timedelta(days=30)
    second = new_job(at=back)
    assert second.return_of_job_id == first.id
    run_job(db, users, back, second, basis=None)
    assert second.payment_basis is PaymentBasis.WARRANTY
    fit_and_deliver(db, users, back, second, shop, tyres=1, minutes=30)
    assert second.member_charge_satang == 0
    assert member_receivable_balance(db, wheelchair.owner_member_id) == 450_00  # first job only
    assert_books_agree(db)


def test_charging_a_warranty_return_needs_a_reason(db, users, now, cash, shop, new_job):
    first = new_job()
    run_job(db, users, now, first, basis=PaymentBasis.FUND)
    fit_and_deliver(db, users, now, first, shop, tyres=0)
    back = now + dt.timedelta(days=10)
    second = new_job(at=back)
    assess_job(db, job=second, assessment="ล้อหลุดเพราะผู้ใช้ตก", actor=users["repair"], now=back)
    with pytest.raises(InvalidInput):
        approve_job(db, job=second, basis=PaymentBasis.MEMBER, actor=users["repair"], now=back)
    approve_job(
        db,
        job=second,
        basis=PaymentBasis.MEMBER,
        note="เสียจากอุบัติเหตุ ไม่ใช่ฝีมือช่าง",
        actor=users["repair"],
        now=back,
    )
    assert second.member_share_percent == 100


def test_after_the_warranty_a_return_is_an_ordinary_job(db, users, now, cash, shop, new_job):
    first = new_job()
    run_job(db, users, now, first, basis=PaymentBasis.FUND)
    fit_and_deliver(db, users, now, first, shop, tyres=0)
    back = now + dt.timedelta(days=91, hours=8)
    second = new_job(at=back)
    assert second.return_of_job_id is None
    run_job(db, users, back, second, basis=None)
    assert second.payment_basis is PaymentBasis.FUND


def test_cancelling_expenses_parts_left_on_the_job_and_nothing_else(
    db, users, now, cash, shop, new_job, wheelchair
):
    job = new_job()
    run_job(db, users, now, job, basis=PaymentBasis.MEMBER)
    use_part(
        db,
        job=job,
        part=shop,
        quantity=2,
        used_on=now.date(),
        actor=users["repair"],
        now=now + 4 * H,
    )
    return_part(
        db,
        job=job,
        part=shop,
        quantity=1,
        returned_on=now.date(),
        actor=users["repair"],
        now=now + 4 * H,
    )
    cancel_job(db, job=job, reason="สมาชิกย้ายไปอยู่ต่างจังหวัด", actor=users["repair"], now=now + 5 * H)
    assert account_balance(db, AccountCode.REPAIR_EXPENSE) == 150_00
    assert account_balance(db, AccountCode.PARTS_INVENTORY) == 450_00
    assert member_receivable_balance(db, wheelchair.owner_member_id) == 0
    assert_books_agree(db)


def test_labour_is_checked_and_rounded_half_up(db, users, now, new_job):
    job = new_job()
    with pytest.raises(Conflict):  # not assessed yet
        record_labour(
            db,
            job=job,
            technician=users["repair"],
            worked_on=now.date(),
            minutes=30,
            actor=users["repair"],
            now=now,
        )
    assess_job(db, job=job, assessment="x", actor=users["repair"], now=now)
    for bad in (0, -10, 24 * 60 + 1):
        with pytest.raises(InvalidInput):
            record_labour(
                db,
                job=job,
                technician=users["repair"],
                worked_on=now.date(),
                minutes=bad,
                actor=users["repair"],
                now=now,
            )
    entry = record_labour(
        db,
        job=job,
        technician=users["repair"],
        worked_on=now.date(),
        minutes=1,
        rate_satang=100_00,
        actor=users["repair"],
        now=now,
    )
    assert entry.amount_satang == 1_67  # ฿100/h for one minute = ฿1.666…
    default = record_labour(
        db,
        job=job,
        technician=users["repair"],
        worked_on=now.date(),
        minutes=60,
        actor=users["repair"],
        now=now,
    )
    assert default.rate_satang == 100_00
