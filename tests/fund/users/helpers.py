"""Setting up a second factor in tests, and the codes an authenticator app would show."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from fund.users import totp
from fund.users.models import User
from fund.users.second_factor import begin_enrolment, confirm_enrolment


def code_at(secret: str, at: dt.datetime, steps: int = 0) -> str:
    """The app's code at ``at`` (``steps`` 30-second steps later or earlier)."""
    return totp.totp(totp.secret_bytes(secret), at + dt.timedelta(seconds=30 * steps))


def enrol(session: Session, user: User, at: dt.datetime) -> tuple[str, list[str]]:
    """Turn on the user's second factor as of ``at`` (its step is then used); commit.

    Returns the secret and the recovery codes. Enrol a minute before the test's "now" so the
    current step's code is still unused.
    """
    enrolment = begin_enrolment(session, user=user, now=at)
    codes = confirm_enrolment(session, user=user, code=code_at(enrolment.secret, at), now=at)
    session.commit()
    return enrolment.secret, codes
