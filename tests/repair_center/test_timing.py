"""Durations come from the event log only: pauses, reopen (rework), open jobs, long pauses."""

from __future__ import annotations

import datetime as dt

import pytest

from repair_center.jobs.states import JobState as S
from repair_center.jobs.timing import Step, compute_times

T0 = dt.datetime(2025, 11, 1, 2, 0, tzinfo=dt.UTC)


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def steps(*pairs) -> list[Step]:
    return [Step(at(h), state) for h, state in pairs]


H = dt.timedelta(hours=1)


def test_a_straight_job_sums_each_state_and_downtime_ends_at_delivery():
    log = steps(
        (0, S.INTAKE),
        (2, S.ASSESSED),
        (5, S.APPROVED),
        (6, S.IN_PROGRESS),
        (10, S.READY),
        (30, S.DELIVERED),
    )
    times = compute_times(log, now=at(1000))
    assert times.per_state == {
        S.INTAKE: 2 * H,
        S.ASSESSED: 3 * H,
        S.APPROVED: H,
        S.IN_PROGRESS: 4 * H,
        S.READY: 20 * H,
    }
    assert times.downtime == 30 * H
    assert times.paused == dt.timedelta(0)
    assert times.active == 30 * H
    assert times.reworks == 0


def test_pauses_are_summed_and_subtracted_from_active_time():
    log = steps(
        (0, S.INTAKE),
        (1, S.ASSESSED),
        (2, S.APPROVED),
        (3, S.IN_PROGRESS),
        (4, S.PAUSED),
        (28, S.IN_PROGRESS),
        (29, S.PAUSED),
        (53, S.IN_PROGRESS),
        (55, S.READY),
        (56, S.DELIVERED),
    )
    times = compute_times(log, now=at(1000))
    assert times.paused == 48 * H
    assert times.per_state[S.IN_PROGRESS] == 4 * H
    assert times.downtime == 56 * H
    assert times.active == 8 * H


def test_reopening_a_ready_job_counts_the_second_spell_of_work_and_the_rework():
    log = steps(
        (0, S.INTAKE),
        (1, S.ASSESSED),
        (2, S.APPROVED),
        (3, S.IN_PROGRESS),
        (5, S.READY),
        (6, S.IN_PROGRESS),
        (9, S.READY),
        (10, S.DELIVERED),
    )
    times = compute_times(log, now=at(99))
    assert times.reworks == 1
    assert times.per_state[S.IN_PROGRESS] == 5 * H
    assert times.per_state[S.READY] == 2 * H
    assert times.downtime == 10 * H


def test_an_open_job_runs_to_now_and_a_long_pause_keeps_growing():
    log = steps((0, S.INTAKE), (1, S.ASSESSED), (2, S.APPROVED), (3, S.IN_PROGRESS), (4, S.PAUSED))
    ninety_days_later = at(4) + dt.timedelta(days=90)
    times = compute_times(log, now=ninety_days_later)
    assert times.paused == dt.timedelta(days=90)
    assert times.per_state[S.PAUSED] == dt.timedelta(days=90)
    assert times.downtime == dt.timedelta(days=90, hours=4)
    assert times.current_since == at(4)
    later = compute_times(log, now=ninety_days_later + dt.timedelta(days=30))
    assert later.paused == dt.timedelta(days=120)


def test_a_cancelled_job_stops_the_clock_at_cancellation():
    log = steps((0, S.INTAKE), (3, S.ASSESSED), (7, S.CANCELLED))
    times = compute_times(log, now=at(500))
    assert times.downtime == 7 * H
    assert S.CANCELLED not in times.per_state


def test_now_before_the_last_event_does_not_make_negative_time():
    log = steps((0, S.INTAKE), (5, S.ASSESSED))
    times = compute_times(log, now=at(1))
    assert times.per_state[S.ASSESSED] == dt.timedelta(0)
    assert times.downtime == 5 * H


def test_events_out_of_order_are_refused():
    with pytest.raises(ValueError, match="order"):
        compute_times(steps((0, S.INTAKE), (5, S.ASSESSED), (4, S.APPROVED)), now=at(9))


def test_an_empty_log_has_no_time():
    times = compute_times([], now=at(1))
    assert times.downtime == dt.timedelta(0)
    assert times.current_since is None
