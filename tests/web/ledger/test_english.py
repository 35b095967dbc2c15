"""The ledger screens read in English when English is chosen."""

from __future__ import annotations


def test_ledger_and_savings_screens_have_english(login_as):
    web = login_as("auditor")
    web.post("/lang/en", data={"csrf_token": web.token("/ledger/"), "next": "/ledger/"})
    for url, words in [
        ("/ledger/", ["Trial balance", "Cash book", "Receipts"]),
        ("/ledger/trial-balance", ["Debits equal credits"]),
        ("/savings/", ["Total savings"]),
        ("/ledger/periods", ["Period closes"]),
    ]:
        html = web.get(url).get_data(as_text=True)
        for word in words:
            assert word in html, (url, word)
