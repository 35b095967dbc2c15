"""Spare parts: the stock on hand and its append-only movements.

Stock is valued at moving average cost, kept exactly: each part holds the quantity and the total
value on hand, and each movement the quantity and value it moved. Taking out all the units takes
out all the value, so no rounding residue is left behind.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fund.db import Base, UTCDateTime, str_enum


class MovementKind(StrEnum):
    RECEIVED = "received"  #: bought or donated into stock (+)
    USED = "used"  #: taken out for a job (-)
    RETURNED = "returned"  #: unused, back from a job into stock (+)
    ADJUSTED = "adjusted"  #: stock count correction with a reason (+ or -)


class FundingSource(StrEnum):
    """Where the money for received parts came from (decides the ledger posting)."""

    CASH = "cash"
    BANK = "bank"
    DONATION = "donation"


class Part(Base):
    __tablename__ = "repair_parts"
    __table_args__ = (
        CheckConstraint("quantity_on_hand >= 0", name="stock_not_negative"),
        CheckConstraint("value_on_hand_satang >= 0", name="value_not_negative"),
        CheckConstraint(
            "quantity_on_hand > 0 OR value_on_hand_satang = 0", name="no_value_without_stock"
        ),
        CheckConstraint("reorder_level >= 0", name="reorder_not_negative"),
        CheckConstraint("code <> ''", name="code_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: short code on the shelf, e.g. "TYRE-24"
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: ชิ้น, เส้น, คู่, ชุด …
    unit: Mapped[str] = mapped_column(String(20), default="ชิ้น")
    #: maintained from the movements (never typed); the database refuses a negative count
    quantity_on_hand: Mapped[int] = mapped_column(default=0)
    #: total cost of the units on hand, satang (moving average)
    value_on_hand_satang: Mapped[int] = mapped_column(default=0)
    #: cost per unit of the last receipt, satang (used to value stock found when none is on hand)
    last_unit_cost_satang: Mapped[int] = mapped_column(default=0)
    #: at or below this count the part is on the low-stock list
    reorder_level: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    @property
    def unit_cost_satang(self) -> int:
        """Average cost per unit on hand (rounded down, display only), else the last price."""
        if self.quantity_on_hand:
            return self.value_on_hand_satang // self.quantity_on_hand
        return self.last_unit_cost_satang

    @property
    def is_low(self) -> bool:
        return self.quantity_on_hand <= self.reorder_level


class StockMovement(Base):
    """One change of a part's stock. Append-only (database triggers)."""

    __tablename__ = "repair_stock_movements"
    __table_args__ = (
        CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        CheckConstraint(
            "(kind IN ('received', 'returned') AND quantity > 0 AND value_satang >= 0)"
            " OR (kind = 'used' AND quantity < 0 AND value_satang <= 0)"
            " OR kind = 'adjusted'",
            name="sign_matches_kind",
        ),
        CheckConstraint(
            "(kind IN ('used', 'returned')) = (job_id IS NOT NULL)", name="job_for_job_moves"
        ),
        CheckConstraint("kind <> 'adjusted' OR reason <> ''", name="adjustment_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("repair_parts.id"), index=True)
    kind: Mapped[MovementKind] = mapped_column(str_enum(MovementKind, "repair_movement_kind"))
    #: signed: + into stock, - out of stock
    quantity: Mapped[int]
    #: signed value moved, satang (same sign as quantity)
    value_satang: Mapped[int]
    job_id: Mapped[int | None] = mapped_column(ForeignKey("repair_jobs.id"), index=True)
    #: for receipts: who paid (ledger posting); None otherwise
    funding: Mapped[FundingSource | None] = mapped_column(
        str_enum(FundingSource, "repair_funding_source")
    )
    #: supplier, donor, or the reason of an adjustment
    reason: Mapped[str] = mapped_column(String(500), default="")
    moved_on: Mapped[dt.date] = mapped_column(Date)
    journal_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    part: Mapped[Part] = relationship(lazy="joined")
