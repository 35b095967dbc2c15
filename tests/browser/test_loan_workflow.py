"""A loan from application to meeting-day repayment: recorded by one committee member, approved
by another (maker-checker), disbursed, then repaid on meeting day by keyboard alone."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import expect
from sqlalchemy import select

from fund.loans.models import Loan, LoanApplication
from fund.members.models import Member, MemberStatus
from tests.browser.a11y import assert_error_summary_focused, audit_page
from tests.browser.keyboard import (
    assert_no_mouse,
    follow_link,
    keyboard_only,
    pick_radio,
    press_button,
    tab_to,
    type_into,
)


def _member_without_loans(live_server) -> tuple[int, str]:
    with live_server.session() as db:
        busy = select(LoanApplication.member_id).union(select(Loan.member_id))
        member = db.scalars(
            select(Member)
            .where(Member.status == MemberStatus.ACTIVE, Member.id.not_in(busy))
            .order_by(Member.id)
        ).first()
        assert member is not None, "every demo member already has a loan"
        return member.id, member.member_no


def _apply(page, member_no: str) -> str:
    """committee records the application; returns the application page's URL."""
    page.goto("/loans/applications/new")
    page.get_by_label(re.compile("^เลขสมาชิก")).fill(member_no)
    page.get_by_label(re.compile("^จำนวนเงินที่ขอกู้")).fill("๕,๐๐๐")
    page.get_by_label(re.compile("^จำนวนงวด")).fill("10")
    page.get_by_role("button", name=re.compile("บันทึก")).click()
    # Purpose and plan are required: refused, focus on the summary.
    assert_error_summary_focused(page)
    audit_page(page, "loan-application-errors")
    page.get_by_label(re.compile("^กู้ไปเพื่อ")).fill("ซื้อลูกหมู 5 ตัวมาเลี้ยงขาย")
    page.get_by_label(re.compile("^แผนการประกอบอาชีพ")).fill(
        "ขายหมูรุ่นแรกในอีก 5 เดือน ชำระเดือนละประมาณ 550 บาทจากรายได้ขายของชำ"
    )
    page.get_by_role("button", name=re.compile("บันทึก")).click()
    expect(page.get_by_role("status")).to_contain_text("รอกรรมการอีกท่านพิจารณา")
    expect(page).to_have_url(re.compile(r"/loans/applications/\d+$"))
    return page.url


def _decide(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("group", name=re.compile("ผลการพิจารณา")).get_by_label(
        "อนุมัติ", exact=True
    ).check()
    page.get_by_label(re.compile("^การประชุมครั้งที่")).fill("11/2569")
    page.get_by_label(re.compile("^มติที่ประชุม")).fill("อนุมัติตามที่ขอ เป็นเอกฉันท์")
    page.get_by_role("button", name="บันทึกผลการพิจารณา").click()


def test_loan_is_applied_for_approved_by_another_member_disbursed_and_repaid(new_page, live_server):
    _member_id, member_no = _member_without_loans(live_server)
    committee = new_page("committee")
    app_url = _apply(committee, member_no)
    audit_page(committee, "loan-application")

    # The member who recorded it is told another member must decide, and gets no form for it.
    expect(committee.locator("main")).to_contain_text("ต้องให้กรรมการอีกท่านหนึ่งเป็นผู้พิจารณา")
    expect(committee.get_by_role("button", name="บันทึกผลการพิจารณา")).to_have_count(0)

    second = new_page("committee2")
    _decide(second, app_url)
    expect(second.get_by_role("status")).to_contain_text(re.compile(r"อนุมัติแล้ว สัญญาเลขที่"))
    loan_url = second.url
    audit_page(second, "loan-approved")

    second.get_by_role("group", name="จ่ายเป็น").get_by_label("เงินสด").check()
    second.get_by_role("button", name="จ่ายเงินและบันทึกบัญชี").click()
    expect(second.get_by_role("status")).to_contain_text("จ่ายเงินกู้และบันทึกบัญชีแล้ว")
    expect(second.get_by_role("link", name="รับชำระ")).to_be_visible()
    audit_page(second, "loan-disbursed")

    # Meeting day, keyboard only: the member pays the instalment due.
    loan_id = int(loan_url.rstrip("/").rsplit("/", 1)[1])
    page = new_page("committee")
    keyboard_only(page)
    page.goto("/")
    follow_link(page, "วันประชุม", "nav a[href]")
    expect(page.get_by_role("heading", level=1)).to_contain_text("วันประชุม")
    due = page.locator(f"#r-{loan_id}").input_value()  # the sheet is filled with what is due
    assert Decimal(due.replace(",", "")) > 0
    type_into(page, f"#r-{loan_id}", "ห้าร้อย")  # not a number: refused, nothing recorded
    press_button(page, "ยืนยันและบันทึกทั้งหมด")
    assert_error_summary_focused(page)
    expect(page.locator(f"#r-{loan_id}")).to_have_attribute("aria-invalid", "true")
    audit_page(page, "meeting-day-errors")

    # The summary's link takes the keyboard straight to the field.
    tab_to(page, "[data-error-summary] a")
    page.keyboard.press("Enter")
    expect(page.locator(f"#r-{loan_id}")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type(due)
    pick_radio(page, "channel", "เงินสด")
    press_button(page, "ยืนยันและบันทึกทั้งหมด")
    expect(page.get_by_role("status")).to_contain_text("บันทึกแล้ว")
    audit_page(page, "meeting-day-after")
    assert_no_mouse(page)

    second.goto(loan_url)
    expect(second.locator("main")).to_contain_text(due)
