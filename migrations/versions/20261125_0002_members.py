"""Members: sensitive data kept apart (national ID, disability, health) and consent records.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fund.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_consents",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "given_by",
            sa.Enum(
                "member",
                "representative",
                name="consent_given_by",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("representative_name", sa.String(length=200), nullable=False),
        sa.Column("representative_relation", sa.String(length=100), nullable=False),
        sa.Column(
            "legal_basis",
            sa.Enum(
                "consent",
                "contract",
                "legal_obligation",
                "vital_interest",
                name="legal_basis",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("recorded_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "given_by = 'member' OR representative_name <> ''",
            name=op.f("ck_member_consents_representative_named"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_member_consents_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_member_consents_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_consents")),
    )
    with op.batch_alter_table("member_consents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_consents_member_id"), ["member_id"], unique=False
        )
    op.create_table(
        "member_disabilities",
        sa.Column(
            "member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("card_expires_on", sa.Date(), nullable=True),
        sa.Column("updated_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_member_disabilities_member_id_members")
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_member_disabilities")),
    )
    op.create_table(
        "member_disability_types",
        sa.Column(
            "member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "type_code",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.CheckConstraint(
            "type_code BETWEEN 1 AND 7", name=op.f("ck_member_disability_types_type_code_1_to_7")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_member_disability_types_member_id_members")
        ),
        sa.PrimaryKeyConstraint("member_id", "type_code", name=op.f("pk_member_disability_types")),
    )
    op.create_table(
        "member_health_notes",
        sa.Column(
            "member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("updated_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_member_health_notes_member_id_members")
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_member_health_notes")),
    )
    op.create_table(
        "member_national_ids",
        sa.Column(
            "member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("national_id", sa.String(length=13), nullable=False),
        sa.Column("last4", sa.String(length=4), nullable=False),
        sa.Column("recorded_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length(last4) = 4", name=op.f("ck_member_national_ids_last4_four_digits")
        ),
        sa.CheckConstraint(
            "length(national_id) = 13", name=op.f("ck_member_national_ids_thirteen_digits")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_member_national_ids_member_id_members")
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_member_national_ids")),
        sa.UniqueConstraint("national_id", name=op.f("uq_member_national_ids_national_id")),
    )
    with op.batch_alter_table("member_national_ids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_national_ids_last4"), ["last4"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("member_national_ids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_national_ids_last4"))
    op.drop_table("member_national_ids")
    op.drop_table("member_health_notes")
    op.drop_table("member_disability_types")
    op.drop_table("member_disabilities")
    with op.batch_alter_table("member_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_consents_member_id"))
    op.drop_table("member_consents")
