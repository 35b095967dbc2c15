"""Welfare benefits, their versioned rules, claims with their payouts, and donations for welfare."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fund.db import Base, UTCDateTime, str_enum
from fund.welfare.rules import AmountKind, ClaimantKind, Rule


class ClaimStatus(StrEnum):
    PAID = "paid"  #: paid out and posted to the ledger
    REVERSED = "reversed"  #: the payout was reversed (the ledger entry too)


class WelfareBenefit(Base):
    """A kind of help the fund gives (e.g. hospital nights). Its rules live in versions."""

    __tablename__ = "welfare_benefits"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: short stable code, e.g. "HOSP"
    code: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    versions: Mapped[list[WelfareBenefitVersion]] = relationship(
        back_populates="benefit", order_by="WelfareBenefitVersion.version"
    )

    @property
    def latest(self) -> WelfareBenefitVersion:
        return self.versions[-1]


class WelfareBenefitVersion(Base):
    """One version of a benefit's rules. Never changed: a change is a new version."""

    __tablename__ = "welfare_benefit_versions"
    __table_args__ = (
        UniqueConstraint("benefit_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("amount_satang > 0", name="amount_positive"),
        CheckConstraint("min_membership_months >= 0", name="min_months_not_negative"),
        CheckConstraint(
            "max_units_per_claim IS NULL OR max_units_per_claim > 0", name="max_units_claim"
        ),
        CheckConstraint(
            "max_units_per_year IS NULL OR max_units_per_year > 0", name="max_units_year"
        ),
        CheckConstraint(
            "max_payouts_per_year IS NULL OR max_payouts_per_year > 0", name="max_payouts_year"
        ),
        CheckConstraint(
            "max_amount_per_year_satang IS NULL OR max_amount_per_year_satang > 0",
            name="max_amount_year",
        ),
        CheckConstraint("name <> ''", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    benefit_id: Mapped[int] = mapped_column(ForeignKey("welfare_benefits.id"), index=True)
    #: 1, 2, 3, … per benefit
    version: Mapped[int]
    #: Thai name shown to members, e.g. "ค่าชดเชยนอนโรงพยาบาล"
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    amount_kind: Mapped[AmountKind] = mapped_column(str_enum(AmountKind, "welfare_amount_kind"))
    #: fixed amount, or amount per day/night (satang)
    amount_satang: Mapped[int]
    #: whole months of membership needed on the event date
    min_membership_months: Mapped[int] = mapped_column(default=0)
    #: days/nights paid at most per claim (NULL: no limit)
    max_units_per_claim: Mapped[int | None]
    #: days/nights paid at most per member per fiscal year
    max_units_per_year: Mapped[int | None]
    #: payouts at most per member per fiscal year
    max_payouts_per_year: Mapped[int | None]
    #: satang at most per member per fiscal year
    max_amount_per_year_satang: Mapped[int | None]
    #: evidence the committee must see, one item per line (e.g. "ใบรับรองแพทย์")
    evidence_required: Mapped[str] = mapped_column(Text, default="")
    #: a relative or caregiver may claim for the member
    representative_allowed: Mapped[bool] = mapped_column(default=False)
    #: False: the benefit no longer accepts claims (closing it is a version too)
    active: Mapped[bool] = mapped_column(default=True)
    #: events on or after this date use this version (until a later version applies)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    #: the committee resolution behind this version, e.g. "ประชุมครั้งที่ 3/2568 วันที่ …"
    resolution: Mapped[str] = mapped_column(String(500), default="")
    #: what changed and why
    change_note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    benefit: Mapped[WelfareBenefit] = relationship(back_populates="versions")

    @property
    def evidence_items(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.evidence_required.splitlines() if line.strip())

    def to_rule(self) -> Rule:
        return Rule(
            name=self.name,
            amount_kind=self.amount_kind,
            amount_satang=self.amount_satang,
            min_membership_months=self.min_membership_months,
            max_units_per_claim=self.max_units_per_claim,
            max_units_per_year=self.max_units_per_year,
            max_payouts_per_year=self.max_payouts_per_year,
            max_amount_per_year_satang=self.max_amount_per_year_satang,
            evidence_required=self.evidence_items,
            representative_allowed=self.representative_allowed,
            effective_from=self.effective_from,
            active=self.active,
            version=self.version,
        )


class WelfareClaim(Base):
    """A claim the committee approved and paid, with the rule version and amount it was paid by."""

    __tablename__ = "welfare_claims"
    __table_args__ = (
        CheckConstraint("amount_satang > 0", name="amount_positive"),
        CheckConstraint("units IS NULL OR units > 0", name="units_positive"),
        CheckConstraint("units_paid IS NULL OR units_paid > 0", name="units_paid_positive"),
        CheckConstraint(
            "claimant_kind = 'member' OR (representative_name <> '' "
            "AND representative_relation <> '')",
            name="representative_named",
        ),
        CheckConstraint(
            "NOT overridden OR (resolution_no <> '' AND resolution_text <> '' "
            "AND resolution_date IS NOT NULL)",
            name="override_has_resolution",
        ),
        CheckConstraint("pay_account IN ('1010', '1020')", name="pay_account_cash_or_bank"),
        CheckConstraint(
            "status <> 'reversed' OR (reversal_entry_id IS NOT NULL AND reversal_reason <> '')",
            name="reversal_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. "สว2569-0001": per fiscal year of payment, gap-free
    claim_no: Mapped[str] = mapped_column(String(20), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    benefit_id: Mapped[int] = mapped_column(ForeignKey("welfare_benefits.id"), index=True)
    #: the rule version the claim was assessed and paid under
    version_id: Mapped[int] = mapped_column(ForeignKey("welfare_benefit_versions.id"), index=True)
    event_date: Mapped[dt.date] = mapped_column(Date, index=True)
    #: B.E. fiscal year of the event date (yearly caps count in it)
    fiscal_year: Mapped[int] = mapped_column(index=True)
    #: days/nights claimed (NULL for fixed amounts)
    units: Mapped[int | None]
    #: days/nights paid after the rule's maximums
    units_paid: Mapped[int | None]
    #: evidence the committee saw, one item per line
    evidence_seen: Mapped[str] = mapped_column(Text, default="")
    claimant_kind: Mapped[ClaimantKind] = mapped_column(
        str_enum(ClaimantKind, "welfare_claimant_kind")
    )
    representative_name: Mapped[str] = mapped_column(String(200), default="")
    #: e.g. "บุตร", "ภรรยา", "ผู้ดูแล"
    representative_relation: Mapped[str] = mapped_column(String(100), default="")
    #: paid (satang)
    amount_satang: Mapped[int]
    #: how the amount was reached (Thai, then English), one step per line
    explanation_th: Mapped[str] = mapped_column(Text, default="")
    explanation_en: Mapped[str] = mapped_column(Text, default="")
    #: the rules the claim broke (Thai / English lines); empty unless overridden
    refusals_th: Mapped[str] = mapped_column(Text, default="")
    refusals_en: Mapped[str] = mapped_column(Text, default="")
    #: paid despite broken rules, on a committee resolution
    overridden: Mapped[bool] = mapped_column(default=False)
    resolution_no: Mapped[str] = mapped_column(String(100), default="")
    resolution_date: Mapped[dt.date | None] = mapped_column(Date)
    resolution_text: Mapped[str] = mapped_column(Text, default="")
    paid_on: Mapped[dt.date] = mapped_column(Date, index=True)
    #: B.E. fiscal year of the payment (the books' year; reports count payouts in it)
    paid_fiscal_year: Mapped[int] = mapped_column(index=True)
    #: account the money left from: "1010" cash or "1020" bank
    pay_account: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[ClaimStatus] = mapped_column(
        str_enum(ClaimStatus, "welfare_claim_status"), default=ClaimStatus.PAID, index=True
    )
    #: the payout's journal entry (expense + welfare fund draw-down); set in the same
    #: transaction right after the claim row (the entry carries the claim's id as source_id)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), unique=True)
    reversal_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entries.id"), unique=True
    )
    reversed_on: Mapped[dt.date | None] = mapped_column(Date)
    reversal_reason: Mapped[str] = mapped_column(String(500), default="")
    reversed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reversed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: one-time key of the form that paid it: a double submit pays once
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    benefit: Mapped[WelfareBenefit] = relationship()
    version: Mapped[WelfareBenefitVersion] = relationship()
    member = relationship("Member")

    @property
    def evidence_items(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.evidence_seen.splitlines() if line.strip())


class WelfareDonation(Base):
    """Money given to the fund for welfare: income, and added to the welfare fund."""

    __tablename__ = "welfare_donations"
    __table_args__ = (
        CheckConstraint("amount_satang > 0", name="amount_positive"),
        CheckConstraint("donor_name <> ''", name="donor_named"),
        CheckConstraint("account IN ('1010', '1020')", name="account_cash_or_bank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: person or organisation, e.g. "องค์การบริหารส่วนตำบลแจ้ซ้อน"
    donor_name: Mapped[str] = mapped_column(String(200))
    amount_satang: Mapped[int]
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    #: "1010" cash or "1020" bank
    account: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(String(500), default="")
    #: the posting (set in the same transaction right after the row)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
