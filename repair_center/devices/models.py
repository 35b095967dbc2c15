"""Assistive devices: the catalogue of types and the register of individual devices."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fund.db import Base, UTCDateTime, str_enum


class DeviceCategory(StrEnum):
    """Groups of the WHO Priority Assistive Products List."""

    MOBILITY = "mobility"
    VISION = "vision"
    HEARING = "hearing"
    COMMUNICATION = "communication"
    SELF_CARE = "self_care"
    COGNITION = "cognition"


#: a member left without a device of these groups cannot get about or make themselves understood
ESSENTIAL_CATEGORIES = frozenset({DeviceCategory.MOBILITY, DeviceCategory.COMMUNICATION})


class Acquisition(StrEnum):
    FUND_PURCHASE = "fund_purchase"  #: bought by the fund
    DONATED = "donated"  #: given by a donor (hospital, foundation, person)
    MEMBER_OWN = "member_own"  #: the member's own device, brought in for repair


class Condition(StrEnum):
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"
    UNUSABLE = "unusable"
    RETIRED = "retired"  #: end of life; kept for its history


class DeviceType(Base):
    """One kind of assistive product (seeded by the migration; staff may add more)."""

    __tablename__ = "repair_device_types"
    __table_args__ = (CheckConstraint("code <> ''", name="code_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stable key, e.g. "wheelchair_manual"
    code: Mapped[str] = mapped_column(String(40), unique=True)
    category: Mapped[DeviceCategory] = mapped_column(
        str_enum(DeviceCategory, "repair_device_category"), index=True
    )
    name_th: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    #: order within its category on screens
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def is_essential(self) -> bool:
        return self.category in ESSENTIAL_CATEGORIES

    def name(self, locale: str = "th") -> str:
        return self.name_en if locale.startswith("en") else self.name_th


class Device(Base):
    """One physical device: a member's, or the center's own (lent or given out from stock)."""

    __tablename__ = "repair_devices"
    __table_args__ = (CheckConstraint("tag_no <> ''", name="tag_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    device_type_id: Mapped[int] = mapped_column(ForeignKey("repair_device_types.id"), index=True)
    #: center-issued tag stuck on the device, e.g. "ST-0001" (always present, unique)
    tag_no: Mapped[str] = mapped_column(String(16), unique=True)
    #: maker's serial number when there is one
    serial_no: Mapped[str] = mapped_column(String(64), default="", index=True)
    make: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(100), default="")
    #: size or fitting details (seat width, leg side, hearing-aid ear)
    size: Mapped[str] = mapped_column(String(100), default="")
    #: the owner; None = the center's own stock (for lending or giving)
    owner_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    acquired_on: Mapped[dt.date | None] = mapped_column(Date)
    acquisition: Mapped[Acquisition] = mapped_column(str_enum(Acquisition, "repair_acquisition"))
    #: donor or supplier
    source_name: Mapped[str] = mapped_column(String(200), default="")
    condition: Mapped[Condition] = mapped_column(
        str_enum(Condition, "repair_condition"), default=Condition.GOOD
    )
    notes: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    device_type: Mapped[DeviceType] = relationship(lazy="joined")

    @property
    def in_center_stock(self) -> bool:
        return self.owner_member_id is None

    @property
    def usable(self) -> bool:
        return self.condition in (Condition.GOOD, Condition.FAIR, Condition.POOR)

    @property
    def label(self) -> str:
        parts = [self.device_type.name_th if self.device_type else "", self.make, self.model]
        return " ".join(p for p in parts if p) + f" ({self.tag_no})"


class DeviceHistory(Base):
    """What happened to a device, one line per event. Append-only (database triggers)."""

    __tablename__ = "repair_device_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("repair_devices.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    #: e.g. "registered", "condition", "owner", "job_opened", "job_closed", "lent", "returned",
    #: "provided"
    kind: Mapped[str] = mapped_column(String(32))
    #: values for the sentence shown on screen (never national IDs)
    details: Mapped[dict | None] = mapped_column(JSON)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
