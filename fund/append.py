"""Write new rows of append-only tables (journal, receipts, audit) with one INSERT each.

Those rows are never changed once written (database triggers refuse it), so the change tracking
the ORM's unit of work sets up for them is pure cost — most of a posting's time on a meeting day.
``insert_now`` sends one INSERT … RETURNING id for a list of new objects of one class and attaches
them to the session as if just loaded: callers use them as usual, and nothing is flushed twice.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import bindparam, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from fund.db import Base

T = TypeVar("T", bound=Base)


@dataclass(frozen=True)
class _Plan:
    """What inserting rows of one class needs, worked out once: the statements are built once
    too, so SQLAlchemy finds them in its compiled cache without rebuilding their keys."""

    pk_key: str
    #: (attribute, column, scalar default or None)
    columns: tuple[tuple[str, str, Any], ...]
    insert: Any
    by_match: dict[str, Any]


@functools.cache
def _plan(cls: type) -> _Plan:
    mapper = inspect(cls)
    (pk,) = mapper.primary_key
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if (column.default is not None and not column.default.is_scalar) or (
            column.server_default is not None
        ):
            # The ORM would run these and read the result back; this path does neither.
            raise TypeError(
                f"insert_now can't write {cls.__name__}.{prop.key}: not a plain default"
            )
    columns = tuple(
        (
            prop.key,
            prop.columns[0].key,
            prop.columns[0].default.arg
            if prop.columns[0].default is not None and prop.columns[0].default.is_scalar
            else None,
        )
        for prop in mapper.column_attrs
        if prop.columns[0] is not pk
    )
    table = mapper.local_table
    by_match = {
        column: table.insert().returning(pk, table.c[column]) for _attr, column, _d in columns
    }
    return _Plan(
        pk_key=mapper.get_property_by_column(pk).key,
        columns=columns,
        insert=table.insert().returning(pk, sort_by_parameter_order=True),
        by_match=by_match,
    )


def insert_now(session: Session, objects: Sequence[T], *, match: str | None = None) -> Sequence[T]:
    """INSERT these new objects (all of one class, no relationships set) in the session's
    transaction and give them their ids. Objects waiting in the session are flushed first, so
    rows they refer to exist. ``match`` names a column whose values tell the objects apart: the
    rows then go in one multi-row INSERT and come back matched by it, not by position."""
    if not objects:
        return objects
    cls = type(objects[0])
    plan = _plan(cls)
    rows = []
    for obj in objects:
        if type(obj) is not cls:
            raise TypeError("insert_now takes objects of one class")
        state = obj.__dict__
        row = {}
        for attr, column, default in plan.columns:
            if attr not in state:
                # set before the identity is made, so reading it later costs no query
                state[attr] = default
            row[column] = state[attr]
        rows.append(row)
    if match is not None and len({row[match] for row in rows}) != len(rows):
        raise ValueError(f"insert_now: the values of {match!r} must tell the rows apart")
    connection = flushed_connection(session)
    if match is None:
        ids = connection.execute(plan.insert, rows).scalars().all()
    else:
        by_value = {
            value: new_id for new_id, value in connection.execute(plan.by_match[match], rows)
        }
        ids = [by_value[row[match]] for row in rows]
    identity_map = session.identity_map
    for obj, new_id in zip(objects, ids, strict=True):
        setattr(obj, plan.pk_key, new_id)
        make_transient_to_detached(obj)
        stale = identity_map.get(inspect(obj).key)
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


@functools.cache
def _update_statement(cls: type, keys: tuple[str, ...]):
    mapper = inspect(cls)
    (pk,) = mapper.primary_key
    return (
        mapper.local_table.update()
        .where(pk == bindparam("_pk"))
        .values({mapper.attrs[key].columns[0].key: bindparam(f"_v_{key}") for key in keys})
    )


def update_now(session: Session, obj: Base, **values) -> None:
    """UPDATE columns of one attached row by its id now, and record them as loaded: for a row
    written by ``insert_now`` that gets its links once the rows it points to exist."""
    cls = type(obj)
    statement = _update_statement(cls, tuple(sorted(values)))
    parameters = {f"_v_{key}": value for key, value in values.items()}
    parameters["_pk"] = getattr(obj, _plan(cls).pk_key)
    flushed_connection(session).execute(statement, parameters)
    for key, value in values.items():
        set_committed_value(obj, key, value)
