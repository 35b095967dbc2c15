"""The printable documents are reachable from the screens where people look for them."""

from __future__ import annotations

import pytest

from fund.ledger.models import Receipt


@pytest.fixture
def committee(login_as, history):
    return login_as("committee")


def test_receipt_page_offers_printing_and_a_copy(committee, history, db):
    receipt = db.get(Receipt, history.repayments[-1].receipt_id)
    page = committee.get(f"/ledger/receipts/{receipt.id}").get_data(as_text=True)
    assert f"/statements/receipts/{receipt.id}/print" in page
    assert f"/statements/receipts/{receipt.id}/copy.pdf" in page


def test_auditor_sees_the_copy_but_not_the_print_button(login_as, history, db):
    receipt = db.get(Receipt, history.repayments[-1].receipt_id)
    page = login_as("auditor").get(f"/ledger/receipts/{receipt.id}").get_data(as_text=True)
    assert f"/statements/receipts/{receipt.id}/copy.pdf" in page
    assert f"/statements/receipts/{receipt.id}/print" not in page


def test_loan_page_links_to_the_agreement(committee, history):
    page = committee.get(f"/loans/{history.loan.id}").get_data(as_text=True)
    assert f"/statements/loans/{history.loan.id}/agreement.pdf" in page
