"""The books: accounts, journal entries and their lines, period closes, receipts, settings.

Journal entries, journal lines and period closes are append-only: database triggers refuse UPDATE
and DELETE (see the 0003 migration). A correction is a new entry that reverses the old one. A
journal line repeats its entry's date (migration 0012), checked by a trigger on insert.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fund.db import Base, UTCDateTime, str_enum
from fund.ledger.accounts import AccountType, Subledger


class Account(Base):
    """An account of the chart. Seeded by the migration; admins may add and rename accounts."""

    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("code <> ''", name="code_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: four-digit code, e.g. "1010" (see AccountCode)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    type: Mapped[AccountType] = mapped_column(str_enum(AccountType, "account_type"))
    #: the key every line of this account must carry (per member, per loan, or none)
    subledger: Mapped[Subledger] = mapped_column(
        str_enum(Subledger, "subledger"), default=Subledger.NONE
    )
    #: the balance may not go against the account's normal side (cash, savings, a loan)
    never_negative: Mapped[bool] = mapped_column(default=False)
    #: inactive accounts keep their history but take no new postings
    is_active: Mapped[bool] = mapped_column(default=True)
    #: seeded by the migration (the software relies on it; it can be renamed, not retired)
    is_system: Mapped[bool] = mapped_column(default=False)

    def name(self, locale: str = "th") -> str:
        return self.name_en if locale.startswith("en") else self.name_th


class PeriodClose(Base):
    """The committee closed the books up to and including ``closed_through`` (a month's end)."""

    __tablename__ = "period_closes"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: last day of the last closed month; each close is later than the one before
    closed_through: Mapped[dt.date] = mapped_column(Date, unique=True)
    closed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: e.g. the meeting's resolution number
    note: Mapped[str] = mapped_column(String(500), default="")


class JournalEntry(Base):
    """A balanced set of lines recording one business action. Never updated or deleted."""

    __tablename__ = "journal_entries"
    __table_args__ = (
        CheckConstraint("description <> ''", name="description_not_empty"),
        CheckConstraint("source <> ''", name="source_not_empty"),
        CheckConstraint("reverses_id IS NULL OR reverses_id <> id", name="not_self_reversal"),
        # joining lines to entries inside a date window reads only the entries in it
        Index("ix_journal_entries_id_date", "id", "entry_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the accounting date (which period it belongs to)
    entry_date: Mapped[dt.date] = mapped_column(Date, index=True)
    description: Mapped[str] = mapped_column(String(500))
    #: dotted name of the business action, e.g. "savings.deposit", "loan.repayment"
    source: Mapped[str] = mapped_column(String(64), index=True)
    #: id of the business record that made the entry (its table follows from ``source``)
    source_id: Mapped[int | None]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: when it was written (UTC)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    #: one-time key of the form/request that posted it: the same key never posts twice
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: the entry this one reverses; an entry can be reversed once (unique)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), unique=True)

    lines: Mapped[list[JournalLine]] = relationship(
        back_populates="entry", order_by="JournalLine.line_no", lazy="selectin"
    )
    reverses: Mapped[JournalEntry | None] = relationship(
        remote_side=[id], back_populates="reversed_by", foreign_keys=[reverses_id]
    )
    reversed_by: Mapped[JournalEntry | None] = relationship(
        back_populates="reverses", foreign_keys=[reverses_id], uselist=False
    )

    #: set on the returned object when post_entry found the idempotency key already used
    was_replayed = False

    @property
    def total_debit_satang(self) -> int:
        return sum(line.amount_satang for line in self.lines if line.amount_satang > 0)


class JournalLine(Base):
    """One debit (amount > 0) or credit (amount < 0) of an entry, in satang."""

    __tablename__ = "journal_lines"
    __table_args__ = (
        CheckConstraint("amount_satang <> 0", name="amount_not_zero"),
        UniqueConstraint("entry_id", "line_no"),
        # a member's lines in an account for a range of dates from the index alone (passbook,
        # statements): one range, however long the member's history
        Index(
            "ix_journal_lines_account_member_date",
            "account_id",
            "member_id",
            "entry_date",
            "entry_id",
            "line_no",
            "amount_satang",
        ),
        Index("ix_journal_lines_account_loan", "account_id", "loan_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    #: the entry's accounting date, copied so a date window is a range of the line's own index
    #: (a database trigger refuses a line whose date is not its entry's)
    entry_date: Mapped[dt.date] = mapped_column(Date)
    #: 1, 2, … within the entry
    line_no: Mapped[int]
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    #: satang; debit > 0, credit < 0
    amount_satang: Mapped[int]
    #: sub-ledger key for member accounts (also set on loan lines: whose loan it is)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    #: sub-ledger key for loan accounts (loans live in a later migration, so no foreign key)
    loan_id: Mapped[int | None] = mapped_column(index=True)
    memo: Mapped[str] = mapped_column(String(200), default="")

    entry: Mapped[JournalEntry] = relationship(back_populates="lines")
    account: Mapped[Account] = relationship(lazy="joined")


class Setting(Base):
    """A value the committee or admin sets (e.g. the minimum savings while a loan is out)."""

    __tablename__ = "fund_settings"

    #: dotted name, e.g. "savings.min_balance_with_loan_satang"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: the value as text (integers for amounts in satang)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Receipt(Base):
    """A receipt for money received: numbered without gaps per fiscal year, voided not deleted."""

    __tablename__ = "receipts"
    __table_args__ = (
        UniqueConstraint("fiscal_year", "number"),
        CheckConstraint("amount_satang > 0", name="amount_positive"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("reprint_count >= 0", name="reprint_count_not_negative"),
        CheckConstraint(
            "(voided_at IS NULL AND void_entry_id IS NULL) OR "
            "(voided_at IS NOT NULL AND void_entry_id IS NOT NULL AND void_reason <> '')",
            name="void_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: B.E. fiscal year the number belongs to, e.g. 2569
    fiscal_year: Mapped[int]
    #: 1, 2, 3 … within the fiscal year, no gaps
    number: Mapped[int]
    issued_on: Mapped[dt.date] = mapped_column(Date, index=True)
    payer_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    #: the payer's name as printed (kept even if the member record changes later)
    payer_name: Mapped[str] = mapped_column(String(200))
    #: what the money is for, e.g. "เงินสัจจะเดือนพฤศจิกายน 2568"
    purpose: Mapped[str] = mapped_column(String(300))
    amount_satang: Mapped[int]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    #: the posting that took the money in
    journal_entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), unique=True)
    voided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str] = mapped_column(String(500), default="")
    #: the reversal of ``journal_entry_id`` made when the receipt was voided
    void_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), unique=True)
    #: how many copies ("สำเนา") were printed after the original
    reprint_count: Mapped[int] = mapped_column(default=0)

    journal_entry: Mapped[JournalEntry] = relationship(foreign_keys=[journal_entry_id])
    void_entry: Mapped[JournalEntry | None] = relationship(foreign_keys=[void_entry_id])

    @property
    def receipt_no(self) -> str:
        """As printed: "2569/00012"."""
        return f"{self.fiscal_year}/{self.number:05d}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class LedgerBalance(Base):
    """A balance kept up to date from the journal, so reading it never sums the history.

    ``sub_key`` 0 is the whole account; a member's or a loan's part of a sub-ledger account is
    kept under the member's or the loan's id as well. Written only by fund/ledger/balances.py
    when a transaction commits; ``chaeson check`` compares every row with the journal.
    """

    __tablename__ = "ledger_balances"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    #: 0 = the whole account; else the member's or the loan's id (by the account's sub-ledger)
    sub_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: debit-positive satang, every line of the account (or key) ever posted
    amount_satang: Mapped[int]


class LedgerDailyChange(Base):
    """The net change of a balance on one day: a balance as of a date is the kept balance less
    the changes after it, and the lowest future balance is a walk over the days after a date."""

    __tablename__ = "ledger_daily_changes"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    #: as in LedgerBalance
    sub_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: the entries' accounting date
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    #: debit-positive satang posted that day
    amount_satang: Mapped[int]


class LedgerPending(Base):
    """A journal line not yet added to the kept balances. A database trigger writes one row per
    new line, carrying what the kept balances need; the committing transaction applies and
    deletes them. Reads add what is pending, so a balance is right even before it is applied."""

    __tablename__ = "ledger_pending"
    __table_args__ = (Index("ix_ledger_pending_key", "account_id", "sub_key", "day"),)

    line_id: Mapped[int] = mapped_column(
        ForeignKey("journal_lines.id"), primary_key=True, autoincrement=False
    )
    account_id: Mapped[int]
    #: the member's or the loan's id for a sub-ledger account, else 0
    sub_key: Mapped[int]
    #: the entry's accounting date
    day: Mapped[dt.date] = mapped_column(Date)
    #: the line's debit-positive satang
    amount_satang: Mapped[int]
