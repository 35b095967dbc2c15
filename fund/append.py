"""Write a posting's new rows (journal, receipts, audit, savings) with one INSERT each.

Those rows are never changed once written, or only to link them once (database triggers refuse
changes to the journal), so the change tracking the ORM's unit of work sets up for them is pure
cost — most of a posting's time on a meeting day. ``insert_now`` sends one INSERT … RETURNING id
for a list of new objects of one class and attaches them to the session as if just loaded:
callers use them as usual, and nothing is flushed twice.

A posting undoes a half-done part in a savepoint of its own; inside ``all_or_nothing`` (a
meeting day's sheet, itself in one savepoint) the whole batch is undone instead, and the
per-posting savepoints — a third of a posting's time on PostgreSQL — are left out.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import bindparam, inspect
from sqlalchemy.dialects import postgresql, sqlite
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
        rows.append(_row(obj, plan))
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
    for obj, new_id in zip(objects, ids, strict=True):
        _attach(session, obj, plan, new_id)
    return objects


def _row(obj: Base, plan: _Plan) -> dict[str, Any]:
    state = obj.__dict__
    row = {}
    for attr, column, default in plan.columns:
        if attr not in state:
            # set before the identity is made, so reading it later costs no query
            state[attr] = default
        row[column] = state[attr]
    return row


def _attach(session: Session, obj: Base, plan: _Plan, new_id: int) -> None:
    setattr(obj, plan.pk_key, new_id)
    make_transient_to_detached(obj)
    stale = session.identity_map.get(inspect(obj).key)
    if stale is not None:
        # a row of a rolled-back savepoint had this id; the database just gave it to us
        session.expunge(stale)
    session.add(obj)


@functools.cache
def _insert_unless_taken_statement(cls: type, unique: str, dialect: str):
    mapper = inspect(cls)
    (pk,) = mapper.primary_key
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(mapper.local_table)
        .on_conflict_do_nothing(index_elements=[mapper.local_table.c[unique]])
        .returning(pk)
    )


def insert_unless_taken(session: Session, obj: Base, *, unique: str) -> bool:
    """INSERT one new object unless a row already holds its value of the ``unique`` column
    (then nothing is written and False comes back, without an error that would spoil the
    transaction). On PostgreSQL a row of a transaction still running makes this wait for it."""
    cls = type(obj)
    plan = _plan(cls)
    row = _row(obj, plan)
    connection = flushed_connection(session)
    statement = _insert_unless_taken_statement(cls, unique, connection.dialect.name)
    new_id = connection.execute(statement, row).scalar_one_or_none()
    if new_id is None:
        return False
    _attach(session, obj, plan, new_id)
    return True


class _NoSavepoint:
    """Stands in for a savepoint inside ``all_or_nothing``."""

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass


_ALL_OR_NOTHING = "all_or_nothing"


@contextmanager
def all_or_nothing(session: Session) -> Iterator[None]:
    """Postings inside need no savepoint of their own: the caller runs the block in one
    savepoint or transaction and undoes all of it on any error."""
    depth = session.info.get(_ALL_OR_NOTHING, 0)
    session.info[_ALL_OR_NOTHING] = depth + 1
    try:
        yield
    finally:
        if depth:
            session.info[_ALL_OR_NOTHING] = depth
        else:
            session.info.pop(_ALL_OR_NOTHING, None)


def savepoint_for_one(session: Session):
    """A savepoint around one posting (close it with commit or rollback), or a stand-in inside
    ``all_or_nothing``."""
    if session.info.get(_ALL_OR_NOTHING):
        return _NoSavepoint()
    return session.begin_nested()


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
