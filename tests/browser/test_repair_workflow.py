"""The repair center's work on one wheelchair, from intake to delivery, by keyboard alone."""

from __future__ import annotations

import re
import subprocess

from playwright.sync_api import expect
from sqlalchemy import select

from fund.members.models import Member, MemberStatus
from tests.browser.a11y import assert_error_summary_focused, audit_page
from tests.browser.keyboard import (
    assert_no_mouse,
    choose,
    follow_link,
    keyboard_only,
    press_button,
    tab_to,
    tick,
    type_into,
)


def _an_active_member_no(live_server) -> str:
    with live_server.session() as db:
        return db.scalars(
            select(Member.member_no)
            .where(Member.status == MemberStatus.ACTIVE)
            .order_by(Member.id.desc())
        ).first()


def _register_device(page, *, member_no: str, acquisition: str, make: str) -> str:
    """Register a wheelchair from the board, by keyboard; return its new tag number."""
    follow_link(page, "ลงทะเบียนอุปกรณ์")
    expect(page.get_by_role("heading", level=1)).to_have_text("ลงทะเบียนอุปกรณ์")
    choose(page, "#device_type", "รถเข็นคนพิการ")
    choose(page, "#acquisition", acquisition)
    type_into(page, "#member_no", member_no)
    type_into(page, "#make", make)
    choose(page, "#condition", "ดี")
    press_button(page, "ลงทะเบียนและออกเลขป้าย")
    status = page.get_by_role("status")
    expect(status).to_contain_text(re.compile(r"ลงทะเบียนอุปกรณ์ \S+ แล้ว"))
    tag = re.search(r"ลงทะเบียนอุปกรณ์ (\S+) แล้ว", status.inner_text()).group(1)
    follow_link(page, "กระดานงาน", "nav a[href]")
    return tag


def _state(page) -> str:
    return page.locator("h1 .state").inner_text()


def test_repair_job_from_intake_to_delivery_by_keyboard_only(new_page, live_server, tmp_path):
    member_no = _an_active_member_no(live_server)
    page = new_page("repair")
    keyboard_only(page)
    page.goto("/")

    follow_link(page, "ศูนย์ซ่อมสร้าง", "nav a[href]")
    expect(page).to_have_url(re.compile(r"/repair/$"))
    tag = _register_device(page, member_no=member_no, acquisition="ของสมาชิกเอง", make="Karma")
    loaner = _register_device(page, member_no="", acquisition="ได้รับบริจาค", make="Yuwell")
    follow_link(page, "รับงานซ่อมใหม่")
    expect(page.get_by_role("heading", level=1)).to_have_text("รับงานซ่อมใหม่")

    # Nothing typed: refused, and the error summary takes the focus.
    press_button(page, "รับงาน")
    assert_error_summary_focused(page)
    # An unknown tag: refused with what to do about it.
    type_into(page, "#tag_no", "ZZ-9999")
    type_into(page, "#fault", "ล้อหลังซ้ายแตก เข็นแล้วสั่น")
    press_button(page, "รับงาน")
    assert_error_summary_focused(page)
    expect(page.locator("[data-error-summary]")).to_contain_text("ลงทะเบียนอุปกรณ์ก่อน")

    type_into(page, "#tag_no", tag)
    type_into(page, "#fault", "ล้อหลังซ้ายแตก เข็นแล้วสั่น")
    press_button(page, "รับงาน")
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"รับงานซ่อม .+ แล้ว"))
    job_url = page.url
    assert _state(page) == "รับเรื่อง"
    audit_page(page, "repair-job-intake")

    # Lend a center wheelchair while the member's is in the workshop.
    choose(page, "#loan_device", loaner)
    press_button(page, "ให้ยืม")
    expect(page.locator("section[aria-labelledby=loan-title]")).to_contain_text("ยังไม่คืน")

    type_into(page, "#assessment", "เปลี่ยนล้อหลังซ้ายและลูกปืน")
    type_into(page, "#estimate", "350")
    press_button(page, "บันทึกผลประเมิน")
    expect(page.get_by_role("status")).to_contain_text("บันทึกผลประเมินแล้ว")
    assert _state(page) == "ประเมินแล้ว"

    choose(page, "#basis", "กองทุนจ่ายทั้งหมด")
    press_button(page, "อนุมัติ")
    assert _state(page) == "อนุมัติแล้ว"

    press_button(page, "«กำลังซ่อม»")
    assert _state(page) == "กำลังซ่อม"

    choose(page, "#pause_reason", "รออะไหล่")
    type_into(page, "#pause_note", "สั่งล้อขนาด 24 นิ้วจากลำปาง")
    press_button(page, "พักงาน", "button.secondary")
    expect(page.locator("h1 .state")).to_have_text("พักงาน (รออะไหล่)")
    audit_page(page, "repair-job-paused")

    press_button(page, "«กำลังซ่อม»")
    assert _state(page) == "กำลังซ่อม"
    press_button(page, "«พร้อมส่งมอบ»")
    assert _state(page) == "พร้อมส่งมอบ"

    # Delivering while the loaner is still out is refused, saying why.
    tick(page, "#fitting_checked")
    tick(page, "#training_given")
    press_button(page, "ส่งมอบ")
    assert_error_summary_focused(page)
    assert _state(page) == "พร้อมส่งมอบ"

    page.goto(job_url)  # a fresh page, as after reading the error
    choose(page, "select[id$='-return_condition']", "ดี")
    press_button(page, "รับคืนวันนี้")
    expect(page.locator("section[aria-labelledby=loan-title]")).to_contain_text("คืนแล้ว")

    choose(page, "#outcome", "ซ่อมเสร็จ ใช้งานได้")
    tick(page, "#fitting_checked")
    tick(page, "#training_given")
    press_button(page, "ส่งมอบ")
    expect(page.get_by_role("status")).to_contain_text("ส่งมอบแล้ว")
    assert _state(page) == "ส่งมอบแล้ว"
    log = page.locator("section[aria-labelledby=log-title] tbody")
    for label in ("ประเมินแล้ว", "อนุมัติแล้ว", "พักงาน", "พร้อมส่งมอบ", "ส่งมอบแล้ว"):
        expect(log).to_contain_text(label)
    audit_page(page, "repair-job-delivered")

    tab_to(page, "a[href]")  # the page still works from the keyboard after all that
    assert_no_mouse(page)

    # The job ticket prints for this job. (The job page has no link to it yet: fetched directly.)
    job_id = job_url.rstrip("/").rsplit("/", 1)[1]
    ticket = page.request.get(f"/statements/repair/jobs/{job_id}/ticket.pdf", timeout=60_000)
    assert ticket.status == 200
    assert ticket.headers["content-type"].startswith("application/pdf")
    path = tmp_path / "ticket.pdf"
    path.write_bytes(ticket.body())
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert tag in text
