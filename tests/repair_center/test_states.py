"""The transition table: every (from, to) pair of states is either legal or refused."""

from __future__ import annotations

import itertools

import pytest

from repair_center.jobs.states import (
    FINAL_STATES,
    OPEN_STATES,
    TRANSITIONS,
    JobState,
    is_legal,
    next_states,
)

S = JobState
LEGAL = {
    (S.INTAKE, S.ASSESSED),
    (S.ASSESSED, S.APPROVED),
    (S.APPROVED, S.IN_PROGRESS),
    (S.IN_PROGRESS, S.PAUSED),
    (S.PAUSED, S.IN_PROGRESS),
    (S.IN_PROGRESS, S.READY),
    (S.READY, S.IN_PROGRESS),
    (S.READY, S.DELIVERED),
    (S.INTAKE, S.CANCELLED),
    (S.ASSESSED, S.CANCELLED),
    (S.APPROVED, S.CANCELLED),
    (S.IN_PROGRESS, S.CANCELLED),
    (S.PAUSED, S.CANCELLED),
    (S.READY, S.CANCELLED),
}
ALL_PAIRS = list(itertools.product(JobState, JobState))


@pytest.mark.parametrize(("from_state", "to_state"), ALL_PAIRS, ids=lambda s: s.value)
def test_each_pair_of_states_is_legal_exactly_when_the_workflow_says(from_state, to_state):
    assert is_legal(from_state, to_state) == ((from_state, to_state) in LEGAL)


def test_the_table_has_no_moves_beyond_the_workflow():
    assert set(TRANSITIONS) == LEGAL


def test_final_states_have_no_way_out_and_every_open_state_can_be_cancelled():
    for state in FINAL_STATES:
        assert next_states(state) == []
    for state in OPEN_STATES:
        assert S.CANCELLED in next_states(state)
    assert S.CANCELLED not in OPEN_STATES


def test_next_states_are_in_workflow_order_with_cancel_last():
    assert next_states(S.READY) == [S.IN_PROGRESS, S.DELIVERED, S.CANCELLED]
    assert next_states(S.IN_PROGRESS) == [S.PAUSED, S.READY, S.CANCELLED]
