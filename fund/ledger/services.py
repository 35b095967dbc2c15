"""Posting to the journal, reversing, closing periods, and the chart's few admin actions.

Rules enforced here (and again by the database where it can): an entry has two or more non-zero
lines in integer satang that sum to zero; it is dated in an open period; its accounts are active;
lines of a sub-ledger account carry their key (member or loan); cash, bank, each member's savings
and each loan never go below zero; an entry is reversed at most once; a one-time key posts once.

Concurrency: on SQLite every write transaction holds the database write lock from its BEGIN, so
a read-then-write can't interleave. On PostgreSQL, posting takes transaction-scoped advisory
locks: shared on the period lock (a close takes it exclusively) and exclusive per balance that
must not go negative (account + member/loan), always in sorted order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from fund import txn_cache
from fund.append import flushed_connection, insert_now
from fund.audit.services import record_audit
from fund.errors import Conflict, InvalidInput, NotFound
from fund.ledger import balances as kept
from fund.ledger.accounts import AccountCode, AccountType, Subledger
from fund.ledger.models import Account, JournalEntry, JournalLine, PeriodClose, Setting
from fund.money import format_baht
from fund.thaidate import format_be_date, month_name
from fund.users.models import User

txn_cache.watch(PeriodClose)
txn_cache.watch(Setting)

#: advisory lock ids (PostgreSQL); the two-int balance locks live in a separate key space
_PERIOD_LOCK = 0x43484145534F4E  # "CHAESON"
_MAX_DESCRIPTION = 500
_MAX_MEMO = 200


@dataclass(frozen=True)
class LineSpec:
    """One line to post: debit > 0, credit < 0 (satang), never 0."""

    account: AccountCode | str
    amount_satang: int
    member_id: int | None = None
    loan_id: int | None = None
    memo: str = ""


# --------------------------------------------------------------------------- accounts


def _account_cache(session: Session) -> dict[str, Account]:
    cache = session.info.get("ledger_accounts")
    if cache is None:
        cache = {a.code: a for a in session.scalars(select(Account))}
        session.info["ledger_accounts"] = cache
    return cache


def forget_accounts(session: Session) -> None:
    """Drop the per-session account cache (after the chart changed)."""
    session.info.pop("ledger_accounts", None)


def get_account(session: Session, code: AccountCode | str) -> Account:
    account = _account_cache(session).get(str(code))
    if account is None:
        forget_accounts(session)
        account = _account_cache(session).get(str(code))
    if account is None:
        raise NotFound(f"ไม่พบบัญชีรหัส {code}", f"No account with code {code}.")
    return account


def add_account(
    session: Session,
    *,
    code: str,
    name_th: str,
    name_en: str,
    type: AccountType,
    added_by: User,
    now: dt.datetime,
) -> Account:
    """Add an account to the chart (e.g. a second bank account). Codes are 4 digits, unique,
    and must start with the digit of their type (1 asset … 5 expense)."""
    code = code.strip()
    prefix = {"asset": "1", "liability": "2", "equity": "3", "income": "4", "expense": "5"}
    if not (len(code) == 4 and code.isascii() and code.isdigit()):
        raise InvalidInput(
            "รหัสบัญชีต้องเป็นตัวเลข 4 หลัก เช่น 1030",
            "An account code is 4 digits, e.g. 1030.",
            field="code",
        )
    if code[0] != prefix[AccountType(type).value]:
        raise InvalidInput(
            f"บัญชีประเภทนี้ต้องมีรหัสขึ้นต้นด้วย {prefix[AccountType(type).value]}",
            f"Accounts of this type have codes starting with {prefix[AccountType(type).value]}.",
            field="code",
        )
    if not name_th.strip():
        raise InvalidInput("กรุณากรอกชื่อบัญชี", "Please enter the account name.", field="name_th")
    if session.scalar(select(Account.id).where(Account.code == code)) is not None:
        raise Conflict(f"มีบัญชีรหัส {code} อยู่แล้ว", f"Account {code} already exists.", field="code")
    account = Account(
        code=code,
        name_th=name_th.strip(),
        name_en=name_en.strip() or name_th.strip(),
        type=AccountType(type),
        subledger=Subledger.NONE,
        never_negative=AccountType(type) in (AccountType.ASSET,) and code.startswith("10"),
        is_active=True,
        is_system=False,
    )
    session.add(account)
    session.flush()
    forget_accounts(session)
    record_audit(
        session,
        actor=added_by,
        action="account.create",
        entity="account",
        entity_id=account.id,
        details={"code": code, "name_th": account.name_th, "type": account.type.value},
        at=now,
    )
    return account


def set_account_active(
    session: Session, *, account: Account, active: bool, changed_by: User, now: dt.datetime
) -> None:
    """Retire or revive an added account. System accounts stay; a retired account must be at
    zero, so nothing is left hanging in it."""
    if not active:
        if account.is_system:
            raise Conflict(
                "บัญชีหลักของระบบปิดใช้งานไม่ได้ (เปลี่ยนชื่อได้)",
                "A system account can't be retired (it can be renamed).",
            )
        balance = session.scalar(
            select(func.coalesce(func.sum(JournalLine.amount_satang), 0)).where(
                JournalLine.account_id == account.id
            )
        )
        if balance:
            raise Conflict(
                f"บัญชีนี้ยังมียอดคงเหลือ {format_baht(abs(balance))} ต้องโอนออกให้เป็นศูนย์ก่อน",
                f"The account still holds {format_baht(abs(balance))}; move it out first.",
            )
    account.is_active = active
    session.flush()
    forget_accounts(session)
    record_audit(
        session,
        actor=changed_by,
        action="account.activate" if active else "account.retire",
        entity="account",
        entity_id=account.id,
        details={"code": account.code},
        at=now,
    )


def rename_account(
    session: Session,
    *,
    account: Account,
    name_th: str,
    name_en: str,
    changed_by: User,
    now: dt.datetime,
) -> None:
    if not name_th.strip():
        raise InvalidInput("กรุณากรอกชื่อบัญชี", "Please enter the account name.", field="name_th")
    old = {"name_th": account.name_th, "name_en": account.name_en}
    account.name_th = name_th.strip()
    account.name_en = name_en.strip() or account.name_th
    session.flush()
    record_audit(
        session,
        actor=changed_by,
        action="account.rename",
        entity="account",
        entity_id=account.id,
        details={"old": old, "new": {"name_th": account.name_th, "name_en": account.name_en}},
        at=now,
    )


# --------------------------------------------------------------------------- settings

DEFAULT_SETTINGS: dict[str, str] = {
    # the savings a member must keep while a loan is outstanding (satang)
    "savings.min_balance_with_loan_satang": "0",
    # first month of the fiscal year (Thai government: October)
    "fiscal_year.start_month": "10",
    # the smallest share of a year's surplus that must go to the reserve (basis points)
    "yearend.min_reserve_bp": "1000",
    # "1": admin and committee users must have a second factor (fund/users/second_factor.py)
    "security.require_second_factor": "0",
}


_SETTING = select(Setting.value).where(Setting.key == bindparam("key"))


def get_setting(session: Session, key: str) -> str:
    value = txn_cache.cached(
        session,
        f"setting:{key}",
        lambda: flushed_connection(session).scalar(_SETTING, {"key": key}),
    )
    if value is None:
        if key not in DEFAULT_SETTINGS:
            raise KeyError(key)
        return DEFAULT_SETTINGS[key]
    return value


def get_int_setting(session: Session, key: str) -> int:
    return int(get_setting(session, key))


def set_setting(
    session: Session, *, key: str, value: str, changed_by: User, now: dt.datetime
) -> None:
    """Set a fund setting (values checked by the caller's service)."""
    row = session.get(Setting, key)
    old = row.value if row is not None else DEFAULT_SETTINGS.get(key)
    if row is None:
        row = Setting(key=key, value=value, updated_at=now, updated_by_id=changed_by.id)
        session.add(row)
    else:
        row.value = value
        row.updated_at = now
        row.updated_by_id = changed_by.id
    session.flush()
    record_audit(
        session,
        actor=changed_by,
        action="setting.change",
        entity="setting",
        details={"key": key, "old": old, "new": value},
        at=now,
    )


def fiscal_start_month(session: Session) -> int:
    return get_int_setting(session, "fiscal_year.start_month")


# --------------------------------------------------------------------------- periods


_CLOSED_THROUGH = select(func.max(PeriodClose.closed_through))


def closed_through(session: Session) -> dt.date | None:
    """The last day of the last closed month (None when nothing is closed yet)."""

    def read() -> dt.date | None:
        return flushed_connection(session).scalar(_CLOSED_THROUGH)

    # Kept only in a batch (fund/txn_cache.py). On PostgreSQL a close can commit until this
    # transaction holds the period lock; after that (and in SQLite's write transaction, which
    # holds the write lock) the answer can't change.
    if _is_postgresql(session) and not txn_cache.recall(session, "period_locked"):
        return read()
    return txn_cache.cached(session, "closed_through", read)


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _period_label(d: dt.date) -> str:
    return f"{month_name(d.month)} {d.year + 543}"


def _period_label_en(d: dt.date) -> str:
    return d.strftime("%B %Y")


def _lock_period(session: Session, *, exclusive: bool) -> None:
    if not _is_postgresql(session):
        return
    if not exclusive and txn_cache.recall(session, "period_locked"):
        return  # held until the transaction ends
    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    session.execute(text(f"SELECT {fn}(:k)"), {"k": _PERIOD_LOCK})
    txn_cache.remember(session, "period_locked", True)


def ensure_open(session: Session, entry_date: dt.date, *, field: str | None = "entry_date") -> None:
    """Refuse a date inside a closed period."""
    through = closed_through(session)
    if through is not None and entry_date <= through:
        raise Conflict(
            f"งวดบัญชี {_period_label(entry_date)} ปิดแล้ว (ปิดถึง {format_be_date(through, 'long')}) "
            "บันทึกหรือกลับรายการในงวดที่ปิดแล้วไม่ได้ กรุณาใช้วันที่ในงวดที่ยังเปิดอยู่",
            f"The period {_period_label_en(entry_date)} is closed (closed through "
            f"{through.isoformat()}); nothing can be posted or reversed into it. "
            "Use a date in an open period.",
            field=field,
        )


def close_period(
    session: Session,
    *,
    year: int,
    month: int,
    closed_by: User,
    now: dt.datetime,
    today: dt.date,
    note: str = "",
) -> PeriodClose:
    """Close the books through the end of ``month``/``year`` (Gregorian year).

    Closing only moves forward, and only a month that has ended can be closed.
    """
    if not 1 <= month <= 12 or year < 1900:
        raise InvalidInput("เดือนหรือปีไม่ถูกต้อง", "Invalid month or year.", field="month")
    _lock_period(session, exclusive=True)
    end = _month_end(year, month)
    if end >= today:
        raise Conflict(
            f"เดือน {_period_label(end)} ยังไม่สิ้นสุด ปิดงวดได้เมื่อสิ้นเดือนแล้วเท่านั้น",
            f"{_period_label_en(end)} has not ended yet; a month can be closed after it ends.",
            field="month",
        )
    through = closed_through(session)
    if through is not None and end <= through:
        raise Conflict(
            f"ปิดงวดถึง {format_be_date(through, 'long')} ไปแล้ว การปิดงวดทำได้เฉพาะเดือนที่ถัดไปเท่านั้น",
            f"The books are already closed through {through.isoformat()}; closing only moves "
            "forward.",
            field="month",
        )
    close = PeriodClose(closed_through=end, closed_at=now, closed_by_id=closed_by.id, note=note)
    session.add(close)
    session.flush()
    record_audit(
        session,
        actor=closed_by,
        action="period.close",
        entity="period_close",
        entity_id=close.id,
        details={"closed_through": end.isoformat(), "note": note},
        at=now,
    )
    return close


# --------------------------------------------------------------------------- posting


def balance_key(account: Account, member_id: int | None, loan_id: int | None) -> int | None:
    """The sub-ledger key a never-negative balance is kept by (None: the whole account)."""
    if account.subledger is Subledger.MEMBER:
        return member_id
    if account.subledger is Subledger.LOAN:
        return loan_id
    return None


def lock_balances(session: Session, keys: Iterable[tuple[Account, int | None]]) -> None:
    """Serialise writers of these balances until commit (PostgreSQL; SQLite's write lock
    already does). Sorted, so two writers never wait for each other in a circle."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for account_id, key in sorted({(a.id, k or 0) for a, k in keys}):
        session.execute(text("SELECT pg_advisory_xact_lock(:a, :k)"), {"a": account_id, "k": key})


def lowest_balance_from(
    session: Session, account: Account, key: int | None, from_date: dt.date
) -> int:
    """The lowest the balance (normal side positive) stands on ``from_date`` or any later date.

    A new line dated ``from_date`` changes every balance from that day on, so this is how much
    can still be taken out then without the balance going below zero on any day. Read from the
    kept balances: the cost follows the days after ``from_date``, not the journal's length.
    """
    sign = 1 if account.type.debit_normal else -1
    sub_key = key if account.subledger is not Subledger.NONE else kept.WHOLE_ACCOUNT
    later = kept.daily_changes_after(session, account, sub_key, from_date)
    base = kept.balance(session, account, sub_key) - sum(amount for _day, amount in later)
    running = lowest = sign * base
    for _day, amount in later:
        running += sign * amount
        lowest = min(lowest, running)
    return lowest


def _negative_balance_error(account: Account, key: int | None, available: int) -> Conflict:
    code = account.code
    shown = format_baht(max(available, 0))
    if code == AccountCode.MEMBER_SAVINGS:
        return Conflict(
            f"เงินสัจจะของสมาชิกไม่พอ ถอนหรือหักได้ไม่เกิน {shown}",
            f"Not enough savings: at most {shown} can be taken out.",
            field="amount",
        )
    if code == AccountCode.LOANS_RECEIVABLE:
        return Conflict(
            f"ยอดนี้เกินหนี้เงินกู้คงเหลือ รับชำระเงินต้นได้ไม่เกิน {shown}",
            f"This is more than the loan's outstanding principal; at most {shown} can be repaid.",
            field="amount",
        )
    return Conflict(
        f"ยอด{account.name_th}ไม่พอ จ่ายได้ไม่เกิน {shown}",
        f"Not enough in {account.name_en}: at most {shown} can be paid out.",
        field="amount",
    )


def _validate_lines(session: Session, lines: Sequence[LineSpec]) -> list[tuple[LineSpec, Account]]:
    if len(lines) < 2:
        raise InvalidInput(
            "รายการบัญชีต้องมีอย่างน้อย 2 บรรทัด (เดบิตและเครดิต)",
            "A journal entry needs at least two lines (a debit and a credit).",
        )
    resolved = []
    total = 0
    for spec in lines:
        amount = spec.amount_satang
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError(f"amount_satang must be int satang, not {type(amount).__name__}")
        if amount == 0:
            raise InvalidInput(
                "จำนวนเงินในแต่ละบรรทัดต้องไม่เป็นศูนย์",
                "No line of an entry may be zero.",
                field="amount",
            )
        account = get_account(session, spec.account)
        if not account.is_active:
            raise Conflict(
                f"บัญชี {account.code} {account.name_th} ปิดใช้งานแล้ว",
                f"Account {account.code} {account.name_en} is retired.",
            )
        if account.subledger is Subledger.MEMBER and spec.member_id is None:
            raise InvalidInput(
                f"บรรทัดของบัญชี {account.code} ต้องระบุสมาชิก",
                f"Lines of account {account.code} must name the member.",
            )
        if account.subledger is Subledger.LOAN and spec.loan_id is None:
            raise InvalidInput(
                f"บรรทัดของบัญชี {account.code} ต้องระบุสัญญาเงินกู้",
                f"Lines of account {account.code} must name the loan.",
            )
        if len(spec.memo) > _MAX_MEMO:
            raise InvalidInput("หมายเหตุยาวเกินไป", "The memo is too long.", field="memo")
        total += amount
        resolved.append((spec, account))
    if total != 0:
        raise InvalidInput(
            f"เดบิตและเครดิตไม่เท่ากัน (ต่างกัน {format_baht(abs(total))})",
            f"Debits and credits differ by {format_baht(abs(total))}.",
        )
    return resolved


_ENTRY_BY_KEY = select(JournalEntry.id).where(JournalEntry.idempotency_key == bindparam("key"))


def _find_by_key(session: Session, key: str) -> JournalEntry | None:
    # A plain probe: almost every key is new, and loading nothing through the ORM costs.
    found = flushed_connection(session).scalar(_ENTRY_BY_KEY, {"key": key})
    return session.get(JournalEntry, found) if found is not None else None


def _replayed(entry: JournalEntry) -> JournalEntry:
    entry.was_replayed = True
    return entry


def post_entry(
    session: Session,
    *,
    entry_date: dt.date,
    description: str,
    source: str,
    lines: Sequence[LineSpec],
    recorded_by: User,
    now: dt.datetime,
    source_id: int | None = None,
    idempotency_key: str | None = None,
    _reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Post one balanced entry (see the module docstring for the rules). Flushes; the caller
    commits. A key already used returns the original entry with ``was_replayed`` set."""
    if idempotency_key is not None:
        if not idempotency_key or len(idempotency_key) > 64:
            raise InvalidInput("รหัสแบบฟอร์มไม่ถูกต้อง", "Invalid one-time form key.")
        existing = _find_by_key(session, idempotency_key)
        if existing is not None:
            return _replayed(existing)
    description = description.strip()
    if not description:
        raise InvalidInput(
            "กรุณากรอกคำอธิบายรายการ", "Please describe the entry.", field="description"
        )
    if len(description) > _MAX_DESCRIPTION:
        raise InvalidInput(
            "คำอธิบายยาวเกินไป (ไม่เกิน 500 ตัวอักษร)",
            "The description is too long (500 characters at most).",
            field="description",
        )
    if not source or len(source) > 64:
        raise ValueError("source must be a dotted action name of at most 64 characters")
    resolved = _validate_lines(session, lines)

    _lock_period(session, exclusive=False)
    ensure_open(session, entry_date)

    # Balances that this entry lowers and that may never go below zero.
    lowering: dict[tuple[int, int | None], int] = defaultdict(int)
    accounts_by_id: dict[int, Account] = {}
    for spec, account in resolved:
        if account.never_negative:
            key = balance_key(account, spec.member_id, spec.loan_id)
            sign = 1 if account.type.debit_normal else -1
            lowering[(account.id, key)] += sign * spec.amount_satang
            accounts_by_id[account.id] = account
    to_check = {k: v for k, v in lowering.items() if v < 0}
    if to_check:
        lock_balances(session, [(accounts_by_id[a], k) for a, k in to_check])
        if idempotency_key is not None:
            # A twin request may have posted while we waited for the lock.
            existing = _find_by_key(session, idempotency_key)
            if existing is not None:
                return _replayed(existing)
        for (account_id, key), delta in sorted(to_check.items(), key=lambda kv: kv[0][0]):
            account = accounts_by_id[account_id]
            available = lowest_balance_from(session, account, key, entry_date)
            if available + delta < 0:
                raise _negative_balance_error(account, key, available)

    entry = JournalEntry(
        entry_date=entry_date,
        description=description,
        source=source,
        source_id=source_id,
        recorded_by_id=recorded_by.id,
        recorded_at=now,
        idempotency_key=idempotency_key,
        reverses_id=_reverses.id if _reverses is not None else None,
    )
    kept.mark_posted(session)
    if idempotency_key is None and _reverses is None:
        return _insert_entry(session, entry, resolved)
    # A twin request with the same key (or a second reversal of the same entry) may commit
    # between our check and our insert: the unique index stops it and we return the winner.
    savepoint = session.begin_nested()
    try:
        _insert_entry(session, entry, resolved)
    except IntegrityError:
        savepoint.rollback()
        if idempotency_key is not None:
            existing = _find_by_key(session, idempotency_key)
            if existing is not None:
                return _replayed(existing)
        if _reverses is not None:
            raise _already_reversed(_reverses) from None
        raise
    savepoint.commit()
    return entry


def _insert_entry(
    session: Session, entry: JournalEntry, resolved: list[tuple[LineSpec, Account]]
) -> JournalEntry:
    """INSERT the entry and its lines (append-only rows: no unit of work needed)."""
    insert_now(session, [entry])
    lines = [
        JournalLine(
            entry_id=entry.id,
            entry_date=entry.entry_date,
            line_no=number,
            account_id=account.id,
            amount_satang=spec.amount_satang,
            member_id=spec.member_id,
            loan_id=spec.loan_id,
            memo=spec.memo,
        )
        for number, (spec, account) in enumerate(resolved, start=1)
    ]
    insert_now(session, lines, match="line_no")
    for line, (_spec, account) in zip(lines, resolved, strict=True):
        set_committed_value(line, "account", account)
        set_committed_value(line, "entry", entry)
    set_committed_value(entry, "lines", lines)
    return entry


def _already_reversed(entry: JournalEntry) -> Conflict:
    return Conflict(
        f"รายการเลขที่ {entry.id} ถูกกลับรายการไปแล้ว กลับรายการซ้ำไม่ได้",
        f"Entry {entry.id} has already been reversed; it can be reversed only once.",
    )


def reverse_entry(
    session: Session,
    *,
    entry: JournalEntry,
    reversal_date: dt.date,
    reason: str,
    recorded_by: User,
    now: dt.datetime,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Post the mirror image of ``entry`` (every line negated), linked to it.

    An entry is reversed once; a reversal itself is not reversed (post the entry again
    instead); the reversal is dated in an open period, not before the original.
    """
    if idempotency_key is not None:
        existing = _find_by_key(session, idempotency_key)
        if existing is not None:
            return _replayed(existing)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "กรุณาระบุเหตุผลที่กลับรายการ", "Please give the reason for the reversal.", field="reason"
        )
    if entry.reverses_id is not None:
        raise Conflict(
            "รายการนี้เป็นการกลับรายการอยู่แล้ว หากต้องการให้มีผลอีกครั้งให้บันทึกรายการใหม่",
            "This entry is itself a reversal; to restore it, post a new entry.",
        )
    already = session.scalar(select(JournalEntry.id).where(JournalEntry.reverses_id == entry.id))
    if already is not None:
        raise _already_reversed(entry)
    if reversal_date < entry.entry_date:
        raise InvalidInput(
            f"วันที่กลับรายการต้องไม่ก่อนวันที่ของรายการเดิม ({format_be_date(entry.entry_date, 'long')})",
            f"The reversal can't be dated before the original ({entry.entry_date.isoformat()}).",
            field="reversal_date",
        )
    lines = [
        LineSpec(
            account=line.account.code,
            amount_satang=-line.amount_satang,
            member_id=line.member_id,
            loan_id=line.loan_id,
            memo=line.memo,
        )
        for line in entry.lines
    ]
    reversal = post_entry(
        session,
        entry_date=reversal_date,
        description=f"กลับรายการเลขที่ {entry.id}: {reason}"[:_MAX_DESCRIPTION],
        source=f"{entry.source}.reversal"[:64],
        source_id=entry.source_id,
        lines=lines,
        recorded_by=recorded_by,
        now=now,
        idempotency_key=idempotency_key,
        _reverses=entry,
    )
    if not reversal.was_replayed:
        record_audit(
            session,
            actor=recorded_by,
            action="journal.reverse",
            entity="journal_entry",
            entity_id=entry.id,
            details={"reversal_id": reversal.id, "reason": reason},
            at=now,
        )
    return reversal
