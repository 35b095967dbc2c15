"""Demo data for the repair center: parts, loaners, member devices and jobs in every state.

Everything goes through the services (so the books balance and the event logs are real), over
the last months of the demo period: a grant from the subdistrict funds the center's till.
"""

from __future__ import annotations

import datetime as dt

from fund.demo import DemoContext
from fund.ledger.accounts import AccountCode
from fund.ledger.services import LineSpec, closed_through, post_entry
from repair_center.devices.models import Acquisition, Condition, DeviceType
from repair_center.devices.services import register_device
from repair_center.jobs.models import PaymentBasis
from repair_center.jobs.payments import record_payment
from repair_center.jobs.services import (
    approve_job,
    assess_job,
    cancel_job,
    deliver_job,
    finish_job,
    open_job,
    pause_job,
    record_labour,
    rework_job,
    start_job,
)
from repair_center.jobs.states import Outcome, PauseReason
from repair_center.loaners.models import LoanKind, ProvisionFunding
from repair_center.loaners.services import lend_device, provide_device, return_loan
from repair_center.parts.models import FundingSource
from repair_center.parts.services import create_part, receive_parts, use_part

DEMO_ORDER = 50

PARTS = [
    # code, name, unit, reorder level, quantity, unit cost (satang)
    ("TYRE-24", "ยางนอกล้อหลัง 24 นิ้ว", "เส้น", 4, 12, 180_00),
    ("TUBE-24", "ยางในล้อหลัง 24 นิ้ว", "เส้น", 4, 15, 85_00),
    ("CASTER-8", "ล้อหน้า (แคสเตอร์) 8 นิ้ว", "ล้อ", 2, 6, 250_00),
    ("BEARING", "ลูกปืนล้อ 6201", "ตัว", 6, 20, 45_00),
    ("BRAKE", "ชุดเบรกมือรถเข็น", "ชุด", 2, 3, 320_00),
    ("CUSHION", "เบาะรองนั่งโฟม", "ใบ", 2, 4, 450_00),
    ("TIP-CRUTCH", "ยางหุ้มปลายไม้ค้ำ", "คู่", 5, 4, 60_00),
    ("BATT-13", "ถ่านเครื่องช่วยฟังเบอร์ 13", "แผง", 5, 10, 120_00),
    ("STRAP-PROS", "สายรัดเบ้าขาเทียม", "เส้น", 2, 5, 150_00),
    ("SACH-FOOT", "เท้าเทียม SACH", "ข้าง", 1, 2, 1_800_00),
]
LOANERS = [
    ("wheelchair_manual", "Karma", "KM-2500", "สภากาชาดไทย"),
    ("wheelchair_manual", "Yuwell", "H001", "มูลนิธิคุณพุ่ม"),
    ("walker", "", "พับได้ ปรับระดับ", "โรงพยาบาลลำปาง"),
    ("crutches", "", "อะลูมิเนียม ปรับระดับ", "โรงพยาบาลลำปาง"),
]
MEMBER_DEVICES = [
    ("wheelchair_manual", "ยางแบนทั้งสองข้าง ล้อหน้าสั่น"),
    ("tricycle_hand", "โซ่หลุดบ่อย เบรกไม่อยู่"),
    ("prosthesis_leg", "เบ้าหลวม เดินแล้วเจ็บตอขา"),
    ("hearing_aid", "เสียงขาดหาย มีเสียงหวีด"),
    ("walker", "ขาไม่เท่ากัน โยกเวลาเดิน"),
    ("crutches", "ยางปลายไม้ค้ำสึกจนลื่น"),
    ("wheelchair_manual", "เบรกมือข้างซ้ายหัก"),
    ("orthosis_lower", "สายรัดขาด แผ่นรองหลุด"),
    ("white_cane", "ปลายไม้เท้าแตก ข้อต่อหลวม"),
    ("wheelchair_manual", "เบาะนั่งขาด นั่งนานเจ็บก้น"),
    ("tricycle_hand", "ลูกปืนแตก มือหมุนฝืด"),
    ("communication_board", "แผ่นภาพซีดและฉีกขาด"),
    ("prosthesis_leg", "เท้าเทียมแตก"),
    ("wheelchair_manual", "ล้อหลังคด ซี่ลวดหัก"),
    ("hearing_aid", "เครื่องไม่ติด"),
    ("walker", "ยางรองขาหลุด"),
    ("wheelchair_manual", "ที่วางเท้าหัก"),
    ("crutches", "สปริงปรับระดับเสีย"),
]


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    """``hour`` o'clock in Thailand on ``day``, as UTC."""
    return dt.datetime(day.year, day.month, day.day, hour - 7, 0, tzinfo=dt.UTC)


def run_demo(ctx: DemoContext) -> None:
    s, rng, user = ctx.session, ctx.rng, ctx.users["repair"]
    closed = closed_through(s)
    begin = max(ctx.end - dt.timedelta(days=240), (closed or ctx.start) + dt.timedelta(days=1))
    if begin >= ctx.end - dt.timedelta(days=30) or len(ctx.members) < 6:
        ctx.notes.append("ศูนย์ซ่อมสร้าง: ช่วงเวลาไม่พอสำหรับข้อมูลตัวอย่าง (skipped)")
        return
    post_entry(
        s,
        entry_date=begin,
        description="เงินอุดหนุนศูนย์ซ่อมสร้างจาก อบต.แจ้ซ้อน",
        source="repair.grant",
        lines=[
            LineSpec(AccountCode.CASH, 60_000_00),
            LineSpec(AccountCode.GRANTS_DONATIONS, -60_000_00),
        ],
        recorded_by=ctx.users["committee"],
        now=_at(begin),
    )
    parts = {}
    for code, name, unit, reorder, qty, cost in PARTS:
        part = create_part(
            s, code=code, name=name, unit=unit, reorder_level=reorder, actor=user, now=_at(begin)
        )
        receive_parts(
            s,
            part=part,
            quantity=qty,
            unit_cost_satang=cost,
            received_on=begin,
            funding=FundingSource.CASH if code != "SACH-FOOT" else FundingSource.DONATION,
            supplier="ร้านเวชภัณฑ์ลำปาง" if code != "SACH-FOOT" else "มูลนิธิขาเทียมฯ",
            actor=user,
            now=_at(begin),
        )
        parts[code] = part
    types = {t.code: t for t in s.query(DeviceType)}
    loaners = [
        register_device(
            s,
            device_type=types[code],
            acquisition=Acquisition.DONATED,
            owner=None,
            make=make,
            model=model,
            source_name=donor,
            acquired_on=begin,
            recorded_by=user,
            now=_at(begin),
        )
        for code, make, model, donor in LOANERS
    ]
    ctx.progress(f"ศูนย์ซ่อมสร้าง: อะไหล่ {len(parts)} รายการ อุปกรณ์ให้ยืม {len(loaners)} ชิ้น")

    members = rng.sample(ctx.members, min(len(ctx.members), len(MEMBER_DEVICES)))
    span = (ctx.end - begin).days
    # (state to reach, days ago the device came in) — every state, some old, some fresh
    plan = [
        "delivered_member",
        "delivered_fund",
        "delivered_shared",
        "delivered_fund",
        "delivered_member",
        "delivered_eol",
        "cancelled",
        "warranty",
        "ready",
        "ready_loaner",
        "paused_stuck",
        "paused",
        "in_progress",
        "in_progress",
        "approved",
        "assessed",
        "intake",
        "intake",
    ]
    done = []
    for index, ((code, fault), member) in enumerate(zip(MEMBER_DEVICES, members, strict=False)):
        what = plan[index % len(plan)]
        if what.startswith("delivered") or what == "cancelled":
            age = rng.randrange(60, max(61, span - 10))
        elif what == "paused_stuck":
            age = 40
        elif what == "warranty":
            age = 0
        else:
            age = rng.randrange(2, 20)
        received = ctx.end - dt.timedelta(days=age)
        device = register_device(
            s,
            device_type=types[code],
            acquisition=Acquisition.MEMBER_OWN,
            owner=member,
            acquired_on=received - dt.timedelta(days=rng.randrange(200, 2000)),
            condition=Condition.POOR,
            recorded_by=user,
            now=_at(received, 8),
        )
        if what == "warranty":
            # an earlier job, delivered five weeks ago, comes back under warranty
            earlier = ctx.end - dt.timedelta(days=50)
            first = open_job(
                s,
                device=device,
                fault=fault,
                received_on=earlier,
                recorded_by=user,
                now=_at(earlier),
                technician=user,
            )
            assess_job(s, job=first, assessment="ยางรั่ว ต้องเปลี่ยน", actor=user, now=_at(earlier, 10))
            _work(s, first, user, earlier, parts, PaymentBasis.MEMBER, rng, finish=True)
            _deliver(s, first, user, earlier + dt.timedelta(days=5))
            received = ctx.end - dt.timedelta(days=2)
            fault = "ยางที่เปลี่ยนไปรั่วอีก"
        job = open_job(
            s,
            device=device,
            fault=fault,
            received_on=received,
            recorded_by=user,
            now=_at(received),
            technician=user,
        )
        done.append(job)
        if what == "intake":
            continue
        t = received
        assess_job(
            s,
            job=job,
            assessment=f"ตรวจแล้ว: {fault} ต้องเปลี่ยนอะไหล่",
            actor=user,
            now=_at(t, 10),
            estimate_satang=rng.choice([300_00, 500_00, 800_00]),
        )
        if what == "assessed":
            continue
        basis = {
            "delivered_member": PaymentBasis.MEMBER,
            "delivered_shared": PaymentBasis.SHARED,
            "warranty": None,
        }.get(what, PaymentBasis.FUND)
        if what == "ready_loaner" or (what == "in_progress" and code.startswith("wheelchair")):
            free = [d for d in loaners if d.device_type.code == "wheelchair_manual"]
            for spare in free:
                if not _on_loan(s, spare):
                    lend_device(
                        s,
                        device=spare,
                        member=member,
                        kind=LoanKind.WHILE_REPAIRING,
                        job=job,
                        lent_on=t,
                        actor=user,
                        now=_at(t, 11),
                    )
                    break
        if what == "approved":
            approve_job(s, job=job, basis=basis, actor=user, now=_at(t, 11))
            continue
        _work(
            s,
            job,
            user,
            t,
            parts,
            basis,
            rng,
            finish=what.startswith(("delivered", "ready", "warranty")),
            pause=what.startswith("paused"),
        )
        if what == "cancelled":
            cancel_job(
                s,
                job=job,
                reason="สมาชิกได้รถเข็นคันใหม่จากโรงพยาบาล ไม่ต้องซ่อมแล้ว",
                actor=user,
                now=_at(t + dt.timedelta(days=2)),
            )
        elif what.startswith("delivered") or what == "warranty":
            outcome = Outcome.END_OF_LIFE if what == "delivered_eol" else Outcome.FIXED
            _deliver(s, job, user, t + dt.timedelta(days=rng.randrange(4, 12)), outcome)
            if what == "delivered_member":
                paid_on = job.delivered_on + dt.timedelta(days=7)
                half = job.member_charge_satang // 2
                if half and paid_on < ctx.end:
                    record_payment(
                        s,
                        job=job,
                        amount_satang=half,
                        paid_on=paid_on,
                        actor=user,
                        now=_at(paid_on),
                    )
    # long-term loans: one current, one overdue; devices given from stock and by the fund
    crutch = next(d for d in loaners if d.device_type.code == "crutches")
    walker = next(d for d in loaners if d.device_type.code == "walker")
    lend_device(
        s,
        device=walker,
        member=members[0],
        kind=LoanKind.LONG_TERM,
        lent_on=ctx.end - dt.timedelta(days=20),
        actor=user,
        now=_at(ctx.end - dt.timedelta(days=20)),
    )
    lend_device(
        s,
        device=crutch,
        member=members[1],
        kind=LoanKind.LONG_TERM,
        lent_on=ctx.end - dt.timedelta(days=120),
        due_on=ctx.end - dt.timedelta(days=30),
        actor=user,
        now=_at(ctx.end - dt.timedelta(days=120)),
        notes="ยืมระหว่างพักฟื้นหลังผ่าตัดเข่า",
    )
    given_on = ctx.end - dt.timedelta(days=170)
    cane = register_device(
        s,
        device_type=types["white_cane"],
        acquisition=Acquisition.FUND_PURCHASE,
        owner=None,
        recorded_by=user,
        now=_at(given_on, 8),
        acquired_on=given_on,
    )
    provide_device(
        s,
        device=cane,
        member=members[2],
        funding=ProvisionFunding.FUND,
        cost_satang=650_00,
        provided_on=given_on,
        fitting_checked=True,
        training_given=True,
        actor=user,
        now=_at(given_on),
    )
    aid = register_device(
        s,
        device_type=types["hearing_aid"],
        acquisition=Acquisition.DONATED,
        owner=None,
        recorded_by=user,
        now=_at(given_on, 8),
        source_name="มูลนิธิเพื่อคนหูหนวก",
    )
    provide_device(
        s,
        device=aid,
        member=members[3],
        funding=ProvisionFunding.DONOR,
        donor_name="มูลนิธิเพื่อคนหูหนวก",
        cost_satang=8_500_00,
        provided_on=given_on,
        fitting_checked=True,
        training_given=True,
        actor=user,
        now=_at(given_on, 10),
    )
    s.flush()
    ctx.notes.append(
        f"ศูนย์ซ่อมสร้าง: งานซ่อม {len(done)} งาน ทุกสถานะ อะไหล่ {len(parts)} รายการ "
        f"อุปกรณ์ยืม {len(loaners)} ชิ้น"
    )


def _on_loan(session, device) -> bool:
    from repair_center.loaners.services import open_loan_of

    return open_loan_of(session, device) is not None


def _work(s, job, user, t, parts, basis, rng, *, finish: bool, pause: bool = False) -> None:
    approve_job(
        s,
        job=job,
        basis=basis,
        member_share_percent=50 if basis is PaymentBasis.SHARED else None,
        actor=user,
        now=_at(t, 11),
    )
    day1 = t + dt.timedelta(days=1)
    start_job(s, job=job, actor=user, now=_at(day1, 9))
    code = {
        "wheelchair_manual": "TYRE-24",
        "tricycle_hand": "BEARING",
        "prosthesis_leg": "STRAP-PROS",
        "hearing_aid": "BATT-13",
        "crutches": "TIP-CRUTCH",
    }.get(job.device.device_type.code)
    if code and parts[code].quantity_on_hand >= 1:
        use_part(
            s, job=job, part=parts[code], quantity=1, used_on=day1, actor=user, now=_at(day1, 10)
        )
    record_labour(
        s,
        job=job,
        technician=user,
        worked_on=day1,
        minutes=rng.choice([30, 60, 90, 120]),
        actor=user,
        now=_at(day1, 12),
    )
    if pause:
        reason = (
            PauseReason.WAITING_PARTS
            if job.device.device_type.code.startswith(("prosthesis", "wheelchair"))
            else PauseReason.OUTSIDE_REPAIRER
        )
        pause_job(
            s, job=job, reason=reason, note="สั่งอะไหล่จากกรุงเทพฯ", actor=user, now=_at(day1, 14)
        )
        return
    if finish:
        finish_job(s, job=job, actor=user, now=_at(day1 + dt.timedelta(days=1), 15))
        if rng.random() < 0.25:
            rework_job(
                s,
                job=job,
                reason="ลองใช้แล้วยังไม่พอดี ต้องปรับ",
                actor=user,
                now=_at(day1 + dt.timedelta(days=2), 10),
            )
            finish_job(s, job=job, actor=user, now=_at(day1 + dt.timedelta(days=2), 16))


def _deliver(s, job, user, day, outcome=Outcome.FIXED) -> None:
    from repair_center.loaners.queries import loans_for_job

    for loan in loans_for_job(s, job):
        if loan.returned_on is None:
            return_loan(
                s, loan=loan, returned_on=day, condition=Condition.GOOD, actor=user, now=_at(day, 9)
            )
    deliver_job(
        s,
        job=job,
        outcome=outcome,
        delivered_on=day,
        fitting_checked=True,
        training_given=True,
        actor=user,
        now=_at(day, 10),
        outcome_reason="โครงเหล็กผุทั้งคัน ไม่คุ้มซ่อม แนะนำขอรถเข็นใหม่"
        if outcome is Outcome.END_OF_LIFE
        else "",
    )
