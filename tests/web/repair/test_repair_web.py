"""The repair screens: a job from intake to delivery by forms alone, errors, and who sees what."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from repair_center.jobs.models import RepairJob
from repair_center.jobs.states import JobState

from .conftest import NATIONAL_ID, date_fields, location_id

TODAY = dt.date(2025, 11, 20)


def intake(web, shop) -> int:
    response = web.submit(
        "/repair/jobs/new",
        {
            "tag_no": shop["chair"].tag_no.lower(),
            "fault": "ยางแบน ล้อหน้าสั่น",
            "technician": "",
            **date_fields("received_on", TODAY),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return location_id(response)


def test_a_job_runs_from_intake_to_delivery_and_payment_by_forms(login_as, shop, db, clock):
    web = login_as("repair")
    job_id = intake(web, shop)
    page = f"/repair/jobs/{job_id}"
    assert "ยางแบน" in web.get(page).get_data(as_text=True)

    def post(action, data):
        clock.advance(minutes=2)
        response = web.submit(f"{page}/{action}", data, page=page)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]

    post(
        "assess",
        {"assessment": "ยางนอกสึก ต้องเปลี่ยนสองเส้น", "estimate": "400", "assess_technician": ""},
    )
    post("approve", {"basis": "shared", "member_share_percent": "50", "basis_note": ""})
    post("loan", {"loan_device": str(shop["loaner"].id), **date_fields("loan_lent_on", TODAY)})
    post("move", {"to": "in_progress"})
    post("parts", {"part": str(shop["tyre"].id), "part_quantity": "2"})
    post(
        "labour",
        {
            "labour_technician": str(web_user_id(db)),
            "hours": "1.5",
            "rate": "100",
            "labour_notes": "เปลี่ยนยาง",
            **date_fields("worked_on", TODAY),
        },
    )
    post("move", {"to": "ready"})
    # the loaner must come back first
    clock.advance(minutes=2)
    refused = web.submit(
        f"{page}/deliver",
        {
            "outcome": "fixed",
            "outcome_reason": "",
            "fitting_checked": "y",
            "training_given": "y",
            **date_fields("delivered_on", TODAY),
        },
        page=page,
    )
    assert refused.status_code == 422
    assert "ต้องรับอุปกรณ์ยืม" in refused.get_data(as_text=True)
    job = db.get(RepairJob, job_id)
    db.refresh(job)
    assert job.state is JobState.READY
    [loan_id] = [loan.id for loan in _open_loans(db, job_id)]
    response = web.submit(
        f"/repair/loans/{loan_id}/return",
        {
            f"r{loan_id}-csrf_token": web.token(page),
            f"r{loan_id}-return_condition": "good",
            **date_fields(f"r{loan_id}-returned_on", TODAY),
        },
        page=page,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    post(
        "deliver",
        {
            "outcome": "fixed",
            "outcome_reason": "",
            "fitting_checked": "y",
            "training_given": "y",
            **date_fields("delivered_on", TODAY),
        },
    )
    db.refresh(job)
    assert job.state is JobState.DELIVERED
    assert job.member_charge_satang == 225_00  # (300 parts + 150 labour) × 50 %
    post(
        "payment",
        {"key": "once-1", "amount": "100", "paid_into": "cash", **date_fields("paid_on", TODAY)},
    )
    post(
        "payment",
        {"key": "once-1", "amount": "100", "paid_into": "cash", **date_fields("paid_on", TODAY)},
    )  # a double submit pays once
    html = web.get(page).get_data(as_text=True)
    assert "฿125.00" in html  # outstanding


def web_user_id(db):
    from fund.users.models import User

    return db.scalar(select(User.id).where(User.username == "repair"))


def _open_loans(db, job_id):
    from repair_center.loaners.models import DeviceLoan

    return db.scalars(
        select(DeviceLoan).where(DeviceLoan.job_id == job_id, DeviceLoan.returned_on.is_(None))
    ).all()


def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(login_as, shop, db):
    web = login_as("repair")
    response = web.submit(
        "/repair/jobs/new", {"tag_no": "RC-9999", "fault": "", **date_fields("received_on", TODAY)}
    )
    assert response.status_code == 422
    assert "กรุณากรอกอาการเสีย" in response.get_data(as_text=True)
    response = web.submit(
        "/repair/jobs/new",
        {"tag_no": "RC-9999", "fault": "ล้อหลุด", **date_fields("received_on", TODAY)},
    )
    assert response.status_code == 422
    assert "ไม่พบอุปกรณ์เลขป้ายนี้" in response.get_data(as_text=True)
    job_id = intake(web, shop)
    page = f"/repair/jobs/{job_id}"
    response = web.submit(f"{page}/cancel", {"cancel_reason": " "}, page=page)
    assert response.status_code == 422
    response = web.submit(f"{page}/approve", {"basis": "fund"}, page=page)
    assert response.status_code == 422  # intake → approved is not a legal move
    assert "ย้ายไป" in response.get_data(as_text=True)
    job = db.get(RepairJob, job_id)
    db.refresh(job)
    assert job.state is JobState.INTAKE and len(job.events) == 1


def test_every_repair_page_renders_for_staff_without_national_ids(login_as, shop):
    web = login_as("repair")
    job_id = intake(web, shop)
    pages = [
        "/repair/",
        "/repair/jobs",
        "/repair/jobs?closed=1&only_urgent=y",
        "/repair/jobs/new",
        f"/repair/jobs/{job_id}",
        "/repair/devices",
        "/repair/devices?q=CS-0901",
        "/repair/devices/new",
        f"/repair/devices/{shop['chair'].id}",
        "/repair/parts",
        f"/repair/parts/{shop['tyre'].id}",
        "/repair/loans",
        "/repair/follow-ups",
        "/repair/costs",
        "/repair/settings",
        "/repair/static/repair.css",
    ]
    for url in pages:
        response = web.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        response.close()
        for shown in (NATIONAL_ID, "3-1006-00445-63-5", "5635"):
            assert shown not in text, (url, shown)


@pytest.mark.parametrize(
    ("username", "url", "status"),
    [
        ("committee", "/repair/", 200),
        ("admin", "/repair/jobs", 200),
        ("auditor", "/repair/", 403),
        ("auditor", "/repair/parts", 200),
        ("auditor", "/repair/costs", 200),
        ("committee", "/repair/jobs/new", 403),
        ("repair", "/ledger/", 403),
    ],
)
def test_who_may_see_what(login_as, shop, username, url, status):
    response = login_as(username).get(url)
    assert response.status_code == status


def test_readers_cannot_write(login_as, shop):
    web = login_as("repair")
    job_id = intake(web, shop)
    page = f"/repair/jobs/{job_id}"
    committee = login_as("committee")
    response = committee.submit(f"{page}/assess", {"assessment": "x"}, page=page)
    assert response.status_code == 403
    html = committee.get(page).get_data(as_text=True)
    assert "บันทึกผลประเมิน" not in html  # no action forms for readers


def test_the_board_moves_a_job_with_one_button(login_as, shop, db, clock):
    web = login_as("repair")
    job_id = intake(web, shop)
    page = f"/repair/jobs/{job_id}"
    web.submit(f"{page}/assess", {"assessment": "ซี่ล้อหัก"}, page=page)
    web.submit(f"{page}/approve", {"basis": "fund"}, page=page)
    board = web.get("/repair/").get_data(as_text=True)
    assert f'action="/repair/jobs/{job_id}/move"' in board
    response = web.submit(f"{page}/move", {"to": "in_progress", "back": "board"}, page="/repair/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/repair/")
    response = web.submit(f"{page}/move", {"to": "delivered", "back": "board"}, page="/repair/")
    job = db.get(RepairJob, job_id)
    db.refresh(job)
    assert job.state is JobState.IN_PROGRESS
    assert "ไม่ได้" in web.get("/repair/").get_data(as_text=True)


def test_the_screens_speak_english_when_asked(login_as, shop):
    web = login_as("repair")
    with web.client.session_transaction() as session:
        session["lang"] = "en"
    html = web.get("/repair/").get_data(as_text=True)
    assert "Repair job board" in html and "Take in a new repair" in html
    assert "กระดานงานซ่อม" not in html
