"""Registering devices and keeping their history."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fund.audit.services import record_audit
from fund.errors import Conflict, InvalidInput, NotFound
from fund.members.models import Member
from fund.sequences import next_value
from repair_center.devices.models import Acquisition, Condition, Device, DeviceHistory, DeviceType

if TYPE_CHECKING:
    from fund.users.models import User

TAG_PREFIX = "RC"


def add_history(
    session: Session,
    *,
    device: Device,
    kind: str,
    at: dt.datetime,
    actor: User | None,
    **details: Any,
) -> DeviceHistory:
    row = DeviceHistory(
        device_id=device.id,
        at=at,
        kind=kind,
        details=details or None,
        actor_id=actor.id if actor is not None else None,
    )
    session.add(row)
    return row


def get_device_type(session: Session, code: str) -> DeviceType:
    found = session.scalar(select(DeviceType).where(DeviceType.code == code))
    if found is None:
        raise NotFound(f"ไม่พบประเภทอุปกรณ์ {code}", f"No device type {code}.", field="device_type")
    return found


def get_member_by_no(session: Session, member_no: str, *, field: str = "member_no") -> Member:
    """Find a member by number ("CS-0001"; "cs-1" and "1" are accepted too)."""
    text = member_no.strip().upper()
    if not text:
        raise InvalidInput("กรุณากรอกเลขสมาชิก", "Please enter the member number.", field=field)
    if text.startswith("CS-"):
        text = text[3:]
    if text.isascii() and text.isdigit():
        text = f"CS-{int(text):04d}"
    member = session.scalar(select(Member).where(Member.member_no == text))
    if member is None:
        raise NotFound(
            f"ไม่พบสมาชิกเลขที่ {member_no.strip()} กรุณาตรวจเลขสมาชิก เช่น CS-0001",
            f"No member numbered {member_no.strip()}; check the number, e.g. CS-0001.",
            field=field,
        )
    return member


def register_device(
    session: Session,
    *,
    device_type: DeviceType,
    acquisition: Acquisition,
    owner: Member | None,
    recorded_by: User,
    now: dt.datetime,
    make: str = "",
    model: str = "",
    serial_no: str = "",
    size: str = "",
    acquired_on: dt.date | None = None,
    source_name: str = "",
    condition: Condition = Condition.GOOD,
    notes: str = "",
) -> Device:
    """Add a device to the register and give it the next center tag ("RC-0001").

    A member's own device must have an owner; the center's stock (owner None) is bought or
    donated. A serial number may belong to one device only (within the same type).
    """
    if not device_type.active:
        raise InvalidInput(
            "ประเภทอุปกรณ์นี้เลิกใช้แล้ว", "This device type is no longer in use.", field="device_type"
        )
    if acquisition is Acquisition.MEMBER_OWN and owner is None:
        raise InvalidInput(
            "อุปกรณ์ของสมาชิกต้องระบุเจ้าของ",
            "A member's own device needs its owner.",
            field="member_no",
        )
    if condition is Condition.RETIRED:
        raise InvalidInput(
            "ลงทะเบียนอุปกรณ์ที่หมดอายุแล้วไม่ได้",
            "A retired device cannot be registered.",
            field="condition",
        )
    if acquired_on is not None and acquired_on > now.date() + dt.timedelta(days=1):
        raise InvalidInput(
            "วันที่ได้มาอยู่ในอนาคต", "The acquisition date is in the future.", field="acquired_on"
        )
    serial_no = serial_no.strip()
    if serial_no:
        clash = session.scalar(
            select(Device).where(
                Device.serial_no == serial_no, Device.device_type_id == device_type.id
            )
        )
        if clash is not None:
            raise Conflict(
                f"หมายเลขเครื่อง {serial_no} ลงทะเบียนไว้แล้วเป็น {clash.tag_no}",
                f"Serial number {serial_no} is already registered as {clash.tag_no}.",
                field="serial_no",
            )
    number = next_value(session, "repair_device_tag")
    device = Device(
        device_type=device_type,
        device_type_id=device_type.id,
        tag_no=f"{TAG_PREFIX}-{number:04d}",
        serial_no=serial_no,
        make=make.strip(),
        model=model.strip(),
        size=size.strip(),
        owner_member_id=owner.id if owner is not None else None,
        acquired_on=acquired_on,
        acquisition=acquisition,
        source_name=source_name.strip(),
        condition=condition,
        notes=notes.strip(),
        created_at=now,
    )
    session.add(device)
    session.flush()
    add_history(
        session,
        device=device,
        kind="registered",
        at=now,
        actor=recorded_by,
        owner=owner.member_no if owner else None,
        acquisition=acquisition.value,
    )
    record_audit(
        session,
        actor=recorded_by,
        action="repair.device.register",
        entity="repair_device",
        entity_id=device.id,
        details={"tag_no": device.tag_no, "type": device_type.code},
        at=now,
    )
    session.flush()
    return device


def set_condition(
    session: Session,
    *,
    device: Device,
    condition: Condition,
    note: str,
    changed_by: User,
    now: dt.datetime,
) -> Device:
    """Record a new condition (retiring needs a note saying why)."""
    if device.condition is Condition.RETIRED:
        raise Conflict(
            f"อุปกรณ์ {device.tag_no} หมดอายุการใช้งานแล้ว",
            f"Device {device.tag_no} is retired.",
            field="condition",
        )
    if condition is Condition.RETIRED and not note.strip():
        raise InvalidInput(
            "กรุณาระบุเหตุผลที่ปลดระวางอุปกรณ์",
            "Please say why the device is retired.",
            field="note",
        )
    old = device.condition
    device.condition = condition
    add_history(
        session,
        device=device,
        kind="condition",
        at=now,
        actor=changed_by,
        old=old.value,
        new=condition.value,
        note=note.strip(),
    )
    record_audit(
        session,
        actor=changed_by,
        action="repair.device.condition",
        entity="repair_device",
        entity_id=device.id,
        details={"old": old.value, "new": condition.value},
        at=now,
    )
    session.flush()
    return device


def set_owner(
    session: Session,
    *,
    device: Device,
    owner: Member | None,
    changed_by: User,
    now: dt.datetime,
    why: str,
) -> None:
    """Hand a device to a member (or back to the center's stock), with a history line."""
    old = device.owner_member_id
    device.owner_member_id = owner.id if owner is not None else None
    add_history(
        session,
        device=device,
        kind="owner",
        at=now,
        actor=changed_by,
        old_member_id=old,
        new=owner.member_no if owner else None,
        why=why,
    )
    session.flush()
