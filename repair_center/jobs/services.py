"""Running a repair job: intake, assessment, approval, work, pauses, delivery, cancellation.

Every move goes through ``_move``, which checks the transition table, appends an event and
updates the job's current state in the same flush. Nothing else changes ``job.state``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from fund.audit.services import record_audit
from fund.errors import Conflict, InvalidInput
from fund.money import round_half_up_satang
from fund.sequences import next_value
from fund.thaidate import fiscal_year, format_be_date
from repair_center import accounting
from repair_center.devices.models import Condition, Device
from repair_center.devices.services import add_history
from repair_center.jobs.models import JobEvent, LabourEntry, PaymentBasis, RepairJob
from repair_center.jobs.states import (
    SIMPLE_MOVES,
    STATE_LABELS_EN,
    STATE_LABELS_TH,
    JobState,
    Outcome,
    PauseReason,
    move_kind,
)
from repair_center.settings.services import get_settings
from repair_center.sql import total

if TYPE_CHECKING:
    from fund.members.models import Member
    from fund.users.models import User

MAX_TEXT = 2000


def _text(value: str, *, field: str, required: bool, what_th: str, what_en: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"กรุณากรอก{what_th}", f"Please enter the {what_en}.", field=field)
    if len(value) > MAX_TEXT:
        raise InvalidInput(
            f"{what_th}ยาวเกินไป (ไม่เกิน {MAX_TEXT} ตัวอักษร)",
            f"The {what_en} is too long ({MAX_TEXT} characters at most).",
            field=field,
        )
    return value


def _illegal(job: RepairJob, to_state: JobState) -> Conflict:
    return Conflict(
        f"งาน {job.job_no} อยู่ในสถานะ «{STATE_LABELS_TH[job.state]}» "
        f"จึงย้ายไป «{STATE_LABELS_TH[to_state]}» ไม่ได้",
        f"Job {job.job_no} is {STATE_LABELS_EN[job.state].lower()}; "
        f"it cannot move to {STATE_LABELS_EN[to_state].lower()}.",
    )


def _move(
    session: Session,
    job: RepairJob,
    to_state: JobState,
    *,
    actor: User,
    now: dt.datetime,
    reason: str = "",
    pause_reason: PauseReason | None = None,
) -> JobEvent:
    if move_kind(job.state, to_state) is None:
        raise _illegal(job, to_state)
    last_at = job.events[-1].at if job.events else None
    if last_at is not None and now < last_at:
        raise Conflict(
            "เวลาของรายการก่อนหน้าอยู่หลังเวลานี้ กรุณาตรวจนาฬิกาของเครื่อง",
            "The previous event is later than now; check the computer's clock.",
        )
    return _append_event(
        session, job, job.state, to_state, actor=actor, now=now, reason=reason, pause=pause_reason
    )


def _append_event(
    session: Session,
    job: RepairJob,
    from_state: JobState | None,
    to_state: JobState,
    *,
    actor: User,
    now: dt.datetime,
    reason: str,
    pause: PauseReason | None,
) -> JobEvent:
    event = JobEvent(
        job_id=job.id,
        seq=len(job.events) + 1,
        at=now,
        actor_id=actor.id,
        from_state=from_state,
        to_state=to_state,
        pause_reason=pause,
        reason=reason,
    )
    job.events.append(event)
    job.state = to_state
    job.pause_reason = pause if to_state is JobState.PAUSED else None
    session.flush()
    record_audit(
        session,
        actor=actor,
        action=f"repair.job.{to_state.value}",
        entity="repair_job",
        entity_id=job.id,
        details={
            "job_no": job.job_no,
            "from": from_state.value if from_state else None,
            "to": to_state.value,
            **({"pause": pause.value} if pause else {}),
        },
        at=now,
    )
    return event


def open_jobs_for_device(session: Session, device: Device) -> list[RepairJob]:
    return list(
        session.scalars(
            select(RepairJob).where(
                RepairJob.device_id == device.id,
                RepairJob.state.not_in([JobState.DELIVERED, JobState.CANCELLED]),
            )
        )
    )


def warranty_job_for(session: Session, device: Device, on: dt.date) -> RepairJob | None:
    """The latest delivered job on ``device`` whose workmanship warranty still covers ``on``."""
    return session.scalar(
        select(RepairJob)
        .where(
            RepairJob.device_id == device.id,
            RepairJob.state == JobState.DELIVERED,
            RepairJob.warranty_until >= on,
        )
        .order_by(RepairJob.delivered_on.desc(), RepairJob.id.desc())
        .limit(1)
    )


def open_job(
    session: Session,
    *,
    device: Device,
    fault: str,
    received_on: dt.date,
    recorded_by: User,
    now: dt.datetime,
    technician: User | None = None,
    member: Member | None = None,
) -> RepairJob:
    """Take a device in for repair (state intake) and number the job "R<fiscal year>-<n>".

    Refused for a retired device or one that already has an open job. The job is for the
    device's owner unless ``member`` is given (a center device needs no member). A device
    returning inside the warranty of its last job is linked to that job (free by default).
    """
    fault = _text(fault, field="fault", required=True, what_th="อาการเสีย", what_en="fault")
    if device.condition is Condition.RETIRED:
        raise Conflict(
            f"อุปกรณ์ {device.tag_no} หมดอายุการใช้งานแล้ว รับซ่อมไม่ได้",
            f"Device {device.tag_no} is retired and cannot be repaired.",
        )
    if received_on > now.date() + dt.timedelta(days=1):
        raise InvalidInput(
            "วันที่รับเข้าอยู่ในอนาคต", "The intake date is in the future.", field="received_on"
        )
    already = open_jobs_for_device(session, device)
    if already:
        raise Conflict(
            f"อุปกรณ์นี้มีงานซ่อมที่ยังไม่ปิดอยู่แล้ว ({already[0].job_no})",
            f"This device already has an open repair job ({already[0].job_no}).",
        )
    member_id = member.id if member is not None else device.owner_member_id
    earlier = warranty_job_for(session, device, received_on)
    fy = fiscal_year(received_on)
    number = next_value(session, f"repair_job:{fy}")
    job = RepairJob(
        job_no=f"R{fy}-{number:04d}",
        device_id=device.id,
        device=device,
        member_id=member_id,
        return_of_job_id=earlier.id if earlier is not None else None,
        state=JobState.INTAKE,
        received_on=received_on,
        fault=fault,
        technician_id=technician.id if technician is not None else None,
        created_at=now,
    )
    session.add(job)
    session.flush()
    _append_event(
        session, job, None, JobState.INTAKE, actor=recorded_by, now=now, reason="", pause=None
    )
    add_history(
        session, device=device, kind="job_opened", at=now, actor=recorded_by, job_no=job.job_no
    )
    session.flush()
    return job


def assess_job(
    session: Session,
    *,
    job: RepairJob,
    assessment: str,
    actor: User,
    now: dt.datetime,
    estimate_satang: int = 0,
    technician: User | None = None,
) -> RepairJob:
    """Record the technician's findings and estimate (intake → assessed)."""
    assessment = _text(
        assessment, field="assessment", required=True, what_th="ผลการประเมิน", what_en="assessment"
    )
    if estimate_satang < 0:
        raise InvalidInput("ประมาณการต้องไม่ติดลบ", "The estimate cannot be negative.")
    if move_kind(job.state, JobState.ASSESSED) is None:
        raise _illegal(job, JobState.ASSESSED)
    job.assessment = assessment
    job.estimate_satang = estimate_satang
    if technician is not None:
        job.technician_id = technician.id
    _move(session, job, JobState.ASSESSED, actor=actor, now=now)
    return job


def approve_job(
    session: Session,
    *,
    job: RepairJob,
    basis: PaymentBasis | None,
    actor: User,
    now: dt.datetime,
    member_share_percent: int | None = None,
    note: str = "",
) -> RepairJob:
    """Agree the work and who pays (assessed → approved).

    ``basis`` None takes the default: warranty for a return inside the warranty, else the fund.
    Charging a warranty return, or waiving a charge, needs a note; the member pays only on a
    job that has a member; a shared split takes the member's percent (1–99).
    """
    if move_kind(job.state, JobState.APPROVED) is None:
        raise _illegal(job, JobState.APPROVED)
    note = _text(note, field="note", required=False, what_th="หมายเหตุ", what_en="note")
    if basis is None:
        basis = PaymentBasis.WARRANTY if job.return_of_job_id else PaymentBasis.FUND
    if basis is PaymentBasis.WARRANTY and job.return_of_job_id is None:
        raise InvalidInput(
            "งานนี้ไม่ได้อยู่ในระยะรับประกัน เลือกผู้จ่ายแบบอื่น",
            "This job is not a return inside the warranty; choose another payer.",
            field="basis",
        )
    if job.return_of_job_id and basis in (PaymentBasis.MEMBER, PaymentBasis.SHARED) and not note:
        raise InvalidInput(
            "งานนี้อยู่ในระยะรับประกัน ถ้าจะเก็บเงินสมาชิกต้องระบุเหตุผล",
            "This is a return inside the warranty: say why the member is charged.",
            field="note",
        )
    if basis is PaymentBasis.WAIVED and not note:
        raise InvalidInput(
            "กรุณาระบุเหตุผลที่ยกเว้นค่าใช้จ่าย", "Please say why the charge is waived.", field="note"
        )
    if basis in (PaymentBasis.MEMBER, PaymentBasis.SHARED) and job.member_id is None:
        raise InvalidInput(
            "อุปกรณ์ของศูนย์ไม่มีสมาชิกที่จะเรียกเก็บเงิน",
            "A center device has no member to charge.",
            field="basis",
        )
    if basis is PaymentBasis.SHARED:
        if member_share_percent is None or not 1 <= member_share_percent <= 99:
            raise InvalidInput(
                "ส่วนที่สมาชิกจ่ายต้องอยู่ระหว่าง 1 ถึง 99 เปอร์เซ็นต์",
                "The member's share must be between 1 and 99 percent.",
                field="member_share_percent",
            )
        percent = member_share_percent
    else:
        percent = 100 if basis is PaymentBasis.MEMBER else 0
    job.payment_basis = basis
    job.member_share_percent = percent
    job.basis_note = note
    _move(session, job, JobState.APPROVED, actor=actor, now=now, reason=note)
    return job


def move_job(
    session: Session, *, job: RepairJob, to_state: JobState, actor: User, now: dt.datetime
) -> RepairJob:
    """A move that needs nothing but the click (the board's buttons): assess is excluded when
    it needs findings, so only start, resume and finish are done here."""
    kind = move_kind(job.state, to_state)
    if kind is None:
        raise _illegal(job, to_state)
    if kind not in SIMPLE_MOVES or kind == "assess":
        raise InvalidInput(
            f"การย้ายไป «{STATE_LABELS_TH[to_state]}» ต้องกรอกข้อมูลเพิ่ม กรุณาเปิดหน้างาน",
            f"Moving to {STATE_LABELS_EN[to_state].lower()} needs more details; open the job.",
        )
    _move(session, job, to_state, actor=actor, now=now)
    return job


def start_job(session: Session, *, job: RepairJob, actor: User, now: dt.datetime) -> RepairJob:
    if job.state is not JobState.APPROVED:
        raise _illegal(job, JobState.IN_PROGRESS)
    _move(session, job, JobState.IN_PROGRESS, actor=actor, now=now)
    return job


def pause_job(
    session: Session,
    *,
    job: RepairJob,
    reason: PauseReason,
    actor: User,
    now: dt.datetime,
    note: str = "",
) -> RepairJob:
    """Stop work for a reason (waiting for parts / the member / an outside repairer / approval)."""
    note = _text(note, field="note", required=False, what_th="หมายเหตุ", what_en="note")
    _move(session, job, JobState.PAUSED, actor=actor, now=now, reason=note, pause_reason=reason)
    return job


def resume_job(session: Session, *, job: RepairJob, actor: User, now: dt.datetime) -> RepairJob:
    if job.state is not JobState.PAUSED:
        raise _illegal(job, JobState.IN_PROGRESS)
    _move(session, job, JobState.IN_PROGRESS, actor=actor, now=now)
    return job


def finish_job(session: Session, *, job: RepairJob, actor: User, now: dt.datetime) -> RepairJob:
    """Work done: the device waits for fitting and hand-back (in progress → ready)."""
    _move(session, job, JobState.READY, actor=actor, now=now)
    return job


def rework_job(
    session: Session, *, job: RepairJob, reason: str, actor: User, now: dt.datetime
) -> RepairJob:
    """Reopen a ready job (ready → in progress), e.g. the fitting showed a problem."""
    reason = _text(reason, field="reason", required=True, what_th="เหตุผล", what_en="reason")
    if job.state is not JobState.READY:
        raise _illegal(job, JobState.IN_PROGRESS)
    _move(session, job, JobState.IN_PROGRESS, actor=actor, now=now, reason=reason)
    return job


def _open_loaners(session: Session, job: RepairJob) -> list:
    from repair_center.loaners.models import DeviceLoan

    return list(
        session.scalars(
            select(DeviceLoan).where(DeviceLoan.job_id == job.id, DeviceLoan.returned_on.is_(None))
        )
    )


def labour_cost(session: Session, job: RepairJob) -> int:
    return session.scalar(
        select(total(LabourEntry.amount_satang)).where(LabourEntry.job_id == job.id)
    )


def deliver_job(
    session: Session,
    *,
    job: RepairJob,
    outcome: Outcome,
    delivered_on: dt.date,
    fitting_checked: bool,
    training_given: bool,
    actor: User,
    now: dt.datetime,
    outcome_reason: str = "",
    follow_up_on: dt.date | None = None,
) -> RepairJob:
    """Hand the device back (ready → delivered) and post the job's costs to the ledger.

    Needs the outcome (a referral or end of life needs its reason), the fitting checked, the
    user trained, and every loaner lent for this job returned. Sets the warranty end and the
    follow-up date (default: the follow-up days of the settings). End of life retires the device.
    """
    from repair_center.parts.services import job_parts_cost

    if job.state is not JobState.READY:
        raise _illegal(job, JobState.DELIVERED)
    outcome_reason = _text(
        outcome_reason,
        field="outcome_reason",
        required=outcome is not Outcome.FIXED,
        what_th="เหตุผลของผลการซ่อม",
        what_en="reason for the outcome",
    )
    if not fitting_checked:
        raise InvalidInput(
            "ต้องตรวจการใช้งานกับผู้ใช้ (ลองนั่ง/ลองใส่) ก่อนส่งมอบ",
            "Check the fitting with the user before delivery.",
            field="fitting_checked",
        )
    if not training_given:
        raise InvalidInput(
            "ต้องสอนการใช้งานและการดูแลอุปกรณ์ก่อนส่งมอบ",
            "Train the user in use and care of the device before delivery.",
            field="training_given",
        )
    if delivered_on < job.received_on:
        raise InvalidInput(
            "วันส่งมอบต้องไม่ก่อนวันรับเข้า",
            "The delivery date cannot be before the intake date.",
            field="delivered_on",
        )
    if delivered_on > now.date() + dt.timedelta(days=1):
        raise InvalidInput(
            "วันส่งมอบอยู่ในอนาคต", "The delivery date is in the future.", field="delivered_on"
        )
    loaners = _open_loaners(session, job)
    if loaners:
        tags = ", ".join(loan.device.tag_no for loan in loaners)
        raise Conflict(
            f"ต้องรับอุปกรณ์ยืม ({tags}) คืนก่อนส่งมอบ",
            f"Take the loaner ({tags}) back before delivery.",
            field="loaner",
        )
    settings = get_settings(session)
    if follow_up_on is None:
        follow_up_on = delivered_on + dt.timedelta(days=settings.follow_up_days)
    elif follow_up_on <= delivered_on:
        raise InvalidInput(
            "วันติดตามผลต้องอยู่หลังวันส่งมอบ",
            "The follow-up date must be after the delivery date.",
            field="follow_up_on",
        )
    parts = job_parts_cost(session, job)
    labour = labour_cost(session, job)
    charge = accounting.member_share(parts + labour, job.member_share_percent)
    job.outcome = outcome
    job.outcome_reason = outcome_reason
    job.fitting_checked = True
    job.training_given = True
    job.delivered_on = delivered_on
    job.warranty_until = (
        delivered_on + dt.timedelta(days=settings.warranty_days)
        if outcome is Outcome.FIXED
        else None
    )
    job.follow_up_on = follow_up_on
    job.parts_cost_satang = parts
    job.labour_cost_satang = labour
    job.member_charge_satang = charge
    _move(session, job, JobState.DELIVERED, actor=actor, now=now, reason=outcome_reason)
    accounting.post(
        session,
        lines=accounting.delivery_lines(
            parts_satang=parts,
            labour_satang=labour,
            member_charge_satang=charge,
            member_id=job.member_id,
        ),
        entry_date=delivered_on,
        description=f"ส่งมอบงานซ่อม {job.job_no} ({job.device.tag_no})",
        source="repair.delivery",
        source_id=job.id,
        recorded_by=actor,
        now=now,
    )
    device = job.device
    if outcome is Outcome.END_OF_LIFE:
        device.condition = Condition.RETIRED
    elif outcome is Outcome.FIXED and device.condition in (Condition.POOR, Condition.UNUSABLE):
        device.condition = Condition.FAIR
    add_history(
        session,
        device=device,
        kind="job_closed",
        at=now,
        actor=actor,
        job_no=job.job_no,
        outcome=outcome.value,
    )
    session.flush()
    return job


def cancel_job(
    session: Session, *, job: RepairJob, reason: str, actor: User, now: dt.datetime
) -> RepairJob:
    """Stop a job for good with a reason. Parts still on the job count as used (expensed);
    return unused parts to stock first. Open loaners stay open (they are tracked on their own)."""
    from repair_center.parts.services import job_parts_cost

    reason = _text(reason, field="reason", required=True, what_th="เหตุผล", what_en="reason")
    if move_kind(job.state, JobState.CANCELLED) is None:
        raise _illegal(job, JobState.CANCELLED)
    parts = job_parts_cost(session, job)
    job.parts_cost_satang = parts
    _move(session, job, JobState.CANCELLED, actor=actor, now=now, reason=reason)
    if parts:
        accounting.post(
            session,
            lines=accounting.cancel_lines(parts_satang=parts),
            entry_date=now.date(),
            description=f"อะไหล่ของงานซ่อมที่ยกเลิก {job.job_no}",
            source="repair.cancel",
            source_id=job.id,
            recorded_by=actor,
            now=now,
        )
    add_history(
        session, device=job.device, kind="job_cancelled", at=now, actor=actor, job_no=job.job_no
    )
    session.flush()
    return job


def record_labour(
    session: Session,
    *,
    job: RepairJob,
    technician: User,
    worked_on: dt.date,
    minutes: int,
    actor: User,
    now: dt.datetime,
    rate_satang: int | None = None,
    notes: str = "",
) -> LabourEntry:
    """Add technician time to an open job (after intake); amount = minutes × hourly rate / 60."""
    if not job.is_open or job.state is JobState.INTAKE:
        raise Conflict(
            f"บันทึกค่าแรงได้เฉพาะงานที่ประเมินแล้วและยังไม่ปิด (งาน {job.job_no})",
            f"Labour can be recorded only on an assessed, open job ({job.job_no}).",
        )
    if not isinstance(minutes, int) or not 0 < minutes <= 24 * 60:
        raise InvalidInput(
            "เวลาทำงานต้องมากกว่า 0 และไม่เกิน 24 ชั่วโมงต่อรายการ",
            "Time worked must be more than 0 and at most 24 hours per entry.",
            field="hours",
        )
    if worked_on < job.received_on or worked_on > now.date() + dt.timedelta(days=1):
        raise InvalidInput(
            f"วันที่ทำงานต้องอยู่ระหว่างวันรับเข้า ({format_be_date(job.received_on)}) ถึงวันนี้",
            "The work date must be between the intake date and today.",
            field="worked_on",
        )
    if rate_satang is None:
        rate_satang = get_settings(session).labour_rate_satang
    if rate_satang < 0:
        raise InvalidInput("อัตราค่าแรงต้องไม่ติดลบ", "The rate cannot be negative.", field="rate")
    amount = round_half_up_satang(Decimal(minutes) * rate_satang / Decimal(6000))
    entry = LabourEntry(
        job_id=job.id,
        technician_id=technician.id,
        worked_on=worked_on,
        minutes=minutes,
        rate_satang=rate_satang,
        amount_satang=amount,
        notes=notes.strip()[:500],
        recorded_by_id=actor.id,
        created_at=now,
    )
    session.add(entry)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="repair.labour",
        entity="repair_job",
        entity_id=job.id,
        details={"minutes": minutes, "amount_satang": amount},
        at=now,
    )
    return entry


def record_follow_up(
    session: Session,
    *,
    job: RepairJob,
    followed_up_on: dt.date,
    notes: str,
    actor: User,
    now: dt.datetime,
    next_follow_up_on: dt.date | None = None,
) -> RepairJob:
    """Note the follow-up visit of a delivered job; optionally set the next one."""
    if job.state is not JobState.DELIVERED:
        raise Conflict("ติดตามผลได้เฉพาะงานที่ส่งมอบแล้ว", "Only a delivered job can be followed up.")
    notes = _text(notes, field="notes", required=True, what_th="ผลการติดตาม", what_en="notes")
    if job.delivered_on and followed_up_on < job.delivered_on:
        raise InvalidInput(
            "วันติดตามผลต้องไม่ก่อนวันส่งมอบ",
            "The follow-up cannot be before the delivery.",
            field="followed_up_on",
        )
    if next_follow_up_on is not None and next_follow_up_on <= followed_up_on:
        raise InvalidInput(
            "นัดติดตามครั้งถัดไปต้องอยู่หลังวันนี้",
            "The next follow-up must be later.",
            field="next_follow_up_on",
        )
    job.followed_up_on = followed_up_on
    job.follow_up_notes = notes[:1000]
    job.follow_up_on = next_follow_up_on
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="repair.job.follow_up",
        entity="repair_job",
        entity_id=job.id,
        details={"on": followed_up_on.isoformat()},
        at=now,
    )
    return job
