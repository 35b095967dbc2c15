"""Two-step verification in a real browser: set up with the keyboard alone, sign in with the code
or a recovery code, make new codes and turn it off; every page audited (axe, targets, focus)."""

from __future__ import annotations

import datetime as dt
import re
import time

from playwright.sync_api import expect
from sqlalchemy import select

from fund.users import totp
from fund.users.models import User
from tests.browser.a11y import assert_error_summary_focused, audit_page
from tests.browser.keyboard import (
    assert_no_mouse,
    follow_link,
    keyboard_only,
    press_button,
    type_into,
)
from tests.conftest import TEST_PASSWORD

_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def fresh_code(live_server, username: str, secret: str) -> str:
    """A code the server takes now: this step's or the next, and newer than the last one used
    (each step signs in once), waiting for the next step when both are used."""
    for _ in range(3):
        with live_server.session() as db:
            last = db.scalar(select(User.totp_last_step).where(User.username == username))
        now = dt.datetime.now(dt.UTC)
        step = totp.time_step(now)
        for candidate in (step, step + 1):
            if last is None or candidate > last:
                return totp.hotp(totp.secret_bytes(secret), candidate)
        time.sleep(totp.STEP_SECONDS - now.timestamp() % totp.STEP_SECONDS + 0.2)
    raise AssertionError("no unused step")


def _password_step(page, username: str) -> None:
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(TEST_PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(re.compile(r"/login/second-factor"))


def test_set_up_sign_in_new_codes_and_turn_off_with_the_keyboard_alone(new_page, live_server):
    page = new_page("enrolme")
    keyboard_only(page)
    page.goto("/account")
    press_button(page, "เปิดใช้การยืนยันตัวตนสองขั้นตอน")
    expect(page).to_have_url(re.compile(r"/account/two-step$"))
    expect(page.get_by_role("img", name="คิวอาร์โค้ดสำหรับแอปยืนยันตัวตน")).to_be_visible()
    secret = page.locator(".secret-key").inner_text().replace(" ", "").strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    code_field = page.locator("#code")
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    expect(code_field).to_have_attribute("inputmode", "numeric")

    type_into(page, "#code", "12345")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_error_summary_focused(page)
    expect(page.locator("#code-error")).to_contain_text("6 หลัก")
    audit_page(page, "two-step-setup-errors")

    code = fresh_code(live_server, "enrolme", secret).translate(_THAI)
    type_into(page, "#code", f"{code[:3]} {code[3:]}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("รหัสกู้คืนของคุณ")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    audit_page(page, "two-step-recovery-codes")
    assert_no_mouse(page)

    # Next login: the password, then the code page.
    page.goto("/")
    press_button(page, "ออกจากระบบ")
    _password_step(page, "enrolme")
    expect(page.locator("#code")).to_have_attribute("autocomplete", "one-time-code")
    audit_page(page, "second-factor")
    page.locator("#code").fill("000000")
    page.locator("#code").press("Enter")
    assert_error_summary_focused(page)
    expect(page.locator("#code")).to_have_attribute("aria-invalid", "true")
    audit_page(page, "second-factor-errors")
    page.locator("#code").fill(fresh_code(live_server, "enrolme", secret))
    page.locator("#code").press("Enter")
    page.wait_for_url(re.compile(r"/$"))

    page.goto("/account")
    expect(page.locator("main")).to_contain_text("เปิดใช้อยู่")
    audit_page(page, "account-two-step-on")
    follow_link(page, "สร้างรหัสกู้คืนชุดใหม่")
    audit_page(page, "two-step-new-codes")
    type_into(page, "#password", TEST_PASSWORD)
    type_into(page, "#code", codes[0])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    new_codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)

    page.goto("/account/two-step/off")
    audit_page(page, "two-step-disable")
    type_into(page, "#password", TEST_PASSWORD)
    type_into(page, "#code", new_codes[0])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_role("status")).to_contain_text("ปิดการยืนยันตัวตนสองขั้นตอนแล้ว")
    expect(page.locator("main")).to_contain_text("ยังไม่ได้เปิดใช้")


def test_a_recovery_code_signs_in_when_the_phone_is_lost(new_page, live_server):
    _, codes = live_server.two_step["twostep"]
    page = new_page()
    _password_step(page, "twostep")
    page.get_by_role("link", name="ไม่มีโทรศัพท์? ใช้รหัสกู้คืนแทน").click()
    expect(page).to_have_url(re.compile(r"/login/recovery-code"))
    audit_page(page, "recovery-login")
    page.locator("#recovery_code").fill("aaaaa-bbbbb")
    page.locator("#recovery_code").press("Enter")
    assert_error_summary_focused(page)
    audit_page(page, "recovery-login-errors")
    page.locator("#recovery_code").fill(codes[0].upper())
    page.locator("#recovery_code").press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text("เหลือรหัสกู้คืน 9 รหัส")


def test_the_code_page_in_english(new_page, live_server):
    secret, _ = live_server.two_step["twostep2"]
    page = new_page()
    page.goto("/login")
    page.get_by_role("button", name="English").click()
    _password_step(page, "twostep2")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Second step: verification code")
    audit_page(page, "second-factor-en", lang="en")
    page.locator("#code").fill(fresh_code(live_server, "twostep2", secret))
    page.locator("#code").press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="My account")).to_be_visible()


def test_when_required_the_set_up_page_is_all_a_user_without_it_gets(new_page, live_server):
    from fund.users.second_factor import set_second_factor_required

    def require(on: bool) -> None:
        with live_server.session() as db:
            admin = db.scalar(select(User).where(User.username == "admin"))
            set_second_factor_required(
                db, required=on, changed_by=admin, now=dt.datetime.now(dt.UTC)
            )
            db.commit()

    page = new_page("mustenrol")
    require(True)
    try:
        keyboard_only(page)
        page.goto("/members/")
        expect(page).to_have_url(re.compile(r"/account/two-step$"))
        expect(page.get_by_text("ผู้ดูแลระบบกำหนดให้").first).to_be_visible()
        expect(page.get_by_role("navigation", name="เมนูหลัก")).to_have_count(0)
        audit_page(page, "two-step-required-setup")
        press_button(page, "เริ่มตั้งค่า")
        expect(page.get_by_role("img", name="คิวอาร์โค้ดสำหรับแอปยืนยันตัวตน")).to_be_visible()
        audit_page(page, "two-step-required-qr")
        assert_no_mouse(page)
    finally:
        require(False)
