"""Arrears: days overdue, aging buckets, portfolio at risk and the committee's follow-up list.

A loan is in arrears on a date when an instalment due *before* that date is not fully paid; its
days overdue count from the oldest such instalment (as Fineract counts them). Aging buckets:
1–30, 31–60, 61–90 and over 90 days. PAR30 is the outstanding principal of loans more than 30
days overdue, as a share of all outstanding principal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fund.loans.models import Loan, LoanNote, LoanStatus
from fund.loans.state import loan_positions
from fund.members.models import Member

BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("90+", 91, None),
)


def bucket_for(days: int) -> str | None:
    """The aging bucket of a number of days overdue (``None`` when not overdue)."""
    for name, low, high in BUCKETS:
        if days >= low and (high is None or days <= high):
            return name
    return None


@dataclass(frozen=True)
class ArrearsRow:
    loan_id: int
    loan_no: str
    member_id: int
    member_no: str
    member_name: str
    phone: str
    moo: int | None
    village: str
    days_overdue: int
    bucket: str | None
    #: unpaid amounts of instalments due before the date (with late fees due by then)
    overdue_satang: int
    outstanding_principal_satang: int
    oldest_due: dt.date | None
    last_note: str
    last_note_on: dt.date | None
    promised_on: dt.date | None


@dataclass(frozen=True)
class BucketTotal:
    name: str
    loans: int
    outstanding_satang: int
    overdue_satang: int


@dataclass(frozen=True)
class PortfolioAtRisk:
    as_of: dt.date
    active_loans: int
    outstanding_satang: int
    buckets: list[BucketTotal]
    #: outstanding principal of loans more than 30 days overdue
    at_risk_30_satang: int

    @property
    def par30(self) -> Decimal:
        """PAR30 as a percentage with two decimals (0 with no outstanding loans)."""
        if self.outstanding_satang == 0:
            return Decimal("0.00")
        return (Decimal(self.at_risk_30_satang) * 100 / Decimal(self.outstanding_satang)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )


def _last_notes(session: Session, loan_ids: list[int]) -> dict[int, LoanNote]:
    if not loan_ids:
        return {}
    notes = session.scalars(
        select(LoanNote)
        .where(LoanNote.loan_id.in_(loan_ids))
        .order_by(LoanNote.noted_on, LoanNote.id)
    )
    return {note.loan_id: note for note in notes}


def arrears_rows(session: Session, *, as_of: dt.date) -> list[ArrearsRow]:
    """Every active loan's arrears position on ``as_of`` (current loans included, 0 days)."""
    positions = loan_positions(
        session, select(Loan).where(Loan.status == LoanStatus.ACTIVE).order_by(Loan.loan_no)
    )
    notes = _last_notes(session, [p.loan.id for p in positions])
    rows = []
    for position in positions:
        loan = position.loan
        member: Member = loan.member
        days = position.days_overdue(as_of)
        note = notes.get(loan.id)
        rows.append(
            ArrearsRow(
                loan_id=loan.id,
                loan_no=loan.loan_no,
                member_id=member.id,
                member_no=member.member_no,
                member_name=member.full_name,
                phone=member.phone,
                moo=member.moo,
                village=member.village,
                days_overdue=days,
                bucket=bucket_for(days),
                overdue_satang=position.overdue_on(as_of),
                outstanding_principal_satang=position.outstanding_principal,
                oldest_due=position.oldest_unpaid_due(as_of),
                last_note=note.text if note else "",
                last_note_on=note.noted_on if note else None,
                promised_on=note.promised_on if note else None,
            )
        )
    return rows


def follow_up_list(session: Session, *, as_of: dt.date) -> list[ArrearsRow]:
    """Loans in arrears, the longest overdue first, for the committee's calls and visits."""
    rows = [row for row in arrears_rows(session, as_of=as_of) if row.days_overdue > 0]
    return sorted(rows, key=lambda r: (-r.days_overdue, r.moo or 0, r.village, r.loan_no))


def portfolio_at_risk(session: Session, *, as_of: dt.date) -> PortfolioAtRisk:
    rows = arrears_rows(session, as_of=as_of)
    buckets = []
    for name, _low, _high in BUCKETS:
        inside = [r for r in rows if r.bucket == name]
        buckets.append(
            BucketTotal(
                name=name,
                loans=len(inside),
                outstanding_satang=sum(r.outstanding_principal_satang for r in inside),
                overdue_satang=sum(r.overdue_satang for r in inside),
            )
        )
    return PortfolioAtRisk(
        as_of=as_of,
        active_loans=len(rows),
        outstanding_satang=sum(r.outstanding_principal_satang for r in rows),
        buckets=buckets,
        at_risk_30_satang=sum(r.outstanding_principal_satang for r in rows if r.days_overdue > 30),
    )
