"""Welfare rule evaluation: pure functions, no database, no clock.

Given one rule version, the facts of a claim and what the member already received in the same
fiscal year, :func:`evaluate` returns the amount the rules give and a line-by-line explanation,
or the reasons the claim is refused (each in Thai and English).

Decisions worth knowing:

- The fiscal year of a claim is the fiscal year of its **event date** (the night in hospital, the
  death, the flood), not of the payment: a claim paid in October for a September stay counts
  against the year the stay happened in.
- A per-claim maximum of days/nights limits the amount (the claim is paid up to the maximum).
- A yearly maximum of days/nights or of baht also limits the amount to what is left of it; only
  when nothing is left is the claim refused. A yearly maximum number of payouts refuses outright.
- A refused claim still carries the amount the formula gives (ignoring the exhausted yearly cap),
  which is what a committee override pays.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from fund.errors import InvalidInput
from fund.money import format_baht
from fund.thaidate import format_be_date


class AmountKind(StrEnum):
    FIXED = "fixed"  #: a fixed amount per claim
    PER_DAY = "per_day"  #: an amount per day (e.g. days off work)
    PER_NIGHT = "per_night"  #: an amount per night (e.g. nights in hospital)


class ClaimantKind(StrEnum):
    MEMBER = "member"  #: the member claims in person
    REPRESENTATIVE = "representative"  #: a relative or caregiver claims for the member


UNIT_TH = {AmountKind.PER_DAY: "วัน", AmountKind.PER_NIGHT: "คืน"}
UNIT_EN = {AmountKind.PER_DAY: "day", AmountKind.PER_NIGHT: "night"}

MEMBER_STATUS_REFUSED = {
    "suspended": ("สมาชิกถูกพักสิทธิ์", "the member is suspended"),
    "left": ("พ้นสภาพสมาชิกแล้ว", "the member has left the fund"),
}


@dataclass(frozen=True)
class Rule:
    """One version of a benefit's rules, as the committee set it."""

    name: str
    amount_kind: AmountKind
    #: the fixed amount, or the amount per day/night (satang)
    amount_satang: int
    min_membership_months: int = 0
    #: at most this many days/nights paid per claim (None: no limit)
    max_units_per_claim: int | None = None
    #: at most this many days/nights per member per fiscal year
    max_units_per_year: int | None = None
    #: at most this many payouts per member per fiscal year
    max_payouts_per_year: int | None = None
    #: at most this much per member per fiscal year (satang)
    max_amount_per_year_satang: int | None = None
    evidence_required: tuple[str, ...] = ()
    representative_allowed: bool = False
    effective_from: dt.date | None = None
    active: bool = True
    version: int = 1

    @property
    def per_unit(self) -> bool:
        return self.amount_kind is not AmountKind.FIXED


@dataclass(frozen=True)
class ClaimFacts:
    joined_on: dt.date
    #: the member's status value ("active", "suspended", "left", "deceased")
    member_status: str
    event_date: dt.date
    #: days or nights claimed (None for a fixed-amount benefit)
    units: int | None
    claimant: ClaimantKind = ClaimantKind.MEMBER
    evidence_seen: tuple[str, ...] = ()
    #: the day the claim is assessed (to refuse events in the future)
    today: dt.date | None = None


@dataclass(frozen=True)
class YearUsage:
    """What this member already received from this benefit in the event's fiscal year."""

    fiscal_year: int
    payouts: int = 0
    units: int = 0
    amount_satang: int = 0


@dataclass(frozen=True)
class Reason:
    th: str
    en: str

    def message(self, locale: str = "th") -> str:
        return self.en if locale.startswith("en") else self.th


@dataclass(frozen=True)
class Assessment:
    #: what the rules pay (or, when refused, what an override would pay)
    amount_satang: int
    #: days/nights paid (None for a fixed amount)
    units_paid: int | None
    explanation: tuple[Reason, ...]
    refusals: tuple[Reason, ...] = field(default=())
    rule_version: int = 1

    @property
    def eligible(self) -> bool:
        return not self.refusals

    def explanation_text(self, locale: str = "th") -> str:
        return "\n".join(r.message(locale) for r in self.explanation)

    def refusal_text(self, locale: str = "th") -> str:
        return "\n".join(r.message(locale) for r in self.refusals)


def add_months(d: dt.date, months: int) -> dt.date:
    """``d`` plus whole months; the 31st becomes the month's last day (31 Aug + 6 = 28/29 Feb)."""
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def membership_months(joined_on: dt.date, on: dt.date) -> int:
    """Whole months of membership completed on ``on``."""
    if on < joined_on:
        return -1
    months = (on.year - joined_on.year) * 12 + on.month - joined_on.month
    while months > 0 and add_months(joined_on, months) > on:
        months -= 1
    return months


def validate_rule(rule: Rule) -> None:
    """Refuse a rule that cannot be applied (the committee's form shows these by field)."""
    if not rule.name.strip():
        raise InvalidInput("กรุณากรอกชื่อสวัสดิการ", "Please enter the benefit's name.", field="name")
    if rule.amount_satang <= 0:
        raise InvalidInput(
            "จำนวนเงินต้องมากกว่า 0 บาท", "The amount must be above 0 baht.", field="amount"
        )
    if rule.min_membership_months < 0 or rule.min_membership_months > 600:
        raise InvalidInput(
            "อายุสมาชิกขั้นต่ำต้องอยู่ระหว่าง 0 ถึง 600 เดือน",
            "Minimum membership must be between 0 and 600 months.",
            field="min_membership_months",
        )
    for name, value in (
        ("max_units_per_claim", rule.max_units_per_claim),
        ("max_units_per_year", rule.max_units_per_year),
        ("max_payouts_per_year", rule.max_payouts_per_year),
        ("max_amount_per_year", rule.max_amount_per_year_satang),
    ):
        if value is not None and value <= 0:
            raise InvalidInput(
                "ค่าสูงสุดต้องมากกว่า 0 (เว้นว่างถ้าไม่จำกัด)",
                "A maximum must be above 0 (leave it empty for no limit).",
                field=name,
            )
    if not rule.per_unit and (rule.max_units_per_claim or rule.max_units_per_year):
        raise InvalidInput(
            "สวัสดิการจำนวนเงินคงที่ไม่มีจำนวนวัน/คืนสูงสุด",
            "A fixed-amount benefit has no maximum days/nights.",
            field="max_units_per_claim",
        )
    if (
        rule.max_units_per_claim
        and rule.max_units_per_year
        and rule.max_units_per_claim > rule.max_units_per_year
    ):
        raise InvalidInput(
            "จำนวนสูงสุดต่อครั้งต้องไม่เกินจำนวนสูงสุดต่อปี",
            "The maximum per claim cannot exceed the maximum per year.",
            field="max_units_per_claim",
        )


def evaluate(rule: Rule, facts: ClaimFacts, usage: YearUsage) -> Assessment:
    """Apply ``rule`` to a claim: the amount with its explanation, or the reasons for refusal.

    Malformed input (days/nights missing for a per-night benefit, an event in the future) raises
    :class:`InvalidInput`; a claim the rules do not allow returns refusals instead, so the
    committee sees every reason at once and can decide to override.
    """
    _check_input(rule, facts)
    explanation: list[Reason] = []
    refusals: list[Reason] = []
    fy = usage.fiscal_year

    if not rule.active:
        refusals.append(Reason("สวัสดิการนี้ปิดรับคำขอแล้ว", "This benefit no longer accepts claims."))
    if rule.effective_from and facts.event_date < rule.effective_from:
        refusals.append(
            Reason(
                f"เหตุเกิดก่อนวันที่เริ่มใช้สวัสดิการนี้ ({format_be_date(rule.effective_from)})",
                f"The event is before this benefit started ({rule.effective_from.isoformat()}).",
            )
        )
    status_refusal = MEMBER_STATUS_REFUSED.get(facts.member_status)
    if status_refusal:
        refusals.append(Reason(*status_refusal))
    if facts.member_status == "deceased" and facts.claimant is not ClaimantKind.REPRESENTATIVE:
        refusals.append(
            Reason(
                "สมาชิกเสียชีวิตแล้ว ต้องให้ผู้แทน (ทายาท) ยื่นขอ",
                "The member has died: a representative (heir) must claim.",
            )
        )

    months = membership_months(facts.joined_on, facts.event_date)
    if months < rule.min_membership_months:
        if months < 0:
            refusals.append(
                Reason(
                    "เหตุเกิดก่อนวันที่สมัครเป็นสมาชิก",
                    "The event happened before the member joined.",
                )
            )
        else:
            refusals.append(
                Reason(
                    f"สมาชิกยังไม่ครบ {rule.min_membership_months} เดือน "
                    f"(เป็นสมาชิก {months} เดือน ณ วันที่เกิดเหตุ)",
                    f"Membership is under {rule.min_membership_months} months "
                    f"({months} months on the event date).",
                )
            )
    elif rule.min_membership_months:
        explanation.append(
            Reason(
                f"เป็นสมาชิก {months} เดือน (ขั้นต่ำ {rule.min_membership_months} เดือน)",
                f"Member for {months} months (minimum {rule.min_membership_months}).",
            )
        )

    if facts.claimant is ClaimantKind.REPRESENTATIVE:
        if rule.representative_allowed:
            explanation.append(Reason("ผู้แทนยื่นขอแทนได้", "A representative may claim."))
        else:
            refusals.append(
                Reason(
                    "สวัสดิการนี้ต้องให้สมาชิกยื่นขอด้วยตนเอง ผู้แทนยื่นแทนไม่ได้",
                    "This benefit must be claimed by the member in person, not a representative.",
                )
            )

    missing = [item for item in rule.evidence_required if item not in facts.evidence_seen]
    if missing:
        refusals.append(
            Reason(
                "ยังไม่ได้ตรวจหลักฐาน: " + ", ".join(missing),
                "Evidence not yet seen: " + ", ".join(missing),
            )
        )

    if rule.max_payouts_per_year is not None and usage.payouts >= rule.max_payouts_per_year:
        refusals.append(
            Reason(
                f"ได้รับสวัสดิการนี้ครบ {rule.max_payouts_per_year} ครั้งในปีงบประมาณ {fy} แล้ว",
                f"Already paid {rule.max_payouts_per_year} time(s) in fiscal year {fy}.",
            )
        )

    units_paid, amount = _amount(rule, facts, usage, explanation, refusals)
    return Assessment(
        amount_satang=amount,
        units_paid=units_paid,
        explanation=tuple(explanation),
        refusals=tuple(refusals),
        rule_version=rule.version,
    )


def _check_input(rule: Rule, facts: ClaimFacts) -> None:
    if facts.today is not None and facts.event_date > facts.today:
        raise InvalidInput(
            "วันที่เกิดเหตุต้องไม่เป็นวันในอนาคต",
            "The event date cannot be in the future.",
            field="event_date",
        )
    if rule.per_unit:
        if facts.units is None or facts.units <= 0:
            raise InvalidInput(
                f"กรุณากรอกจำนวน{UNIT_TH[rule.amount_kind]} (อย่างน้อย 1)",
                f"Please enter the number of {UNIT_EN[rule.amount_kind]}s (at least 1).",
                field="units",
            )
        if facts.units > 366:
            raise InvalidInput(
                f"จำนวน{UNIT_TH[rule.amount_kind]}มากเกินไป (ไม่เกิน 366)",
                f"Too many {UNIT_EN[rule.amount_kind]}s (at most 366).",
                field="units",
            )


def _amount(
    rule: Rule,
    facts: ClaimFacts,
    usage: YearUsage,
    explanation: list[Reason],
    refusals: list[Reason],
) -> tuple[int | None, int]:
    fy = usage.fiscal_year
    rate = format_baht(rule.amount_satang)
    units: int | None = None
    if rule.per_unit:
        unit_th, unit_en = UNIT_TH[rule.amount_kind], UNIT_EN[rule.amount_kind]
        assert facts.units is not None
        units = facts.units
        if rule.max_units_per_claim is not None and units > rule.max_units_per_claim:
            explanation.append(
                Reason(
                    f"ขอ {units} {unit_th} จ่ายได้สูงสุด {rule.max_units_per_claim} {unit_th}ต่อครั้ง",
                    f"{units} {unit_en}s claimed; at most {rule.max_units_per_claim} per claim.",
                )
            )
            units = rule.max_units_per_claim
        if rule.max_units_per_year is not None:
            left = rule.max_units_per_year - usage.units
            if left <= 0:
                refusals.append(
                    Reason(
                        f"ใช้สิทธิ์ครบ {rule.max_units_per_year} {unit_th}ในปีงบประมาณ {fy} แล้ว",
                        f"All {rule.max_units_per_year} {unit_en}s of fiscal year {fy} are used.",
                    )
                )
            elif units > left:
                explanation.append(
                    Reason(
                        f"ปีงบประมาณ {fy} ใช้ไปแล้ว {usage.units} {unit_th} "
                        f"เหลือสิทธิ์ {left} จาก {rule.max_units_per_year} {unit_th}",
                        f"Fiscal year {fy}: {usage.units} {unit_en}s used, "
                        f"{left} of {rule.max_units_per_year} left.",
                    )
                )
                units = left
        amount = units * rule.amount_satang
        explanation.append(
            Reason(
                f"{units} {unit_th} × {rate} = {format_baht(amount)}",
                f"{units} {unit_en}(s) × {rate} = {format_baht(amount)}",
            )
        )
    else:
        amount = rule.amount_satang
        explanation.append(Reason(f"จำนวนเงินคงที่ {rate}", f"Fixed amount {rate}"))

    if rule.max_amount_per_year_satang is not None:
        cap = format_baht(rule.max_amount_per_year_satang)
        left = rule.max_amount_per_year_satang - usage.amount_satang
        if left <= 0:
            refusals.append(
                Reason(
                    f"ได้รับครบวงเงิน {cap} ของปีงบประมาณ {fy} แล้ว",
                    f"The {cap} limit of fiscal year {fy} is used up.",
                )
            )
        elif amount > left:
            explanation.append(
                Reason(
                    f"วงเงินปีงบประมาณ {fy} {cap} ได้รับแล้ว {format_baht(usage.amount_satang)} "
                    f"จ่ายได้อีก {format_baht(left)}",
                    f"Fiscal year {fy} limit {cap}: {format_baht(usage.amount_satang)} paid, "
                    f"{format_baht(left)} left.",
                )
            )
            amount = left
    return units, amount
