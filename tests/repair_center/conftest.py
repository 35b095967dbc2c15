"""Repair-center fixtures: a few members, the seeded catalogue, cash in the till, and helpers."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from fund.ledger.accounts import AccountCode
from fund.ledger.services import LineSpec, post_entry
from fund.members.models import Member, MemberStatus
from repair_center.devices.models import Acquisition, DeviceType
from repair_center.devices.services import register_device
from repair_center.jobs.services import open_job


@pytest.fixture
def members(db, now) -> list[Member]:
    made = []
    for n, (first, last, moo, village) in enumerate(
        [
            ("บุญมี", "ใจดี", 1, "บ้านแจ้ซ้อน"),
            ("คำแปง", "ปินตา", 3, "บ้านป่าเหียง"),
            ("ศรีนวล", "อินต๊ะ", 5, "บ้านสบลี"),
        ],
        start=1,
    ):
        member = Member(
            member_no=f"CS-{900 + n:04d}",
            title="นาย",
            first_name=first,
            last_name=last,
            moo=moo,
            village=village,
            joined_on=dt.date(2024, 1, 1),
            status=MemberStatus.ACTIVE,
            created_at=now,
        )
        db.add(member)
        made.append(member)
    db.flush()
    return made


@pytest.fixture
def types(db) -> dict[str, DeviceType]:
    return {t.code: t for t in db.scalars(select(DeviceType))}


@pytest.fixture
def cash(db, users, now) -> int:
    """Put ฿100,000 in the till and ฿100,000 in the bank (opening balances)."""
    amount = 10_000_000
    post_entry(
        db,
        entry_date=dt.date(2025, 10, 1),
        description="ยอดยกมา",
        source="test.opening",
        lines=[
            LineSpec(AccountCode.CASH, amount),
            LineSpec(AccountCode.BANK, amount),
            LineSpec(AccountCode.OPENING_BALANCES, -2 * amount),
        ],
        recorded_by=users["admin"],
        now=now,
    )
    return amount


@pytest.fixture
def wheelchair(db, users, now, members, types):
    return register_device(
        db,
        device_type=types["wheelchair_manual"],
        acquisition=Acquisition.MEMBER_OWN,
        owner=members[0],
        recorded_by=users["repair"],
        now=now,
        make="Karma",
        model="KM-2500",
        serial_no="K2500-1187",
    )


@pytest.fixture
def new_job(db, users, now, wheelchair):
    def make(device=None, *, at=None, received_on=None):
        at = at or now
        return open_job(
            db,
            device=device or wheelchair,
            fault="ยางแบน ล้อหน้าสั่น",
            received_on=received_on or at.date(),
            recorded_by=users["repair"],
            now=at,
        )

    return make


def assert_books_agree(db) -> None:
    """The ledger's own checks and the repair center's all pass."""
    import repair_center.jobs.checks
    import repair_center.parts.checks
    from fund.ledger.checks import run_all_checks

    db.flush()
    results = run_all_checks(db, [repair_center.jobs.checks, repair_center.parts.checks])
    failed = {r.name: r.problems for r in results if not r.ok}
    assert failed == {}
