"""Security headers on every response, and logs that never hold secrets."""

from __future__ import annotations

import logging
import re

from flask import Response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if response.mimetype == "text/html":
        # Pages may show personal data: never keep them in shared caches or history.
        response.headers["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------------------------------------
# Logs never hold passwords, national IDs or session tokens.

_REDACTIONS: list[tuple[re.Pattern[str], str]] = [
    # Thai national IDs: 13 digits, bare or written 1-2345-67890-12-3 / with spaces.
    (re.compile(r"(?<![\d])\d[- ]?\d{4}[- ]?\d{5}[- ]?\d{2}[- ]?\d(?![\d])"), "[national-id]"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[a-z0-9._~+/=-]{8,}"), r"\1 [redacted]"),
    # key=value / "key": "value" pairs whose value is a secret.
    (
        re.compile(
            r"(?i)(\b(?:password|passwd|pwd|new_password|current_password|secret|token|"
            r"csrf_token|totp|otp|totp_code|api_key|authorization|chaeson_session|session)\b"
            r"[\"']?\s*[:=]\s*[\"']?)([^\s\"'&,;)}]+)"
        ),
        r"\1[redacted]",
    ),
    (re.compile(r"\$argon2(id|i|d)\$[^\s\"',)]+"), "[password-hash]"),
    # Passwords inside database URLs: scheme://user:password@host
    (re.compile(r"(\w+://[^:/\s@]+:)([^@\s]+)(@)"), r"\1[redacted]\3"),
]


def redact(text: str) -> str:
    """``text`` with national IDs, passwords, tokens and password hashes blanked out."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (and traceback text) through :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


def _redact_record(record: logging.LogRecord) -> None:
    if getattr(record, "_chaeson_redacted", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep the raw text, redacted
        message = str(record.msg)
    record.msg = redact(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record._chaeson_redacted = True


_installed = False


def install_log_redaction() -> None:
    """Redact every log record of the process, whichever logger or handler it goes to.

    Done in the record factory (records are built redacted) and, for records made before this
    ran or by code that builds records itself, as a filter on the root logger's handlers.
    """
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _redact_record(record)
        return record

    logging.setLogRecordFactory(factory)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    _installed = True
