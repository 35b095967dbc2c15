"""Parts stock: receipts, use on jobs, returns, adjustments; the count never goes negative."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from fund.errors import Conflict, InvalidInput
from fund.ledger.accounts import AccountCode
from fund.ledger.queries import account_balance
from repair_center.jobs.models import PaymentBasis
from repair_center.jobs.services import approve_job, assess_job, start_job
from repair_center.parts.models import FundingSource
from repair_center.parts.queries import list_parts, parts_for_job
from repair_center.parts.services import (
    adjust_stock,
    create_part,
    receive_parts,
    return_part,
    use_part,
)

from .conftest import assert_books_agree

DAY = dt.date(2025, 11, 20)


@pytest.fixture
def tyre(db, users, now):
    return create_part(
        db,
        code="tyre-24",
        name="ยางนอก 24 นิ้ว",
        unit="เส้น",
        reorder_level=2,
        actor=users["repair"],
        now=now,
    )


@pytest.fixture
def approved_job(db, users, now, new_job):
    job = new_job()
    assess_job(db, job=job, assessment="ยางแตก", actor=users["repair"], now=now)
    approve_job(db, job=job, basis=PaymentBasis.FUND, actor=users["repair"], now=now)
    return job


def receive(db, users, now, part, qty, cost, funding=FundingSource.CASH):
    return receive_parts(
        db,
        part=part,
        quantity=qty,
        unit_cost_satang=cost,
        received_on=DAY,
        funding=funding,
        actor=users["repair"],
        now=now,
        supplier="ร้านวีลแชร์ลำปาง",
    )


def test_receiving_parts_adds_stock_and_posts_the_purchase(db, users, now, cash, tyre):
    assert tyre.code == "TYRE-24"
    receive(db, users, now, tyre, 4, 150_00)
    assert (tyre.quantity_on_hand, tyre.value_on_hand_satang) == (4, 600_00)
    assert account_balance(db, AccountCode.PARTS_INVENTORY) == 600_00
    assert account_balance(db, AccountCode.CASH) == cash - 600_00
    receive(db, users, now, tyre, 1, 0, FundingSource.DONATION)
    receive(db, users, now, tyre, 2, 100_00, FundingSource.DONATION)
    assert account_balance(db, AccountCode.GRANTS_DONATIONS) == -200_00
    assert_books_agree(db)


def test_bought_parts_need_a_price_and_a_positive_whole_quantity(db, users, now, cash, tyre):
    with pytest.raises(InvalidInput) as err:
        receive(db, users, now, tyre, 1, 0)
    assert err.value.field == "unit_cost"
    for bad in (0, -1, 1.5, True, 100_001):
        with pytest.raises(InvalidInput):
            receive(db, users, now, tyre, bad, 100)
    with pytest.raises(InvalidInput):
        receive(db, users, now, tyre, 1, -100)
    assert tyre.quantity_on_hand == 0
    assert account_balance(db, AccountCode.PARTS_INVENTORY) == 0


def test_moving_average_leaves_no_residue_when_the_last_unit_goes(
    db, users, now, cash, tyre, approved_job
):
    receive(db, users, now, tyre, 3, 10_00)
    receive(db, users, now, tyre, 1, 11_01)
    assert tyre.value_on_hand_satang == 41_01
    first = use_part(
        db, job=approved_job, part=tyre, quantity=1, used_on=DAY, actor=users["repair"], now=now
    )
    assert first.value_satang == -10_25  # 41.01 / 4 = 10.2525 → 10.25
    rest = use_part(
        db, job=approved_job, part=tyre, quantity=3, used_on=DAY, actor=users["repair"], now=now
    )
    assert rest.value_satang == -30_76
    assert (tyre.quantity_on_hand, tyre.value_on_hand_satang) == (0, 0)
    assert_books_agree(db)


def test_using_more_than_in_stock_is_refused_and_changes_nothing(
    db, users, now, cash, tyre, approved_job
):
    receive(db, users, now, tyre, 2, 150_00)
    with pytest.raises(Conflict) as err:
        use_part(
            db, job=approved_job, part=tyre, quantity=3, used_on=DAY, actor=users["repair"], now=now
        )
    assert "2" in err.value.message_th and err.value.field == "quantity"
    assert tyre.quantity_on_hand == 2
    with pytest.raises(Conflict):
        adjust_stock(
            db,
            part=tyre,
            change=-3,
            reason="นับได้น้อยกว่า",
            adjusted_on=DAY,
            actor=users["repair"],
            now=now,
        )
    assert tyre.quantity_on_hand == 2
    assert parts_for_job(db, approved_job) == []
    assert_books_agree(db)


def test_the_database_refuses_a_negative_count_whoever_writes(db, tyre):
    db.flush()
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(
            text("UPDATE repair_parts SET quantity_on_hand = -1 WHERE id = :id"), {"id": tyre.id}
        )


def test_parts_go_only_to_approved_open_jobs(db, users, now, cash, tyre, new_job):
    receive(db, users, now, tyre, 2, 150_00)
    job = new_job()
    with pytest.raises(Conflict):
        use_part(db, job=job, part=tyre, quantity=1, used_on=DAY, actor=users["repair"], now=now)
    assess_job(db, job=job, assessment="x", actor=users["repair"], now=now)
    approve_job(db, job=job, basis=None, actor=users["repair"], now=now)
    start_job(db, job=job, actor=users["repair"], now=now)
    use_part(db, job=job, part=tyre, quantity=1, used_on=DAY, actor=users["repair"], now=now)
    assert [(p.code, p.quantity) for p in parts_for_job(db, job)] == [("TYRE-24", 1)]


def test_returning_unused_parts_restores_stock_at_the_value_they_left(
    db, users, now, cash, tyre, approved_job
):
    receive(db, users, now, tyre, 3, 100_00)
    use_part(
        db, job=approved_job, part=tyre, quantity=2, used_on=DAY, actor=users["repair"], now=now
    )
    with pytest.raises(Conflict):
        return_part(
            db,
            job=approved_job,
            part=tyre,
            quantity=3,
            returned_on=DAY,
            actor=users["repair"],
            now=now,
        )
    return_part(
        db, job=approved_job, part=tyre, quantity=2, returned_on=DAY, actor=users["repair"], now=now
    )
    assert (tyre.quantity_on_hand, tyre.value_on_hand_satang) == (3, 300_00)
    assert parts_for_job(db, approved_job) == []
    assert_books_agree(db)


def test_adjustments_need_a_reason_and_post_the_difference(db, users, now, cash, tyre):
    receive(db, users, now, tyre, 4, 150_00)
    for change, reason in ((0, "นับใหม่"), (-1, "  "), (1.5, "x")):
        with pytest.raises(InvalidInput):
            adjust_stock(
                db,
                part=tyre,
                change=change,
                reason=reason,
                adjusted_on=DAY,
                actor=users["repair"],
                now=now,
            )
    adjust_stock(
        db,
        part=tyre,
        change=-1,
        reason="ยางแตกในคลัง",
        adjusted_on=DAY,
        actor=users["repair"],
        now=now,
    )
    assert account_balance(db, AccountCode.REPAIR_EXPENSE) == 150_00
    adjust_stock(
        db, part=tyre, change=2, reason="นับพบเพิ่ม", adjusted_on=DAY, actor=users["repair"], now=now
    )
    assert (tyre.quantity_on_hand, tyre.value_on_hand_satang) == (5, 750_00)
    assert account_balance(db, AccountCode.REPAIR_EXPENSE) == -150_00
    assert_books_agree(db)


def test_low_stock_lists_parts_at_or_below_their_reorder_level(db, users, now, cash, tyre):
    tube = create_part(
        db,
        code="TUBE-24",
        name="ยางใน 24 นิ้ว",
        unit="เส้น",
        reorder_level=1,
        actor=users["repair"],
        now=now,
    )
    receive(db, users, now, tube, 5, 60_00)
    receive(db, users, now, tyre, 2, 150_00)
    assert [p.code for p in list_parts(db, only_low=True)] == ["TYRE-24"]
    with pytest.raises(Conflict):
        create_part(
            db, code="tube-24", name="ซ้ำ", unit="", reorder_level=0, actor=users["repair"], now=now
        )


def test_stock_movements_are_append_only(db, users, now, cash, tyre):
    receive(db, users, now, tyre, 1, 150_00)
    db.flush()
    for statement in (
        "UPDATE repair_stock_movements SET quantity = 99",
        "DELETE FROM repair_stock_movements",
    ):
        with pytest.raises(Exception, match="append-only"), db.begin_nested():
            db.execute(text(statement))
