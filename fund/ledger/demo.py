"""Demo history of the books: monthly savings, a few withdrawals, grants, donations, expenses.

Everything goes through the services, so the books balance and ``chaeson check`` passes. Runs
in the demo's single transaction (no commit per entry).
"""

from __future__ import annotations

import datetime as dt

from fund.demo import DemoContext
from fund.fundbook.models import FundTxnKind
from fund.fundbook.services import record_fund_transaction
from fund.ledger.accounts import AccountCode
from fund.ledger.queries import account_balance, member_savings_balance
from fund.savings.models import SavingsKind
from fund.savings.services import record_deposit, record_withdrawal, set_agreed_amount

DEMO_ORDER = 20

GRANTORS = [
    ("กองทุนส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ", "เงินอุดหนุนโครงการส่งเสริมอาชีพคนพิการ"),
    ("องค์การบริหารส่วนตำบลแจ้ซ้อน", "เงินอุดหนุนกองทุนคนพิการประจำปี"),
]
DONORS = [
    ("วัดแจ้ซ้อน", "เงินบริจาคงานทอดผ้าป่า"),
    ("ร้านทองใบการเกษตร", "เงินบริจาคช่วยกองทุน"),
    ("คุณสมศรี ปัญญาดี", "เงินบริจาคทำบุญวันเกิด"),
    ("ชมรมผู้สูงอายุตำบลแจ้ซ้อน", "เงินบริจาคช่วยค่าอุปกรณ์"),
]
EXPENSES = [
    ("ร้านเครื่องเขียนเมืองปาน", "ค่าเครื่องเขียนและกระดาษใบเสร็จ", 150, 600),
    ("นางบุญเรือน ใจดี", "ค่าอาหารว่างประชุมกรรมการประจำเดือน", 300, 900),
    ("ร้านถ่ายเอกสารแจ้ซ้อน", "ค่าถ่ายเอกสารรายงานการเงิน", 80, 300),
]


def _months(start: dt.date, end: dt.date):
    d = start.replace(day=1)
    while d <= end:
        yield d
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _at(day: dt.date) -> dt.datetime:
    # 10:00 in Bangkok on the day (03:00 UTC), so recorded times follow the history.
    return dt.datetime.combine(day, dt.time(3, 0), tzinfo=dt.UTC)


def run_demo(ctx: DemoContext) -> None:
    session, rng = ctx.session, ctx.rng
    treasurer = ctx.users.get("committee2") or ctx.users["committee"]
    end = ctx.end
    first = ctx.start

    record_fund_transaction(
        session,
        kind=FundTxnKind.GRANT,
        txn_date=first,
        counterparty=GRANTORS[0][0],
        description="เงินทุนตั้งต้นกองทุนคนพิการตำบลแจ้ซ้อน",
        amount_satang=150_000_00,
        money_account="1020",
        reference=f"พก 0{rng.randrange(100, 999)}/{first.year + 543}",
        attachment_name="grant-start.pdf",
        recorded_by=treasurer,
        now=_at(first),
    )
    agreed = {}
    for member in ctx.members:
        amount = rng.choice([50, 100, 100, 100, 150, 200, 300]) * 100
        agreed[member.id] = amount
        set_agreed_amount(
            session,
            member=member,
            amount_satang=amount,
            changed_by=treasurer,
            now=_at(max(member.joined_on, first)),
            today=max(member.joined_on, first),
        )

    deposits = withdrawals = 0
    for month in _months(first, end):
        meeting = month.replace(day=min(5 + rng.randrange(0, 3), 28))
        if meeting > end:
            break
        for member in ctx.members:
            if member.joined_on > meeting or rng.random() < 0.07:
                continue  # not yet a member, or missed this month's meeting
            record_deposit(
                session,
                member=member,
                amount_satang=agreed[member.id],
                txn_date=meeting,
                kind=SavingsKind.MONTHLY,
                for_month=month,
                money_account="1010",
                recorded_by=treasurer,
                now=_at(meeting),
            )
            deposits += 1
            if rng.random() < 0.04:
                record_deposit(
                    session,
                    member=member,
                    amount_satang=rng.choice([200, 500, 1000]) * 100,
                    txn_date=meeting,
                    kind=SavingsKind.EXTRA,
                    money_account="1010",
                    recorded_by=treasurer,
                    now=_at(meeting),
                )
                deposits += 1
            elif rng.random() < 0.02:
                balance = member_savings_balance(session, member.id)
                if balance >= 500_00:
                    record_withdrawal(
                        session,
                        member=member,
                        amount_satang=(balance // 2) // 100 * 100,
                        txn_date=meeting,
                        money_account="1010",
                        note="ถอนเพื่อใช้จ่ายในครอบครัว",
                        recorded_by=treasurer,
                        now=_at(meeting),
                    )
                    withdrawals += 1
        if month.month == 10 and month != first.replace(day=1):
            day = month.replace(day=15)
            if day <= end:
                grantor, purpose = GRANTORS[1]
                record_fund_transaction(
                    session,
                    kind=FundTxnKind.GRANT,
                    txn_date=day,
                    counterparty=grantor,
                    description=f"{purpose} {day.year + 544}",
                    amount_satang=rng.choice([30_000, 50_000]) * 100,
                    money_account="1020",
                    reference=f"ลป 7{rng.randrange(1000, 9999)}/{day.year + 543}",
                    recorded_by=treasurer,
                    now=_at(day),
                )
        day = month.replace(day=min(meeting.day + 1, 28))
        if day <= end:
            payee, purpose, low, high = rng.choice(EXPENSES)
            amount = rng.randrange(low, high) * 100
            cash = account_balance(session, AccountCode.CASH, as_of=day)
            record_fund_transaction(
                session,
                kind=FundTxnKind.EXPENSE,
                txn_date=day,
                counterparty=payee,
                description=purpose,
                amount_satang=amount,
                money_account="1010" if cash >= amount else "1020",
                reference=f"บิล {rng.randrange(100, 999)}",
                recorded_by=treasurer,
                now=_at(day),
            )
        if rng.random() < 0.25:
            day = month.replace(day=rng.randrange(10, 28))
            if day <= end:
                donor, purpose = rng.choice(DONORS)
                record_fund_transaction(
                    session,
                    kind=FundTxnKind.DONATION,
                    txn_date=day,
                    counterparty=donor,
                    description=purpose,
                    amount_satang=rng.choice([500, 1000, 2000, 3000]) * 100,
                    money_account="1010",
                    recorded_by=treasurer,
                    now=_at(day),
                )
    session.flush()
    ctx.progress(f"เงินสัจจะ: ฝาก {deposits} ครั้ง ถอน {withdrawals} ครั้ง (savings)")
    ctx.notes.append(f"บัญชีกองทุน: ฝากสัจจะ {deposits} รายการ, ถอน {withdrawals} รายการ")
