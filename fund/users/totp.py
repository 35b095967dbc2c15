"""Time-based one-time passwords (RFC 6238 over RFC 4226), as authenticator apps make them.

Plain functions over bytes and integers, no clock of their own: the caller passes the time.
The parameters are the ones every authenticator app (Google Authenticator, Microsoft
Authenticator, FreeOTP, Aegis, …) uses by default: HMAC-SHA1, 6 digits, 30-second steps.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import re
import secrets
from urllib.parse import quote, urlencode

from fund.money import normalise_digits

DIGITS = 6
STEP_SECONDS = 30
#: steps either side of now that are still accepted (phone clocks drift; typing takes time)
WINDOW = 1
#: 160-bit secrets, the length RFC 4226 section 4 recommends for HMAC-SHA1
SECRET_BYTES = 20
ISSUER = "Chaeson"

_DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}
_CODE = re.compile(r"[0-9]{6}")
#: what people type between digits: spaces (also non-breaking and Thai-keyboard ones), dashes
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


def new_secret() -> str:
    """A fresh random secret in base32 (A–Z, 2–7) without padding, 32 characters."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def secret_bytes(secret: str) -> bytes:
    """The key bytes of a base32 secret (case, spaces and missing padding forgiven)."""
    cleaned = re.sub(r"\s+", "", secret).upper()
    cleaned += "=" * (-len(cleaned) % 8)
    try:
        return base64.b32decode(cleaned)
    except (binascii.Error, ValueError) as err:
        raise ValueError("not a base32 secret") from err


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226: HMAC the 8-byte counter, dynamically truncate, keep the last ``digits``."""
    mac = hmac.new(key, counter.to_bytes(8, "big"), _DIGESTS[digest]).digest()
    offset = mac[-1] & 0x0F
    number = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def time_step(at: dt.datetime, *, step: int = STEP_SECONDS) -> int:
    """The RFC 6238 counter T: whole ``step``-second periods since the Unix epoch."""
    if at.tzinfo is None:
        raise ValueError("naive datetime given; pass an aware UTC datetime")
    return int(at.timestamp()) // step


def totp(
    key: bytes,
    at: dt.datetime,
    *,
    digits: int = DIGITS,
    step: int = STEP_SECONDS,
    digest: str = "sha1",
) -> str:
    """The code an authenticator shows at ``at``."""
    return hotp(key, time_step(at, step=step), digits=digits, digest=digest)


def normalise_code(text: str) -> str:
    """What was typed, with Thai digits made ASCII and spaces/dashes between digits removed."""
    return _SEPARATORS.sub("", normalise_digits(text or ""))


def is_code_shaped(text: str) -> bool:
    """Exactly six ASCII digits after normalising (``[0-9]``, not ``\\d``: see THAI.md)."""
    return _CODE.fullmatch(normalise_code(text)) is not None


def matching_step(secret: str, code: str, at: dt.datetime, *, window: int = WINDOW) -> int | None:
    """The time step within ``window`` steps of ``at`` whose code is ``code``, else None.

    Every candidate is compared in constant time, and all of them always are, so the time taken
    tells nothing about which step (if any) matched.
    """
    typed = normalise_code(code)
    if _CODE.fullmatch(typed) is None:
        return None
    key = secret_bytes(secret)
    now_step = time_step(at)
    found = None
    for candidate in range(now_step - window, now_step + window + 1):
        if hmac.compare_digest(hotp(key, candidate), typed) and found is None:
            found = candidate
    return found


def provisioning_uri(secret: str, *, account: str, issuer: str = ISSUER) -> str:
    """The ``otpauth://`` URI a QR code carries (the Key Uri Format the apps read)."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


def group_secret(secret: str, size: int = 4) -> list[str]:
    """The secret in groups of four, easier to type into a phone and to hear read aloud."""
    return [secret[i : i + size] for i in range(0, len(secret), size)]
