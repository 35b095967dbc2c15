"""The year-end wizard: preview for readers, one posting on confirm for the committee."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from fund.fundbook.models import FundTxnKind
from fund.fundbook.services import record_fund_transaction
from fund.ledger.models import JournalEntry
from fund.ledger.queries import member_savings_balance
from fund.savings.models import SavingsKind
from fund.savings.services import record_deposit

QUERY = "/ledger/year-end?fiscal_year=2568&reserve=10&dividend=50&refund=0&welfare=๑๐"


def _setup(db, users, now, member):
    committee = users["committee"]
    record_deposit(
        db,
        member=member,
        amount_satang=1_000_00,
        txn_date=dt.date(2024, 10, 2),
        kind=SavingsKind.EXTRA,
        recorded_by=committee,
        now=now,
    )
    record_fund_transaction(
        db,
        kind=FundTxnKind.DONATION,
        txn_date=dt.date(2025, 3, 1),
        counterparty="วัดแจ้ซ้อน",
        description="ผ้าป่า",
        amount_satang=2_000_00,
        recorded_by=committee,
        now=now,
    )
    db.commit()


def test_preview_then_confirm_posts_once(login_as, db, users, now, member):
    _setup(db, users, now, member)
    auditor = login_as("auditor")
    preview = auditor.get(QUERY)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert member.member_no in html and "1,000.00" in html  # dividend: 50% of 2,000
    assert "ยืนยันและบันทึกบัญชี" not in html  # the auditor only reads
    committee = login_as("committee")
    page = committee.get(QUERY).get_data(as_text=True)
    data = {
        name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)
        for name in ("fiscal_year", "reserve", "dividend", "refund", "welfare")
    }
    entries = db.scalar(select(func.count()).select_from(JournalEntry))
    first = committee.submit("/ledger/year-end", data, page=QUERY)
    second = committee.submit("/ledger/year-end", data, page=QUERY)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert db.scalar(select(func.count()).select_from(JournalEntry)) == entries + 1
    assert member_savings_balance(db, member.id) == 2_000_00
    assert auditor.post("/ledger/year-end", data=data).status_code == 403


def test_bad_shares_are_shown_on_their_fields(login_as, db, users, now, member):
    _setup(db, users, now, member)
    web = login_as("committee")
    response = web.get("/ledger/year-end?fiscal_year=2568&reserve=5&dividend=50&refund=0&welfare=0")
    assert response.status_code == 422
    assert "ทุนสำรองต้องไม่น้อยกว่าร้อยละ 10" in response.get_data(as_text=True)
    response = web.get(
        "/ledger/year-end?fiscal_year=2568&reserve=abc&dividend=50&refund=0&welfare=0"
    )
    assert response.status_code == 422
    assert "ร้อยละเป็นตัวเลข" in response.get_data(as_text=True)
