from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from fund.audit.models import AuditEntry
from fund.members.models import Member, MemberStatus
from fund.members.sensitive import MemberConsent, MemberNationalId

FULL_ID = "3-1006-00445-63-5"
MASKED_ID = "x-xxxx-xxxxx-63-5"
HEALTH = "ความดันสูง ต้องทานยาทุกวัน"
DISABILITY = "ความพิการทางการเห็น"


def _sensitive_views(db, member_id):
    return [
        e.details
        for e in db.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "sensitive.view", AuditEntry.entity_id == member_id)
            .order_by(AuditEntry.id)
        )
    ]


@pytest.mark.parametrize(
    ("username", "sees_id", "sees_disability", "sees_health", "sees_money", "logged"),
    [
        ("committee", True, True, True, True, ["disability", "health", "national_id"]),
        ("repair", False, True, False, False, ["disability"]),
        ("auditor", False, False, False, True, None),
        ("admin", False, False, False, True, None),
    ],
)
def test_member_page_shows_each_role_only_what_it_may_see_and_logs_the_view(
    db, login_as, member, username, sees_id, sees_disability, sees_health, sees_money, logged
):
    response = login_as(username).get(f"/members/{member.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "บัวผัน" in html and member.member_no in html
    assert (FULL_ID in html) is sees_id
    assert (MASKED_ID in html) is (not sees_id)
    assert (DISABILITY in html) is sees_disability
    assert (HEALTH in html) is sees_health
    assert ("ยอดเงินกับกองทุน" in html) is sees_money
    views = _sensitive_views(db, member.id)
    if logged is None:
        assert views == []
    else:
        assert [v["fields"] for v in views] == [logged]


def test_every_view_is_logged_again(db, login_as, member):
    client = login_as("committee")
    client.get(f"/members/{member.id}")
    client.get(f"/members/{member.id}")
    assert len(_sensitive_views(db, member.id)) == 2


def test_list_search_and_paging(db, login_as, member):
    client = login_as("repair")
    html = client.get("/members/?q=แก้วมูล").get_data(as_text=True)
    assert member.member_no in html
    html = client.get("/members/?q=5635").get_data(as_text=True)
    assert member.member_no in html
    html = client.get("/members/?q=ไม่มีชื่อนี้").get_data(as_text=True)
    assert "ไม่พบสมาชิก" in html
    assert client.get("/members/?page=abc").status_code == 200


def test_add_member_goes_through_review_then_confirm(db, login_as, member_form):
    client = login_as("committee")
    review = client.submit("/members/new", member_form)
    assert review.status_code == 200
    html = review.get_data(as_text=True)
    assert "ตรวจทานข้อมูลก่อนบันทึก" in html and "1-1017-00203-45-0" in html
    assert db.scalar(select(Member).where(Member.first_name == "ทองดี")) is None
    confirmed = client.submit(
        "/members/new", {**member_form, "step": "confirm"}, page="/members/new"
    )
    assert confirmed.status_code == 302
    created = db.scalar(select(Member).where(Member.first_name == "ทองดี"))
    assert created is not None and created.moo == 2 and created.phone == "0812345678"
    assert db.get(MemberNationalId, created.id).national_id == "1101700203450"
    assert confirmed.headers["Location"].endswith(f"/members/{created.id}")


def test_going_back_from_review_keeps_what_was_typed(login_as, member_form):
    client = login_as("committee")
    response = client.submit("/members/new", {**member_form, "step": "edit"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="ทองดี"' in html and "มีข้อผิดพลาด" not in html


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"national_id": "3100600445653"}, "เลขตรวจสอบ"),
        ({"national_id": "310060044563"}, "13 หลัก"),
        ({"first_name": ""}, "กรุณากรอกชื่อ"),
        ({"joined_on-year": "2025"}, "พ.ศ."),
        ({"phone": "12"}, "เบอร์โทรศัพท์ไม่ถูกต้อง"),
    ],
)
def test_bad_input_goes_back_to_the_form_with_the_error(
    db, login_as, member_form, change, expected
):
    client = login_as("committee")
    response = client.submit("/members/new", {**member_form, **change})
    assert response.status_code == 422
    assert expected in response.get_data(as_text=True)
    # Confirming bad data directly (skipping the review) is refused the same way.
    response = client.submit(
        "/members/new", {**member_form, **change, "step": "confirm"}, page="/members/new"
    )
    assert response.status_code == 422
    assert db.scalar(select(Member).where(Member.first_name == "ทองดี")) is None


def test_a_duplicate_id_is_refused_on_review(login_as, member, member_form):
    client = login_as("committee")
    response = client.submit("/members/new", {**member_form, "national_id": "3100600445635"})
    assert response.status_code == 422
    assert member.member_no in response.get_data(as_text=True)


def test_a_stateless_id_shows_the_notice_on_review_and_after_saving(login_as, member_form):
    client = login_as("committee")
    form = {**member_form, "national_id": "0100000000018"}
    html = client.submit("/members/new", form).get_data(as_text=True)
    assert "ไม่มีสถานะทางทะเบียน" in html
    response = client.submit("/members/new", {**form, "step": "confirm"}, page="/members/new")
    assert response.status_code == 302
    assert "ไม่มีสถานะทางทะเบียน" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("username", ["repair", "auditor", "admin"])
def test_only_the_committee_may_add_or_edit(login_as, member, member_form, username):
    client = login_as(username)
    assert client.get("/members/new").status_code == 403
    assert client.get(f"/members/{member.id}/edit").status_code == 403
    assert client.post("/members/new", data=member_form).status_code == 403
    assert client.get(f"/members/{member.id}/export").status_code == 403


def test_edit_prefills_sensitive_data_logs_it_and_saves_changes(db, login_as, member):
    client = login_as("committee")
    page = client.get(f"/members/{member.id}/edit")
    html = page.get_data(as_text=True)
    assert 'value="3100600445635"' in html and HEALTH in html
    assert _sensitive_views(db, member.id)[-1]["purpose"] == "edit"
    form = {
        "step": "confirm",
        "title": "นาง",
        "first_name": "บัวผัน",
        "last_name": "ศรีวิชัย",
        "national_id": "3100600445635",
        "sex": "female",
        "disability_types": ["1"],
        "health_notes": "",
        "moo": "3",
        "joined_on-day": "1",
        "joined_on-month": "6",
        "joined_on-year": "2566",
        "birth_date-day": "4",
        "birth_date-month": "3",
        "birth_date-year": "2505",
    }
    response = client.submit(f"/members/{member.id}/edit", form)
    assert response.status_code == 302
    db.refresh(member)
    assert member.last_name == "ศรีวิชัย" and member.village == ""
    update = db.scalars(select(AuditEntry).where(AuditEntry.action == "member.update")).one()
    assert "last_name" in update.details["fields"]
    assert set(update.details["sensitive"]) == {"disability", "health"}
    assert "ศรีวิชัย" not in json.dumps(update.details, ensure_ascii=False)


def test_status_change_and_history(db, login_as, member):
    client = login_as("committee")
    response = client.submit(
        f"/members/{member.id}/status",
        {
            "status": "suspended",
            "on-day": "1",
            "on-month": "11",
            "on-year": "2568",
            "reason": "ย้ายไปอยู่กับบุตรที่เชียงใหม่ชั่วคราว",
        },
    )
    assert response.status_code == 302
    db.refresh(member)
    assert member.status is MemberStatus.SUSPENDED
    response = client.submit(
        f"/members/{member.id}/status",
        {"status": "suspended", "on-day": "1", "on-month": "11", "on-year": "2568", "reason": "x"},
    )
    assert response.status_code == 422
    history = login_as("auditor").get(f"/members/{member.id}/history").get_data(as_text=True)
    assert "เปลี่ยนสถานะ" in history and "พักสมาชิกภาพ" in history
    assert "ลงทะเบียนสมาชิก" in history
    assert "เชียงใหม่" not in history
    assert login_as("repair").get(f"/members/{member.id}/history").status_code == 403


def test_consent_recorded_by_a_representative_and_withdrawn(db, login_as, member):
    client = login_as("committee")
    url = f"/members/{member.id}/consents"
    bad = client.submit(
        url,
        {
            "given_by": "representative",
            "legal_basis": "consent",
            "purposes": ["membership"],
            "given_on-day": "1",
            "given_on-month": "11",
            "given_on-year": "2568",
        },
    )
    assert bad.status_code == 422
    assert "กรุณากรอกชื่อผู้แทน" in bad.get_data(as_text=True)
    ok = client.submit(
        url,
        {
            "given_by": "representative",
            "representative_name": "นายแก้ว แก้วมูล",
            "representative_relation": "บุตร",
            "legal_basis": "consent",
            "purposes": ["membership", "disability_data"],
            "given_on-day": "1",
            "given_on-month": "11",
            "given_on-year": "2568",
        },
    )
    assert ok.status_code == 302
    consent = db.scalars(select(MemberConsent)).one()
    assert consent.purposes == ["disability_data", "membership"]
    html = login_as("auditor").get(url).get_data(as_text=True)
    assert "นายแก้ว แก้วมูล" in html and "เก็บข้อมูลความพิการและสุขภาพ" in html
    assert "ถอนความยินยอม" not in html  # the auditor reads, never writes
    response = client.submit(
        f"{url}/{consent.id}/withdraw",
        {"withdrawn_on-day": "10", "withdrawn_on-month": "11", "withdrawn_on-year": "2568"},
        page=url,
    )
    assert response.status_code == 302
    db.refresh(consent)
    assert consent.withdrawn_on is not None


def test_export_downloads_everything_and_is_logged(db, login_as, member):
    client = login_as("committee")
    response = client.submit(f"/members/{member.id}/export", {})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["member"]["member_no"] == member.member_no
    assert data["sensitive"]["national_id"] == "3100600445635"
    assert data["sensitive"]["health_notes"] == HEALTH
    assert [t["code"] for t in data["sensitive"]["disability_types"]] == [1, 3]
    assert {b["what"] for b in data["balances"]} >= {"member_savings", "loans_receivable"}
    actions = [
        e.action for e in db.scalars(select(AuditEntry).where(AuditEntry.entity_id == member.id))
    ]
    assert "member.export" in actions
    assert _sensitive_views(db, member.id)[-1]["purpose"] == "export"


def test_unknown_member_is_404(login_as):
    assert login_as("committee").get("/members/999999").status_code == 404


def test_member_page_and_form_in_english(login_as, member):
    client = login_as("committee")
    client.submit("/lang/en", {"next": f"/members/{member.id}"}, page="/members/")
    html = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "Member details" in html and "Visual disability" in html
    html = client.get("/members/new").get_data(as_text=True)
    assert "Register a new member" in html and "Disability card expires" in html


def test_anonymise_from_the_member_page(db, login_as, member, users, now):
    import datetime as dt

    from fund.members.services import change_status

    client = login_as("committee")
    page = client.get(f"/members/{member.id}/anonymise").get_data(as_text=True)
    assert "ยืนยันลบข้อมูลส่วนบุคคล" not in page  # still active: no button
    change_status(
        db,
        member=member,
        status=MemberStatus.LEFT,
        on=dt.date(2025, 11, 1),
        reason="ลาออก",
        by=users["committee"],
        now=now,
    )
    db.commit()
    url = f"/members/{member.id}/anonymise"
    assert "ยืนยันลบข้อมูลส่วนบุคคล" in client.get(url).get_data(as_text=True)
    assert client.submit(url, {}).status_code == 302
    html = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "สมาชิกนิรนาม" in html and "บัวผัน" not in html and "5635" not in html
    assert login_as("repair").post(url).status_code == 403


def test_member_list_csv_escapes_formulas_and_has_no_sensitive_data(db, login_as, member):
    member.first_name = "=HYPERLINK(1)"
    db.commit()
    response = login_as("auditor").get("/members/members.csv")
    assert response.status_code == 200
    text = response.get_data().decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and member.member_no in text
    assert "3100600445635" not in text and "5635" not in text
    assert login_as("repair").get("/members/members.csv").status_code == 403
