"""Savings and ledger screens: forms, bad input, double submits, roles."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from fund.ledger.models import JournalEntry, Receipt
from fund.ledger.queries import member_savings_balance
from fund.savings.models import SavingsTransaction


def _once(html: str) -> str:
    match = re.search(r'name="once"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="once"', html
    )
    assert match, "form has no one-time key"
    return match.group(1)


def _deposit_data(page: str, amount="100", **extra):
    data = {
        "kind": "monthly",
        "for_month": "2025-11",
        "amount": amount,
        "txn_date-day": "20",
        "txn_date-month": "11",
        "txn_date-year": "2568",
        "money_account": "1010",
        "note": "",
        "once": _once(page),
    }
    data.update(extra)
    return data


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_deposit_form_posts_once_even_when_submitted_twice(login_as, db, member):
    web = login_as("committee")
    url = f"/savings/members/{member.id}/deposit"
    page = web.get(url).get_data(as_text=True)
    data = _deposit_data(page, amount="๑๒๓.๕๐")  # Thai digits
    first = web.submit(url, data)
    assert first.status_code == 302
    second = web.submit(url, data)
    assert second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert member_savings_balance(db, member.id) == 123_50
    assert _count(db, SavingsTransaction) == 1
    result = web.get(first.headers["Location"]).get_data(as_text=True)
    assert "2569/" in result and "หนึ่งร้อยยี่สิบสามบาทห้าสิบสตางค์" in result


@pytest.mark.parametrize(
    "amount, message",
    [
        ("", "กรุณากรอกจำนวนเงิน"),
        ("0", "มากกว่า"),
        ("-5", "ติดลบ"),
        ("12.345", "ทศนิยม"),
        ("abc", "ตัวเลข"),
    ],
)
def test_bad_amounts_are_refused_with_a_message_and_post_nothing(
    login_as, db, member, amount, message
):
    web = login_as("committee")
    url = f"/savings/members/{member.id}/deposit"
    page = web.get(url).get_data(as_text=True)
    response = web.submit(url, _deposit_data(page, amount=amount))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert message in html
    assert _count(db, JournalEntry) == 0


def test_three_decimal_places_message_is_specific(login_as, member):
    web = login_as("committee")
    url = f"/savings/members/{member.id}/deposit"
    page = web.get(url).get_data(as_text=True)
    html = web.submit(url, _deposit_data(page, amount="12.345")).get_data(as_text=True)
    assert "ทศนิยม" in html


def test_withdrawal_beyond_balance_shows_how_much_can_be_withdrawn(login_as, db, member):
    web = login_as("committee")
    url = f"/savings/members/{member.id}/deposit"
    web.submit(url, _deposit_data(web.get(url).get_data(as_text=True), amount="200"))
    wurl = f"/savings/members/{member.id}/withdraw"
    page = web.get(wurl).get_data(as_text=True)
    assert "฿200.00" in page
    data = {
        "amount": "250",
        "txn_date-day": "20",
        "txn_date-month": "11",
        "txn_date-year": "2568",
        "money_account": "1010",
        "once": _once(page),
    }
    response = web.submit(wurl, data)
    assert response.status_code == 422
    assert "ถอนได้ไม่เกิน ฿200.00" in response.get_data(as_text=True)
    data["amount"] = "200"
    assert web.submit(wurl, data).status_code == 302
    assert member_savings_balance(db, member.id) == 0


def test_a_gregorian_year_in_the_date_is_refused(login_as, db, member):
    web = login_as("committee")
    url = f"/savings/members/{member.id}/deposit"
    page = web.get(url).get_data(as_text=True)
    response = web.submit(url, _deposit_data(page, **{"txn_date-year": "2025"}))
    assert response.status_code == 422
    assert "พ.ศ." in response.get_data(as_text=True)
    assert _count(db, JournalEntry) == 0


def test_closed_period_is_refused_on_the_form(login_as, db, member):
    web = login_as("committee")
    page = web.get("/ledger/periods").get_data(as_text=True)
    assert (
        web.submit(
            "/ledger/periods/close",
            {"month": "2025-10", "note": "มติที่ 5/2568"},
            page="/ledger/periods",
        ).status_code
        == 302
    )
    url = f"/savings/members/{member.id}/deposit"
    page = web.get(url).get_data(as_text=True)
    response = web.submit(
        url, _deposit_data(page, **{"txn_date-day": "31", "txn_date-month": "10"})
    )
    assert response.status_code == 422
    assert "ปิดแล้ว" in response.get_data(as_text=True)
    assert _count(db, JournalEntry) == 0


def test_auditor_reads_every_screen_but_cannot_post(login_as, db, member, users):
    committee = login_as("committee")
    url = f"/savings/members/{member.id}/deposit"
    committee.submit(url, _deposit_data(committee.get(url).get_data(as_text=True)))
    receipt = db.scalar(select(Receipt))
    entry = db.scalar(select(JournalEntry))
    auditor = login_as("auditor")
    for page in [
        "/savings/",
        f"/savings/members/{member.id}",
        "/ledger/",
        "/ledger/journal",
        f"/ledger/journal/{entry.id}",
        "/ledger/trial-balance",
        "/ledger/balance-sheet",
        "/ledger/income",
        "/ledger/cash-book",
        "/ledger/receipts",
        f"/ledger/receipts/{receipt.id}",
        "/ledger/periods",
        "/ledger/fund",
    ]:
        response = auditor.get(page)
        assert response.status_code == 200, page
        assert "ยกเลิกใบเสร็จ</button>" not in response.get_data(as_text=True)
    assert auditor.get(url).status_code == 403
    response = auditor.post(url, data={"amount": "100"})
    assert response.status_code == 403
    assert auditor.post(f"/ledger/receipts/{receipt.id}/void", data={}).status_code == 403
    assert _count(db, JournalEntry) == 1


def test_voiding_a_receipt_reverses_its_posting_and_keeps_the_receipt(login_as, db, member):
    web = login_as("committee")
    url = f"/savings/members/{member.id}/deposit"
    web.submit(url, _deposit_data(web.get(url).get_data(as_text=True), amount="50"))
    receipt = db.scalar(select(Receipt))
    page_url = f"/ledger/receipts/{receipt.id}"
    page = web.get(page_url).get_data(as_text=True)
    data = {
        "void_date-day": "20",
        "void_date-month": "11",
        "void_date-year": "2568",
        "reason": "รับเงินซ้ำ",
        "once": _once(page),
    }
    assert web.submit(f"/ledger/receipts/{receipt.id}/void", data, page=page_url).status_code == 302
    db.expire_all()
    assert db.get(Receipt, receipt.id).is_void
    assert member_savings_balance(db, member.id) == 0
    html = web.get(page_url).get_data(as_text=True)
    assert "รับเงินซ้ำ" in html and "ยกเลิก" in html


def test_statements_agree_with_the_journal(login_as, db, member):
    web = login_as("committee")
    url = f"/savings/members/{member.id}/deposit"
    web.submit(url, _deposit_data(web.get(url).get_data(as_text=True), amount="1234.50"))
    page = web.get("/ledger/fund/new?kind=expense").get_data(as_text=True)
    data = {
        "kind": "expense",
        "category_account": "5900",
        "txn_date-day": "20",
        "txn_date-month": "11",
        "txn_date-year": "2568",
        "counterparty": "ร้านเครื่องเขียนแจ้ซ้อน",
        "description": "กระดาษและหมึก",
        "amount": "234.50",
        "money_account": "1010",
        "reference": "INV-001",
        "attachment_name": "inv-001.pdf",
        "once": _once(page),
    }
    assert web.submit("/ledger/fund/new", data).status_code == 302
    tb = web.get("/ledger/trial-balance").get_data(as_text=True)
    assert "1,000.00" in tb  # cash after the expense
    income = web.get(
        "/ledger/income?start-day=1&start-month=10&start-year=2568"
        "&end-day=30&end-month=11&end-year=2568"
    ).get_data(as_text=True)
    assert "234.50" in income
    cash = web.get("/ledger/cash-book").get_data(as_text=True)
    assert "กระดาษและหมึก" in cash
    sheet = web.get("/ledger/balance-sheet").get_data(as_text=True)
    assert "สินทรัพย์เท่ากับหนี้สินรวมทุน" in sheet


def test_the_passbook_opens_on_the_last_twelve_months_with_the_balance_brought_forward(
    login_as, db, member, users, now
):
    """Today is 20 Nov 2568: the page starts on 1 Dec 2567 with what was saved before it, so
    its size does not grow with the years; every line is one link away."""
    import datetime as dt

    from fund.savings.models import SavingsKind
    from fund.savings.services import record_deposit

    for day, amount in [(dt.date(2023, 3, 5), 70_000), (dt.date(2025, 10, 1), 12_300)]:
        record_deposit(
            db,
            member=member,
            amount_satang=amount,
            txn_date=day,
            kind=SavingsKind.EXTRA,
            recorded_by=users["committee"],
            now=now,
            idempotency_key=f"pb-{day.isoformat()}",
        )
    db.commit()
    web = login_as("auditor")
    recent = web.get(f"/savings/members/{member.id}").get_data(as_text=True)
    assert "ยอดยกมา" in recent and "1 ธ.ค. 2567" in recent
    assert "700.00" in recent  # brought forward
    assert "123.00" in recent and "5 มี.ค. 2566" not in recent
    assert "823.00" in recent  # the balance after the recent line
    everything = web.get(f"/savings/members/{member.id}?all=1").get_data(as_text=True)
    assert "5 มี.ค. 2566" in everything and "ยอดยกมา" not in everything
