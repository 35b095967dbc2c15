"""Moving the fund from SQLite to PostgreSQL: copy every table, then prove nothing was lost.

The target is migrated to the same schema revision by Alembic (so it has the same constraints and
append-only triggers), then filled in one transaction: triggers are switched off for the copy
(``session_replication_role = replica``, or per table when the account may not set it), rows go in
in dependency order, id sequences are moved past the copied ids, and the row counts and money
totals are compared with the source *before* the transaction commits. Anything off: nothing stays.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Integer, Table, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from fund.db import Base
from fund.errors import Conflict, InvalidInput
from web.db import make_engine
from web.ops.checks import CheckOutcome, run_checks
from web.ops.facts import DatabaseFacts, current_revision, read_facts, user_tables

BATCH = 1000


@dataclass
class CopyReport:
    revision: str
    counts: dict[str, int]
    checks: list[CheckOutcome] = field(default_factory=list)

    @property
    def checks_ok(self) -> bool:
        return all(c.ok for c in self.checks)


def _tables() -> list[Table]:
    import web.model_registry  # noqa: F401  (every table on Base.metadata)

    return list(Base.metadata.sorted_tables)


def _disable_triggers(conn: Connection, tables: list[Table]) -> Callable[[], None]:
    """Switch triggers off for this transaction; returns how to switch them back on."""
    savepoint = conn.begin_nested()
    try:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        savepoint.commit()
        return lambda: None
    except DBAPIError:
        savepoint.rollback()
    # Not a superuser: the tables' owner may still switch off its own (user) triggers.
    quote = conn.dialect.identifier_preparer.quote
    for table in tables:
        conn.execute(text(f"ALTER TABLE {quote(table.name)} DISABLE TRIGGER USER"))

    def enable() -> None:
        for table in tables:
            conn.execute(text(f"ALTER TABLE {quote(table.name)} ENABLE TRIGGER USER"))

    return enable


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    quote = conn.dialect.identifier_preparer.quote
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, Integer) or column.autoincrement is False:
                continue
            sequence = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"),
                {"t": table.name, "c": column.name},
            ).scalar()
            if sequence is None:
                continue
            conn.execute(
                text(
                    f"SELECT setval(CAST(:s AS regclass), "  # noqa: S608  (names from the schema)
                    f"COALESCE(MAX({quote(column.name)}), 0) + 1, false) FROM {quote(table.name)}"
                ),
                {"s": sequence},
            )


@functools.cache
def _freshly_migrated_counts() -> dict[str, int]:
    """What the migrations alone put in a new database (seeded accounts and the like)."""
    from web.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="chaeson-fresh-") as scratch:
        url = f"sqlite:///{Path(scratch) / 'fresh.db'}"
        upgrade(url)
        engine = make_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as conn:
                return read_facts(conn).counts
        finally:
            engine.dispose()


def copy_database(
    source_url: str,
    target_url: str,
    *,
    confirmed: bool = False,
    progress: Callable[[str], None] = lambda _m: None,
) -> CopyReport:
    """Copy every row of ``source_url`` into the PostgreSQL database ``target_url``."""
    from web.migrate import head_revision, upgrade

    if not target_url.startswith("postgresql"):
        raise InvalidInput(
            "ปลายทางต้องเป็น PostgreSQL (postgresql+psycopg://…)",
            "The target must be a PostgreSQL URL (postgresql+psycopg://…).",
        )
    tables = _tables()
    names = {t.name for t in tables}
    source = make_engine(source_url, poolclass=NullPool)
    target = make_engine(target_url, poolclass=NullPool)
    try:
        with source.connect() as src:
            revision = current_revision(src)
            if revision != head_revision():
                raise Conflict(
                    f"ฐานข้อมูลต้นทางยังเป็นโครงสร้างรุ่น {revision} กรุณา chaeson db upgrade ก่อน",
                    f"The source database is at schema {revision}, not {head_revision()}; "
                    "run `chaeson db upgrade` first.",
                )
            unknown = set(user_tables(src)) - names
            if unknown:
                raise Conflict(
                    f"ต้นทางมีตารางที่โปรแกรมไม่รู้จัก: {sorted(unknown)}",
                    f"The source has tables this program does not know: {sorted(unknown)}",
                )
        with target.connect() as dst:
            target_revision = current_revision(dst)
            has_tables = bool(user_tables(dst))
            has_rows = has_tables and read_facts(dst).counts != _freshly_migrated_counts()
        if has_tables and target_revision != head_revision():
            raise Conflict(
                "ฐานข้อมูลปลายทางมีตารางของรุ่นอื่นอยู่ ใช้ฐานข้อมูลว่างแทน",
                "The target database holds tables of another schema; use an empty database.",
            )
        if has_rows and not confirmed:
            raise Conflict(
                "ฐานข้อมูลปลายทางมีข้อมูลอยู่ จะเขียนทับก็ต่อเมื่อยืนยันด้วย --yes",
                "The target database holds data; it is replaced only with --yes.",
            )
        if not has_tables:
            progress("สร้างตารางในปลายทาง (creating the schema in the target)")
            upgrade(target_url)

        with source.connect() as src, target.connect() as dst:
            src.begin()  # one read snapshot of the source for the whole copy
            expected = read_facts(src)
            with dst.begin():
                enable = _disable_triggers(dst, tables)
                for table in reversed(tables):
                    dst.execute(table.delete())  # rows seeded by the migrations, or old data
                for table in tables:
                    order = list(table.primary_key.columns) or list(table.columns)
                    rows = src.execute(select(table).order_by(*order)).mappings()
                    copied = 0
                    while batch := rows.fetchmany(BATCH):
                        dst.execute(insert(table), [dict(r) for r in batch])
                        copied += len(batch)
                    progress(f"  {table.name}: {copied}")
                _reset_sequences(dst, tables)
                enable()
                found = read_facts(dst)
                problems = _compare(expected, found)
                if problems:
                    raise InvalidInput(
                        "ข้อมูลที่คัดลอกไม่ตรงกับต้นทาง ยกเลิกทั้งหมด: " + "; ".join(problems),
                        "The copy does not match the source; nothing was kept: "
                        + "; ".join(problems),
                    )
            src.rollback()
        report = CopyReport(revision=revision, counts=found.counts)
        with Session(target) as session:
            report.checks = run_checks(session)
            session.rollback()
        return report
    finally:
        source.dispose()
        target.dispose()


def _compare(expected: DatabaseFacts, found: DatabaseFacts) -> list[str]:
    expected.revision = found.revision
    return expected.differences(found)
