"""Indexes for the meeting-day sheet at scale: its page of active members in sheet order, and
its villages with their member counts, read from indexes instead of every member row.

At 50,000 members each of the two was a full scan of ``members`` (30-40 ms each on PostgreSQL),
on every view of the sheet.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_members_sheet", "members", ["status", "moo", "member_no", "id"])
    op.create_index("ix_members_villages", "members", ["status", "moo", "village"])


def downgrade() -> None:
    op.drop_index("ix_members_villages", table_name="members")
    op.drop_index("ix_members_sheet", table_name="members")
