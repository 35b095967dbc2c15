"""The queue: urgent first, then oldest; stuck jobs; filters by technician, state and village."""

from __future__ import annotations

import datetime as dt

from repair_center.devices.models import Acquisition
from repair_center.devices.services import register_device
from repair_center.jobs.models import PaymentBasis
from repair_center.jobs.queries import board_columns, list_queue
from repair_center.jobs.services import approve_job, assess_job, open_job, pause_job, start_job
from repair_center.jobs.states import OPEN_STATES, JobState, PauseReason
from repair_center.settings.services import update_settings


def make(db, users, now, types, member, code, days_ago, technician=None):
    device = register_device(
        db,
        device_type=types[code],
        acquisition=Acquisition.MEMBER_OWN,
        owner=member,
        recorded_by=users["repair"],
        now=now,
    )
    return open_job(
        db,
        device=device,
        fault="ชำรุด",
        received_on=now.date() - dt.timedelta(days=days_ago),
        recorded_by=users["repair"],
        now=now,
        technician=technician,
    )


def test_urgent_jobs_come_first_then_the_oldest(db, users, now, types, members):
    hearing = make(db, users, now, types, members[0], "hearing_aid", 30)
    chair = make(db, users, now, types, members[1], "wheelchair_manual", 2)
    board = make(db, users, now, types, members[2], "communication_board", 5)
    cane = make(db, users, now, types, members[2], "white_cane", 10)
    rows = list_queue(db, now=now, today=now.date())
    assert [r.job_no for r in rows] == [board.job_no, chair.job_no, hearing.job_no, cane.job_no]
    assert [r.urgent for r in rows] == [True, True, False, False]
    assert rows[2].age_days == 30


def test_a_job_paused_longer_than_the_setting_is_stuck(db, users, now, types, members):
    job = make(db, users, now, types, members[0], "walker", 1)
    user = users["repair"]
    assess_job(db, job=job, assessment="x", actor=user, now=now)
    approve_job(db, job=job, basis=PaymentBasis.FUND, actor=user, now=now)
    start_job(db, job=job, actor=user, now=now)
    pause_job(db, job=job, reason=PauseReason.WAITING_PARTS, actor=user, now=now)
    later = now + dt.timedelta(days=14, hours=1)
    [row] = list_queue(db, now=later, today=later.date())
    assert row.stuck and row.days_in_state == 14
    update_settings(db, changed_by=user, now=now, stuck_after_days=20)
    [row] = list_queue(db, now=later, today=later.date())
    assert not row.stuck
    assert list_queue(db, now=later, today=later.date(), only_stuck=True) == []


def test_filters_by_technician_state_and_village(db, users, now, types, members):
    mine = make(db, users, now, types, members[0], "walker", 1, technician=users["repair"])
    other = make(db, users, now, types, members[1], "crutches", 1)
    assess_job(db, job=other, assessment="x", actor=users["repair"], now=now)
    assert [
        r.job_no
        for r in list_queue(db, now=now, today=now.date(), technician_id=users["repair"].id)
    ] == [mine.job_no]
    assert [
        r.job_no for r in list_queue(db, now=now, today=now.date(), states=[JobState.ASSESSED])
    ] == [other.job_no]
    assert [
        r.job_no for r in list_queue(db, now=now, today=now.date(), village=members[1].village)
    ] == [other.job_no]
    columns = board_columns(list_queue(db, now=now, today=now.date()))
    assert [s for s, _ in columns] == [s for s in JobState if s in OPEN_STATES]
    assert dict(columns)[JobState.INTAKE][0].job_no == mine.job_no


def test_settings_refuse_values_out_of_range(db, users, now):
    import pytest

    from fund.errors import InvalidInput

    for name, value in (
        ("stuck_after_days", 0),
        ("warranty_days", -1),
        ("labour_rate_satang", -1),
        ("follow_up_days", 1.5),
        ("nonsense", 1),
    ):
        with pytest.raises(InvalidInput):
            update_settings(db, changed_by=users["repair"], now=now, **{name: value})
