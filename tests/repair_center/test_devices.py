"""The device catalogue and register."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from fund.errors import Conflict, InvalidInput, NotFound
from repair_center.devices.models import (
    Acquisition,
    Condition,
    DeviceCategory,
    DeviceHistory,
)
from repair_center.devices.services import get_member_by_no, register_device, set_condition


def test_the_catalogue_is_seeded_in_every_who_group_with_thai_names(types):
    groups = {t.category for t in types.values()}
    assert groups == set(DeviceCategory)
    names = {t.name_th for t in types.values()}
    for thai in (
        "รถเข็นคนพิการ",
        "รถสามล้อโยก",
        "ขาเทียม",
        "แขนเทียม",
        "ไม้ค้ำยัน",
        "โครงเหล็กช่วยเดิน",
        "เครื่องช่วยฟัง",
        "ไม้เท้าขาว",
    ):
        assert thai in names
    assert types["wheelchair_manual"].is_essential
    assert types["communication_board"].is_essential
    assert not types["hearing_aid"].is_essential


def test_registering_gives_consecutive_center_tags_and_writes_history(db, users, now, types):
    first = register_device(
        db,
        device_type=types["walker"],
        acquisition=Acquisition.DONATED,
        owner=None,
        recorded_by=users["repair"],
        now=now,
        source_name="มูลนิธิขาเทียม",
    )
    second = register_device(
        db,
        device_type=types["crutches"],
        acquisition=Acquisition.FUND_PURCHASE,
        owner=None,
        recorded_by=users["repair"],
        now=now,
    )
    n1, n2 = int(first.tag_no.split("-")[1]), int(second.tag_no.split("-")[1])
    assert first.tag_no.startswith("RC-") and n2 == n1 + 1
    assert first.in_center_stock
    kinds = db.scalars(select(DeviceHistory.kind).where(DeviceHistory.device_id == first.id))
    assert list(kinds) == ["registered"]


def test_a_members_own_device_needs_its_owner(db, users, now, types):
    with pytest.raises(InvalidInput) as err:
        register_device(
            db,
            device_type=types["hearing_aid"],
            acquisition=Acquisition.MEMBER_OWN,
            owner=None,
            recorded_by=users["repair"],
            now=now,
        )
    assert err.value.field == "member_no"


def test_the_same_serial_number_of_the_same_type_is_refused(
    db, users, now, types, wheelchair, members
):
    with pytest.raises(Conflict) as err:
        register_device(
            db,
            device_type=types["wheelchair_manual"],
            acquisition=Acquisition.MEMBER_OWN,
            owner=members[1],
            recorded_by=users["repair"],
            now=now,
            serial_no=" K2500-1187 ",
        )
    assert wheelchair.tag_no in err.value.message_th


def test_retiring_needs_a_reason_and_a_retired_device_cannot_change(db, users, now, wheelchair):
    with pytest.raises(InvalidInput):
        set_condition(
            db,
            device=wheelchair,
            condition=Condition.RETIRED,
            note=" ",
            changed_by=users["repair"],
            now=now,
        )
    set_condition(
        db,
        device=wheelchair,
        condition=Condition.RETIRED,
        note="โครงหัก เชื่อมไม่ได้",
        changed_by=users["repair"],
        now=now,
    )
    with pytest.raises(Conflict):
        set_condition(
            db,
            device=wheelchair,
            condition=Condition.GOOD,
            note="",
            changed_by=users["repair"],
            now=now,
        )


def test_member_lookup_accepts_short_forms_and_says_what_to_fix(db, members):
    assert get_member_by_no(db, "cs-0901") is members[0]
    assert get_member_by_no(db, " 901 ") is members[0]
    with pytest.raises(NotFound, match="CS-0001"):
        get_member_by_no(db, "CS-9999")
    with pytest.raises(InvalidInput):
        get_member_by_no(db, "  ")


def test_device_history_is_append_only_in_the_database(db, wheelchair):
    db.flush()
    for statement in (
        "UPDATE repair_device_history SET kind = 'forged'",
        "DELETE FROM repair_device_history",
    ):
        with pytest.raises(Exception, match="append-only"), db.begin_nested():
            db.execute(text(statement))
