"""The job page leads to the printable ticket that tags the device in the workshop."""

from __future__ import annotations

import io

from pypdf import PdfReader

from repair_center.jobs.services import open_job


def test_job_page_links_to_a_ticket_that_names_the_job(login_as, shop, users, db, now):
    job = open_job(
        db,
        device=shop["chair"],
        fault="ยางรั่ว ล้อหลังซ้าย",
        received_on=now.date(),
        recorded_by=users["repair"],
        now=now,
    )
    db.commit()
    repair = login_as("repair")
    page = repair.get(f"/repair/jobs/{job.id}").get_data(as_text=True)
    ticket_url = f"/statements/repair/jobs/{job.id}/ticket.pdf"
    assert ticket_url in page
    response = repair.get(ticket_url)
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert job.job_no in text
    assert "ยางรั่ว" in text
