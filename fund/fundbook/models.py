"""The fund's own income and spending: grants, donations and operating expenses."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from fund.db import Base, UTCDateTime, str_enum


class FundTxnKind(StrEnum):
    GRANT = "grant"  #: เงินอุดหนุน (a foundation, a government fund)
    DONATION = "donation"  #: เงินบริจาค
    EXPENSE = "expense"  #: ค่าใช้จ่าย


class FundTransaction(Base):
    """A grant or donation received, or an expense paid, with its reference document."""

    __tablename__ = "fund_transactions"
    __table_args__ = (CheckConstraint("amount_satang > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FundTxnKind] = mapped_column(str_enum(FundTxnKind, "fund_txn_kind"))
    txn_date: Mapped[dt.date] = mapped_column(Date, index=True)
    #: who gave the money or was paid
    counterparty: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(300))
    #: document number: the grant letter, the donor's slip, the shop's bill
    reference: Mapped[str] = mapped_column(String(100), default="")
    #: file name of the scanned document kept with the paper file
    attachment_name: Mapped[str] = mapped_column(String(200), default="")
    amount_satang: Mapped[int]
    #: "1010" cash or "1020" bank
    money_account: Mapped[str] = mapped_column(String(8))
    #: the income or expense account (e.g. "4100", "5900"; "3100" for gifts marked for welfare)
    category_account: Mapped[str] = mapped_column(String(8))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    journal_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entries.id"), unique=True
    )
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipts.id"), unique=True)
