from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from fund.db import Base, UTCDateTime


class AuditEntry(Base):
    """One action. Rows are never updated or deleted (database triggers refuse it)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    #: the user who acted; None for the system itself (e.g. a migration or the demo loader)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: dotted verb, e.g. "member.create", "journal.reverse", "sensitive.view"
    action: Mapped[str] = mapped_column(String(64))
    #: kind of record acted on, e.g. "member", "journal_entry"
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int | None] = mapped_column(index=True)
    #: what changed (old/new values) — never passwords, national IDs or tokens
    details: Mapped[dict | None] = mapped_column(JSON)
    #: "web" or "cli"
    channel: Mapped[str] = mapped_column(String(16), default="web")
