"""Lending the center's devices and giving devices to members."""

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
from repair_center import accounting
from repair_center.devices.models import Condition, Device
from repair_center.devices.services import add_history, set_owner
from repair_center.jobs.models import RepairJob
from repair_center.loaners.models import DeviceLoan, DeviceProvision, LoanKind, ProvisionFunding
from repair_center.settings.services import get_settings

if TYPE_CHECKING:
    from fund.members.models import Member
    from fund.users.models import User


def open_loan_of(session: Session, device: Device) -> DeviceLoan | None:
    return session.scalar(
        select(DeviceLoan).where(
            DeviceLoan.device_id == device.id, DeviceLoan.returned_on.is_(None)
        )
    )


def _check_lendable(session: Session, device: Device) -> None:
    if not device.in_center_stock:
        raise Conflict(
            f"{device.tag_no} ไม่ใช่อุปกรณ์ของศูนย์ จึงให้ยืมไม่ได้",
            f"{device.tag_no} is not the center's own device, so it cannot be lent.",
            field="device",
        )
    if not device.usable:
        raise Conflict(
            f"{device.tag_no} อยู่ในสภาพที่ใช้งานไม่ได้",
            f"{device.tag_no} is not in a usable condition.",
            field="device",
        )
    current = open_loan_of(session, device)
    if current is not None:
        raise Conflict(
            f"{device.tag_no} ถูกยืมอยู่แล้ว (ตั้งแต่ {current.lent_on.isoformat()})",
            f"{device.tag_no} is already out on loan (since {current.lent_on.isoformat()}).",
            field="device",
        )
    from repair_center.jobs.services import open_jobs_for_device

    if open_jobs_for_device(session, device):
        raise Conflict(
            f"{device.tag_no} อยู่ระหว่างซ่อม", f"{device.tag_no} is being repaired.", field="device"
        )


def lend_device(
    session: Session,
    *,
    device: Device,
    member: Member,
    kind: LoanKind,
    lent_on: dt.date,
    actor: User,
    now: dt.datetime,
    job: RepairJob | None = None,
    due_on: dt.date | None = None,
    notes: str = "",
) -> DeviceLoan:
    """Lend a usable center device to a member: while their device is repaired (linked to the
    job, due when it is delivered) or long-term (due on a date; default from the settings)."""
    _check_lendable(session, device)
    if kind is LoanKind.WHILE_REPAIRING:
        if job is None or not job.is_open:
            raise InvalidInput(
                "การยืมระหว่างซ่อมต้องผูกกับงานซ่อมที่ยังไม่ปิด",
                "A loan while repairing needs an open repair job.",
                field="job",
            )
        if job.member_id != member.id:
            raise InvalidInput(
                "ผู้ยืมต้องเป็นสมาชิกเจ้าของงานซ่อม",
                "The borrower must be the member of the repair job.",
                field="member_no",
            )
    elif due_on is None:
        due_on = lent_on + dt.timedelta(days=get_settings(session).loan_days)
    if due_on is not None and due_on < lent_on:
        raise InvalidInput(
            "วันครบกำหนดคืนต้องไม่ก่อนวันยืม",
            "The due date cannot be before the lending date.",
            field="due_on",
        )
    loan = DeviceLoan(
        device_id=device.id,
        device=device,
        member_id=member.id,
        kind=kind,
        job_id=job.id if job is not None else None,
        lent_on=lent_on,
        due_on=due_on,
        notes=notes.strip()[:1000],
        lent_by_id=actor.id,
        created_at=now,
    )
    savepoint = session.begin_nested()
    try:
        session.add(loan)
        session.flush()
    except IntegrityError:
        # A colleague lent the same device a moment ago (the open-loan index stopped us).
        savepoint.rollback()
        raise Conflict(
            f"{device.tag_no} เพิ่งถูกยืมไป", f"{device.tag_no} was just lent out.", field="device"
        ) from None
    savepoint.commit()
    add_history(
        session,
        device=device,
        kind="lent",
        at=now,
        actor=actor,
        member=member.member_no,
        job_no=job.job_no if job else None,
    )
    record_audit(
        session,
        actor=actor,
        action="repair.loan.lend",
        entity="repair_device_loan",
        entity_id=loan.id,
        details={"tag_no": device.tag_no, "member": member.member_no, "kind": kind.value},
        at=now,
    )
    session.flush()
    return loan


def return_loan(
    session: Session,
    *,
    loan: DeviceLoan,
    returned_on: dt.date,
    condition: Condition,
    actor: User,
    now: dt.datetime,
    notes: str = "",
) -> DeviceLoan:
    """Take a loaner back and note the condition it came back in."""
    if loan.returned_on is not None:
        raise Conflict("รับคืนไปแล้ว", "This loan has already been returned.")
    if returned_on < loan.lent_on:
        raise InvalidInput(
            "วันรับคืนต้องไม่ก่อนวันยืม",
            "The return date cannot be before the lending date.",
            field="returned_on",
        )
    if condition is Condition.RETIRED:
        raise InvalidInput(
            "เลือกสภาพ 'ใช้งานไม่ได้' แล้วปลดระวางที่หน้าอุปกรณ์",
            "Choose 'unusable' and retire the device on its page.",
            field="condition",
        )
    loan.returned_on = returned_on
    loan.return_condition = condition
    loan.returned_by_id = actor.id
    if notes.strip():
        loan.notes = (loan.notes + "\n" + notes.strip()).strip()[:1000]
    device = loan.device
    if device.condition is not condition:
        device.condition = condition
    add_history(
        session, device=device, kind="returned", at=now, actor=actor, condition=condition.value
    )
    record_audit(
        session,
        actor=actor,
        action="repair.loan.return",
        entity="repair_device_loan",
        entity_id=loan.id,
        details={"tag_no": device.tag_no, "condition": condition.value},
        at=now,
    )
    session.flush()
    return loan


def provide_device(
    session: Session,
    *,
    device: Device,
    member: Member,
    funding: ProvisionFunding,
    provided_on: dt.date,
    fitting_checked: bool,
    training_given: bool,
    actor: User,
    now: dt.datetime,
    cost_satang: int = 0,
    donor_name: str = "",
    paid_from: str = "cash",
    follow_up_on: dt.date | None = None,
    notes: str = "",
) -> DeviceProvision:
    """Give a device to a member to keep; the member becomes its owner.

    Fund-bought devices post their cost (debit device expense, credit cash or bank); a donor's
    device records the donor and the cost; a device from the center's stock must not be on loan.
    Fitting and training are checked as at any hand-over; the follow-up date defaults from the
    settings.
    """
    if not isinstance(cost_satang, int) or cost_satang < 0:
        raise InvalidInput("ราคาต้องไม่ติดลบ", "The cost cannot be negative.", field="cost")
    if funding is ProvisionFunding.FUND and cost_satang == 0:
        raise InvalidInput(
            "อุปกรณ์ที่กองทุนซื้อต้องระบุราคา",
            "A device bought by the fund needs its cost.",
            field="cost",
        )
    donor_name = donor_name.strip()
    if funding is ProvisionFunding.DONOR and not donor_name:
        raise InvalidInput("กรุณาระบุชื่อผู้บริจาค", "Please name the donor.", field="donor_name")
    if funding is ProvisionFunding.CENTER_STOCK and not device.in_center_stock:
        raise Conflict(
            f"{device.tag_no} ไม่ใช่อุปกรณ์ของศูนย์",
            f"{device.tag_no} is not the center's device.",
            field="device",
        )
    if device.owner_member_id is not None and device.owner_member_id != member.id:
        raise Conflict(
            f"{device.tag_no} เป็นของสมาชิกคนอื่น",
            f"{device.tag_no} belongs to another member.",
            field="device",
        )
    if not device.usable:
        raise Conflict(
            f"{device.tag_no} อยู่ในสภาพที่ใช้งานไม่ได้",
            f"{device.tag_no} is not usable.",
            field="device",
        )
    if open_loan_of(session, device) is not None:
        raise Conflict(
            f"{device.tag_no} ถูกยืมอยู่ รับคืนก่อน",
            f"{device.tag_no} is on loan; take it back first.",
            field="device",
        )
    if not fitting_checked or not training_given:
        raise InvalidInput(
            "ต้องตรวจการใช้งานกับผู้ใช้และสอนการใช้งานก่อนมอบอุปกรณ์",
            "Check the fitting and train the user before handing over the device.",
            field="fitting_checked" if not fitting_checked else "training_given",
        )
    if paid_from not in accounting.MONEY_ACCOUNTS:
        raise InvalidInput("เลือกจ่ายจากเงินสดหรือธนาคาร", "Choose cash or bank.", field="paid_from")
    if follow_up_on is None:
        follow_up_on = provided_on + dt.timedelta(days=get_settings(session).follow_up_days)
    provision = DeviceProvision(
        device_id=device.id,
        device=device,
        member_id=member.id,
        provided_on=provided_on,
        funding=funding,
        donor_name=donor_name[:200],
        cost_satang=cost_satang,
        fitting_checked=True,
        training_given=True,
        follow_up_on=follow_up_on,
        notes=notes.strip()[:1000],
        recorded_by_id=actor.id,
        created_at=now,
    )
    session.add(provision)
    session.flush()
    if funding is ProvisionFunding.FUND:
        entry = accounting.post(
            session,
            lines=[
                LineSpec(AccountCode.DEVICE_EXPENSE, cost_satang, memo=device.tag_no),
                LineSpec(accounting.MONEY_ACCOUNTS[paid_from], -cost_satang),
            ],
            entry_date=provided_on,
            description=f"มอบอุปกรณ์ {device.device_type.name_th} ({device.tag_no}) "
            f"ให้สมาชิก {member.member_no}",
            source="repair.provision",
            source_id=provision.id,
            recorded_by=actor,
            now=now,
        )
        provision.journal_entry_id = entry.id if entry else None
    set_owner(session, device=device, owner=member, changed_by=actor, now=now, why="provided")
    add_history(
        session,
        device=device,
        kind="provided",
        at=now,
        actor=actor,
        member=member.member_no,
        funding=funding.value,
        cost_satang=cost_satang,
    )
    record_audit(
        session,
        actor=actor,
        action="repair.provision",
        entity="repair_provision",
        entity_id=provision.id,
        details={"tag_no": device.tag_no, "member": member.member_no, "funding": funding.value},
        at=now,
    )
    session.flush()
    return provision


def record_provision_follow_up(
    session: Session,
    *,
    provision: DeviceProvision,
    followed_up_on: dt.date,
    notes: str,
    actor: User,
    now: dt.datetime,
    next_follow_up_on: dt.date | None = None,
) -> DeviceProvision:
    """Note the follow-up visit after a device was given; optionally set the next one."""
    notes = notes.strip()
    if not notes:
        raise InvalidInput(
            "กรุณากรอกผลการติดตาม", "Please enter what the follow-up found.", field="notes"
        )
    if followed_up_on < provision.provided_on:
        raise InvalidInput(
            "วันติดตามผลต้องไม่ก่อนวันที่มอบอุปกรณ์",
            "The follow-up cannot be before the hand-over.",
            field="followed_up_on",
        )
    if next_follow_up_on is not None and next_follow_up_on <= followed_up_on:
        raise InvalidInput(
            "นัดติดตามครั้งถัดไปต้องอยู่หลังวันนี้",
            "The next follow-up must be later.",
            field="next_follow_up_on",
        )
    provision.followed_up_on = followed_up_on
    provision.follow_up_notes = notes[:1000]
    provision.follow_up_on = next_follow_up_on
    record_audit(
        session,
        actor=actor,
        action="repair.provision.follow_up",
        entity="repair_provision",
        entity_id=provision.id,
        details={"on": followed_up_on.isoformat()},
        at=now,
    )
    session.flush()
    return provision
