"""Signing in, the language switch, changing a password and status messages, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.a11y import assert_error_summary_focused, audit_page
from tests.browser.conftest import login
from tests.conftest import TEST_PASSWORD


def test_empty_login_focuses_the_error_summary_which_links_to_each_field(page):
    page.goto("/login")
    page.locator("main form button[type=submit]").click()
    assert_error_summary_focused(page)
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("กรุณากรอกชื่อผู้ใช้")
    expect(summary).to_contain_text("กรุณากรอกรหัสผ่าน")
    expect(page.locator("#username")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#username")).to_have_attribute(
        "aria-describedby", re.compile(r"\busername-error\b")
    )
    # Following the summary's link puts the cursor in the field.
    summary.get_by_role("link", name=re.compile("ชื่อผู้ใช้")).click()
    expect(page.locator("#username")).to_be_focused()
    audit_page(page, "login-errors")


def test_wrong_password_is_announced_and_nothing_else_is_revealed(page):
    page.goto("/login")
    page.locator("#username").fill("loginfail")
    page.locator("#password").fill("not-the-password")
    page.locator("#password").press("Enter")
    assert_error_summary_focused(page)
    expect(page.locator("[data-error-summary]")).to_contain_text("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")
    expect(page.locator("#password")).to_have_value("")  # never echoed back
    expect(page.locator("#username")).to_have_value("loginfail")


def test_keyboard_only_login_reaches_home(page):
    page.goto("/login")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "username":
            break
    expect(page.locator("#username")).to_be_focused()
    page.keyboard.type("committee")
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/(#main)?$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("บุญเรือน")


def test_switching_to_english_and_back_sets_the_page_language(new_page):
    page = new_page("committee")
    page.goto("/account/password")
    page.get_by_role("button", name="English").click()
    page.wait_for_url(re.compile(r"/account/password$"))  # stays on the same page
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Home")).to_be_visible()
    # The button that switches back is marked as Thai for screen readers.
    back = page.get_by_role("button", name="ภาษาไทย")
    expect(back).to_have_attribute("lang", "th")
    audit_page(page, "password-en", lang="en")
    page.goto("/")
    audit_page(page, "home-committee-en", lang="en")
    page.get_by_role("button", name="ภาษาไทย").click()
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.get_by_role("link", name="หน้าแรก")).to_be_visible()


def test_english_login_page_is_accessible(page):
    page.goto("/login")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("main form button[type=submit]").click()
    assert_error_summary_focused(page)
    expect(page.locator("[data-error-summary] h2")).to_have_text(
        "There is a problem; please fix it"
    )
    audit_page(page, "login-errors-en", lang="en")


def test_changing_password_with_a_wrong_current_password_then_rightly(new_page):
    page = new_page()
    login(page, "pwchange")
    page.goto("/account/password")
    page.locator("#current_password").fill("wrong-password-1")
    page.locator("#new_password").fill("a-brand-new-password")
    page.locator("main form button[type=submit]").click()
    assert_error_summary_focused(page)
    expect(page.locator("#current_password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#current_password-error")).to_have_text("รหัสผ่านปัจจุบันไม่ถูกต้อง")
    audit_page(page, "password-errors")

    page.locator("#current_password").fill(TEST_PASSWORD)
    page.locator("#new_password").fill("a-brand-new-password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
    status = page.get_by_role("status")
    expect(status).to_contain_text("เปลี่ยนรหัสผ่านแล้ว")
    audit_page(page, "home-after-password-change")

    # The old password no longer works; the new one does.
    other = new_page()
    other.goto("/login")
    other.locator("#username").fill("pwchange")
    other.locator("#password").fill(TEST_PASSWORD)
    other.locator("#password").press("Enter")
    expect(other.locator("[data-error-summary]")).to_be_visible()
    login(other, "pwchange", "a-brand-new-password")
    expect(other.get_by_role("heading", level=1)).to_contain_text("เปลี่ยนรหัส")


def test_logout_message_is_a_status_message(new_page):
    page = new_page()
    login(page, "committee2")
    page.get_by_role("button", name="ออกจากระบบ").click()
    page.wait_for_url(re.compile(r"/login"))
    expect(page.locator("[role=status][aria-live=polite]")).to_contain_text("ออกจากระบบแล้ว")
    # Logged out: the private pages send you back to the login page.
    page.goto("/admin/audit")
    expect(page).to_have_url(re.compile(r"/login"))
