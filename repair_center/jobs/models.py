"""Repair jobs, their append-only event log, labour, and payments of the member's share."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fund.db import Base, UTCDateTime, str_enum
from repair_center.devices.models import Device
from repair_center.jobs.states import JobState, Outcome, PauseReason


class PaymentBasis(StrEnum):
    """Who pays for the job, set on approval."""

    FUND = "fund"  #: the fund pays everything
    MEMBER = "member"  #: the member pays everything
    SHARED = "shared"  #: the member pays ``member_share_percent`` %, the fund the rest
    WARRANTY = "warranty"  #: return within the workmanship warranty: free to the member
    WAIVED = "waived"  #: charge waived (hardship); the fund bears it


class RepairJob(Base):
    __tablename__ = "repair_jobs"
    __table_args__ = (
        CheckConstraint(
            "member_share_percent >= 0 AND member_share_percent <= 100", name="share_range"
        ),
        CheckConstraint(
            "payment_basis IS NULL"
            " OR (payment_basis = 'member' AND member_share_percent = 100)"
            " OR (payment_basis = 'shared' AND member_share_percent BETWEEN 1 AND 99)"
            " OR (payment_basis IN ('fund', 'warranty', 'waived') AND member_share_percent = 0)",
            name="share_matches_basis",
        ),
        CheckConstraint(
            "state <> 'delivered' OR (outcome IS NOT NULL AND delivered_on IS NOT NULL"
            " AND fitting_checked AND training_given)",
            name="delivered_complete",
        ),
        CheckConstraint("(state = 'paused') = (pause_reason IS NOT NULL)", name="pause_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "R2569-0001": per Thai fiscal year of intake, gap-free
    job_no: Mapped[str] = mapped_column(String(16), unique=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("repair_devices.id"), index=True)
    #: the member the device is repaired for; None for the center's own stock
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    #: a return of an earlier job on the same device (warranty returns point here)
    return_of_job_id: Mapped[int | None] = mapped_column(ForeignKey("repair_jobs.id"))
    #: current state; always equals the last event's to_state (checked by repair checks)
    state: Mapped[JobState] = mapped_column(str_enum(JobState, "repair_job_state"), index=True)
    pause_reason: Mapped[PauseReason | None] = mapped_column(
        str_enum(PauseReason, "repair_pause_reason")
    )
    received_on: Mapped[dt.date] = mapped_column(Date)
    #: the fault as the member described it
    fault: Mapped[str] = mapped_column(String(2000))
    #: technician's findings and planned work
    assessment: Mapped[str] = mapped_column(String(2000), default="")
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: estimate given at assessment (satang), for the approval conversation
    estimate_satang: Mapped[int] = mapped_column(default=0)
    payment_basis: Mapped[PaymentBasis | None] = mapped_column(
        str_enum(PaymentBasis, "repair_payment_basis")
    )
    #: the member's share of the final cost in percent (0-100)
    member_share_percent: Mapped[int] = mapped_column(default=0)
    #: why a warranty return is charged anyway, or why a charge was waived
    basis_note: Mapped[str] = mapped_column(String(500), default="")
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "repair_outcome"))
    outcome_reason: Mapped[str] = mapped_column(String(1000), default="")
    fitting_checked: Mapped[bool] = mapped_column(default=False)
    training_given: Mapped[bool] = mapped_column(default=False)
    delivered_on: Mapped[dt.date | None] = mapped_column(Date)
    #: end of the workmanship warranty (delivery + warranty days)
    warranty_until: Mapped[dt.date | None] = mapped_column(Date)
    #: when to check on the member and the device after delivery
    follow_up_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    followed_up_on: Mapped[dt.date | None] = mapped_column(Date)
    follow_up_notes: Mapped[str] = mapped_column(String(1000), default="")
    #: costs frozen at delivery (or cancellation), satang
    parts_cost_satang: Mapped[int] = mapped_column(default=0)
    labour_cost_satang: Mapped[int] = mapped_column(default=0)
    member_charge_satang: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    device: Mapped[Device] = relationship(lazy="joined")
    events: Mapped[list[JobEvent]] = relationship(
        back_populates="job", order_by="JobEvent.seq", lazy="selectin"
    )

    @property
    def is_open(self) -> bool:
        return self.state not in (JobState.DELIVERED, JobState.CANCELLED)

    @property
    def total_cost_satang(self) -> int:
        return self.parts_cost_satang + self.labour_cost_satang


class JobEvent(Base):
    """One move of a job: who, when, from → to, why. Append-only (database triggers)."""

    __tablename__ = "repair_job_events"
    __table_args__ = (UniqueConstraint("job_id", "seq", name="job_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("repair_jobs.id"), index=True)
    #: 1, 2, 3 … within the job
    seq: Mapped[int]
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: None only for the first event (intake)
    from_state: Mapped[JobState | None] = mapped_column(str_enum(JobState, "repair_event_from"))
    to_state: Mapped[JobState] = mapped_column(str_enum(JobState, "repair_event_to"))
    pause_reason: Mapped[PauseReason | None] = mapped_column(
        str_enum(PauseReason, "repair_event_pause")
    )
    reason: Mapped[str] = mapped_column(String(1000), default="")

    job: Mapped[RepairJob] = relationship(back_populates="events")


class LabourEntry(Base):
    """Technician time on a job at an hourly rate. Amount = minutes × rate / 60, rounded."""

    __tablename__ = "repair_labour"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes_positive"),
        CheckConstraint("rate_satang >= 0", name="rate_not_negative"),
        CheckConstraint("amount_satang >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("repair_jobs.id"), index=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    worked_on: Mapped[dt.date] = mapped_column(Date)
    minutes: Mapped[int]
    #: satang per hour
    rate_satang: Mapped[int]
    amount_satang: Mapped[int]
    notes: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class JobPayment(Base):
    """A payment (whole or an instalment) of the member's share of a job."""

    __tablename__ = "repair_payments"
    __table_args__ = (CheckConstraint("amount_satang > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("repair_jobs.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    amount_satang: Mapped[int]
    #: the ledger entry (debit cash, credit the member's receivable)
    journal_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    #: the form's one-time key: a double submit records one payment
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
