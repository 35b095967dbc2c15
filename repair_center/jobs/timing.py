"""How long a job spent in each state, computed from its event log only (pure).

Nobody types a duration: every number here is derived from the events' timestamps, so a reopened
job (ready → in progress) or a long pause is counted the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from repair_center.jobs.states import FINAL_STATES, JobState


@dataclass(frozen=True)
class Step:
    """One event as far as timing cares: at ``at`` the job entered ``to_state``."""

    at: dt.datetime
    to_state: JobState


@dataclass(frozen=True)
class JobTimes:
    #: total time spent in each state (final states are not timed)
    per_state: dict[JobState, dt.timedelta] = field(default_factory=dict)
    #: time in the paused state, summed over every pause
    paused: dt.timedelta = dt.timedelta(0)
    #: intake until delivery/cancellation (or until ``now`` while open): the member's wait
    downtime: dt.timedelta = dt.timedelta(0)
    #: downtime minus paused time
    active: dt.timedelta = dt.timedelta(0)
    #: number of times the job went back from ready to in progress
    reworks: int = 0
    #: when the current state began (None for an empty log)
    current_since: dt.datetime | None = None


def compute_times(steps: Sequence[Step], now: dt.datetime) -> JobTimes:
    """Sum the intervals between consecutive events; an open job's last interval runs to ``now``.

    Steps must be in order (the log's sequence); a step earlier than its predecessor is refused,
    because a negative interval would silently shrink the member's recorded wait.
    """
    if not steps:
        return JobTimes()
    per_state: dict[JobState, dt.timedelta] = {}
    reworks = 0
    for previous, current in itertools.pairwise(steps):
        if current.at < previous.at:
            raise ValueError("job events out of time order")
        span = current.at - previous.at
        per_state[previous.to_state] = per_state.get(previous.to_state, dt.timedelta(0)) + span
        if previous.to_state is JobState.READY and current.to_state is JobState.IN_PROGRESS:
            reworks += 1
    last = steps[-1]
    if last.to_state in FINAL_STATES:
        end = last.at
    else:
        end = max(now, last.at)
        per_state[last.to_state] = per_state.get(last.to_state, dt.timedelta(0)) + (end - last.at)
    downtime = end - steps[0].at
    paused = per_state.get(JobState.PAUSED, dt.timedelta(0))
    return JobTimes(
        per_state=per_state,
        paused=paused,
        downtime=downtime,
        active=downtime - paused,
        reworks=reworks,
        current_since=last.at,
    )


def days(span: dt.timedelta) -> float:
    return span.total_seconds() / 86_400
