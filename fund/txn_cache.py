"""Values read once per batch of postings (the closed-through date, fund settings).

A meeting day posts hundreds of entries in one transaction, and each asked the database again
for values nothing in that transaction changes. Inside ``batch(session)`` such reads are kept;
outside it every read goes to the database, as before. Kept values are dropped when the
transaction ends or any part of it rolls back, and whenever a flush writes a watched row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

_KEY = "txn_cache"
#: model classes whose rows, once written, make every kept value suspect
_WATCHED: set[type] = set()


def watch(model: type) -> None:
    """Drop kept values whenever a flush writes a row of ``model``."""
    _WATCHED.add(model)


@contextmanager
def batch(session: Session) -> Iterator[None]:
    """Keep values read through ``cached`` until the block ends."""
    outer = _KEY in session.info
    session.info.setdefault(_KEY, {})
    try:
        yield
    finally:
        if not outer:
            session.info.pop(_KEY, None)


def cached(session: Session, name: str, load: Callable[[], Any]) -> Any:
    cache = session.info.get(_KEY)
    if cache is None:
        return load()
    if name not in cache:
        cache[name] = load()
    return cache[name]


def remember(session: Session, name: str, value: Any) -> None:
    cache = session.info.get(_KEY)
    if cache is not None:
        cache[name] = value


def recall(session: Session, name: str, default: Any = None) -> Any:
    return session.info.get(_KEY, {}).get(name, default)


def forget(session: Session) -> None:
    cache = session.info.get(_KEY)
    if cache:
        cache.clear()


@event.listens_for(Session, "after_transaction_end")
def _forget_at_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        forget(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    forget(session)


@event.listens_for(Session, "after_flush")
def _forget_on_write(session: Session, flush_context) -> None:
    if session.info.get(_KEY):
        for obj in (*session.new, *session.dirty, *session.deleted):
            if type(obj) in _WATCHED:
                forget(session)
                return
