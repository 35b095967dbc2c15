from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from fund.audit.models import AuditEntry
from fund.errors import Conflict, InvalidInput, NotAllowed
from fund.members.models import Member, MemberStatus
from fund.members.national_id import is_valid_national_id
from fund.members.queries import get_member_by_no
from fund.members.sensitive import MemberNationalId
from fund.members.services import (
    MemberDetails,
    SensitiveDetails,
    change_status,
    register_member,
    update_member,
)


def _audits(db, action, member_id=None):
    q = select(AuditEntry).where(AuditEntry.action == action)
    if member_id is not None:
        q = q.where(AuditEntry.entity_id == member_id)
    return list(db.scalars(q.order_by(AuditEntry.id)))


@pytest.mark.parametrize("nid", ["3100600445635", "1101700203450", "5500100000017"])
def test_valid_id_vectors_are_accepted(nid):
    assert is_valid_national_id(nid)


@pytest.mark.parametrize("nid", ["1234545678789", "3100600445653", "310060044563"])
def test_invalid_id_vectors_are_refused(nid):
    assert not is_valid_national_id(nid)


def test_members_get_consecutive_numbers_and_the_audit_names_no_person(db, register):
    first = register(national_id="3100600445635")
    second = register(national_id="1101700203450", first_name="บัวผัน")
    assert (first.member_no, second.member_no) == ("CS-0001", "CS-0002")
    rows = _audits(db, "member.create")
    assert [r.entity_id for r in rows] == [first.id, second.id]
    assert "first_name" in rows[0].details["fields"]
    assert set(rows[0].details["sensitive"]) == {"national_id", "disability"}
    text = json.dumps([r.details for r in rows], ensure_ascii=False)
    for personal in ("สมชาย", "บัวผัน", "ใจดี", "3100600445635", "0812345678", "5635"):
        assert personal not in text


def test_a_refused_registration_does_not_use_up_a_number(db, register):
    register(national_id="3100600445635")
    with pytest.raises(Conflict):
        register(national_id="3100600445635")
    assert register(national_id="5500100000017").member_no == "CS-0002"


def test_thai_digits_and_dashes_in_the_id_are_normalised(db, register):
    member = register(national_id="๓-๑๐๐๖-๐๐๔๔๕-๖๓-๕")
    row = db.get(MemberNationalId, member.id)
    assert (row.national_id, row.last4) == ("3100600445635", "5635")


def test_a_stateless_id_is_accepted_with_a_warning(db, users, now, details):
    result = register_member(
        db,
        details=details(),
        sensitive=SensitiveDetails(national_id="0-1000-00000-01-8"),
        by=users["committee"],
        now=now,
    )
    assert [w.code for w in result.warnings] == ["stateless_id"]
    assert "ไม่มีสถานะทางทะเบียน" in result.warnings[0].message("th")
    assert db.get(MemberNationalId, result.member.id).national_id == "0100000000018"


@pytest.mark.parametrize("bad", ["1234545678789", "3100600445653", "310060044563", "31006OO445635"])
def test_an_invalid_id_refuses_the_registration(db, register, bad):
    with pytest.raises(InvalidInput) as err:
        register(national_id=bad)
    assert err.value.field == "national_id"
    assert db.scalar(select(func.count()).select_from(Member)) == 0


def test_a_duplicate_id_is_refused_naming_the_member_who_has_it(db, register):
    register(national_id="3100600445635")
    with pytest.raises(Conflict) as err:
        register(national_id="3-1006-00445-63-5")
    assert "CS-0001" in err.value.message_th
    assert err.value.field == "national_id"


def test_only_the_committee_registers(db, users, now, details):
    for username in ("repair", "auditor", "admin"):
        with pytest.raises(NotAllowed):
            register_member(
                db, details=details(), sensitive=SensitiveDetails(), by=users[username], now=now
            )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"first_name": "  "}, "first_name"),
        ({"last_name": ""}, "last_name"),
        ({"phone": "12ab"}, "phone"),
        ({"postcode": "5224"}, "postcode"),
        ({"moo": 0}, "moo"),
        ({"joined_on": dt.date(2026, 1, 1)}, "joined_on"),
        ({"birth_date": dt.date(2024, 2, 1)}, "birth_date"),
        ({"first_name": "ก" * 101}, "first_name"),
    ],
)
def test_bad_details_are_refused_on_their_field(db, register, overrides, field):
    with pytest.raises(InvalidInput) as err:
        register(**overrides)
    assert err.value.field == field
    assert err.value.message_th


def test_an_unknown_disability_code_is_refused(db, register):
    with pytest.raises(InvalidInput) as err:
        register(types=(3, 8))
    assert err.value.field == "disability_types"


def test_update_audits_field_names_and_values_only_for_impersonal_fields(db, register, users, now):
    member = register()
    result = update_member(
        db,
        member=member,
        details=MemberDetails.of(member).__class__(
            **{**MemberDetails.of(member).__dict__, "first_name": "สมศักดิ์", "moo": 5}
        ),
        sensitive=SensitiveDetails(
            national_id="3100600445635",
            disability_types=frozenset({1, 3}),
            card_expires_on=dt.date(2030, 1, 1),
        ),
        by=users["committee"],
        now=now,
    )
    assert set(result.changed) == {"first_name", "moo", "disability"}
    (row,) = _audits(db, "member.update", member.id)
    assert set(row.details["fields"]) == {"first_name", "moo"}
    assert row.details["values"] == {"moo": [2, 5]}
    assert row.details["sensitive"] == ["disability"]
    assert "สมศักดิ์" not in json.dumps(row.details, ensure_ascii=False)


def test_update_without_changes_writes_no_audit(db, register, users, now):
    member = register()
    update_member(
        db,
        member=member,
        details=MemberDetails.of(member),
        sensitive=None,
        by=users["committee"],
        now=now,
    )
    assert _audits(db, "member.update") == []


def test_update_may_keep_the_members_own_id_but_not_take_anothers(db, register, users, now):
    first = register(national_id="3100600445635")
    second = register(national_id="1101700203450")
    same = SensitiveDetails(national_id="3100600445635", disability_types=frozenset({3}))
    update_member(
        db,
        member=first,
        details=MemberDetails.of(first),
        sensitive=same,
        by=users["committee"],
        now=now,
    )
    with pytest.raises(Conflict):
        update_member(
            db,
            member=second,
            details=MemberDetails.of(second),
            sensitive=same,
            by=users["committee"],
            now=now,
        )
    assert db.get(MemberNationalId, second.id).national_id == "1101700203450"


def test_suspend_and_reinstate_with_date_and_reason(db, register, users, now):
    member = register()
    change_status(
        db,
        member=member,
        status=MemberStatus.SUSPENDED,
        on=dt.date(2025, 11, 1),
        reason="ขาดส่งเงินออม 6 เดือน",
        by=users["committee"],
        now=now,
    )
    assert member.status is MemberStatus.SUSPENDED
    assert member.status_changed_on == dt.date(2025, 11, 1)
    change_status(
        db,
        member=member,
        status=MemberStatus.ACTIVE,
        on=dt.date(2025, 11, 20),
        reason="กลับมาส่งเงินออม",
        by=users["committee"],
        now=now,
    )
    rows = _audits(db, "member.status", member.id)
    assert [(r.details["old"], r.details["new"]) for r in rows] == [
        ("active", "suspended"),
        ("suspended", "active"),
    ]
    assert "ขาดส่ง" not in json.dumps([r.details for r in rows], ensure_ascii=False)


@pytest.mark.parametrize(
    ("status", "on", "reason", "error"),
    [
        (MemberStatus.ACTIVE, dt.date(2025, 11, 1), "x", Conflict),
        (MemberStatus.SUSPENDED, dt.date(2025, 11, 1), "   ", InvalidInput),
        (MemberStatus.SUSPENDED, dt.date(2025, 12, 1), "x", InvalidInput),
        (MemberStatus.SUSPENDED, dt.date(2023, 1, 1), "x", InvalidInput),
    ],
)
def test_bad_status_changes_are_refused(db, register, users, now, status, on, reason, error):
    member = register()
    with pytest.raises(error):
        change_status(
            db,
            member=member,
            status=status,
            on=on,
            reason=reason,
            by=users["committee"],
            now=now,
        )
    assert member.status is MemberStatus.ACTIVE


def test_get_member_by_no_is_case_insensitive_on_the_prefix(db, register):
    member = register()
    assert get_member_by_no(db, " cs-0001 ") is member
