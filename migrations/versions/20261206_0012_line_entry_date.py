"""Journal lines carry their entry's date, so a member's recent lines are one index range.

After 0011 the passbook still walked every savings line the member ever had to find the last 12
months (one probe of ``journal_entries`` per past line, for the date). Now:

- ``journal_lines.entry_date`` (NOT NULL) repeats the entry's date, filled from the entries;
- the (account, member) index becomes (account, member, entry_date, entry, line number, amount):
  a date window of a member's lines is one range of it, read from the index alone;
- a trigger refuses a line whose date is not its entry's, whoever writes it (neither row can be
  changed afterwards: both tables are append-only);
- the pending-balance trigger takes the day from the line instead of looking up the entry.

The append-only triggers are dropped around the fill and made again; SQLite rebuilds the table to
make the column NOT NULL (its triggers go with the old table and are made again after).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from fund.immutability import (
    create_append_only_triggers,
    create_line_date_trigger,
    drop_append_only_triggers,
    drop_line_date_trigger,
)
from fund.ledger.balances import create_pending_trigger, drop_pending_trigger

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_INDEX = ("account_id", "member_id", "entry_id", "line_no", "amount_satang")
_NEW_INDEX = ("account_id", "member_id", "entry_date", "entry_id", "line_no", "amount_satang")


def _drop_triggers(conn) -> None:
    drop_line_date_trigger(conn)
    drop_pending_trigger(conn)
    drop_append_only_triggers(conn, "journal_lines")


def upgrade() -> None:
    conn = op.get_bind()
    _drop_triggers(conn)
    op.add_column("journal_lines", sa.Column("entry_date", sa.Date(), nullable=True))
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "UPDATE journal_lines AS l SET entry_date = e.entry_date "
            "FROM journal_entries AS e WHERE e.id = l.entry_id"
        )
    else:
        conn.exec_driver_sql(
            "UPDATE journal_lines SET entry_date = (SELECT e.entry_date FROM journal_entries e "
            "WHERE e.id = journal_lines.entry_id)"
        )
    # Drop the old index first: SQLite's rebuild would otherwise build it once more for nothing.
    op.drop_index("ix_journal_lines_account_member_entry", table_name="journal_lines")
    with op.batch_alter_table("journal_lines") as batch_op:
        batch_op.alter_column("entry_date", existing_type=sa.Date(), nullable=False)
    op.create_index("ix_journal_lines_account_member_date", "journal_lines", list(_NEW_INDEX))
    create_append_only_triggers(conn, "journal_lines")
    create_pending_trigger(conn, line_has_date=True)
    create_line_date_trigger(conn)


def downgrade() -> None:
    conn = op.get_bind()
    _drop_triggers(conn)
    op.drop_index("ix_journal_lines_account_member_date", table_name="journal_lines")
    with op.batch_alter_table("journal_lines") as batch_op:
        batch_op.drop_column("entry_date")
    op.create_index("ix_journal_lines_account_member_entry", "journal_lines", list(_OLD_INDEX))
    create_append_only_triggers(conn, "journal_lines")
    create_pending_trigger(conn, line_has_date=False)
