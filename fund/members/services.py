"""Registering and changing members, their sensitive data, consents, export and anonymising.

Every write is audited. The audit log is append-only and outlives anonymisation, so its details
name the fields that changed but carry values only for fields that say nothing about the person
(status, dates of membership, the subdistrict…): never names, phone numbers, national IDs,
disability or health.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fund.audit.services import record_audit
from fund.errors import Conflict, InvalidInput, NotAllowed
from fund.members.holdings import Holding, money_held
from fund.members.models import Member, MemberStatus, Sex
from fund.members.national_id import (
    STATELESS_NOTICE_EN,
    STATELESS_NOTICE_TH,
    normalise_national_id,
)
from fund.members.policy import SensitiveField, can_edit_members
from fund.members.sensitive import (
    ConsentGivenBy,
    ConsentPurpose,
    DisabilityType,
    LegalBasis,
    MemberConsent,
    MemberDisability,
    MemberDisabilityType,
    MemberHealthNote,
    MemberNationalId,
)
from fund.money import normalise_digits
from fund.sequences import next_value
from fund.users.models import User

BANGKOK = ZoneInfo("Asia/Bangkok")
MEMBER_NO_PREFIX = "CS-"
ANONYMOUS_NAME = "สมาชิกนิรนาม"

#: fields whose old and new values may go into the (permanent) audit log: none identifies anyone
AUDIT_VALUE_FIELDS = frozenset(
    {"joined_on", "large_print", "moo", "tambon", "amphoe", "province", "postcode"}
)

_PHONE = re.compile(r"^\+?[0-9]{9,12}$")
_POSTCODE = re.compile(r"^[0-9]{5}$")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")


def format_member_no(number: int) -> str:
    return f"{MEMBER_NO_PREFIX}{number:04d}"


def bangkok_date(now: dt.datetime) -> dt.date:
    """The Thai calendar day of an aware moment (an entry at 23:30 belongs to that Thai day)."""
    return now.astimezone(BANGKOK).date()


@dataclass(frozen=True)
class Warning:
    """Something accepted that a person should know (e.g. a stateless person's ID)."""

    code: str
    message_th: str
    message_en: str

    def message(self, locale: str = "th") -> str:
        return self.message_en if locale.startswith("en") else self.message_th


STATELESS_WARNING = Warning("stateless_id", STATELESS_NOTICE_TH, STATELESS_NOTICE_EN)


@dataclass(frozen=True)
class MemberDetails:
    """The non-sensitive part of a member record, as typed (services check and tidy it)."""

    title: str
    first_name: str
    last_name: str
    joined_on: dt.date
    birth_date: dt.date | None = None
    sex: Sex | None = None
    phone: str = ""
    house_no: str = ""
    moo: int | None = None
    village: str = ""
    tambon: str = ""
    amphoe: str = ""
    province: str = ""
    postcode: str = ""
    caregiver_name: str = ""
    caregiver_relation: str = ""
    caregiver_phone: str = ""
    occupation: str = ""
    livelihood: str = ""
    large_print: bool = False

    @classmethod
    def of(cls, member: Member) -> MemberDetails:
        return cls(**{f.name: getattr(member, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class SensitiveDetails:
    """National ID, disability and health: replaced as a whole when given to a service."""

    national_id: str | None = None
    disability_types: frozenset[int] = frozenset()
    card_expires_on: dt.date | None = None
    health_notes: str = ""


@dataclass(frozen=True)
class MemberResult:
    member: Member
    warnings: tuple[Warning, ...] = ()
    #: names of the fields that changed (update only)
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusResult:
    member: Member
    warnings: tuple[Warning, ...] = ()


# --- checking input -----------------------------------------------------------------------


_MAX_LENGTHS = {
    "title": 32,
    "first_name": 100,
    "last_name": 100,
    "phone": 32,
    "house_no": 32,
    "village": 100,
    "tambon": 100,
    "amphoe": 100,
    "province": 100,
    "caregiver_name": 200,
    "caregiver_relation": 100,
    "caregiver_phone": 32,
    "occupation": 200,
    "livelihood": 500,
}
_FIELD_NAMES_TH = {
    "title": "คำนำหน้า",
    "first_name": "ชื่อ",
    "last_name": "นามสกุล",
    "phone": "โทรศัพท์",
    "house_no": "บ้านเลขที่",
    "village": "ชื่อหมู่บ้าน",
    "tambon": "ตำบล",
    "amphoe": "อำเภอ",
    "province": "จังหวัด",
    "caregiver_name": "ชื่อผู้ดูแล",
    "caregiver_relation": "ความเกี่ยวข้องของผู้ดูแล",
    "caregiver_phone": "โทรศัพท์ผู้ดูแล",
    "occupation": "อาชีพ",
    "livelihood": "รายได้และการดำรงชีพ",
}


def _clean_phone(value: str, field_name: str) -> str:
    value = normalise_digits(value)
    if not value:
        return ""
    compact = _PHONE_SEPARATORS.sub("", value)
    if not _PHONE.fullmatch(compact):
        raise InvalidInput(
            f"เบอร์โทรศัพท์ไม่ถูกต้อง: {value} กรุณากรอกตัวเลข 9–10 หลัก เช่น 0812345678",
            f"Invalid phone number {value!r}: enter 9–10 digits, e.g. 0812345678.",
            field=field_name,
        )
    return compact


def check_details(details: MemberDetails, *, today: dt.date) -> MemberDetails:
    """Tidy (trim, Thai digits) and check a member's details; refuse with a fix-it message."""
    values: dict[str, Any] = {}
    for f in fields(MemberDetails):
        value = getattr(details, f.name)
        if isinstance(value, str):
            value = " ".join(value.split())
            limit = _MAX_LENGTHS.get(f.name)
            if limit and len(value) > limit:
                label = _FIELD_NAMES_TH.get(f.name, f.name)
                raise InvalidInput(
                    f"{label}ยาวเกิน {limit} ตัวอักษร",
                    f"{f.name} is longer than {limit} characters.",
                    field=f.name,
                )
        values[f.name] = value
    for name in ("first_name", "last_name"):
        if not values[name]:
            label = _FIELD_NAMES_TH[name]
            raise InvalidInput(f"กรุณากรอก{label}", f"Please enter the {name}.", field=name)
    values["phone"] = _clean_phone(values["phone"], "phone")
    values["caregiver_phone"] = _clean_phone(values["caregiver_phone"], "caregiver_phone")
    values["postcode"] = normalise_digits(values["postcode"])
    if values["postcode"] and not _POSTCODE.fullmatch(values["postcode"]):
        raise InvalidInput(
            "รหัสไปรษณีย์ต้องเป็นตัวเลข 5 หลัก เช่น 52240",
            "The postcode must be 5 digits, e.g. 52240.",
            field="postcode",
        )
    moo = values["moo"]
    if moo is not None and not (isinstance(moo, int) and 1 <= moo <= 99):
        raise InvalidInput(
            "หมู่ที่ต้องเป็นตัวเลข 1 ถึง 99", "The village number must be 1 to 99.", field="moo"
        )
    if values["sex"] is not None:
        values["sex"] = Sex(values["sex"])
    joined_on = values["joined_on"]
    if not isinstance(joined_on, dt.date):
        raise InvalidInput("กรุณากรอกวันที่สมัคร", "Please enter the date joined.", field="joined_on")
    if joined_on > today:
        raise InvalidInput(
            "วันที่สมัครเป็นวันในอนาคตไม่ได้",
            "The date joined cannot be in the future.",
            field="joined_on",
        )
    birth = values["birth_date"]
    if birth is not None:
        if birth > today:
            raise InvalidInput(
                "วันเกิดเป็นวันในอนาคตไม่ได้",
                "The birth date cannot be in the future.",
                field="birth_date",
            )
        if birth > joined_on:
            raise InvalidInput(
                "วันเกิดต้องอยู่ก่อนวันที่สมัคร กรุณาตรวจปี พ.ศ. อีกครั้ง",
                "The birth date must be before the date joined; check the B.E. year.",
                field="birth_date",
            )
        if birth.year < 1900:
            raise InvalidInput(
                "วันเกิดเก่าเกินไป กรุณาตรวจปี พ.ศ. อีกครั้ง",
                "The birth date is too early; check the B.E. year.",
                field="birth_date",
            )
    values["large_print"] = bool(values["large_print"])
    return MemberDetails(**values)


def check_national_id(
    session: Session, text: str | None, *, member_id: int | None = None
) -> tuple[str | None, tuple[Warning, ...]]:
    """Normalise an ID (Thai digits, dashes), check its digit and that no other member has it.

    Returns the 13 digits (None when blank) and a warning when it is a stateless person's ID.
    """
    if text is None or not normalise_digits(text):
        return None, ()
    nid = normalise_national_id(text, field="national_id")
    owner = session.execute(
        select(Member.id, Member.member_no)
        .join(MemberNationalId, MemberNationalId.member_id == Member.id)
        .where(MemberNationalId.national_id == nid)
    ).one_or_none()
    if owner is not None and owner.id != member_id:
        other = owner.member_no
        raise Conflict(
            f"เลขประจำตัวประชาชนนี้เป็นของสมาชิก {other} อยู่แล้ว คนหนึ่งเป็นสมาชิกได้ทะเบียนเดียว",
            f"This national ID already belongs to member {other}; a person can be registered once.",
            field="national_id",
        )
    return nid, ((STATELESS_WARNING,) if nid[0] == "0" else ())


def check_disability_types(codes: Iterable[int | str]) -> frozenset[int]:
    result = set()
    for code in codes:
        try:
            result.add(int(DisabilityType(int(code))))
        except (ValueError, TypeError):
            raise InvalidInput(
                f"ประเภทความพิการ {code!r} ไม่ถูกต้อง ต้องเป็นรหัส 1 ถึง 7",
                f"Disability type {code!r} is invalid; codes are 1 to 7.",
                field="disability_types",
            ) from None
    return frozenset(result)


def check_member_input(
    session: Session,
    *,
    details: MemberDetails,
    sensitive: SensitiveDetails | None,
    now: dt.datetime,
    member_id: int | None = None,
) -> tuple[Warning, ...]:
    """Every check of registering/updating, writing nothing (for the review-and-confirm page)."""
    check_details(details, today=bangkok_date(now))
    if sensitive is None:
        return ()
    check_disability_types(sensitive.disability_types)
    _, warnings = check_national_id(session, sensitive.national_id, member_id=member_id)
    return warnings


def _require_committee(user: User) -> None:
    if not can_edit_members(user.role):
        raise NotAllowed(
            "เฉพาะกรรมการกองทุนเท่านั้นที่แก้ไขข้อมูลสมาชิกได้",
            "Only committee members may change member records.",
        )


def _require_not_anonymised(member: Member) -> None:
    if member.anonymised_at is not None:
        raise Conflict(
            f"สมาชิก {member.member_no} ถูกลบข้อมูลส่วนบุคคลแล้ว แก้ไขไม่ได้",
            f"Member {member.member_no} has been anonymised and cannot be changed.",
        )


# --- sensitive data -----------------------------------------------------------------------


def _write_sensitive(
    session: Session,
    member: Member,
    sensitive: SensitiveDetails,
    *,
    national_id: str | None,
    now: dt.datetime,
) -> list[str]:
    """Replace the member's sensitive rows; return which sensitive fields changed."""
    changed = []
    row = session.get(MemberNationalId, member.id)
    if (row.national_id if row else None) != national_id:
        changed.append(SensitiveField.NATIONAL_ID.value)
        if row is not None:
            session.delete(row)
            session.flush()
        if national_id is not None:
            session.add(
                MemberNationalId(
                    member_id=member.id,
                    national_id=national_id,
                    last4=national_id[-4:],
                    recorded_at=now,
                )
            )
    types = check_disability_types(sensitive.disability_types)
    old_types = set(
        session.scalars(
            select(MemberDisabilityType.type_code).where(
                MemberDisabilityType.member_id == member.id
            )
        )
    )
    card = session.get(MemberDisability, member.id)
    old_expiry = card.card_expires_on if card else None
    if old_types != types or old_expiry != sensitive.card_expires_on:
        changed.append(SensitiveField.DISABILITY.value)
        for code in old_types - types:
            session.execute(
                delete(MemberDisabilityType).where(
                    MemberDisabilityType.member_id == member.id,
                    MemberDisabilityType.type_code == code,
                )
            )
        session.add_all(
            MemberDisabilityType(member_id=member.id, type_code=code) for code in types - old_types
        )
        if card is None:
            session.add(
                MemberDisability(
                    member_id=member.id, card_expires_on=sensitive.card_expires_on, updated_at=now
                )
            )
        else:
            card.card_expires_on = sensitive.card_expires_on
            card.updated_at = now
    notes = sensitive.health_notes.strip()
    if len(notes) > 5000:
        raise InvalidInput(
            "บันทึกสุขภาพยาวเกิน 5,000 ตัวอักษร",
            "Health notes are longer than 5,000 characters.",
            field="health_notes",
        )
    health = session.get(MemberHealthNote, member.id)
    if (health.notes if health else "") != notes:
        changed.append(SensitiveField.HEALTH.value)
        if health is None:
            session.add(MemberHealthNote(member_id=member.id, notes=notes, updated_at=now))
        else:
            health.notes = notes
            health.updated_at = now
    session.flush()
    return changed


# --- registering and changing -------------------------------------------------------------


def register_member(
    session: Session,
    *,
    details: MemberDetails,
    sensitive: SensitiveDetails,
    by: User,
    now: dt.datetime,
    member_no: str | None = None,
    audit_action: str = "member.create",
) -> MemberResult:
    """Register a new member under the next member number (``CS-0001``…, never reused).

    Checks the details (names required, phone/postcode shapes, dates not in the future, birth
    before joining) and the national ID (check digit; refused when another member has it;
    accepted with a warning when it starts with 0). Only the committee registers members.
    ``member_no`` is given only by the import, which keeps the numbers of the fund's old books.
    """
    _require_committee(by)
    today = bangkok_date(now)
    details = check_details(details, today=today)
    national_id, warnings = check_national_id(session, sensitive.national_id)
    if member_no is None:
        member_no = format_member_no(next_value(session, "member_no"))
    member = Member(
        member_no=member_no,
        status=MemberStatus.ACTIVE,
        created_at=now,
        **{f.name: getattr(details, f.name) for f in fields(MemberDetails)},
    )
    session.add(member)
    session.flush()
    sensitive_set = _write_sensitive(session, member, sensitive, national_id=national_id, now=now)
    record_audit(
        session,
        actor=by,
        action=audit_action,
        entity="member",
        entity_id=member.id,
        details={
            "member_no": member.member_no,
            "fields": sorted(
                f.name for f in fields(MemberDetails) if getattr(details, f.name) not in ("", None)
            ),
            "sensitive": sensitive_set,
        },
        at=now,
    )
    return MemberResult(member, warnings)


def update_member(
    session: Session,
    *,
    member: Member,
    details: MemberDetails,
    sensitive: SensitiveDetails | None,
    by: User,
    now: dt.datetime,
) -> MemberResult:
    """Change a member's details (and, when given, their sensitive data as a whole).

    Same checks as registering. Audits the names of the changed fields, with old and new values
    only for fields that do not identify the person (see ``AUDIT_VALUE_FIELDS``).
    """
    _require_committee(by)
    _require_not_anonymised(member)
    details = check_details(details, today=bangkok_date(now))
    warnings: tuple[Warning, ...] = ()
    national_id = None
    if sensitive is not None:
        national_id, warnings = check_national_id(
            session, sensitive.national_id, member_id=member.id
        )
    changed = []
    values = {}
    for f in fields(MemberDetails):
        old, new = getattr(member, f.name), getattr(details, f.name)
        if old != new:
            changed.append(f.name)
            if f.name in AUDIT_VALUE_FIELDS:
                values[f.name] = [_jsonable(old), _jsonable(new)]
            setattr(member, f.name, new)
    sensitive_changed = (
        _write_sensitive(session, member, sensitive, national_id=national_id, now=now)
        if sensitive is not None
        else []
    )
    session.flush()
    if changed or sensitive_changed:
        record_audit(
            session,
            actor=by,
            action="member.update",
            entity="member",
            entity_id=member.id,
            details={"fields": changed, "values": values, "sensitive": sensitive_changed},
            at=now,
        )
    return MemberResult(member, warnings, tuple(changed + sensitive_changed))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


#: allowed status changes (a deceased member's record is final)
_TRANSITIONS = {
    MemberStatus.ACTIVE: {MemberStatus.SUSPENDED, MemberStatus.LEFT, MemberStatus.DECEASED},
    MemberStatus.SUSPENDED: {MemberStatus.ACTIVE, MemberStatus.LEFT, MemberStatus.DECEASED},
    MemberStatus.LEFT: {MemberStatus.ACTIVE, MemberStatus.DECEASED},
    MemberStatus.DECEASED: set(),
}
STATUS_LABELS_TH = {
    MemberStatus.ACTIVE: "เป็นสมาชิก",
    MemberStatus.SUSPENDED: "พักสมาชิกภาพ",
    MemberStatus.LEFT: "ลาออก",
    MemberStatus.DECEASED: "เสียชีวิต",
}


def _holdings_text(holdings: list[Holding]) -> tuple[str, str]:
    from fund.money import format_baht

    th = ", ".join(f"{h.label_th} {format_baht(h.amount_satang)}" for h in holdings)
    en = ", ".join(f"{h.label_en} {format_baht(h.amount_satang)}" for h in holdings)
    return th, en


def change_status(
    session: Session,
    *,
    member: Member,
    status: MemberStatus,
    on: dt.date,
    reason: str,
    by: User,
    now: dt.datetime,
) -> StatusResult:
    """Suspend, reinstate, record leaving or death, with the date and the reason.

    A member with money in the fund (savings, a loan, charges owed) cannot leave until it is
    settled: the refusal lists the balances. Death is recorded whatever the balances, with a
    warning listing what must be settled with the heirs. A deceased member's status is final.
    """
    _require_committee(by)
    _require_not_anonymised(member)
    status = MemberStatus(status)
    reason = " ".join(reason.split())
    if status is member.status:
        raise Conflict(
            f"สมาชิกมีสถานะ “{STATUS_LABELS_TH[status]}” อยู่แล้ว",
            f"The member's status is already {status.value}.",
            field="status",
        )
    if status not in _TRANSITIONS[member.status]:
        raise Conflict(
            f"เปลี่ยนสถานะจาก “{STATUS_LABELS_TH[member.status]}” "
            f"เป็น “{STATUS_LABELS_TH[status]}” ไม่ได้",
            f"A member cannot go from {member.status.value} to {status.value}.",
            field="status",
        )
    if not reason:
        raise InvalidInput(
            "กรุณาระบุเหตุผลของการเปลี่ยนสถานะ", "Please give the reason for the change.", field="reason"
        )
    if len(reason) > 500:
        raise InvalidInput(
            "เหตุผลยาวเกิน 500 ตัวอักษร", "The reason is longer than 500 characters.", field="reason"
        )
    if on > bangkok_date(now):
        raise InvalidInput(
            "วันที่มีผลเป็นวันในอนาคตไม่ได้", "The date cannot be in the future.", field="on"
        )
    if on < member.joined_on:
        raise InvalidInput(
            "วันที่มีผลต้องไม่ก่อนวันที่สมัคร", "The date cannot be before the date joined.", field="on"
        )
    warnings: tuple[Warning, ...] = ()
    if status in (MemberStatus.LEFT, MemberStatus.DECEASED):
        holdings = money_held(session, member)
        if holdings:
            th, en = _holdings_text(holdings)
            if status is MemberStatus.LEFT:
                raise Conflict(
                    f"สมาชิกยังมียอดเงินกับกองทุน ({th}) กรุณาปิดยอดให้เป็นศูนย์ก่อนบันทึกการลาออก",
                    f"The member still has money with the fund ({en}); settle it to zero "
                    "before recording that they left.",
                    field="status",
                )
            warnings = (
                Warning(
                    "balances_to_settle",
                    f"ยังมียอดเงินที่ต้องชำระกับทายาท: {th}",
                    f"Balances to settle with the heirs: {en}",
                ),
            )
    old = member.status
    member.status = status
    member.status_changed_on = on
    member.status_reason = reason
    session.flush()
    record_audit(
        session,
        actor=by,
        action="member.status",
        entity="member",
        entity_id=member.id,
        # The reason may be personal (a cause of death): only that it was given is recorded.
        details={"old": old.value, "new": status.value, "on": on.isoformat(), "fields": ["reason"]},
        at=now,
    )
    return StatusResult(member, warnings)


# --- consent ------------------------------------------------------------------------------


def record_consent(
    session: Session,
    *,
    member: Member,
    given_by: ConsentGivenBy,
    legal_basis: LegalBasis,
    purposes: Iterable[ConsentPurpose | str],
    given_on: dt.date,
    by: User,
    now: dt.datetime,
    representative_name: str = "",
    representative_relation: str = "",
) -> MemberConsent:
    """Record who agreed to what and when. A representative must be named with their relation."""
    _require_committee(by)
    _require_not_anonymised(member)
    given_by = ConsentGivenBy(given_by)
    try:
        chosen = sorted({ConsentPurpose(p).value for p in purposes})
    except ValueError as err:
        raise InvalidInput(
            "วัตถุประสงค์ไม่ถูกต้อง", f"Unknown purpose: {err}", field="purposes"
        ) from None
    if not chosen:
        raise InvalidInput(
            "กรุณาเลือกวัตถุประสงค์อย่างน้อยหนึ่งข้อ", "Choose at least one purpose.", field="purposes"
        )
    representative_name = " ".join(representative_name.split())
    representative_relation = " ".join(representative_relation.split())
    if given_by is ConsentGivenBy.REPRESENTATIVE:
        if not representative_name:
            raise InvalidInput(
                "กรุณากรอกชื่อผู้แทนที่ให้ความยินยอม",
                "Please enter the name of the representative who consented.",
                field="representative_name",
            )
        if not representative_relation:
            raise InvalidInput(
                "กรุณาระบุความเกี่ยวข้องของผู้แทนกับสมาชิก เช่น บุตร ผู้อนุบาล",
                "Please give the representative's relation to the member (e.g. child, guardian).",
                field="representative_relation",
            )
    else:
        representative_name = representative_relation = ""
    if given_on > bangkok_date(now):
        raise InvalidInput(
            "วันที่ให้ความยินยอมเป็นวันในอนาคตไม่ได้",
            "The consent date cannot be in the future.",
            field="given_on",
        )
    consent = MemberConsent(
        member_id=member.id,
        given_by=given_by,
        representative_name=representative_name[:200],
        representative_relation=representative_relation[:100],
        legal_basis=LegalBasis(legal_basis),
        purposes=chosen,
        given_on=given_on,
        recorded_by_id=by.id,
        recorded_at=now,
    )
    session.add(consent)
    session.flush()
    record_audit(
        session,
        actor=by,
        action="consent.record",
        entity="member",
        entity_id=member.id,
        details={
            "consent_id": consent.id,
            "given_by": given_by.value,
            "legal_basis": consent.legal_basis.value,
            "purposes": chosen,
            "given_on": given_on.isoformat(),
        },
        at=now,
    )
    return consent


def withdraw_consent(
    session: Session, *, consent: MemberConsent, withdrawn_on: dt.date, by: User, now: dt.datetime
) -> MemberConsent:
    """Mark a consent withdrawn from a date; the record stays as evidence of what was agreed."""
    _require_committee(by)
    if consent.withdrawn_on is not None:
        raise Conflict("ความยินยอมนี้ถูกถอนแล้ว", "This consent was already withdrawn.")
    if withdrawn_on < consent.given_on or withdrawn_on > bangkok_date(now):
        raise InvalidInput(
            "วันที่ถอนความยินยอมต้องไม่ก่อนวันที่ให้ และไม่เป็นวันในอนาคต",
            "The withdrawal date must be between the consent date and today.",
            field="withdrawn_on",
        )
    consent.withdrawn_on = withdrawn_on
    session.flush()
    record_audit(
        session,
        actor=by,
        action="consent.withdraw",
        entity="member",
        entity_id=consent.member_id,
        details={"consent_id": consent.id, "withdrawn_on": withdrawn_on.isoformat()},
        at=now,
    )
    return consent


# --- subject access and anonymising -------------------------------------------------------

#: other areas add what they hold about a member: (section name, fn(session, member) -> JSON-able)
EXPORT_SECTIONS: list[tuple[str, Callable[[Session, Member], Any]]] = []
#: other areas remove personal data they hold about a member being anonymised: fn(session, member)
ANONYMISE_HOOKS: list[Callable[[Session, Member], None]] = []


@dataclass(frozen=True)
class ExportResult:
    member_no: str
    data: dict[str, Any] = field(default_factory=dict)


def export_member_data(
    session: Session, *, member: Member, by: User, now: dt.datetime
) -> ExportResult:
    """Everything the fund holds about one member (a PDPA subject-access request), as JSON data.

    Includes the sensitive data in full, so only the committee may export; the export is logged
    both as an export and as a view of the sensitive fields.
    """
    from fund.members.queries import consents_for, member_record, sensitive_record

    _require_committee(by)
    data: dict[str, Any] = {
        "exported_at": now.isoformat(),
        "member": member_record(member),
        "sensitive": sensitive_record(session, member),
        "consents": [
            {
                "given_by": c.given_by.value,
                "representative_name": c.representative_name,
                "representative_relation": c.representative_relation,
                "legal_basis": c.legal_basis.value,
                "purposes": list(c.purposes),
                "given_on": c.given_on.isoformat(),
                "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
            }
            for c in consents_for(session, member)
        ],
        "balances": [
            {"what": h.code, "label_th": h.label_th, "amount_satang": h.amount_satang}
            for h in money_held(session, member, include_zero=True)
        ],
    }
    for name, section in EXPORT_SECTIONS:
        data[name] = section(session, member)
    record_audit(
        session,
        actor=by,
        action="sensitive.view",
        entity="member",
        entity_id=member.id,
        details={"fields": [f.value for f in SensitiveField], "purpose": "export"},
        at=now,
    )
    record_audit(
        session,
        actor=by,
        action="member.export",
        entity="member",
        entity_id=member.id,
        details={"sections": sorted(data)},
        at=now,
    )
    return ExportResult(member.member_no, data)


def anonymise_member(session: Session, *, member: Member, by: User, now: dt.datetime) -> Member:
    """Remove a departed member's personal and sensitive data; keep the number and the books.

    Only for a member who has left or died, with nothing left to settle. Names become
    "สมาชิกนิรนาม", contact, address, caregiver and livelihood are blanked, and the national ID,
    disability, health and consent rows are deleted. Ledger entries keep pointing at the member
    row, so the books still balance and read under the member number. Irreversible.
    """
    _require_committee(by)
    _require_not_anonymised(member)
    if member.status not in (MemberStatus.LEFT, MemberStatus.DECEASED):
        raise Conflict(
            "ลบข้อมูลส่วนบุคคลได้เฉพาะสมาชิกที่ลาออกหรือเสียชีวิตแล้ว กรุณาบันทึกสถานะก่อน",
            "Only a member who has left or died can be anonymised; record the status first.",
        )
    holdings = money_held(session, member)
    if holdings:
        th, en = _holdings_text(holdings)
        raise Conflict(
            f"ยังมียอดเงินกับกองทุน ({th}) ต้องปิดยอดก่อนจึงลบข้อมูลได้",
            f"The member still has balances with the fund ({en}); settle them first.",
        )
    blank = {f.name: "" for f in fields(MemberDetails) if f.type in ("str", str)}
    for name, value in blank.items():
        setattr(member, name, value)
    member.first_name = ANONYMOUS_NAME
    member.birth_date = None
    member.sex = None
    member.moo = None
    member.status_reason = ""
    member.anonymised_at = now
    for model in (MemberNationalId, MemberDisabilityType, MemberDisability, MemberHealthNote):
        session.execute(delete(model).where(model.member_id == member.id))
    consents = session.execute(
        delete(MemberConsent).where(MemberConsent.member_id == member.id)
    ).rowcount
    for hook in ANONYMISE_HOOKS:
        hook(session, member)
    session.flush()
    record_audit(
        session,
        actor=by,
        action="member.anonymise",
        entity="member",
        entity_id=member.id,
        details={
            "member_no": member.member_no,
            "removed": sorted([*blank, "birth_date", "sex", "moo", "status_reason"]),
            "sensitive_removed": [f.value for f in SensitiveField],
            "consents_removed": consents,
        },
        at=now,
    )
    return member
