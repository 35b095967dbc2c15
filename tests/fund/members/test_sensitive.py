from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from fund.audit.models import AuditEntry
from fund.errors import InvalidInput, NotAllowed
from fund.members.policy import SensitiveField, can_view_sensitive
from fund.members.queries import consents_for, list_members, read_sensitive
from fund.members.sensitive import ConsentGivenBy, ConsentPurpose, DisabilityType, LegalBasis
from fund.members.services import record_consent, withdraw_consent
from fund.users.models import Role


def _views(db, member_id):
    return list(
        db.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "sensitive.view", AuditEntry.entity_id == member_id)
            .order_by(AuditEntry.id)
        )
    )


@pytest.mark.parametrize(
    ("role", "national_id", "disability", "health"),
    [
        (Role.COMMITTEE, True, True, True),
        (Role.REPAIR, False, True, False),
        (Role.AUDITOR, False, False, False),
        (Role.ADMIN, False, False, False),
    ],
)
def test_policy_table(role, national_id, disability, health):
    assert can_view_sensitive(role, SensitiveField.NATIONAL_ID) is national_id
    assert can_view_sensitive(role, "disability") is disability
    assert can_view_sensitive(role, SensitiveField.HEALTH) is health
    assert can_view_sensitive(role, "bank_password") is False


def test_committee_sees_everything_and_the_view_is_logged(db, register, users, now):
    member = register(types=(3, 1), health="เบาหวาน ต้องฉีดอินซูลิน")
    view = read_sensitive(db, member=member, viewer=users["committee"], now=now)
    assert view.national_id == "3100600445635"
    assert view.disability_types == (DisabilityType.VISUAL, DisabilityType.PHYSICAL_OR_MOBILITY)
    assert view.card_expires_on == dt.date(2030, 1, 1)
    assert view.health_notes == "เบาหวาน ต้องฉีดอินซูลิน"
    (log,) = _views(db, member.id)
    assert log.actor_id == users["committee"].id
    assert log.details["fields"] == ["disability", "health", "national_id"]
    assert "3100600445635" not in str(log.details)


def test_repair_sees_disability_but_not_the_id_or_health(db, register, users, now):
    member = register(types=(2,), health="โรคหัวใจ")
    view = read_sensitive(db, member=member, viewer=users["repair"], now=now)
    assert view.national_id is None
    assert view.national_id_masked == "x-xxxx-xxxxx-63-5"
    assert view.disability_types == (DisabilityType.HEARING_OR_COMMUNICATION,)
    assert view.health_notes is None
    (log,) = _views(db, member.id)
    assert log.details["fields"] == ["disability"]


@pytest.mark.parametrize("username", ["auditor", "admin"])
def test_auditor_and_admin_see_only_the_masked_id_and_nothing_is_logged(
    db, register, users, now, username
):
    member = register(health="ความดันสูง")
    view = read_sensitive(db, member=member, viewer=users[username], now=now)
    assert (view.national_id, view.disability_types, view.health_notes) == (None, None, None)
    assert view.national_id_masked == "x-xxxx-xxxxx-63-5"
    assert view.shown == frozenset()
    assert _views(db, member.id) == []


def test_asking_for_fewer_fields_logs_only_those(db, register, users, now):
    member = register()
    view = read_sensitive(
        db,
        member=member,
        viewer=users["committee"],
        now=now,
        want=frozenset({SensitiveField.DISABILITY}),
    )
    assert view.national_id is None
    assert _views(db, member.id)[0].details["fields"] == ["disability"]


def test_search_by_name_member_number_and_last_four_id_digits(db, register):
    register(national_id="3100600445635", first_name="สมชาย", last_name="ใจดี")
    register(national_id="1101700203450", first_name="บัวผัน", last_name="แก้วมูล")
    register(national_id="5500100000017", first_name="สมหญิง", last_name="ใจดี")
    assert [r.member_no for r in list_members(db, search="ใจดี").rows] == ["CS-0001", "CS-0003"]
    assert [r.member_no for r in list_members(db, search="สม ใจดี").rows] == [
        "CS-0001",
        "CS-0003",
    ]
    assert [r.member_no for r in list_members(db, search="cs-0002").rows] == ["CS-0002"]
    assert [r.member_no for r in list_members(db, search="3450").rows] == ["CS-0002"]
    assert [r.member_no for r in list_members(db, search="๓๔๕๐").rows] == ["CS-0002"]
    assert list_members(db, search="%").total == 0
    assert list_members(db, search="ไม่มีใคร").rows == ()


def test_paging_clamps_to_the_last_page(db, register):
    for nid in ("3100600445635", "1101700203450", "5500100000017"):
        register(national_id=nid)
    page = list_members(db, page=9, per_page=2)
    assert (page.page, page.pages, page.total) == (2, 2, 3)
    assert [r.member_no for r in page.rows] == ["CS-0003"]
    assert page.has_previous and not page.has_next


def test_consent_by_a_representative_needs_their_name_and_relation(db, register, users, now):
    member = register()
    common = {
        "member": member,
        "given_by": ConsentGivenBy.REPRESENTATIVE,
        "legal_basis": LegalBasis.CONSENT,
        "purposes": [ConsentPurpose.MEMBERSHIP, ConsentPurpose.DISABILITY_DATA],
        "given_on": dt.date(2025, 11, 1),
        "by": users["committee"],
        "now": now,
    }
    with pytest.raises(InvalidInput) as err:
        record_consent(db, **common, representative_name="", representative_relation="บุตร")
    assert err.value.field == "representative_name"
    with pytest.raises(InvalidInput) as err:
        record_consent(db, **common, representative_name="นางคำแปง ใจดี")
    assert err.value.field == "representative_relation"
    consent = record_consent(
        db, **common, representative_name="นางคำแปง ใจดี", representative_relation="บุตรสาว"
    )
    assert consent.purposes == ["disability_data", "membership"]
    assert consents_for(db, member) == [consent]
    log = db.scalars(select(AuditEntry).where(AuditEntry.action == "consent.record")).one()
    assert "คำแปง" not in str(log.details)


def test_consent_needs_a_purpose_and_a_past_date_and_the_committee(db, register, users, now):
    member = register()
    base = {
        "member": member,
        "given_by": ConsentGivenBy.MEMBER,
        "legal_basis": LegalBasis.CONSENT,
        "now": now,
    }
    with pytest.raises(InvalidInput):
        record_consent(db, **base, purposes=[], given_on=dt.date(2025, 1, 1), by=users["committee"])
    with pytest.raises(InvalidInput):
        record_consent(
            db,
            **base,
            purposes=["membership"],
            given_on=dt.date(2026, 1, 1),
            by=users["committee"],
        )
    with pytest.raises(InvalidInput):
        record_consent(
            db, **base, purposes=["spam"], given_on=dt.date(2025, 1, 1), by=users["committee"]
        )
    with pytest.raises(NotAllowed):
        record_consent(
            db, **base, purposes=["membership"], given_on=dt.date(2025, 1, 1), by=users["auditor"]
        )


def test_withdrawing_consent_keeps_the_record(db, register, users, now):
    member = register()
    consent = record_consent(
        db,
        member=member,
        given_by=ConsentGivenBy.MEMBER,
        legal_basis=LegalBasis.CONSENT,
        purposes=["contact"],
        given_on=dt.date(2025, 1, 1),
        by=users["committee"],
        now=now,
    )
    with pytest.raises(InvalidInput):
        withdraw_consent(
            db, consent=consent, withdrawn_on=dt.date(2024, 12, 1), by=users["committee"], now=now
        )
    withdraw_consent(
        db, consent=consent, withdrawn_on=dt.date(2025, 6, 1), by=users["committee"], now=now
    )
    assert consents_for(db, member)[0].withdrawn_on == dt.date(2025, 6, 1)
