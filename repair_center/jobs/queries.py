"""The queue: open jobs with their priority, age and stuck flag, for the board and the list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fund.errors import NotFound
from fund.members.models import Member
from fund.users.models import Role, User
from repair_center.devices.models import ESSENTIAL_CATEGORIES, Device, DeviceType
from repair_center.jobs.models import LabourEntry, RepairJob
from repair_center.jobs.states import OPEN_STATES, JobState, PauseReason
from repair_center.jobs.timing import JobTimes, Step, compute_times
from repair_center.loaners.models import DeviceLoan
from repair_center.settings.services import get_settings


@dataclass(frozen=True)
class QueueRow:
    id: int
    job_no: str
    state: JobState
    pause_reason: PauseReason | None
    member_no: str | None
    member_name: str | None
    village: str | None
    moo: int | None
    device_tag: str
    device_type: str
    device_type_en: str
    fault: str
    technician: str | None
    technician_id: int | None
    received_on: dt.date
    #: whole days since intake
    age_days: int
    #: the member is left without mobility or communication (no loaner covers them)
    urgent: bool
    #: paused longer than the setting allows
    stuck: bool
    #: days in the current state
    days_in_state: int
    has_loaner: bool


def get_job(session: Session, job_id: int) -> RepairJob:
    job = session.get(RepairJob, job_id)
    if job is None:
        raise NotFound("ไม่พบงานซ่อมนี้", "No such repair job.")
    return job


def job_times(job: RepairJob, now: dt.datetime) -> JobTimes:
    return compute_times([Step(e.at, e.to_state) for e in job.events], now)


def _days(later: dt.datetime, earlier: dt.datetime) -> int:
    return max(0, (later - earlier).days)


def list_queue(
    session: Session,
    *,
    now: dt.datetime,
    today: dt.date,
    states: list[JobState] | None = None,
    technician_id: int | None = None,
    village: str | None = None,
    include_closed: bool = False,
    only_stuck: bool = False,
    only_urgent: bool = False,
) -> list[QueueRow]:
    """Jobs in priority order: urgent first, then the oldest intake first."""
    settings = get_settings(session)
    query = (
        select(RepairJob, Member, User)
        .outerjoin(Member, Member.id == RepairJob.member_id)
        .outerjoin(User, User.id == RepairJob.technician_id)
    )
    if states:
        query = query.where(RepairJob.state.in_(states))
    elif not include_closed:
        query = query.where(RepairJob.state.in_(list(OPEN_STATES)))
    if technician_id is not None:
        query = query.where(RepairJob.technician_id == technician_id)
    if village:
        query = query.where(Member.village == village)
    rows = session.execute(query).all()
    covered = _members_with_essential_loaner(session)
    stuck_after = dt.timedelta(days=settings.stuck_after_days)
    result = []
    for job, member, tech in rows:
        since = job.events[-1].at if job.events else job.created_at
        essential = job.device.device_type.category in ESSENTIAL_CATEGORIES
        has_loaner = member is not None and member.id in covered
        urgent = (
            job.is_open
            and member is not None
            and essential
            and not has_loaner
            and job.state is not JobState.CANCELLED
        )
        stuck = job.state is JobState.PAUSED and now - since > stuck_after
        if only_stuck and not stuck:
            continue
        if only_urgent and not urgent:
            continue
        result.append(
            QueueRow(
                id=job.id,
                job_no=job.job_no,
                state=job.state,
                pause_reason=job.pause_reason,
                member_no=member.member_no if member else None,
                member_name=member.full_name if member else None,
                village=member.village if member else None,
                moo=member.moo if member else None,
                device_tag=job.device.tag_no,
                device_type=job.device.device_type.name_th,
                device_type_en=job.device.device_type.name_en,
                fault=job.fault,
                technician=tech.display_name if tech else None,
                technician_id=tech.id if tech else None,
                received_on=job.received_on,
                age_days=max(0, (today - job.received_on).days),
                urgent=urgent,
                stuck=stuck,
                days_in_state=_days(now, since),
                has_loaner=has_loaner,
            )
        )
    result.sort(key=lambda r: (not r.urgent, r.received_on, r.job_no))
    return result


def _members_with_essential_loaner(session: Session) -> set[int]:
    """Members holding an open loan of a mobility or communication device."""
    rows = session.execute(
        select(DeviceLoan.member_id)
        .join(Device, Device.id == DeviceLoan.device_id)
        .join(DeviceType, DeviceType.id == Device.device_type_id)
        .where(DeviceLoan.returned_on.is_(None), DeviceType.category.in_(ESSENTIAL_CATEGORIES))
    ).scalars()
    return set(rows)


def board_columns(rows: list[QueueRow]) -> list[tuple[JobState, list[QueueRow]]]:
    """One column per open state, in workflow order, each in queue order."""
    columns = [state for state in JobState if state in OPEN_STATES]
    return [(state, [r for r in rows if r.state is state]) for state in columns]


def list_technicians(session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.role == Role.REPAIR, User.is_active.is_(True))
            .order_by(User.display_name)
        )
    )


def list_villages(session: Session) -> list[str]:
    return [
        v
        for v in session.scalars(
            select(Member.village)
            .join(RepairJob, RepairJob.member_id == Member.id)
            .distinct()
            .order_by(Member.village)
        )
        if v
    ]


def labour_for(session: Session, job: RepairJob) -> list[LabourEntry]:
    return list(
        session.scalars(
            select(LabourEntry)
            .where(LabourEntry.job_id == job.id)
            .order_by(LabourEntry.worked_on, LabourEntry.id)
        )
    )


def jobs_for_device(session: Session, device: Device) -> list[RepairJob]:
    return list(
        session.scalars(
            select(RepairJob)
            .where(RepairJob.device_id == device.id)
            .order_by(RepairJob.received_on.desc(), RepairJob.id.desc())
        )
    )


@dataclass(frozen=True)
class FollowUpRow:
    kind: str  # "job" or "provision"
    id: int
    reference: str
    member_no: str
    member_name: str
    device_tag: str
    device_type: str
    handed_over_on: dt.date
    follow_up_on: dt.date
    overdue_days: int


def list_follow_ups_due(
    session: Session, *, today: dt.date, within_days: int = 30
) -> list[FollowUpRow]:
    """Delivered jobs and provisions whose follow-up falls before today + ``within_days``."""
    from repair_center.loaners.models import DeviceProvision

    horizon = today + dt.timedelta(days=within_days)
    rows: list[FollowUpRow] = []
    jobs = session.execute(
        select(RepairJob, Member)
        .join(Member, Member.id == RepairJob.member_id)
        .where(
            RepairJob.state == JobState.DELIVERED,
            RepairJob.follow_up_on.is_not(None),
            RepairJob.follow_up_on <= horizon,
        )
    ).all()
    for job, member in jobs:
        rows.append(
            FollowUpRow(
                "job",
                job.id,
                job.job_no,
                member.member_no,
                member.full_name,
                job.device.tag_no,
                job.device.device_type.name_th,
                job.delivered_on,
                job.follow_up_on,
                (today - job.follow_up_on).days,
            )
        )
    provisions = session.execute(
        select(DeviceProvision, Member)
        .join(Member, Member.id == DeviceProvision.member_id)
        .where(DeviceProvision.follow_up_on.is_not(None), DeviceProvision.follow_up_on <= horizon)
    ).all()
    for provision, member in provisions:
        rows.append(
            FollowUpRow(
                "provision",
                provision.id,
                provision.device.tag_no,
                member.member_no,
                member.full_name,
                provision.device.tag_no,
                provision.device.device_type.name_th,
                provision.provided_on,
                provision.follow_up_on,
                (today - provision.follow_up_on).days,
            )
        )
    rows.sort(key=lambda r: (r.follow_up_on, r.reference))
    return rows
