from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from fund.audit.models import AuditEntry
from fund.errors import Conflict
from fund.ledger.accounts import AccountCode
from fund.ledger.models import JournalLine
from fund.ledger.queries import member_savings_balance
from fund.ledger.services import LineSpec, post_entry
from fund.members.models import MemberStatus
from fund.members.sensitive import (
    ConsentGivenBy,
    LegalBasis,
    MemberConsent,
    MemberDisabilityType,
    MemberHealthNote,
    MemberNationalId,
)
from fund.members.services import (
    ANONYMOUS_NAME,
    MemberDetails,
    anonymise_member,
    change_status,
    export_member_data,
    record_consent,
    update_member,
)


def _move_savings(db, users, now, member, satang):
    """Deposit (satang > 0) or withdraw (satang < 0) the member's savings in cash."""
    post_entry(
        db,
        entry_date=dt.date(2025, 10, 1),
        description="เงินออมทดสอบ",
        source="savings.test",
        lines=[
            LineSpec(AccountCode.CASH, satang),
            LineSpec(AccountCode.MEMBER_SAVINGS, -satang, member_id=member.id),
        ],
        recorded_by=users["committee"],
        now=now,
    )


def _leave(db, users, now, member, status=MemberStatus.LEFT):
    return change_status(
        db,
        member=member,
        status=status,
        on=dt.date(2025, 11, 1),
        reason="ย้ายไปอยู่ต่างจังหวัด",
        by=users["committee"],
        now=now,
    )


def test_a_member_with_savings_cannot_leave_until_they_are_paid_out(db, register, users, now):
    member = register()
    _move_savings(db, users, now, member, 150000)
    with pytest.raises(Conflict) as err:
        _leave(db, users, now, member)
    assert "เงินออม ฿1,500.00" in err.value.message_th
    assert member.status is MemberStatus.ACTIVE
    _move_savings(db, users, now, member, -150000)
    _leave(db, users, now, member)
    assert member.status is MemberStatus.LEFT


def test_death_is_recorded_with_balances_but_warns_what_to_settle(db, register, users, now):
    member = register()
    _move_savings(db, users, now, member, 50000)
    result = _leave(db, users, now, member, MemberStatus.DECEASED)
    assert member.status is MemberStatus.DECEASED
    assert [w.code for w in result.warnings] == ["balances_to_settle"]
    with pytest.raises(Conflict):
        anonymise_member(db, member=member, by=users["committee"], now=now)
    with pytest.raises(Conflict):  # a death is final
        _leave(db, users, now, member, MemberStatus.ACTIVE)


def test_only_members_who_left_or_died_can_be_anonymised(db, register, users, now):
    member = register()
    with pytest.raises(Conflict):
        anonymise_member(db, member=member, by=users["committee"], now=now)
    assert member.first_name == "สมชาย"


def test_anonymising_removes_personal_and_sensitive_data_and_keeps_the_books(
    db, register, users, now
):
    member = register(health="ใช้รถเข็น", caregiver_name="นางคำแปง ใจดี")
    record_consent(
        db,
        member=member,
        given_by=ConsentGivenBy.MEMBER,
        legal_basis=LegalBasis.CONSENT,
        purposes=["membership"],
        given_on=dt.date(2025, 1, 1),
        by=users["committee"],
        now=now,
    )
    _move_savings(db, users, now, member, 20000)
    _move_savings(db, users, now, member, -20000)
    lines_before = db.scalar(
        select(func.count()).select_from(JournalLine).where(JournalLine.member_id == member.id)
    )
    _leave(db, users, now, member)
    anonymise_member(db, member=member, by=users["committee"], now=now)

    assert (member.member_no, member.full_name) == ("CS-0001", ANONYMOUS_NAME)
    assert (member.phone, member.house_no, member.caregiver_name, member.birth_date) == (
        "",
        "",
        "",
        None,
    )
    assert member.anonymised_at == now
    for model in (MemberNationalId, MemberDisabilityType, MemberHealthNote, MemberConsent):
        assert (
            db.scalar(select(func.count()).select_from(model).where(model.member_id == member.id))
            == 0
        )
    # The books are untouched: the member's lines are still there and everything balances.
    assert (
        db.scalar(
            select(func.count()).select_from(JournalLine).where(JournalLine.member_id == member.id)
        )
        == lines_before
    )
    assert db.scalar(select(func.sum(JournalLine.amount_satang))) == 0
    assert member_savings_balance(db, member.id) == 0
    log = db.scalars(select(AuditEntry).where(AuditEntry.action == "member.anonymise")).one()
    assert "first_name" in log.details["removed"]
    everything = json.dumps([e.details for e in db.scalars(select(AuditEntry))], ensure_ascii=False)
    for personal in ("สมชาย", "ใจดี", "คำแปง", "3100600445635", "0812345678", "รถเข็น"):
        assert personal not in everything
    with pytest.raises(Conflict):
        anonymise_member(db, member=member, by=users["committee"], now=now)
    with pytest.raises(Conflict):
        update_member(
            db,
            member=member,
            details=MemberDetails.of(member),
            sensitive=None,
            by=users["committee"],
            now=now,
        )
    data = export_member_data(db, member=member, by=users["committee"], now=now).data
    assert data["sensitive"]["national_id"] is None
    assert data["member"]["first_name"] == ANONYMOUS_NAME
