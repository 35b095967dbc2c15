"""Scale data fast: members and years of monthly savings written as rows, not through services.

``chaeson demo --members 5000 --years 10`` would take hours through the services (every deposit
is a dozen queries). This loader builds the same rows the savings service writes — the savings
transaction, its balanced journal entry (cash debit, member savings credit, both lines keyed by
the member), a receipt numbered without gaps per fiscal year — in Python, a month at a time, and
inserts them: ``executemany`` on SQLite (one transaction per year, the kept balances applied
set-based each year), ``COPY`` on PostgreSQL (one transaction with triggers off and indexes built
at the end, the kept balances computed from the journal: see ``_PgBulk``). Members' balances are
tracked in memory so withdrawals never overdraw. Loans, welfare and repair then come
from their own demo steps through the services, for a sample of the members, so those books are
exactly what the services make. ``chaeson check`` passes on the result.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import starmap

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.orm import Session

from fund.audit.services import record_audit
from fund.demo import DemoContext
from fund.ledger.accounts import AccountCode
from fund.ledger.balances import apply_all_pending, rebuild_balances
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


class _Null:
    """COPY's NULL: ``format(NULL)`` is ``\\N`` in COPY text."""

    def __format__(self, spec: str) -> str:
        return "\\N"


_NULL = _Null()
#: a whole field that is COPY's NULL: ``\N`` between tabs or line ends (starts with the
#: backslash, so the search skips along to the next backslash)
_NULL_FIELD = re.compile(r"\\(?<![^\t\n]\\)N(?![^\t\n])")


def _copy_text(value) -> str:
    """A fixed value (a column default) as COPY text."""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


class _Writer:
    """Inserts rows (tuples, in ``columns`` order) into a table: executemany on SQLite, COPY on
    PostgreSQL, where the rows are formatted as COPY text in one go (the generated values never
    hold a tab, newline or backslash; ``write`` checks, and falls back to row by row if so)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pg = session.get_bind().dialect.name == "postgresql"
        #: what a NULL is in the rows handed to ``write``
        self.null = _NULL if self.pg else None

    def write(self, table: Table, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        if not self.pg:
            for i in range(0, len(rows), CHUNK):
                chunk = [dict(zip(columns, r, strict=True)) for r in rows[i : i + CHUNK]]
                self.session.execute(insert(table), chunk)
            return
        # COPY skips the models' Python-side defaults (e.g. "" for text): add them.
        defaults = {
            c.name: c.default.arg
            for c in table.columns
            if c.name not in columns and c.default is not None and c.default.is_scalar
        }
        names = [*columns, *defaults]
        fixed = "".join("\t" + _copy_text(v) for v in defaults.values())
        template = "\t".join(["{}"] * len(columns)) + fixed.replace("{", "{{").replace("}", "}}")
        data = "\n".join(starmap(template.format, rows)) + "\n"
        raw = self.session.connection().connection.driver_connection
        quoted = ", ".join(f'"{c}"' for c in names)
        with raw.cursor() as cursor:
            with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                if (
                    data.count("\n") == len(rows)
                    and data.count("\t") == len(rows) * (len(names) - 1)
                    and data.count("\\") == len(_NULL_FIELD.findall(data))
                ):
                    copy.write(data.encode())
                else:  # a value needs escaping: let psycopg do it
                    plain = [tuple(None if v is _NULL else v for v in r) for r in rows]
                    for row in plain:
                        copy.write_row([*row, *defaults.values()])

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


_ENTRY_COLUMNS = (
    "id",
    "entry_date",
    "description",
    "source",
    "source_id",
    "recorded_by_id",
    "recorded_at",
)
_LINE_COLUMNS = (
    "id",
    "entry_id",
    "entry_date",
    "line_no",
    "account_id",
    "amount_satang",
    "member_id",
)
_RECEIPT_COLUMNS = (
    "id",
    "fiscal_year",
    "number",
    "issued_on",
    "payer_member_id",
    "payer_name",
    "purpose",
    "amount_satang",
    "recorded_by_id",
    "recorded_at",
    "journal_entry_id",
)
_TXN_COLUMNS = (
    "id",
    "member_id",
    "kind",
    "amount_satang",
    "txn_date",
    "for_month",
    "money_account",
    "note",
    "recorded_by_id",
    "recorded_at",
    "journal_entry_id",
    "receipt_id",
)
_HISTORY_TABLES = (
    JournalEntry.__table__,
    JournalLine.__table__,
    Receipt.__table__,
    SavingsTransaction.__table__,
)


@dataclass
class _History:
    """The savings history's running state: next ids, receipt numbers, members' balances."""

    members: list[tuple]  # (index, id, joined_on, agreed monthly, name, " member_no name")
    balance: list[int]
    entry_id: int
    line_id: int
    receipt_id: int
    txn_id: int
    cash: int
    savings: int
    treasurer: int
    null: object
    receipt_no: dict[int, int]

    def month(self, rng: random.Random, month: dt.date, meeting: dt.date, fy: int, value):
        """The rows of one month's meeting: (entries, lines, receipts, savings transactions).

        ``value`` turns dates into what the writer takes (COPY text or the date itself)."""
        entries: list[tuple] = []
        lines: list[tuple] = []
        receipts: list[tuple] = []
        txns: list[tuple] = []
        day, recorded = value(meeting), value(_at(meeting))
        for_month, null = value(month), self.null
        monthly = f"เงินสัจจะประจำเดือน{month_name(month.month)} {month.year + 543}"
        cash, savings, treasurer, cash_code = (
            self.cash,
            self.savings,
            self.treasurer,
            AccountCode.CASH.value,
        )
        e_id, l_id, r_id, t_id = self.entry_id, self.line_id, self.receipt_id, self.txn_id
        number = self.receipt_no.get(fy, 0)
        balance, chance, choice = self.balance, rng.random, rng.choice
        for i, member_id, joined_on, agreed, name, suffix in self.members:
            if joined_on > meeting or chance() < 0.07:
                continue
            todo = [(_MONTHLY, agreed)]
            roll = chance()
            if roll < 0.04:
                todo.append((_EXTRA, choice(_EXTRA_AMOUNTS)))
            elif roll < 0.06 and balance[i] >= 500_00:
                todo.append((_WITHDRAWAL, balance[i] // 2 // 100 * 100))
            for kind, amount in todo:
                if kind == _WITHDRAWAL:
                    balance[i] -= amount
                    entries.append(
                        (
                            e_id,
                            day,
                            "ถอนเงินสัจจะ" + suffix,
                            "savings.withdrawal",
                            t_id,
                            treasurer,
                            recorded,
                        )
                    )
                    lines.append((l_id, e_id, day, 1, cash, -amount, member_id))
                    lines.append((l_id + 1, e_id, day, 2, savings, amount, member_id))
                    txns.append(
                        (
                            t_id,
                            member_id,
                            kind,
                            amount,
                            day,
                            null,
                            cash_code,
                            "ถอนเพื่อใช้จ่ายในครอบครัว",
                            treasurer,
                            recorded,
                            e_id,
                            null,
                        )
                    )
                else:
                    purpose = monthly if kind == _MONTHLY else "เงินฝากสัจจะเพิ่ม"
                    balance[i] += amount
                    number += 1
                    receipts.append(
                        (
                            r_id,
                            fy,
                            number,
                            day,
                            member_id,
                            name,
                            purpose,
                            amount,
                            treasurer,
                            recorded,
                            e_id,
                        )
                    )
                    entries.append(
                        (e_id, day, purpose + suffix, "savings.deposit", t_id, treasurer, recorded)
                    )
                    lines.append((l_id, e_id, day, 1, cash, amount, member_id))
                    lines.append((l_id + 1, e_id, day, 2, savings, -amount, member_id))
                    txns.append(
                        (
                            t_id,
                            member_id,
                            kind,
                            amount,
                            day,
                            for_month if kind == _MONTHLY else null,
                            cash_code,
                            "",
                            treasurer,
                            recorded,
                            e_id,
                            r_id,
                        )
                    )
                    r_id += 1
                e_id += 1
                l_id += 2
                t_id += 1
        self.entry_id, self.line_id, self.receipt_id, self.txn_id = e_id, l_id, r_id, t_id
        if number:
            self.receipt_no[fy] = number
        return entries, lines, receipts, txns


_MONTHLY = SavingsKind.MONTHLY.value
_EXTRA = SavingsKind.EXTRA.value
_WITHDRAWAL = SavingsKind.WITHDRAWAL.value
_EXTRA_AMOUNTS = (200_00, 500_00, 1000_00)


class _PgBulk:
    """The whole history in one PostgreSQL transaction, loaded the way PostgreSQL loads fast.

    Triggers are off for the transaction (``session_replication_role = replica``, when the
    account may set it): no pending row per journal line and no foreign-key check per row (the
    rows refer to what this loader wrote). The history tables' secondary indexes and unique
    constraints are dropped first and made again once at the end, from their definitions as
    they were (an index built from sorted data is many times faster than one grown row by row).
    Then the kept balances are computed set-based from the journal. Any failure rolls all of it
    back, indexes included. After the commit the tables are vacuumed and analyzed.
    """

    def __init__(self, session: Session, tables: Iterable[Table]) -> None:
        self.session = session
        self.tables = [t.name for t in tables]
        #: statements that make the dropped indexes and constraints again
        self.rebuild: list[str] = []

    def begin(self) -> None:
        execute = self.session.execute
        if self.session.scalar(text("SELECT current_setting('is_superuser')")) == "on":
            execute(text("SET LOCAL session_replication_role = replica"))
        execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        execute(text("SET LOCAL work_mem = '256MB'"))
        # Secondary indexes and unique constraints go, to be built again at the end; primary
        # keys stay (foreign keys hang on them, and rows arrive in key order, cheap to index).
        tables = "(SELECT to_regclass(t) FROM unnest(CAST(:t AS text[])) AS t)"
        indexes = execute(
            text(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "  # noqa: S608
                f"JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid IN {tables} "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
                "ORDER BY c.relname"
            ),
            {"t": self.tables},
        ).all()
        for name, definition in indexes:
            execute(text(f'DROP INDEX "{name}"'))
            self.rebuild.append(definition)
        uniques = execute(
            text(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "  # noqa: S608
                f"FROM pg_constraint WHERE contype = 'u' AND conrelid IN {tables} "
                "ORDER BY conname"
            ),
            {"t": self.tables},
        ).all()
        for table, name, definition in uniques:
            execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
            self.rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')

    def finish(self, progress: Callable[[str], None]) -> None:
        """The indexes and constraints made again, the kept balances from the journal."""
        started = time.perf_counter()
        for statement in self.rebuild:
            self.session.execute(text(statement))
        progress(f"{len(self.rebuild)} indexes built in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        rebuild_balances(self.session)
        progress(f"kept balances computed in {time.perf_counter() - started:.0f} s")

    def vacuum(self, progress: Callable[[str], None]) -> None:
        """After the commit: VACUUM (ANALYZE) the loaded tables, so the planner knows their
        sizes, and their pages are marked all-visible (index-only scans need that; autovacuum
        would do it later, in the middle of whatever runs next, if it is on at all)."""
        started = time.perf_counter()
        also = ("ledger_balances", "ledger_daily_changes", "members", "savings_accounts")
        names = ", ".join(f'"{t}"' for t in (*self.tables, *also))
        engine = self.session.get_bind()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM (ANALYZE) {names}"))
        progress(f"vacuumed and analyzed in {time.perf_counter() - started:.0f} s")


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

    SQLite: commits once per year. PostgreSQL: the history is one transaction (see
    ``_PgBulk``). ``bar(n)`` is called as months are written (for a progress bar); the total is
    ``len(months) + 1``.
    """
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
    writer.write(Member.__table__, list(member_rows[0]), [tuple(r.values()) for r in member_rows])
    session.execute(insert(Counter).values(name="member_no", last_value=members))
    agreed = {r["id"]: rng.choice([50, 100, 100, 100, 150, 200, 300]) * 100 for r in member_rows}
    first_account_id = writer.next_id(SavingsAccount.__table__)
    writer.write(
        SavingsAccount.__table__,
        ("id", "member_id", "agreed_monthly_satang", "opened_on", "updated_at"),
        [
            (first_account_id + i, r["id"], agreed[r["id"]], max(r["joined_on"], start), now)
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
    start_month = fiscal_start_month(session)
    names = {r["id"]: f"{r['title']}{r['first_name']} {r['last_name']}" for r in member_rows}
    history = _History(
        members=[
            (
                i,
                r["id"],
                r["joined_on"],
                agreed[r["id"]],
                names[r["id"]],
                f" {r['member_no']} {names[r['id']]}",
            )
            for i, r in enumerate(member_rows)
        ],
        balance=[0] * len(member_rows),
        entry_id=writer.next_id(JournalEntry.__table__),
        line_id=writer.next_id(JournalLine.__table__),
        receipt_id=writer.next_id(Receipt.__table__),
        txn_id=writer.next_id(SavingsTransaction.__table__),
        cash=accounts[AccountCode.CASH.value],
        savings=accounts[AccountCode.MEMBER_SAVINGS.value],
        treasurer=treasurer.id,
        null=writer.null,
        receipt_no={},
    )
    # COPY takes text: dates and times are formatted once per month, not once per row.
    value = str if writer.pg else (lambda v: v)
    pg_bulk = _PgBulk(session, _HISTORY_TABLES) if writer.pg else None
    if pg_bulk:
        pg_bulk.begin()
    months = _months(start, today)
    by_year: dict[int, list[dt.date]] = {}
    for month in months:
        by_year.setdefault(month.year, []).append(month)
    for _year, year_months in sorted(by_year.items()):
        for month in year_months:
            meeting = month.replace(day=min(5 + rng.randrange(0, 3), 28))
            if meeting <= today:
                fy = fiscal_year(meeting, start_month)
                entries, lines, receipts, txns = history.month(rng, month, meeting, fy, value)
                writer.write(JournalEntry.__table__, _ENTRY_COLUMNS, entries)
                writer.write(JournalLine.__table__, _LINE_COLUMNS, lines)
                writer.write(Receipt.__table__, _RECEIPT_COLUMNS, receipts)
                writer.write(SavingsTransaction.__table__, _TXN_COLUMNS, txns)
                stats.entries += len(entries)
                stats.lines += len(lines)
                stats.receipts += len(receipts)
            bar(1)
        if not pg_bulk:
            # The trigger left every line pending: add the year to the kept balances in one go.
            apply_all_pending(session)
            session.commit()
    if pg_bulk:
        progress(f"{time.perf_counter() - started:.0f} s: rows written, indexing…")
        pg_bulk.finish(progress)
        session.commit()
        pg_bulk.vacuum(progress)
    for fy, last in history.receipt_no.items():
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
