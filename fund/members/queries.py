"""Reading members: the list with search and paging, one member, and their sensitive data.

Sensitive data is read only through :func:`read_sensitive`, which checks the reader's role
(:mod:`fund.members.policy`) and writes a ``sensitive.view`` audit row naming the fields shown.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from fund.audit.models import AuditEntry
from fund.audit.services import record_audit
from fund.errors import NotFound
from fund.members.models import Member, MemberStatus
from fund.members.policy import SensitiveField, viewable_fields
from fund.members.sensitive import (
    DisabilityType,
    MemberConsent,
    MemberDisability,
    MemberDisabilityType,
    MemberHealthNote,
    MemberNationalId,
)
from fund.money import normalise_digits
from fund.users.models import User

PER_PAGE = 25
_FOUR_DIGITS = re.compile(r"^[0-9]{4}$")


@dataclass(frozen=True)
class MemberRow:
    id: int
    member_no: str
    full_name: str
    village: str
    moo: int | None
    status: MemberStatus
    joined_on: dt.date
    anonymised: bool


@dataclass(frozen=True)
class MemberPage:
    rows: tuple[MemberRow, ...]
    total: int
    page: int
    per_page: int
    search: str

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def get_member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(f"ไม่พบสมาชิกรหัส {member_id}", f"No member with id {member_id}.")
    return member


def get_member_by_no(session: Session, member_no: str) -> Member | None:
    return session.scalar(select(Member).where(Member.member_no == member_no.strip().upper()))


def _search_clause(term: str):
    """One search word matches a name, the member number, or the last four ID digits."""
    digits_or_no = normalise_digits(term).upper()
    options = [
        Member.first_name.contains(term, autoescape=True),
        Member.last_name.contains(term, autoescape=True),
        Member.member_no.contains(digits_or_no, autoescape=True),
    ]
    if _FOUR_DIGITS.fullmatch(digits_or_no):
        options.append(
            Member.id.in_(
                select(MemberNationalId.member_id).where(MemberNationalId.last4 == digits_or_no)
            )
        )
    return or_(*options)


def list_members(
    session: Session,
    *,
    search: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    status: MemberStatus | None = None,
) -> MemberPage:
    """Members by number, filtered by every search word (Thai name, member number, last 4 ID)."""
    search = " ".join(search.split())[:100]
    conditions = [_search_clause(word) for word in search.split(" ") if word]
    if status is not None:
        conditions.append(Member.status == status)
    where = and_(*conditions) if conditions else None
    count_q = select(func.count()).select_from(Member)
    rows_q = select(Member).order_by(Member.member_no)
    if where is not None:
        count_q = count_q.where(where)
        rows_q = rows_q.where(where)
    total = session.scalar(count_q) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    members = session.scalars(rows_q.limit(per_page).offset((page - 1) * per_page))
    rows = tuple(
        MemberRow(
            m.id,
            m.member_no,
            m.full_name,
            m.village,
            m.moo,
            m.status,
            m.joined_on,
            m.anonymised_at is not None,
        )
        for m in members
    )
    return MemberPage(rows, total, page, per_page, search)


@dataclass(frozen=True)
class SensitiveView:
    """What one reader may see of a member's sensitive data (None: not shown to this reader)."""

    #: the 13 digits, only for roles allowed to see the national ID
    national_id: str | None
    #: e.g. "x-xxxx-xxxxx-63-5": for everyone else (None when no ID is on record)
    national_id_masked: str | None
    has_national_id: bool
    disability_types: tuple[DisabilityType, ...] | None
    card_expires_on: dt.date | None
    health_notes: str | None
    shown: frozenset[SensitiveField]


def _mask_from_last4(last4: str) -> str:
    return f"x-xxxx-xxxxx-{last4[1:3]}-{last4[3]}"


def read_sensitive(
    session: Session,
    *,
    member: Member,
    viewer: User,
    now: dt.datetime,
    want: frozenset[SensitiveField] | None = None,
    purpose: str = "view",
) -> SensitiveView:
    """The sensitive data ``viewer`` may see (of those in ``want``), logging the view.

    A ``sensitive.view`` audit row names the fields actually shown (never their values). A
    viewer who may see none of them gets masked data and no log row.
    """
    allowed = viewable_fields(viewer.role)
    shown = allowed & (want if want is not None else frozenset(SensitiveField))
    id_row = session.get(MemberNationalId, member.id)
    national_id = masked = None
    if id_row is not None:
        masked = _mask_from_last4(id_row.last4)
        if SensitiveField.NATIONAL_ID in shown:
            national_id = id_row.national_id
    types = card_expiry = notes = None
    if SensitiveField.DISABILITY in shown:
        types = tuple(
            DisabilityType(code)
            for code in session.scalars(
                select(MemberDisabilityType.type_code)
                .where(MemberDisabilityType.member_id == member.id)
                .order_by(MemberDisabilityType.type_code)
            )
        )
        card = session.get(MemberDisability, member.id)
        card_expiry = card.card_expires_on if card else None
    if SensitiveField.HEALTH in shown:
        health = session.get(MemberHealthNote, member.id)
        notes = health.notes if health else ""
    if shown:
        record_audit(
            session,
            actor=viewer,
            action="sensitive.view",
            entity="member",
            entity_id=member.id,
            details={"fields": sorted(f.value for f in shown), "purpose": purpose},
            at=now,
        )
    return SensitiveView(
        national_id, masked, id_row is not None, types, card_expiry, notes, frozenset(shown)
    )


def masked_national_id(session: Session, member: Member) -> str | None:
    """The masked ID (last three digits) — not sensitive, shown to every reader, not logged."""
    last4 = session.scalar(
        select(MemberNationalId.last4).where(MemberNationalId.member_id == member.id)
    )
    return _mask_from_last4(last4) if last4 else None


def consents_for(session: Session, member: Member) -> list[MemberConsent]:
    return list(
        session.scalars(
            select(MemberConsent)
            .where(MemberConsent.member_id == member.id)
            .order_by(MemberConsent.given_on.desc(), MemberConsent.id.desc())
        )
    )


def get_consent(session: Session, consent_id: int) -> MemberConsent:
    consent = session.get(MemberConsent, consent_id)
    if consent is None:
        raise NotFound("ไม่พบบันทึกความยินยอมนี้", "No such consent record.")
    return consent


@dataclass(frozen=True)
class HistoryItem:
    at: dt.datetime
    actor: str
    action: str
    details: dict[str, Any]


def history_for(session: Session, member: Member, *, limit: int = 200) -> list[HistoryItem]:
    """What happened to a member's record, newest first, from the audit log."""
    rows = session.execute(
        select(AuditEntry, User.display_name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.entity == "member", AuditEntry.entity_id == member.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return [
        HistoryItem(entry.at, name or "ระบบ", entry.action, entry.details or {})
        for entry, name in rows
    ]


def member_record(member: Member) -> dict[str, Any]:
    """The member row as plain JSON-able data (for the subject-access export)."""
    result: dict[str, Any] = {}
    for column in Member.__table__.columns:
        value = getattr(member, column.key)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        elif hasattr(value, "value"):
            value = value.value
        result[column.key] = value
    return result


def sensitive_record(session: Session, member: Member) -> dict[str, Any]:
    """All sensitive data held about a member, unfiltered (export only; the caller logs it)."""
    id_row = session.get(MemberNationalId, member.id)
    card = session.get(MemberDisability, member.id)
    health = session.get(MemberHealthNote, member.id)
    types = session.scalars(
        select(MemberDisabilityType.type_code)
        .where(MemberDisabilityType.member_id == member.id)
        .order_by(MemberDisabilityType.type_code)
    )
    return {
        "national_id": id_row.national_id if id_row else None,
        "disability_types": [
            {"code": int(t), "label_th": DisabilityType(t).label_th} for t in types
        ],
        "disability_card_expires_on": (
            card.card_expires_on.isoformat() if card and card.card_expires_on else None
        ),
        "health_notes": health.notes if health else "",
    }
