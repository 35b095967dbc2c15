"""National IDs encrypted at rest: AES-GCM ciphertext plus an HMAC lookup hash, no plain ID.

The key is outside the database (CHAESON_DATA_KEY or instance/data_key, see fund/crypto.py);
existing IDs are encrypted in place. Downgrade decrypts them back (needs the same key).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from fund.crypto import decrypt, encrypt, lookup_hash

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTEXT = "member_national_ids.national_id"  # fund.members.sensitive.NATIONAL_ID_CONTEXT

ids = sa.table(
    "member_national_ids",
    sa.column("member_id", sa.BigInteger()),
    sa.column("national_id", sa.String()),
    sa.column("national_id_encrypted", sa.String()),
    sa.column("national_id_hash", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("member_national_ids", schema=None) as batch_op:
        batch_op.add_column(sa.Column("national_id_encrypted", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("national_id_hash", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    for member_id, plain in conn.execute(sa.select(ids.c.member_id, ids.c.national_id)).all():
        conn.execute(
            ids.update()
            .where(ids.c.member_id == member_id)
            .values(
                national_id_encrypted=encrypt(plain, context=CONTEXT),
                national_id_hash=lookup_hash(plain, context=CONTEXT),
            )
        )
    with op.batch_alter_table("member_national_ids", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_member_national_ids_national_id"), type_="unique")
        batch_op.drop_constraint(op.f("ck_member_national_ids_thirteen_digits"), type_="check")
        batch_op.drop_column("national_id")
        batch_op.alter_column(
            "national_id_encrypted", existing_type=sa.String(length=80), nullable=False
        )
        batch_op.alter_column(
            "national_id_hash", existing_type=sa.String(length=64), nullable=False
        )
        batch_op.create_unique_constraint(
            op.f("uq_member_national_ids_national_id_hash"), ["national_id_hash"]
        )


def downgrade() -> None:
    with op.batch_alter_table("member_national_ids", schema=None) as batch_op:
        batch_op.add_column(sa.Column("national_id", sa.String(length=13), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.select(ids.c.member_id, ids.c.national_id_encrypted)).all()
    for member_id, token in rows:
        conn.execute(
            ids.update()
            .where(ids.c.member_id == member_id)
            .values(national_id=decrypt(token, context=CONTEXT))
        )
    with op.batch_alter_table("member_national_ids", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_member_national_ids_national_id_hash"), type_="unique")
        batch_op.drop_column("national_id_hash")
        batch_op.drop_column("national_id_encrypted")
        batch_op.alter_column("national_id", existing_type=sa.String(length=13), nullable=False)
        batch_op.create_unique_constraint(
            op.f("uq_member_national_ids_national_id"), ["national_id"]
        )
        batch_op.create_check_constraint(
            op.f("ck_member_national_ids_thirteen_digits"), "length(national_id) = 13"
        )
