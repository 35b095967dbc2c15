"""Thai national ID numbers (เลขประจำตัวประชาชน): read, check, show, and mask.

Thirteen digits, the last a check digit over the first twelve. People type them with dashes,
spaces or Thai digits; everything inside the fund holds the 13 ASCII digits only.

IDs are strings, never ints: the IDs of people without Thai registration status begin with 0,
which an int would silently drop.
"""

from __future__ import annotations

import re

from fund.errors import InvalidInput
from fund.money import normalise_digits

NATIONAL_ID_LENGTH = 13

#: Shown next to an ID that starts with 0. It is valid (python-stdnum wrongly rejects it), but
#: staff should know the member is stateless, as that changes which welfare they can claim.
STATELESS_NOTICE_TH = (
    "เลขประจำตัวที่ขึ้นต้นด้วย 0 เป็นของผู้ที่ไม่มีสถานะทางทะเบียน ระบบรับไว้ กรุณาตรวจสอบสิทธิสวัสดิการของสมาชิกท่านนี้"
)
STATELESS_NOTICE_EN = (
    "An ID starting with 0 belongs to a person without Thai registration status. It has been "
    "accepted; please check which welfare this member is entitled to."
)

# Separators people type or paste: spaces (any kind), hyphen-minus and the Unicode dashes that
# word processors and PDFs substitute for it.
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]+")
_ASCII_DIGITS = re.compile(r"[0-9]+")
_NOT_ASCII_DIGIT = re.compile(r"[^0-9]")


def check_digit(first12: str) -> int:
    """The check digit for the first twelve digits: (11 - sum(d_i * (14 - i)) mod 11) mod 10."""
    if not isinstance(first12, str) or len(first12) != 12 or not _ASCII_DIGITS.fullmatch(first12):
        raise ValueError("check_digit() takes exactly 12 ASCII digits")
    total = sum(int(digit) * (13 - i) for i, digit in enumerate(first12))
    return (11 - total % 11) % 10


def normalise_national_id(text: str, *, field: str | None = None) -> str:
    """Return the 13 ASCII digits of a typed ID, or refuse saying exactly what is wrong.

    Accepts dashes, spaces and Thai digits. Refuses an empty value, any character that is not a
    digit, the wrong number of digits (saying how many were given), and a wrong check digit.
    """
    if not isinstance(text, str):
        raise TypeError(f"normalise_national_id() takes str, not {type(text).__name__}")
    digits = _SEPARATORS.sub("", normalise_digits(text))
    if not digits:
        raise InvalidInput(
            "กรุณากรอกเลขประจำตัวประชาชน 13 หลัก",
            "Please enter the 13-digit national ID number.",
            field=field,
        )
    stray = _NOT_ASCII_DIGIT.search(digits)
    if stray:
        raise InvalidInput(
            f"เลขประจำตัวประชาชนต้องเป็นตัวเลขเท่านั้น (พบ {stray.group()!r}) "
            "กรุณากรอกเฉพาะตัวเลข 13 หลัก จะมีขีดหรือเว้นวรรคก็ได้",
            f"The national ID may contain only digits (found {stray.group()!r}). "
            "Enter the 13 digits; dashes and spaces are fine.",
            field=field,
        )
    if len(digits) != NATIONAL_ID_LENGTH:
        raise InvalidInput(
            f"เลขประจำตัวประชาชนต้องมี 13 หลัก แต่กรอกมา {len(digits)} หลัก กรุณาตรวจดูว่าขาดหรือเกินหลักใด",
            f"The national ID must have 13 digits, but {len(digits)} were given. "
            "Check for a missing or extra digit.",
            field=field,
        )
    if check_digit(digits[:12]) != int(digits[12]):
        # Deliberately not saying which digit would be right: the mistake is as likely to be
        # a swapped pair earlier in the number as the last digit itself.
        raise InvalidInput(
            "เลขประจำตัวประชาชนไม่ถูกต้อง (เลขตรวจสอบหลักสุดท้ายไม่ตรง) "
            "กรุณาเทียบกับบัตรอีกครั้ง อาจพิมพ์ผิดหรือสลับตัวเลข",
            "This national ID is not valid (the check digit does not match). "
            "Compare it with the card again: a digit may be mistyped or two swapped.",
            field=field,
        )
    return digits


def is_valid_national_id(text: object) -> bool:
    """Whether ``text`` reads as a valid national ID (any non-string is simply not one)."""
    if not isinstance(text, str):
        return False
    try:
        normalise_national_id(text)
    except InvalidInput:
        return False
    return True


def is_stateless_id(nid: str) -> bool:
    """Whether a (valid) ID starts with 0: accepted, but callers show ``STATELESS_NOTICE_*``."""
    return normalise_national_id(nid)[0] == "0"


def format_national_id(nid: str) -> str:
    """Show an ID the way the card prints it: ``X-XXXX-XXXXX-XX-X``."""
    d = normalise_national_id(nid)
    return f"{d[0]}-{d[1:5]}-{d[5:10]}-{d[10:12]}-{d[12]}"


def mask_national_id(nid: str) -> str:
    """Hide all but the last three digits (``x-xxxx-xxxxx-63-5``) for roles that may not see it.

    Three digits are enough for staff to tell two members apart at the counter, and too few to
    misuse the number.
    """
    d = normalise_national_id(nid)
    return f"x-xxxx-xxxxx-{d[10:12]}-{d[12]}"
