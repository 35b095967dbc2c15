"""Kept balances: what every balance read needs, without summing years of journal lines.

A database trigger adds a ``ledger_pending`` row for every new journal line, whoever writes it.
When a session commits, the pending lines are added to ``ledger_balances`` (per account, and
per member or loan of a sub-ledger account) and ``ledger_daily_changes`` (the same, per day),
then deleted, in the same transaction: the books and their balances commit together or not at
all. Reads add whatever is still pending, so a balance is right inside the transaction that
posted it too. ``chaeson check`` compares every kept row with the journal.

Applying at commit, in sorted key order and (on PostgreSQL) under one advisory lock, keeps the
few hot rows (cash, the savings account) locked only while committing, so two writers never
wait for each other in a circle whatever else they locked first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy import Date, and_, bindparam, event, func, literal, select, text, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from fund.ledger.accounts import Subledger
from fund.ledger.models import (
    Account,
    LedgerBalance,
    LedgerDailyChange,
    LedgerPending,
)

#: advisory lock taken by the committing writer while it applies (PostgreSQL)
_APPLY_LOCK = 0x43484145534F4F  # next to the period lock's "CHAESON"
#: session.info flag: this transaction posted lines that must be applied on commit
_DIRTY = "ledger_balances_dirty"
#: claimed line ids are read back in chunks of this many (bound parameters per statement)
_CHUNK = 900
WHOLE_ACCOUNT = 0

# --------------------------------------------------------------------------- the trigger


_PENDING_ROW = (
    "INSERT INTO ledger_pending (line_id, account_id, sub_key, day, amount_satang) "
    "SELECT NEW.id, NEW.account_id, "
    "CASE a.subledger WHEN 'member' THEN NEW.member_id WHEN 'loan' THEN NEW.loan_id ELSE 0 END, "
    "NEW.entry_date, NEW.amount_satang FROM accounts a WHERE a.id = NEW.account_id"
)
#: before migration 0012 a line had no date of its own: the trigger read its entry's
_PENDING_ROW_0009 = (
    "INSERT INTO ledger_pending (line_id, account_id, sub_key, day, amount_satang) "
    "SELECT NEW.id, NEW.account_id, "
    "CASE a.subledger WHEN 'member' THEN NEW.member_id WHEN 'loan' THEN NEW.loan_id ELSE 0 END, "
    "e.entry_date, NEW.amount_satang FROM accounts a, journal_entries e "
    "WHERE a.id = NEW.account_id AND e.id = NEW.entry_id"
)


def create_pending_trigger(conn: Connection, *, line_has_date: bool = True) -> None:
    """Every inserted journal line leaves a pending row (used by the migrations: 0009 made it
    when lines had no date of their own, ``line_has_date=False``; 0012 made it again)."""
    row = _PENDING_ROW if line_has_date else _PENDING_ROW_0009
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            f"CREATE TRIGGER journal_lines_pending AFTER INSERT ON journal_lines BEGIN {row}; END"
        )
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "CREATE OR REPLACE FUNCTION chaeson_line_pending() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {row}; RETURN NULL; END $$"
        )
        conn.exec_driver_sql(
            "CREATE TRIGGER journal_lines_pending AFTER INSERT ON journal_lines "
            "FOR EACH ROW EXECUTE FUNCTION chaeson_line_pending()"
        )
    else:  # pragma: no cover - only the two supported databases
        raise NotImplementedError(conn.dialect.name)


def drop_pending_trigger(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS journal_lines_pending")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS journal_lines_pending ON journal_lines")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS chaeson_line_pending()")


# --------------------------------------------------------------------------- applying

_SUB_KEY = "CASE a.subledger WHEN 'member' THEN l.member_id WHEN 'loan' THEN l.loan_id END"


_ALL_SOURCE = (
    "FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id "
    "JOIN accounts a ON a.id = l.account_id WHERE 1 = 1"
)


def _lock_apply(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _APPLY_LOCK})


def apply_pending(session: Session) -> int:
    """Add the pending lines to the kept balances; returns how many lines.

    The rows are claimed with DELETE … RETURNING, so a line is applied once even if another
    writer applies at the same moment; the upserts go in sorted key order."""
    _lock_apply(session)
    connection = session.connection()
    claimed = connection.execute(_CLAIM_PENDING).all()
    if not claimed:
        return 0
    totals: dict[tuple[int, int], int] = defaultdict(int)
    daily: dict[tuple[int, int, dt.date], int] = defaultdict(int)
    for account_id, sub_key, day, amount in claimed:
        day = _as_date(day)
        for key in {WHOLE_ACCOUNT, sub_key}:
            totals[(account_id, key)] += amount
            daily[(account_id, key, day)] += amount
    connection.execute(
        _ADD_TO_TOTALS,
        [{"a": a, "k": k, "v": v} for (a, k), v in sorted(totals.items())],
    )
    connection.execute(
        _ADD_TO_DAYS,
        [{"a": a, "k": k, "d": d, "v": v} for (a, k, d), v in sorted(daily.items())],
    )
    return len(claimed)


# Built once: every commit that posted runs them.
_CLAIM_PENDING = text(
    "DELETE FROM ledger_pending RETURNING account_id, sub_key, day, amount_satang"
)
_ADD_TO_TOTALS = text(
    "INSERT INTO ledger_balances (account_id, sub_key, amount_satang) VALUES (:a, :k, :v) "
    "ON CONFLICT (account_id, sub_key) DO UPDATE SET "
    "amount_satang = ledger_balances.amount_satang + excluded.amount_satang"
)
_ADD_TO_DAYS = text(
    "INSERT INTO ledger_daily_changes (account_id, sub_key, day, amount_satang) "
    "VALUES (:a, :k, :d, :v) ON CONFLICT (account_id, sub_key, day) DO UPDATE SET "
    "amount_satang = ledger_daily_changes.amount_satang + excluded.amount_satang"
)


def apply_all_pending(conn: Connection | Session) -> None:
    """Set-based apply of every pending line, for one writer alone (bulk loading): far faster
    than claiming row by row when there are hundreds of thousands."""
    if isinstance(conn, Session):
        _lock_apply(conn)
    # First the whole accounts (key 0), then the members' and loans' parts.
    for key, where, group in (
        ("0", "", "account_id"),
        ("sub_key", "WHERE sub_key <> 0 ", "account_id, sub_key"),
    ):
        conn.execute(
            text(
                "INSERT INTO ledger_balances (account_id, sub_key, amount_satang) "  # noqa: S608
                f"SELECT account_id, {key}, SUM(amount_satang) FROM ledger_pending {where}"
                f"GROUP BY {group} ORDER BY {group} "
                "ON CONFLICT (account_id, sub_key) DO UPDATE SET "
                "amount_satang = ledger_balances.amount_satang + excluded.amount_satang"
            )
        )
        conn.execute(
            text(
                "INSERT INTO ledger_daily_changes (account_id, sub_key, day, amount_satang) "  # noqa: S608
                f"SELECT account_id, {key}, day, SUM(amount_satang) FROM ledger_pending {where}"
                f"GROUP BY {group}, day ORDER BY {group}, day "
                "ON CONFLICT (account_id, sub_key, day) DO UPDATE SET "
                "amount_satang = ledger_daily_changes.amount_satang + excluded.amount_satang"
            )
        )
    conn.execute(text("DELETE FROM ledger_pending"))


def rebuild_balances(conn: Connection | Session) -> None:
    """Recompute every kept balance from the journal (migration, bulk loads, repairs)."""
    for table in ("ledger_pending", "ledger_daily_changes", "ledger_balances"):
        conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608  (fixed names)
    # The tables are empty now and the grouping makes each key once: plain inserts (no upsert),
    # the days from the journal, the totals from the days (far fewer rows than lines).
    daily = (
        "INSERT INTO ledger_daily_changes (account_id, sub_key, day, amount_satang) "  # noqa: S608
        "SELECT account_id, sub_key, day, SUM(amount) FROM ("
        "  SELECT l.account_id, 0 AS sub_key, e.entry_date AS day, l.amount_satang AS amount"
        f" {_ALL_SOURCE}"
        "  UNION ALL"
        f"  SELECT l.account_id, {_SUB_KEY}, e.entry_date, l.amount_satang {_ALL_SOURCE}"
        "   AND a.subledger <> 'none'"
        ") AS x GROUP BY account_id, sub_key, day ORDER BY account_id, sub_key, day"
    )
    conn.execute(text(daily))
    conn.execute(
        text(
            "INSERT INTO ledger_balances (account_id, sub_key, amount_satang) "
            "SELECT account_id, sub_key, SUM(amount_satang) FROM ledger_daily_changes "
            "GROUP BY account_id, sub_key ORDER BY account_id, sub_key"
        )
    )


def mark_posted(session: Session) -> None:
    """post_entry calls this: apply the pending lines when this transaction commits."""
    session.info[_DIRTY] = True


@event.listens_for(Session, "before_commit")
def _apply_before_commit(session: Session) -> None:
    # Only the outermost commit: a savepoint's release must not take the hot rows' locks in the
    # middle of a transaction (see the module docstring).
    if session.info.get(_DIRTY) and session.get_nested_transaction() is None:
        session.flush()
        apply_pending(session)
        session.info.pop(_DIRTY, None)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    # Pending rows roll back with the lines; nothing is left to apply.
    if not session.in_transaction():
        session.info.pop(_DIRTY, None)


# --------------------------------------------------------------------------- reading


def _pending(*conditions):
    return select(LedgerPending.day, LedgerPending.amount_satang).where(*conditions)


def _pending_key(account: Account, sub_key: int):
    conditions = [LedgerPending.account_id == account.id]
    if sub_key != WHOLE_ACCOUNT:
        conditions.append(LedgerPending.sub_key == sub_key)
    return conditions


def balance(
    session: Session,
    account: Account,
    sub_key: int = WHOLE_ACCOUNT,
    *,
    as_of: dt.date | None = None,
) -> int:
    """Debit-positive balance of an account (or one member's or loan's part of it) at the end
    of ``as_of`` (default: everything posted). Cost depends on the days after ``as_of``, not on
    the length of the history."""
    total = (
        select(LedgerBalance.amount_satang)
        .where(LedgerBalance.account_id == account.id, LedgerBalance.sub_key == sub_key)
        .scalar_subquery()
    )
    value = func.coalesce(total, 0)
    if as_of is not None:
        later = (
            select(func.sum(LedgerDailyChange.amount_satang))
            .where(
                LedgerDailyChange.account_id == account.id,
                LedgerDailyChange.sub_key == sub_key,
                LedgerDailyChange.day > as_of,
            )
            .scalar_subquery()
        )
        value = value - func.coalesce(later, 0)
    pending = select(func.sum(LedgerPending.amount_satang)).where(*_pending_key(account, sub_key))
    if as_of is not None:
        pending = pending.where(LedgerPending.day <= as_of)
    # One statement: what is kept, less the days after as_of, plus what is still pending.
    return int(session.scalar(select(value + func.coalesce(pending.scalar_subquery(), 0))))


def daily_changes_after(
    session: Session, account: Account, sub_key: int, day: dt.date
) -> list[tuple[dt.date, int]]:
    """Net change per day after ``day``, in date order (pending lines included)."""
    changes: dict[dt.date, int] = defaultdict(int)
    kept = select(LedgerDailyChange.day, LedgerDailyChange.amount_satang).where(
        LedgerDailyChange.account_id == account.id,
        LedgerDailyChange.sub_key == sub_key,
        LedgerDailyChange.day > day,
    )
    pending = _pending(*_pending_key(account, sub_key), LedgerPending.day > day)
    for when, amount in session.execute(union_all(kept, pending)):
        changes[_as_date(when)] += amount
    return sorted(changes.items())


def account_totals(
    session: Session, *, as_of: dt.date | None = None, since: dt.date | None = None
) -> dict[int, int]:
    """Debit-positive total per account id: to the end of ``as_of``, from ``since`` on."""
    # Naming the accounts lets the primary key (account, key, day) serve every account; a
    # filter on key and day alone would read the members' and loans' rows too.
    account_ids = list(session.scalars(select(Account.id)))
    whole = and_(
        LedgerDailyChange.account_id.in_(account_ids),
        LedgerDailyChange.sub_key == WHOLE_ACCOUNT,
    )
    if since is not None:
        # A period's movement: the days inside it.
        stmt = (
            select(LedgerDailyChange.account_id, func.sum(LedgerDailyChange.amount_satang))
            .where(whole, LedgerDailyChange.day >= since)
            .group_by(LedgerDailyChange.account_id)
        )
        if as_of is not None:
            stmt = stmt.where(LedgerDailyChange.day <= as_of)
        sums = {a: int(v) for a, v in session.execute(stmt)}
    else:
        sums = {
            a: int(v)
            for a, v in session.execute(
                select(LedgerBalance.account_id, LedgerBalance.amount_satang).where(
                    LedgerBalance.account_id.in_(account_ids),
                    LedgerBalance.sub_key == WHOLE_ACCOUNT,
                )
            )
        }
        if as_of is not None:
            later = session.execute(
                select(LedgerDailyChange.account_id, func.sum(LedgerDailyChange.amount_satang))
                .where(whole, LedgerDailyChange.day > as_of)
                .group_by(LedgerDailyChange.account_id)
            )
            for a, v in later:
                sums[a] = sums.get(a, 0) - int(v)
    pending = select(LedgerPending.account_id, LedgerPending.day, LedgerPending.amount_satang)
    for account_id, day, amount in session.execute(pending):
        if (as_of is None or day <= as_of) and (since is None or day >= since):
            sums[account_id] = sums.get(account_id, 0) + amount
    return sums


def sub_balances(session: Session, account: Account) -> dict[int, int]:
    """Every member's (or loan's) current balance in a sub-ledger account, by key."""
    sums = {
        k: int(v)
        for k, v in session.execute(
            select(LedgerBalance.sub_key, LedgerBalance.amount_satang).where(
                LedgerBalance.account_id == account.id, LedgerBalance.sub_key != WHOLE_ACCOUNT
            )
        )
    }
    pending = select(LedgerPending.sub_key, LedgerPending.amount_satang).where(
        LedgerPending.account_id == account.id, LedgerPending.sub_key != WHOLE_ACCOUNT
    )
    for key, amount in session.execute(pending):
        sums[key] = sums.get(key, 0) + amount
    return sums


#: the borrower of a loan (the loans live in fund/loans, made by a later migration)
_LOANS = sa.table("loans", sa.column("id"), sa.column("member_id"))


def member_parts(
    session: Session, member_id: int, accounts: Iterable[Account], *, as_of: dt.date | None = None
) -> dict[int, int]:
    """The member's debit-positive part of each of ``accounts`` (by account id; absent = 0), at
    the end of ``as_of`` (default: everything posted), pending lines included, in one statement.

    A member sub-ledger account keeps the member's part under the member's id; a loan
    sub-ledger account keeps each loan's, so the member's part is the sum over the loans the
    loans table says are theirs (every loan line names its loan's borrower: ``chaeson check``).
    The cost follows the member's loans and the days after ``as_of``, not the history."""
    by_kind: dict[Subledger, list[int]] = defaultdict(list)
    for account in accounts:
        if account.subledger is Subledger.NONE:
            raise ValueError("member_parts reads member and loan sub-ledger accounts only")
        by_kind[account.subledger].append(account.id)
    if not by_kind:
        return {}
    stmt = _member_parts_statement(
        tuple(sorted((kind, tuple(sorted(ids))) for kind, ids in by_kind.items())),
        dated=as_of is not None,
    )
    return {
        account_id: int(total)
        for account_id, total in session.execute(stmt, {"member_id": member_id, "as_of": as_of})
    }


@lru_cache(maxsize=32)
def _member_parts_statement(kinds: tuple[tuple[Subledger, tuple[int, ...]], ...], *, dated: bool):
    # Built once per set of accounts: building the union costs more than running it.
    member_id, as_of = bindparam("member_id"), bindparam("as_of", type_=Date)
    sources = [(LedgerBalance, 1, None), (LedgerPending, 1, None)]
    if dated:
        sources = [
            (LedgerBalance, 1, None),
            (LedgerDailyChange, -1, LedgerDailyChange.day > as_of),
            (LedgerPending, 1, LedgerPending.day <= as_of),
        ]
    loans = select(_LOANS.c.id).where(_LOANS.c.member_id == member_id)
    parts = []
    for kind, ids in kinds:
        for model, sign, when in sources:
            part = select(
                model.account_id.label("account_id"),
                (literal(sign) * model.amount_satang).label("amount"),
            ).where(model.account_id.in_(ids))
            if kind is Subledger.MEMBER:
                part = part.where(model.sub_key == member_id)
            else:
                # IN, not a join: the member's few loans lead, each probing the key's index
                # (a join may lead with every loan's balance instead)
                part = part.where(model.sub_key.in_(loans))
            if when is not None:
                part = part.where(when)
            parts.append(part)
    rows = union_all(*parts).subquery()
    return select(rows.c.account_id, func.sum(rows.c.amount)).group_by(rows.c.account_id)


def _as_date(value) -> dt.date:
    # SQLite hands text dates back through text(); PostgreSQL hands dates.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


# --------------------------------------------------------------------------- checking


def mismatches(session: Session, *, limit: int = 20) -> list[str]:
    """Kept balances that differ from the journal (after adding what is pending)."""
    found: list[str] = []
    for table, keys in (
        ("ledger_balances", ("account_id", "sub_key")),
        ("ledger_daily_changes", ("account_id", "sub_key", "day")),
    ):
        truth = _truth(session, with_day=len(keys) == 3)
        kept: dict[tuple, int] = defaultdict(int)
        model = LedgerBalance if table == "ledger_balances" else LedgerDailyChange
        columns = [getattr(model, k) for k in keys]
        for *key, amount in session.execute(select(*columns, model.amount_satang)):
            kept[tuple(key)] += int(amount)
        for *key, amount in _pending_rows(session, with_day=len(keys) == 3):
            kept[_norm_key(key)] += amount
        for key in sorted(set(truth) | set(kept), key=str):
            if truth.get(key, 0) != kept.get(key, 0):
                found.append(f"{table} {key}: kept {kept.get(key, 0)}, journal {truth.get(key, 0)}")
                if len(found) >= limit:
                    return found
    return found


def _norm_key(key: Iterable) -> tuple:
    out = []
    for part in key:
        out.append(_as_date(part) if isinstance(part, str) else part)
    return tuple(out)


def _truth(session: Session, *, with_day: bool) -> dict[tuple, int]:
    day = ", e.entry_date" if with_day else ""
    sql = (
        f"SELECT l.account_id, 0{day}, SUM(l.amount_satang) {_ALL_SOURCE} "
        f"GROUP BY l.account_id{day} "
        f"UNION ALL SELECT l.account_id, {_SUB_KEY}{day}, SUM(l.amount_satang) {_ALL_SOURCE} "
        f"AND a.subledger <> 'none' GROUP BY l.account_id, {_SUB_KEY}{day}"
    )
    return {_norm_key(key): int(v) for *key, v in session.execute(text(sql))}


def _pending_rows(session: Session, *, with_day: bool):
    rows = session.execute(
        select(
            LedgerPending.account_id,
            LedgerPending.sub_key,
            LedgerPending.day,
            LedgerPending.amount_satang,
        )
    )
    for account_id, sub_key, day, amount in rows:
        for key in {WHOLE_ACCOUNT, sub_key}:
            yield ((account_id, key, day, amount) if with_day else (account_id, key, amount))
