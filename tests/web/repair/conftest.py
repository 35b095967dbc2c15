"""Web fixtures for the repair screens: members (one with a national ID), devices, parts."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from fund.ledger.accounts import AccountCode
from fund.ledger.services import LineSpec, post_entry
from fund.members.models import Member, MemberStatus
from fund.members.sensitive import MemberNationalId
from repair_center.devices.models import Acquisition, DeviceType
from repair_center.devices.services import register_device
from repair_center.parts.models import FundingSource
from repair_center.parts.services import create_part, receive_parts

NATIONAL_ID = "3100600445635"


@pytest.fixture
def shop(db, users, now):
    """A member with a national ID and a wheelchair, a center walker, tyres in stock, cash."""
    member = Member(
        member_no="CS-0901",
        title="นาง",
        first_name="คำแปง",
        last_name="ปินตา",
        moo=3,
        village="บ้านป่าเหียง",
        phone="0812345678",
        joined_on=dt.date(2024, 1, 1),
        status=MemberStatus.ACTIVE,
        created_at=now,
    )
    db.add(member)
    db.flush()
    db.add(
        MemberNationalId(
            member_id=member.id, national_id=NATIONAL_ID, last4=NATIONAL_ID[-4:], recorded_at=now
        )
    )
    types = {t.code: t for t in db.query(DeviceType)}
    chair = register_device(
        db,
        device_type=types["wheelchair_manual"],
        acquisition=Acquisition.MEMBER_OWN,
        owner=member,
        recorded_by=users["repair"],
        now=now,
        make="Karma",
    )
    walker = register_device(
        db,
        device_type=types["wheelchair_manual"],
        acquisition=Acquisition.DONATED,
        owner=None,
        recorded_by=users["repair"],
        now=now,
    )
    post_entry(
        db,
        entry_date=dt.date(2025, 10, 1),
        description="ยอดยกมา",
        source="test.opening",
        lines=[
            LineSpec(AccountCode.CASH, 5_000_000),
            LineSpec(AccountCode.OPENING_BALANCES, -5_000_000),
        ],
        recorded_by=users["admin"],
        now=now,
    )
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
    db.commit()
    return {"member": member, "chair": chair, "loaner": walker, "tyre": tyre}


def date_fields(name: str, d: dt.date) -> dict:
    return {
        f"{name}-day": str(d.day),
        f"{name}-month": str(d.month),
        f"{name}-year": str(d.year + 543),
    }


def location_id(response) -> int:
    return int(re.search(r"/(\d+)(?:#.*)?$", response.headers["Location"]).group(1))
