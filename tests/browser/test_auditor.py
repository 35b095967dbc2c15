"""The auditor reads the books (the trial balance balances) and has no way to change anything."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import audit_page
from tests.browser.pages import PAGES

#: the only things an auditor may post: language, own password, keeping the session, logging out
AUDITOR_MAY_POST = re.compile(r"^/(lang/\w+|account/password|account/session/extend|logout)$")

#: screens that change the books or the registers, as the committee or repair staff use them
WRITE_SCREENS = [
    "/members/new",
    "/loans/applications/new",
    "/loans/meeting",
    "/ledger/fund/new",
    "/ledger/settings",
    "/welfare/benefits/new",
    "/welfare/claims/new",
    "/repair/jobs/new",
    "/repair/devices/new",
    "/admin/users",
]


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "").strip() or "0")


def test_auditor_reads_a_balanced_trial_balance(new_page):
    page = new_page("auditor")
    page.goto("/")
    page.get_by_role("navigation", name="เมนูหลัก").get_by_role("link", name="บัญชีกองทุน").click()
    page.get_by_role("link", name="งบทดลอง").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("งบทดลอง")
    table = page.get_by_role("table", name="งบทดลอง")
    rows = table.locator("tbody tr")
    assert rows.count() > 3
    debit = sum(_amount(t) for t in rows.locator("td:nth-child(3)").all_inner_texts())
    credit = sum(_amount(t) for t in rows.locator("td:nth-child(4)").all_inner_texts())
    totals = table.locator("tfoot td")
    assert (
        debit
        == credit
        == _amount(totals.nth(0).inner_text())
        == _amount(totals.nth(1).inner_text())
    )
    assert debit > 0
    expect(page.locator("main")).to_contain_text("เดบิตเท่ากับเครดิต")
    audit_page(page, "auditor-trial-balance")


@pytest.mark.parametrize("path", WRITE_SCREENS)
def test_auditor_is_refused_every_screen_that_writes(new_page, path):
    page = new_page("auditor")
    response = page.goto(path)
    assert response.status == 403, f"{path} answered {response.status} to the auditor"
    expect(page.get_by_role("heading", level=1)).to_have_text("ไม่มีสิทธิ์")


def test_auditor_pages_offer_no_form_that_changes_anything(new_page, live_server):
    page = new_page("auditor")
    seen = 0
    for check in (c for c in PAGES if c.role == "auditor" and c.status == 200):
        if callable(check.path):
            with live_server.session() as db:
                path = check.path(db)
        else:
            path = check.path
        if path is None:
            continue
        page.goto(path)
        seen += 1
        actions = page.eval_on_selector_all(
            "form",
            "forms => forms.filter(f => f.method.toLowerCase() === 'post')"
            ".map(f => new URL(f.action).pathname)",
        )
        writes = [a for a in actions if not AUDITOR_MAY_POST.match(a)]
        assert writes == [], f"{path} offers the auditor forms posting to {writes}"
    assert seen >= 5
