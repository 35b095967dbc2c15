from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from fund.db import Base, UTCDateTime, str_enum


class Role(StrEnum):
    ADMIN = "admin"  #: users and settings
    COMMITTEE = "committee"  #: fund work: members, savings, loans, welfare
    REPAIR = "repair"  #: the repair center
    AUDITOR = "auditor"  #: reads everything financial, changes nothing


class User(Base):
    __tablename__ = "users"

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
