"""Gap-free counters (member numbers, receipt numbers per fiscal year).

The counter row is updated inside the caller's transaction, so a rolled-back action gives its
number back and two concurrent writers are serialised by the row (or SQLite's write) lock.
"""

from __future__ import annotations

from sqlalchemy import String, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from fund.append import flushed_connection
from fund.db import Base


class Counter(Base):
    __tablename__ = "counters"

    #: e.g. "member_no", "receipt:2569"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: the last number handed out
    last_value: Mapped[int] = mapped_column(default=0)


def next_value(session: Session, name: str) -> int:
    """Take the next number of counter ``name`` (starting at 1)."""
    taken = _increment(session, name)
    if taken is not None:
        return taken
    # First use: create the row without failing when a concurrent first use created it already.
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    flushed_connection(session).execute(
        insert(Counter.__table__)
        .values(name=name, last_value=0)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    taken = _increment(session, name)
    assert taken is not None  # the row exists now, created by us or by the concurrent writer
    return taken


def _increment(session: Session, name: str) -> int | None:
    return (
        flushed_connection(session)
        .execute(
            update(Counter.__table__)
            .where(Counter.name == name)
            .values(last_value=Counter.last_value + 1)
            .returning(Counter.last_value)
        )
        .scalar_one_or_none()
    )


def peek_value(session: Session, name: str) -> int:
    return session.scalar(select(Counter.last_value).where(Counter.name == name)) or 0
