"""Invariants of the books, verified from the database by ``chaeson check``.

Other areas add their own: a module ``fund/<area>/checks.py`` or ``repair_center/<area>/checks.py``
with ``def checks(session) -> list[CheckResult]``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from fund.ledger.accounts import Subledger
from fund.ledger.models import Account, JournalEntry, JournalLine, PeriodClose, Receipt
from fund.money import format_baht

#: at most this many problems are listed per check (the count is always given)
MAX_LISTED = 20


@dataclass
class CheckResult:
    #: short stable name, e.g. "ledger.entries_balanced"
    name: str
    #: what was checked, in Thai and English
    title_th: str
    title_en: str
    problems: list[str] = field(default_factory=list)
    #: how many things were looked at (entries, members, …)
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: str) -> None:
        self.problems.append(problem)


def _entries_balanced(session: Session) -> CheckResult:
    result = CheckResult(
        "ledger.entries_balanced",
        "ทุกรายการมีอย่างน้อย 2 บรรทัดและเดบิตเท่ากับเครดิต",
        "every entry has two or more lines that sum to zero",
    )
    rows = session.execute(
        select(
            JournalEntry.id,
            func.count(JournalLine.id),
            func.coalesce(func.sum(JournalLine.amount_satang), 0),
            func.coalesce(func.sum(func.abs(JournalLine.amount_satang)), 0),
        )
        .outerjoin(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .group_by(JournalEntry.id)
    ).all()
    result.checked = len(rows)
    for entry_id, count, total, _gross in rows:
        if count < 2:
            result.add(f"entry {entry_id}: {count} line(s)")
        elif total != 0:
            result.add(f"entry {entry_id}: lines sum to {total} satang, not 0")
    zero = session.scalar(
        select(func.count()).select_from(JournalLine).where(JournalLine.amount_satang == 0)
    )
    if zero:
        result.add(f"{zero} zero-amount line(s)")
    return result


def _totals_per_period(session: Session) -> CheckResult:
    result = CheckResult(
        "ledger.debits_equal_credits",
        "เดบิตรวมเท่ากับเครดิตรวม ทั้งหมดและในแต่ละเดือน",
        "total debits equal total credits, overall and in every month",
    )
    by_month: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    rows = session.execute(
        select(
            JournalEntry.entry_date,
            func.sum(func.abs(JournalLine.amount_satang)),
            func.sum(JournalLine.amount_satang),
        )
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .group_by(JournalEntry.entry_date)
    ).all()
    for day, gross, net in rows:
        key = (day.year, day.month)
        debit = (int(gross) + int(net)) // 2
        credit = (int(gross) - int(net)) // 2
        by_month[key][0] += debit
        by_month[key][1] += credit
    total_debit = total_credit = 0
    for (year, month), (debit, credit) in sorted(by_month.items()):
        total_debit += debit
        total_credit += credit
        if debit != credit:
            result.add(
                f"{year}-{month:02d}: debits {format_baht(debit)} ≠ credits {format_baht(credit)}"
            )
    if total_debit != total_credit:
        result.add(f"overall: debits {total_debit} ≠ credits {total_credit} satang")
    result.checked = len(by_month)
    return result


def _subledgers(session: Session) -> CheckResult:
    result = CheckResult(
        "ledger.subledgers_match_control",
        "บัญชีย่อยรายสมาชิก/รายสัญญารวมกันเท่ากับบัญชีคุม",
        "every sub-ledger (per member, per loan) adds up to its control account",
    )
    for account in session.scalars(
        select(Account).where(Account.subledger != Subledger.NONE).order_by(Account.code)
    ):
        key_col = (
            JournalLine.member_id if account.subledger is Subledger.MEMBER else JournalLine.loan_id
        )
        missing = session.scalar(
            select(func.count())
            .select_from(JournalLine)
            .where(JournalLine.account_id == account.id, key_col.is_(None))
        )
        if missing:
            result.add(f"account {account.code}: {missing} line(s) without their sub-ledger key")
        control = session.scalar(
            select(func.coalesce(func.sum(JournalLine.amount_satang), 0)).where(
                JournalLine.account_id == account.id
            )
        )
        per_key = session.execute(
            select(key_col, func.sum(JournalLine.amount_satang))
            .where(JournalLine.account_id == account.id, key_col.is_not(None))
            .group_by(key_col)
        ).all()
        result.checked += len(per_key)
        if sum(int(total) for _k, total in per_key) != int(control):
            result.add(
                f"account {account.code}: sub-ledgers add up to "
                f"{sum(int(t) for _k, t in per_key)}, control is {control} satang"
            )
    return result


def _line_dates(session: Session) -> CheckResult:
    result = CheckResult(
        "ledger.line_dates",
        "วันที่ของทุกบรรทัดรายการตรงกับวันที่ของรายการบัญชี",
        "every journal line carries its entry's date",
    )
    result.checked = int(session.scalar(select(func.count()).select_from(JournalLine)))
    wrong = session.execute(
        select(
            JournalLine.id, JournalLine.entry_id, JournalLine.entry_date, JournalEntry.entry_date
        )
        .outerjoin(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            (JournalEntry.id.is_(None))
            | (JournalLine.entry_date != JournalEntry.entry_date)
            | JournalLine.entry_date.is_(None)
        )
        .order_by(JournalLine.id)
        .limit(MAX_LISTED)
    ).all()
    for line_id, entry_id, line_date, entry_date in wrong:
        result.add(f"line {line_id} of entry {entry_id}: dated {line_date}, the entry {entry_date}")
    return result


def _never_negative(session: Session) -> CheckResult:
    result = CheckResult(
        "ledger.no_negative_balances",
        "เงินสด เงินฝากธนาคาร เงินสัจจะของสมาชิก และหนี้เงินกู้แต่ละสัญญาไม่ติดลบในวันใดเลย (ไม่มีการชำระเกินยอดที่กู้)",
        "cash, bank, each member's savings and each loan never fall below zero on any day "
        "(no loan repaid beyond what was lent)",
    )
    for account in session.scalars(
        select(Account).where(Account.never_negative.is_(True)).order_by(Account.code)
    ):
        sign = 1 if account.type.debit_normal else -1
        if account.subledger is Subledger.MEMBER:
            key_col = JournalLine.member_id
        elif account.subledger is Subledger.LOAN:
            key_col = JournalLine.loan_id
        else:
            key_col = None
        columns = [JournalEntry.entry_date, func.sum(JournalLine.amount_satang)]
        group = [JournalEntry.entry_date]
        if key_col is not None:
            columns.insert(0, key_col)
            group.insert(0, key_col)
        rows = session.execute(
            select(*columns)
            .join(JournalEntry, JournalLine.entry_id == JournalEntry.id)
            .where(JournalLine.account_id == account.id)
            .group_by(*group)
            .order_by(*group)
        ).all()
        running: dict[object, int] = defaultdict(int)
        flagged: set[object] = set()
        for row in rows:
            key, day, amount = (row[0], row[1], row[2]) if key_col is not None else (None, *row)
            running[key] += sign * int(amount)
            if running[key] < 0 and key not in flagged:
                flagged.add(key)
                who = f" {account.subledger.value} {key}" if key is not None else ""
                result.add(
                    f"account {account.code}{who}: balance {format_baht(running[key])} on {day}"
                )
        result.checked += len(running)
    return result


def _closed_periods(session: Session) -> CheckResult:
    result = CheckResult(
        "ledger.closed_periods_untouched",
        "ไม่มีการบันทึกรายการในงวดที่ปิดแล้ว และการปิดงวดเดินหน้าเท่านั้น",
        "nothing was posted into a closed period, and closes only moved forward",
    )
    closes = session.scalars(select(PeriodClose).order_by(PeriodClose.closed_at)).all()
    result.checked = len(closes)
    latest = None
    for close in closes:
        if latest is not None and close.closed_through <= latest:
            result.add(f"close {close.id} ({close.closed_through}) moved the close backwards")
        latest = close.closed_through if latest is None else max(latest, close.closed_through)
        late = session.scalars(
            select(JournalEntry.id).where(
                JournalEntry.entry_date <= close.closed_through,
                JournalEntry.recorded_at > close.closed_at,
            )
        ).all()
        for entry_id in late[:MAX_LISTED]:
            result.add(
                f"entry {entry_id} was recorded after the books were closed through "
                f"{close.closed_through}"
            )
    return result


def _reversals(session: Session) -> CheckResult:
    result = CheckResult(
        "ledger.reversals_point_to_one_original",
        "ทุกการกลับรายการชี้ไปยังรายการเดิมหนึ่งรายการและหักล้างกันพอดี",
        "every reversal points to one original and mirrors it exactly",
    )
    original = aliased(JournalEntry)
    pairs = session.execute(
        select(JournalEntry, original).join(original, JournalEntry.reverses_id == original.id)
    ).all()
    result.checked = len(pairs)
    counts = defaultdict(int)
    for reversal, orig in pairs:
        counts[orig.id] += 1
        if orig.reverses_id is not None:
            result.add(f"entry {reversal.id} reverses entry {orig.id}, itself a reversal")
        if reversal.entry_date < orig.entry_date:
            result.add(f"entry {reversal.id} is dated before the entry it reverses ({orig.id})")
        mine = sorted(
            (ln.account_id, -ln.amount_satang, ln.member_id or 0, ln.loan_id or 0)
            for ln in reversal.lines
        )
        theirs = sorted(
            (ln.account_id, ln.amount_satang, ln.member_id or 0, ln.loan_id or 0)
            for ln in orig.lines
        )
        if mine != theirs:
            result.add(f"entry {reversal.id} does not mirror entry {orig.id}")
    for orig_id, count in counts.items():
        if count > 1:
            result.add(f"entry {orig_id} is reversed {count} times")
    dangling = session.scalar(
        select(func.count())
        .select_from(JournalEntry)
        .where(
            JournalEntry.reverses_id.is_not(None),
            ~select(original.id).where(original.id == JournalEntry.reverses_id).exists(),
        )
    )
    if dangling:
        result.add(f"{dangling} reversal(s) point to no entry")
    return result


def _receipts(session: Session) -> CheckResult:
    result = CheckResult(
        "ledger.receipts",
        "เลขที่ใบเสร็จเรียงต่อเนื่องไม่ขาดในแต่ละปีงบประมาณ และใบเสร็จที่ยกเลิกมีการกลับรายการ",
        "receipt numbers run without gaps in each fiscal year; every void receipt is reversed",
    )
    rows = session.execute(
        select(
            Receipt.fiscal_year, func.count(), func.min(Receipt.number), func.max(Receipt.number)
        ).group_by(Receipt.fiscal_year)
    ).all()
    for fy, count, low, high in rows:
        result.checked += count
        if low != 1 or high != count:
            result.add(f"fiscal year {fy}: {count} receipts numbered {low}–{high}")
    void_entry = aliased(JournalEntry)
    bad = session.scalars(
        select(Receipt.id)
        .join(void_entry, Receipt.void_entry_id == void_entry.id)
        .where(void_entry.reverses_id != Receipt.journal_entry_id)
    ).all()
    for receipt_id in bad[:MAX_LISTED]:
        result.add(f"receipt {receipt_id}: its void entry does not reverse its posting")
    unvoided_reversed = session.scalars(
        select(Receipt.id)
        .join(void_entry, void_entry.reverses_id == Receipt.journal_entry_id)
        .where(Receipt.voided_at.is_(None))
    ).all()
    for receipt_id in unvoided_reversed[:MAX_LISTED]:
        result.add(f"receipt {receipt_id}: its posting was reversed but the receipt is not void")
    return result


def _savings_posted(session: Session) -> CheckResult:
    from fund.savings.models import SavingsTransaction

    result = CheckResult(
        "savings.every_action_posted",
        "ทุกรายการฝาก/ถอนเงินสัจจะมีรายการบัญชีของตัวเอง",
        "every savings deposit and withdrawal has its own journal entry",
    )
    result.checked = session.scalar(select(func.count()).select_from(SavingsTransaction))
    missing = session.scalars(
        select(SavingsTransaction.id).where(SavingsTransaction.journal_entry_id.is_(None))
    ).all()
    for txn_id in missing[:MAX_LISTED]:
        result.add(f"savings transaction {txn_id} has no journal entry")
    mismatched = session.scalars(
        select(SavingsTransaction.id)
        .join(JournalEntry, JournalEntry.id == SavingsTransaction.journal_entry_id)
        .where(
            (JournalEntry.source_id != SavingsTransaction.id)
            | JournalEntry.source.not_in(["savings.deposit", "savings.withdrawal"])
        )
    ).all()
    for txn_id in mismatched[:MAX_LISTED]:
        result.add(f"savings transaction {txn_id} points to another action's entry")
    return result


def _kept_balances(session: Session) -> CheckResult:
    from fund.ledger.balances import mismatches

    result = CheckResult(
        "ledger.kept_balances",
        "ยอดคงเหลือที่เก็บไว้ตรงกับสมุดรายวัน (ทุกบัญชี สมาชิก สัญญา และทุกวัน)",
        "Kept balances equal the journal (every account, member, loan and day)",
    )
    result.checked = int(session.scalar(select(func.count()).select_from(JournalLine)))
    for problem in mismatches(session, limit=MAX_LISTED):
        result.add(problem)
    return result


def checks(session: Session) -> list[CheckResult]:
    """The ledger's own invariants, in the order they are printed."""
    return [
        _kept_balances(session),
        _entries_balanced(session),
        _totals_per_period(session),
        _subledgers(session),
        _line_dates(session),
        _never_negative(session),
        _closed_periods(session),
        _reversals(session),
        _receipts(session),
        _savings_posted(session),
    ]


def run_all_checks(session: Session, extra_modules=()) -> list[CheckResult]:
    """The ledger's checks, then those of every module in ``extra_modules``."""
    results = checks(session)
    for module in extra_modules:
        results.extend(module.checks(session))
    return results
