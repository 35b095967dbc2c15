"""Demo loans: a realistic small portfolio, made through the services so the books balance.

Mostly 0 % livelihood loans, some flat and declining ones; most members repay on time, some are
late, a few stopped paying (so the arrears screens have something to show), one hardship case
was rescheduled and one loan written off.
"""

from __future__ import annotations

import datetime as dt

from fund.demo import DemoContext
from fund.ledger.accounts import AccountCode
from fund.ledger.services import LineSpec, closed_through, get_account, lowest_balance_from
from fund.ledger.services import post_entry as _post
from fund.loans.models import LatePolicy, LoanPurpose, NoteKind, PayChannel
from fund.loans.schedule import InterestMethod, add_months
from fund.loans.services import (
    add_note,
    approve_application,
    create_product,
    disburse_loan,
    record_application,
    record_repayment,
    reschedule_loan,
    write_off_loan,
)
from fund.loans.state import loan_position
from fund.members.models import MemberStatus

DEMO_ORDER = 30

_PLANS = [
    (LoanPurpose.LIVESTOCK, "ซื้อลูกสุกร 4 ตัวและอาหาร", "เลี้ยงสุกรขุน 5 เดือน ขายให้พ่อค้าในตำบล"),
    (LoanPurpose.LIVESTOCK, "ซื้อไก่ไข่ 30 ตัว", "ขายไข่ไก่ที่ตลาดนัดวันพุธ สัปดาห์ละ 2 ครั้ง"),
    (LoanPurpose.CRAFTS, "ซื้อเส้นตอกและสีย้อมสำหรับจักสาน", "สานตะกร้าส่งกลุ่มแม่บ้าน เดือนละ 40 ใบ"),
    (LoanPurpose.CRAFTS, "ซื้อกี่ทอผ้าและด้าย", "ทอผ้าซิ่นขายที่ศูนย์ OTOP อำเภอเมืองปาน"),
    (LoanPurpose.TRADE, "เพิ่มสินค้าในร้านขายของชำหน้าบ้าน", "กำไรจากร้านวันละประมาณ 150 บาท"),
    (LoanPurpose.AGRICULTURE, "ซื้อพันธุ์ผักและระบบน้ำหยด", "ปลูกผักสวนครัวส่งร้านอาหารในหมู่บ้าน"),
    (LoanPurpose.REPAIR_SERVICE, "ซื้อเครื่องมือซ่อมรถจักรยานยนต์", "รับซ่อมรถในหมู่บ้าน รายได้เดือนละ 3,000 บาท"),
    (LoanPurpose.TRADE, "ซื้อรถเข็นขายลูกชิ้นทอด", "ขายหน้าโรงเรียนบ้านแจ้ซ้อน ทุกวันทำการ"),
]
_SITUATIONS = [
    "อยู่กับภรรยาและลูก 2 คน ภรรยารับจ้างทั่วไป",
    "อยู่กับมารดาสูงอายุ ได้รับเบี้ยความพิการเดือนละ 800 บาท",
    "ใช้รถเข็น ทำงานที่บ้านได้ ลูกสาวช่วยขนของไปขาย",
    "สายตาเลือนราง มีญาติช่วยดูแลบัญชีร้าน",
]


def _fund_cash_if_short(ctx: DemoContext, on: dt.date, amount: int, channel: PayChannel) -> None:
    """Top up cash or bank with a local-government grant when the fund would lack the money."""
    session = ctx.session
    code = AccountCode.CASH if channel is PayChannel.CASH else AccountCode.BANK
    available = lowest_balance_from(session, get_account(session, code), None, on)
    if available >= amount:
        return
    grant = ((amount - available) // 5_000_000 + 1) * 5_000_000  # in steps of 50,000 baht
    _post(
        session,
        entry_date=on,
        description="เงินอุดหนุนกองทุนเงินกู้เพื่อประกอบอาชีพ จาก อบต.แจ้ซ้อน",
        source="demo.grant",
        lines=[
            LineSpec(code, grant),
            LineSpec(AccountCode.GRANTS_DONATIONS, -grant),
        ],
        recorded_by=ctx.users["committee"],
        now=ctx.now,
    )


def run_demo(ctx: DemoContext) -> None:
    session = ctx.session
    rng = ctx.rng
    maker, checker = ctx.users["committee"], ctx.users["committee2"]
    ctx.progress("เงินกู้ (loans)")
    products = [
        create_product(
            session,
            name="เงินกู้ประกอบอาชีพ ไม่มีดอกเบี้ย",
            purpose=LoanPurpose.OTHER,
            max_amount_satang=2_000_000,
            max_term_months=24,
            method=InterestMethod.ZERO,
            annual_rate_bp=0,
            round_to_satang=100,
            grace_months=0,
            late_policy=LatePolicy.NONE,
            late_fee_satang=0,
            late_fee_after_days=0,
            created_by=maker,
            now=ctx.now,
        ),
        create_product(
            session,
            name="เงินกู้เลี้ยงสัตว์ ดอกเบี้ยคงที่ 3% ต่อปี",
            purpose=LoanPurpose.LIVESTOCK,
            max_amount_satang=3_000_000,
            max_term_months=24,
            method=InterestMethod.FLAT,
            annual_rate_bp=300,
            round_to_satang=100,
            grace_months=1,
            late_policy=LatePolicy.FIXED_FEE,
            late_fee_satang=2_000,
            late_fee_after_days=15,
            created_by=maker,
            now=ctx.now,
        ),
        create_product(
            session,
            name="เงินกู้ขยายกิจการ ลดต้นลดดอก 6% ต่อปี",
            purpose=LoanPurpose.TRADE,
            max_amount_satang=5_000_000,
            max_term_months=36,
            method=InterestMethod.DECLINING,
            annual_rate_bp=600,
            round_to_satang=100,
            grace_months=0,
            late_policy=LatePolicy.NONE,
            late_fee_satang=0,
            late_fee_after_days=0,
            created_by=maker,
            now=ctx.now,
        ),
    ]
    first_day = ctx.start
    closed = closed_through(session)
    if closed is not None and closed >= first_day:
        first_day = closed + dt.timedelta(days=1)
    span = (ctx.end - first_day).days - 75
    if span <= 0:
        return
    borrowers = [m for m in ctx.members if m.status is MemberStatus.ACTIVE]
    rng.shuffle(borrowers)
    borrowers = borrowers[: max(1, len(borrowers) * 2 // 5)]
    made = stopped = 0
    for index, member in enumerate(borrowers):
        applied = first_day + dt.timedelta(days=rng.randrange(span))
        if applied < member.joined_on:
            applied = member.joined_on
            if (ctx.end - applied).days < 75:
                continue
        pick = rng.random()
        product = products[0] if pick < 0.65 else products[1] if pick < 0.85 else products[2]
        amount = rng.choice([3_000, 5_000, 8_000, 10_000, 15_000, 20_000]) * 100
        amount = min(amount, product.max_amount_satang)
        term = rng.choice([10, 12, 18, 24])
        purpose, plan, situation = (*rng.choice(_PLANS)[1:], rng.choice(_SITUATIONS))
        application = record_application(
            session,
            member=member,
            product=product,
            amount_satang=amount,
            term_months=term,
            purpose=purpose,
            livelihood_plan=plan,
            member_situation=situation,
            applied_on=applied,
            recorded_by=maker,
            now=ctx.now,
        )
        meeting = applied + dt.timedelta(days=rng.randint(3, 12))
        loan = approve_application(
            session,
            application=application,
            decided_by=checker,
            meeting_no=f"{meeting.month}/{meeting.year + 543}",
            meeting_date=meeting,
            resolution="ที่ประชุมพิจารณาแผนอาชีพแล้ว มีมติอนุมัติ ไม่ต้องมีผู้ค้ำประกัน",
            now=ctx.now,
        )
        disbursed = meeting + dt.timedelta(days=rng.randint(0, 3))
        channel = PayChannel.CASH if rng.random() < 0.8 else PayChannel.BANK
        _fund_cash_if_short(ctx, disbursed, amount, channel)
        disburse_loan(
            session,
            loan=loan,
            disbursed_on=disbursed,
            channel=channel,
            recorded_by=maker,
            now=ctx.now,
            idempotency_key=f"demo-disburse-{loan.id}",
        )
        made += 1
        # Behaviour: most pay on time; some are late now and then; a few stop paying.
        roll = rng.random()
        stop_after = rng.randint(2, 6) if index in (1, 5, 9, 14) else None
        late_often = roll < 0.2
        hardship = index == 3
        paid = 0
        month = 1
        while True:
            due = add_months(disbursed, month)
            if due > ctx.end or loan.status.value != "active":
                break
            if stop_after is not None and paid >= stop_after:
                break
            if hardship and month == 4:
                effective = min(due, ctx.end)
                reschedule_loan(
                    session,
                    loan=loan,
                    effective_on=effective,
                    new_term_months=term + 6,
                    freeze_interest=True,
                    reason="ป่วยเข้าโรงพยาบาล และรถเข็นเสีย หยุดทำงาน 2 เดือน",
                    meeting_no=f"{effective.month}/{effective.year + 543}",
                    meeting_date=effective,
                    resolution="ให้ขยายเวลาผ่อน 6 เดือน และงดคิดดอกเบี้ย",
                    recorded_by=maker,
                    now=ctx.now,
                )
            if late_often and rng.random() < 0.3:
                month += 1
                continue
            on = min(due + dt.timedelta(days=rng.randint(0, 4)), ctx.end)
            amount_due = loan_position(session, loan).due_on(on)
            if amount_due > 0:
                record_repayment(
                    session,
                    loan=loan,
                    amount_satang=amount_due,
                    paid_on=on,
                    channel=PayChannel.CASH,
                    recorded_by=maker,
                    now=ctx.now,
                    idempotency_key=f"demo-repay-{loan.id}-{month}",
                    memo="วันประชุมประจำเดือน",
                )
                paid += 1
            month += 1
        if stop_after is not None and loan.status.value == "active":
            stopped += 1
            last = add_months(disbursed, stop_after + 1)
            if last < ctx.end:
                add_note(
                    session,
                    loan=loan,
                    kind=NoteKind.VISIT,
                    text="เยี่ยมบ้าน สัตว์ที่เลี้ยงป่วยตาย รายได้ลดลง จะพยายามชำระบางส่วน",
                    noted_on=last,
                    recorded_by=maker,
                    now=ctx.now,
                )
                if stopped == 2 and (ctx.end - last).days > 60:
                    write_off_loan(
                        session,
                        loan=loan,
                        written_off_on=ctx.end,
                        reason="ผู้กู้ย้ายไปรักษาตัวกับญาติต่างจังหวัด ไม่มีรายได้ ติดต่อไม่ได้",
                        meeting_no=f"{ctx.end.month}/{ctx.end.year + 543}",
                        meeting_date=ctx.end,
                        resolution="ที่ประชุมมีมติให้ตัดเป็นหนี้สูญ",
                        recorded_by=maker,
                        now=ctx.now,
                        idempotency_key=f"demo-write-off-{loan.id}",
                    )
    session.flush()
    ctx.notes.append(f"เงินกู้ {made} สัญญา (ค้างชำระ {stopped} สัญญา)")
