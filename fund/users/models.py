from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fund.db import Base, UTCDateTime, str_enum


class Role(StrEnum):
    ADMIN = "admin"  #: users and settings
    COMMITTEE = "committee"  #: fund work: members, savings, loans, welfare
    REPAIR = "repair"  #: the repair center
    AUDITOR = "auditor"  #: reads everything financial, changes nothing


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "(totp_secret IS NULL AND totp_enabled_at IS NULL) OR "
            "(totp_secret IS NOT NULL AND totp_enabled_at IS NOT NULL)",
            name="totp_enabled_has_secret",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: login name, lower-case
    username: Mapped[str] = mapped_column(String(64), unique=True)
    #: name shown on receipts and in the audit log
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    #: Argon2id hash, never the password
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    #: bumped on password change or disabling: every older session stops working
    session_generation: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    #: the authenticator app's TOTP secret, AES-GCM encrypted with the data key; NULL: two-step off
    totp_secret: Mapped[str | None] = mapped_column(String(120))
    #: when the second factor was switched on (NULL while it is off)
    totp_enabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: the last 30-second time step whose code was accepted: no code is accepted twice
    totp_last_step: Mapped[int | None]
    #: a new secret shown on the enrolment page, waiting for its first code (encrypted)
    totp_pending_secret: Mapped[str | None] = mapped_column(String(120))

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None


class UserSession(Base):
    """A server-side login session; the cookie only carries its random token."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the random token in the cookie (a stolen database yields no live tokens)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: the user's session_generation when this session began
    generation: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    #: set at logout; a revoked session never works again
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class LoginAttempt(Base):
    """Failed logins, counted per username and per address to slow down guessing."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    attempted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class RecoveryCode(Base):
    """A one-time code that stands in for the authenticator app (a lost or broken phone)."""

    __tablename__ = "user_recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: (the unique constraint's leading column indexes it)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: HMAC-SHA256 of the code under the data key; the code itself is shown once, never stored
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    #: when it was used; a used code never works again
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class LoginChallenge(Base):
    """A login half done: the password was right and the second factor is still due.

    The cookie carries only a random token for it; it opens nothing but the code page, ends after
    a few minutes, and is used once. The real session starts only when the code is right.
    """

    __tablename__ = "login_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the random token in the cookie
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: the user's session_generation at the password step (a password change voids it)
    generation: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    #: when the second factor completed it (or a newer login replaced it)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
