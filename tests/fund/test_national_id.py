"""fund.members.national_id: reading, checking, showing and masking Thai national IDs."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fund.errors import InvalidInput
from fund.members.national_id import (
    STATELESS_NOTICE_EN,
    STATELESS_NOTICE_TH,
    check_digit,
    format_national_id,
    is_stateless_id,
    is_valid_national_id,
    mask_national_id,
    normalise_national_id,
)

VALID = ["3100600445635", "1234545678781", "1101700203450", "1234567890121", "5500100000017"]
INVALID = ["1234545678789", "1101700203451", "3100600445653", "310060044563"]

twelve_digits = st.text(alphabet="0123456789", min_size=12, max_size=12)


def _with_check_digit(first12: str) -> str:
    return first12 + str(check_digit(first12))


@pytest.mark.parametrize("nid", VALID)
def test_known_valid_ids(nid):
    assert is_valid_national_id(nid)
    assert normalise_national_id(nid) == nid
    assert check_digit(nid[:12]) == int(nid[12])


@pytest.mark.parametrize("nid", INVALID)
def test_known_invalid_ids(nid):
    assert not is_valid_national_id(nid)
    with pytest.raises(InvalidInput):
        normalise_national_id(nid)


@pytest.mark.parametrize(
    "typed",
    [
        "3-1006-00445-63-5",
        "3 1006 00445 63 5",
        " 3100600445635 ",
        "๓๑๐๐๖๐๐๔๔๕๖๓๕",
        "๓-๑๐๐๖-๐๐๔๔๕-๖๓-๕",
        "3\u20131006\u201300445\u201363\u20135",  # en dashes, as pasted from a document
        "3\u00a01006\u00a000445\u00a063\u00a05",  # no-break spaces
    ],
)
def test_dashes_spaces_and_thai_digits_are_accepted(typed):
    assert normalise_national_id(typed) == "3100600445635"


def _refusal(typed) -> InvalidInput:
    with pytest.raises(InvalidInput) as exc:
        normalise_national_id(typed, field="national_id")
    assert exc.value.field == "national_id"
    return exc.value


@pytest.mark.parametrize(
    ("typed", "given_count"),
    [("310060044563", 12), ("31006004456355", 14), ("1", 1), ("3-1006-00445-63", 12)],
)
def test_wrong_length_says_how_many_digits_were_given(typed, given_count):
    error = _refusal(typed)
    assert f"แต่กรอกมา {given_count} หลัก" in error.message_th
    assert f"but {given_count} were given" in error.message_en


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("310060044563x", "x"),
        ("3100600445.635", "."),
        ("3/1006/00445/63/5", "/"),
        ("31006004456\uff135", "\uff13"),  # full-width digit three
        ("310060044563\u0665", "\u0665"),  # Arabic-Indic digit: \d would accept it
    ],
)
def test_non_digits_are_refused_naming_the_character(typed, found):
    error = _refusal(typed)
    assert "ตัวเลขเท่านั้น" in error.message_th
    assert repr(found) in error.message_th
    assert "only digits" in error.message_en


@pytest.mark.parametrize("typed", ["", "   ", "- -"])
def test_empty_id_is_refused(typed):
    assert _refusal(typed).message_th == "กรุณากรอกเลขประจำตัวประชาชน 13 หลัก"


@pytest.mark.parametrize("typed", ["1234545678789", "1101700203451", "3100600445653"])
def test_bad_check_digit_is_refused_as_such(typed):
    error = _refusal(typed)
    assert "เลขตรวจสอบ" in error.message_th
    assert "check digit" in error.message_en


@pytest.mark.parametrize("value", [3100600445635, None, b"3100600445635"])
def test_non_strings_are_a_programming_error(value):
    # An int would already have lost a stateless ID's leading 0.
    with pytest.raises(TypeError):
        normalise_national_id(value)
    assert not is_valid_national_id(value)


@pytest.mark.parametrize(
    "bad", ["12345678901", "1234567890123", "12345678901x", "๑๒๓๔๕๖๗๘๙๐๑๒", 12]
)
def test_check_digit_takes_exactly_twelve_ascii_digits(bad):
    with pytest.raises(ValueError, match="12 ASCII digits"):
        check_digit(bad)


def test_check_digit_formula():
    # 3·13 + 1·12 + 0·11 + 0·10 + 6·9 + 0·8 + 0·7 + 4·6 + 4·5 + 5·4 + 6·3 + 3·2 = 193;
    # 193 mod 11 = 6; (11 - 6) mod 10 = 5.
    assert check_digit("310060044563") == 5
    # A sum that is 0 or 1 mod 11 gives 11 or 10, which wrap to 1 and 0.
    assert check_digit("000000000000") == 1


def test_stateless_ids_start_with_zero_and_are_accepted():
    nid = _with_check_digit("012345678901")
    assert is_valid_national_id(nid)
    assert is_stateless_id(nid)
    assert is_stateless_id(format_national_id(nid))
    assert not is_stateless_id("3100600445635")
    assert "0" in STATELESS_NOTICE_TH
    assert "0" in STATELESS_NOTICE_EN


def test_format_and_mask():
    assert format_national_id("3100600445635") == "3-1006-00445-63-5"
    assert format_national_id("๓ ๑๐๐๖ ๐๐๔๔๕ ๖๓ ๕") == "3-1006-00445-63-5"
    assert mask_national_id("3100600445635") == "x-xxxx-xxxxx-63-5"
    assert mask_national_id("3-1006-00445-63-5") == "x-xxxx-xxxxx-63-5"


def test_format_and_mask_refuse_invalid_ids():
    with pytest.raises(InvalidInput):
        format_national_id("3100600445653")
    with pytest.raises(InvalidInput):
        mask_national_id("310060044563")


@given(twelve_digits)
def test_the_check_digit_makes_any_twelve_digits_valid(first12):
    nid = _with_check_digit(first12)
    assert is_valid_national_id(nid)
    assert normalise_national_id(format_national_id(nid)) == nid
    assert is_stateless_id(nid) == (first12[0] == "0")


def _residue(first12: str) -> int:
    return sum(int(d) * (13 - i) for i, d in enumerate(first12)) % 11


@given(twelve_digits, st.integers(min_value=1, max_value=9))
def test_changing_the_check_digit_invalidates(first12, delta):
    nid = _with_check_digit(first12)
    assert not is_valid_national_id(nid[:12] + str((int(nid[12]) + delta) % 10))


@given(twelve_digits, st.integers(min_value=0, max_value=11), st.integers(min_value=1, max_value=9))
def test_changing_one_digit_invalidates_except_the_schemes_known_blind_spots(
    first12, position, delta
):
    nid = _with_check_digit(first12)
    changed = str((int(nid[position]) + delta) % 10)
    tampered = nid[:position] + changed + nid[position + 1 :]
    # The scheme itself cannot see two things, so neither can we: the third digit has weight 11
    # (≡ 0 mod 11), and sums ≡ 0 and ≡ 10 mod 11 both give check digit 1.
    assume(13 - position != 11)
    assume({_residue(nid[:12]), _residue(tampered[:12])} != {0, 10})
    assert not is_valid_national_id(tampered)


@given(twelve_digits, st.integers(min_value=0, max_value=12))
def test_the_third_digit_is_a_known_blind_spot(first12, delta):
    # Documented so nobody relies on the check digit to catch a typo there.
    nid = _with_check_digit(first12)
    tampered = nid[:2] + str((int(nid[2]) + delta) % 10) + nid[3:]
    assert is_valid_national_id(tampered)


@given(twelve_digits, st.integers(min_value=0, max_value=10))
def test_swapping_two_different_neighbours_invalidates(first12, position):
    nid = _with_check_digit(first12)
    assume(nid[position] != nid[position + 1])
    swapped = nid[:position] + nid[position + 1] + nid[position] + nid[position + 2 :]
    assume({_residue(nid[:12]), _residue(swapped[:12])} != {0, 10})
    assert not is_valid_national_id(swapped)


@given(twelve_digits)
def test_masking_shows_only_the_last_three_digits(first12):
    nid = _with_check_digit(first12)
    masked = mask_national_id(nid)
    assert masked.endswith(f"{nid[10:12]}-{nid[12]}")
    assert sum(ch.isdigit() for ch in masked) == 3
    assert len(masked) == len(format_national_id(nid))
