from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fund.errors import InvalidInput
from fund.loans.schedule import (
    InterestMethod,
    ScheduleTerms,
    add_months,
    build_schedule,
    build_schedule_with_instalment,
    monthly_interest,
    parse_rate_percent,
    schedule_csv_rows,
    schedule_totals,
)

START = dt.date(2025, 1, 15)


def terms(principal_baht, rate, term, method, round_to=1, grace=0):
    return ScheduleTerms(
        principal_satang=principal_baht * 100,
        annual_rate_percent=Decimal(rate),
        term_months=term,
        method=InterestMethod(method),
        round_to_satang=round_to,
        grace_months=grace,
    )


def test_reference_flat_5000_at_12_percent_18_months_rounded_to_a_baht():
    rows = build_schedule(terms(5000, "12", 18, "flat", round_to=100), START)
    assert len(rows) == 18
    for row in rows[:17]:
        assert (row.principal_satang, row.interest_satang, row.total_satang) == (27800, 5000, 32800)
    assert rows[0].balance_satang == 472200
    assert (rows[17].principal_satang, rows[17].interest_satang) == (27400, 5000)
    assert rows[17].total_satang == 32400
    assert rows[17].balance_satang == 0
    assert schedule_totals(rows) == (500000, 90000)


def test_reference_declining_5000_at_12_percent_18_months_rounded_to_a_baht():
    rows = build_schedule(terms(5000, "12", 18, "declining", round_to=100), START)
    got = [(r.principal_satang, r.interest_satang, r.total_satang, r.balance_satang) for r in rows]
    assert got[0] == (25500, 5000, 30500, 474500)
    assert got[1] == (25755, 4745, 30500, 448745)
    assert got[2] == (26013, 4487, 30500, 422732)
    assert got[16] == (29901, 599, 30500, 30022)
    assert got[17] == (30022, 300, 30322, 0)
    assert all(r.total_satang == 30500 for r in rows[:17])
    assert schedule_totals(rows) == (500000, 48822)


def test_reference_zero_interest_1000_over_4_months():
    rows = build_schedule(terms(1000, "0", 4, "zero"), START)
    assert [r.total_satang for r in rows] == [25000] * 4
    assert [r.interest_satang for r in rows] == [0] * 4
    assert [r.balance_satang for r in rows] == [75000, 50000, 25000, 0]


def test_last_instalment_absorbs_the_rounding_residue():
    # 1,000 / 3 = 333.33…; rounded to a baht the first two are 333, the last 334.
    rows = build_schedule(terms(1000, "0", 3, "zero", round_to=100), START)
    assert [r.principal_satang for r in rows] == [33300, 33300, 33400]
    # Without rounding: to the satang, 333.33 twice and 333.34 last.
    rows = build_schedule(terms(1000, "0", 3, "zero"), START)
    assert [r.principal_satang for r in rows] == [33333, 33333, 33334]


def test_rounding_up_makes_the_last_instalment_smaller():
    # 1,000 / 6 = 166.67 -> 167 a month; the last pays only what is left (165).
    rows = build_schedule(terms(1000, "0", 6, "zero", round_to=100), START)
    assert [r.principal_satang for r in rows] == [16700] * 5 + [16500]


def test_rounding_to_ten_baht():
    rows = build_schedule(terms(5000, "12", 18, "declining", round_to=1000), START)
    # 304.91 rounds half-up to the nearest 10 baht: 300; the last instalment takes the rest.
    assert all(r.total_satang == 30000 for r in rows[:-1])
    assert rows[-1].total_satang > 30000
    assert schedule_totals(rows)[0] == 500000


def test_equal_principal_interest_falls_each_month():
    rows = build_schedule(terms(1200, "12", 12, "equal-principal"), START)
    assert [r.principal_satang for r in rows] == [10000] * 12
    # Interest on 1,200, 1,100, … , 100 at 1 % a month.
    assert [r.interest_satang for r in rows] == [(12 - k) * 100 for k in range(12)]
    assert schedule_totals(rows) == (120000, 7800)


def test_equal_principal_rounds_the_principal_part():
    rows = build_schedule(terms(1000, "6", 3, "equal-principal", round_to=100), START)
    assert [r.principal_satang for r in rows] == [33300, 33300, 33400]
    assert rows[0].interest_satang == 500  # 1,000 × 6 % / 12


def test_flat_interest_is_on_the_original_principal_every_month():
    rows = build_schedule(terms(2400, "6", 12, "flat"), START)
    assert {r.interest_satang for r in rows} == {1200}
    assert schedule_totals(rows) == (240000, 14400)


def test_interest_rounds_half_up_to_the_satang():
    # 1,000.50 × 12 % / 12 = 10.005 -> 10.01 (half-up, not banker's 10.00)
    assert monthly_interest(100050, Decimal(12)) == 1001
    # 1,000.49 × 12 % / 12 = 10.0049 -> 10.00
    assert monthly_interest(100049, Decimal(12)) == 1000
    assert monthly_interest(0, Decimal(12)) == 0


@pytest.mark.parametrize("method", ["flat", "declining", "equal-principal"])
def test_grace_months_charge_interest_only(method):
    rows = build_schedule(terms(1200, "12", 6, method, grace=2), START)
    assert [r.principal_satang for r in rows[:2]] == [0, 0]
    assert [r.interest_satang for r in rows[:2]] == [1200, 1200]
    assert all(r.principal_satang > 0 for r in rows[2:])
    assert rows[1].balance_satang == 120000
    assert schedule_totals(rows)[0] == 120000
    assert rows[-1].balance_satang == 0


def test_grace_on_a_zero_interest_loan_defers_the_first_payments():
    rows = build_schedule(terms(900, "0", 5, "zero", grace=2), START)
    assert [r.total_satang for r in rows] == [0, 0, 30000, 30000, 30000]


def test_declining_with_grace_amortises_over_the_remaining_months():
    with_grace = build_schedule(terms(5000, "12", 20, "declining", round_to=100, grace=2), START)
    plain = build_schedule(terms(5000, "12", 18, "declining", round_to=100), START)
    assert [r.total_satang for r in with_grace[2:]] == [r.total_satang for r in plain]


def test_due_dates_are_monthly_and_clamp_to_the_month_end():
    rows = build_schedule(terms(1200, "0", 4, "zero"), dt.date(2024, 1, 31))
    assert [r.due_date for r in rows] == [
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 31),
        dt.date(2024, 4, 30),
        dt.date(2024, 5, 31),
    ]
    assert add_months(dt.date(2025, 12, 15), 1) == dt.date(2026, 1, 15)
    assert add_months(dt.date(2025, 1, 31), 13) == dt.date(2026, 2, 28)


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (terms(0, "0", 4, "zero"), "principal"),
        (terms(1000, "0", 0, "zero"), "term"),
        (terms(1000, "0", 241, "zero"), "term"),
        (terms(1000, "12", 4, "flat", grace=4), "grace"),
        (terms(1000, "12", 4, "flat", grace=-1), "grace"),
        (terms(1000, "-1", 4, "flat"), "rate"),
        (terms(1000, "101", 4, "flat"), "rate"),
        (terms(1000, "12.125", 4, "flat"), "rate"),
        (terms(1000, "12", 4, "zero"), "rate"),
        (terms(1000, "0", 4, "declining"), "method"),
        (terms(1000, "12", 4, "flat", round_to=0), "round_to"),
        (terms(1000, "12", 4, "flat", round_to=100_001), "round_to"),
    ],
)
def test_impossible_terms_are_refused_on_the_right_field(bad, field):
    with pytest.raises(InvalidInput) as err:
        build_schedule(bad, START)
    assert err.value.field == field
    assert err.value.message_th and err.value.message_en


@pytest.mark.parametrize(
    ("text", "rate"),
    [("12", Decimal(12)), ("6.5", Decimal("6.5")), ("๑๒%", Decimal(12)), (" 0 ", Decimal(0))],
)
def test_rate_is_read_as_typed(text, rate):
    assert parse_rate_percent(text) == rate


@pytest.mark.parametrize("text", ["", "abc", "-1", "12.345", "1e2", "150", "12,5", "NaN"])
def test_bad_rates_are_refused(text):
    with pytest.raises(InvalidInput):
        parse_rate_percent(text)


def test_csv_rows_have_the_documented_header_and_two_decimals():
    rows = schedule_csv_rows(build_schedule(terms(1000, "0", 4, "zero"), dt.date(2025, 1, 1)))
    assert rows[0] == ["no", "due_date", "principal", "interest", "total", "balance"]
    assert rows[1] == ["1", "2025-02-01", "250.00", "0.00", "250.00", "750.00"]
    assert rows[-1][-1] == "0.00"


def test_fixed_instalment_schedule_shortens_the_term():
    rows = build_schedule_with_instalment(
        principal_satang=100000,
        annual_rate_percent=Decimal(0),
        method=InterestMethod.ZERO,
        instalment_satang=30000,
        start=START,
        first_no=3,
    )
    assert [r.no for r in rows] == [3, 4, 5, 6]
    assert [r.principal_satang for r in rows] == [30000, 30000, 30000, 10000]


def test_fixed_instalment_below_the_interest_is_refused():
    with pytest.raises(InvalidInput):
        build_schedule_with_instalment(
            principal_satang=100000,
            annual_rate_percent=Decimal(12),
            method=InterestMethod.DECLINING,
            instalment_satang=1000,  # interest alone is 10.00
            start=START,
        )


methods = st.sampled_from(list(InterestMethod))


@st.composite
def any_terms(draw):
    method = draw(methods)
    term = draw(st.integers(1, 120))
    rate = (
        Decimal(0)
        if method is InterestMethod.ZERO
        else Decimal(draw(st.integers(1, 3600))) / Decimal(100)
    )
    return ScheduleTerms(
        principal_satang=draw(st.integers(1, 10_000_000)),
        annual_rate_percent=rate,
        term_months=term,
        method=method,
        round_to_satang=draw(st.sampled_from([1, 100, 500, 1000, 10_000])),
        grace_months=draw(st.integers(0, term - 1)),
    )


@settings(max_examples=300, deadline=None)
@given(any_terms(), st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31)))
def test_every_schedule_repays_exactly_the_principal_and_ends_at_zero(t, start):
    rows = build_schedule(t, start)
    assert len(rows) == t.term_months
    principal, interest = schedule_totals(rows)
    assert principal == t.principal_satang
    assert interest >= 0
    balance = t.principal_satang
    for row in rows:
        assert row.principal_satang >= 0
        assert row.interest_satang >= 0
        balance -= row.principal_satang
        assert row.balance_satang == balance >= 0
    assert rows[-1].balance_satang == 0
    assert all(a.due_date < b.due_date for a, b in itertools.pairwise(rows))
    if t.method is InterestMethod.ZERO:
        assert interest == 0


@settings(max_examples=200, deadline=None)
@given(any_terms())
def test_declining_interest_never_exceeds_flat_interest(t):
    if t.method is InterestMethod.ZERO:
        return
    flat = build_schedule(ScheduleTerms(**{**t.__dict__, "method": InterestMethod.FLAT}), START)
    declining = build_schedule(
        ScheduleTerms(**{**t.__dict__, "method": InterestMethod.DECLINING}), START
    )
    assert schedule_totals(declining)[1] <= schedule_totals(flat)[1]
