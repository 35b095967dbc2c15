"""Payments of the member's share of a delivered job, at once or in instalments."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fund.audit.services import record_audit
from fund.errors import Conflict, InvalidInput
from fund.ledger.accounts import AccountCode
from fund.ledger.services import LineSpec
from fund.money import format_baht
from repair_center import accounting
from repair_center.jobs.models import JobPayment, RepairJob
from repair_center.jobs.states import JobState
from repair_center.sql import total

if TYPE_CHECKING:
    from fund.users.models import User


def paid_on_job(session: Session, job: RepairJob) -> int:
    return session.scalar(
        select(total(JobPayment.amount_satang)).where(JobPayment.job_id == job.id)
    )


def outstanding_on_job(session: Session, job: RepairJob) -> int:
    """What the member still owes on this job (0 before delivery)."""
    if job.state is not JobState.DELIVERED:
        return 0
    return job.member_charge_satang - paid_on_job(session, job)


def record_payment(
    session: Session,
    *,
    job: RepairJob,
    amount_satang: int,
    paid_on: dt.date,
    actor: User,
    now: dt.datetime,
    paid_into: str = "cash",
    idempotency_key: str | None = None,
) -> JobPayment:
    """Record a payment of the member's share (debit cash/bank, credit the member's receivable).

    Refused before delivery, for more than is still owed, and for a zero amount. The same
    one-time key posts once: a double submit returns the first payment.
    """
    if idempotency_key:
        existing = session.scalar(
            select(JobPayment).where(JobPayment.idempotency_key == idempotency_key)
        )
        if existing is not None:
            return existing
    if not isinstance(amount_satang, int) or amount_satang <= 0:
        raise InvalidInput("จำนวนเงินต้องมากกว่า 0", "The amount must be more than 0.", field="amount")
    if paid_into not in accounting.MONEY_ACCOUNTS:
        raise InvalidInput("เลือกรับเป็นเงินสดหรือเข้าธนาคาร", "Choose cash or bank.", field="paid_into")
    if job.state is not JobState.DELIVERED or job.member_id is None:
        raise Conflict(
            f"งาน {job.job_no} ยังไม่มียอดที่สมาชิกต้องชำระ (ชำระได้หลังส่งมอบ)",
            f"Job {job.job_no} has nothing for the member to pay yet (payable after delivery).",
        )
    owed = outstanding_on_job(session, job)
    if amount_satang > owed:
        raise Conflict(
            f"ยอดค้างชำระของงาน {job.job_no} คือ {format_baht(owed)} รับเกินยอดค้างไม่ได้",
            f"Job {job.job_no} has {format_baht(owed)} outstanding; a larger payment is refused.",
            field="amount",
        )
    if paid_on < (job.delivered_on or paid_on):
        raise InvalidInput(
            "วันที่ชำระต้องไม่ก่อนวันส่งมอบ",
            "The payment date cannot be before the delivery.",
            field="paid_on",
        )
    # Payments are append-only: post first, then write the payment once with its entry.
    entry = accounting.post(
        session,
        lines=[
            LineSpec(accounting.MONEY_ACCOUNTS[paid_into], amount_satang),
            LineSpec(
                AccountCode.MEMBER_RECEIVABLES,
                -amount_satang,
                member_id=job.member_id,
                memo=job.job_no,
            ),
        ],
        entry_date=paid_on,
        description=f"รับชำระค่าซ่อม {job.job_no}",
        source="repair.payment",
        source_id=job.id,
        recorded_by=actor,
        now=now,
        idempotency_key=f"repair.payment:{idempotency_key}" if idempotency_key else None,
    )
    payment = JobPayment(
        job_id=job.id,
        member_id=job.member_id,
        paid_on=paid_on,
        amount_satang=amount_satang,
        journal_entry_id=entry.id,
        idempotency_key=idempotency_key or None,
        recorded_by_id=actor.id,
        created_at=now,
    )
    savepoint = session.begin_nested()
    try:
        session.add(payment)
        session.flush()
    except IntegrityError:
        # A twin submit committed first; its payment is the one.
        savepoint.rollback()
        existing = session.scalar(
            select(JobPayment).where(JobPayment.idempotency_key == idempotency_key)
        )
        if existing is not None:
            return existing
        raise
    savepoint.commit()
    record_audit(
        session,
        actor=actor,
        action="repair.payment",
        entity="repair_job",
        entity_id=job.id,
        details={"amount_satang": amount_satang, "payment_id": payment.id},
        at=now,
    )
    session.flush()
    return payment
