from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from fund.db import Base, UTCDateTime, str_enum


class MemberStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    LEFT = "left"
    DECEASED = "deceased"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class Member(Base):
    """A member of the fund. Sensitive data (national ID, disability, health) lives elsewhere."""

    __tablename__ = "members"
    __table_args__ = (
        CheckConstraint("member_no <> ''", name="member_no_not_empty"),
        # the meeting-day sheet: a page of active members in its order, and its village filter
        # with each village's count, both from the index alone
        Index("ix_members_sheet", "status", "moo", "member_no", "id"),
        Index("ix_members_villages", "status", "moo", "village"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. "CS-0001"; unique and never reused, even after anonymisation
    member_no: Mapped[str] = mapped_column(String(16), unique=True)
    #: นาย / นาง / นางสาว / …
    title: Mapped[str] = mapped_column(String(32), default="")
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    sex: Mapped[Sex | None] = mapped_column(str_enum(Sex, "sex"))
    phone: Mapped[str] = mapped_column(String(32), default="")
    #: house number, e.g. "12/3"
    house_no: Mapped[str] = mapped_column(String(32), default="")
    #: หมู่ที่ (village number)
    moo: Mapped[int | None]
    village: Mapped[str] = mapped_column(String(100), default="")
    tambon: Mapped[str] = mapped_column(String(100), default="")
    amphoe: Mapped[str] = mapped_column(String(100), default="")
    province: Mapped[str] = mapped_column(String(100), default="")
    postcode: Mapped[str] = mapped_column(String(5), default="")
    caregiver_name: Mapped[str] = mapped_column(String(200), default="")
    caregiver_relation: Mapped[str] = mapped_column(String(100), default="")
    caregiver_phone: Mapped[str] = mapped_column(String(32), default="")
    occupation: Mapped[str] = mapped_column(String(200), default="")
    livelihood: Mapped[str] = mapped_column(String(500), default="")
    joined_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[MemberStatus] = mapped_column(
        str_enum(MemberStatus, "member_status"), default=MemberStatus.ACTIVE, index=True
    )
    status_changed_on: Mapped[dt.date | None] = mapped_column(Date)
    status_reason: Mapped[str] = mapped_column(String(500), default="")
    #: set when personal data was removed at the member's request after leaving
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: statements in large print (≥ 16 pt) for this member
    large_print: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    @property
    def full_name(self) -> str:
        return f"{self.title}{self.first_name} {self.last_name}".strip()

    @property
    def is_active(self) -> bool:
        return self.status is MemberStatus.ACTIVE


# The sensitive tables live in their own module; importing it here lets model discovery find them.
from fund.members import sensitive as sensitive  # noqa: E402
