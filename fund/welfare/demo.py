"""Demo welfare: four benefit types the committee set up, a rule change, donations that seed the
welfare fund, and a few years of payouts (hospital nights, deaths, a flood, assistive devices),
all through the services so the books balance."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from fund.demo import DemoContext
from fund.errors import DomainError
from fund.ledger.accounts import AccountCode
from fund.ledger.services import closed_through
from fund.members.models import MemberStatus
from fund.welfare.rules import AmountKind, ClaimantKind, Rule
from fund.welfare.services import (
    ClaimInput,
    create_benefit,
    pay_claim,
    record_welfare_donation,
    reverse_payout,
    revise_benefit,
)

DEMO_ORDER = 40

HOSPITAL = Rule(
    name="ค่าชดเชยนอนโรงพยาบาล",
    amount_kind=AmountKind.PER_NIGHT,
    amount_satang=200_00,
    min_membership_months=6,
    max_units_per_year=10,
    evidence_required=("ใบรับรองแพทย์", "ใบเสร็จหรือใบสรุปการนอนโรงพยาบาล"),
    representative_allowed=True,
)
DEATH = Rule(
    name="ช่วยเหลือกรณีเสียชีวิต",
    amount_kind=AmountKind.FIXED,
    amount_satang=3_000_00,
    min_membership_months=12,
    max_payouts_per_year=1,
    evidence_required=("ใบมรณบัตร", "สำเนาทะเบียนบ้านของทายาท"),
    representative_allowed=True,
)
DISASTER = Rule(
    name="ช่วยเหลือภัยพิบัติ",
    amount_kind=AmountKind.FIXED,
    amount_satang=1_000_00,
    max_payouts_per_year=1,
    evidence_required=("หนังสือรับรองจากผู้ใหญ่บ้าน",),
    representative_allowed=True,
)
DEVICE = Rule(
    name="อุปกรณ์เครื่องช่วยความพิการ",
    amount_kind=AmountKind.FIXED,
    amount_satang=1_500_00,
    min_membership_months=3,
    max_amount_per_year_satang=3_000_00,
    evidence_required=("ใบเสร็จรับเงินค่าอุปกรณ์",),
    representative_allowed=False,
)
RELATIONS = ("บุตร", "ภรรยา", "สามี", "หลาน", "ผู้ดูแล")


def run_demo(ctx: DemoContext) -> None:
    db, rng = ctx.session, ctx.rng
    committee = ctx.users["committee"]
    treasurer = ctx.users.get("committee2", committee)
    start, end = ctx.start, ctx.end
    # Nothing can be posted into a closed period: welfare history starts after the last close.
    closed = closed_through(db)
    first_day = max(start, closed + dt.timedelta(days=1)) if closed else start

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(3, 0), tzinfo=dt.UTC)

    benefits = {}
    for code, rule, note in [
        ("HOSP", HOSPITAL, "ค่าชดเชยรายได้ระหว่างนอนโรงพยาบาล"),
        ("DEATH", DEATH, "ช่วยค่าจัดการศพ จ่ายให้ทายาท"),
        ("DISASTER", DISASTER, "น้ำท่วม ไฟไหม้ วาตภัย"),
        ("DEVICE", DEVICE, "ส่วนที่สิทธิ์อื่นไม่ครอบคลุม เช่น ไม้เท้า แว่นขยาย"),
    ]:
        benefits[code] = create_benefit(
            db,
            code=code,
            rule=replace(rule, effective_from=start),
            description=note,
            resolution=f"ประชุมคณะกรรมการครั้งที่ 1/{start.year + 543}",
            recorded_by=committee,
            now=ctx.now,
        )
    change_on = start + dt.timedelta(days=400)
    if change_on < end:
        revise_benefit(
            db,
            benefit=benefits["HOSP"],
            rule=replace(HOSPITAL, amount_satang=250_00, effective_from=change_on),
            description="ค่าชดเชยรายได้ระหว่างนอนโรงพยาบาล",
            resolution=f"ประชุมคณะกรรมการครั้งที่ 4/{change_on.year + 543}",
            change_note="ปรับค่าชดเชยจาก 200 เป็น 250 บาทต่อคืน ตามมติที่ประชุมใหญ่",
            recorded_by=committee,
            now=ctx.now,
        )

    donations = [(first_day + dt.timedelta(days=10), "องค์การบริหารส่วนตำบลแจ้ซ้อน", 30_000_00)]
    year_day = first_day + dt.timedelta(days=200)
    while year_day < end:
        donations.append((year_day, "ร้านค้าชุมชนบ้านแจ้ซ้อน", rng.choice([5_000_00, 8_000_00])))
        donations.append(
            (
                year_day + dt.timedelta(days=30),
                "ผ้าป่าสามัคคีวัดแจ้ซ้อน",
                rng.choice([12_000_00, 15_500_00]),
            )
        )
        year_day += dt.timedelta(days=365)
    for day, donor, amount in donations:
        if day <= end:
            record_welfare_donation(
                db,
                donor_name=donor,
                amount_satang=amount,
                received_on=day,
                account=AccountCode.CASH if amount < 10_000_00 else AccountCode.BANK,
                note="บริจาคเพื่อสวัสดิการสมาชิก",
                recorded_by=treasurer,
                now=at(day),
                today=end,
            )

    # Claims, in date order so yearly limits and the fund balance play out as they would.
    members = [m for m in ctx.members if m.status is not MemberStatus.LEFT]
    deceased = [m for m in ctx.members if m.status is MemberStatus.DECEASED]
    events: list[tuple[dt.date, str, object]] = []
    day = first_day + dt.timedelta(days=20)
    while day < end - dt.timedelta(days=5):
        for _ in range(rng.randint(1, 3)):
            events.append(
                (day + dt.timedelta(days=rng.randint(0, 25)), "HOSP", rng.choice(members))
            )
        if rng.random() < 0.25:
            events.append(
                (day + dt.timedelta(days=rng.randint(0, 25)), "DEVICE", rng.choice(members))
            )
        day += dt.timedelta(days=30)
    flood = first_day + dt.timedelta(days=300)
    if flood < end - dt.timedelta(days=10):
        village_members = [m for m in members if m.moo == 3] or members[:5]
        events += [(flood, "DISASTER", m) for m in village_members[:6]]
    for m in deceased:
        if m.status_changed_on and first_day <= m.status_changed_on < end - dt.timedelta(days=3):
            events.append((m.status_changed_on, "DEATH", m))
    events.sort(key=lambda e: e[0])

    paid = refused = 0
    reversed_one = False
    for event_date, code, member in events:
        if event_date >= end:
            continue
        paid_on = min(event_date + dt.timedelta(days=rng.randint(2, 12)), end)
        rule_evidence = benefits[code].latest.evidence_items
        by_rep = code == "DEATH" or (code == "HOSP" and rng.random() < 0.3)
        claim = ClaimInput(
            member=member,
            benefit=benefits[code],
            event_date=event_date,
            units=rng.choice([1, 2, 3, 3, 4, 5, 7, 9]) if code == "HOSP" else None,
            claimant=ClaimantKind.REPRESENTATIVE if by_rep else ClaimantKind.MEMBER,
            representative_name=(member.caregiver_name or f"นาง{member.first_name[:3]}ใจดี")
            if by_rep
            else "",
            representative_relation=(member.caregiver_relation or rng.choice(RELATIONS))
            if by_rep
            else "",
            evidence_seen=rule_evidence,
        )
        savepoint = db.begin_nested()
        try:
            row = pay_claim(
                db,
                claim,
                paid_on=paid_on,
                pay_account=AccountCode.CASH,
                recorded_by=rng.choice([committee, treasurer]),
                now=at(paid_on),
                today=end,
            )
        except DomainError:
            savepoint.rollback()
            refused += 1
            continue
        savepoint.commit()
        paid += 1
        if not reversed_one and code == "HOSP" and paid > 5:
            reverse_payout(
                db,
                claim=row,
                reason="บันทึกซ้ำกับใบสำคัญจ่ายเดิม สมาชิกนำเงินมาคืน",
                reversed_on=paid_on,
                recorded_by=committee,
                now=at(paid_on),
            )
            reversed_one = True
    ctx.notes.append(
        f"สวัสดิการ: {len(benefits)} ประเภท, เงินบริจาค {len(donations)} ครั้ง, "
        f"จ่าย {paid} ราย (ไม่ผ่านกฎ {refused} คำขอ)"
    )
    ctx.progress(f"welfare: {paid} payouts")
