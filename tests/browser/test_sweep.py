"""Accessibility of every registered page (tests/browser/pages.py), as the role that sees it."""

from __future__ import annotations

import pytest

from tests.browser.a11y import audit_page
from tests.browser.pages import PAGES, PageCheck


def test_page_names_are_unique():
    names = [p.name for p in PAGES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("check", PAGES, ids=lambda c: c.name)
def test_page_passes_accessibility_checks(new_page, live_server, check: PageCheck):
    page = new_page(check.role)
    if callable(check.path):
        with live_server.session() as db:
            path = check.path(db)
    else:
        path = check.path
    # The demo data is seeded and fixed: a page without its record means the demo lost it,
    # which must not quietly drop the page from the accessibility sweep.
    assert path is not None, f"{check.name}: the demo data has no record for this page"
    response = page.goto(path)
    assert response is not None and response.status == check.status, (
        f"{path} answered {response.status if response else None}, expected {check.status}"
    )
    audit_page(page, check.name, lang=check.lang)
