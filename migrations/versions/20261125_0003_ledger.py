"""Ledger: chart of accounts, journal, period closes, settings, receipts, savings, fund book.

Journal entries, journal lines and period closes are append-only: triggers refuse UPDATE and
DELETE on both databases. The chart of accounts is seeded here (``sa.table`` stubs, not models).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fund.db
from fund.immutability import create_append_only_triggers, drop_append_only_triggers

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("journal_entries", "journal_lines", "period_closes")

# code, Thai name, English name, type, sub-ledger, never negative
CHART = [
    ("1010", "เงินสด", "Cash on hand", "asset", "none", True),
    ("1020", "เงินฝากธนาคาร", "Bank account", "asset", "none", True),
    ("1100", "ลูกหนี้เงินกู้", "Loans receivable", "asset", "loan", True),
    ("1110", "ดอกเบี้ยค้างรับ", "Interest receivable", "asset", "loan", False),
    ("1200", "ลูกหนี้สมาชิก", "Member receivables", "asset", "member", False),
    ("1300", "อะไหล่คงคลัง", "Parts inventory", "asset", "none", False),
    ("2010", "เงินสัจจะสะสมของสมาชิก", "Member savings", "liability", "member", True),
    ("3100", "กองทุนสวัสดิการ", "Welfare fund", "equity", "none", False),
    ("3200", "ทุนสำรอง", "Reserve", "equity", "none", False),
    ("3300", "เงินปันผลและเงินเฉลี่ยคืน", "Dividends and refunds", "equity", "none", False),
    ("3900", "ส่วนเกินสะสม", "Accumulated surplus", "equity", "none", False),
    ("3950", "ทุนยอดยกมา", "Opening balance equity", "equity", "none", False),
    ("4010", "รายได้ดอกเบี้ยเงินกู้", "Loan interest income", "income", "none", False),
    ("4020", "รายได้ค่าธรรมเนียมและค่าปรับ", "Fees", "income", "none", False),
    ("4100", "เงินอุดหนุนและเงินบริจาค", "Grants and donations", "income", "none", False),
    ("4200", "รายได้ค่าซ่อม", "Repair charges", "income", "none", False),
    ("5010", "ค่าใช้จ่ายสวัสดิการ", "Welfare benefits", "expense", "none", False),
    ("5020", "ค่าใช้จ่ายซ่อมสร้าง", "Repair costs", "expense", "none", False),
    ("5030", "ค่าอุปกรณ์เครื่องช่วย", "Assistive devices", "expense", "none", False),
    ("5040", "หนี้สูญ", "Loans written off", "expense", "none", False),
    ("5900", "ค่าใช้จ่ายดำเนินงาน", "Operating expenses", "expense", "none", False),
]


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "asset",
                "liability",
                "equity",
                "income",
                "expense",
                name="account_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "subledger",
            sa.Enum(
                "none",
                "member",
                "loan",
                name="subledger",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("never_negative", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_system", sa.Boolean(), nullable=False),
        sa.CheckConstraint("code <> ''", name=op.f("ck_accounts_code_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("code", name=op.f("uq_accounts_code")),
    )
    op.create_table(
        "fund_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("updated_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "updated_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_fund_settings_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_fund_settings")),
    )
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("recorded_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column(
            "reverses_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.CheckConstraint(
            "description <> ''", name=op.f("ck_journal_entries_description_not_empty")
        ),
        sa.CheckConstraint("source <> ''", name=op.f("ck_journal_entries_source_not_empty")),
        sa.CheckConstraint(
            "reverses_id IS NULL OR reverses_id <> id",
            name=op.f("ck_journal_entries_not_self_reversal"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_journal_entries_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["journal_entries.id"],
            name=op.f("fk_journal_entries_reverses_id_journal_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entries")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_journal_entries_idempotency_key")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_journal_entries_reverses_id")),
    )
    with op.batch_alter_table("journal_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journal_entries_entry_date"), ["entry_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_journal_entries_recorded_by_id"), ["recorded_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_journal_entries_source"), ["source"], unique=False)

    op.create_table(
        "period_closes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("closed_through", sa.Date(), nullable=False),
        sa.Column("closed_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "closed_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["users.id"], name=op.f("fk_period_closes_closed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_closes")),
        sa.UniqueConstraint("closed_through", name=op.f("uq_period_closes_closed_through")),
    )
    with op.batch_alter_table("period_closes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_period_closes_closed_by_id"), ["closed_by_id"], unique=False
        )

    op.create_table(
        "savings_accounts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "agreed_monthly_satang",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("updated_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "agreed_monthly_satang >= 0", name=op.f("ck_savings_accounts_agreed_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_savings_accounts_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_savings_accounts")),
        sa.UniqueConstraint("member_id", name=op.f("uq_savings_accounts_member_id")),
    )
    op.create_table(
        "journal_lines",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("line_no", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "amount_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("memo", sa.String(length=200), nullable=False),
        sa.CheckConstraint("amount_satang <> 0", name=op.f("ck_journal_lines_amount_not_zero")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_journal_lines_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_journal_lines_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_journal_lines_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_lines")),
        sa.UniqueConstraint("entry_id", "line_no", name=op.f("uq_journal_lines_entry_id_line_no")),
    )
    with op.batch_alter_table("journal_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_journal_lines_account_loan", ["account_id", "loan_id"], unique=False
        )
        batch_op.create_index(
            "ix_journal_lines_account_member", ["account_id", "member_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_journal_lines_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_journal_lines_loan_id"), ["loan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_journal_lines_member_id"), ["member_id"], unique=False)

    op.create_table(
        "receipts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "fiscal_year", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("number", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column(
            "payer_member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("payer_name", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column(
            "amount_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("recorded_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "journal_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("voided_at", fund.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "voided_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("void_reason", sa.String(length=500), nullable=False),
        sa.Column(
            "void_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "reprint_count", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.CheckConstraint(
            "(voided_at IS NULL AND void_entry_id IS NULL) OR (voided_at IS NOT NULL AND void_entry_id IS NOT NULL AND void_reason <> '')",
            name=op.f("ck_receipts_void_complete"),
        ),
        sa.CheckConstraint("amount_satang > 0", name=op.f("ck_receipts_amount_positive")),
        sa.CheckConstraint("number > 0", name=op.f("ck_receipts_number_positive")),
        sa.CheckConstraint(
            "reprint_count >= 0", name=op.f("ck_receipts_reprint_count_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["journal_entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_receipts_journal_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["payer_member_id"], ["members.id"], name=op.f("fk_receipts_payer_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_receipts_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["void_entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_receipts_void_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["voided_by_id"], ["users.id"], name=op.f("fk_receipts_voided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipts")),
        sa.UniqueConstraint("fiscal_year", "number", name=op.f("uq_receipts_fiscal_year_number")),
        sa.UniqueConstraint("journal_entry_id", name=op.f("uq_receipts_journal_entry_id")),
        sa.UniqueConstraint("void_entry_id", name=op.f("uq_receipts_void_entry_id")),
    )
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_receipts_issued_on"), ["issued_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_receipts_payer_member_id"), ["payer_member_id"], unique=False
        )

    op.create_table(
        "fund_transactions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "grant",
                "donation",
                "expense",
                name="fund_txn_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("txn_date", sa.Date(), nullable=False),
        sa.Column("counterparty", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("attachment_name", sa.String(length=200), nullable=False),
        sa.Column(
            "amount_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("money_account", sa.String(length=8), nullable=False),
        sa.Column("category_account", sa.String(length=8), nullable=False),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("recorded_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column(
            "journal_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "receipt_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.CheckConstraint("amount_satang > 0", name=op.f("ck_fund_transactions_amount_positive")),
        sa.ForeignKeyConstraint(
            ["journal_entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_fund_transactions_journal_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["receipts.id"], name=op.f("fk_fund_transactions_receipt_id_receipts")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_fund_transactions_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_transactions")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_fund_transactions_idempotency_key")),
        sa.UniqueConstraint("journal_entry_id", name=op.f("uq_fund_transactions_journal_entry_id")),
        sa.UniqueConstraint("receipt_id", name=op.f("uq_fund_transactions_receipt_id")),
    )
    with op.batch_alter_table("fund_transactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fund_transactions_txn_date"), ["txn_date"], unique=False
        )

    op.create_table(
        "savings_transactions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "kind",
            sa.Enum(
                "monthly",
                "extra",
                "withdrawal",
                name="savings_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "amount_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("txn_date", sa.Date(), nullable=False),
        sa.Column("for_month", sa.Date(), nullable=True),
        sa.Column("money_account", sa.String(length=8), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("recorded_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column(
            "journal_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "receipt_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.CheckConstraint(
            "kind <> 'monthly' OR for_month IS NOT NULL",
            name=op.f("ck_savings_transactions_monthly_has_month"),
        ),
        sa.CheckConstraint(
            "amount_satang > 0", name=op.f("ck_savings_transactions_amount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["journal_entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_savings_transactions_journal_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_savings_transactions_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"],
            ["receipts.id"],
            name=op.f("fk_savings_transactions_receipt_id_receipts"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_savings_transactions_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_savings_transactions")),
        sa.UniqueConstraint(
            "idempotency_key", name=op.f("uq_savings_transactions_idempotency_key")
        ),
        sa.UniqueConstraint(
            "journal_entry_id", name=op.f("uq_savings_transactions_journal_entry_id")
        ),
        sa.UniqueConstraint("receipt_id", name=op.f("uq_savings_transactions_receipt_id")),
    )
    with op.batch_alter_table("savings_transactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_savings_transactions_member_id"), ["member_id"], unique=False
        )

    accounts = sa.table(
        "accounts",
        sa.column("code", sa.String),
        sa.column("name_th", sa.String),
        sa.column("name_en", sa.String),
        sa.column("type", sa.String),
        sa.column("subledger", sa.String),
        sa.column("never_negative", sa.Boolean),
        sa.column("is_active", sa.Boolean),
        sa.column("is_system", sa.Boolean),
    )
    op.bulk_insert(
        accounts,
        [
            {
                "code": code,
                "name_th": th,
                "name_en": en,
                "type": kind,
                "subledger": sub,
                "never_negative": never_negative,
                "is_active": True,
                "is_system": True,
            }
            for code, th, en, kind, sub, never_negative in CHART
        ],
    )
    conn = op.get_bind()
    for table in APPEND_ONLY:
        create_append_only_triggers(conn, table)


def downgrade() -> None:
    conn = op.get_bind()
    for table in APPEND_ONLY:
        drop_append_only_triggers(conn, table)
    with op.batch_alter_table("savings_transactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_savings_transactions_member_id"))

    op.drop_table("savings_transactions")
    with op.batch_alter_table("fund_transactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_transactions_txn_date"))

    op.drop_table("fund_transactions")
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipts_payer_member_id"))
        batch_op.drop_index(batch_op.f("ix_receipts_issued_on"))

    op.drop_table("receipts")
    with op.batch_alter_table("journal_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_lines_member_id"))
        batch_op.drop_index(batch_op.f("ix_journal_lines_loan_id"))
        batch_op.drop_index(batch_op.f("ix_journal_lines_entry_id"))
        batch_op.drop_index("ix_journal_lines_account_member")
        batch_op.drop_index("ix_journal_lines_account_loan")

    op.drop_table("journal_lines")
    op.drop_table("savings_accounts")
    with op.batch_alter_table("period_closes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_period_closes_closed_by_id"))

    op.drop_table("period_closes")
    with op.batch_alter_table("journal_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_entries_source"))
        batch_op.drop_index(batch_op.f("ix_journal_entries_recorded_by_id"))
        batch_op.drop_index(batch_op.f("ix_journal_entries_entry_date"))

    op.drop_table("journal_entries")
    op.drop_table("fund_settings")
    op.drop_table("accounts")
