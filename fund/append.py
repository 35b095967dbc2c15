"""Write new rows of append-only tables (journal, receipts, audit) with one INSERT each.

Those rows are never changed once written (database triggers refuse it), so the change tracking
the ORM's unit of work sets up for them is pure cost — most of a posting's time on a meeting day.
``insert_now`` sends one INSERT … RETURNING id for a list of new objects of one class and attaches
them to the session as if just loaded: callers use them as usual, and nothing is flushed twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, make_transient_to_detached

from fund.db import Base

T = TypeVar("T", bound=Base)


def insert_now(session: Session, objects: Sequence[T], *, match: str | None = None) -> Sequence[T]:
    """INSERT these new objects (all of one class, no relationships set) in the session's
    transaction and give them their ids. Objects waiting in the session are flushed first, so
    rows they refer to exist. ``match`` names a column whose values tell the objects apart: the
    rows then go in one multi-row INSERT and come back matched by it, not by position."""
    if not objects:
        return objects
    mapper = inspect(type(objects[0]))
    (pk,) = mapper.primary_key
    columns = [prop for prop in mapper.column_attrs if prop.columns[0] is not pk]
    rows = []
    for obj in objects:
        if type(obj) is not mapper.class_:
            raise TypeError("insert_now takes objects of one class")
        state = obj.__dict__
        row = {}
        for prop in columns:
            column = prop.columns[0]
            if prop.key in state:
                value = state[prop.key]
            elif column.default is not None and column.default.is_scalar:
                value = column.default.arg
                # set before the identity is made, so reading it later costs no query
                state[prop.key] = value
            else:
                value = state[prop.key] = None
            row[column.key] = value
        rows.append(row)
    table = mapper.local_table
    if match is None:
        statement = table.insert().returning(pk, sort_by_parameter_order=True)
        ids = flushed_connection(session).execute(statement, rows).scalars().all()
    else:
        by_value = dict(
            (value, new_id)
            for new_id, value in flushed_connection(session).execute(
                table.insert().values(rows).returning(pk, table.c[match])
            )
        )
        ids = [by_value[row[match]] for row in rows]
    for obj, new_id in zip(objects, ids, strict=True):
        setattr(obj, mapper.get_property_by_column(pk).key, new_id)
        make_transient_to_detached(obj)
        stale = session.identity_map.get(inspect(obj).key)
        if stale is not None:
            # a row of a rolled-back savepoint had this id; the database just gave it to us
            session.expunge(stale)
        session.add(obj)
    return objects


def flushed_connection(session: Session) -> Connection:
    """The session's connection for a plain SQL statement, after writing what waits in the
    session (as the ORM's autoflush would before a query), without the ORM's per-query cost."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection()
