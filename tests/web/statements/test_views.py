"""Statement screens: accessible HTML, PDFs, the large-print choice, batches, receipts, reports."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from fund.audit.models import AuditEntry
from fund.ledger.models import Receipt
from fund.members.models import Member
from reports.committee import REPORT_KINDS, report_title
from tests.web.statements.conftest import END, START

NAME = "นางสาวญาณิศา ปิ่นฐิติพันธุ์"


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _sizes(pdf: bytes) -> list[float]:
    sizes: list[float] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(
            visitor_text=lambda t, cm, tm, fd, fs: (
                sizes.append(fs * abs(tm[3])) if any("\u0e01" <= c <= "\u0e5b" for c in t) else None
            )
        )
    return sizes


@pytest.fixture
def committee(login_as, history):
    return login_as("committee")


def test_member_page_links_to_the_statement(committee, history):
    page = committee.get(f"/members/{history.member.id}").get_data(as_text=True)
    assert f"/statements/members/{history.member.id}" in page
    assert f"/statements/members/{history.member.id}/statement.pdf" in page


def test_html_statement_is_accessible_table_markup_in_thai(committee, history):
    url = f"/statements/members/{history.member.id}?start=1/11/2568&end=30/11/2568"
    response = committee.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'lang="th"' in html
    assert NAME in html
    assert "1 พฤศจิกายน 2568" in html and "30 พฤศจิกายน 2568" in html
    assert html.count("<caption") >= 4  # savings, loan payments, welfare, repairs
    assert '<th scope="col">' in html and '<th scope="row">' in html
    assert 'role="region"' in html
    # figures equal the statement data (ledger): closing savings, outstanding, owed repairs
    for figure in ("1,800.00", "฿3,000.00", "250.00", "600.00"):
        assert figure in html, figure
    assert "2025" not in re.sub(r"\d{4}-\d{2}-\d{2}", "", html)  # no C.E. dates shown


def test_html_statement_reports_a_bad_date_and_falls_back(committee, history):
    html = committee.get(
        f"/statements/members/{history.member.id}?start=31/02/2568&end=30/11/2568"
    ).get_data(as_text=True)
    assert 'role="alert"' in html


def test_pdf_statement_for_the_period(committee, history):
    response = committee.get(
        f"/statements/members/{history.member.id}/statement.pdf?start={START}&end={END}"
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = _text(response.data)
    assert f"สมาชิกเลขที่ CS-0701 {NAME}" in text
    assert "1 ตุลาคม" not in text and "1 พฤศจิกายน 2568 ถึง 30 พฤศจิกายน 2568" in text
    assert min(_sizes(response.data)) < 16


def test_pdf_refuses_a_reversed_period(committee, history):
    response = committee.get(
        f"/statements/members/{history.member.id}/statement.pdf?start={END}&end={START}"
    )
    assert response.status_code == 400


def test_large_print_choice_is_remembered_and_used(committee, history, db):
    member_id = history.member.id
    page = f"/statements/members/{member_id}"
    response = committee.submit(f"{page}/large-print", {"large_print": "y"}, page=page)
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Member, member_id).large_print is True
    pdf = committee.get(f"{page}/statement.pdf?start={START}&end={END}").data
    assert min(_sizes(pdf)) >= 16
    # one-off normal print without changing the choice
    normal = committee.get(f"{page}/statement.pdf?start={START}&end={END}&size=normal").data
    assert min(_sizes(normal)) < 16
    # and back
    committee.submit(f"{page}/large-print", {}, page=page)
    db.expire_all()
    assert db.get(Member, member_id).large_print is False
    audit = db.scalars(select(AuditEntry).where(AuditEntry.entity_id == member_id)).all()
    assert any("large_print" in str(a.details) for a in audit)


def test_auditor_reads_but_cannot_change_the_choice_or_start_batches(login_as, history, db):
    auditor = login_as("auditor")
    page = f"/statements/members/{history.member.id}"
    assert auditor.get(page).status_code == 200
    response = auditor.submit(f"{page}/large-print", {"large_print": "y"}, page="/statements/batch")
    assert response.status_code == 403
    batch_page = auditor.get("/statements/batch").get_data(as_text=True)
    assert "เริ่มพิมพ์" not in batch_page  # no form offered
    form = {"period": "2025-11", "order": "number", "mode": "single"}
    assert auditor.submit("/statements/batch", form).status_code == 403
    db.expire_all()
    assert db.get(Member, history.member.id).large_print is False


def test_repair_role_cannot_read_statements(login_as, history):
    repair = login_as("repair")
    assert repair.get(f"/statements/members/{history.member.id}").status_code == 403


@pytest.mark.parametrize("mode", ["single", "each"])
def test_batch_prints_every_active_member_with_a_status_page(committee, history, app, mode):
    app.config["STATEMENT_BATCH_SYNC"] = True
    app.config["STATEMENT_BATCH_WORKERS"] = 1
    response = committee.submit(
        "/statements/batch", {"period": "2025-11", "order": "village", "mode": mode}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    status_url = response.headers["Location"]
    page = committee.get(status_url).get_data(as_text=True)
    assert "พิมพ์เสร็จแล้ว" in page
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing
    assert 'role="status"' in page
    link = re.search(r'href="([^"]+/statements-2025-11[^"]*)"', page)
    assert link, page
    data = committee.get(link.group(1)).data
    if mode == "single":
        text = _text(data)
        # หมู่ 2 (CS-0702) before หมู่ 4 (CS-0701), each numbered on its own
        assert text.index("CS-0702") < text.index("CS-0701")
        assert "หน้า 1/1" in text
    else:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert "statement-CS-0701-2025-11.pdf" in names
        assert "statement-CS-0702-2025-11.pdf" in names


def test_batch_status_page_refreshes_politely_while_running(committee, history, app):
    from web.statements import jobs

    with app.app_context():
        status = jobs.BatchStatus(
            id="0123456789abcdef",
            period="2025-11",
            order="number",
            mode="single",
            large_print=False,
            requested_by="x",
            created_at="2025-11-20T00:00:00+00:00",
            state="rendering",
            done=3,
            total=10,
        )
        jobs._write(status, app)
    page = committee.get("/statements/batch/0123456789abcdef").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="10">' in page
    assert 'value="3"' in page and "30%" in page
    still = committee.get("/statements/batch/0123456789abcdef?refresh=0").get_data(as_text=True)
    assert "http-equiv" not in still
    assert committee.get("/statements/batch/nothere").status_code == 404
    assert committee.get("/statements/batch/0123456789abcdef/../../etc").status_code == 404


def test_batch_refuses_a_period_not_offered(committee, history, app):
    app.config["STATEMENT_BATCH_SYNC"] = True
    response = committee.submit(
        "/statements/batch", {"period": "1999-01", "order": "number", "mode": "single"}
    )
    assert response.status_code == 422


def test_receipt_first_print_is_the_original_then_copies_are_counted(committee, history, db):
    receipt = db.get(Receipt, history.repayments[-1].receipt_id)
    url = f"/statements/receipts/{receipt.id}/print"
    page = f"/statements/members/{history.member.id}"
    first = committee.submit(url, {}, page=page)
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    text = _text(first.data)
    assert receipt.receipt_no in text and "สำเนา" not in text
    assert "จำนวนเงิน 500.00 บาท (ห้าร้อยบาทถ้วน)" in text
    second = committee.submit(url, {}, page=page)
    assert "สำเนา" in _text(second.data)
    db.expire_all()
    assert db.get(Receipt, receipt.id).reprint_count == 1
    view = committee.get(f"/statements/receipts/{receipt.id}/copy.pdf")
    assert "สำเนา" in _text(view.data)
    db.expire_all()
    assert db.get(Receipt, receipt.id).reprint_count == 1  # viewing is not printing


def test_loan_agreement_pdf(committee, history):
    response = committee.get(f"/statements/loans/{history.loan.id}/agreement.pdf")
    assert response.status_code == 200
    text = _text(response.data)
    assert "สัญญากู้ยืมเงิน" in text and NAME in text
    assert "5,000.00 บาท (ห้าพันบาทถ้วน)" in text
    assert "ลายพิมพ์นิ้วหัวแม่มือซ้าย" in text
    assert committee.get("/statements/loans/999999/agreement.pdf").status_code == 404


@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_committee_reports(committee, history, kind):
    response = committee.get(f"/statements/committee/{kind}.pdf?start={START}&end={END}")
    assert response.status_code == 200, kind
    assert report_title(kind) in _text(response.data)


def test_committee_report_figures_come_from_the_books(committee, history):
    text = _text(committee.get(f"/statements/committee/welfare.pdf?start={START}&end={END}").data)
    assert NAME in text and "600.00" in text
    tb = _text(committee.get(f"/statements/committee/trial_balance.pdf?end={END}").data)
    assert "ยอดไม่เท่ากัน" not in tb
    arrears = _text(committee.get(f"/statements/committee/arrears.pdf?end={END}").data)
    assert "CS-0701" in arrears
    assert committee.get("/statements/committee/gossip.pdf").status_code == 404
    page = committee.get("/statements/committee").get_data(as_text=True)
    for kind in REPORT_KINDS:
        assert f"/statements/committee/{kind}.pdf" in page


def test_job_ticket_for_a_missing_job_is_404(login_as, history):
    assert login_as("repair").get("/statements/repair/jobs/999999/ticket.pdf").status_code == 404
