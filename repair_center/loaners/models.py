"""Devices lent from the center's stock, and devices given (provided) to members."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fund.db import Base, UTCDateTime, str_enum
from repair_center.devices.models import Condition, Device


class LoanKind(StrEnum):
    WHILE_REPAIRING = "while_repairing"  #: until the member's own device comes back
    LONG_TERM = "long_term"  #: for a set period (trial, recovery, waiting for a provision)


class DeviceLoan(Base):
    __tablename__ = "repair_device_loans"
    __table_args__ = (
        CheckConstraint("returned_on IS NULL OR returned_on >= lent_on", name="return_after_lend"),
        CheckConstraint("due_on IS NULL OR due_on >= lent_on", name="due_after_lend"),
        CheckConstraint(
            "kind <> 'while_repairing' OR job_id IS NOT NULL", name="repair_loan_has_job"
        ),
        CheckConstraint("kind <> 'long_term' OR due_on IS NOT NULL", name="long_term_has_due"),
        # One holder at a time: a device can be out on one open loan only.
        Index(
            "uq_repair_device_loans_open_device",
            "device_id",
            unique=True,
            sqlite_where=text("returned_on IS NULL"),
            postgresql_where=text("returned_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("repair_devices.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[LoanKind] = mapped_column(str_enum(LoanKind, "repair_loan_kind"))
    #: the repair job the loaner covers (while_repairing)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("repair_jobs.id"), index=True)
    lent_on: Mapped[dt.date] = mapped_column(Date)
    #: agreed return date (long-term loans); repair loans are due when the job is delivered
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    returned_on: Mapped[dt.date | None] = mapped_column(Date)
    return_condition: Mapped[Condition | None] = mapped_column(
        str_enum(Condition, "repair_return_condition")
    )
    notes: Mapped[str] = mapped_column(String(1000), default="")
    lent_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    device: Mapped[Device] = relationship(lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.returned_on is None


class ProvisionFunding(StrEnum):
    FUND = "fund"  #: the fund bought it for the member (posts device expense)
    DONOR = "donor"  #: a donor paid; the cost is recorded, no money moved through the fund
    CENTER_STOCK = "center_stock"  #: given from the center's own stock (already paid for)


class DeviceProvision(Base):
    """A device given to a member to keep."""

    __tablename__ = "repair_provisions"
    __table_args__ = (
        CheckConstraint("cost_satang >= 0", name="cost_not_negative"),
        CheckConstraint("funding <> 'donor' OR donor_name <> ''", name="donor_named"),
        CheckConstraint("funding <> 'fund' OR cost_satang > 0", name="fund_purchase_has_cost"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("repair_devices.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    provided_on: Mapped[dt.date] = mapped_column(Date)
    funding: Mapped[ProvisionFunding] = mapped_column(
        str_enum(ProvisionFunding, "repair_provision_funding")
    )
    donor_name: Mapped[str] = mapped_column(String(200), default="")
    #: what the device cost, satang
    cost_satang: Mapped[int] = mapped_column(default=0)
    #: the fund's payment (fund purchases only)
    journal_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    fitting_checked: Mapped[bool] = mapped_column(default=False)
    training_given: Mapped[bool] = mapped_column(default=False)
    follow_up_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    followed_up_on: Mapped[dt.date | None] = mapped_column(Date)
    follow_up_notes: Mapped[str] = mapped_column(String(1000), default="")
    notes: Mapped[str] = mapped_column(String(1000), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    device: Mapped[Device] = relationship(lazy="joined")
