"""The committee's work, end to end in a real browser, as the committee members who do it."""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal

from playwright.sync_api import expect

from tests.browser.a11y import assert_error_summary_focused, audit_page

NEW_MEMBER_ID = "1101700203450"  # valid check digit (THAI.md)


def test_committee_adds_a_member_through_review_and_confirm(new_page):
    page = new_page("committee")
    page.goto("/")
    menu = page.get_by_role("navigation", name="เมนูหลัก")
    menu.get_by_role("link", name="สมาชิก", exact=True).click()
    page.get_by_role("link", name=re.compile("ลงทะเบียนสมาชิก")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ลงทะเบียนสมาชิกใหม่")

    # A wrong national ID and no surname: refused, the summary says why and takes focus.
    page.get_by_label("ชื่อ (จำเป็น)", exact=True).fill("คำแสน")
    page.get_by_label(re.compile("^เลขประจำตัวประชาชน")).fill("1101700203451")
    page.get_by_role("button", name="ตรวจทาน").click()
    assert_error_summary_focused(page)
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("กรุณากรอกนามสกุล")
    expect(page.get_by_label("ชื่อ (จำเป็น)", exact=True)).to_have_value("คำแสน")  # kept, not retyped
    # The summary's link puts the cursor in the field with its label in view above it.
    summary.get_by_role("link", name=re.compile("^นามสกุล")).click()
    expect(page.locator("#last_name")).to_be_focused()
    expect(page.locator("label[for=last_name]")).to_be_in_viewport()
    audit_page(page, "member-new-errors")

    page.get_by_label("นามสกุล (จำเป็น)", exact=True).fill("ใจมั่น")
    page.get_by_label(re.compile("^เลขประจำตัวประชาชน")).fill("1-1017-00203-45-0")
    page.get_by_role("group", name="เพศ").get_by_label("ชาย").check()
    page.get_by_label("ความพิการทางการเคลื่อนไหวหรือทางร่างกาย").check()
    page.get_by_label("บ้านเลขที่").fill("12/3")
    page.get_by_label("หมู่ที่").fill("4")
    page.get_by_label("ชื่อหมู่บ้าน").fill("บ้านหัวฝาย")
    page.get_by_label("ต้องการเอกสารตัวพิมพ์ใหญ่").check()
    page.get_by_role("button", name="ตรวจทาน").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("ตรวจทานข้อมูลก่อนบันทึก")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("คำแสน ใจมั่น")
    expect(facts).to_contain_text("1-1017-00203-45-0")
    audit_page(page, "member-review")
    page.get_by_role("button", name="ยืนยันบันทึก").click()

    expect(page).to_have_url(re.compile(r"/members/\d+$"))
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"ลงทะเบียนสมาชิก CS-\d{4} แล้ว"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("คำแสน ใจมั่น")
    audit_page(page, "member-show-after-add")

    # The new member is found by the list's search.
    page.goto("/members/")
    page.get_by_label("ค้นหาสมาชิก").fill("ใจมั่น")
    page.keyboard.press("Enter")
    row = page.get_by_role("row").filter(has_text="คำแสน ใจมั่น")
    expect(row).to_have_count(1)
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("คำแสน ใจมั่น")


def _baht(text: str) -> Decimal:
    return Decimal(re.sub(r"[^0-9.\-]", "", text))


def _active_member(live_server, index: int) -> tuple[int, str]:
    from sqlalchemy import select

    from fund.members.models import Member, MemberStatus

    with live_server.session() as db:
        member = db.scalars(
            select(Member).where(Member.status == MemberStatus.ACTIVE).order_by(Member.id)
        ).all()[index]
        return member.id, member.member_no


def test_committee_records_monthly_savings_and_gets_a_receipt(new_page, live_server):
    member_id, member_no = _active_member(live_server, 1)
    page = new_page("committee")
    page.goto(f"/savings/members/{member_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(member_no)
    balance_before = _baht(page.locator("dl dd").first.inner_text())

    page.get_by_role("link", name="รับเงินสัจจะ").click()
    page.get_by_role("group", name="ประเภท").get_by_label("เงินสัจจะรายเดือน").check()
    page.get_by_label(re.compile("^จำนวนเงิน")).fill("ห้าร้อย")  # words are not an amount
    page.get_by_role("button", name="บันทึกและออกใบเสร็จ").click()
    assert_error_summary_focused(page)
    expect(page.get_by_label(re.compile("^จำนวนเงิน"))).to_have_attribute("aria-invalid", "true")
    audit_page(page, "savings-deposit-errors")

    # A month no one has paid yet (the demo and the meeting day fill the recent ones).
    months = page.locator("#for_month option")
    page.locator("#for_month").select_option(months.nth(months.count() - 3).get_attribute("value"))
    page.get_by_label(re.compile("^จำนวนเงิน")).fill("๕๐๐")  # Thai digits are fine
    page.get_by_role("button", name="บันทึกและออกใบเสร็จ").click()
    expect(page.get_by_role("status")).to_contain_text("บันทึกการรับเงินแล้ว")
    expect(page.locator("main")).to_contain_text("ห้าร้อยบาทถ้วน")
    audit_page(page, "savings-transaction-after-deposit")

    page.locator("main dl").get_by_role("link").first.click()  # the receipt number
    expect(page.get_by_role("heading", level=1)).to_contain_text("ใบเสร็จเลขที่")
    expect(page.locator("main")).to_contain_text("500.00")
    audit_page(page, "receipt-after-deposit")

    page.goto(f"/savings/members/{member_id}")
    assert _baht(page.locator("dl dd").first.inner_text()) == balance_before + 500


def test_auditor_reads_the_passbook_but_has_no_way_to_record(new_page, live_server):
    member_id, _no = _active_member(live_server, 1)
    page = new_page("auditor")
    page.goto(f"/savings/members/{member_id}")
    expect(page.get_by_role("link", name="รับเงินสัจจะ")).to_have_count(0)
    response = page.goto(f"/savings/members/{member_id}/deposit")
    assert response.status == 403


def _printed_text(page, control, tmp_path) -> str:
    """What the link or button ``control`` prints: fetched with the page's own session (Chromium
    would show it in its PDF viewer, which a test cannot read), then its text layer."""
    if control.evaluate("e => e.tagName") == "A":
        # PDFs render on the server; allow for a busy machine.
        response = page.request.get(control.get_attribute("href"), timeout=60_000)
    else:
        form = control.locator("xpath=ancestor::form[1]")
        fields = {
            name: value
            for name, value in form.evaluate(
                "f => [...new FormData(f).entries()].filter(([, v]) => typeof v === 'string')"
            )
        }
        response = page.request.post(form.get_attribute("action"), form=fields)
    assert response.status == 200, response.status
    assert response.headers["content-type"].startswith("application/pdf")
    body = response.body()
    assert body.startswith(b"%PDF-")
    path = tmp_path / "printed.pdf"
    path.write_bytes(body)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def test_committee_prints_a_member_statement_and_a_receipt(new_page, live_server, tmp_path):
    from sqlalchemy import select

    from fund.ledger.models import Receipt

    member_id, member_no = _active_member(live_server, 2)
    page = new_page("committee")
    page.goto(f"/statements/members/{member_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(member_no)
    audit_page(page, "statement-member")
    text = _printed_text(page, page.get_by_role("link", name=re.compile("^พิมพ์เป็น PDF")), tmp_path)
    assert member_no in text

    with live_server.session() as db:
        receipt = db.scalars(
            select(Receipt).where(Receipt.voided_at.is_(None)).order_by(Receipt.id.desc())
        ).first()
        receipt_id, receipt_no = receipt.id, receipt.receipt_no
    page.goto(f"/ledger/receipts/{receipt_id}")
    audit_page(page, "receipt-print")
    printed = []
    for _ in range(2):
        folder = tmp_path / f"print-{len(printed)}"
        folder.mkdir()
        button = page.get_by_role("button", name="พิมพ์ใบเสร็จ (PDF)")
        printed.append(_printed_text(page, button, folder))
    assert all(receipt_no in t for t in printed), receipt_no
    assert all("บาท" in t for t in printed)
    assert "สำเนา" in printed[1]  # a reprint says so
