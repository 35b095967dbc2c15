"""Buddhist-era (พ.ศ.) dates: show them, read them, and place them in the fiscal year.

The fund stores ISO (Gregorian) dates and shows B.E. dates everywhere a person reads one.
Babel formats Thai dates in the Gregorian calendar, so the formatting is done here from the
month names below (the same names Babel's Thai locale uses).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

from fund.errors import InvalidInput
from fund.money import normalise_digits

#: พ.ศ. = ค.ศ. + 543
BE_OFFSET = 543
#: A B.E. year is at least this; anything lower typed into a B.E. field is a Gregorian year
#: or a typo.
MIN_BE_YEAR = 2400
#: The last B.E. year Python's date can hold (ค.ศ. 9999).
MAX_BE_YEAR = date.max.year + BE_OFFSET

MONTHS_TH = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
MONTHS_TH_ABBR = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)

_DATE_STYLES = ("short", "long", "tight")
_ISO_LIKE = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})")
_DIGITS = re.compile(r"[0-9]+")

# Month names typed or chosen in a form, read back to their numbers.
_MONTH_BY_NAME = {name: i for i, name in enumerate(MONTHS_TH, start=1)} | {
    name: i for i, name in enumerate(MONTHS_TH_ABBR, start=1)
}


def be_year(d: date) -> int:
    """The Buddhist-era year of a date (2025 -> 2568)."""
    return d.year + BE_OFFSET


def month_name(month: int, *, abbreviated: bool = False) -> str:
    """Thai name of month 1 to 12: "มกราคม", or "ม.ค." when abbreviated."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1 to 12, not {month}")
    return (MONTHS_TH_ABBR if abbreviated else MONTHS_TH)[month - 1]


def format_be_date(d: date, style: str = "short") -> str:
    """A date as Thai people read it.

    ``short``: "5 ม.ค. 2568"; ``long``: "5 มกราคม 2568"; ``tight``: "5 ม.ค. 68" (tables, where
    space is short).
    """
    if style not in _DATE_STYLES:
        raise ValueError(f"style must be one of {_DATE_STYLES}, not {style!r}")
    year = be_year(d)
    if style == "long":
        return f"{d.day} {month_name(d.month)} {year}"
    if style == "tight":
        return f"{d.day} {month_name(d.month, abbreviated=True)} {year % 100:02d}"
    return f"{d.day} {month_name(d.month, abbreviated=True)} {year}"


def format_be_datetime(dt: datetime, style: str = "short") -> str:
    """A date and time, e.g. "5 ม.ค. 2568 14:05 น." (24-hour clock, "น." for นาฬิกา).

    Shows the clock time as given: the caller converts to Thai time (Asia/Bangkok) first,
    because the domain does not know which zone a stored timestamp should be read in.
    """
    if not isinstance(dt, datetime):
        # A plain date would print a made-up "00:00".
        raise TypeError(f"format_be_datetime() takes datetime, not {type(dt).__name__}")
    return f"{format_be_date(dt, style)} {dt:%H:%M} น."


def parse_be_date(day: str, month: str, year: str, *, field: str | None = None) -> date:
    """Read a date typed as three fields: day, month (number or Thai name), B.E. year.

    Thai digits are accepted. Refuses, each with its own fix-it message: an empty part, a part
    that is not a number, a day or month out of range, a year below 2400 (a Gregorian year typed
    into a B.E. field), and a date that does not exist (31 February).
    """
    d = _parse_part(day, field, "วันที่", "day", "5")
    m = _parse_month(month, field)
    y = _parse_be_year(year, field)
    if not 1 <= d <= 31:
        raise InvalidInput(
            "วันที่ต้องอยู่ระหว่าง 1 ถึง 31",
            "The day must be between 1 and 31.",
            field=field,
        )
    return _make_date(y - BE_OFFSET, m, d, field)


def _parse_part(text: str, field: str | None, name_th: str, name_en: str, example: str) -> int:
    value = normalise_digits(text)
    if not value:
        raise InvalidInput(
            f"กรุณากรอก{name_th}",
            f"Please enter the {name_en}.",
            field=field,
        )
    if not _DIGITS.fullmatch(value):
        raise InvalidInput(
            f"{name_th}ต้องเป็นตัวเลข เช่น {example}",
            f"The {name_en} must be a number, e.g. {example}.",
            field=field,
        )
    return int(value)


def _parse_month(text: str, field: str | None) -> int:
    named = _MONTH_BY_NAME.get(normalise_digits(text))
    if named is not None:
        return named
    month = _parse_part(text, field, "เดือน", "month", "1")
    if not 1 <= month <= 12:
        raise InvalidInput(
            "เดือนต้องอยู่ระหว่าง 1 ถึง 12",
            "The month must be between 1 and 12.",
            field=field,
        )
    return month


def _parse_be_year(text: str, field: str | None) -> int:
    year = _parse_part(text, field, "ปี พ.ศ.", "year (B.E.)", "2568")
    if year < MIN_BE_YEAR:
        # Most often a Gregorian year: say which B.E. year it would be so the fix is obvious.
        hint_th = hint_en = ""
        if 1800 <= year < MIN_BE_YEAR:
            hint_th = f" (ปี ค.ศ. {year} คือ พ.ศ. {year + BE_OFFSET})"
            hint_en = f" (the year {year} A.D. is B.E. {year + BE_OFFSET})"
        raise InvalidInput(
            f"กรุณากรอกปี พ.ศ. เช่น 2568{hint_th}",
            f"Please enter the year in the Buddhist era (B.E.), e.g. 2568{hint_en}.",
            field=field,
        )
    if year > MAX_BE_YEAR:
        raise InvalidInput(
            "ปี พ.ศ. ต้องมี 4 หลัก เช่น 2568",
            "The B.E. year must have 4 digits, e.g. 2568.",
            field=field,
        )
    return year


def _make_date(year: int, month: int, day: int, field: str | None) -> date:
    days_in_month = calendar.monthrange(year, month)[1]
    if day > days_in_month:
        raise InvalidInput(
            f"ไม่มีวันที่ {day} {month_name(month)} {year + BE_OFFSET} "
            f"(เดือนนี้มี {days_in_month} วัน) กรุณาตรวจวันที่อีกครั้ง",
            f"{calendar.month_name[month]} {year + BE_OFFSET} B.E. has no day {day} "
            f"(it has {days_in_month} days). Please check the date.",
            field=field,
        )
    return date(year, month, day)


def parse_iso_or_be(text: str, *, field: str | None = None) -> date:
    """Read ``YYYY-MM-DD`` from an import file; a year of 2400 or more is taken as B.E.

    Spreadsheets kept by hand in Thailand mix the two calendars, and no Gregorian year the fund
    deals with is anywhere near 2400, so the year itself tells which one was meant.
    """
    value = normalise_digits(text)
    match = _ISO_LIKE.fullmatch(value)
    if match is None:
        raise InvalidInput(
            f"รูปแบบวันที่ไม่ถูกต้อง: {value!r} ต้องเป็น ปปปป-ดด-วว เช่น 2568-01-05",
            f"Invalid date {value!r}: use YYYY-MM-DD, e.g. 2025-01-05 or 2568-01-05.",
            field=field,
        )
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    if year >= MIN_BE_YEAR:
        year -= BE_OFFSET
    if not 1 <= month <= 12:
        raise InvalidInput(
            f"เดือนต้องอยู่ระหว่าง 1 ถึง 12 (ได้ {month}) ในวันที่ {value}",
            f"The month must be between 1 and 12 (got {month}) in {value}.",
            field=field,
        )
    if not 1 <= day <= 31:
        raise InvalidInput(
            f"วันที่ต้องอยู่ระหว่าง 1 ถึง 31 (ได้ {day}) ในวันที่ {value}",
            f"The day must be between 1 and 31 (got {day}) in {value}.",
            field=field,
        )
    if year < 1:
        raise InvalidInput(
            f"ปีไม่ถูกต้องในวันที่ {value}",
            f"Invalid year in {value}.",
            field=field,
        )
    return _make_date(year, month, day, field)


def fiscal_year(d: date, start_month: int = 10) -> int:
    """The B.E. fiscal year a date falls in (named after the year it ends in).

    Thai government: 1 October to 30 September, so 1 Oct 2025 to 30 Sep 2026 is ปีงบประมาณ 2569.
    """
    _check_start_month(start_month)
    ends_in = d.year + 1 if start_month > 1 and d.month >= start_month else d.year
    return ends_in + BE_OFFSET


def fiscal_year_bounds(be_fy: int, start_month: int = 10) -> tuple[date, date]:
    """First and last day (inclusive) of a B.E. fiscal year: 2569 -> (2025-10-01, 2026-09-30)."""
    _check_start_month(start_month)
    if isinstance(be_fy, bool) or not isinstance(be_fy, int):
        raise TypeError(f"be_fy must be an int B.E. year, not {type(be_fy).__name__}")
    if not MIN_BE_YEAR <= be_fy <= MAX_BE_YEAR:
        raise InvalidInput(
            "กรุณากรอกปีงบประมาณเป็นปี พ.ศ. เช่น 2569",
            "Please give the fiscal year as a B.E. year, e.g. 2569.",
        )
    ends_in = be_fy - BE_OFFSET
    if start_month == 1:
        return date(ends_in, 1, 1), date(ends_in, 12, 31)
    first = date(ends_in - 1, start_month, 1)
    last = date(ends_in, start_month, 1) - timedelta(days=1)
    return first, last


def _check_start_month(start_month: int) -> None:
    # A configuration value, not user input: a wrong one is a programming error.
    if not 1 <= start_month <= 12:
        raise ValueError(f"start_month must be 1 to 12, not {start_month}")
