from __future__ import annotations

from sqlalchemy import select

from fund.audit.models import AuditEntry
from fund.users.models import LoginAttempt
from tests.conftest import TEST_PASSWORD


def test_login_with_right_password_opens_the_dashboard(client, users):
    response = client.login("committee")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "ทดสอบ committee" in page
    assert 'lang="th"' in page


def test_wrong_password_is_refused_with_a_thai_message_and_counted(client, users, db):
    response = client.login("committee", "wrong-password-123")
    assert response.status_code == 422
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in response.get_data(as_text=True)
    assert db.scalar(select(LoginAttempt).where(LoginAttempt.username == "committee"))


def test_unknown_user_gets_the_same_message_as_a_wrong_password(client, users):
    response = client.login("nobody", "whatever-password")
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in response.get_data(as_text=True)


def test_logout_really_ends_the_session_even_if_the_old_cookie_is_replayed(app, client, users):
    client.login("committee")
    cookie = client.get_cookie("chaeson_session").value
    assert client.get("/").status_code == 200
    client.submit("/logout", {}, page="/")
    assert client.get("/").status_code == 302
    # An attacker who kept a copy of the cookie gets nothing either.
    replay = app.test_client()
    replay.set_cookie("chaeson_session", cookie)
    assert replay.get("/").status_code == 302


def test_session_expires_after_idle_time(client, users, clock):
    client.login("committee")
    assert client.get("/").status_code == 200
    clock.advance(minutes=31)
    assert client.get("/").status_code == 302


def test_activity_keeps_the_session_alive(client, users, clock):
    client.login("committee")
    for _ in range(4):
        clock.advance(minutes=20)
        assert client.get("/").status_code == 200


def test_login_is_throttled_per_username_even_with_the_right_password(client, users):
    for _ in range(5):
        client.login("committee", "wrong-password-xx")
    response = client.login("committee", TEST_PASSWORD)
    assert response.status_code == 422
    assert "กรุณารอ 15 นาที" in response.get_data(as_text=True)


def test_login_is_throttled_per_address_across_usernames(client, users):
    for i in range(20):
        client.login(f"guess{i}", "wrong-password-xx")
    response = client.login("auditor", TEST_PASSWORD)
    assert "กรุณารอ 15 นาที" in response.get_data(as_text=True)


def test_throttle_lifts_after_the_window(client, users, clock):
    for _ in range(5):
        client.login("committee", "wrong-password-xx")
    clock.advance(minutes=16)
    assert client.login("committee").status_code == 302


def test_post_without_csrf_token_is_refused_and_changes_nothing(login_as, db):
    admin = login_as("admin")
    before = db.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    response = admin.post(
        "/admin/users",
        data={
            "username": "mallory",
            "display_name": "x",
            "role": "admin",
            "password": "long-enough-password",
        },
    )
    assert response.status_code == 400
    assert "แบบฟอร์มนี้หมดอายุหรือไม่ถูกต้อง" in response.get_data(as_text=True)
    after = db.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    assert before == after


def test_login_form_without_csrf_is_refused(client, users):
    response = client.post("/login", data={"username": "committee", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_login_rotates_the_session_cookie(client, users):
    client.get("/login")
    before = client.get_cookie("chaeson_session")
    client.login("committee")
    after = client.get_cookie("chaeson_session")
    assert before is None or before.value != after.value


def test_changing_password_ends_other_sessions(app, login_as):
    laptop = login_as("committee")
    phone = login_as("committee")
    response = laptop.submit(
        "/account/password",
        {"current_password": TEST_PASSWORD, "new_password": "a-brand-new-passphrase"},
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302


def test_disabling_a_user_ends_their_sessions(login_as, users):
    repair = login_as("repair")
    admin = login_as("admin")
    admin.submit(f"/admin/users/{users['repair'].id}/active", {}, page="/admin/users")
    assert repair.get("/").status_code == 302
    assert repair.login("repair").status_code == 422


def test_login_does_not_redirect_to_another_site(client, users):
    client.get("/login")
    response = client.post(
        "/login?next=https://evil.example/",
        data={"username": "committee", "password": TEST_PASSWORD, "csrf_token": client.token()},
    )
    assert response.headers["Location"] == "/"


def test_every_login_and_logout_is_in_the_audit_log(client, users, db):
    client.login("auditor")
    client.submit("/logout", {}, page="/")
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.actor_id == users["auditor"].id)
    ).all()
    assert actions.count("user.login") == 1
    assert actions.count("user.logout") == 1


def test_security_headers_are_on_every_response(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "base-uri 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cookie_header = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie_header
    assert "SameSite=Lax" in cookie_header


def test_english_switch_changes_language_and_lang_attribute(client, users):
    client.login("committee")
    client.submit("/lang/en", {"next": "/"}, page="/")
    page = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "Log out" in page


def test_static_files_do_not_touch_the_session_but_pages_do(client, users, clock, db):
    from fund.users.models import UserSession

    client.login("committee")
    row = db.scalars(select(UserSession).order_by(UserSession.id.desc())).first()
    first_seen = row.last_seen_at
    clock.advance(minutes=5)
    static = client.get("/static/app.css")
    assert static.status_code == 200
    static.close()
    db.expire_all()
    assert db.get(UserSession, row.id).last_seen_at == first_seen
    assert client.get("/").status_code == 200
    db.expire_all()
    assert db.get(UserSession, row.id).last_seen_at == clock()
