"""Loans without a guarantor: products, applications, loans, schedules, repayments, notes.

The committee's recorded judgement replaces a guarantor, so there are no guarantor fields: the
application keeps the member's plan and situation, the decision keeps the meeting and resolution.

Money is integer satang. Rates are basis points of a yearly percentage (1200 = 12 %).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fund.db import Base, UTCDateTime, str_enum
from fund.loans.schedule import InterestMethod, ScheduleTerms


class LoanPurpose(StrEnum):
    TRADE = "trade"  #: a shop or market stall
    AGRICULTURE = "agriculture"  #: crops
    LIVESTOCK = "livestock"  #: chickens, pigs, cattle, fish
    CRAFTS = "crafts"  #: weaving, basketry, handicrafts
    REPAIR_SERVICE = "repair-service"  #: a repair or service business
    OTHER = "other"


class LatePolicy(StrEnum):
    NONE = "none"
    FIXED_FEE = "fixed-fee"  #: one fixed fee per instalment still unpaid N days after it was due


class ApplicationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class LoanStatus(StrEnum):
    APPROVED = "approved"  #: approved, money not yet handed over
    ACTIVE = "active"  #: disbursed, being repaid
    REPAID = "repaid"
    WRITTEN_OFF = "written-off"


class PayChannel(StrEnum):
    CASH = "cash"
    BANK = "bank"


class RepaymentKind(StrEnum):
    REGULAR = "regular"
    PREPAYMENT = "prepayment"  #: pays more than is due; the schedule is recomputed


class PrepaymentMode(StrEnum):
    SHORTEN_TERM = "shorten-term"  #: keep the instalment, finish earlier
    LOWER_INSTALMENTS = "lower-instalments"  #: keep the end date, pay less each month


class NoteKind(StrEnum):
    NOTE = "note"
    CALL = "call"  #: a phone call
    VISIT = "visit"  #: a home visit
    PROMISE = "promise"  #: the member promised to pay by a date


def rate_percent(bp: int) -> Decimal:
    """Basis points as a yearly percentage (1250 -> Decimal("12.50"))."""
    return Decimal(bp) / Decimal(100)


class LoanProduct(Base):
    """A kind of loan the committee offers, with its limits and interest terms."""

    __tablename__ = "loan_products"
    __table_args__ = (
        CheckConstraint("max_amount_satang > 0", name="max_amount_positive"),
        CheckConstraint("max_term_months BETWEEN 1 AND 240", name="max_term_range"),
        CheckConstraint("annual_rate_bp BETWEEN 0 AND 10000", name="rate_range"),
        CheckConstraint("round_to_satang BETWEEN 1 AND 100000", name="round_to_range"),
        CheckConstraint("grace_months >= 0", name="grace_not_negative"),
        CheckConstraint("late_fee_satang >= 0", name="late_fee_not_negative"),
        CheckConstraint("late_fee_after_days >= 0", name="late_days_not_negative"),
        CheckConstraint("name <> ''", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. "เงินกู้ประกอบอาชีพ ดอกเบี้ย 0%"
    name: Mapped[str] = mapped_column(String(200), unique=True)
    purpose: Mapped[LoanPurpose] = mapped_column(str_enum(LoanPurpose, "loan_purpose"))
    max_amount_satang: Mapped[int]
    max_term_months: Mapped[int]
    method: Mapped[InterestMethod] = mapped_column(str_enum(InterestMethod, "interest_method"))
    #: yearly rate in basis points (1200 = 12 %)
    annual_rate_bp: Mapped[int] = mapped_column(default=0)
    #: instalments are rounded to a multiple of this (100 = whole baht)
    round_to_satang: Mapped[int] = mapped_column(default=100)
    #: months at the start in which no principal is due
    grace_months: Mapped[int] = mapped_column(default=0)
    late_policy: Mapped[LatePolicy] = mapped_column(
        str_enum(LatePolicy, "late_policy"), default=LatePolicy.NONE
    )
    #: the fixed late fee per instalment (0 with no late policy)
    late_fee_satang: Mapped[int] = mapped_column(default=0)
    #: days after the due date before the late fee applies
    late_fee_after_days: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    @property
    def rate_percent(self) -> Decimal:
        return rate_percent(self.annual_rate_bp)


class LoanApplication(Base):
    """A member's request, recorded by one committee member and decided by another."""

    __tablename__ = "loan_applications"
    __table_args__ = (
        CheckConstraint("amount_satang > 0", name="amount_positive"),
        CheckConstraint("term_months BETWEEN 1 AND 240", name="term_range"),
        # Maker-checker, in the database too: the recorder never decides.
        CheckConstraint(
            "decided_by_id IS NULL OR decided_by_id <> recorded_by_id", name="maker_checker"
        ),
        CheckConstraint(
            "(status = 'pending') = (decided_by_id IS NULL)", name="decided_iff_not_pending"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("loan_products.id"), index=True)
    amount_satang: Mapped[int]
    term_months: Mapped[int]
    #: what the money is for, in the member's words
    purpose: Mapped[str] = mapped_column(Text)
    #: how the livelihood will repay the loan
    livelihood_plan: Mapped[str] = mapped_column(Text, default="")
    #: the member's situation as the committee knows it (household, health, income)
    member_situation: Mapped[str] = mapped_column(Text, default="")
    applied_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[ApplicationStatus] = mapped_column(
        str_enum(ApplicationStatus, "loan_application_status"),
        default=ApplicationStatus.PENDING,
        index=True,
    )
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: the committee meeting that decided, e.g. "3/2569"
    meeting_no: Mapped[str] = mapped_column(String(32), default="")
    meeting_date: Mapped[dt.date | None] = mapped_column(Date)
    #: the resolution as minuted (and the reason when rejected)
    resolution: Mapped[str] = mapped_column(Text, default="")
    #: the committee allowed a second open loan for this member
    open_loan_override: Mapped[bool] = mapped_column(default=False)

    member = relationship("Member", lazy="joined")
    product: Mapped[LoanProduct] = relationship(lazy="joined")


class Loan(Base):
    """An approved loan; the terms are copied from the product and fixed at approval."""

    __tablename__ = "loans"
    __table_args__ = (
        CheckConstraint("principal_satang > 0", name="principal_positive"),
        CheckConstraint("term_months BETWEEN 1 AND 240", name="term_range"),
        CheckConstraint("annual_rate_bp BETWEEN 0 AND 10000", name="rate_range"),
        CheckConstraint("round_to_satang BETWEEN 1 AND 100000", name="round_to_range"),
        CheckConstraint("grace_months >= 0", name="grace_not_negative"),
        CheckConstraint("late_fee_satang >= 0", name="late_fee_not_negative"),
        CheckConstraint(
            "(status = 'approved') = (disbursed_on IS NULL)", name="disbursed_iff_not_approved"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. "ก-2569-0001" (per fiscal year of approval, gap-free)
    loan_no: Mapped[str] = mapped_column(String(32), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("loan_applications.id"), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("loan_products.id"), index=True)
    principal_satang: Mapped[int]
    term_months: Mapped[int]
    method: Mapped[InterestMethod] = mapped_column(str_enum(InterestMethod, "interest_method"))
    annual_rate_bp: Mapped[int]
    round_to_satang: Mapped[int]
    grace_months: Mapped[int]
    late_policy: Mapped[LatePolicy] = mapped_column(str_enum(LatePolicy, "late_policy"))
    late_fee_satang: Mapped[int]
    late_fee_after_days: Mapped[int]
    purpose: Mapped[str] = mapped_column(Text)
    status: Mapped[LoanStatus] = mapped_column(
        str_enum(LoanStatus, "loan_status"), default=LoanStatus.APPROVED, index=True
    )
    approved_on: Mapped[dt.date] = mapped_column(Date)
    disbursed_on: Mapped[dt.date | None] = mapped_column(Date)
    disbursement_channel: Mapped[PayChannel | None] = mapped_column(
        str_enum(PayChannel, "pay_channel")
    )
    disbursement_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    disbursement_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    disbursed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: when the loan was repaid in full or written off
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    #: no more interest after a hardship reschedule that froze it
    interest_frozen: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    member = relationship("Member", lazy="joined")
    product: Mapped[LoanProduct] = relationship(lazy="joined")
    application: Mapped[LoanApplication] = relationship()

    @property
    def rate_percent(self) -> Decimal:
        return Decimal(0) if self.interest_frozen else rate_percent(self.annual_rate_bp)

    @property
    def is_open(self) -> bool:
        return self.status in (LoanStatus.APPROVED, LoanStatus.ACTIVE)

    def terms(self) -> ScheduleTerms:
        return ScheduleTerms(
            principal_satang=self.principal_satang,
            annual_rate_percent=rate_percent(self.annual_rate_bp),
            term_months=self.term_months,
            method=self.method,
            round_to_satang=self.round_to_satang,
            grace_months=self.grace_months,
        )


class LoanAgreement(Base):
    """The terms as approved, kept unchanged (the signed agreement's content)."""

    __tablename__ = "loan_agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"), unique=True)
    #: same as the loan number; printed on the agreement
    agreement_no: Mapped[str] = mapped_column(String(32), unique=True)
    member_name: Mapped[str] = mapped_column(String(300))
    principal_satang: Mapped[int]
    term_months: Mapped[int]
    method: Mapped[InterestMethod] = mapped_column(str_enum(InterestMethod, "interest_method"))
    annual_rate_bp: Mapped[int]
    round_to_satang: Mapped[int]
    grace_months: Mapped[int]
    late_policy: Mapped[LatePolicy] = mapped_column(str_enum(LatePolicy, "late_policy"))
    late_fee_satang: Mapped[int]
    late_fee_after_days: Mapped[int]
    purpose: Mapped[str] = mapped_column(Text)
    meeting_no: Mapped[str] = mapped_column(String(32))
    meeting_date: Mapped[dt.date] = mapped_column(Date)
    resolution: Mapped[str] = mapped_column(Text)
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Instalment(Base):
    """One row of a loan's schedule.

    A prepayment or a reschedule replaces the unpaid rows: the old rows stay (``superseded``) so
    the history shows what was agreed before. Paid amounts live in ``RepaymentAllocation``.
    """

    __tablename__ = "loan_instalments"
    __table_args__ = (
        CheckConstraint("principal_satang >= 0", name="principal_not_negative"),
        CheckConstraint("interest_satang >= 0", name="interest_not_negative"),
        CheckConstraint("fee_satang >= 0", name="fee_not_negative"),
        CheckConstraint("no >= 1", name="no_positive"),
        Index("ix_loan_instalments_loan_current", "loan_id", "superseded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"), index=True)
    no: Mapped[int]
    due_date: Mapped[dt.date] = mapped_column(Date)
    principal_satang: Mapped[int]
    interest_satang: Mapped[int]
    #: late fee charged on this instalment (cash basis: income when paid)
    fee_satang: Mapped[int] = mapped_column(default=0)
    #: the repayment whose recording found this instalment late and charged the fee
    fee_charged_by_id: Mapped[int | None] = mapped_column(ForeignKey("loan_repayments.id"))
    superseded: Mapped[bool] = mapped_column(default=False)
    #: the prepayment that created this row (undone when that prepayment is reversed)
    created_by_repayment_id: Mapped[int | None] = mapped_column(
        ForeignKey("loan_repayments.id"), index=True
    )
    superseded_by_repayment_id: Mapped[int | None] = mapped_column(
        ForeignKey("loan_repayments.id"), index=True
    )
    reschedule_id: Mapped[int | None] = mapped_column(ForeignKey("loan_reschedules.id"))
    superseded_by_reschedule_id: Mapped[int | None] = mapped_column(
        ForeignKey("loan_reschedules.id")
    )

    @property
    def total_satang(self) -> int:
        return self.principal_satang + self.interest_satang + self.fee_satang


class Repayment(Base):
    """Money a member paid on a loan and how it was split (fee, interest, principal).

    A reversal marks the row reversed (it is never deleted) and reverses its journal entry; the
    repayments after it are re-applied, so their split and ``entry_id`` may change.
    """

    __tablename__ = "loan_repayments"
    __table_args__ = (
        CheckConstraint("amount_satang > 0", name="amount_positive"),
        CheckConstraint(
            "fee_satang >= 0 AND interest_satang >= 0 AND principal_satang >= 0",
            name="split_not_negative",
        ),
        CheckConstraint(
            "reversed_at IS NOT NULL OR "
            "fee_satang + interest_satang + principal_satang = amount_satang",
            name="split_adds_up",
        ),
        CheckConstraint(
            "(kind = 'prepayment') = (prepayment_mode IS NOT NULL)", name="mode_iff_prepayment"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"), index=True)
    paid_on: Mapped[dt.date] = mapped_column(Date, index=True)
    amount_satang: Mapped[int]
    channel: Mapped[PayChannel] = mapped_column(str_enum(PayChannel, "pay_channel"))
    kind: Mapped[RepaymentKind] = mapped_column(
        str_enum(RepaymentKind, "repayment_kind"), default=RepaymentKind.REGULAR
    )
    prepayment_mode: Mapped[PrepaymentMode | None] = mapped_column(
        str_enum(PrepaymentMode, "prepayment_mode")
    )
    fee_satang: Mapped[int] = mapped_column(default=0)
    interest_satang: Mapped[int] = mapped_column(default=0)
    principal_satang: Mapped[int] = mapped_column(default=0)
    #: the journal entry currently carrying this repayment
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    #: how many times this repayment was re-applied after an earlier change
    reapplied_count: Mapped[int] = mapped_column(default=0)
    #: the receipt given when the money was taken in
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipts.id"), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    memo: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    reversed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    reversed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reversal_reason: Mapped[str] = mapped_column(String(500), default="")

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None


class RepaymentAllocation(Base):
    """The part of a repayment that went to one instalment."""

    __tablename__ = "loan_repayment_allocations"
    __table_args__ = (
        CheckConstraint(
            "fee_satang >= 0 AND interest_satang >= 0 AND principal_satang >= 0",
            name="not_negative",
        ),
        UniqueConstraint("repayment_id", "instalment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    repayment_id: Mapped[int] = mapped_column(ForeignKey("loan_repayments.id"), index=True)
    #: ``None`` for the part of a prepayment that went straight to principal
    instalment_id: Mapped[int | None] = mapped_column(ForeignKey("loan_instalments.id"), index=True)
    fee_satang: Mapped[int] = mapped_column(default=0)
    interest_satang: Mapped[int] = mapped_column(default=0)
    principal_satang: Mapped[int] = mapped_column(default=0)


class Reschedule(Base):
    """A hardship reschedule decided by the committee."""

    __tablename__ = "loan_reschedules"
    __table_args__ = (
        CheckConstraint("resolution <> ''", name="resolution_required"),
        CheckConstraint("new_term_months >= 1", name="term_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"), index=True)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    #: principal still owed when the new schedule starts
    outstanding_satang: Mapped[int]
    #: overdue interest and fees carried into the first new instalment
    carried_interest_satang: Mapped[int] = mapped_column(default=0)
    carried_fee_satang: Mapped[int] = mapped_column(default=0)
    new_term_months: Mapped[int]
    #: the instalment the committee set, if it set one (else computed from the term)
    new_instalment_satang: Mapped[int | None]
    freeze_interest: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(Text)
    meeting_no: Mapped[str] = mapped_column(String(32))
    meeting_date: Mapped[dt.date] = mapped_column(Date)
    resolution: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class WriteOff(Base):
    """The committee wrote off what was left of a loan."""

    __tablename__ = "loan_write_offs"
    __table_args__ = (
        CheckConstraint("principal_satang > 0", name="principal_positive"),
        CheckConstraint("resolution <> ''", name="resolution_required"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"), unique=True)
    written_off_on: Mapped[dt.date] = mapped_column(Date)
    principal_satang: Mapped[int]
    #: interest and fees due but unpaid, forgiven with it (never booked as income)
    waived_interest_satang: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(Text)
    meeting_no: Mapped[str] = mapped_column(String(32))
    meeting_date: Mapped[dt.date] = mapped_column(Date)
    resolution: Mapped[str] = mapped_column(Text)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LoanNote(Base):
    """The follow-up log of a loan (calls, visits, promises). Append-only."""

    __tablename__ = "loan_notes"
    __table_args__ = (CheckConstraint("text <> ''", name="text_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"), index=True)
    noted_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[NoteKind] = mapped_column(str_enum(NoteKind, "loan_note_kind"))
    text: Mapped[str] = mapped_column(Text)
    #: for a promise: the date the member said they would pay by
    promised_on: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
