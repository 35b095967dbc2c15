"""The optional second factor (TOTP) for admin and committee users.

- ``users`` gains the encrypted TOTP secret, when it was switched on, the last accepted time step
  (replay protection) and a pending secret awaiting its first code;
- ``user_recovery_codes``: keyed hashes of the one-time recovery codes;
- ``login_challenges``: the half-way state between a right password and the second factor.

All new columns are empty for existing users (second factor off), so no data moves.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fund.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "login_challenges",
        sa.Column("id", ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("generation", ID, nullable=False),
        sa.Column("created_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", fund.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_login_challenges_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_challenges")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_challenges_token_hash")),
    )
    with op.batch_alter_table("login_challenges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_challenges_user_id"), ["user_id"], unique=False)

    op.create_table(
        "user_recovery_codes",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", fund.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_recovery_codes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_recovery_codes")),
        sa.UniqueConstraint(
            "user_id", "code_hash", name=op.f("uq_user_recovery_codes_user_id_code_hash")
        ),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("totp_enabled_at", fund.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("totp_last_step", ID, nullable=True))
        batch_op.add_column(sa.Column("totp_pending_secret", sa.String(length=120), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_users_totp_enabled_has_secret"),
            "(totp_secret IS NULL AND totp_enabled_at IS NULL) OR "
            "(totp_secret IS NOT NULL AND totp_enabled_at IS NOT NULL)",
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_totp_enabled_has_secret"), type_="check")
        batch_op.drop_column("totp_pending_secret")
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_enabled_at")
        batch_op.drop_column("totp_secret")

    op.drop_table("user_recovery_codes")
    with op.batch_alter_table("login_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_challenges_user_id"))
    op.drop_table("login_challenges")
