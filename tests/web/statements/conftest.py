"""A member with a real history made through the areas' services (savings, loans, welfare,
repair charges through the ledger), for statements whose totals must equal the books."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest

from fund.ledger.accounts import AccountCode
from fund.ledger.services import LineSpec, post_entry
from fund.members.models import Member
from fund.savings.models import SavingsKind
from fund.savings.services import record_deposit, record_withdrawal

TODAY = dt.date(2025, 11, 20)
START = dt.date(2025, 11, 1)
END = dt.date(2025, 11, 30)
HARD_NAME = ("นางสาว", "ญาณิศา", "ปิ่นฐิติพันธุ์")
LONG_NOTE = "ฝากเพิ่มจากการขายผักปลอดสารพิษและไก่พื้นเมืองที่ญาติผู้ดูแลช่วยเลี้ยงให้ที่บ้านปั๊มน้ำ"


def key() -> str:
    return uuid.uuid4().hex


@dataclass
class History:
    member: Member
    other: Member
    loan: object
    claim: object
    repayments: list
    deposits: list


def make_member(db, now, no: str, names: tuple[str, str, str], **kw) -> Member:
    member = Member(
        member_no=no,
        title=names[0],
        first_name=names[1],
        last_name=names[2],
        joined_on=dt.date(2023, 1, 10),
        created_at=now,
        phone="081-234-5678",
        house_no="12/3",
        tambon="แจ้ซ้อน",
        amphoe="เมืองปาน",
        province="ลำปาง",
        postcode="52240",
        **kw,
    )
    db.add(member)
    db.flush()
    return member


def build_history(db, users, now) -> History:
    pytest.importorskip("fund.loans.services", reason="the loans area is not installed")
    pytest.importorskip("fund.welfare.services", reason="the welfare area is not installed")
    from fund.loans.models import LatePolicy, LoanPurpose, PayChannel
    from fund.loans.schedule import InterestMethod
    from fund.loans.services import (
        approve_application,
        create_product,
        disburse_loan,
        record_application,
        record_repayment,
    )
    from fund.welfare.rules import AmountKind, Rule
    from fund.welfare.services import (
        ClaimInput,
        create_benefit,
        pay_claim,
        record_welfare_donation,
    )

    committee, checker = users["committee"], users["committee2"]
    member = make_member(db, now, "CS-0701", HARD_NAME, moo=4, village="บ้านปั๊มน้ำ")
    other = make_member(db, now, "CS-0702", ("นาย", "ปู่ฟื้น", "กตัญญู"), moo=2, village="บ้านทุ่ง")
    # money in the till for loans and welfare
    for account in (AccountCode.CASH, AccountCode.BANK):
        post_entry(
            db,
            entry_date=dt.date(2024, 1, 2),
            description="เงินทุนตั้งต้น",
            source="test.opening",
            lines=[
                LineSpec(account, 100_000_00),
                LineSpec(AccountCode.OPENING_BALANCES, -100_000_00),
            ],
            recorded_by=committee,
            now=now,
        )
    deposits = []
    for on, amount, kind, note in [
        (dt.date(2025, 10, 5), 200_00, SavingsKind.MONTHLY, ""),
        (dt.date(2025, 11, 5), 200_00, SavingsKind.MONTHLY, ""),
        (dt.date(2025, 11, 8), 1_500_00, SavingsKind.EXTRA, LONG_NOTE),
    ]:
        deposits.append(
            record_deposit(
                db,
                member=member,
                amount_satang=amount,
                txn_date=on,
                recorded_by=committee,
                now=now,
                kind=kind,
                note=note,
                idempotency_key=key(),
            )
        )
    record_deposit(
        db,
        member=other,
        amount_satang=300_00,
        txn_date=dt.date(2025, 11, 6),
        recorded_by=committee,
        now=now,
        idempotency_key=key(),
    )
    record_withdrawal(
        db,
        member=member,
        amount_satang=100_00,
        txn_date=dt.date(2025, 11, 12),
        recorded_by=committee,
        now=now,
        note="ถอนซื้อยา",
        idempotency_key=key(),
    )
    product = create_product(
        db,
        name="เงินกู้ประกอบอาชีพ",
        purpose=LoanPurpose.LIVESTOCK,
        max_amount_satang=50_000_00,
        max_term_months=36,
        method=InterestMethod.ZERO,
        annual_rate_bp=0,
        round_to_satang=100,
        grace_months=0,
        late_policy=LatePolicy.NONE,
        late_fee_satang=0,
        late_fee_after_days=0,
        created_by=committee,
        now=now,
    )
    application = record_application(
        db,
        member=member,
        product=product,
        amount_satang=5_000_00,
        term_months=10,
        purpose="ซื้อลูกไก่พื้นเมืองและปั๊มน้ำ",
        livelihood_plan="เลี้ยงไก่ขาย",
        member_situation="อยู่กับญาติ",
        applied_on=dt.date(2025, 6, 1),
        recorded_by=committee,
        now=now,
    )
    loan = approve_application(
        db,
        application=application,
        decided_by=checker,
        meeting_no="6/2568",
        meeting_date=dt.date(2025, 6, 10),
        resolution="อนุมัติตามคำขอ",
        now=now,
    )
    loan = disburse_loan(
        db,
        loan=loan,
        disbursed_on=dt.date(2025, 6, 15),
        channel=PayChannel.CASH,
        recorded_by=committee,
        now=now,
        idempotency_key=key(),
    )
    repayments = [
        record_repayment(
            db,
            loan=loan,
            amount_satang=500_00,
            paid_on=on,
            channel=PayChannel.CASH,
            recorded_by=committee,
            now=now,
            idempotency_key=key(),
        )
        for on in (
            dt.date(2025, 7, 15),
            dt.date(2025, 8, 15),
            dt.date(2025, 9, 15),
            dt.date(2025, 11, 10),
        )
    ]
    record_welfare_donation(
        db,
        donor_name="องค์การบริหารส่วนตำบลแจ้ซ้อน",
        amount_satang=10_000_00,
        received_on=dt.date(2024, 1, 5),
        recorded_by=committee,
        now=now,
        today=TODAY,
    )
    benefit = create_benefit(
        db,
        code="HOSP",
        rule=Rule(
            name="ค่าชดเชยนอนโรงพยาบาล",
            amount_kind=AmountKind.PER_NIGHT,
            amount_satang=200_00,
            min_membership_months=6,
            max_units_per_claim=7,
            max_units_per_year=10,
            evidence_required=("ใบรับรองแพทย์",),
            representative_allowed=True,
            effective_from=dt.date(2020, 1, 1),
        ),
        recorded_by=committee,
        now=now,
    )
    claim = pay_claim(
        db,
        ClaimInput(
            member=member,
            benefit=benefit,
            event_date=dt.date(2025, 11, 10),
            units=3,
            evidence_seen=("ใบรับรองแพทย์",),
        ),
        paid_on=dt.date(2025, 11, 14),
        recorded_by=committee,
        now=now,
        today=TODAY,
    )
    # a repair charge billed to the member and part of it paid (the repair center's postings)
    post_entry(
        db,
        entry_date=dt.date(2025, 11, 3),
        description="ค่าซ่อมรถเข็น R-2569-0015 ส่วนของสมาชิก",
        source="repair.delivery",
        source_id=15,
        lines=[
            LineSpec(
                AccountCode.MEMBER_RECEIVABLES, 450_00, member_id=member.id, memo="R-2569-0015"
            ),
            LineSpec(AccountCode.REPAIR_INCOME, -450_00),
        ],
        recorded_by=committee,
        now=now,
    )
    post_entry(
        db,
        entry_date=dt.date(2025, 11, 17),
        description="รับชำระค่าซ่อม R-2569-0015",
        source="repair.payment",
        source_id=15,
        lines=[
            LineSpec(AccountCode.CASH, 200_00),
            LineSpec(
                AccountCode.MEMBER_RECEIVABLES, -200_00, member_id=member.id, memo="R-2569-0015"
            ),
        ],
        recorded_by=committee,
        now=now,
    )
    db.flush()
    return History(member, other, loan, claim, repayments, deposits)


@pytest.fixture
def history(db, users, now) -> History:
    made = build_history(db, users, now)
    db.commit()
    return made


from tests.reports.conftest import pdfcheck  # noqa: E402, F401  (the PDF checking helpers)
