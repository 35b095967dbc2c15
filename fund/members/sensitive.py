"""Sensitive personal data (PDPA section 26): national ID, disability and health, kept apart.

These tables hold what the Personal Data Protection Act calls sensitive data (disability and
health) and the national ID, which together identify a person beyond doubt. They sit apart from
``members`` and from every ledger table so that:

- reads of them happen in one place (:mod:`fund.members.queries`) which checks the reader's role
  and logs the view in the audit log;
- anonymising a member who has left deletes these rows outright, while the member number and the
  books stay.

The models are imported by :mod:`fund.members.models` so model discovery finds them.
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum, StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    TypeDecorator,
    event,
    type_coerce,
)
from sqlalchemy.ext.hybrid import Comparator, hybrid_property
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql import operators

from fund.crypto import decrypt, encrypt, lookup_hash
from fund.db import Base, UTCDateTime, str_enum


class DisabilityType(IntEnum):
    """The seven types printed on the Thai disability card (บัตรประจำตัวคนพิการ)."""

    VISUAL = 1
    HEARING_OR_COMMUNICATION = 2
    PHYSICAL_OR_MOBILITY = 3
    MENTAL_OR_BEHAVIOURAL = 4
    INTELLECTUAL = 5
    LEARNING = 6
    AUTISM = 7

    @property
    def label_th(self) -> str:
        return DISABILITY_LABELS_TH[self]

    @property
    def label_en(self) -> str:
        return DISABILITY_LABELS_EN[self]


DISABILITY_LABELS_TH = {
    DisabilityType.VISUAL: "การเห็น",
    DisabilityType.HEARING_OR_COMMUNICATION: "การได้ยินหรือสื่อความหมาย",
    DisabilityType.PHYSICAL_OR_MOBILITY: "การเคลื่อนไหวหรือทางร่างกาย",
    DisabilityType.MENTAL_OR_BEHAVIOURAL: "จิตใจหรือพฤติกรรม",
    DisabilityType.INTELLECTUAL: "สติปัญญา",
    DisabilityType.LEARNING: "การเรียนรู้",
    DisabilityType.AUTISM: "ออทิสติก",
}
DISABILITY_LABELS_EN = {
    DisabilityType.VISUAL: "visual",
    DisabilityType.HEARING_OR_COMMUNICATION: "hearing or communication",
    DisabilityType.PHYSICAL_OR_MOBILITY: "physical or mobility",
    DisabilityType.MENTAL_OR_BEHAVIOURAL: "mental or behavioural",
    DisabilityType.INTELLECTUAL: "intellectual",
    DisabilityType.LEARNING: "learning",
    DisabilityType.AUTISM: "autism",
}


NATIONAL_ID_CONTEXT = "member_national_ids.national_id"


class _DecryptedText(TypeDecorator[str]):
    """Selecting ``MemberNationalId.national_id`` in a query gives the decrypted digits."""

    impl = String(80)
    cache_ok = True

    def process_result_value(self, value: str | None, dialect) -> str | None:
        return None if value is None else decrypt(value, context=NATIONAL_ID_CONTEXT)


def _hashed(value: object) -> str:
    return lookup_hash(str(value), context=NATIONAL_ID_CONTEXT)


class _ByLookupHash(Comparator[str]):
    """In queries ``national_id`` compares (``==``, ``!=``, ``in_``) by keyed hash, and reads
    (in a ``select``) as the decrypted digits."""

    def __init__(self, encrypted, hashed) -> None:
        super().__init__(type_coerce(encrypted, _DecryptedText()))
        self._hash = hashed

    def operate(self, op, *other, **kwargs):
        if op in (operators.eq, operators.ne):
            return op(self._hash, _hashed(other[0]))
        if op in (operators.in_op, operators.not_in_op):
            return op(self._hash, [_hashed(v) for v in other[0]])
        raise NotImplementedError(
            f"national IDs are encrypted: only ==, != and in_ work in queries, not {op.__name__}"
        )


class MemberNationalId(Base):
    """A member's national ID (เลขประจำตัวประชาชน), one per member, unique across members.

    Stored encrypted (AES-GCM, :mod:`fund.crypto`; the key is outside the database) with a keyed
    hash for exact lookup and uniqueness, so the database and its backups hold no plain ID.
    ``national_id`` reads and writes the 13 digits; in queries it compares by the hash.
    """

    __tablename__ = "member_national_ids"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    #: the 13 digits encrypted with AES-256-GCM ("v1." + base64); never logged or audited
    national_id_encrypted: Mapped[str] = mapped_column(String(80))
    #: HMAC-SHA256 (hex) of the 13 digits under the data key: exact lookup and uniqueness
    national_id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the last four digits, so the counter can find a member by the end of the card number
    last4: Mapped[str] = mapped_column(String(4), index=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (CheckConstraint("length(last4) = 4", name="last4_four_digits"),)

    @hybrid_property
    def national_id(self) -> str:
        """The 13 ASCII digits, check digit verified (decrypted on reading)."""
        return decrypt(self.national_id_encrypted, context=NATIONAL_ID_CONTEXT)

    @national_id.inplace.setter
    def _national_id_setter(self, value: str) -> None:
        self.national_id_encrypted = encrypt(value, context=NATIONAL_ID_CONTEXT)
        self.national_id_hash = lookup_hash(value, context=NATIONAL_ID_CONTEXT)

    @national_id.inplace.update_expression
    @classmethod
    def _national_id_update(cls, value: str) -> list:
        """ORM bulk INSERT/UPDATE with ``{"national_id": …}`` store the ciphertext and hash."""
        return [
            (cls.national_id_encrypted, encrypt(value, context=NATIONAL_ID_CONTEXT)),
            (cls.national_id_hash, _hashed(value)),
        ]

    @national_id.inplace.comparator
    @classmethod
    def _national_id_comparator(cls) -> _ByLookupHash:
        return _ByLookupHash(cls.national_id_encrypted, cls.national_id_hash)


class MemberDisability(Base):
    """The disability card: expiry date (the types are rows of :class:`MemberDisabilityType`)."""

    __tablename__ = "member_disabilities"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    #: the date printed on the disability card as its expiry; None when not known
    card_expires_on: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class MemberDisabilityType(Base):
    """One of the (possibly several) disability types of a member: a set, one row per type."""

    __tablename__ = "member_disability_types"
    __table_args__ = (CheckConstraint("type_code BETWEEN 1 AND 7", name="type_code_1_to_7"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    #: 1..7, see :class:`DisabilityType`
    type_code: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


class MemberHealthNote(Base):
    """Free-text health notes a committee member keeps for a member (committee eyes only)."""

    __tablename__ = "member_health_notes"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ConsentGivenBy(StrEnum):
    MEMBER = "member"
    REPRESENTATIVE = "representative"


class LegalBasis(StrEnum):
    """The PDPA basis the fund relies on for a purpose (sections 24 and 26)."""

    CONSENT = "consent"  #: explicit consent (needed for disability/health data, s. 26)
    CONTRACT = "contract"  #: performing the membership agreement (savings, loans)
    LEGAL_OBLIGATION = "legal_obligation"  #: records the law requires the fund to keep
    VITAL_INTEREST = "vital_interest"  #: to protect life or health when consent is impossible


class ConsentPurpose(StrEnum):
    MEMBERSHIP = "membership"  #: keeping the member register
    SAVINGS_LOANS = "savings_loans"  #: savings, loans and their statements
    WELFARE = "welfare"  #: welfare benefits
    REPAIR = "repair"  #: assistive-device repair and making
    DISABILITY_DATA = "disability_data"  #: holding disability and health data
    CONTACT = "contact"  #: phoning or visiting about fund business


class MemberConsent(Base):
    """A consent or legal-basis record: who agreed (the member or a representative), when, to what.

    Not sensitive itself; kept with the sensitive tables because it governs them. Withdrawing
    stamps ``withdrawn_on``; the row stays as the record of what was agreed when.
    """

    __tablename__ = "member_consents"
    __table_args__ = (
        CheckConstraint(
            "given_by = 'member' OR representative_name <> ''", name="representative_named"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    given_by: Mapped[ConsentGivenBy] = mapped_column(str_enum(ConsentGivenBy, "consent_given_by"))
    #: the representative's name and relation (empty when the member consented personally)
    representative_name: Mapped[str] = mapped_column(String(200), default="")
    representative_relation: Mapped[str] = mapped_column(String(100), default="")
    legal_basis: Mapped[LegalBasis] = mapped_column(str_enum(LegalBasis, "legal_basis"))
    #: list of ConsentPurpose values
    purposes: Mapped[list] = mapped_column(JSON)
    #: the day the consent was given (on paper or in person)
    given_on: Mapped[dt.date] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


@event.listens_for(Session, "do_orm_execute")
def _encrypt_bulk_national_ids(state):
    """ORM bulk ``insert(MemberNationalId)`` with ``{"national_id": …}`` rows (the import) stores
    the ciphertext and the hash, as the attribute does for single rows."""
    if not state.is_insert or state.bind_mapper is not MemberNationalId.__mapper__:
        return None
    params = state.parameters
    rows = params if isinstance(params, list) else [params] if params else []
    if not any(isinstance(r, dict) and "national_id" in r for r in rows):
        return None
    converted = []
    for row in rows:
        row = dict(row)
        plain = row.pop("national_id", None)
        if plain is not None:
            row["national_id_encrypted"] = encrypt(plain, context=NATIONAL_ID_CONTEXT)
            row["national_id_hash"] = _hashed(plain)
        converted.append(row)
    return state.invoke_statement(params=converted if isinstance(params, list) else converted[0])
