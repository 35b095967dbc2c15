"""Savings (สัจจะ): each member's agreed monthly amount and the savings actions recorded.

The money itself is in the journal (account 2010 per member); these rows say what the committee
did and carry the one-time key that makes a double submit post once.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from fund.db import Base, UTCDateTime, str_enum


class SavingsKind(StrEnum):
    MONTHLY = "monthly"  #: the agreed monthly savings (สัจจะรายเดือน)
    EXTRA = "extra"  #: an extra deposit
    WITHDRAWAL = "withdrawal"  #: money paid back to the member


class SavingsAccount(Base):
    """A member's savings agreement."""

    __tablename__ = "savings_accounts"
    __table_args__ = (CheckConstraint("agreed_monthly_satang >= 0", name="agreed_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), unique=True)
    #: the monthly amount the member agreed to save, satang
    agreed_monthly_satang: Mapped[int] = mapped_column(default=0)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SavingsTransaction(Base):
    """One deposit or withdrawal the committee recorded."""

    __tablename__ = "savings_transactions"
    __table_args__ = (
        CheckConstraint("amount_satang > 0", name="amount_positive"),
        CheckConstraint("kind <> 'monthly' OR for_month IS NOT NULL", name="monthly_has_month"),
        # "has this member saved for this month?" on meeting day, for a page of members at once
        Index("ix_savings_transactions_member_month", "member_id", "for_month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[SavingsKind] = mapped_column(str_enum(SavingsKind, "savings_kind"))
    #: satang, always positive (the kind says which way)
    amount_satang: Mapped[int]
    txn_date: Mapped[dt.date] = mapped_column(Date)
    #: first day of the month a monthly saving pays for
    for_month: Mapped[dt.date | None] = mapped_column(Date)
    #: "1010" cash or "1020" bank: where the money came in or went out
    money_account: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(String(300), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    #: the form's one-time key (unique: a double submit finds this row instead of posting)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: the posting (set in the same transaction, right after the row is claimed)
    journal_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entries.id"), unique=True
    )
    #: the receipt given for a deposit
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipts.id"), unique=True)
