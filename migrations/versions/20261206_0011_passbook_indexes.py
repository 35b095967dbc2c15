"""Indexes that let a member's recent lines be read without reading their whole history.

The passbook shows the last 12 months, but finding them read every savings line the member ever
had and each line's entry (two heap pages per line: ~450 pages for a member with 10 years of
monthly savings, 28-55 ms from a cold cache at 50,000 members on PostgreSQL):

- the (account, member) index of ``journal_lines`` also carries the entry, line number and
  amount, so a member's lines in an account come from the index alone (the passbook, the member
  page's holdings);
- ``journal_entries`` gets (id, entry_date), so the date window is applied inside the index and
  only the entries shown are read from the table.

One index probe per past line remains (small, and in index pages); 3-15 ms cold.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 11:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_journal_lines_account_member_entry",
        "journal_lines",
        ["account_id", "member_id", "entry_id", "line_no", "amount_satang"],
    )
    op.drop_index("ix_journal_lines_account_member", table_name="journal_lines")
    op.create_index("ix_journal_entries_id_date", "journal_entries", ["id", "entry_date"])


def downgrade() -> None:
    op.drop_index("ix_journal_entries_id_date", table_name="journal_entries")
    op.create_index("ix_journal_lines_account_member", "journal_lines", ["account_id", "member_id"])
    op.drop_index("ix_journal_lines_account_member_entry", table_name="journal_lines")
