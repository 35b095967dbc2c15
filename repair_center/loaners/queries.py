"""Who holds which loaner since when, and which loans are overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fund.errors import NotFound
from fund.members.models import Member
from repair_center.devices.models import Device
from repair_center.jobs.models import RepairJob
from repair_center.jobs.states import JobState
from repair_center.loaners.models import DeviceLoan, DeviceProvision, LoanKind


@dataclass(frozen=True)
class LoanRow:
    id: int
    device_id: int
    device_tag: str
    device_type: str
    member_no: str
    member_name: str
    phone: str
    kind: LoanKind
    job_no: str | None
    lent_on: dt.date
    #: the date it should have come back: the due date, or the job's delivery/cancellation
    due_on: dt.date | None
    days_held: int
    overdue: bool
    days_overdue: int


def get_loan(session: Session, loan_id: int) -> DeviceLoan:
    loan = session.get(DeviceLoan, loan_id)
    if loan is None:
        raise NotFound("ไม่พบรายการยืมนี้", "No such loan.")
    return loan


def get_provision(session: Session, provision_id: int) -> DeviceProvision:
    found = session.get(DeviceProvision, provision_id)
    if found is None:
        raise NotFound("ไม่พบรายการมอบอุปกรณ์นี้", "No such provision.")
    return found


def _job_closed_on(job: RepairJob | None) -> dt.date | None:
    if job is None:
        return None
    if job.state is JobState.DELIVERED:
        return job.delivered_on
    if job.state is JobState.CANCELLED:
        return job.events[-1].at.date() if job.events else None
    return None


def list_open_loans(
    session: Session, *, today: dt.date, only_overdue: bool = False
) -> list[LoanRow]:
    """Loaners still out: overdue first (most overdue first), then by lending date.

    A long-term loan is overdue after its due date; a loan while repairing is overdue once the
    member's own device has been handed back (or the job cancelled) and the loaner is still out.
    """
    rows = session.execute(
        select(DeviceLoan, Member, RepairJob)
        .join(Member, Member.id == DeviceLoan.member_id)
        .outerjoin(RepairJob, RepairJob.id == DeviceLoan.job_id)
        .where(DeviceLoan.returned_on.is_(None))
    ).all()
    result = []
    for loan, member, job in rows:
        due = loan.due_on if loan.kind is LoanKind.LONG_TERM else _job_closed_on(job)
        overdue = due is not None and today > due
        if only_overdue and not overdue:
            continue
        result.append(
            LoanRow(
                id=loan.id,
                device_id=loan.device_id,
                device_tag=loan.device.tag_no,
                device_type=loan.device.device_type.name_th,
                member_no=member.member_no,
                member_name=member.full_name,
                phone=member.phone,
                kind=loan.kind,
                job_no=job.job_no if job else None,
                lent_on=loan.lent_on,
                due_on=due,
                days_held=(today - loan.lent_on).days,
                overdue=overdue,
                days_overdue=(today - due).days if overdue and due else 0,
            )
        )
    result.sort(key=lambda r: (not r.overdue, -r.days_overdue, r.lent_on, r.device_tag))
    return result


def lendable_devices(session: Session) -> list[Device]:
    """Center devices in usable condition, not out on loan and not in for repair."""
    out = select(DeviceLoan.device_id).where(DeviceLoan.returned_on.is_(None))
    in_repair = select(RepairJob.device_id).where(
        RepairJob.state.not_in([JobState.DELIVERED, JobState.CANCELLED])
    )
    devices = session.scalars(
        select(Device)
        .where(
            Device.owner_member_id.is_(None),
            Device.id.not_in(out),
            Device.id.not_in(in_repair),
        )
        .order_by(Device.tag_no)
    )
    return [d for d in devices if d.usable]


def loans_for_job(session: Session, job: RepairJob) -> list[DeviceLoan]:
    return list(
        session.scalars(
            select(DeviceLoan).where(DeviceLoan.job_id == job.id).order_by(DeviceLoan.id)
        )
    )


def loans_for_device(session: Session, device: Device) -> list[DeviceLoan]:
    return list(
        session.scalars(
            select(DeviceLoan)
            .where(DeviceLoan.device_id == device.id)
            .order_by(DeviceLoan.id.desc())
        )
    )


def provisions_for_device(session: Session, device: Device) -> list[DeviceProvision]:
    return list(
        session.scalars(
            select(DeviceProvision)
            .where(DeviceProvision.device_id == device.id)
            .order_by(DeviceProvision.id.desc())
        )
    )
