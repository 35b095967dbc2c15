"""Creating users, checking passwords, and server-side sessions with idle expiry."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fund.audit.services import record_audit
from fund.errors import Conflict, InvalidInput
from fund.users.models import LoginAttempt, Role, User, UserSession

_hasher = PasswordHasher()
# Verified against for unknown usernames, so timing does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_ADDRESS = 20
THROTTLE_WINDOW = dt.timedelta(minutes=15)
IDLE_TIMEOUT = dt.timedelta(minutes=30)
ABSOLUTE_TIMEOUT = dt.timedelta(hours=12)
TOUCH_INTERVAL = dt.timedelta(minutes=1)


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Swap the Argon2 parameters (tests use cheap ones; production keeps the library defaults)."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


_COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of the 10,000 most common passwords (lower-case)."""
    lines = _COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _is_common(password: str) -> bool:
    lowered = password.lower()
    common = common_passwords()
    if lowered in common:
        return True
    # "password2568!" is "password" with a year and a symbol: no harder to guess.
    stem = lowered.rstrip("0123456789!@#$%^&*()-_=+.?,;: ")
    if len(stem) >= 4 and stem in common:
        return True
    # "dragondragon" and "1234512345": a common word repeated.
    for size in range(1, len(lowered) // 2 + 1):
        if len(lowered) % size == 0 and lowered[:size] * (len(lowered) // size) == lowered:
            return lowered[:size] in common or size < 4
    return False


def check_password_rules(password: str, *, username: str | None = None) -> None:
    """At least 10 characters, not a common or easily guessed password, not the username."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSWORD_LENGTH} ตัวอักษร",
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.",
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"รหัสผ่านต้องยาวไม่เกิน {MAX_PASSWORD_LENGTH} ตัวอักษร",
            f"The password must be at most {MAX_PASSWORD_LENGTH} characters long.",
            field="password",
        )
    if len(set(password)) < 4:
        raise InvalidInput(
            "รหัสผ่านเดาง่ายเกินไป กรุณาใช้ตัวอักษรที่หลากหลายกว่านี้",
            "The password is too easy to guess; use more varied characters.",
            field="password",
        )
    lowered = password.lower()
    if _is_common(password) or (
        username and len(username) >= 3 and username.strip().lower() in lowered
    ):
        raise InvalidInput(
            "รหัสผ่านนี้อยู่ในรายการรหัสผ่านที่ใช้กันมากหรือเดาได้ง่าย (เช่น มีชื่อผู้ใช้อยู่ด้วย) "
            "กรุณาตั้งใหม่ เช่น ใช้หลายคำต่อกันที่คนอื่นเดาไม่ได้",
            "This password is common or easy to guess (for example it contains the username); "
            "choose another, such as several unrelated words together.",
            field="password",
        )


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    now: dt.datetime,
    created_by: User | None = None,
) -> User:
    """Create a login. Usernames are unique (case-insensitive) and passwords follow the rules."""
    username = username.strip().lower()
    if not username or not username.replace("_", "").replace("-", "").isascii():
        raise InvalidInput(
            "ชื่อผู้ใช้ต้องเป็นตัวอักษรภาษาอังกฤษหรือตัวเลข",
            "The username must be ASCII letters or digits.",
            field="username",
        )
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(
            f"มีผู้ใช้ชื่อ {username} อยู่แล้ว",
            f"A user named {username} already exists.",
            field="username",
        )
    check_password_rules(password, username=username)
    user = User(
        username=username,
        display_name=display_name or username,
        role=Role(role),
        password_hash=hash_password(password),
        is_active=True,
        session_generation=1,
        created_at=now,
    )
    session.add(user)
    session.flush()
    record_audit(
        session,
        actor=created_by,
        action="user.create",
        entity="user",
        entity_id=user.id,
        details={"username": username, "role": str(role)},
        at=now,
    )
    return user


def is_throttled(session: Session, *, username: str, address: str, now: dt.datetime) -> bool:
    since = now - THROTTLE_WINDOW
    by_name = session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.username == username.strip().lower())
        .where(LoginAttempt.attempted_at >= since)
    )
    by_address = session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.address == address)
        .where(LoginAttempt.attempted_at >= since)
    )
    return by_name >= MAX_FAILURES_PER_USERNAME or by_address >= MAX_FAILURES_PER_ADDRESS


@dataclass(frozen=True)
class PasswordCheck:
    """What Argon2 said about one login attempt, worked out before the login's write transaction."""

    username: str
    user_id: int | None
    #: the hash the password was checked against; if it has changed since, check again
    password_hash: str | None
    matches: bool
    #: the password hashed with the current parameters, when the stored hash needs an upgrade
    new_hash: str | None = None


def check_password(session: Session, *, username: str, password: str) -> PasswordCheck:
    """Run Argon2 for a login attempt, writing nothing.

    Argon2 is slow on purpose (about half a second). Run in a read transaction before the login's
    write transaction, it no longer holds up everyone else's postings, which on SQLite wait for
    that transaction. :func:`authenticate` trusts the result only while the user's password hash
    is still the one checked here. An unknown username is checked against a dummy hash, so the
    time taken does not tell which names exist.
    """
    username = username.strip().lower()
    return _check(username, session.scalar(select(User).where(User.username == username)), password)


def _check(username: str, user: User | None, password: str) -> PasswordCheck:
    stored = user.password_hash if user else None
    try:
        _hasher.verify(stored or _DUMMY_HASH, password)
        matches = user is not None
    except (VerificationError, InvalidHashError):
        matches = False
    new_hash = hash_password(password) if matches and _hasher.check_needs_rehash(stored) else None
    return PasswordCheck(username, user.id if user else None, stored, matches, new_hash)


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    address: str,
    now: dt.datetime,
    checked: PasswordCheck | None = None,
) -> User | None:
    """Return the user when the password is right, else record a failed attempt and return None.

    The caller must check :func:`is_throttled` first; a throttled login is refused without even
    checking the password, so guessing gains nothing. ``checked`` is :func:`check_password`'s
    answer from before this transaction: used when the user and their password hash are still
    the same (else the password is checked again here); whether the user is active is always
    read in this transaction.
    """
    username = username.strip().lower()
    user = session.scalar(select(User).where(User.username == username))
    current = (username, user.id, user.password_hash) if user else (username, None, None)
    if checked is None or (checked.username, checked.user_id, checked.password_hash) != current:
        checked = _check(username, user, password)
    ok = checked.matches and user is not None and user.is_active
    if not ok:
        session.add(LoginAttempt(username=username[:64], address=address[:64], attempted_at=now))
        session.flush()
        return None
    if checked.new_hash is not None:
        user.password_hash = checked.new_hash
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, *, user: User, now: dt.datetime) -> str:
    """Open a server-side session and return the secret token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            generation=user.session_generation,
            created_at=now,
            last_seen_at=now,
        )
    )
    session.flush()
    return token


@dataclass(frozen=True)
class LiveSession:
    """A session that is still valid, and when it will end if nothing more happens."""

    user: User
    #: when the idle timeout ends it (a conservative estimate: touches are once a minute)
    idle_ends_at: dt.datetime
    #: when the absolute timeout ends it, whatever the user does
    absolute_ends_at: dt.datetime

    @property
    def ends_at(self) -> dt.datetime:
        return min(self.idle_ends_at, self.absolute_ends_at)

    @property
    def limit(self) -> str:
        """Which timeout comes first: "idle" (can be extended) or "absolute" (log in again)."""
        return "idle" if self.idle_ends_at < self.absolute_ends_at else "absolute"


def live_session(
    session: Session, *, token: str, now: dt.datetime, touch: bool = True
) -> LiveSession | None:
    """The live session of ``token`` (touching its idle clock unless ``touch`` is False);
    None when revoked, expired, or the user was disabled or changed password."""
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active or row.generation != user.session_generation:
        return None
    if now - row.last_seen_at > IDLE_TIMEOUT or now - row.created_at > ABSOLUTE_TIMEOUT:
        row.revoked_at = now
        return None
    # Touch at most once a minute so reading pages does not write on every request.
    if touch and now - row.last_seen_at > TOUCH_INTERVAL:
        row.last_seen_at = now
    return LiveSession(
        user=user,
        idle_ends_at=row.last_seen_at + IDLE_TIMEOUT,
        absolute_ends_at=row.created_at + ABSOLUTE_TIMEOUT,
    )


def resume_session(session: Session, *, token: str, now: dt.datetime) -> User | None:
    """The user of a live session, touching its idle clock; None when revoked or expired."""
    live = live_session(session, token=token, now=now)
    return live.user if live else None


def extend_session(session: Session, *, token: str, now: dt.datetime) -> LiveSession | None:
    """Restart the idle clock now (the "stay signed in" button); the absolute limit stays."""
    live = live_session(session, token=token, now=now, touch=False)
    if live is None:
        return None
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    row.last_seen_at = now
    return LiveSession(
        user=live.user, idle_ends_at=now + IDLE_TIMEOUT, absolute_ends_at=live.absolute_ends_at
    )


def end_session(session: Session, *, token: str, now: dt.datetime) -> None:
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = now


def change_password(
    session: Session, *, user: User, new_password: str, now: dt.datetime, changed_by: User
) -> None:
    """Set a new password and end every session the user has open."""
    check_password_rules(new_password, username=user.username)
    user.password_hash = hash_password(new_password)
    user.session_generation += 1
    record_audit(
        session, actor=changed_by, action="user.password", entity="user", entity_id=user.id, at=now
    )


def set_active(
    session: Session, *, user: User, active: bool, now: dt.datetime, changed_by: User
) -> None:
    user.is_active = active
    if not active:
        user.session_generation += 1
    record_audit(
        session,
        actor=changed_by,
        action="user.enable" if active else "user.disable",
        entity="user",
        entity_id=user.id,
        at=now,
    )
