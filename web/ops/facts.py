"""What a database holds, read with plain SQL so it works at any schema revision.

A backup's manifest records these facts; a restore or a copy to PostgreSQL must reproduce them
exactly (same row count in every table, same money totals), which proves nothing was lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, inspect, text

#: tables that belong to the migration tool, not to the fund
BOOKKEEPING_TABLES = frozenset({"alembic_version"})


@dataclass
class DatabaseFacts:
    revision: str | None
    #: row count of every table (alembic_version excluded)
    counts: dict[str, int] = field(default_factory=dict)
    #: for every ``*_satang`` column, "table.column" -> {"sum", "debits", "credits"} in satang
    totals: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"revision": self.revision, "counts": self.counts, "totals": self.totals}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DatabaseFacts:
        return cls(
            revision=data.get("revision"),
            counts={str(k): int(v) for k, v in data.get("counts", {}).items()},
            totals={
                str(k): {str(kk): int(vv) for kk, vv in v.items()}
                for k, v in data.get("totals", {}).items()
            },
        )

    def differences(self, other: DatabaseFacts) -> list[str]:
        """Human-readable differences (empty when the two databases hold the same data)."""
        problems = []
        for table in sorted(set(self.counts) | set(other.counts)):
            mine, theirs = self.counts.get(table), other.counts.get(table)
            if mine != theirs:
                problems.append(f"{table}: {mine} rows expected, {theirs} found")
        for column in sorted(set(self.totals) | set(other.totals)):
            mine_t, theirs_t = self.totals.get(column), other.totals.get(column)
            if mine_t != theirs_t:
                problems.append(f"{column}: totals {mine_t} expected, {theirs_t} found")
        return problems


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def user_tables(conn: Connection) -> list[str]:
    return sorted(
        name
        for name in inspect(conn).get_table_names()
        if name not in BOOKKEEPING_TABLES and not name.startswith("sqlite_")
    )


def read_facts(conn: Connection) -> DatabaseFacts:
    """Row counts and money totals of every table, in the connection's current transaction."""
    facts = DatabaseFacts(revision=current_revision(conn))
    inspector = inspect(conn)
    for table in user_tables(conn):
        quoted = _quote(conn, table)
        facts.counts[table] = int(conn.execute(text(f"SELECT count(*) FROM {quoted}")).scalar())  # noqa: S608
        for column in inspector.get_columns(table):
            name = column["name"]
            if not name.endswith("_satang"):
                continue
            col = _quote(conn, name)
            row = conn.execute(
                text(
                    f"SELECT COALESCE(SUM({col}), 0), "  # noqa: S608  (names come from the schema)
                    f"COALESCE(SUM(CASE WHEN {col} > 0 THEN {col} ELSE 0 END), 0), "
                    f"COALESCE(SUM(CASE WHEN {col} < 0 THEN {col} ELSE 0 END), 0) FROM {quoted}"
                )
            ).one()
            facts.totals[f"{table}.{name}"] = {
                "sum": int(row[0]),
                "debits": int(row[1]),
                "credits": int(row[2]),
            }
    return facts
