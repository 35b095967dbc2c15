"""Database triggers that make append-only tables refuse UPDATE and DELETE.

Used by migrations for the journal, the audit log and other histories. The application never
needs to change those rows, so the database itself refuses it, whoever connects.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection


def create_append_only_triggers(conn: Connection, table: str) -> None:
    if conn.dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {action} refused'); END"
            )
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "CREATE OR REPLACE FUNCTION chaeson_refuse_change() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '%% is append-only: %% refused', "
            "TG_TABLE_NAME, TG_OP; END $$"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION chaeson_refuse_change()"
        )
        # TRUNCATE skips row triggers; refuse it too.
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION chaeson_refuse_change()"
        )
    else:  # pragma: no cover - only the two supported databases
        raise NotImplementedError(conn.dialect.name)


def drop_append_only_triggers(conn: Connection, table: str) -> None:
    if conn.dialect.name == "sqlite":
        for action in ("update", "delete"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
