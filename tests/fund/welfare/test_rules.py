"""The pure welfare rules: amounts, caps and refusals, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from fund.errors import InvalidInput
from fund.welfare.rules import (
    AmountKind,
    ClaimantKind,
    ClaimFacts,
    Rule,
    YearUsage,
    add_months,
    evaluate,
    membership_months,
    validate_rule,
)

HOSPITAL = Rule(
    name="ค่าชดเชยนอนโรงพยาบาล",
    amount_kind=AmountKind.PER_NIGHT,
    amount_satang=200_00,
    min_membership_months=6,
    max_units_per_claim=7,
    max_units_per_year=10,
    evidence_required=("ใบรับรองแพทย์",),
    representative_allowed=True,
)
DEATH = Rule(
    name="ช่วยเหลือกรณีเสียชีวิต",
    amount_kind=AmountKind.FIXED,
    amount_satang=3_000_00,
    min_membership_months=12,
    max_payouts_per_year=1,
    representative_allowed=True,
)
JOINED = dt.date(2024, 1, 15)
FY = 2568


def facts(**kw) -> ClaimFacts:
    base = {
        "joined_on": JOINED,
        "member_status": "active",
        "event_date": dt.date(2025, 3, 1),
        "units": 3,
        "evidence_seen": ("ใบรับรองแพทย์",),
        "today": dt.date(2025, 3, 10),
    }
    base.update(kw)
    return ClaimFacts(**base)


def test_add_months_clamps_to_the_end_of_short_months():
    assert add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2023, 8, 31), 6) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 11, 15), 2) == dt.date(2026, 1, 15)


@pytest.mark.parametrize(
    ("on", "months"),
    [
        (dt.date(2024, 7, 14), 5),
        (dt.date(2024, 7, 15), 6),
        (dt.date(2024, 1, 15), 0),
        (dt.date(2024, 1, 14), -1),
        (dt.date(2025, 1, 15), 12),
    ],
)
def test_membership_months_counts_whole_months(on, months):
    assert membership_months(JOINED, on) == months


def test_per_night_amount_is_nights_times_rate_with_explanation():
    result = evaluate(HOSPITAL, facts(units=3), YearUsage(FY))
    assert result.eligible
    assert result.amount_satang == 600_00
    assert result.units_paid == 3
    assert "3 คืน × ฿200.00 = ฿600.00" in result.explanation_text("th")
    assert "3 night(s) × ฿200.00 = ฿600.00" in result.explanation_text("en")


def test_membership_one_day_short_of_six_months_is_refused_with_the_reason():
    result = evaluate(
        HOSPITAL,
        facts(joined_on=dt.date(2024, 9, 2), event_date=dt.date(2025, 3, 1)),
        YearUsage(FY),
    )
    assert not result.eligible
    assert "สมาชิกยังไม่ครบ 6 เดือน" in result.refusal_text("th")
    assert "under 6 months" in result.refusal_text("en")
    # exactly six months on the event date is enough
    ok = evaluate(
        HOSPITAL,
        facts(joined_on=dt.date(2024, 9, 1), event_date=dt.date(2025, 3, 1)),
        YearUsage(FY),
    )
    assert ok.eligible


def test_event_before_joining_is_refused():
    result = evaluate(HOSPITAL, facts(event_date=dt.date(2024, 1, 1)), YearUsage(FY))
    assert "เหตุเกิดก่อนวันที่สมัครเป็นสมาชิก" in result.refusal_text()


def test_per_claim_maximum_of_nights_limits_the_amount():
    result = evaluate(HOSPITAL, facts(units=9), YearUsage(FY))
    assert result.eligible
    assert result.units_paid == 7
    assert result.amount_satang == 1_400_00
    assert "จ่ายได้สูงสุด 7 คืนต่อครั้ง" in result.explanation_text()


def test_yearly_night_cap_pays_what_is_left_then_refuses():
    partly = evaluate(HOSPITAL, facts(units=5), YearUsage(FY, payouts=2, units=8))
    assert partly.eligible
    assert partly.units_paid == 2
    assert partly.amount_satang == 400_00
    assert "เหลือสิทธิ์ 2 จาก 10 คืน" in partly.explanation_text()

    used_up = evaluate(HOSPITAL, facts(units=2), YearUsage(FY, payouts=3, units=10))
    assert not used_up.eligible
    assert "ใช้สิทธิ์ครบ 10 คืนในปีงบประมาณ 2568 แล้ว" in used_up.refusal_text()
    # what an override would pay: the nights claimed at the rate
    assert used_up.amount_satang == 400_00


def test_yearly_payout_count_refuses_the_second_claim():
    first = evaluate(DEATH, facts(units=None), YearUsage(FY))
    assert first.eligible and first.amount_satang == 3_000_00 and first.units_paid is None
    second = evaluate(DEATH, facts(units=None), YearUsage(FY, payouts=1, amount_satang=3_000_00))
    assert not second.eligible
    assert "ครบ 1 ครั้งในปีงบประมาณ 2568" in second.refusal_text()


def test_yearly_amount_cap_limits_then_refuses():
    rule = Rule(
        name="อุปกรณ์",
        amount_kind=AmountKind.FIXED,
        amount_satang=2_000_00,
        max_amount_per_year_satang=3_000_00,
    )
    partly = evaluate(rule, facts(units=None), YearUsage(FY, payouts=1, amount_satang=2_000_00))
    assert partly.eligible and partly.amount_satang == 1_000_00
    none_left = evaluate(rule, facts(units=None), YearUsage(FY, payouts=2, amount_satang=3_000_00))
    assert not none_left.eligible
    assert "ได้รับครบวงเงิน ฿3,000.00 ของปีงบประมาณ 2568 แล้ว" in none_left.refusal_text()


def test_representative_claim_needs_the_rule_to_allow_it():
    own_only = Rule(
        name="ภัยพิบัติ",
        amount_kind=AmountKind.FIXED,
        amount_satang=1_000_00,
        representative_allowed=False,
    )
    refused = evaluate(
        own_only, facts(units=None, claimant=ClaimantKind.REPRESENTATIVE), YearUsage(FY)
    )
    assert "ผู้แทนยื่นแทนไม่ได้" in refused.refusal_text()
    allowed = evaluate(HOSPITAL, facts(claimant=ClaimantKind.REPRESENTATIVE), YearUsage(FY))
    assert allowed.eligible


def test_deceased_member_needs_a_representative_and_suspended_is_refused():
    in_person = evaluate(DEATH, facts(units=None, member_status="deceased"), YearUsage(FY))
    assert "ต้องให้ผู้แทน" in in_person.refusal_text()
    by_heir = evaluate(
        DEATH,
        facts(units=None, member_status="deceased", claimant=ClaimantKind.REPRESENTATIVE),
        YearUsage(FY),
    )
    assert by_heir.eligible
    suspended = evaluate(DEATH, facts(units=None, member_status="suspended"), YearUsage(FY))
    assert "พักสิทธิ์" in suspended.refusal_text()
    left = evaluate(DEATH, facts(units=None, member_status="left"), YearUsage(FY))
    assert "พ้นสภาพ" in left.refusal_text()


def test_missing_evidence_is_named_in_the_refusal():
    result = evaluate(HOSPITAL, facts(evidence_seen=()), YearUsage(FY))
    assert result.refusal_text() == "ยังไม่ได้ตรวจหลักฐาน: ใบรับรองแพทย์"


def test_every_broken_rule_is_listed_at_once():
    result = evaluate(
        DEATH,
        facts(units=None, joined_on=dt.date(2025, 1, 1), member_status="suspended"),
        YearUsage(FY, payouts=1),
    )
    assert len(result.refusals) == 3


def test_inactive_version_and_event_before_it_took_effect_are_refused():
    closed = Rule(name="x", amount_kind=AmountKind.FIXED, amount_satang=100, active=False)
    assert "ปิดรับ" in evaluate(closed, facts(units=None), YearUsage(FY)).refusal_text()
    later = Rule(
        name="x",
        amount_kind=AmountKind.FIXED,
        amount_satang=100,
        effective_from=dt.date(2025, 4, 1),
    )
    assert "ก่อนวันที่เริ่มใช้" in evaluate(later, facts(units=None), YearUsage(FY)).refusal_text()


@pytest.mark.parametrize("units", [None, 0, -1, 367])
def test_per_night_benefit_needs_a_sensible_number_of_nights(units):
    with pytest.raises(InvalidInput) as err:
        evaluate(HOSPITAL, facts(units=units), YearUsage(FY))
    assert err.value.field == "units"


def test_event_in_the_future_is_malformed():
    with pytest.raises(InvalidInput) as err:
        evaluate(HOSPITAL, facts(event_date=dt.date(2025, 3, 11)), YearUsage(FY))
    assert err.value.field == "event_date"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"amount_satang": 0}, "amount"),
        ({"min_membership_months": -1}, "min_membership_months"),
        ({"max_units_per_year": 0}, "max_units_per_year"),
        ({"max_units_per_claim": 11}, "max_units_per_claim"),
        ({"max_amount_per_year_satang": -5}, "max_amount_per_year"),
    ],
)
def test_validate_rule_refuses_unusable_rules(changes, field):
    from dataclasses import replace

    with pytest.raises(InvalidInput) as err:
        validate_rule(replace(HOSPITAL, **changes))
    assert err.value.field == field


def test_fixed_amount_rule_cannot_have_night_limits():
    from dataclasses import replace

    with pytest.raises(InvalidInput):
        validate_rule(replace(DEATH, max_units_per_claim=3))
    validate_rule(DEATH)
    validate_rule(HOSPITAL)
