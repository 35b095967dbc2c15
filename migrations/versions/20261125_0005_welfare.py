"""Welfare: benefit types with versioned rules, claims with their payouts, donations for welfare.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fund.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "welfare_benefits",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("created_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_welfare_benefits_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_benefits")),
        sa.UniqueConstraint("code", name=op.f("uq_welfare_benefits_code")),
    )
    with op.batch_alter_table("welfare_benefits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_welfare_benefits_created_by_id"), ["created_by_id"], unique=False
        )

    op.create_table(
        "welfare_benefit_versions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "benefit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("version", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "amount_kind",
            sa.Enum(
                "fixed",
                "per_day",
                "per_night",
                name="welfare_amount_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "amount_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "min_membership_months",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "max_units_per_claim",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "max_units_per_year",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "max_payouts_per_year",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "max_amount_per_year_satang",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("evidence_required", sa.Text(), nullable=False),
        sa.Column("representative_allowed", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("resolution", sa.String(length=500), nullable=False),
        sa.Column("change_note", sa.String(length=500), nullable=False),
        sa.Column("created_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.CheckConstraint("name <> ''", name=op.f("ck_welfare_benefit_versions_name_not_empty")),
        sa.CheckConstraint(
            "amount_satang > 0", name=op.f("ck_welfare_benefit_versions_amount_positive")
        ),
        sa.CheckConstraint(
            "max_amount_per_year_satang IS NULL OR max_amount_per_year_satang > 0",
            name=op.f("ck_welfare_benefit_versions_max_amount_year"),
        ),
        sa.CheckConstraint(
            "max_payouts_per_year IS NULL OR max_payouts_per_year > 0",
            name=op.f("ck_welfare_benefit_versions_max_payouts_year"),
        ),
        sa.CheckConstraint(
            "max_units_per_claim IS NULL OR max_units_per_claim > 0",
            name=op.f("ck_welfare_benefit_versions_max_units_claim"),
        ),
        sa.CheckConstraint(
            "max_units_per_year IS NULL OR max_units_per_year > 0",
            name=op.f("ck_welfare_benefit_versions_max_units_year"),
        ),
        sa.CheckConstraint(
            "min_membership_months >= 0",
            name=op.f("ck_welfare_benefit_versions_min_months_not_negative"),
        ),
        sa.CheckConstraint(
            "version >= 1", name=op.f("ck_welfare_benefit_versions_version_positive")
        ),
        sa.ForeignKeyConstraint(
            ["benefit_id"],
            ["welfare_benefits.id"],
            name=op.f("fk_welfare_benefit_versions_benefit_id_welfare_benefits"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_welfare_benefit_versions_created_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_benefit_versions")),
        sa.UniqueConstraint(
            "benefit_id", "version", name=op.f("uq_welfare_benefit_versions_benefit_id_version")
        ),
    )
    with op.batch_alter_table("welfare_benefit_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_welfare_benefit_versions_benefit_id"), ["benefit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_welfare_benefit_versions_created_by_id"), ["created_by_id"], unique=False
        )

    op.create_table(
        "welfare_donations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("donor_name", sa.String(length=200), nullable=False),
        sa.Column(
            "amount_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("account", sa.String(length=8), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("created_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "account IN ('1010', '1020')", name=op.f("ck_welfare_donations_account_cash_or_bank")
        ),
        sa.CheckConstraint("donor_name <> ''", name=op.f("ck_welfare_donations_donor_named")),
        sa.CheckConstraint("amount_satang > 0", name=op.f("ck_welfare_donations_amount_positive")),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_welfare_donations_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_welfare_donations_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_donations")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_welfare_donations_entry_id")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_welfare_donations_idempotency_key")),
    )
    with op.batch_alter_table("welfare_donations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_welfare_donations_received_on"), ["received_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_welfare_donations_recorded_by_id"), ["recorded_by_id"], unique=False
        )

    op.create_table(
        "welfare_claims",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("claim_no", sa.String(length=20), nullable=False),
        sa.Column(
            "member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "benefit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column(
            "fiscal_year", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("units", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "units_paid", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("evidence_seen", sa.Text(), nullable=False),
        sa.Column(
            "claimant_kind",
            sa.Enum(
                "member",
                "representative",
                name="welfare_claimant_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("representative_name", sa.String(length=200), nullable=False),
        sa.Column("representative_relation", sa.String(length=100), nullable=False),
        sa.Column(
            "amount_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("explanation_th", sa.Text(), nullable=False),
        sa.Column("explanation_en", sa.Text(), nullable=False),
        sa.Column("refusals_th", sa.Text(), nullable=False),
        sa.Column("refusals_en", sa.Text(), nullable=False),
        sa.Column("overridden", sa.Boolean(), nullable=False),
        sa.Column("resolution_no", sa.String(length=100), nullable=False),
        sa.Column("resolution_date", sa.Date(), nullable=True),
        sa.Column("resolution_text", sa.Text(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column(
            "paid_fiscal_year", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("pay_account", sa.String(length=8), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "paid",
                "reversed",
                name="welfare_claim_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "reversal_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("reversed_on", sa.Date(), nullable=True),
        sa.Column("reversal_reason", sa.String(length=500), nullable=False),
        sa.Column(
            "reversed_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("reversed_at", fund.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("created_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "NOT overridden OR (resolution_no <> '' AND resolution_text <> '' AND resolution_date IS NOT NULL)",
            name=op.f("ck_welfare_claims_override_has_resolution"),
        ),
        sa.CheckConstraint(
            "claimant_kind = 'member' OR (representative_name <> '' AND representative_relation <> '')",
            name=op.f("ck_welfare_claims_representative_named"),
        ),
        sa.CheckConstraint(
            "pay_account IN ('1010', '1020')",
            name=op.f("ck_welfare_claims_pay_account_cash_or_bank"),
        ),
        sa.CheckConstraint(
            "status <> 'reversed' OR (reversal_entry_id IS NOT NULL AND reversal_reason <> '')",
            name=op.f("ck_welfare_claims_reversal_complete"),
        ),
        sa.CheckConstraint("amount_satang > 0", name=op.f("ck_welfare_claims_amount_positive")),
        sa.CheckConstraint(
            "units IS NULL OR units > 0", name=op.f("ck_welfare_claims_units_positive")
        ),
        sa.CheckConstraint(
            "units_paid IS NULL OR units_paid > 0",
            name=op.f("ck_welfare_claims_units_paid_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["benefit_id"],
            ["welfare_benefits.id"],
            name=op.f("fk_welfare_claims_benefit_id_welfare_benefits"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_welfare_claims_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_welfare_claims_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_welfare_claims_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["reversal_entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_welfare_claims_reversal_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["reversed_by_id"], ["users.id"], name=op.f("fk_welfare_claims_reversed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["welfare_benefit_versions.id"],
            name=op.f("fk_welfare_claims_version_id_welfare_benefit_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_claims")),
        sa.UniqueConstraint("claim_no", name=op.f("uq_welfare_claims_claim_no")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_welfare_claims_entry_id")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_welfare_claims_idempotency_key")),
        sa.UniqueConstraint("reversal_entry_id", name=op.f("uq_welfare_claims_reversal_entry_id")),
    )
    with op.batch_alter_table("welfare_claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_welfare_claims_benefit_id"), ["benefit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_welfare_claims_event_date"), ["event_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_welfare_claims_fiscal_year"), ["fiscal_year"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_welfare_claims_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_welfare_claims_paid_fiscal_year"), ["paid_fiscal_year"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_welfare_claims_paid_on"), ["paid_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_welfare_claims_recorded_by_id"), ["recorded_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_welfare_claims_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_welfare_claims_version_id"), ["version_id"], unique=False
        )


def downgrade() -> None:
    # Dropping a table drops its indexes too.
    op.drop_table("welfare_claims")
    op.drop_table("welfare_donations")
    op.drop_table("welfare_benefit_versions")
    op.drop_table("welfare_benefits")
