"""Repair center: device catalogue and registry, repair jobs and their events, parts, loaners.

The device catalogue is seeded with the WHO Priority Assistive Products groups. Job events, stock
movements, device history and payments are append-only: triggers refuse UPDATE and DELETE.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fund.db
from fund.immutability import create_append_only_triggers

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = (
    "repair_job_events",
    "repair_stock_movements",
    "repair_device_history",
    "repair_payments",
)

# (code, category, Thai name, English name) — grouped like the WHO priority assistive products list
CATALOGUE = [
    ("wheelchair_manual", "mobility", "รถเข็นคนพิการ", "Manual wheelchair"),
    ("wheelchair_active", "mobility", "รถเข็นคนพิการชนิดพับได้น้ำหนักเบา", "Active-user wheelchair"),
    (
        "wheelchair_supportive",
        "mobility",
        "รถเข็นนั่งหลังตรงพิเศษ (มีพนักพยุงศีรษะ)",
        "Supportive wheelchair",
    ),
    ("tricycle_hand", "mobility", "รถสามล้อโยก", "Hand-propelled tricycle"),
    ("prosthesis_leg", "mobility", "ขาเทียม", "Lower-limb prosthesis"),
    ("prosthesis_arm", "mobility", "แขนเทียม", "Upper-limb prosthesis"),
    ("orthosis_lower", "mobility", "อุปกรณ์เสริมขา (กายอุปกรณ์เสริม)", "Lower-limb orthosis"),
    ("orthosis_upper", "mobility", "อุปกรณ์เสริมแขนและมือ", "Upper-limb orthosis"),
    ("orthosis_spinal", "mobility", "อุปกรณ์พยุงลำตัว", "Spinal orthosis"),
    ("crutches", "mobility", "ไม้ค้ำยัน", "Crutches"),
    ("walker", "mobility", "โครงเหล็กช่วยเดิน", "Walking frame"),
    ("walking_stick", "mobility", "ไม้เท้าช่วยเดิน (ขาเดียว/สามขา/สี่ขา)", "Walking stick"),
    ("pressure_cushion", "mobility", "เบาะรองนั่งป้องกันแผลกดทับ", "Pressure-relief cushion"),
    ("standing_frame", "mobility", "โครงยืน", "Standing frame"),
    ("white_cane", "vision", "ไม้เท้าขาว", "White cane"),
    ("magnifier", "vision", "แว่นขยาย", "Magnifier"),
    ("spectacles", "vision", "แว่นสายตา", "Spectacles"),
    ("braille_slate", "vision", "สเลทและสไตลัสเขียนอักษรเบรลล์", "Braille slate and stylus"),
    ("talking_clock", "vision", "นาฬิกาพูดได้", "Talking watch or clock"),
    ("hearing_aid", "hearing", "เครื่องช่วยฟัง", "Hearing aid"),
    ("hearing_loop", "hearing", "อุปกรณ์ขยายเสียงส่วนบุคคล", "Personal sound amplifier"),
    (
        "alarm_signaller",
        "hearing",
        "อุปกรณ์เตือนด้วยแสงหรือการสั่น",
        "Alarm signaller with light or vibration",
    ),
    ("communication_board", "communication", "กระดานสื่อสาร (ภาพ/ตัวอักษร)", "Communication board"),
    ("aac_device", "communication", "เครื่องช่วยสื่อสารแบบมีเสียง", "Voice communication aid"),
    ("commode_chair", "self_care", "เก้าอี้นั่งถ่าย", "Commode chair"),
    ("shower_chair", "self_care", "เก้าอี้อาบน้ำ", "Shower chair"),
    ("pressure_mattress", "self_care", "ที่นอนป้องกันแผลกดทับ", "Pressure-relief mattress"),
    ("grab_bar", "self_care", "ราวจับ", "Grab bar"),
    ("pill_organiser", "cognition", "กล่องแยกยาตามมื้อ", "Pill organiser"),
    ("personal_alarm", "cognition", "สัญญาณเรียกขอความช่วยเหลือ", "Personal emergency alarm"),
    ("time_aid", "cognition", "อุปกรณ์ช่วยจัดการเวลา (ปฏิทิน/นาฬิกาเตือน)", "Time management aid"),
]


def upgrade() -> None:
    op.create_table(
        "repair_device_types",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "mobility",
                "vision",
                "hearing",
                "communication",
                "self_care",
                "cognition",
                name="repair_device_category",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("name_th", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column(
            "sort_order", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("code <> ''", name=op.f("ck_repair_device_types_code_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_device_types")),
        sa.UniqueConstraint("code", name=op.f("uq_repair_device_types_code")),
    )
    with op.batch_alter_table("repair_device_types", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_repair_device_types_category"), ["category"], unique=False
        )

    op.create_table(
        "repair_parts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column(
            "quantity_on_hand", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "value_on_hand_satang",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "last_unit_cost_satang",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "reorder_level", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("code <> ''", name=op.f("ck_repair_parts_code_not_empty")),
        sa.CheckConstraint(
            "quantity_on_hand > 0 OR value_on_hand_satang = 0",
            name=op.f("ck_repair_parts_no_value_without_stock"),
        ),
        sa.CheckConstraint(
            "quantity_on_hand >= 0", name=op.f("ck_repair_parts_stock_not_negative")
        ),
        sa.CheckConstraint("reorder_level >= 0", name=op.f("ck_repair_parts_reorder_not_negative")),
        sa.CheckConstraint(
            "value_on_hand_satang >= 0", name=op.f("ck_repair_parts_value_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_parts")),
        sa.UniqueConstraint("code", name=op.f("uq_repair_parts_code")),
    )

    op.create_table(
        "repair_settings",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column(
            "stuck_after_days", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "warranty_days", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "follow_up_days", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "labour_rate_satang",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "loan_days", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("updated_at", fund.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "follow_up_days >= 1", name=op.f("ck_repair_settings_follow_up_positive")
        ),
        sa.CheckConstraint("id = 1", name=op.f("ck_repair_settings_single_row")),
        sa.CheckConstraint(
            "labour_rate_satang >= 0", name=op.f("ck_repair_settings_rate_not_negative")
        ),
        sa.CheckConstraint("loan_days >= 1", name=op.f("ck_repair_settings_loan_days_positive")),
        sa.CheckConstraint("stuck_after_days >= 1", name=op.f("ck_repair_settings_stuck_positive")),
        sa.CheckConstraint(
            "warranty_days >= 0", name=op.f("ck_repair_settings_warranty_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_settings")),
    )

    op.create_table(
        "repair_devices",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "device_type_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("tag_no", sa.String(length=16), nullable=False),
        sa.Column("serial_no", sa.String(length=64), nullable=False),
        sa.Column("make", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("size", sa.String(length=100), nullable=False),
        sa.Column(
            "owner_member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("acquired_on", sa.Date(), nullable=True),
        sa.Column(
            "acquisition",
            sa.Enum(
                "fund_purchase",
                "donated",
                "member_own",
                name="repair_acquisition",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column(
            "condition",
            sa.Enum(
                "good",
                "fair",
                "poor",
                "unusable",
                "retired",
                name="repair_condition",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.String(length=1000), nullable=False),
        sa.Column("created_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("tag_no <> ''", name=op.f("ck_repair_devices_tag_not_empty")),
        sa.ForeignKeyConstraint(
            ["device_type_id"],
            ["repair_device_types.id"],
            name=op.f("fk_repair_devices_device_type_id_repair_device_types"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_member_id"],
            ["members.id"],
            name=op.f("fk_repair_devices_owner_member_id_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_devices")),
        sa.UniqueConstraint("tag_no", name=op.f("uq_repair_devices_tag_no")),
    )
    with op.batch_alter_table("repair_devices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_repair_devices_device_type_id"), ["device_type_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_repair_devices_owner_member_id"), ["owner_member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_repair_devices_serial_no"), ["serial_no"], unique=False
        )

    op.create_table(
        "repair_device_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "device_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("actor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_repair_device_history_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["repair_devices.id"],
            name=op.f("fk_repair_device_history_device_id_repair_devices"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_device_history")),
    )
    with op.batch_alter_table("repair_device_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_repair_device_history_device_id"), ["device_id"], unique=False
        )

    op.create_table(
        "repair_jobs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("job_no", sa.String(length=16), nullable=False),
        sa.Column(
            "device_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "return_of_job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "state",
            sa.Enum(
                "intake",
                "assessed",
                "approved",
                "in_progress",
                "paused",
                "ready",
                "delivered",
                "cancelled",
                name="repair_job_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "pause_reason",
            sa.Enum(
                "waiting_parts",
                "waiting_member",
                "outside_repairer",
                "waiting_approval",
                name="repair_pause_reason",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("fault", sa.String(length=2000), nullable=False),
        sa.Column("assessment", sa.String(length=2000), nullable=False),
        sa.Column(
            "technician_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "estimate_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "payment_basis",
            sa.Enum(
                "fund",
                "member",
                "shared",
                "warranty",
                "waived",
                name="repair_payment_basis",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column(
            "member_share_percent",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("basis_note", sa.String(length=500), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "fixed",
                "referred",
                "end_of_life",
                name="repair_outcome",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("outcome_reason", sa.String(length=1000), nullable=False),
        sa.Column("fitting_checked", sa.Boolean(), nullable=False),
        sa.Column("training_given", sa.Boolean(), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("warranty_until", sa.Date(), nullable=True),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("followed_up_on", sa.Date(), nullable=True),
        sa.Column("follow_up_notes", sa.String(length=1000), nullable=False),
        sa.Column(
            "parts_cost_satang",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "labour_cost_satang",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "member_charge_satang",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("created_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(state = 'paused') = (pause_reason IS NOT NULL)",
            name=op.f("ck_repair_jobs_pause_reason"),
        ),
        sa.CheckConstraint(
            "payment_basis IS NULL OR (payment_basis = 'member' AND member_share_percent = 100) OR (payment_basis = 'shared' AND member_share_percent BETWEEN 1 AND 99) OR (payment_basis IN ('fund', 'warranty', 'waived') AND member_share_percent = 0)",
            name=op.f("ck_repair_jobs_share_matches_basis"),
        ),
        sa.CheckConstraint(
            "state <> 'delivered' OR (outcome IS NOT NULL AND delivered_on IS NOT NULL AND fitting_checked AND training_given)",
            name=op.f("ck_repair_jobs_delivered_complete"),
        ),
        sa.CheckConstraint(
            "member_share_percent >= 0 AND member_share_percent <= 100",
            name=op.f("ck_repair_jobs_share_range"),
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["repair_devices.id"],
            name=op.f("fk_repair_jobs_device_id_repair_devices"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_repair_jobs_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["return_of_job_id"],
            ["repair_jobs.id"],
            name=op.f("fk_repair_jobs_return_of_job_id_repair_jobs"),
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["users.id"], name=op.f("fk_repair_jobs_technician_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_jobs")),
        sa.UniqueConstraint("job_no", name=op.f("uq_repair_jobs_job_no")),
    )
    with op.batch_alter_table("repair_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_repair_jobs_device_id"), ["device_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_repair_jobs_follow_up_on"), ["follow_up_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_repair_jobs_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_repair_jobs_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_repair_jobs_technician_id"), ["technician_id"], unique=False
        )

    op.create_table(
        "repair_provisions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "device_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("provided_on", sa.Date(), nullable=False),
        sa.Column(
            "funding",
            sa.Enum(
                "fund",
                "donor",
                "center_stock",
                name="repair_provision_funding",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("donor_name", sa.String(length=200), nullable=False),
        sa.Column(
            "cost_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "journal_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("fitting_checked", sa.Boolean(), nullable=False),
        sa.Column("training_given", sa.Boolean(), nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("followed_up_on", sa.Date(), nullable=True),
        sa.Column("follow_up_notes", sa.String(length=1000), nullable=False),
        sa.Column("notes", sa.String(length=1000), nullable=False),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("created_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "funding <> 'donor' OR donor_name <> ''", name=op.f("ck_repair_provisions_donor_named")
        ),
        sa.CheckConstraint(
            "funding <> 'fund' OR cost_satang > 0",
            name=op.f("ck_repair_provisions_fund_purchase_has_cost"),
        ),
        sa.CheckConstraint("cost_satang >= 0", name=op.f("ck_repair_provisions_cost_not_negative")),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["repair_devices.id"],
            name=op.f("fk_repair_provisions_device_id_repair_devices"),
        ),
        sa.ForeignKeyConstraint(
            ["journal_entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_repair_provisions_journal_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_repair_provisions_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_repair_provisions_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_provisions")),
    )
    with op.batch_alter_table("repair_provisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_repair_provisions_device_id"), ["device_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_repair_provisions_follow_up_on"), ["follow_up_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_repair_provisions_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "repair_device_loans",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "device_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "kind",
            sa.Enum(
                "while_repairing",
                "long_term",
                name="repair_loan_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("lent_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column(
            "return_condition",
            sa.Enum(
                "good",
                "fair",
                "poor",
                "unusable",
                "retired",
                name="repair_return_condition",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("notes", sa.String(length=1000), nullable=False),
        sa.Column(
            "lent_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "returned_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("created_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind <> 'long_term' OR due_on IS NOT NULL",
            name=op.f("ck_repair_device_loans_long_term_has_due"),
        ),
        sa.CheckConstraint(
            "kind <> 'while_repairing' OR job_id IS NOT NULL",
            name=op.f("ck_repair_device_loans_repair_loan_has_job"),
        ),
        sa.CheckConstraint(
            "due_on IS NULL OR due_on >= lent_on",
            name=op.f("ck_repair_device_loans_due_after_lend"),
        ),
        sa.CheckConstraint(
            "returned_on IS NULL OR returned_on >= lent_on",
            name=op.f("ck_repair_device_loans_return_after_lend"),
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["repair_devices.id"],
            name=op.f("fk_repair_device_loans_device_id_repair_devices"),
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["repair_jobs.id"], name=op.f("fk_repair_device_loans_job_id_repair_jobs")
        ),
        sa.ForeignKeyConstraint(
            ["lent_by_id"], ["users.id"], name=op.f("fk_repair_device_loans_lent_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_repair_device_loans_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["returned_by_id"],
            ["users.id"],
            name=op.f("fk_repair_device_loans_returned_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_device_loans")),
    )
    with op.batch_alter_table("repair_device_loans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_repair_device_loans_device_id"), ["device_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_repair_device_loans_job_id"), ["job_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_repair_device_loans_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            "uq_repair_device_loans_open_device",
            ["device_id"],
            unique=True,
            sqlite_where=sa.text("returned_on IS NULL"),
            postgresql_where=sa.text("returned_on IS NULL"),
        )

    op.create_table(
        "repair_job_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "from_state",
            sa.Enum(
                "intake",
                "assessed",
                "approved",
                "in_progress",
                "paused",
                "ready",
                "delivered",
                "cancelled",
                name="repair_event_from",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_state",
            sa.Enum(
                "intake",
                "assessed",
                "approved",
                "in_progress",
                "paused",
                "ready",
                "delivered",
                "cancelled",
                name="repair_event_to",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "pause_reason",
            sa.Enum(
                "waiting_parts",
                "waiting_member",
                "outside_repairer",
                "waiting_approval",
                name="repair_event_pause",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_repair_job_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["repair_jobs.id"], name=op.f("fk_repair_job_events_job_id_repair_jobs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_job_events")),
        sa.UniqueConstraint("job_id", "seq", name="job_seq"),
    )
    with op.batch_alter_table("repair_job_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_repair_job_events_job_id"), ["job_id"], unique=False)

    op.create_table(
        "repair_labour",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "technician_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("worked_on", sa.Date(), nullable=False),
        sa.Column("minutes", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "rate_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "amount_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("notes", sa.String(length=500), nullable=False),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("created_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_satang >= 0", name=op.f("ck_repair_labour_amount_not_negative")),
        sa.CheckConstraint("minutes > 0", name=op.f("ck_repair_labour_minutes_positive")),
        sa.CheckConstraint("rate_satang >= 0", name=op.f("ck_repair_labour_rate_not_negative")),
        sa.ForeignKeyConstraint(
            ["job_id"], ["repair_jobs.id"], name=op.f("fk_repair_labour_job_id_repair_jobs")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_repair_labour_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["users.id"], name=op.f("fk_repair_labour_technician_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_labour")),
    )
    with op.batch_alter_table("repair_labour", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_repair_labour_job_id"), ["job_id"], unique=False)

    op.create_table(
        "repair_payments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column(
            "amount_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "journal_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("created_at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_satang > 0", name=op.f("ck_repair_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["job_id"], ["repair_jobs.id"], name=op.f("fk_repair_payments_job_id_repair_jobs")
        ),
        sa.ForeignKeyConstraint(
            ["journal_entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_repair_payments_journal_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_repair_payments_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_repair_payments_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_payments")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_repair_payments_idempotency_key")),
    )
    with op.batch_alter_table("repair_payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_repair_payments_job_id"), ["job_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_repair_payments_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "repair_stock_movements",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("part_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "received",
                "used",
                "returned",
                "adjusted",
                name="repair_movement_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("quantity", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "value_satang", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "funding",
            sa.Enum(
                "cash",
                "bank",
                "donation",
                name="repair_funding_source",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("moved_on", sa.Date(), nullable=False),
        sa.Column(
            "journal_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("at", fund.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind IN ('received', 'returned') AND quantity > 0 AND value_satang >= 0) OR (kind = 'used' AND quantity < 0 AND value_satang <= 0) OR kind = 'adjusted'",
            name=op.f("ck_repair_stock_movements_sign_matches_kind"),
        ),
        sa.CheckConstraint(
            "(kind IN ('used', 'returned')) = (job_id IS NOT NULL)",
            name=op.f("ck_repair_stock_movements_job_for_job_moves"),
        ),
        sa.CheckConstraint(
            "kind <> 'adjusted' OR reason <> ''",
            name=op.f("ck_repair_stock_movements_adjustment_has_reason"),
        ),
        sa.CheckConstraint(
            "quantity <> 0", name=op.f("ck_repair_stock_movements_quantity_not_zero")
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["repair_jobs.id"],
            name=op.f("fk_repair_stock_movements_job_id_repair_jobs"),
        ),
        sa.ForeignKeyConstraint(
            ["journal_entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_repair_stock_movements_journal_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["part_id"],
            ["repair_parts.id"],
            name=op.f("fk_repair_stock_movements_part_id_repair_parts"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_repair_stock_movements_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_stock_movements")),
    )
    with op.batch_alter_table("repair_stock_movements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_repair_stock_movements_job_id"), ["job_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_repair_stock_movements_part_id"), ["part_id"], unique=False
        )

    device_types = sa.table(
        "repair_device_types",
        sa.column("code", sa.String),
        sa.column("category", sa.String),
        sa.column("name_th", sa.String),
        sa.column("name_en", sa.String),
        sa.column("sort_order", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        device_types,
        [
            {
                "code": code,
                "category": category,
                "name_th": name_th,
                "name_en": name_en,
                "sort_order": order,
                "active": True,
            }
            for order, (code, category, name_th, name_en) in enumerate(CATALOGUE, start=1)
        ],
    )
    for table in APPEND_ONLY:
        create_append_only_triggers(op.get_bind(), table)


def downgrade() -> None:
    # Dropping a table drops its triggers on both databases.
    with op.batch_alter_table("repair_stock_movements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_stock_movements_part_id"))
        batch_op.drop_index(batch_op.f("ix_repair_stock_movements_job_id"))

    op.drop_table("repair_stock_movements")

    with op.batch_alter_table("repair_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_payments_member_id"))
        batch_op.drop_index(batch_op.f("ix_repair_payments_job_id"))

    op.drop_table("repair_payments")

    with op.batch_alter_table("repair_labour", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_labour_job_id"))

    op.drop_table("repair_labour")

    with op.batch_alter_table("repair_job_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_job_events_job_id"))

    op.drop_table("repair_job_events")

    with op.batch_alter_table("repair_device_loans", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_repair_device_loans_open_device",
            sqlite_where=sa.text("returned_on IS NULL"),
            postgresql_where=sa.text("returned_on IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_repair_device_loans_member_id"))
        batch_op.drop_index(batch_op.f("ix_repair_device_loans_job_id"))
        batch_op.drop_index(batch_op.f("ix_repair_device_loans_device_id"))

    op.drop_table("repair_device_loans")

    with op.batch_alter_table("repair_provisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_provisions_member_id"))
        batch_op.drop_index(batch_op.f("ix_repair_provisions_follow_up_on"))
        batch_op.drop_index(batch_op.f("ix_repair_provisions_device_id"))

    op.drop_table("repair_provisions")

    with op.batch_alter_table("repair_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_jobs_technician_id"))
        batch_op.drop_index(batch_op.f("ix_repair_jobs_state"))
        batch_op.drop_index(batch_op.f("ix_repair_jobs_member_id"))
        batch_op.drop_index(batch_op.f("ix_repair_jobs_follow_up_on"))
        batch_op.drop_index(batch_op.f("ix_repair_jobs_device_id"))

    op.drop_table("repair_jobs")

    with op.batch_alter_table("repair_device_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_device_history_device_id"))

    op.drop_table("repair_device_history")

    with op.batch_alter_table("repair_devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_devices_serial_no"))
        batch_op.drop_index(batch_op.f("ix_repair_devices_owner_member_id"))
        batch_op.drop_index(batch_op.f("ix_repair_devices_device_type_id"))

    op.drop_table("repair_devices")

    op.drop_table("repair_settings")

    op.drop_table("repair_parts")

    with op.batch_alter_table("repair_device_types", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_device_types_category"))

    op.drop_table("repair_device_types")
