"""Kept balances: per account, per member or loan, and per day, applied from pending lines;
and an index for the meeting-day sheet's "saved this month?" question.

Balances are read from these rows instead of summing the whole journal, so reading one costs
the same after ten years as after one. A trigger records every new journal line as pending;
the committing transaction applies it (fund/ledger/balances.py). The upgrade fills the tables
from the journal as it stands.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from fund.ledger.balances import create_pending_trigger, drop_pending_trigger, rebuild_balances

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_balances",
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("sub_key", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "amount_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_ledger_balances_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", "sub_key", name=op.f("pk_ledger_balances")),
    )
    op.create_table(
        "ledger_daily_changes",
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("sub_key", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "amount_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_ledger_daily_changes_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint(
            "account_id", "sub_key", "day", name=op.f("pk_ledger_daily_changes")
        ),
    )
    op.create_table(
        "ledger_pending",
        sa.Column("line_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("sub_key", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "amount_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["journal_lines.id"], name=op.f("fk_ledger_pending_line_id_journal_lines")
        ),
        sa.PrimaryKeyConstraint("line_id", name=op.f("pk_ledger_pending")),
    )
    op.create_index("ix_ledger_pending_key", "ledger_pending", ["account_id", "sub_key", "day"])
    op.create_index(
        "ix_savings_transactions_member_month", "savings_transactions", ["member_id", "for_month"]
    )
    conn = op.get_bind()
    create_pending_trigger(conn, line_has_date=False)
    rebuild_balances(conn)


def downgrade() -> None:
    op.drop_index("ix_savings_transactions_member_month", table_name="savings_transactions")
    drop_pending_trigger(op.get_bind())
    op.drop_index("ix_ledger_pending_key", table_name="ledger_pending")
    op.drop_table("ledger_pending")
    op.drop_table("ledger_daily_changes")
    op.drop_table("ledger_balances")
