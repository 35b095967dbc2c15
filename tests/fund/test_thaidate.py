"""fund.thaidate: Buddhist-era display, three-field date entry, imports, fiscal years."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fund.errors import InvalidInput
from fund.thaidate import (
    MONTHS_TH,
    MONTHS_TH_ABBR,
    be_year,
    fiscal_year,
    fiscal_year_bounds,
    format_be_date,
    format_be_datetime,
    month_name,
    parse_be_date,
    parse_iso_or_be,
)

# B.E. 2400 is 1857; the fund deals with nothing earlier.
fund_dates = st.dates(min_value=date(1857, 1, 1), max_value=date(9000, 12, 31))


# --- display ---------------------------------------------------------------------------------


def test_month_names_are_the_thai_ones_in_order():
    assert len(MONTHS_TH) == len(MONTHS_TH_ABBR) == 12
    assert MONTHS_TH[0] == "มกราคม"
    assert MONTHS_TH[1] == "กุมภาพันธ์"
    assert MONTHS_TH[11] == "ธันวาคม"
    assert MONTHS_TH_ABBR[0] == "ม.ค."
    assert MONTHS_TH_ABBR[3] == "เม.ย."
    assert MONTHS_TH_ABBR[11] == "ธ.ค."
    assert month_name(10) == "ตุลาคม"
    assert month_name(10, abbreviated=True) == "ต.ค."
    with pytest.raises(ValueError, match="month must be"):
        month_name(13)


def test_be_year_adds_543():
    assert be_year(date(2025, 1, 5)) == 2568
    assert be_year(datetime(1857, 1, 1, 12, 0)) == 2400


@pytest.mark.parametrize(
    ("style", "shown"),
    [("short", "5 ม.ค. 2568"), ("long", "5 มกราคม 2568"), ("tight", "5 ม.ค. 68")],
)
def test_format_be_date_styles(style, shown):
    assert format_be_date(date(2025, 1, 5), style) == shown


def test_format_be_date_defaults_to_short_and_pads_the_tight_year():
    assert format_be_date(date(2025, 12, 31)) == "31 ธ.ค. 2568"
    # B.E. 2600 is 2057: the tight year must read "00", not "0".
    assert format_be_date(date(2057, 2, 1), "tight") == "1 ก.พ. 00"


def test_format_be_date_refuses_unknown_style():
    with pytest.raises(ValueError, match="style must be"):
        format_be_date(date(2025, 1, 5), "medium")


def test_format_be_datetime():
    assert format_be_datetime(datetime(2025, 1, 5, 14, 5)) == "5 ม.ค. 2568 14:05 น."
    assert format_be_datetime(datetime(2025, 1, 5, 9, 0), "long") == "5 มกราคม 2568 09:00 น."


def test_format_be_datetime_refuses_a_plain_date():
    with pytest.raises(TypeError):
        format_be_datetime(date(2025, 1, 5))  # type: ignore[arg-type]


@given(fund_dates)
def test_formatted_date_never_shows_the_gregorian_year(d):
    shown = format_be_date(d, "long")
    assert shown == f"{d.day} {MONTHS_TH[d.month - 1]} {d.year + 543}"
    assert not shown.endswith(str(d.year))


# --- parse_be_date ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("5", "1", "2568", date(2025, 1, 5)),
        ("05", "01", "2568", date(2025, 1, 5)),
        (" 5 ", " 1 ", " 2568 ", date(2025, 1, 5)),
        ("๕", "๑", "๒๕๖๘", date(2025, 1, 5)),
        ("29", "2", "2567", date(2024, 2, 29)),  # 2024 is a leap year
        ("31", "12", "2400", date(1857, 12, 31)),
        ("5", "มกราคม", "2568", date(2025, 1, 5)),
        ("5", "ม.ค.", "2568", date(2025, 1, 5)),
    ],
)
def test_parse_be_date_reads_three_fields(day, month, year, expected):
    assert parse_be_date(day, month, year) == expected


def _refusal(*parts, field=None) -> InvalidInput:
    with pytest.raises(InvalidInput) as exc:
        parse_be_date(*parts, field=field)
    return exc.value


@pytest.mark.parametrize("year", ["2025", "68", "0", "2399"])
def test_a_year_below_2400_is_refused_asking_for_be(year):
    error = _refusal("5", "1", year, field="born_on")
    assert error.message_th.startswith("กรุณากรอกปี พ.ศ. เช่น 2568")
    assert "Buddhist era" in error.message_en
    assert error.field == "born_on"


def test_a_gregorian_year_gets_its_be_equivalent_in_the_message():
    error = _refusal("5", "1", "2025")
    assert "พ.ศ. 2568" in error.message_th
    assert "B.E. 2568" in error.message_en


@pytest.mark.parametrize(
    ("day", "month", "year", "days"),
    [("31", "2", "2568", 28), ("30", "2", "2567", 29), ("31", "4", "2568", 30)],
)
def test_an_impossible_date_is_refused_specifically(day, month, year, days):
    error = _refusal(day, month, year)
    assert f"ไม่มีวันที่ {day}" in error.message_th
    assert f"มี {days} วัน" in error.message_th
    assert f"has no day {day}" in error.message_en


def test_29_february_in_a_common_year_is_refused():
    # B.E. 2568 is 2025, not a leap year.
    assert "ไม่มีวันที่ 29 กุมภาพันธ์ 2568" in _refusal("29", "2", "2568").message_th


@pytest.mark.parametrize(
    ("parts", "th", "en"),
    [
        (("", "1", "2568"), "กรุณากรอกวันที่", "enter the day"),
        (("5", "", "2568"), "กรุณากรอกเดือน", "enter the month"),
        (("5", "1", ""), "กรุณากรอกปี พ.ศ.", "enter the year"),
        (("  ", "1", "2568"), "กรุณากรอกวันที่", "enter the day"),
    ],
)
def test_an_empty_part_is_refused_naming_the_part(parts, th, en):
    error = _refusal(*parts)
    assert error.message_th == th
    assert en in error.message_en


@pytest.mark.parametrize(
    ("parts", "th"),
    [
        (("x", "1", "2568"), "วันที่ต้องเป็นตัวเลข"),
        (("5", "Jan", "2568"), "เดือนต้องเป็นตัวเลข"),
        (("5", "1", "๒๕๖x"), "ปี พ.ศ.ต้องเป็นตัวเลข"),
        (("-5", "1", "2568"), "วันที่ต้องเป็นตัวเลข"),
        (("\u0665", "1", "2568"), "วันที่ต้องเป็นตัวเลข"),  # Arabic-Indic digit
        (("0", "1", "2568"), "วันที่ต้องอยู่ระหว่าง 1 ถึง 31"),
        (("32", "1", "2568"), "วันที่ต้องอยู่ระหว่าง 1 ถึง 31"),
        (("5", "0", "2568"), "เดือนต้องอยู่ระหว่าง 1 ถึง 12"),
        (("5", "13", "2568"), "เดือนต้องอยู่ระหว่าง 1 ถึง 12"),
        (("5", "1", "25680"), "ปี พ.ศ. ต้องมี 4 หลัก"),
    ],
)
def test_bad_parts_are_refused_with_a_fix(parts, th):
    assert _refusal(*parts).message_th.startswith(th)


@given(fund_dates)
def test_parse_be_date_reads_back_any_formatted_date(d):
    assert parse_be_date(str(d.day), str(d.month), str(be_year(d))) == d


# --- parse_iso_or_be -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-05", date(2025, 1, 5)),
        ("2568-01-05", date(2025, 1, 5)),
        ("๒๕๖๘-๐๑-๐๕", date(2025, 1, 5)),
        (" 2025-1-5 ", date(2025, 1, 5)),
        ("2400-01-01", date(1857, 1, 1)),
        ("2399-01-01", date(2399, 1, 1)),
        ("2567-02-29", date(2024, 2, 29)),
    ],
)
def test_parse_iso_or_be(text, expected):
    assert parse_iso_or_be(text) == expected


@pytest.mark.parametrize(
    ("text", "th"),
    [
        ("", "รูปแบบวันที่ไม่ถูกต้อง"),
        ("05/01/2568", "รูปแบบวันที่ไม่ถูกต้อง"),
        ("2568-01-05T10:00", "รูปแบบวันที่ไม่ถูกต้อง"),
        ("68-01-05", "รูปแบบวันที่ไม่ถูกต้อง"),
        ("2568-13-01", "เดือนต้องอยู่ระหว่าง 1 ถึง 12"),
        ("2568-00-01", "เดือนต้องอยู่ระหว่าง 1 ถึง 12"),
        ("2568-01-32", "วันที่ต้องอยู่ระหว่าง 1 ถึง 31"),
        ("2568-02-29", "ไม่มีวันที่ 29"),
        ("2025-02-29", "ไม่มีวันที่ 29"),
        ("0000-01-01", "ปีไม่ถูกต้อง"),
    ],
)
def test_parse_iso_or_be_refuses_bad_dates(text, th):
    with pytest.raises(InvalidInput) as exc:
        parse_iso_or_be(text, field="paid_on")
    assert exc.value.message_th.startswith(th)
    assert exc.value.field == "paid_on"


@given(fund_dates.filter(lambda d: d.year < 2400))
def test_iso_gregorian_and_be_spellings_read_the_same(d):
    # From 2400 on a year is read as B.E., so Gregorian years that far ahead cannot be spelled.
    assert parse_iso_or_be(d.isoformat()) == d
    assert parse_iso_or_be(f"{be_year(d)}-{d.month:02d}-{d.day:02d}") == d


# --- fiscal year -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2025, 9, 30), 2568),
        (date(2025, 10, 1), 2569),
        (date(2026, 1, 1), 2569),
        (date(2026, 9, 30), 2569),
        (date(2026, 10, 1), 2570),
    ],
)
def test_thai_fiscal_year_starts_on_1_october(d, fy):
    assert fiscal_year(d) == fy


def test_fiscal_year_with_other_start_months():
    assert fiscal_year(date(2025, 3, 31), start_month=4) == 2568
    assert fiscal_year(date(2025, 4, 1), start_month=4) == 2569
    # A calendar-year fiscal year is named after that year.
    assert fiscal_year(date(2025, 1, 1), start_month=1) == 2568
    assert fiscal_year(date(2025, 12, 31), start_month=1) == 2568
    with pytest.raises(ValueError, match="start_month"):
        fiscal_year(date(2025, 1, 1), start_month=13)


def test_fiscal_year_bounds_of_2569():
    assert fiscal_year_bounds(2569) == (date(2025, 10, 1), date(2026, 9, 30))
    assert fiscal_year_bounds(2568, start_month=1) == (date(2025, 1, 1), date(2025, 12, 31))
    assert fiscal_year_bounds(2569, start_month=4) == (date(2025, 4, 1), date(2026, 3, 31))


def test_fiscal_year_bounds_refuses_gregorian_years():
    with pytest.raises(InvalidInput) as exc:
        fiscal_year_bounds(2026)
    assert "พ.ศ." in exc.value.message_th
    with pytest.raises(TypeError):
        fiscal_year_bounds("2569")  # type: ignore[arg-type]


@given(fund_dates.filter(lambda d: d.year < 8999), st.integers(min_value=1, max_value=12))
def test_every_date_lies_inside_its_fiscal_year_and_years_tile(d, start_month):
    fy = fiscal_year(d, start_month)
    first, last = fiscal_year_bounds(fy, start_month)
    assert first <= d <= last
    assert first.day == 1
    assert first.month == start_month
    # Consecutive fiscal years meet without gap or overlap.
    next_first, _ = fiscal_year_bounds(fy + 1, start_month)
    assert next_first == last + timedelta(days=1)
    assert fiscal_year(first, start_month) == fiscal_year(last, start_month) == fy
