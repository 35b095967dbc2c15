"""Welfare fixtures: members of known age, the demo benefits, a welfare fund with money in it."""

from __future__ import annotations

import datetime as dt

import pytest

from fund.ledger.checks import run_all_checks
from fund.members.models import Member, MemberStatus
from fund.welfare import checks as welfare_checks
from fund.welfare.queries import welfare_fund_balance
from fund.welfare.rules import AmountKind, Rule
from fund.welfare.services import create_benefit, record_welfare_donation

TODAY = dt.date(2025, 11, 20)


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture
def make_member(db, now):
    counter = iter(range(1, 10_000))

    def make(joined_on: dt.date = dt.date(2023, 1, 10), status=MemberStatus.ACTIVE) -> Member:
        n = next(counter)
        member = Member(
            member_no=f"CS-{9000 + n:04d}",
            title="นาง",
            first_name=f"บัวผัน{n}",
            last_name="ใจดี",
            joined_on=joined_on,
            status=status,
            created_at=now,
        )
        db.add(member)
        db.flush()
        return member

    return make


HOSPITAL_RULE = Rule(
    name="ค่าชดเชยนอนโรงพยาบาล",
    amount_kind=AmountKind.PER_NIGHT,
    amount_satang=200_00,
    min_membership_months=6,
    max_units_per_claim=7,
    max_units_per_year=10,
    evidence_required=("ใบรับรองแพทย์",),
    representative_allowed=True,
    effective_from=dt.date(2020, 1, 1),
)
DISASTER_RULE = Rule(
    name="ช่วยเหลือภัยพิบัติ",
    amount_kind=AmountKind.FIXED,
    amount_satang=1_000_00,
    max_payouts_per_year=1,
    representative_allowed=False,
    evidence_required=("หนังสือรับรองจากผู้ใหญ่บ้าน",),
    effective_from=dt.date(2020, 1, 1),
)


@pytest.fixture
def committee(users):
    return users["committee"]


@pytest.fixture
def hospital(db, committee, now):
    return create_benefit(db, code="HOSP", rule=HOSPITAL_RULE, recorded_by=committee, now=now)


@pytest.fixture
def disaster(db, committee, now):
    return create_benefit(db, code="DISASTER", rule=DISASTER_RULE, recorded_by=committee, now=now)


@pytest.fixture
def fund_money(db, committee, now):
    """Put money into the welfare fund by a donation (and cash into the till)."""

    def give(amount_satang: int, on: dt.date = dt.date(2024, 1, 5), key: str | None = None):
        return record_welfare_donation(
            db,
            donor_name="องค์การบริหารส่วนตำบลแจ้ซ้อน",
            amount_satang=amount_satang,
            received_on=on,
            recorded_by=committee,
            now=now,
            today=TODAY,
            idempotency_key=key,
        )

    return give


def assert_books_hold(db) -> None:
    """The ledger's invariant checks and welfare's own (the fund never negative on any day)."""
    db.flush()
    results = run_all_checks(db, extra_modules=[welfare_checks])
    failed = [(r.name, r.problems) for r in results if not r.ok]
    assert failed == []
    assert welfare_fund_balance(db) >= 0


@pytest.fixture
def books_hold(db):
    return lambda: assert_books_hold(db)
