"""Database triggers that make append-only tables refuse UPDATE and DELETE, and journal lines
refuse a date that is not their entry's.

Used by migrations for the journal, the audit log and other histories. The application never
needs to change those rows, so the database itself refuses it, whoever connects. A journal line
repeats its entry's date (so a date window is a range of the line's own index); since neither
row can be changed afterwards, checking the line when it is inserted keeps the two equal.
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


_LINE_DATE_MESSAGE = "journal_lines.entry_date must be the date of its journal entry"


def create_line_date_trigger(conn: Connection) -> None:
    """Refuse a journal line whose ``entry_date`` differs from its entry's (or has no entry)."""
    entry_date = "(SELECT e.entry_date FROM journal_entries e WHERE e.id = NEW.entry_id)"
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            "CREATE TRIGGER journal_lines_entry_date BEFORE INSERT ON journal_lines "
            f"WHEN NEW.entry_date IS NOT {entry_date} "
            f"BEGIN SELECT RAISE(ABORT, '{_LINE_DATE_MESSAGE}'); END"
        )
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "CREATE OR REPLACE FUNCTION chaeson_line_entry_date() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN IF NEW.entry_date IS DISTINCT FROM {entry_date} "
            f"THEN RAISE EXCEPTION '{_LINE_DATE_MESSAGE} (entry %%, line %%)', "
            "NEW.entry_id, NEW.line_no; END IF; RETURN NEW; END $$"
        )
        conn.exec_driver_sql(
            "CREATE TRIGGER journal_lines_entry_date BEFORE INSERT ON journal_lines "
            "FOR EACH ROW EXECUTE FUNCTION chaeson_line_entry_date()"
        )
    else:  # pragma: no cover - only the two supported databases
        raise NotImplementedError(conn.dialect.name)


def drop_line_date_trigger(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS journal_lines_entry_date")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS journal_lines_entry_date ON journal_lines")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS chaeson_line_entry_date()")
