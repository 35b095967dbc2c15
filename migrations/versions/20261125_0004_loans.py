"""Loans without a guarantor: products, applications, loans and agreements, schedules,
repayments and their allocations, reschedules, write-offs and the follow-up note log.

The agreements and the note log are append-only (triggers refuse UPDATE and DELETE).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fund.db
from fund.immutability import create_append_only_triggers, drop_append_only_triggers

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("loan_agreements", "loan_notes")


def upgrade() -> None:
    op.create_table(
        "loan_products",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "trade",
                "agriculture",
                "livestock",
                "crafts",
                "repair-service",
                "other",
                name="loan_purpose",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "max_amount_satang",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "max_term_months", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "method",
            sa.Enum(
                "zero",
                "flat",
                "declining",
                "equal-principal",
                name="interest_method",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "annual_rate_bp", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "round_to_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "grace_months", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "late_policy",
            sa.Enum(
                "none", "fixed-fee", name="late_policy", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column(
            "late_fee_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "late_fee_after_days",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column(
            "created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("created_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("name <> ''", name=op.f("ck_loan_products_name_not_empty")),
        sa.CheckConstraint(
            "annual_rate_bp BETWEEN 0 AND 10000", name=op.f("ck_loan_products_rate_range")
        ),
        sa.CheckConstraint("grace_months >= 0", name=op.f("ck_loan_products_grace_not_negative")),
        sa.CheckConstraint(
            "late_fee_after_days >= 0", name=op.f("ck_loan_products_late_days_not_negative")
        ),
        sa.CheckConstraint(
            "late_fee_satang >= 0", name=op.f("ck_loan_products_late_fee_not_negative")
        ),
        sa.CheckConstraint(
            "max_amount_satang > 0", name=op.f("ck_loan_products_max_amount_positive")
        ),
        sa.CheckConstraint(
            "max_term_months BETWEEN 1 AND 240", name=op.f("ck_loan_products_max_term_range")
        ),
        sa.CheckConstraint(
            "round_to_satang BETWEEN 1 AND 100000", name=op.f("ck_loan_products_round_to_range")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_loan_products_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_products")),
        sa.UniqueConstraint("name", name=op.f("uq_loan_products_name")),
    )
    op.create_table(
        "loan_applications",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "amount_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "term_months", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("livelihood_plan", sa.Text(), nullable=False),
        sa.Column("member_situation", sa.Text(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                name="loan_application_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("recorded_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "decided_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("decided_at", fund.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("meeting_no", sa.String(length=32), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("open_loan_override", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "(status = 'pending') = (decided_by_id IS NULL)",
            name=op.f("ck_loan_applications_decided_iff_not_pending"),
        ),
        sa.CheckConstraint("amount_satang > 0", name=op.f("ck_loan_applications_amount_positive")),
        sa.CheckConstraint(
            "decided_by_id IS NULL OR decided_by_id <> recorded_by_id",
            name=op.f("ck_loan_applications_maker_checker"),
        ),
        sa.CheckConstraint(
            "term_months BETWEEN 1 AND 240", name=op.f("ck_loan_applications_term_range")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_loan_applications_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_loan_applications_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["loan_products.id"],
            name=op.f("fk_loan_applications_product_id_loan_products"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_loan_applications_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_applications")),
    )
    with op.batch_alter_table("loan_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_loan_applications_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_loan_applications_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_loan_applications_status"), ["status"], unique=False)

    op.create_table(
        "loans",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("loan_no", sa.String(length=32), nullable=False),
        sa.Column(
            "application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "principal_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "term_months", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "method",
            sa.Enum(
                "zero",
                "flat",
                "declining",
                "equal-principal",
                name="interest_method",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "annual_rate_bp", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "round_to_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "grace_months", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "late_policy",
            sa.Enum(
                "none", "fixed-fee", name="late_policy", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column(
            "late_fee_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "late_fee_after_days",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "approved",
                "active",
                "repaid",
                "written-off",
                name="loan_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("disbursed_on", sa.Date(), nullable=True),
        sa.Column(
            "disbursement_channel",
            sa.Enum("cash", "bank", name="pay_channel", native_enum=False, create_constraint=True),
            nullable=True,
        ),
        sa.Column(
            "disbursement_entry_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("disbursement_key", sa.String(length=64), nullable=True),
        sa.Column(
            "disbursed_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("interest_frozen", sa.Boolean(), nullable=False),
        sa.Column("created_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(status = 'approved') = (disbursed_on IS NULL)",
            name=op.f("ck_loans_disbursed_iff_not_approved"),
        ),
        sa.CheckConstraint("annual_rate_bp BETWEEN 0 AND 10000", name=op.f("ck_loans_rate_range")),
        sa.CheckConstraint("grace_months >= 0", name=op.f("ck_loans_grace_not_negative")),
        sa.CheckConstraint("late_fee_satang >= 0", name=op.f("ck_loans_late_fee_not_negative")),
        sa.CheckConstraint("principal_satang > 0", name=op.f("ck_loans_principal_positive")),
        sa.CheckConstraint(
            "round_to_satang BETWEEN 1 AND 100000", name=op.f("ck_loans_round_to_range")
        ),
        sa.CheckConstraint("term_months BETWEEN 1 AND 240", name=op.f("ck_loans_term_range")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["loan_applications.id"],
            name=op.f("fk_loans_application_id_loan_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["disbursed_by_id"], ["users.id"], name=op.f("fk_loans_disbursed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["disbursement_entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_loans_disbursement_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_loans_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["loan_products.id"], name=op.f("fk_loans_product_id_loan_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loans")),
        sa.UniqueConstraint("application_id", name=op.f("uq_loans_application_id")),
        sa.UniqueConstraint("disbursement_key", name=op.f("uq_loans_disbursement_key")),
        sa.UniqueConstraint("loan_no", name=op.f("uq_loans_loan_no")),
    )
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loans_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_loans_product_id"), ["product_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_loans_status"), ["status"], unique=False)

    op.create_table(
        "loan_agreements",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("agreement_no", sa.String(length=32), nullable=False),
        sa.Column("member_name", sa.String(length=300), nullable=False),
        sa.Column(
            "principal_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "term_months", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "method",
            sa.Enum(
                "zero",
                "flat",
                "declining",
                "equal-principal",
                name="interest_method",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "annual_rate_bp", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "round_to_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "grace_months", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "late_policy",
            sa.Enum(
                "none", "fixed-fee", name="late_policy", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column(
            "late_fee_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "late_fee_after_days",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("meeting_no", sa.String(length=32), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column(
            "approved_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("made_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_loan_agreements_approved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_loan_agreements_loan_id_loans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_agreements")),
        sa.UniqueConstraint("agreement_no", name=op.f("uq_loan_agreements_agreement_no")),
        sa.UniqueConstraint("loan_id", name=op.f("uq_loan_agreements_loan_id")),
    )
    op.create_table(
        "loan_notes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "note",
                "call",
                "visit",
                "promise",
                name="loan_note_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("promised_on", sa.Date(), nullable=True),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("recorded_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("text <> ''", name=op.f("ck_loan_notes_text_not_empty")),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_loan_notes_loan_id_loans")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_loan_notes_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_notes")),
    )
    with op.batch_alter_table("loan_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loan_notes_loan_id"), ["loan_id"], unique=False)

    op.create_table(
        "loan_repayments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column(
            "amount_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "channel",
            sa.Enum("cash", "bank", name="pay_channel", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column(
            "kind",
            sa.Enum(
                "regular",
                "prepayment",
                name="repayment_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "prepayment_mode",
            sa.Enum(
                "shorten-term",
                "lower-instalments",
                name="prepayment_mode",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column(
            "fee_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "interest_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "principal_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "reapplied_count", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "receipt_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("memo", sa.String(length=500), nullable=False),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("recorded_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reversed_at", fund.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "reversed_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("reversal_reason", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "(kind = 'prepayment') = (prepayment_mode IS NOT NULL)",
            name=op.f("ck_loan_repayments_mode_iff_prepayment"),
        ),
        sa.CheckConstraint("amount_satang > 0", name=op.f("ck_loan_repayments_amount_positive")),
        sa.CheckConstraint(
            "fee_satang >= 0 AND interest_satang >= 0 AND principal_satang >= 0",
            name=op.f("ck_loan_repayments_split_not_negative"),
        ),
        sa.CheckConstraint(
            "reversed_at IS NOT NULL OR fee_satang + interest_satang + principal_satang = amount_satang",
            name=op.f("ck_loan_repayments_split_adds_up"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_loan_repayments_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_loan_repayments_loan_id_loans")
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["receipts.id"], name=op.f("fk_loan_repayments_receipt_id_receipts")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_loan_repayments_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["reversed_by_id"], ["users.id"], name=op.f("fk_loan_repayments_reversed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_repayments")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_loan_repayments_idempotency_key")),
        sa.UniqueConstraint("receipt_id", name=op.f("uq_loan_repayments_receipt_id")),
    )
    with op.batch_alter_table("loan_repayments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loan_repayments_loan_id"), ["loan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_loan_repayments_paid_on"), ["paid_on"], unique=False)

    op.create_table(
        "loan_reschedules",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column(
            "outstanding_satang",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "carried_interest_satang",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "carried_fee_satang",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "new_term_months", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "new_instalment_satang",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("freeze_interest", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("meeting_no", sa.String(length=32), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("recorded_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "resolution <> ''", name=op.f("ck_loan_reschedules_resolution_required")
        ),
        sa.CheckConstraint("new_term_months >= 1", name=op.f("ck_loan_reschedules_term_positive")),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_loan_reschedules_loan_id_loans")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_loan_reschedules_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_reschedules")),
    )
    with op.batch_alter_table("loan_reschedules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loan_reschedules_loan_id"), ["loan_id"], unique=False)

    op.create_table(
        "loan_write_offs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("written_off_on", sa.Date(), nullable=False),
        sa.Column(
            "principal_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "waived_interest_satang",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("meeting_no", sa.String(length=32), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("recorded_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("resolution <> ''", name=op.f("ck_loan_write_offs_resolution_required")),
        sa.CheckConstraint(
            "principal_satang > 0", name=op.f("ck_loan_write_offs_principal_positive")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_loan_write_offs_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_loan_write_offs_loan_id_loans")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_loan_write_offs_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_write_offs")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_loan_write_offs_idempotency_key")),
        sa.UniqueConstraint("loan_id", name=op.f("uq_loan_write_offs_loan_id")),
    )
    op.create_table(
        "loan_instalments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("no", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column(
            "principal_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "interest_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "fee_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "fee_charged_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("superseded", sa.Boolean(), nullable=False),
        sa.Column(
            "created_by_repayment_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "superseded_by_repayment_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "reschedule_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "superseded_by_reschedule_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.CheckConstraint("fee_satang >= 0", name=op.f("ck_loan_instalments_fee_not_negative")),
        sa.CheckConstraint(
            "interest_satang >= 0", name=op.f("ck_loan_instalments_interest_not_negative")
        ),
        sa.CheckConstraint("no >= 1", name=op.f("ck_loan_instalments_no_positive")),
        sa.CheckConstraint(
            "principal_satang >= 0", name=op.f("ck_loan_instalments_principal_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_repayment_id"],
            ["loan_repayments.id"],
            name=op.f("fk_loan_instalments_created_by_repayment_id_loan_repayments"),
        ),
        sa.ForeignKeyConstraint(
            ["fee_charged_by_id"],
            ["loan_repayments.id"],
            name=op.f("fk_loan_instalments_fee_charged_by_id_loan_repayments"),
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_loan_instalments_loan_id_loans")
        ),
        sa.ForeignKeyConstraint(
            ["reschedule_id"],
            ["loan_reschedules.id"],
            name=op.f("fk_loan_instalments_reschedule_id_loan_reschedules"),
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_repayment_id"],
            ["loan_repayments.id"],
            name=op.f("fk_loan_instalments_superseded_by_repayment_id_loan_repayments"),
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_reschedule_id"],
            ["loan_reschedules.id"],
            name=op.f("fk_loan_instalments_superseded_by_reschedule_id_loan_reschedules"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_instalments")),
    )
    with op.batch_alter_table("loan_instalments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_loan_instalments_created_by_repayment_id"),
            ["created_by_repayment_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_loan_instalments_loan_current", ["loan_id", "superseded"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_loan_instalments_loan_id"), ["loan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_loan_instalments_superseded_by_repayment_id"),
            ["superseded_by_repayment_id"],
            unique=False,
        )

    op.create_table(
        "loan_repayment_allocations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "repayment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "instalment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "fee_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "interest_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "principal_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.CheckConstraint(
            "fee_satang >= 0 AND interest_satang >= 0 AND principal_satang >= 0",
            name=op.f("ck_loan_repayment_allocations_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["instalment_id"],
            ["loan_instalments.id"],
            name=op.f("fk_loan_repayment_allocations_instalment_id_loan_instalments"),
        ),
        sa.ForeignKeyConstraint(
            ["repayment_id"],
            ["loan_repayments.id"],
            name=op.f("fk_loan_repayment_allocations_repayment_id_loan_repayments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_repayment_allocations")),
        sa.UniqueConstraint(
            "repayment_id",
            "instalment_id",
            name=op.f("uq_loan_repayment_allocations_repayment_id_instalment_id"),
        ),
    )
    with op.batch_alter_table("loan_repayment_allocations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_loan_repayment_allocations_instalment_id"),
            ["instalment_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_loan_repayment_allocations_repayment_id"), ["repayment_id"], unique=False
        )
    conn = op.get_bind()
    for table in APPEND_ONLY:
        create_append_only_triggers(conn, table)


def downgrade() -> None:
    conn = op.get_bind()
    for table in APPEND_ONLY:
        drop_append_only_triggers(conn, table)
    with op.batch_alter_table("loan_repayment_allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loan_repayment_allocations_repayment_id"))
        batch_op.drop_index(batch_op.f("ix_loan_repayment_allocations_instalment_id"))

    op.drop_table("loan_repayment_allocations")
    with op.batch_alter_table("loan_instalments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loan_instalments_superseded_by_repayment_id"))
        batch_op.drop_index(batch_op.f("ix_loan_instalments_loan_id"))
        batch_op.drop_index("ix_loan_instalments_loan_current")
        batch_op.drop_index(batch_op.f("ix_loan_instalments_created_by_repayment_id"))

    op.drop_table("loan_instalments")
    op.drop_table("loan_write_offs")
    with op.batch_alter_table("loan_reschedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loan_reschedules_loan_id"))

    op.drop_table("loan_reschedules")
    with op.batch_alter_table("loan_repayments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loan_repayments_paid_on"))
        batch_op.drop_index(batch_op.f("ix_loan_repayments_loan_id"))

    op.drop_table("loan_repayments")
    with op.batch_alter_table("loan_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loan_notes_loan_id"))

    op.drop_table("loan_notes")
    op.drop_table("loan_agreements")
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loans_status"))
        batch_op.drop_index(batch_op.f("ix_loans_product_id"))
        batch_op.drop_index(batch_op.f("ix_loans_member_id"))

    op.drop_table("loans")
    with op.batch_alter_table("loan_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loan_applications_status"))
        batch_op.drop_index(batch_op.f("ix_loan_applications_product_id"))
        batch_op.drop_index(batch_op.f("ix_loan_applications_member_id"))

    op.drop_table("loan_applications")
    op.drop_table("loan_products")
