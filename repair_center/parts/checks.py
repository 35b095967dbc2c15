"""``chaeson check``: the parts stock agrees with its movements and with the ledger."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fund.ledger.accounts import AccountCode
from fund.ledger.checks import MAX_LISTED, CheckResult
from fund.ledger.queries import account_balance
from fund.money import format_baht
from repair_center.jobs.models import RepairJob
from repair_center.jobs.states import OPEN_STATES
from repair_center.parts.models import Part, StockMovement
from repair_center.sql import total


def _counts_match_movements(session: Session) -> CheckResult:
    result = CheckResult(
        "repair.stock_matches_movements",
        "จำนวนและมูลค่าอะไหล่คงคลังตรงกับผลรวมการเคลื่อนไหว และไม่ติดลบ",
        "each part's count and value equal the sum of its movements and are not negative",
    )
    sums = dict(
        (pid, (qty, value))
        for pid, qty, value in session.execute(
            select(
                StockMovement.part_id,
                total(StockMovement.quantity),
                total(StockMovement.value_satang),
            ).group_by(StockMovement.part_id)
        )
    )
    for part in session.scalars(select(Part).order_by(Part.code)):
        result.checked += 1
        expected = sums.get(part.id, (0, 0))
        actual = (part.quantity_on_hand, part.value_on_hand_satang)
        if actual != tuple(expected) or part.quantity_on_hand < 0:
            if len(result.problems) < MAX_LISTED:
                result.add(f"{part.code}: คงคลัง {actual} แต่การเคลื่อนไหวรวม {tuple(expected)}")
    return result


def work_in_progress_satang(session: Session) -> int:
    """Value of parts taken for jobs that are still open (still in PARTS_INVENTORY)."""
    return -session.scalar(
        select(total(StockMovement.value_satang))
        .join(RepairJob, RepairJob.id == StockMovement.job_id)
        .where(RepairJob.state.in_(list(OPEN_STATES)))
    )


def _ledger_matches_stock(session: Session) -> CheckResult:
    result = CheckResult(
        "repair.inventory_matches_ledger",
        "ยอดบัญชีอะไหล่คงคลังเท่ากับมูลค่าอะไหล่ในคลังบวกอะไหล่ที่เบิกไปกับงานที่ยังไม่ปิด",
        "the parts-inventory account equals the stock on the shelf plus parts on open jobs",
        checked=1,
    )
    shelf = session.scalar(select(total(Part.value_on_hand_satang)))
    wip = work_in_progress_satang(session)
    books = account_balance(session, AccountCode.PARTS_INVENTORY)
    if books != shelf + wip:
        result.add(
            f"บัญชี {format_baht(books)} แต่ในคลัง {format_baht(shelf)} + ระหว่างซ่อม {format_baht(wip)}"
        )
    return result


def checks(session: Session) -> list[CheckResult]:
    return [_counts_match_movements(session), _ledger_matches_stock(session)]
