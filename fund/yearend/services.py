"""Year-end: allocate a fiscal year's surplus as the committee decides, then post it at once.

The committee chooses shares of the surplus (in basis points: 1000 = 10%):
- reserve (at least the minimum in setting ``yearend.min_reserve_bp``);
- dividend on savings, split by each member's average month-end savings balance in the year;
- refund (เงินเฉลี่ยคืน), split by the loan interest each member paid in the year;
- welfare fund share;
whatever is left stays in accumulated surplus. ``plan_year_end`` previews every member's
amount; ``post_year_end`` recomputes the same plan and posts it as one journal entry dated the
last day of the fiscal year: the year's income and expense accounts are closed, the reserve,
welfare fund and accumulated surplus credited, and each member's dividend and refund credited
to their savings. A fiscal year is allocated once (the entry's one-time key is
``yearend:<fiscal year>``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fund.audit.services import record_audit
from fund.errors import Conflict, InvalidInput
from fund.ledger.accounts import AccountCode
from fund.ledger.models import JournalEntry, JournalLine
from fund.ledger.queries import income_statement
from fund.ledger.services import (
    LineSpec,
    ensure_open,
    fiscal_start_month,
    get_account,
    get_int_setting,
    post_entry,
)
from fund.members.models import Member
from fund.money import format_baht, normalise_digits
from fund.thaidate import fiscal_year_bounds
from fund.users.models import User

FULL = 10_000  # basis points in 100%


def parse_percent(text: str, *, field: str) -> int:
    """ "12.5" (Thai digits too, optional %) -> 1250 basis points; 0 to 100, two decimals."""
    cleaned = normalise_digits(str(text)).replace("%", "").strip()
    try:
        value = Decimal(cleaned) if cleaned else Decimal(0)
    except InvalidOperation:
        raise InvalidInput(
            "กรุณากรอกร้อยละเป็นตัวเลข เช่น 10 หรือ 12.5",
            "Enter a percentage in digits, e.g. 10 or 12.5.",
            field=field,
        ) from None
    if not value.is_finite() or value < 0 or value > 100:
        raise InvalidInput(
            "ร้อยละต้องอยู่ระหว่าง 0 ถึง 100", "A percentage is between 0 and 100.", field=field
        )
    if value.as_tuple().exponent < -2:
        raise InvalidInput(
            "ร้อยละมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง",
            "At most two decimals in a percentage.",
            field=field,
        )
    return int(value * 100)


@dataclass(frozen=True)
class MemberShare:
    member_id: int
    member_no: str
    name: str
    #: average of the 12 month-end savings balances of the year (satang, rounded down)
    average_balance_satang: int
    dividend_satang: int
    #: loan interest the member paid in the year
    interest_paid_satang: int
    refund_satang: int

    @property
    def total_satang(self) -> int:
        return self.dividend_satang + self.refund_satang


@dataclass(frozen=True)
class YearEndPlan:
    fiscal_year: int
    start: dt.date
    end: dt.date
    surplus_satang: int
    reserve_bp: int
    dividend_bp: int
    refund_bp: int
    welfare_bp: int
    reserve_satang: int
    dividend_satang: int
    refund_satang: int
    welfare_satang: int
    #: what stays in accumulated surplus (the rest, plus any pool nobody qualified for)
    retained_satang: int
    members: list[MemberShare]

    @property
    def allocated_satang(self) -> int:
        return (
            self.reserve_satang
            + self.dividend_satang
            + self.refund_satang
            + self.welfare_satang
            + self.retained_satang
        )


def _share(total: int, bp: int) -> int:
    return total * bp // FULL


def _split(pool: int, weights: dict[int, int]) -> dict[int, int]:
    """Split ``pool`` satang in proportion to ``weights`` exactly (largest remainder)."""
    total = sum(weights.values())
    if pool <= 0 or total <= 0:
        return {k: 0 for k in weights}
    shares = {k: pool * w // total for k, w in weights.items()}
    left = pool - sum(shares.values())
    by_remainder = sorted(weights, key=lambda k: (-(pool * weights[k] % total), k))
    for k in by_remainder[:left]:
        shares[k] += 1
    return shares


def _month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    result = []
    d = start
    while d <= end:
        nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        result.append(min(nxt - dt.timedelta(days=1), end))
        d = nxt
    return result


def _average_balances(session: Session, start: dt.date, end: dt.date) -> dict[int, int]:
    savings = get_account(session, AccountCode.MEMBER_SAVINGS)
    rows = session.execute(
        select(JournalLine.member_id, JournalEntry.entry_date, func.sum(JournalLine.amount_satang))
        .join(JournalEntry, JournalLine.entry_id == JournalEntry.id)
        .where(
            JournalLine.account_id == savings.id,
            JournalEntry.entry_date <= end,
        )
        .group_by(JournalLine.member_id, JournalEntry.entry_date)
        .order_by(JournalLine.member_id, JournalEntry.entry_date)
    ).all()
    ends = _month_ends(start, end)
    by_member: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for member_id, day, amount in rows:
        by_member[member_id].append((day, -int(amount)))
    averages = {}
    for member_id, moves in by_member.items():
        total = balance = index = 0
        for month_end in ends:
            while index < len(moves) and moves[index][0] <= month_end:
                balance += moves[index][1]
                index += 1
            total += max(balance, 0)
        averages[member_id] = total // len(ends)
    return {k: v for k, v in averages.items() if v > 0}


def _interest_paid(session: Session, start: dt.date, end: dt.date) -> dict[int, int]:
    """Loan interest credited in the year, per member: the member named on the entry's lines."""
    income = get_account(session, AccountCode.INTEREST_INCOME)
    interest = dict(
        session.execute(
            select(JournalLine.entry_id, -func.sum(JournalLine.amount_satang))
            .join(JournalEntry, JournalLine.entry_id == JournalEntry.id)
            .where(
                JournalLine.account_id == income.id,
                JournalEntry.entry_date >= start,
                JournalEntry.entry_date <= end,
                JournalEntry.source.not_like("yearend.%"),
            )
            .group_by(JournalLine.entry_id)
        ).all()
    )
    if not interest:
        return {}
    owners = dict(
        session.execute(
            select(JournalLine.entry_id, func.min(JournalLine.member_id))
            .where(JournalLine.entry_id.in_(list(interest)), JournalLine.member_id.is_not(None))
            .group_by(JournalLine.entry_id)
        ).all()
    )
    paid: dict[int, int] = defaultdict(int)
    for entry_id, amount in interest.items():
        if entry_id in owners:
            paid[owners[entry_id]] += int(amount)
    return {k: v for k, v in paid.items() if v > 0}


def already_allocated(session: Session, fiscal_year: int) -> JournalEntry | None:
    return session.scalar(
        select(JournalEntry).where(JournalEntry.idempotency_key == f"yearend:{fiscal_year}")
    )


def plan_year_end(
    session: Session,
    *,
    fiscal_year: int,
    reserve_bp: int,
    dividend_bp: int,
    refund_bp: int,
    welfare_bp: int,
) -> YearEndPlan:
    """Preview the allocation of ``fiscal_year``'s surplus (nothing is written)."""
    start, end = fiscal_year_bounds(fiscal_year, fiscal_start_month(session))
    minimum = get_int_setting(session, "yearend.min_reserve_bp")
    for value, field in (
        (reserve_bp, "reserve"),
        (dividend_bp, "dividend"),
        (refund_bp, "refund"),
        (welfare_bp, "welfare"),
    ):
        if not 0 <= value <= FULL:
            raise InvalidInput(
                "ร้อยละต้องอยู่ระหว่าง 0 ถึง 100", "A percentage is between 0 and 100.", field=field
            )
    if reserve_bp < minimum:
        raise InvalidInput(
            f"ทุนสำรองต้องไม่น้อยกว่าร้อยละ {minimum / 100:g} ของส่วนเกิน",
            f"The reserve must be at least {minimum / 100:g}% of the surplus.",
            field="reserve",
        )
    if reserve_bp + dividend_bp + refund_bp + welfare_bp > FULL:
        raise InvalidInput(
            "รวมทุกส่วนแล้วเกินร้อยละ 100",
            "The shares add up to more than 100%.",
            field="dividend",
        )
    statement = income_statement(session, start=start, end=end)
    surplus = statement.surplus_satang
    if surplus <= 0:
        raise Conflict(
            f"ปีงบประมาณ {fiscal_year} ไม่มีส่วนเกินให้จัดสรร (รายรับหักรายจ่าย {format_baht(surplus)})",
            f"Fiscal year {fiscal_year} has no surplus to allocate (income less expenses "
            f"{format_baht(surplus)}).",
            field="fiscal_year",
        )
    reserve = _share(surplus, reserve_bp)
    dividend_pool = _share(surplus, dividend_bp)
    refund_pool = _share(surplus, refund_bp)
    welfare = _share(surplus, welfare_bp)
    averages = _average_balances(session, start, end)
    interest = _interest_paid(session, start, end)
    dividends = _split(dividend_pool, averages) if averages else {}
    refunds = _split(refund_pool, interest) if interest else {}
    if not averages:
        dividend_pool = 0
    if not interest:
        refund_pool = 0
    retained = surplus - reserve - dividend_pool - refund_pool - welfare
    ids = set(averages) | set(interest)
    members = (
        {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(ids)))} if ids else {}
    )
    shares = [
        MemberShare(
            member_id=mid,
            member_no=members[mid].member_no,
            name=members[mid].full_name,
            average_balance_satang=averages.get(mid, 0),
            dividend_satang=dividends.get(mid, 0),
            interest_paid_satang=interest.get(mid, 0),
            refund_satang=refunds.get(mid, 0),
        )
        for mid in sorted(ids, key=lambda i: members[i].member_no)
    ]
    return YearEndPlan(
        fiscal_year=fiscal_year,
        start=start,
        end=end,
        surplus_satang=surplus,
        reserve_bp=reserve_bp,
        dividend_bp=dividend_bp,
        refund_bp=refund_bp,
        welfare_bp=welfare_bp,
        reserve_satang=reserve,
        dividend_satang=dividend_pool,
        refund_satang=refund_pool,
        welfare_satang=welfare,
        retained_satang=retained,
        members=shares,
    )


def post_year_end(
    session: Session,
    *,
    fiscal_year: int,
    reserve_bp: int,
    dividend_bp: int,
    refund_bp: int,
    welfare_bp: int,
    posted_by: User,
    now: dt.datetime,
) -> JournalEntry:
    """Post the allocation previewed by ``plan_year_end`` with the same shares (once per year)."""
    earlier = already_allocated(session, fiscal_year)
    if earlier is not None:
        raise Conflict(
            f"จัดสรรส่วนเกินปีงบประมาณ {fiscal_year} ไปแล้ว (รายการเลขที่ {earlier.id})",
            f"Fiscal year {fiscal_year}'s surplus is already allocated (entry {earlier.id}).",
            field="fiscal_year",
        )
    plan = plan_year_end(
        session,
        fiscal_year=fiscal_year,
        reserve_bp=reserve_bp,
        dividend_bp=dividend_bp,
        refund_bp=refund_bp,
        welfare_bp=welfare_bp,
    )
    ensure_open(session, plan.end, field="fiscal_year")
    lines: list[LineSpec] = []
    statement = income_statement(session, start=plan.start, end=plan.end)
    # Close the year's income and expense accounts into the allocation.
    for row in (*statement.income, *statement.expenses):
        if row.balance_satang:
            lines.append(LineSpec(row.code, -row.balance_satang, memo="ปิดบัญชีสิ้นปี"))
    for code, amount, memo in (
        (AccountCode.RESERVE, plan.reserve_satang, "ทุนสำรอง"),
        (AccountCode.WELFARE_FUND, plan.welfare_satang, "กองทุนสวัสดิการ"),
        (AccountCode.ACCUMULATED_SURPLUS, plan.retained_satang, "ส่วนเกินสะสม"),
    ):
        if amount:
            lines.append(LineSpec(code, -amount, memo=memo))
    for share in plan.members:
        if share.total_satang:
            lines.append(
                LineSpec(
                    AccountCode.MEMBER_SAVINGS,
                    -share.total_satang,
                    member_id=share.member_id,
                    memo=f"ปันผล {format_baht(share.dividend_satang)} "
                    f"เฉลี่ยคืน {format_baht(share.refund_satang)}",
                )
            )
    entry = post_entry(
        session,
        entry_date=plan.end,
        description=(
            f"จัดสรรส่วนเกินปีงบประมาณ {fiscal_year}: ทุนสำรอง {plan.reserve_bp / 100:g}% "
            f"ปันผล {plan.dividend_bp / 100:g}% เฉลี่ยคืน {plan.refund_bp / 100:g}% "
            f"สวัสดิการ {plan.welfare_bp / 100:g}%"
        ),
        source="yearend.allocation",
        source_id=fiscal_year,
        lines=lines,
        recorded_by=posted_by,
        now=now,
        idempotency_key=f"yearend:{fiscal_year}",
    )
    record_audit(
        session,
        actor=posted_by,
        action="yearend.allocate",
        entity="journal_entry",
        entity_id=entry.id,
        details={
            "fiscal_year": fiscal_year,
            "surplus_satang": plan.surplus_satang,
            "reserve_satang": plan.reserve_satang,
            "dividend_satang": plan.dividend_satang,
            "refund_satang": plan.refund_satang,
            "welfare_satang": plan.welfare_satang,
            "retained_satang": plan.retained_satang,
            "members": len([s for s in plan.members if s.total_satang]),
        },
        at=now,
    )
    return entry
