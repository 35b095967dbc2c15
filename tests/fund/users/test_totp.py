"""RFC 4226 / RFC 6238 one-time passwords: the published test vectors, the window, the input."""

from __future__ import annotations

import base64
import datetime as dt
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from fund.users import totp

# RFC 6238 appendix B: the seeds are ASCII "1234567890" repeated to the hash's block size.
SEED_SHA1 = b"12345678901234567890"
SEED_SHA256 = (b"1234567890" * 4)[:32]
SEED_SHA512 = (b"1234567890" * 7)[:64]

RFC6238_VECTORS = [
    # (Unix time, SHA-1, SHA-256, SHA-512), 8 digits, 30-second steps
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]

# RFC 4226 appendix D: HOTP of the same SHA-1 seed, counters 0..9, 6 digits.
RFC4226_VECTORS = [
    "755224",
    "287082",
    "359152",
    "969429",
    "338314",
    "254676",
    "287922",
    "162583",
    "399871",
    "520489",
]

SECRET = base64.b32encode(SEED_SHA1).decode()  # GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
AT = dt.datetime.fromtimestamp(1111111111, dt.UTC)


def _at(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


@pytest.mark.parametrize(("unix", "sha1", "sha256", "sha512"), RFC6238_VECTORS)
def test_rfc6238_vectors(unix, sha1, sha256, sha512):
    at = _at(unix)
    assert totp.totp(SEED_SHA1, at, digits=8) == sha1
    assert totp.totp(SEED_SHA256, at, digits=8, digest="sha256") == sha256
    assert totp.totp(SEED_SHA512, at, digits=8, digest="sha512") == sha512


@pytest.mark.parametrize(("counter", "expected"), list(enumerate(RFC4226_VECTORS)))
def test_rfc4226_hotp_vectors(counter, expected):
    assert totp.hotp(SEED_SHA1, counter) == expected


def test_the_six_digit_code_is_the_last_six_of_the_eight_digit_one():
    # What the apps show: the same truncation, modulo 10**6.
    assert totp.totp(SEED_SHA1, AT) == "050471"
    assert totp.matching_step(SECRET, "050471", AT) == 1111111111 // 30


def test_a_code_is_accepted_one_step_either_side_and_no_further():
    step = totp.time_step(AT)
    for offset, accepted in [(-2, False), (-1, True), (0, True), (1, True), (2, False)]:
        code = totp.hotp(SEED_SHA1, step + offset)
        found = totp.matching_step(SECRET, code, AT)
        assert (found == step + offset) is accepted, offset


def test_the_step_boundary_is_every_thirty_seconds():
    assert totp.time_step(_at(59)) == 1
    assert totp.time_step(_at(60)) == 2
    assert totp.time_step(_at(89)) == 2


@pytest.mark.parametrize(
    "typed",
    [
        "050471",
        "050 471",
        " 050-471 ",
        "๐๕๐๔๗๑",  # Thai digits
        "๐๕๐ ๔๗๑",
        "050\u00a0471",  # a non-breaking space pasted from a chat app
    ],
)
def test_thai_digits_spaces_and_dashes_are_forgiven(typed):
    assert totp.is_code_shaped(typed)
    assert totp.matching_step(SECRET, typed, AT) == totp.time_step(AT)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "05047",  # short
        "0504711",  # long
        "O5O471",  # letter O for zero
        "٠٥٠٤٧١",  # Arabic-Indic digits: \d would take them, [0-9] does not
        "05047１",  # a full-width digit
        "050.471",
    ],
)
def test_malformed_codes_are_refused_without_matching(typed):
    assert not totp.is_code_shaped(typed)
    assert totp.matching_step(SECRET, typed, AT) is None


def test_a_wrong_code_matches_no_step():
    right = totp.totp(SEED_SHA1, AT)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    assert totp.matching_step(SECRET, wrong, AT) is None


def test_new_secrets_are_160_bit_base32_and_differ():
    secrets = {totp.new_secret() for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert len(secret) == 32
        assert set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        assert len(totp.secret_bytes(secret)) == 20


def test_a_secret_typed_with_spaces_and_lower_case_decodes_the_same():
    grouped = " ".join(totp.group_secret(SECRET)).lower()
    assert totp.secret_bytes(grouped) == SEED_SHA1
    assert totp.group_secret(SECRET) == ["GEZD", "GNBV", "GY3T", "QOJQ"] * 2
    with pytest.raises(ValueError, match="base32"):
        totp.secret_bytes("not base32 at all!")


def test_the_provisioning_uri_is_what_authenticator_apps_read():
    uri = totp.provisioning_uri(SECRET, account="somchai")
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    assert unquote(parts.path) == "/Chaeson:somchai"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {
        "secret": SECRET,
        "issuer": "Chaeson",
        "algorithm": "SHA1",
        "digits": "6",
        "period": "30",
    }


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="naive"):
        totp.time_step(dt.datetime(2025, 1, 1))
