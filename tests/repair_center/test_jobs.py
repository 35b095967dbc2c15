"""Repair jobs through the services: every legal move works, every illegal one is refused."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import select, text

from fund.errors import Conflict, InvalidInput
from repair_center.devices.models import Acquisition, Condition
from repair_center.devices.services import register_device
from repair_center.jobs.models import JobEvent, PaymentBasis
from repair_center.jobs.queries import job_times
from repair_center.jobs.services import (
    approve_job,
    assess_job,
    cancel_job,
    deliver_job,
    finish_job,
    move_job,
    open_job,
    pause_job,
    resume_job,
    rework_job,
    start_job,
)
from repair_center.jobs.states import TRANSITIONS, JobState, Outcome, PauseReason

S = JobState
PATHS = {
    S.INTAKE: [],
    S.ASSESSED: [S.ASSESSED],
    S.APPROVED: [S.ASSESSED, S.APPROVED],
    S.IN_PROGRESS: [S.ASSESSED, S.APPROVED, S.IN_PROGRESS],
    S.PAUSED: [S.ASSESSED, S.APPROVED, S.IN_PROGRESS, S.PAUSED],
    S.READY: [S.ASSESSED, S.APPROVED, S.IN_PROGRESS, S.READY],
    S.DELIVERED: [S.ASSESSED, S.APPROVED, S.IN_PROGRESS, S.READY, S.DELIVERED],
    S.CANCELLED: [S.CANCELLED],
}


class Driver:
    def __init__(self, db, users, now):
        self.db, self.user, self.t = db, users["repair"], now

    def tick(self) -> dt.datetime:
        self.t += dt.timedelta(hours=1)
        return self.t

    def calls(self, job, to_state):
        """Every service that can move a job into ``to_state`` (several lead to in progress)."""
        kw = {"job": job, "actor": self.user}
        return {
            S.ASSESSED: [lambda: assess_job(self.db, assessment="ยางในรั่ว", now=self.tick(), **kw)],
            S.APPROVED: [
                lambda: approve_job(self.db, basis=PaymentBasis.FUND, now=self.tick(), **kw)
            ],
            S.IN_PROGRESS: [
                lambda: start_job(self.db, now=self.tick(), **kw),
                lambda: resume_job(self.db, now=self.tick(), **kw),
                lambda: rework_job(self.db, reason="ล้อยังสั่น", now=self.tick(), **kw),
            ],
            S.PAUSED: [
                lambda: pause_job(self.db, reason=PauseReason.WAITING_PARTS, now=self.tick(), **kw)
            ],
            S.READY: [lambda: finish_job(self.db, now=self.tick(), **kw)],
            S.DELIVERED: [
                lambda: deliver_job(
                    self.db,
                    outcome=Outcome.FIXED,
                    delivered_on=self.t.date(),
                    fitting_checked=True,
                    training_given=True,
                    now=self.tick(),
                    **kw,
                )
            ],
            S.CANCELLED: [
                lambda: cancel_job(self.db, reason="สมาชิกขอยกเลิก", now=self.tick(), **kw)
            ],
            S.INTAKE: [],
        }[to_state]

    def the_call(self, job, to_state):
        kind = TRANSITIONS[(job.state, to_state)]
        calls = self.calls(job, to_state)
        if to_state is S.IN_PROGRESS:
            return calls[{"start": 0, "resume": 1, "rework": 2}[kind]]
        return calls[0]

    def drive(self, job, target):
        for state in PATHS[target]:
            self.the_call(job, state)()
        assert job.state is target
        return job


@pytest.fixture
def driver(db, users, now):
    return Driver(db, users, now)


@pytest.mark.parametrize(
    ("from_state", "to_state"), list(itertools.product(S, S)), ids=lambda s: s.value
)
def test_every_pair_through_the_services(db, driver, new_job, cash, from_state, to_state):
    job = driver.drive(new_job(), from_state)
    events_before = len(job.events)
    legal = (from_state, to_state) in TRANSITIONS
    calls = driver.calls(job, to_state)
    if legal:
        driver.the_call(job, to_state)()
        assert job.state is to_state
        last = job.events[-1]
        assert (last.from_state, last.to_state) == (from_state, to_state)
        assert len(job.events) == events_before + 1
    else:
        for call in calls:
            with pytest.raises(Conflict):
                call()
        assert job.state is from_state
        assert len(job.events) == events_before
        with pytest.raises(Conflict):
            move_job(db, job=job, to_state=to_state, actor=driver.user, now=driver.tick())


@pytest.mark.parametrize("from_state", list(S), ids=lambda s: s.value)
def test_the_boards_one_click_moves_do_only_the_simple_ones(db, driver, new_job, cash, from_state):
    for to_state in S:
        job = driver.drive(new_job(), from_state)
        kind = TRANSITIONS.get((from_state, to_state))
        if kind in ("start", "resume", "finish"):
            move_job(db, job=job, to_state=to_state, actor=driver.user, now=driver.tick())
            assert job.state is to_state
        elif kind is not None:
            with pytest.raises(InvalidInput):
                move_job(db, job=job, to_state=to_state, actor=driver.user, now=driver.tick())
            assert job.state is from_state
        # close it so the next iteration may open a new job on the same device
        if job.is_open:
            cancel_job(db, job=job, reason="ทดสอบ", actor=driver.user, now=driver.tick())


def test_job_numbers_run_per_thai_fiscal_year(db, users, now, types, members):
    def job_on(day):
        device = register_device(
            db,
            device_type=types["walker"],
            acquisition=Acquisition.MEMBER_OWN,
            owner=members[0],
            recorded_by=users["repair"],
            now=now,
        )
        return open_job(
            db, device=device, fault="ขาหลวม", received_on=day, recorded_by=users["repair"], now=now
        )

    assert job_on(dt.date(2025, 9, 30)).job_no == "R2568-0001"
    assert job_on(dt.date(2025, 10, 1)).job_no == "R2569-0001"
    assert job_on(dt.date(2025, 11, 2)).job_no == "R2569-0002"
    assert job_on(dt.date(2025, 9, 1)).job_no == "R2568-0002"


def test_intake_records_who_and_when_and_the_log_is_append_only(db, users, now, new_job):
    job = new_job()
    [event] = job.events
    assert (event.from_state, event.to_state, event.actor_id, event.at) == (
        None,
        S.INTAKE,
        users["repair"].id,
        now,
    )
    assert job.member_id == job.device.owner_member_id
    db.flush()
    for statement in (
        "UPDATE repair_job_events SET to_state = 'delivered'",
        "DELETE FROM repair_job_events",
    ):
        with pytest.raises(Exception, match="append-only"), db.begin_nested():
            db.execute(text(statement))


def test_a_device_with_an_open_job_or_retired_cannot_be_taken_in_again(
    db, users, now, new_job, wheelchair
):
    job = new_job()
    with pytest.raises(Conflict, match=job.job_no):
        new_job()
    cancel_job(db, job=job, reason="ซ้ำ", actor=users["repair"], now=now)
    wheelchair.condition = Condition.RETIRED
    with pytest.raises(Conflict):
        new_job()


def test_required_reasons_and_findings(db, driver, new_job, cash):
    job = new_job()
    with pytest.raises(InvalidInput) as err:
        assess_job(db, job=job, assessment="  ", actor=driver.user, now=driver.tick())
    assert err.value.field == "assessment"
    with pytest.raises(InvalidInput):
        cancel_job(db, job=job, reason="", actor=driver.user, now=driver.tick())
    driver.drive(job, S.READY)
    with pytest.raises(InvalidInput):
        rework_job(db, job=job, reason=" ", actor=driver.user, now=driver.tick())
    assert job.state is S.READY
    rework_job(db, job=job, reason="เบรกไม่จับ", actor=driver.user, now=driver.tick())
    assert job.events[-1].reason == "เบรกไม่จับ"


def test_pause_keeps_its_reason_and_resume_clears_it(db, driver, new_job):
    job = driver.drive(new_job(), S.IN_PROGRESS)
    pause_job(
        db,
        job=job,
        reason=PauseReason.OUTSIDE_REPAIRER,
        note="ส่งร้านเชื่อมในเมือง",
        actor=driver.user,
        now=driver.tick(),
    )
    assert job.pause_reason is PauseReason.OUTSIDE_REPAIRER
    assert job.events[-1].pause_reason is PauseReason.OUTSIDE_REPAIRER
    resume_job(db, job=job, actor=driver.user, now=driver.tick())
    assert job.pause_reason is None
    db.flush()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome": Outcome.REFERRED, "outcome_reason": ""}, "outcome_reason"),
        ({"outcome": Outcome.END_OF_LIFE, "outcome_reason": " "}, "outcome_reason"),
        ({"fitting_checked": False}, "fitting_checked"),
        ({"training_given": False}, "training_given"),
        ({"delivered_on": dt.date(2025, 11, 1)}, "delivered_on"),
        ({"follow_up_on": dt.date(2025, 11, 20)}, "follow_up_on"),
    ],
)
def test_delivery_needs_its_checks(db, driver, new_job, now, changes, field):
    job = driver.drive(new_job(), S.READY)
    args = {
        "outcome": Outcome.FIXED,
        "outcome_reason": "",
        "delivered_on": now.date(),
        "fitting_checked": True,
        "training_given": True,
    } | changes
    with pytest.raises(InvalidInput) as err:
        deliver_job(db, job=job, actor=driver.user, now=driver.tick(), **args)
    assert err.value.field == field
    assert job.state is S.READY


def test_delivery_sets_warranty_and_follow_up_from_settings(db, driver, new_job, now, cash):
    job = driver.drive(new_job(), S.DELIVERED)
    assert job.warranty_until == job.delivered_on + dt.timedelta(days=90)
    assert job.follow_up_on == job.delivered_on + dt.timedelta(days=180)


def test_end_of_life_retires_the_device_and_gives_no_warranty(db, driver, new_job, now, cash):
    job = driver.drive(new_job(), S.READY)
    deliver_job(
        db,
        job=job,
        outcome=Outcome.END_OF_LIFE,
        outcome_reason="โครงผุ ซ่อมไม่คุ้ม",
        delivered_on=now.date(),
        fitting_checked=True,
        training_given=True,
        actor=driver.user,
        now=driver.tick(),
    )
    assert job.device.condition is Condition.RETIRED
    assert job.warranty_until is None


def test_times_of_a_real_job_come_from_its_events(db, users, now, new_job, cash):
    user = users["repair"]
    t = now
    job = new_job(at=t)

    def later(**kw):
        nonlocal t
        t += dt.timedelta(**kw)
        return t

    assess_job(db, job=job, assessment="ซี่ล้อหัก", actor=user, now=later(hours=3))
    approve_job(db, job=job, basis=None, actor=user, now=later(hours=1))
    start_job(db, job=job, actor=user, now=later(days=1))
    pause_job(db, job=job, reason=PauseReason.WAITING_PARTS, actor=user, now=later(hours=2))
    resume_job(db, job=job, actor=user, now=later(days=40))
    finish_job(db, job=job, actor=user, now=later(hours=5))
    rework_job(db, job=job, reason="ล้อคด", actor=user, now=later(days=1))
    finish_job(db, job=job, actor=user, now=later(hours=1))
    deliver_job(
        db,
        job=job,
        outcome=Outcome.FIXED,
        delivered_on=t.date(),
        fitting_checked=True,
        training_given=True,
        actor=user,
        now=later(hours=4),
    )
    times = job_times(job, now=t + dt.timedelta(days=365))
    assert times.paused == dt.timedelta(days=40)
    assert times.per_state[S.IN_PROGRESS] == dt.timedelta(hours=2 + 5 + 1)
    assert times.per_state[S.READY] == dt.timedelta(days=1, hours=4)
    assert times.downtime == t - now
    assert times.reworks == 1
    assert job.payment_basis is PaymentBasis.FUND


def test_an_event_earlier_than_the_last_one_is_refused(db, users, now, new_job):
    job = new_job()
    with pytest.raises(Conflict):
        assess_job(
            db, job=job, assessment="x", actor=users["repair"], now=now - dt.timedelta(minutes=1)
        )
    assert db.scalars(select(JobEvent).where(JobEvent.job_id == job.id)).all() == job.events
