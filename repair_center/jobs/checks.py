"""``chaeson check``: jobs agree with their event logs; repair debts agree with the ledger."""

from __future__ import annotations

import itertools
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from fund.ledger.accounts import AccountCode
from fund.ledger.checks import MAX_LISTED, CheckResult
from fund.ledger.models import Account, JournalEntry, JournalLine
from fund.money import format_baht
from repair_center.jobs.models import JobEvent, JobPayment, RepairJob
from repair_center.jobs.states import JobState
from repair_center.sql import total


def _state_matches_log(session: Session) -> CheckResult:
    result = CheckResult(
        "repair.job_state_matches_events",
        "สถานะของงานซ่อมตรงกับเหตุการณ์ล่าสุด และเหตุการณ์ต่อเนื่องกัน",
        "each job's state is its last event's, and each event starts where the last one ended",
    )
    events = defaultdict(list)
    for event in session.scalars(select(JobEvent).order_by(JobEvent.job_id, JobEvent.seq)):
        events[event.job_id].append(event)
    for job in session.scalars(select(RepairJob).order_by(RepairJob.id)):
        result.checked += 1
        log = events.get(job.id, [])
        problem = None
        if not log or log[0].from_state is not None or log[0].to_state is not JobState.INTAKE:
            problem = "ไม่มีเหตุการณ์รับเรื่องเป็นรายการแรก"
        elif log[-1].to_state is not job.state:
            problem = f"สถานะ {job.state.value} แต่เหตุการณ์ล่าสุด {log[-1].to_state.value}"
        else:
            for before, after in itertools.pairwise(log):
                if after.from_state is not before.to_state or after.at < before.at:
                    problem = f"เหตุการณ์ลำดับ {after.seq} ไม่ต่อจากลำดับ {before.seq}"
                    break
        if problem and len(result.problems) < MAX_LISTED:
            result.add(f"{job.job_no}: {problem}")
    return result


def _receivables_match(session: Session) -> CheckResult:
    result = CheckResult(
        "repair.member_charges_match_ledger",
        "ยอดค้างค่าซ่อมของสมาชิกในบัญชีลูกหนี้ตรงกับค่าซ่อมที่เรียกเก็บลบเงินที่รับชำระ",
        "each member's repair debt in the receivables account equals charges minus payments",
    )
    charged = dict(
        session.execute(
            select(RepairJob.member_id, total(RepairJob.member_charge_satang))
            .where(RepairJob.state == JobState.DELIVERED, RepairJob.member_id.is_not(None))
            .group_by(RepairJob.member_id)
        ).all()
    )
    paid = dict(
        session.execute(
            select(JobPayment.member_id, total(JobPayment.amount_satang)).group_by(
                JobPayment.member_id
            )
        ).all()
    )
    booked = dict(
        session.execute(
            select(JournalLine.member_id, total(JournalLine.amount_satang))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .join(Account, Account.id == JournalLine.account_id)
            .where(
                Account.code == AccountCode.MEMBER_RECEIVABLES.value,
                JournalEntry.source.like("repair.%"),
            )
            .group_by(JournalLine.member_id)
        ).all()
    )
    for member_id in sorted(set(charged) | set(paid) | set(booked)):
        result.checked += 1
        expected = (charged.get(member_id) or 0) - (paid.get(member_id) or 0)
        actual = booked.get(member_id) or 0
        if expected != actual and len(result.problems) < MAX_LISTED:
            result.add(
                f"สมาชิก id {member_id}: ค่าซ่อมค้าง {format_baht(expected)} "
                f"แต่บัญชีลูกหนี้ {format_baht(actual)}"
            )
    return result


def checks(session: Session) -> list[CheckResult]:
    return [_state_matches_log(session), _receivables_match(session)]
