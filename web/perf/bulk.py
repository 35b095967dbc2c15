"""Scale data fast: members and years of monthly savings written as rows, not through services.

``chaeson demo --members 5000 --years 10`` would take hours through the services (every deposit
is a dozen queries). This loader builds the same rows the savings service writes — the savings
transaction, its balanced journal entry (cash debit, member savings credit, both lines keyed by
the member), a receipt numbered without gaps per fiscal year — in Python, and inserts them in
chunks: ``executemany`` on SQLite, ``COPY`` on PostgreSQL, one transaction per year. Members'
balances are tracked in memory so withdrawals never overdraw. Loans, welfare and repair then come
from their own demo steps through the services, for a sample of the members, so those books are
exactly what the services make. ``chaeson check`` passes on the result.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.orm import Session

from fund.audit.services import record_audit
from fund.demo import DemoContext
from fund.ledger.accounts import AccountCode
from fund.ledger.balances import apply_all_pending
from fund.ledger.models import Account, JournalEntry, JournalLine, Receipt
from fund.ledger.services import LineSpec, fiscal_start_month, post_entry
from fund.members.models import Member, MemberStatus, Sex
from fund.savings.models import SavingsAccount, SavingsKind, SavingsTransaction
from fund.sequences import Counter
from fund.thaidate import fiscal_year, month_name
from fund.users.models import User
from fund.users.services import create_user
from web.demo import (
    DEMO_USERS,
    FEMALE_NAMES,
    LAST_NAMES,
    MALE_NAMES,
    OCCUPATIONS,
    VILLAGES,
    DemoRefused,
    demo_steps,
)

#: demo steps still run through the services after the bulk savings (loans, welfare, repair)
SERVICE_STEPS_FROM = 30
#: how many members the service-made steps (loans, welfare, repair) work with, and over how
#: many recent years (each service posting checks cash never goes negative from its date on,
#: which reads every later cash line: older history would make them slow, not more realistic)
SERVICE_SAMPLE = 200
SERVICE_YEARS = 3
CHUNK = 20_000


@dataclass
class BulkStats:
    members: int = 0
    entries: int = 0
    lines: int = 0
    receipts: int = 0
    seconds: float = 0.0
    #: the bulk part alone (members and savings history), the rest is the service-made steps
    bulk_seconds: float = 0.0


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out, d = [], start.replace(day=1)
    while d <= end:
        out.append(d)
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(3, 0), tzinfo=dt.UTC)


class _Writer:
    """Inserts row dicts into a table: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pg = session.get_bind().dialect.name == "postgresql"

    def write(self, table: Table, rows: list[dict]) -> None:
        if not rows:
            return
        if not self.pg:
            for i in range(0, len(rows), CHUNK):
                self.session.execute(insert(table), rows[i : i + CHUNK])
            return
        columns = list(rows[0])
        # COPY skips the models' Python-side defaults (e.g. "" for text): add them.
        defaults = {
            c.name: c.default.arg
            for c in table.columns
            if c.name not in rows[0] and c.default is not None and c.default.is_scalar
        }
        columns += list(defaults)
        rows = [{**row, **defaults} for row in rows] if defaults else rows
        raw = self.session.connection().connection.driver_connection
        names = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cursor:
            with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])

    def next_id(self, table: Table) -> int:
        return int(self.session.scalar(select(func.coalesce(func.max(table.c.id), 0)))) + 1

    def fix_sequences(self, tables: Iterable[Table]) -> None:
        """COPY with explicit ids leaves PostgreSQL's sequences behind: move them on."""
        if not self.pg:
            return
        for table in tables:
            # table names come from our own metadata, never from input
            sql = f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM \"{table.name}\"), false)"  # noqa: E501, S608
            self.session.execute(text(sql))


def _member_rows(rng: random.Random, n: int, first_id: int, start: dt.date, now: dt.datetime):
    rows = []
    for i in range(n):
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        first = rng.choice(MALE_NAMES if sex is Sex.MALE else FEMALE_NAMES)
        title = "นาย" if sex is Sex.MALE else rng.choice(["นาง", "นางสาว"])
        occupation, livelihood = rng.choice(OCCUPATIONS)
        moo, village = rng.choice(VILLAGES)
        rows.append(
            {
                "id": first_id + i,
                "member_no": f"CS-{i + 1:05d}",
                "title": title,
                "first_name": first,
                "last_name": rng.choice(LAST_NAMES),
                "birth_date": dt.date(
                    rng.randrange(1950, 2000), rng.randrange(1, 13), rng.randrange(1, 29)
                ),
                "sex": sex.value,
                "phone": f"08{rng.randrange(10_000_000, 99_999_999)}",
                "house_no": str(rng.randrange(1, 200)),
                "moo": moo,
                "village": village,
                "tambon": "แจ้ซ้อน",
                "amphoe": "เมืองปาน",
                "province": "ลำปาง",
                "postcode": "52240",
                "occupation": occupation,
                "livelihood": livelihood,
                "joined_on": start + dt.timedelta(days=rng.randrange(0, 120)),
                "status": MemberStatus.ACTIVE.value,
                "created_at": now,
            }
        )
    return rows


def load_bulk(
    session: Session,
    *,
    members: int,
    years: int,
    password: str,
    seed: int,
    now: dt.datetime,
    progress: Callable[[str], None] = lambda _m: None,
    bar: Callable[[int], None] = lambda _n: None,
    service_steps: bool = True,
) -> BulkStats:
    """Fill an empty database with ``members`` members and ``years`` of monthly savings.

    Commits once per year. ``bar(n)`` is called as months are written (for a progress bar);
    the total is ``len(months) + 1``.
    """
    import time

    started = time.perf_counter()
    if session.scalar(select(func.count()).select_from(User)) or session.scalar(
        select(func.count()).select_from(Member)
    ):
        raise DemoRefused(
            "ฐานข้อมูลมีข้อมูลอยู่แล้ว จึงไม่โหลดข้อมูลตัวอย่าง "
            "(the database is not empty; demo data is only loaded into an empty database)"
        )
    rng = random.Random(seed)
    today = now.date()
    start = dt.date(today.year - years, today.month, 1)
    writer = _Writer(session)
    users = {
        username: create_user(
            session, username=username, display_name=name, role=role, password=password, now=now
        )
        for username, name, role in DEMO_USERS
    }
    treasurer = users["committee2"]
    stats = BulkStats(members=members)

    member_rows = _member_rows(rng, members, writer.next_id(Member.__table__), start, now)
    writer.write(Member.__table__, member_rows)
    session.execute(insert(Counter).values(name="member_no", last_value=members))
    agreed = {r["id"]: rng.choice([50, 100, 100, 100, 150, 200, 300]) * 100 for r in member_rows}
    first_account_id = writer.next_id(SavingsAccount.__table__)
    writer.write(
        SavingsAccount.__table__,
        [
            {
                "id": first_account_id + i,
                "member_id": r["id"],
                "agreed_monthly_satang": agreed[r["id"]],
                "opened_on": max(r["joined_on"], start),
                "updated_at": now,
            }
            for i, r in enumerate(member_rows)
        ],
    )
    # The opening grant goes through the ledger service (one entry; cash for the first year).
    post_entry(
        session,
        entry_date=start,
        description="เงินทุนตั้งต้นกองทุนคนพิการตำบลแจ้ซ้อน",
        source="demo.opening",
        lines=[
            LineSpec(AccountCode.BANK, 150_000_00 * max(1, members // 60)),
            LineSpec(AccountCode.GRANTS_DONATIONS, -150_000_00 * max(1, members // 60)),
        ],
        recorded_by=treasurer,
        now=_at(start),
    )
    session.commit()
    bar(1)

    accounts = {a.code: a.id for a in session.scalars(select(Account))}
    cash, savings = accounts[AccountCode.CASH.value], accounts[AccountCode.MEMBER_SAVINGS.value]
    start_month = fiscal_start_month(session)
    ids = {
        t: writer.next_id(t)
        for t in (
            JournalEntry.__table__,
            JournalLine.__table__,
            Receipt.__table__,
            SavingsTransaction.__table__,
        )
    }
    receipt_no: dict[int, int] = {}
    balance = dict.fromkeys(agreed, 0)
    months = _months(start, today)
    by_year: dict[int, list[dt.date]] = {}
    for month in months:
        by_year.setdefault(month.year, []).append(month)
    for _year, year_months in sorted(by_year.items()):
        entries, lines, receipts, txns = [], [], [], []
        for month in year_months:
            meeting = month.replace(day=min(5 + rng.randrange(0, 3), 28))
            if meeting > today:
                bar(1)
                continue
            recorded = _at(meeting)
            fy = fiscal_year(meeting, start_month)
            label = f"{month_name(month.month)} {month.year + 543}"
            for r in member_rows:
                member_id = r["id"]
                if r["joined_on"] > meeting or rng.random() < 0.07:
                    continue
                name = f"{r['title']}{r['first_name']} {r['last_name']}"
                todo = [(SavingsKind.MONTHLY, agreed[member_id])]
                roll = rng.random()
                if roll < 0.04:
                    todo.append((SavingsKind.EXTRA, rng.choice([200, 500, 1000]) * 100))
                elif roll < 0.06 and balance[member_id] >= 500_00:
                    todo.append((SavingsKind.WITHDRAWAL, balance[member_id] // 2 // 100 * 100))
                for kind, amount in todo:
                    txn_id = ids[SavingsTransaction.__table__]
                    entry_id = ids[JournalEntry.__table__]
                    line_id = ids[JournalLine.__table__]
                    ids[SavingsTransaction.__table__] += 1
                    ids[JournalEntry.__table__] += 1
                    ids[JournalLine.__table__] += 2
                    sign = -1 if kind is SavingsKind.WITHDRAWAL else 1
                    balance[member_id] += sign * amount
                    if kind is SavingsKind.MONTHLY:
                        purpose = f"เงินสัจจะประจำเดือน{label}"
                    elif kind is SavingsKind.EXTRA:
                        purpose = "เงินฝากสัจจะเพิ่ม"
                    else:
                        purpose = "ถอนเงินสัจจะ"
                    receipt_id = None
                    if sign > 0:
                        receipt_id = ids[Receipt.__table__]
                        ids[Receipt.__table__] += 1
                        receipt_no[fy] = receipt_no.get(fy, 0) + 1
                        receipts.append(
                            {
                                "id": receipt_id,
                                "fiscal_year": fy,
                                "number": receipt_no[fy],
                                "issued_on": meeting,
                                "payer_member_id": member_id,
                                "payer_name": name,
                                "purpose": purpose,
                                "amount_satang": amount,
                                "recorded_by_id": treasurer.id,
                                "recorded_at": recorded,
                                "journal_entry_id": entry_id,
                                "voided_at": None,
                                "voided_by_id": None,
                                "void_reason": "",
                                "void_entry_id": None,
                                "reprint_count": 0,
                            }
                        )
                    entries.append(
                        {
                            "id": entry_id,
                            "entry_date": meeting,
                            "description": f"{purpose} {r['member_no']} {name}",
                            "source": "savings.deposit" if sign > 0 else "savings.withdrawal",
                            "source_id": txn_id,
                            "recorded_by_id": treasurer.id,
                            "recorded_at": recorded,
                            "idempotency_key": None,
                            "reverses_id": None,
                        }
                    )
                    for no, (account_id, amt) in enumerate(
                        [(cash, sign * amount), (savings, -sign * amount)], start=1
                    ):
                        lines.append(
                            {
                                "id": line_id + no - 1,
                                "entry_id": entry_id,
                                "line_no": no,
                                "account_id": account_id,
                                "amount_satang": amt,
                                "member_id": member_id,
                                "loan_id": None,
                                "memo": "",
                            }
                        )
                    txns.append(
                        {
                            "id": txn_id,
                            "member_id": member_id,
                            "kind": kind.value,
                            "amount_satang": amount,
                            "txn_date": meeting,
                            "for_month": month if kind is SavingsKind.MONTHLY else None,
                            "money_account": AccountCode.CASH.value,
                            "note": "ถอนเพื่อใช้จ่ายในครอบครัว" if sign < 0 else "",
                            "recorded_by_id": treasurer.id,
                            "recorded_at": recorded,
                            "idempotency_key": None,
                            "journal_entry_id": entry_id,
                            "receipt_id": receipt_id,
                        }
                    )
            bar(1)
        writer.write(JournalEntry.__table__, entries)
        writer.write(JournalLine.__table__, lines)
        writer.write(Receipt.__table__, receipts)
        writer.write(SavingsTransaction.__table__, txns)
        stats.entries += len(entries)
        stats.lines += len(lines)
        stats.receipts += len(receipts)
        # The trigger left every line pending: add the year to the kept balances in one go.
        apply_all_pending(session)
        session.commit()
    for fy, last in receipt_no.items():
        name = f"receipt:{fy}"
        if session.get(Counter, name) is None:
            session.add(Counter(name=name, last_value=last))
        else:
            session.execute(update(Counter).where(Counter.name == name).values(last_value=last))
    writer.fix_sequences(
        [
            Member.__table__,
            SavingsAccount.__table__,
            JournalEntry.__table__,
            JournalLine.__table__,
            Receipt.__table__,
            SavingsTransaction.__table__,
        ]
    )
    record_audit(
        session,
        actor=users["admin"],
        action="demo.bulk_load",
        entity="database",
        entity_id=None,
        details={"members": members, "years": years, "entries": stats.entries},
        at=now,
    )
    session.commit()
    stats.bulk_seconds = time.perf_counter() - started
    progress(
        f"{stats.bulk_seconds:.0f} s: สมาชิก {members} คน, รายการบัญชี {stats.entries:,} รายการ "
        f"({stats.lines:,} บรรทัด) (members, journal entries, lines)"
    )
    if service_steps:
        sample = [
            m
            for m in session.scalars(
                select(Member).where(
                    Member.id.in_(
                        [r["id"] for r in rng.sample(member_rows, min(SERVICE_SAMPLE, members))]
                    )
                )
            )
        ]
        recent = max(start, dt.date(today.year - SERVICE_YEARS, today.month, 1))
        ctx = DemoContext(session, rng, now, recent, today, users, sample, progress)
        for module in demo_steps():
            if getattr(module, "DEMO_ORDER", 100) >= SERVICE_STEPS_FROM:
                step_started = time.perf_counter()
                module.run_demo(ctx)
                session.commit()
                progress(f"{module.__name__}: {time.perf_counter() - step_started:.0f} s")
    stats.seconds = time.perf_counter() - started
    return stats
