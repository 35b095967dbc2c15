"""The repair job's states and the one table of legal moves between them (pure, no database).

intake → assessed → approved → in_progress ⇄ paused; in_progress → ready → delivered;
ready → in_progress (rework); any open state → cancelled. Delivered and cancelled are final.
"""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    INTAKE = "intake"  #: received, fault written down
    ASSESSED = "assessed"  #: technician has looked at it and estimated the work
    APPROVED = "approved"  #: work and cost split agreed
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"  #: see PauseReason
    READY = "ready"  #: repaired, waiting for the member to collect / fitting
    DELIVERED = "delivered"  #: handed back (final)
    CANCELLED = "cancelled"  #: stopped with a reason (final)


class PauseReason(StrEnum):
    WAITING_PARTS = "waiting_parts"
    WAITING_MEMBER = "waiting_member"
    OUTSIDE_REPAIRER = "outside_repairer"
    WAITING_APPROVAL = "waiting_approval"


class Outcome(StrEnum):
    FIXED = "fixed"
    REFERRED = "referred"  #: sent on to a hospital / prosthetics workshop
    END_OF_LIFE = "end_of_life"  #: cannot be repaired; the device is retired


FINAL_STATES = frozenset({JobState.DELIVERED, JobState.CANCELLED})
OPEN_STATES = frozenset(JobState) - FINAL_STATES

#: (from, to) → the kind of move (each kind needs its own data, see services)
TRANSITIONS: dict[tuple[JobState, JobState], str] = {
    (JobState.INTAKE, JobState.ASSESSED): "assess",
    (JobState.ASSESSED, JobState.APPROVED): "approve",
    (JobState.APPROVED, JobState.IN_PROGRESS): "start",
    (JobState.IN_PROGRESS, JobState.PAUSED): "pause",
    (JobState.PAUSED, JobState.IN_PROGRESS): "resume",
    (JobState.IN_PROGRESS, JobState.READY): "finish",
    (JobState.READY, JobState.IN_PROGRESS): "rework",
    (JobState.READY, JobState.DELIVERED): "deliver",
    **{(state, JobState.CANCELLED): "cancel" for state in OPEN_STATES},
}

#: moves that need no more data than the click (the board's buttons do these directly)
SIMPLE_MOVES = frozenset({"assess", "start", "resume", "finish"})


def is_legal(from_state: JobState, to_state: JobState) -> bool:
    return (from_state, to_state) in TRANSITIONS


def move_kind(from_state: JobState, to_state: JobState) -> str | None:
    return TRANSITIONS.get((from_state, to_state))


def next_states(state: JobState) -> list[JobState]:
    """Legal targets from ``state``, in the order of the workflow (cancel last)."""
    order = list(JobState)
    return sorted((to for (fr, to) in TRANSITIONS if fr is state), key=order.index)


STATE_LABELS_TH = {
    JobState.INTAKE: "รับเรื่อง",
    JobState.ASSESSED: "ประเมินแล้ว",
    JobState.APPROVED: "อนุมัติแล้ว",
    JobState.IN_PROGRESS: "กำลังซ่อม",
    JobState.PAUSED: "พักงาน",
    JobState.READY: "พร้อมส่งมอบ",
    JobState.DELIVERED: "ส่งมอบแล้ว",
    JobState.CANCELLED: "ยกเลิก",
}
STATE_LABELS_EN = {
    JobState.INTAKE: "Intake",
    JobState.ASSESSED: "Assessed",
    JobState.APPROVED: "Approved",
    JobState.IN_PROGRESS: "In progress",
    JobState.PAUSED: "Paused",
    JobState.READY: "Ready",
    JobState.DELIVERED: "Delivered",
    JobState.CANCELLED: "Cancelled",
}
