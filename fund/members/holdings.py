"""How much money a member has with the fund, read from the kept balances of the ledger's member
and loan sub-ledgers.

A member who still has savings, a loan or charges owed cannot simply leave or be anonymised: the
books must be settled first. Other areas that hold something of value for a member (e.g. a
loaned wheelchair) append a check to ``MONEY_HELD_CHECKS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fund.ledger.accounts import AccountCode
from fund.ledger.balances import member_parts
from fund.ledger.services import get_account
from fund.members.models import Member


@dataclass(frozen=True)
class Holding:
    code: str
    label_th: str
    label_en: str
    #: positive: the fund owes the member (savings) or the member owes the fund (loans, charges)
    amount_satang: int


#: (account, label th, label en, sign turning the debit-positive sum into the shown amount)
_MEMBER_ACCOUNTS = (
    (AccountCode.MEMBER_SAVINGS, "เงินออม", "savings", -1),
    (AccountCode.LOANS_RECEIVABLE, "เงินกู้คงค้าง", "loan outstanding", 1),
    (AccountCode.INTEREST_RECEIVABLE, "ดอกเบี้ยค้างรับ", "interest due", 1),
    (AccountCode.MEMBER_RECEIVABLES, "ค่าใช้จ่ายค้างชำระ", "charges owed", 1),
)

#: fn(session, member) -> holdings found elsewhere (appended to by other areas)
MONEY_HELD_CHECKS: list[Callable[[Session, Member], list[Holding]]] = []


def ledger_holdings(session: Session, member_id: int) -> dict[str, int]:
    """Debit-positive balances of the member per member account code, from the kept balances
    (one query, whatever the length of the member's history)."""
    accounts = [get_account(session, code) for code, *_ in _MEMBER_ACCOUNTS]
    parts = member_parts(session, member_id, accounts)
    return {account.code: parts[account.id] for account in accounts if account.id in parts}


def money_held(session: Session, member: Member, *, include_zero: bool = False) -> list[Holding]:
    """The member's non-zero balances with the fund (all member accounts with ``include_zero``)."""
    sums = ledger_holdings(session, member.id)
    result = [
        Holding(code.name.lower(), th, en, sign * sums.get(code.value, 0))
        for code, th, en, sign in _MEMBER_ACCOUNTS
    ]
    for check in MONEY_HELD_CHECKS:
        result.extend(check(session, member))
    return [h for h in result if include_zero or h.amount_satang != 0]
