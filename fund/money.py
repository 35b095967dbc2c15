"""Money at the edges: parse what people type, convert Decimal <-> satang, show baht.

Everything inside the fund holds money as integer satang (1 baht = 100 satang). ``Decimal`` is
only for the edges (forms, display, interest arithmetic) and this module is the one place that
converts between the two, so the rules about decimal places and rounding live here only.

Thai digits (๐-๙) are accepted and normalised at the boundary. Validation uses ``[0-9]`` rather
than ``\\d``, ``int()`` or ``str.isdigit()``, because all of those also accept digits from other
scripts and would let them slip past as numbers.
"""

from __future__ import annotations

import re
from decimal import Decimal

from fund.errors import InvalidInput

SATANG_PER_BAHT = 100

#: 1,000 million baht. No member transaction comes near this; anything above is a typo
#: (an extra zero or two) that must not reach the ledger.
DEFAULT_MAX_SATANG = 100_000_000_000

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# A plain number, or one grouped by thousands ("1,234,567"); an optional fraction.
# The integer part may be left out before a fraction (".50"), which people do type. The pattern
# would match "", but empty input is refused before it gets here.
_PLAIN = re.compile(r"(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]+))?")
_GROUPED = re.compile(r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+)(?:\.(?P<frac>[0-9]+))?")
_NUMBERISH = re.compile(r"[0-9.,]+")
_EXPONENT = re.compile(r"[0-9.,]*[eE][+-]?[0-9]+")
_NOT_A_NUMBER_WORDS = {"nan", "snan", "inf", "infinity"}
# ASCII hyphen-minus and the Unicode minus sign, which word processors substitute.
_MINUS_SIGNS = ("-", "\u2212")

# Decimal amounts beyond 10**30 baht are refused outright, so 10**exponent stays computable.
_MAX_DECIMAL_DIGITS = 30


def normalise_digits(text: str) -> str:
    """Turn Thai digits ๐-๙ into ASCII 0-9 and strip surrounding whitespace."""
    if not isinstance(text, str):
        raise TypeError(f"normalise_digits() takes str, not {type(text).__name__}")
    return text.translate(_THAI_DIGITS).strip()


def parse_baht(
    text: str | Decimal | int,
    *,
    allow_zero: bool = False,
    max_satang: int = DEFAULT_MAX_SATANG,
) -> int:
    """Read an amount of baht and return it as integer satang.

    ``text`` is what a person typed ("1,234.50", "๑๐๐ บาท", "฿ 20"), or a ``Decimal``/``int``
    amount in baht. Refuses with ``InvalidInput`` anything that is not a positive amount with at
    most two decimal places and at most ``max_satang``; zero only when ``allow_zero``.

    ``float`` (and ``bool``) raise ``TypeError``: a float has already lost exactness, so it is a
    programming error to hand one over, not something a person could fix.
    """
    if isinstance(text, bool) or not isinstance(text, str | Decimal | int):
        raise TypeError(f"parse_baht() takes str, Decimal or int, not {type(text).__name__}")
    if isinstance(text, str):
        satang = _parse_baht_text(text, max_satang)
    elif isinstance(text, Decimal):
        if text.is_finite() and not text.is_signed() and text.adjusted() >= len(str(max_satang)):
            # Certainly above the limit; say so with the limit rather than a generic message.
            raise _too_large(max_satang)
        satang = decimal_to_satang(text)
    else:
        satang = text * SATANG_PER_BAHT
    return _check_amount(satang, allow_zero=allow_zero, max_satang=max_satang)


def _parse_baht_text(raw: str, max_satang: int) -> int:
    """Parse typed text into satang (may be zero or negative; limits are checked later)."""
    text = _strip_currency(normalise_digits(raw))
    if not text:
        raise InvalidInput(
            "กรุณากรอกจำนวนเงิน เช่น 1,234.50",
            "Please enter an amount, e.g. 1,234.50.",
        )
    if text.startswith(_MINUS_SIGNS):
        raise InvalidInput(
            "จำนวนเงินติดลบไม่ได้ กรุณากรอกจำนวนเงินโดยไม่มีเครื่องหมายลบ",
            "The amount cannot be negative. Enter it without a minus sign.",
        )
    if text.lstrip("+").casefold() in _NOT_A_NUMBER_WORDS:
        raise InvalidInput(
            "จำนวนเงินต้องเป็นตัวเลข เช่น 1,234.50",
            "The amount must be a number, e.g. 1,234.50 (not NaN or Infinity).",
        )
    if _EXPONENT.fullmatch(text):
        # Spreadsheets export large numbers as "1e5"; a person reading the ledger cannot.
        raise InvalidInput(
            "ไม่รับตัวเลขแบบเลขยกกำลัง (เช่น 1e5) กรุณาพิมพ์ตัวเลขเต็ม เช่น 100000",
            "Exponent notation such as 1e5 is not accepted. Type the full number, e.g. 100000.",
        )
    match = _GROUPED.fullmatch(text) if "," in text else _PLAIN.fullmatch(text)
    if match is None:
        raise _malformed_number(text)
    return _satang_from_parts(match["int"].replace(",", ""), match["frac"], max_satang)


def _malformed_number(text: str) -> InvalidInput:
    # Only digits, commas and one point, yet no match: the commas are what is wrong.
    if "," in text and _NUMBERISH.fullmatch(text) and text.count(".") <= 1:
        return InvalidInput(
            "ใส่เครื่องหมายจุลภาคไม่ถูกต้อง ต้องคั่นทุก 3 หลัก เช่น 1,234,567.50 หรือไม่ใส่เลยก็ได้",
            "The commas are misplaced: put one every 3 digits, e.g. 1,234,567.50, "
            "or leave them out.",
        )
    return InvalidInput(
        "จำนวนเงินต้องเป็นตัวเลขเท่านั้น เช่น 1,234.50",
        "Enter the amount in digits, e.g. 1,234.50 (digits, thousands commas and one "
        "decimal point only).",
    )


def _strip_currency(text: str) -> str:
    """Drop an optional leading ฿ and trailing บาท, which people copy from receipts."""
    if text.startswith("฿"):
        text = text[1:].lstrip()
    if text.endswith("บาท"):
        text = text[: -len("บาท")].rstrip()
    return text


def _satang_from_parts(integer: str, fraction: str | None, max_satang: int) -> int:
    fraction = fraction or ""
    if len(fraction) > 2:
        # Judged on what was typed, not on value: "1.500" is refused too, because in many
        # places the dot groups thousands and the person may have meant one thousand five hundred.
        raise InvalidInput(
            "มีทศนิยมเกิน 2 ตำแหน่ง กรุณากรอกไม่เกิน 2 ตำแหน่ง (ถึงหลักสตางค์) เช่น 1,234.50",
            "More than 2 decimal places: give at most 2 (down to the satang), e.g. 1,234.50.",
        )
    integer = integer.lstrip("0")
    # More baht digits than max_satang has satang digits is certainly too large. Checking the
    # length first keeps a pasted wall of digits away from int(), which refuses >4300 of them.
    if len(integer) > len(str(max_satang)):
        raise _too_large(max_satang)
    return int(integer or "0") * SATANG_PER_BAHT + int(fraction.ljust(2, "0"))


def _check_amount(satang: int, *, allow_zero: bool, max_satang: int) -> int:
    if satang < 0:
        raise InvalidInput(
            "จำนวนเงินติดลบไม่ได้ กรุณากรอกจำนวนที่มากกว่าศูนย์",
            "The amount cannot be negative. Enter an amount above zero.",
        )
    if satang == 0 and not allow_zero:
        raise InvalidInput(
            "จำนวนเงินต้องมากกว่าศูนย์",
            "The amount must be more than zero.",
        )
    if satang > max_satang:
        raise _too_large(max_satang)
    return satang


def _too_large(max_satang: int) -> InvalidInput:
    limit = format_baht(max_satang)
    return InvalidInput(
        f"จำนวนเงินสูงเกินไป (ไม่เกิน {limit}) กรุณาตรวจดูว่าพิมพ์เลขศูนย์เกินหรือไม่",
        f"The amount is too large (the limit is {limit}). Check for extra zeros.",
    )


def decimal_to_satang(value: Decimal) -> int:
    """Convert a Decimal amount of baht to satang exactly; refuse more than two decimal places.

    Judged on value, so ``Decimal("1.500")`` is 150 satang while ``Decimal("1.505")`` is refused.
    Works on the digit tuple with integer arithmetic, so no Decimal context can round it.
    """
    if not isinstance(value, Decimal):
        raise TypeError(f"decimal_to_satang() takes Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise InvalidInput(
            "จำนวนเงินต้องเป็นตัวเลข",
            "The amount must be a number (not NaN or Infinity).",
        )
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite, checked above
    if value.adjusted() > _MAX_DECIMAL_DIGITS:
        # Only to keep 10**exponent computable ("1E+999999999"); parse_baht applies the real limit.
        raise InvalidInput(
            "จำนวนเงินสูงเกินกว่าที่ระบบรองรับ กรุณาตรวจดูว่าพิมพ์เลขศูนย์เกินหรือไม่",
            "The amount is larger than the system can hold. Check for extra zeros.",
        )
    coefficient = int("".join(map(str, digits)))
    shift = exponent + 2  # baht -> satang
    if shift >= 0:
        satang = coefficient * 10**shift
    else:
        satang, remainder = divmod(coefficient, 10**-shift)
        if remainder:
            raise InvalidInput(
                "มีทศนิยมเกิน 2 ตำแหน่ง กรุณากรอกไม่เกิน 2 ตำแหน่ง (ถึงหลักสตางค์)",
                "More than 2 decimal places: give at most 2 (down to the satang).",
            )
    return -satang if sign else satang


def satang_to_decimal(satang: int) -> Decimal:
    """Integer satang as a Decimal amount of baht with exactly two places (150 -> 1.50)."""
    if isinstance(satang, bool) or not isinstance(satang, int):
        raise TypeError(f"satang_to_decimal() takes int, not {type(satang).__name__}")
    # Built from the digit tuple so no context precision can round a very large amount.
    digits = tuple(int(ch) for ch in str(abs(satang)))
    return Decimal((1 if satang < 0 else 0, digits, -2))


def round_half_up_satang(value: Decimal) -> int:
    """Round a Decimal amount of baht to whole satang: THE rounding rule for interest.

    Half a satang rounds away from zero (0.005 -> 1 satang, -0.005 -> -1), the rule people
    learn at school and the one ``decimal.ROUND_HALF_UP`` implements. Not banker's rounding,
    which members could not check by hand. Integer arithmetic on the digits, so exact at any size.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        # float especially: it would already be inexact before we round it.
        raise TypeError(f"round_half_up_satang() takes Decimal, not {type(value).__name__}")
    if isinstance(value, int):
        return value * SATANG_PER_BAHT
    if not value.is_finite():
        raise InvalidInput("จำนวนเงินต้องเป็นตัวเลข", "The amount must be a number.")
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    coefficient = int("".join(map(str, digits)))
    shift = exponent + 2
    if shift >= 0:
        satang = coefficient * 10**shift
    else:
        divisor = 10**-shift
        satang, remainder = divmod(coefficient, divisor)
        if 2 * remainder >= divisor:
            satang += 1
    return -satang if sign else satang


def format_baht(satang: int, *, symbol: bool = True) -> str:
    """Show satang as baht: ``฿1,234.50``, ``-฿1,234.50``; ``1,234.50`` without the symbol."""
    if isinstance(satang, bool) or not isinstance(satang, int):
        raise TypeError(f"format_baht() takes int satang, not {type(satang).__name__}")
    baht, rest = divmod(abs(satang), SATANG_PER_BAHT)
    sign = "-" if satang < 0 else ""
    return f"{sign}{'฿' if symbol else ''}{baht:,}.{rest:02d}"


# --- Baht in words -------------------------------------------------------------------------
# Written here over Decimal because the PyPI packages get "หนึ่งสตางค์" wrong or go through
# float (see THAI.md).

_DIGIT_WORDS = ("", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
_PLACE_WORDS = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")
_MILLION = 1_000_000


def bahttext(amount: Decimal | int) -> str:
    """Read an amount of baht in Thai words, as written on receipts.

    ``int`` means whole baht. ``Decimal`` may have at most two decimal places. Negative amounts
    get the prefix "ลบ".
    """
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise TypeError(f"bahttext() takes Decimal or int, not {type(amount).__name__}")
    satang = amount * SATANG_PER_BAHT if isinstance(amount, int) else decimal_to_satang(amount)
    return satang_bahttext(satang)


def satang_bahttext(satang: int) -> str:
    """``bahttext`` for an amount held in integer satang (as the database holds it)."""
    if isinstance(satang, bool) or not isinstance(satang, int):
        raise TypeError(f"satang_bahttext() takes int, not {type(satang).__name__}")
    if satang < 0:
        return "ลบ" + satang_bahttext(-satang)
    baht, rest = divmod(satang, SATANG_PER_BAHT)
    if baht == 0 and rest == 0:
        return "ศูนย์บาทถ้วน"
    words = _number_words(baht) + "บาท" if baht else ""
    # Satang are read as their own number: 1 satang is "หนึ่งสตางค์", never "เอ็ดสตางค์".
    return words + (_number_words(rest) + "สตางค์" if rest else "ถ้วน")


def _number_words(n: int, *, has_higher: bool = False) -> str:
    """Words for a positive integer, one six-digit group per "ล้าน"."""
    if n >= _MILLION:
        high, low = divmod(n, _MILLION)
        return _number_words(high, has_higher=has_higher) + "ล้าน" + _group_words(low, True)
    return _group_words(n, has_higher)


def _group_words(n: int, has_higher: bool) -> str:
    """Words for 0 <= n < 1,000,000.

    ``has_higher`` says whether digits stand to the left of this group (a higher group), since
    a final 1 is "เอ็ด" in any number of two or more digits (101, 1,000,001) but a lone 1 is
    "หนึ่ง".
    """
    words = []
    for place in range(len(_PLACE_WORDS) - 1, -1, -1):
        digit = n // 10**place % 10
        if digit == 0:
            continue
        if place == 1:
            words.append({1: "สิบ", 2: "ยี่สิบ"}.get(digit, _DIGIT_WORDS[digit] + "สิบ"))
        elif place == 0 and digit == 1 and (n > 9 or has_higher):
            words.append("เอ็ด")
        else:
            words.append(_DIGIT_WORDS[digit] + _PLACE_WORDS[place])
    return "".join(words)
