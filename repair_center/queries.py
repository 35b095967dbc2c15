"""Read models for other layers: the job ticket (printed by reports/, tagged on the device)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fund.members.models import Member
from repair_center.jobs.queries import get_job
from repair_center.jobs.states import JobState


@dataclass(frozen=True)
class JobTicket:
    """Everything the A6/A5 job ticket shows. No national ID, no money."""

    job_no: str
    state: JobState
    member_no: str | None
    #: None for a job on the center's own device
    member_name: str | None
    member_phone: str | None
    village: str | None
    device_tag: str
    device_type_th: str
    device_type_en: str
    device_make_model: str
    serial_no: str
    fault: str
    received_on: dt.date
    technician: str | None
    #: set once delivered / ready
    delivered_on: dt.date | None
    warranty_until: dt.date | None
    follow_up_on: dt.date | None
    #: a return inside the warranty of this earlier job
    return_of_job_no: str | None


def job_ticket(session: Session, job_id: int) -> JobTicket:
    from fund.users.models import User

    job = get_job(session, job_id)
    member = session.get(Member, job.member_id) if job.member_id else None
    tech = session.get(User, job.technician_id) if job.technician_id else None
    earlier = get_job(session, job.return_of_job_id) if job.return_of_job_id else None
    device = job.device
    return JobTicket(
        job_no=job.job_no,
        state=job.state,
        member_no=member.member_no if member else None,
        member_name=member.full_name if member else None,
        member_phone=member.phone if member else None,
        village=(f"หมู่ {member.moo} {member.village}".strip() if member and member.moo else None)
        if member
        else None,
        device_tag=device.tag_no,
        device_type_th=device.device_type.name_th,
        device_type_en=device.device_type.name_en,
        device_make_model=" ".join(p for p in (device.make, device.model) if p),
        serial_no=device.serial_no,
        fault=job.fault,
        received_on=job.received_on,
        technician=tech.display_name if tech else None,
        delivered_on=job.delivered_on,
        warranty_until=job.warranty_until,
        follow_up_on=job.follow_up_on,
        return_of_job_no=earlier.job_no if earlier else None,
    )
