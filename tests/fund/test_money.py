"""fund.money: parsing typed baht, satang <-> Decimal, the rounding rule, display, words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fund.errors import InvalidInput
from fund.money import (
    DEFAULT_MAX_SATANG,
    bahttext,
    decimal_to_satang,
    format_baht,
    normalise_digits,
    parse_baht,
    round_half_up_satang,
    satang_bahttext,
    satang_to_decimal,
)

satang_in_range = st.integers(min_value=1, max_value=DEFAULT_MAX_SATANG)


# --- normalise_digits ------------------------------------------------------------------------


def test_thai_digits_become_ascii_and_whitespace_is_stripped():
    assert normalise_digits("  ๐๑๒๓๔๕๖๗๘๙ \n") == "0123456789"


def test_digits_of_other_scripts_are_left_alone_for_validation_to_refuse():
    # Arabic-Indic five: int() would accept it, normalise_digits must not pretend it is "5".
    assert normalise_digits("\u0665") == "\u0665"


def test_normalise_digits_refuses_non_strings():
    with pytest.raises(TypeError):
        normalise_digits(5)  # type: ignore[arg-type]


# --- parse_baht: what people type ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "satang"),
    [
        ("1", 100),
        ("1234.50", 123450),
        ("1,234.50", 123450),
        ("1,234,567.89", 123456789),
        ("0.01", 1),
        (".5", 50),
        ("12.3", 1230),
        ("007", 700),
        ("๑,๒๓๔.๕๐", 123450),
        ("๑๐๐", 10000),
        ("฿1,234.50", 123450),
        ("฿ 20", 2000),
        ("1,234.50 บาท", 123450),
        ("500บาท", 50000),
        ("฿ ๕๐๐ บาท", 50000),
        ("  42  ", 4200),
        ("1,000,000,000", DEFAULT_MAX_SATANG),
    ],
)
def test_parse_baht_reads_what_people_type(typed, satang):
    assert parse_baht(typed) == satang


def test_parse_baht_takes_decimal_and_int_as_baht():
    assert parse_baht(Decimal("12.34")) == 1234
    assert parse_baht(Decimal("1.500")) == 150  # a Decimal is judged on value
    assert parse_baht(12) == 1200


def test_zero_is_refused_unless_allowed():
    with pytest.raises(InvalidInput) as exc:
        parse_baht("0")
    assert "มากกว่าศูนย์" in exc.value.message_th
    assert "more than zero" in exc.value.message_en
    assert parse_baht("0", allow_zero=True) == 0
    assert parse_baht("0.00", allow_zero=True) == 0
    assert parse_baht(Decimal("0"), allow_zero=True) == 0


def _refusal(value, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as exc:
        parse_baht(value, **kwargs)
    return exc.value


@pytest.mark.parametrize("typed", ["", "   ", "฿", "บาท", "฿ บาท"])
def test_empty_amount_is_refused_asking_for_one(typed):
    error = _refusal(typed)
    assert error.message_th.startswith("กรุณากรอกจำนวนเงิน")
    assert "enter an amount" in error.message_en


@pytest.mark.parametrize("value", ["-1", "-0.50", "\u22125", "-฿100", "฿-100", Decimal("-1"), -3])
def test_negative_amounts_are_refused(value):
    error = _refusal(value)
    assert "ติดลบ" in error.message_th
    assert "negative" in error.message_en


@pytest.mark.parametrize("typed", ["1.234", "0.001", "1.500", "1,234.567", "๑.๒๓๔"])
def test_more_than_two_decimal_places_is_refused(typed):
    error = _refusal(typed)
    assert error.message_th.startswith("มีทศนิยมเกิน 2 ตำแหน่ง")
    assert "2 decimal places" in error.message_en


def test_decimal_with_more_than_two_places_is_refused():
    assert _refusal(Decimal("1.005")).message_th.startswith("มีทศนิยมเกิน 2 ตำแหน่ง")


@pytest.mark.parametrize(
    "typed", ["1,23,4", "12,34", "1,2345", ",123", "1,", "1,,234", "1234,567", "1.,5"]
)
def test_malformed_thousands_grouping_is_refused(typed):
    error = _refusal(typed)
    assert "จุลภาค" in error.message_th
    assert "commas" in error.message_en


@pytest.mark.parametrize(
    "typed",
    ["abc", "12a", "1.2.3", "1 234", "+5", "1_000", "๑x", "\u0665", "12$", ".", "1.", "1..5"],
)
def test_non_numeric_text_is_refused(typed):
    error = _refusal(typed)
    assert "ตัวเลข" in error.message_th
    assert "digit" in error.message_en


@pytest.mark.parametrize("typed", ["NaN", "nan", "sNaN", "Infinity", "inf", "+inf", "-inf"])
def test_nan_and_infinity_are_refused(typed):
    error = _refusal(typed)
    assert "ตัวเลข" in error.message_th or "ติดลบ" in error.message_th


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_nan_and_infinity_decimals_are_refused(value):
    assert "ตัวเลข" in _refusal(value).message_th


@pytest.mark.parametrize("typed", ["1e5", "1E5", "1.5e3", "2e-2", "1e+05"])
def test_exponent_notation_is_refused_with_its_own_message(typed):
    error = _refusal(typed)
    assert "เลขยกกำลัง" in error.message_th
    assert "100000" in error.message_en


@pytest.mark.parametrize(
    "value",
    [
        "1,000,000,000.01",
        "9999999999999",
        "9" * 5000,  # int() alone would raise ValueError on this many digits
        Decimal("1E+15"),
        Decimal("1E+100"),
        10**12,
    ],
)
def test_absurdly_large_amounts_are_refused(value):
    error = _refusal(value)
    assert "สูงเกิน" in error.message_th
    assert "฿1,000,000,000.00" in error.message_th
    assert "too large" in error.message_en or "larger" in error.message_en


def test_max_satang_can_be_lowered_and_is_inclusive():
    assert parse_baht("100", max_satang=10_000) == 10_000
    error = _refusal("100.01", max_satang=10_000)
    assert "฿100.00" in error.message_th


@pytest.mark.parametrize("value", [1.5, True, None, b"12", [1]])
def test_wrong_types_are_a_programming_error(value):
    with pytest.raises(TypeError):
        parse_baht(value)


def test_each_refusal_has_its_own_message():
    cases = ["", "-1", "0", "1.234", "1,23,4", "abc", "NaN", "1e5", "99999999999"]
    messages = {_refusal(case).message_th for case in cases}
    assert len(messages) == len(cases)


# --- Decimal <-> satang and rounding ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "satang"),
    [
        (Decimal("0"), 0),
        (Decimal("0.01"), 1),
        (Decimal("1.5"), 150),
        (Decimal("1.500"), 150),
        (Decimal("-2.25"), -225),
        (Decimal("1E+3"), 100000),
        (Decimal("0E-10"), 0),
        (Decimal("12345678901234567890123.45"), 1234567890123456789012345),
    ],
)
def test_decimal_to_satang_is_exact(value, satang):
    assert decimal_to_satang(value) == satang


@pytest.mark.parametrize("value", [Decimal("0.001"), Decimal("1.005"), Decimal("-0.125")])
def test_decimal_to_satang_refuses_fractions_of_a_satang(value):
    with pytest.raises(InvalidInput, match="ทศนิยมเกิน 2 ตำแหน่ง"):
        decimal_to_satang(value)


@pytest.mark.parametrize("value", [1.5, 150, "1.50"])
def test_decimal_to_satang_refuses_non_decimals(value):
    with pytest.raises(TypeError):
        decimal_to_satang(value)


@pytest.mark.parametrize(
    ("satang", "text"),
    [(0, "0.00"), (1, "0.01"), (150, "1.50"), (-5, "-0.05"), (123456789, "1234567.89")],
)
def test_satang_to_decimal_has_exactly_two_places(satang, text):
    value = satang_to_decimal(satang)
    assert str(value) == text
    assert value.as_tuple().exponent == -2


def test_satang_to_decimal_does_not_round_huge_amounts():
    satang = 10**30 + 1  # 31 digits: more than the default Decimal context's 28
    assert decimal_to_satang(satang_to_decimal(satang)) == satang


@pytest.mark.parametrize("value", [1.5, True, Decimal("1")])
def test_satang_to_decimal_takes_only_int(value):
    with pytest.raises(TypeError):
        satang_to_decimal(value)


@pytest.mark.parametrize(
    ("baht", "satang"),
    [
        ("0.004", 0),
        ("0.005", 1),  # half rounds up, not to even
        ("0.015", 2),
        ("0.025", 3),  # banker's rounding would give 2
        ("1.2349999", 123),
        ("1.235", 124),
        ("-0.005", -1),  # half away from zero
        ("-0.004", 0),
        ("12.34", 1234),
        ("1E+2", 10000),
        ("123456789012345678901234567890.125", 12345678901234567890123456789013),
    ],
)
def test_round_half_up_satang_is_the_one_rounding_rule(baht, satang):
    assert round_half_up_satang(Decimal(baht)) == satang


def test_round_half_up_satang_refuses_float():
    with pytest.raises(TypeError):
        round_half_up_satang(0.005)  # type: ignore[arg-type]


def test_round_half_up_satang_refuses_nan():
    with pytest.raises(InvalidInput):
        round_half_up_satang(Decimal("NaN"))


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_rounding_an_exact_satang_amount_changes_nothing(satang):
    assert round_half_up_satang(satang_to_decimal(satang)) == satang


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=0, max_value=999))
def test_rounding_matches_decimal_round_half_up(satang, thousandths):
    from decimal import ROUND_HALF_UP

    value = satang_to_decimal(satang) + Decimal(thousandths) / Decimal(100000)
    expected = int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert round_half_up_satang(value) == expected


# --- format_baht -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("satang", "shown"),
    [
        (0, "฿0.00"),
        (1, "฿0.01"),
        (123450, "฿1,234.50"),
        (-123450, "-฿1,234.50"),
        (-1, "-฿0.01"),
        (100_000_000_000, "฿1,000,000,000.00"),
    ],
)
def test_format_baht(satang, shown):
    assert format_baht(satang) == shown


def test_format_baht_without_symbol():
    assert format_baht(123450, symbol=False) == "1,234.50"
    assert format_baht(-5, symbol=False) == "-0.05"


@pytest.mark.parametrize("value", [1.5, Decimal("1.50"), "150", True])
def test_format_baht_takes_only_int_satang(value):
    with pytest.raises(TypeError):
        format_baht(value)


@given(satang_in_range)
def test_format_then_parse_gives_back_the_same_satang(satang):
    assert parse_baht(format_baht(satang)) == satang
    assert parse_baht(format_baht(satang, symbol=False)) == satang
    assert parse_baht(format_baht(satang, symbol=False).replace(",", "")) == satang


@given(satang_in_range)
def test_decimal_round_trip(satang):
    assert decimal_to_satang(satang_to_decimal(satang)) == satang
    assert parse_baht(satang_to_decimal(satang)) == satang


@given(satang_in_range)
def test_thai_digits_parse_like_ascii_digits(satang):
    ascii_text = format_baht(satang, symbol=False)
    thai_text = ascii_text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert parse_baht(thai_text) == satang


# --- bahttext --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "ศูนย์บาทถ้วน"),
        (1, "หนึ่งบาทถ้วน"),
        (10, "สิบบาทถ้วน"),
        (11, "สิบเอ็ดบาทถ้วน"),
        (20, "ยี่สิบบาทถ้วน"),
        (21, "ยี่สิบเอ็ดบาทถ้วน"),
        (101, "หนึ่งร้อยเอ็ดบาทถ้วน"),
        (110, "หนึ่งร้อยสิบบาทถ้วน"),
        (1001, "หนึ่งพันเอ็ดบาทถ้วน"),
        (1234, "หนึ่งพันสองร้อยสามสิบสี่บาทถ้วน"),
        (21000, "สองหมื่นหนึ่งพันบาทถ้วน"),
        (1000000, "หนึ่งล้านบาทถ้วน"),
        (1000001, "หนึ่งล้านเอ็ดบาทถ้วน"),
        (21000000, "ยี่สิบเอ็ดล้านบาทถ้วน"),
        (1000000000000, "หนึ่งล้านล้านบาทถ้วน"),
        (Decimal("12345.21"), "หนึ่งหมื่นสองพันสามร้อยสี่สิบห้าบาทยี่สิบเอ็ดสตางค์"),
        (Decimal("2500000.25"), "สองล้านห้าแสนบาทยี่สิบห้าสตางค์"),
        (Decimal("1.01"), "หนึ่งบาทหนึ่งสตางค์"),
        (Decimal("0.25"), "ยี่สิบห้าสตางค์"),
        (Decimal("0.01"), "หนึ่งสตางค์"),
        (Decimal("0.11"), "สิบเอ็ดสตางค์"),
        (Decimal("1234.50"), "หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์"),
        (Decimal("5.00"), "ห้าบาทถ้วน"),
    ],
)
def test_bahttext_vectors(amount, words):
    assert bahttext(amount) == words


def test_bahttext_negative_amounts_are_prefixed_lob():
    assert bahttext(-21) == "ลบยี่สิบเอ็ดบาทถ้วน"
    assert bahttext(Decimal("-0.01")) == "ลบหนึ่งสตางค์"
    assert bahttext(Decimal("-0.00")) == "ศูนย์บาทถ้วน"


def test_bahttext_refuses_fractions_of_a_satang():
    with pytest.raises(InvalidInput, match="ทศนิยมเกิน 2 ตำแหน่ง"):
        bahttext(Decimal("1.005"))


@pytest.mark.parametrize("value", [1.01, "1.01", True, None])
def test_bahttext_refuses_floats_and_other_types(value):
    with pytest.raises(TypeError):
        bahttext(value)


def test_satang_bahttext_matches_bahttext():
    assert satang_bahttext(101) == "หนึ่งบาทหนึ่งสตางค์"
    assert satang_bahttext(123450) == bahttext(Decimal("1234.50"))
    with pytest.raises(TypeError):
        satang_bahttext(1.0)  # type: ignore[arg-type]


@given(st.integers(min_value=-(10**16), max_value=10**16))
def test_bahttext_reads_tens_the_thai_way_and_ends_properly(satang):
    words = satang_bahttext(satang)
    assert "หนึ่งสิบ" not in words
    assert "สองสิบ" not in words
    assert "เอ็ดสิบ" not in words
    assert words.endswith(("ถ้วน", "สตางค์"))
    assert words.startswith("ลบ") == (satang < 0)
    assert ("สตางค์" in words) == (abs(satang) % 100 != 0)


@given(st.integers(min_value=0, max_value=99))
def test_a_lone_satang_one_is_never_et(satang):
    words = satang_bahttext(satang)
    assert not words.startswith("เอ็ด")


@given(st.integers(min_value=1, max_value=10**15))
def test_bahttext_of_int_and_decimal_agree(baht):
    assert bahttext(baht) == bahttext(Decimal(baht)) == satang_bahttext(baht * 100)
