"""Balances and the committee's statements.

Balances come from the kept balances (fund/ledger/balances.py: per account, member or loan, and
per day, maintained from the journal and verified against it by ``chaeson check``), so reading
one costs the same however long the history grows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fund.ledger import balances as kept
from fund.ledger.accounts import CASH_ACCOUNTS, AccountCode, AccountType
from fund.ledger.models import Account, JournalEntry, JournalLine, PeriodClose, Receipt
from fund.ledger.services import get_account


def account_balance(
    session: Session, code: AccountCode | str, *, as_of: dt.date | None = None
) -> int:
    """Debit-positive balance of an account in satang (a liability's balance is negative)."""
    return kept.balance(session, get_account(session, code), as_of=as_of)


def member_savings_balance(
    session: Session, member_id: int, *, as_of: dt.date | None = None
) -> int:
    """What the fund owes the member in savings (positive)."""
    account = get_account(session, AccountCode.MEMBER_SAVINGS)
    return -kept.balance(session, account, member_id, as_of=as_of)


def loan_balance(session: Session, loan_id: int, *, as_of: dt.date | None = None) -> int:
    """Outstanding principal of a loan (positive = the member owes the fund)."""
    account = get_account(session, AccountCode.LOANS_RECEIVABLE)
    return kept.balance(session, account, loan_id, as_of=as_of)


def member_receivable_balance(
    session: Session, member_id: int, *, as_of: dt.date | None = None
) -> int:
    """What the member owes the fund outside loans (e.g. repair charges)."""
    account = get_account(session, AccountCode.MEMBER_RECEIVABLES)
    return kept.balance(session, account, member_id, as_of=as_of)


def member_loans_outstanding(
    session: Session, member_id: int, *, as_of: dt.date | None = None
) -> int:
    """Principal the member still owes on all their loans (the loans' kept balances)."""
    account = get_account(session, AccountCode.LOANS_RECEIVABLE)
    return kept.member_parts(session, member_id, [account], as_of=as_of).get(account.id, 0)


# --------------------------------------------------------------------------- statements


@dataclass(frozen=True)
class AccountRow:
    code: str
    name_th: str
    name_en: str
    type: AccountType
    #: debit-positive satang
    balance_satang: int

    @property
    def debit_satang(self) -> int:
        return self.balance_satang if self.balance_satang > 0 else 0

    @property
    def credit_satang(self) -> int:
        return -self.balance_satang if self.balance_satang < 0 else 0

    @property
    def natural_satang(self) -> int:
        """The balance on the account's normal side (positive when normal)."""
        return self.balance_satang if self.type.debit_normal else -self.balance_satang

    def name(self, locale: str = "th") -> str:
        return self.name_en if locale.startswith("en") else self.name_th


def _balances_by_account(
    session: Session, *, as_of: dt.date | None = None, since: dt.date | None = None
) -> list[AccountRow]:
    sums = kept.account_totals(session, as_of=as_of, since=since)
    rows = []
    for account in session.scalars(select(Account).order_by(Account.code)):
        rows.append(
            AccountRow(
                account.code,
                account.name_th,
                account.name_en,
                account.type,
                int(sums.get(account.id, 0)),
            )
        )
    return rows


@dataclass(frozen=True)
class TrialBalance:
    as_of: dt.date
    rows: list[AccountRow]

    @property
    def total_debit_satang(self) -> int:
        return sum(r.debit_satang for r in self.rows)

    @property
    def total_credit_satang(self) -> int:
        return sum(r.credit_satang for r in self.rows)

    @property
    def balanced(self) -> bool:
        return self.total_debit_satang == self.total_credit_satang


def trial_balance(session: Session, *, as_of: dt.date) -> TrialBalance:
    rows = [r for r in _balances_by_account(session, as_of=as_of) if r.balance_satang]
    return TrialBalance(as_of, rows)


@dataclass(frozen=True)
class BalanceSheet:
    as_of: dt.date
    assets: list[AccountRow]
    liabilities: list[AccountRow]
    equity: list[AccountRow]
    #: income minus expenses not yet closed into equity (natural, positive = surplus)
    current_surplus_satang: int

    @property
    def total_assets_satang(self) -> int:
        return sum(r.natural_satang for r in self.assets)

    @property
    def total_liabilities_satang(self) -> int:
        return sum(r.natural_satang for r in self.liabilities)

    @property
    def total_equity_satang(self) -> int:
        return sum(r.natural_satang for r in self.equity) + self.current_surplus_satang

    @property
    def balanced(self) -> bool:
        return self.total_assets_satang == (
            self.total_liabilities_satang + self.total_equity_satang
        )


def balance_sheet(session: Session, *, as_of: dt.date) -> BalanceSheet:
    rows = _balances_by_account(session, as_of=as_of)
    by_type: dict[AccountType, list[AccountRow]] = {t: [] for t in AccountType}
    for row in rows:
        by_type[row.type].append(row)
    surplus = -sum(r.balance_satang for r in by_type[AccountType.INCOME]) - sum(
        r.balance_satang for r in by_type[AccountType.EXPENSE]
    )
    keep = [r for r in by_type[AccountType.ASSET] if r.balance_satang]
    return BalanceSheet(
        as_of,
        keep,
        [r for r in by_type[AccountType.LIABILITY] if r.balance_satang],
        [r for r in by_type[AccountType.EQUITY] if r.balance_satang],
        surplus,
    )


@dataclass(frozen=True)
class IncomeStatement:
    start: dt.date
    end: dt.date
    income: list[AccountRow]
    expenses: list[AccountRow]

    @property
    def total_income_satang(self) -> int:
        return sum(r.natural_satang for r in self.income)

    @property
    def total_expenses_satang(self) -> int:
        return sum(r.natural_satang for r in self.expenses)

    @property
    def surplus_satang(self) -> int:
        return self.total_income_satang - self.total_expenses_satang


def income_statement(session: Session, *, start: dt.date, end: dt.date) -> IncomeStatement:
    """Income and expenditure of the days ``start`` to ``end`` inclusive.

    Year-end allocation entries (source ``yearend.*``) move the surplus into equity; they are
    left out so the statement shows what the year earned and spent.
    """
    stmt = (
        select(JournalLine.account_id, func.sum(JournalLine.amount_satang))
        .join(JournalEntry, JournalLine.entry_id == JournalEntry.id)
        .where(
            JournalEntry.entry_date >= start,
            JournalEntry.entry_date <= end,
            JournalEntry.source.not_like("yearend.%"),
        )
        .group_by(JournalLine.account_id)
    )
    sums = dict(session.execute(stmt).all())
    income, expenses = [], []
    for account in session.scalars(
        select(Account)
        .where(Account.type.in_([AccountType.INCOME, AccountType.EXPENSE]))
        .order_by(Account.code)
    ):
        row = AccountRow(
            account.code,
            account.name_th,
            account.name_en,
            account.type,
            int(sums.get(account.id, 0)),
        )
        (income if account.type is AccountType.INCOME else expenses).append(row)
    return IncomeStatement(start, end, income, expenses)


@dataclass(frozen=True)
class CashBookLine:
    entry_id: int
    entry_date: dt.date
    description: str
    source: str
    account_code: str
    #: money in (satang) or 0
    received_satang: int
    #: money out (satang) or 0
    paid_satang: int
    #: running balance of the selected cash accounts after this line
    balance_satang: int


@dataclass(frozen=True)
class CashBook:
    start: dt.date
    end: dt.date
    opening_satang: int
    lines: list[CashBookLine]

    @property
    def closing_satang(self) -> int:
        return self.lines[-1].balance_satang if self.lines else self.opening_satang

    @property
    def total_received_satang(self) -> int:
        return sum(line.received_satang for line in self.lines)

    @property
    def total_paid_satang(self) -> int:
        return sum(line.paid_satang for line in self.lines)


def cash_book(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    codes: tuple[AccountCode | str, ...] = CASH_ACCOUNTS,
) -> CashBook:
    ids = [get_account(session, c).id for c in codes]
    opening = sum(
        kept.balance(session, get_account(session, c), as_of=start - dt.timedelta(days=1))
        for c in codes
    )
    rows = session.execute(
        select(
            JournalEntry.id,
            JournalEntry.entry_date,
            JournalEntry.description,
            JournalEntry.source,
            Account.code,
            JournalLine.amount_satang,
        )
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(
            JournalLine.account_id.in_(ids),
            JournalEntry.entry_date >= start,
            JournalEntry.entry_date <= end,
        )
        .order_by(JournalEntry.entry_date, JournalEntry.id, JournalLine.line_no)
    ).all()
    running = opening
    lines = []
    for entry_id, day, description, source, code, amount in rows:
        running += amount
        lines.append(
            CashBookLine(
                entry_id,
                day,
                description,
                source,
                code,
                amount if amount > 0 else 0,
                -amount if amount < 0 else 0,
                running,
            )
        )
    return CashBook(start, end, opening, lines)


@dataclass(frozen=True)
class JournalListItem:
    entry: JournalEntry
    reversed_by_id: int | None


def list_journal(
    session: Session,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[JournalEntry]:
    stmt = select(JournalEntry).order_by(JournalEntry.entry_date.desc(), JournalEntry.id.desc())
    if start is not None:
        stmt = stmt.where(JournalEntry.entry_date >= start)
    if end is not None:
        stmt = stmt.where(JournalEntry.entry_date <= end)
    return list(session.scalars(stmt.limit(limit).offset(offset)))


def reversal_of(session: Session, entry_id: int) -> JournalEntry | None:
    return session.scalar(select(JournalEntry).where(JournalEntry.reverses_id == entry_id))


def list_period_closes(session: Session) -> list[PeriodClose]:
    return list(session.scalars(select(PeriodClose).order_by(PeriodClose.closed_through.desc())))


def list_accounts(session: Session) -> list[Account]:
    return list(session.scalars(select(Account).order_by(Account.code)))


def list_receipts(
    session: Session, *, fiscal_year: int | None = None, limit: int = 300
) -> list[Receipt]:
    stmt = select(Receipt).order_by(Receipt.fiscal_year.desc(), Receipt.number.desc())
    if fiscal_year is not None:
        stmt = stmt.where(Receipt.fiscal_year == fiscal_year)
    return list(session.scalars(stmt.limit(limit)))
