"""Repayment schedules: pure arithmetic, no database.

Methods (``InterestMethod``):

- ``zero``: 0 % interest, the principal in equal instalments (the fund's usual loan).
- ``flat``: interest on the original principal every period; principal in equal parts.
- ``declining``: interest on the outstanding principal; equal instalments (annuity).
- ``equal-principal``: interest on the outstanding principal; equal principal parts.

Interest for one monthly period is ``outstanding × annual rate / 12``, rounded half-up to the
satang with ``fund.money.round_half_up_satang`` (for ``flat`` "outstanding" is the principal the
schedule starts from). Like Apache Fineract, an instalment is computed exactly and then rounded
half-up to a multiple of ``round_to_satang`` (e.g. 100 = whole baht); for ``equal-principal`` the
principal part is what gets rounded. The last instalment takes whatever principal is left, so the
schedule always ends at exactly zero. During ``grace_months`` only interest is due (nothing for a
0 % loan); the principal is then spread over the remaining periods.

Due dates fall monthly after the start (disbursement) date on the same day of the month, clamped to
the end of shorter months (31 January → 28/29 February → 31 March).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

from fund.errors import InvalidInput
from fund.money import normalise_digits, round_half_up_satang, satang_to_decimal

MAX_TERM_MONTHS = 240
#: Upper bound on the annual rate in percent; fund loans are far below it, so anything above is a
#: typo (e.g. 120 typed for 12.0).
MAX_RATE_PERCENT = Decimal(100)
#: The largest instalment rounding unit: 1,000 baht.
MAX_ROUND_TO_SATANG = 100_000


class InterestMethod(StrEnum):
    ZERO = "zero"
    FLAT = "flat"
    DECLINING = "declining"
    EQUAL_PRINCIPAL = "equal-principal"


@dataclass(frozen=True)
class ScheduledInstalment:
    no: int
    due_date: dt.date
    principal_satang: int
    interest_satang: int
    #: Principal still owed after this instalment is paid.
    balance_satang: int

    @property
    def total_satang(self) -> int:
        return self.principal_satang + self.interest_satang


@dataclass(frozen=True)
class ScheduleTerms:
    principal_satang: int
    annual_rate_percent: Decimal
    term_months: int
    method: InterestMethod
    round_to_satang: int = 1
    grace_months: int = 0


_RATE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,2})?")


def parse_rate_percent(text: str) -> Decimal:
    """Read an annual rate in percent as typed ("12", "12.5", "๑๒%") into a Decimal."""
    value = normalise_digits(text).removesuffix("%").strip()
    if not _RATE.fullmatch(value):
        raise InvalidInput(
            "อัตราดอกเบี้ยต้องเป็นตัวเลขเปอร์เซ็นต์ต่อปี ทศนิยมไม่เกิน 2 ตำแหน่ง เช่น 12 หรือ 6.5",
            "The interest rate must be a yearly percentage with at most 2 decimals, e.g. 12 or "
            "6.5.",
            field="rate",
        )
    rate = Decimal(value)
    if rate > MAX_RATE_PERCENT:
        raise InvalidInput(
            f"อัตราดอกเบี้ยต่อปีต้องไม่เกิน {MAX_RATE_PERCENT} เปอร์เซ็นต์",
            f"The annual interest rate must not exceed {MAX_RATE_PERCENT} percent.",
            field="rate",
        )
    return rate


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` moved ``months`` calendar months on, clamped to the end of a shorter month."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(start.day, last_day))


def monthly_interest(outstanding_satang: int, annual_rate_percent: Decimal) -> int:
    """Interest for one month: outstanding × rate / 12, half-up to the satang."""
    if outstanding_satang <= 0 or annual_rate_percent == 0:
        return 0
    with localcontext() as ctx:
        ctx.prec = 50
        baht = satang_to_decimal(outstanding_satang) * annual_rate_percent / Decimal(1200)
    return round_half_up_satang(baht)


def round_to_unit(amount: Decimal, unit_satang: int) -> int:
    """Round an amount of satang (Decimal, may have fractions) half-up to a multiple of unit."""
    units = (amount / Decimal(unit_satang)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(units) * unit_satang


def validate_terms(terms: ScheduleTerms) -> None:
    """Refuse terms no schedule can be built from, with a message a person can act on."""
    if terms.principal_satang <= 0:
        raise InvalidInput(
            "จำนวนเงินกู้ต้องมากกว่าศูนย์", "The loan amount must be above zero.", field="principal"
        )
    if not 1 <= terms.term_months <= MAX_TERM_MONTHS:
        raise InvalidInput(
            f"จำนวนงวดต้องอยู่ระหว่าง 1 ถึง {MAX_TERM_MONTHS} เดือน",
            f"The term must be between 1 and {MAX_TERM_MONTHS} months.",
            field="term",
        )
    if not 0 <= terms.grace_months < terms.term_months:
        raise InvalidInput(
            "ระยะปลอดชำระเงินต้นต้องน้อยกว่าจำนวนงวด (อย่างน้อยต้องมีหนึ่งงวดที่ชำระเงินต้น)",
            "The grace period must be shorter than the term (at least one period must repay "
            "principal).",
            field="grace",
        )
    rate = terms.annual_rate_percent
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate < 0 or rate > MAX_RATE_PERCENT:
        raise InvalidInput(
            f"อัตราดอกเบี้ยต่อปีต้องอยู่ระหว่าง 0 ถึง {MAX_RATE_PERCENT} เปอร์เซ็นต์",
            f"The annual interest rate must be between 0 and {MAX_RATE_PERCENT} percent.",
            field="rate",
        )
    if rate.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput(
            "อัตราดอกเบี้ยมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง เช่น 12.25",
            "The interest rate may have at most 2 decimal places, e.g. 12.25.",
            field="rate",
        )
    if terms.method is InterestMethod.ZERO and rate != 0:
        raise InvalidInput(
            "วิธีคิดดอกเบี้ยแบบไม่มีดอกเบี้ย ต้องใช้อัตรา 0%",
            "The zero-interest method needs a rate of 0%.",
            field="rate",
        )
    if terms.method is not InterestMethod.ZERO and rate == 0:
        raise InvalidInput(
            "อัตราดอกเบี้ย 0% ให้เลือกวิธีแบบไม่มีดอกเบี้ย",
            "For a 0% rate choose the zero-interest method.",
            field="method",
        )
    if not 1 <= terms.round_to_satang <= MAX_ROUND_TO_SATANG:
        raise InvalidInput(
            "หน่วยปัดเศษค่างวดต้องอยู่ระหว่าง 0.01 ถึง 1,000 บาท",
            "The instalment rounding unit must be between 0.01 and 1,000 baht.",
            field="round_to",
        )


def build_schedule(
    terms: ScheduleTerms, start: dt.date, *, first_no: int = 1
) -> list[ScheduledInstalment]:
    """The whole repayment schedule for ``terms``, the first instalment due a month after start."""
    validate_terms(terms)
    rate = terms.annual_rate_percent
    n = terms.term_months
    amortising = n - terms.grace_months
    principal = terms.principal_satang
    flat_interest = monthly_interest(principal, rate) if terms.method is InterestMethod.FLAT else 0

    # The per-period amount the rounding applies to.
    if terms.method in (InterestMethod.ZERO, InterestMethod.FLAT):
        level = round_to_unit(
            Decimal(principal) / Decimal(amortising) + Decimal(flat_interest),
            terms.round_to_satang,
        )
    elif terms.method is InterestMethod.DECLINING:
        level = round_to_unit(_annuity(principal, rate, amortising), terms.round_to_satang)
    else:
        level = round_to_unit(Decimal(principal) / Decimal(amortising), terms.round_to_satang)

    rows: list[ScheduledInstalment] = []
    outstanding = principal
    for period in range(1, n + 1):
        if terms.method is InterestMethod.FLAT:
            interest = flat_interest
        else:
            interest = monthly_interest(outstanding, rate)
        if period <= terms.grace_months:
            part = 0
        elif period == n:
            part = outstanding
        elif terms.method is InterestMethod.EQUAL_PRINCIPAL:
            part = level
        else:
            part = level - interest
        # A coarse rounding unit could push a part below zero or past what is owed.
        part = max(0, min(part, outstanding))
        outstanding -= part
        rows.append(
            ScheduledInstalment(
                no=first_no + period - 1,
                due_date=add_months(start, period),
                principal_satang=part,
                interest_satang=interest,
                balance_satang=outstanding,
            )
        )
    return rows


def build_schedule_with_instalment(
    *,
    principal_satang: int,
    annual_rate_percent: Decimal,
    method: InterestMethod,
    instalment_satang: int,
    start: dt.date,
    first_no: int = 1,
) -> list[ScheduledInstalment]:
    """A schedule that keeps a given instalment until the principal is repaid (shorter term).

    For ``equal-principal`` ``instalment_satang`` is the principal part; for the other methods
    it is the whole instalment. Interest follows the method (flat: on ``principal_satang``).
    """
    if principal_satang <= 0:
        return []
    flat_interest = (
        monthly_interest(principal_satang, annual_rate_percent)
        if method is InterestMethod.FLAT
        else 0
    )
    first_interest = (
        flat_interest
        if method is InterestMethod.FLAT
        else monthly_interest(principal_satang, annual_rate_percent)
    )
    per_period_principal = (
        instalment_satang
        if method is InterestMethod.EQUAL_PRINCIPAL
        else instalment_satang - first_interest
    )
    if per_period_principal <= 0:
        raise InvalidInput(
            "ค่างวดต่ำกว่าดอกเบี้ยต่อเดือน หนี้จะไม่ลดลง กรุณาเลือกลดค่างวดแทน",
            "The instalment does not cover a month's interest, so the debt would never shrink. "
            "Choose lower instalments instead.",
        )
    rows: list[ScheduledInstalment] = []
    outstanding = principal_satang
    period = 0
    while outstanding > 0:
        period += 1
        if period > MAX_TERM_MONTHS:
            raise InvalidInput(
                f"ค่างวดนี้ทำให้ผ่อนนานเกิน {MAX_TERM_MONTHS} เดือน",
                f"This instalment would take more than {MAX_TERM_MONTHS} months to repay.",
            )
        if method is InterestMethod.FLAT:
            interest = flat_interest
        else:
            interest = monthly_interest(outstanding, annual_rate_percent)
        part = (
            instalment_satang
            if method is InterestMethod.EQUAL_PRINCIPAL
            else instalment_satang - interest
        )
        part = max(1, min(part, outstanding))
        outstanding -= part
        rows.append(
            ScheduledInstalment(
                no=first_no + period - 1,
                due_date=add_months(start, period),
                principal_satang=part,
                interest_satang=interest,
                balance_satang=outstanding,
            )
        )
    return rows


def _annuity(principal_satang: int, annual_rate_percent: Decimal, periods: int) -> Decimal:
    """The exact level instalment (in satang, unrounded) repaying principal over periods."""
    if annual_rate_percent == 0:
        return Decimal(principal_satang) / Decimal(periods)
    with localcontext() as ctx:
        ctx.prec = 50
        i = annual_rate_percent / Decimal(1200)
        return Decimal(principal_satang) * i / (1 - (1 + i) ** -periods)


def schedule_totals(rows: list[ScheduledInstalment]) -> tuple[int, int]:
    """(total principal, total interest) of a schedule, in satang."""
    return sum(r.principal_satang for r in rows), sum(r.interest_satang for r in rows)


def schedule_csv_rows(rows: list[ScheduledInstalment]) -> list[list[str]]:
    """The schedule as CSV rows: ``no,due_date,principal,interest,total,balance``."""
    out = [["no", "due_date", "principal", "interest", "total", "balance"]]
    for r in rows:
        out.append(
            [
                str(r.no),
                r.due_date.isoformat(),
                str(satang_to_decimal(r.principal_satang)),
                str(satang_to_decimal(r.interest_satang)),
                str(satang_to_decimal(r.total_satang)),
                str(satang_to_decimal(r.balance_satang)),
            ]
        )
    return out
