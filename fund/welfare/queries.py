"""Reads for the welfare screens and reports: benefits, claims, payouts summed, the welfare fund."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from fund.ledger.accounts import AccountCode
from fund.ledger.models import Account, JournalEntry, JournalLine
from fund.ledger.queries import account_balance
from fund.members.models import Member
from fund.thaidate import fiscal_year_bounds
from fund.welfare.models import (
    ClaimStatus,
    WelfareBenefit,
    WelfareBenefitVersion,
    WelfareClaim,
    WelfareDonation,
)


def welfare_fund_balance(session: Session, *, as_of: dt.date | None = None) -> int:
    """What the welfare fund holds (satang, positive while it has money)."""
    return -int(account_balance(session, AccountCode.WELFARE_FUND, as_of=as_of))


def list_benefits(session: Session, *, include_closed: bool = True) -> list[WelfareBenefit]:
    benefits = list(
        session.scalars(
            select(WelfareBenefit)
            .options(selectinload(WelfareBenefit.versions))
            .order_by(WelfareBenefit.code)
        )
    )
    if not include_closed:
        benefits = [b for b in benefits if b.latest.active]
    return benefits


def get_benefit(session: Session, benefit_id: int) -> WelfareBenefit | None:
    return session.get(WelfareBenefit, benefit_id)


def get_claim(session: Session, claim_id: int) -> WelfareClaim | None:
    return session.get(WelfareClaim, claim_id)


def claim_by_key(session: Session, idempotency_key: str) -> WelfareClaim | None:
    """The claim a one-time form key already paid (a double submit), if any."""
    if not idempotency_key:
        return None
    return session.scalar(
        select(WelfareClaim).where(WelfareClaim.idempotency_key == idempotency_key)
    )


def find_member(session: Session, member_no: str) -> Member | None:
    text = member_no.strip().upper()
    if text.isdigit():
        text = f"CS-{int(text):04d}"
    return session.scalar(select(Member).where(Member.member_no == text))


def list_claims(
    session: Session,
    *,
    fiscal_year: int | None = None,
    member_id: int | None = None,
    benefit_id: int | None = None,
    limit: int = 500,
) -> list[WelfareClaim]:
    """Claims newest first; ``fiscal_year`` is the fiscal year of payment."""
    query = (
        select(WelfareClaim)
        .options(
            selectinload(WelfareClaim.member),
            selectinload(WelfareClaim.version),
        )
        .order_by(WelfareClaim.paid_on.desc(), WelfareClaim.id.desc())
        .limit(limit)
    )
    if fiscal_year is not None:
        query = query.where(WelfareClaim.paid_fiscal_year == fiscal_year)
    if member_id is not None:
        query = query.where(WelfareClaim.member_id == member_id)
    if benefit_id is not None:
        query = query.where(WelfareClaim.benefit_id == benefit_id)
    return list(session.scalars(query))


def list_donations(session: Session, *, fiscal_year: int | None = None) -> list[WelfareDonation]:
    query = select(WelfareDonation).order_by(
        WelfareDonation.received_on.desc(), WelfareDonation.id.desc()
    )
    if fiscal_year is not None:
        first, last = fiscal_year_bounds(fiscal_year)
        query = query.where(WelfareDonation.received_on.between(first, last))
    return list(session.scalars(query))


def fiscal_years_with_payouts(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(WelfareClaim.paid_fiscal_year)
            .distinct()
            .order_by(WelfareClaim.paid_fiscal_year.desc())
        )
    )


@dataclass(frozen=True)
class PayoutTotal:
    """Payouts of one group (a benefit, a member, a year) that were not reversed."""

    key: str
    label: str
    count: int
    amount_satang: int
    #: payouts of the group that were later reversed (not in count/amount)
    reversed_count: int = 0


def _totals(session: Session, group_cols, label_of, fiscal_year: int | None) -> list:
    paid = case((WelfareClaim.status == ClaimStatus.PAID, 1), else_=0)
    query = select(
        *group_cols,
        func.sum(paid),
        func.sum(paid * WelfareClaim.amount_satang),
        func.count(WelfareClaim.id),
    ).group_by(*group_cols)
    if fiscal_year is not None:
        query = query.where(WelfareClaim.paid_fiscal_year == fiscal_year)
    rows = []
    for *keys, count, amount, total in session.execute(query):
        count = int(count or 0)
        rows.append(
            PayoutTotal(
                key=str(keys[0]),
                label=label_of(keys),
                count=count,
                amount_satang=int(amount or 0),
                reversed_count=int(total) - count,
            )
        )
    return rows


def payouts_by_benefit(session: Session, *, fiscal_year: int | None = None) -> list[PayoutTotal]:
    names = {
        b.id: f"{b.latest.name} ({b.code})" for b in list_benefits(session, include_closed=True)
    }
    rows = _totals(
        session, [WelfareClaim.benefit_id], lambda keys: names.get(keys[0], "?"), fiscal_year
    )
    return sorted(rows, key=lambda r: (-r.amount_satang, r.label))


def payouts_by_member(session: Session, *, fiscal_year: int | None = None) -> list[PayoutTotal]:
    rows = _totals(
        session,
        [WelfareClaim.member_id],
        lambda keys: str(keys[0]),
        fiscal_year,
    )
    members = {
        m.id: m
        for m in session.scalars(select(Member).where(Member.id.in_([int(r.key) for r in rows])))
    }
    named = [
        PayoutTotal(
            key=members[int(r.key)].member_no,
            label=members[int(r.key)].full_name,
            count=r.count,
            amount_satang=r.amount_satang,
            reversed_count=r.reversed_count,
        )
        for r in rows
    ]
    return sorted(named, key=lambda r: r.key)


def payouts_by_year(session: Session) -> list[PayoutTotal]:
    rows = _totals(session, [WelfareClaim.paid_fiscal_year], lambda keys: str(keys[0]), None)
    return sorted(rows, key=lambda r: r.key, reverse=True)


#: how each journal source that touches the welfare fund is shown
SOURCE_LABELS = {
    "welfare.donation": ("เงินบริจาคเพื่อสวัสดิการ", "Donations for welfare"),
    "welfare.payout": ("จ่ายสวัสดิการ", "Welfare payouts"),
    "welfare.payout.reversal": ("ยกเลิกการจ่ายสวัสดิการ", "Reversed payouts"),
    "welfare.donation.reversal": ("ยกเลิกเงินบริจาค", "Reversed donations"),
}


def source_label(source: str, locale: str = "th") -> str:
    label = SOURCE_LABELS.get(source)
    if label is None and source.startswith("yearend"):
        label = (
            ("จัดสรรกำไรสิ้นปีเข้ากองทุนสวัสดิการ", "Year-end allocation to the welfare fund")
            if not source.endswith(".reversal")
            else ("ยกเลิกการจัดสรรสิ้นปี", "Reversed year-end allocation")
        )
    if label is None:
        label = (f"อื่น ๆ ({source})", f"Other ({source})")
    return label[1] if locale.startswith("en") else label[0]


@dataclass(frozen=True)
class FundMovement:
    source: str
    #: added to the welfare fund (satang, ≥ 0)
    added_satang: int
    #: taken from the welfare fund (satang, ≥ 0)
    taken_satang: int
    entries: int


@dataclass(frozen=True)
class FundStatement:
    fiscal_year: int | None
    opening_satang: int
    movements: tuple[FundMovement, ...]
    closing_satang: int

    @property
    def added_satang(self) -> int:
        return sum(m.added_satang for m in self.movements)

    @property
    def taken_satang(self) -> int:
        return sum(m.taken_satang for m in self.movements)


def welfare_fund_statement(session: Session, *, fiscal_year: int | None = None) -> FundStatement:
    """The welfare fund's opening balance, what came in and went out by source, and its closing
    balance — for one fiscal year, or its whole history (``fiscal_year=None``)."""
    conditions = [Account.code == AccountCode.WELFARE_FUND.value]
    opening = 0
    if fiscal_year is not None:
        first, last = fiscal_year_bounds(fiscal_year)
        conditions.append(JournalEntry.entry_date.between(first, last))
        opening = welfare_fund_balance(session, as_of=first - dt.timedelta(days=1))
    amount = JournalLine.amount_satang
    rows = session.execute(
        select(
            JournalEntry.source,
            func.sum(case((amount < 0, -amount), else_=0)),
            func.sum(case((amount > 0, amount), else_=0)),
            func.count(func.distinct(JournalEntry.id)),
        )
        .join(JournalEntry, JournalLine.entry_id == JournalEntry.id)
        .join(Account, JournalLine.account_id == Account.id)
        .where(*conditions)
        .group_by(JournalEntry.source)
        .order_by(JournalEntry.source)
    ).all()
    # The welfare fund is credit-normal: credits add to it, debits take from it.
    movements = tuple(
        FundMovement(
            source=source,
            added_satang=int(added or 0),
            taken_satang=int(taken or 0),
            entries=int(n),
        )
        for source, added, taken, n in rows
    )
    closing = opening + sum(m.added_satang - m.taken_satang for m in movements)
    return FundStatement(fiscal_year, opening, movements, closing)


def versions_of(session: Session, benefit_id: int) -> list[WelfareBenefitVersion]:
    return list(
        session.scalars(
            select(WelfareBenefitVersion)
            .where(WelfareBenefitVersion.benefit_id == benefit_id)
            .order_by(WelfareBenefitVersion.version.desc())
        )
    )
