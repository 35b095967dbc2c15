"""How the repair center's money reaches the fund's books (the only module that posts).

Design (every entry's ``source`` starts with "repair."):

* Parts bought: debit PARTS_INVENTORY, credit CASH or BANK; donated parts credit
  GRANTS_DONATIONS ("repair.parts_received").
* Stock count corrections: a shortage debits REPAIR_EXPENSE, a surplus credits it
  ("repair.stock_adjustment").
* Parts taken for a job stay in PARTS_INVENTORY (as work in progress) until the job closes, so a
  part returned unused needs no entry.
* Delivery ("repair.delivery") posts the whole cost of the job as the fund's expense and bills the
  member's share separately, so the books show both the cost and what was recovered:
    - debit REPAIR_EXPENSE parts + labour; credit PARTS_INVENTORY parts;
    - credit CASH labour: the technician's hours are paid in cash when the job is handed back
      (a rate of 0 means volunteer or salaried work, and no labour line);
    - debit MEMBER_RECEIVABLES (member) / credit REPAIR_INCOME the member's share.
  The fund's net cost is REPAIR_EXPENSE − REPAIR_INCOME = total − member's share = fund's share.
* Cancellation ("repair.cancel") expenses the parts left on the job (they were consumed); no
  labour is paid and the member is not billed.
* A payment of the member's share ("repair.payment"): debit CASH or BANK, credit
  MEMBER_RECEIVABLES (member); several payments make instalments.
* A device bought by the fund for a member ("repair.provision"): debit DEVICE_EXPENSE, credit CASH
  or BANK. Donor-funded devices and gifts from the center's stock record their cost but move no
  fund money.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from fund.ledger.accounts import AccountCode
from fund.ledger.services import LineSpec, post_entry
from fund.money import round_half_up_satang

if TYPE_CHECKING:
    from fund.ledger.models import JournalEntry
    from fund.users.models import User

MONEY_ACCOUNTS = {"cash": AccountCode.CASH, "bank": AccountCode.BANK}


def member_share(total_satang: int, percent: int) -> int:
    """The member's part of a cost: ``percent`` % of the total, rounded half up to a satang."""
    if not 0 <= percent <= 100:
        raise ValueError("percent must be 0-100")
    return round_half_up_satang(Decimal(total_satang) * percent / Decimal(10_000))


def delivery_lines(
    *, parts_satang: int, labour_satang: int, member_charge_satang: int, member_id: int | None
) -> list[LineSpec]:
    lines: list[LineSpec] = []
    total = parts_satang + labour_satang
    if total:
        lines.append(LineSpec(AccountCode.REPAIR_EXPENSE, total, memo="ค่าอะไหล่และค่าแรง"))
    if parts_satang:
        lines.append(LineSpec(AccountCode.PARTS_INVENTORY, -parts_satang, memo="อะไหล่ที่ใช้"))
    if labour_satang:
        lines.append(LineSpec(AccountCode.CASH, -labour_satang, memo="ค่าแรงช่าง"))
    if member_charge_satang:
        if member_id is None:
            raise ValueError("a member charge needs a member")
        lines.append(
            LineSpec(
                AccountCode.MEMBER_RECEIVABLES,
                member_charge_satang,
                member_id=member_id,
                memo="ส่วนที่สมาชิกชำระ",
            )
        )
        lines.append(LineSpec(AccountCode.REPAIR_INCOME, -member_charge_satang))
    return lines


def cancel_lines(*, parts_satang: int) -> list[LineSpec]:
    if not parts_satang:
        return []
    return [
        LineSpec(AccountCode.REPAIR_EXPENSE, parts_satang, memo="อะไหล่ของงานที่ยกเลิก"),
        LineSpec(AccountCode.PARTS_INVENTORY, -parts_satang),
    ]


def post(
    session: Session,
    *,
    lines: list[LineSpec],
    entry_date: dt.date,
    description: str,
    source: str,
    source_id: int,
    recorded_by: User,
    now: dt.datetime,
    idempotency_key: str | None = None,
) -> JournalEntry | None:
    """Post ``lines`` when there is anything to post (a job with no cost posts nothing)."""
    if not lines:
        return None
    return post_entry(
        session,
        entry_date=entry_date,
        description=description,
        source=source,
        source_id=source_id,
        lines=lines,
        recorded_by=recorded_by,
        now=now,
        idempotency_key=idempotency_key,
    )
