"""The second factor through the web: account page, enrolment, the second login step, recovery
codes, turning it off, the admin's reset and the "required" setting."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from fund.audit.models import AuditEntry
from fund.thaidate import format_be_datetime
from fund.users.models import LoginAttempt, User, UserSession
from tests.conftest import TEST_PASSWORD, WebClient
from tests.fund.users.helpers import code_at, enrol
from web.clock import BANGKOK

_SECRET_BLOCK = re.compile(r'<p class="secret-key"[^>]*>(.*?)</p>', re.S)
_CODES = re.compile(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>")
_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def secret_on(html: str) -> str:
    block = _SECRET_BLOCK.search(html)
    assert block, "the page shows no secret"
    groups = re.findall(r"<span>([A-Z2-7]{4})</span>", block.group(1))
    assert len(groups) == 8, groups
    return "".join(groups)


def codes_on(html: str) -> list[str]:
    return _CODES.findall(html)


def _actions(db, action: str) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _failures(db, username: str) -> int:
    return db.scalar(
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.username == username)
    )


@pytest.fixture
def two_step(db, users, clock):
    """The committee user with a second factor since a minute ago: (secret, recovery codes)."""
    return enrol(db, users["committee"], clock() - dt.timedelta(minutes=1))


def _password_step(client: WebClient, username: str = "committee", next_: str = ""):
    url = f"/login?next={next_}" if next_ else "/login"
    token = client.token(url)
    return client.post(
        url, data={"username": username, "password": TEST_PASSWORD, "csrf_token": token}
    )


def _code_step(client: WebClient, code: str, url: str = "/login/second-factor", field="code"):
    return client.submit(url, {field: code})


# --------------------------------------------------------------------------- enrolment


def test_committee_turns_it_on_from_the_account_page(login_as, app, db, users, clock):
    web = login_as("committee")
    other_device = login_as("committee")
    account = web.get("/account").get_data(as_text=True)
    assert "การยืนยันตัวตนสองขั้นตอน" in account and "ยังไม่ได้เปิดใช้" in account
    started = web.submit("/account/two-step/start", {}, page="/account")
    assert started.status_code == 302 and started.headers["Location"] == "/account/two-step"

    page = web.get("/account/two-step").get_data(as_text=True)
    assert re.search(r'<svg role="img" aria-label="คิวอาร์โค้ด[^"]+" focusable="false"', page)
    secret = secret_on(page)
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert '<label for="code">' in page
    assert "Google Authenticator" in page

    wrong = web.submit("/account/two-step", {"code": "000000"})
    assert wrong.status_code == 422
    assert "รหัสไม่ตรงกับแอป" in wrong.get_data(as_text=True)
    assert not db.get(User, users["committee"].id).has_second_factor

    thai = code_at(secret, clock()).translate(_THAI)
    done = web.submit("/account/two-step", {"code": f"{thai[:3]} {thai[3:]}"})
    assert done.status_code == 200
    codes = codes_on(done.get_data(as_text=True))
    assert len(codes) == 10
    db.expire_all()
    assert db.get(User, users["committee"].id).has_second_factor
    assert len(_actions(db, "user.totp.enable")) == 1
    # This browser carries on; a session opened elsewhere with the password alone has ended.
    assert web.get("/").status_code == 200
    assert other_device.get("/").status_code == 302
    assert "เปิดใช้อยู่" in web.get("/account").get_data(as_text=True)


@pytest.mark.parametrize("username", ["repair", "auditor"])
def test_other_roles_see_no_option_and_cannot_use_it(login_as, username):
    web = login_as(username)
    account = web.get("/account")
    assert account.status_code == 200
    assert "การยืนยันตัวตนสองขั้นตอน" not in account.get_data(as_text=True)
    assert web.submit("/account/two-step/start", {}, page="/account").status_code == 403
    assert web.get("/account/two-step").status_code == 403


def test_the_header_links_to_my_account(login_as):
    page = login_as("repair").get("/").get_data(as_text=True)
    assert 'href="/account"' in page and "บัญชีของฉัน" in page


# --------------------------------------------------------------------------- the second step


def test_the_session_starts_only_after_the_code(client, db, users, two_step, clock):
    secret, _ = two_step
    response = _password_step(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/second-factor"
    assert db.scalar(select(func.count()).select_from(UserSession)) == 0
    assert client.get("/").status_code == 302  # nothing is open yet
    half_way = client.get_cookie("chaeson_session").value

    page = client.get("/login/second-factor").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert '<label for="code">' in page

    done = _code_step(client, code_at(secret, clock()))
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert client.get_cookie("chaeson_session").value != half_way  # rotated
    assert client.get("/").status_code == 200
    login = _actions(db, "user.login")[-1]
    assert login.details == {"second_factor": "totp"}
    # The half-way cookie is worth nothing now, even to whoever copied it.
    replay = client.application.test_client()
    replay.set_cookie("chaeson_session", half_way)
    assert replay.get("/login/second-factor").status_code == 302
    assert replay.get("/").status_code == 302


def test_where_the_user_was_going_survives_the_second_step(client, users, two_step, clock):
    secret, _ = two_step
    response = _password_step(client, next_="/ledger/")
    assert response.headers["Location"] == "/login/second-factor?next=/ledger/"
    done = _code_step(client, code_at(secret, clock()), url="/login/second-factor?next=/ledger/")
    assert done.headers["Location"] == "/ledger/"


def test_a_code_that_signed_in_once_does_not_sign_in_again(app, users, two_step, clock):
    secret, _ = two_step
    code = code_at(secret, clock())
    first, second = WebClient(app.test_client()), WebClient(app.test_client())
    _password_step(first)
    _password_step(second)
    assert _code_step(first, code).status_code == 302
    refused = _code_step(second, code)
    assert refused.status_code == 422
    assert "ใช้ไปแล้ว" in refused.get_data(as_text=True)


def test_thai_digits_and_spaces_sign_in(client, users, two_step, clock):
    secret, _ = two_step
    _password_step(client)
    thai = code_at(secret, clock()).translate(_THAI)
    assert _code_step(client, f" {thai[:3]} {thai[3:]} ").status_code == 302


def test_a_code_from_the_step_before_still_signs_in(client, users, two_step, clock):
    secret, _ = two_step
    clock.advance(minutes=2)
    _password_step(client)
    assert _code_step(client, code_at(secret, clock(), -1)).status_code == 302


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "กรุณากรอกรหัส 6 หลัก"), ("12345", "ตัวเลข 6 หลัก"), ("12a456", "ตัวเลข 6 หลัก")],
)
def test_a_short_or_malformed_code_is_a_form_error_not_a_guess(
    client, db, users, two_step, typed, message
):
    _password_step(client)
    response = _code_step(client, typed)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html and "data-error-summary" in html
    assert _failures(db, "committee") == 0


def test_wrong_codes_count_toward_the_login_throttle(client, db, users, two_step, clock):
    secret, _ = two_step
    _password_step(client)
    for _ in range(5):
        assert _code_step(client, "000000").status_code == 422
    assert _failures(db, "committee") == 5
    refused = _code_step(client, code_at(secret, clock()))
    assert refused.status_code == 422
    assert "กรุณารอ 15 นาที" in refused.get_data(as_text=True)
    # ...and the password step is throttled for the same user too.
    again = _password_step(client)
    assert "กรุณารอ 15 นาที" in again.get_data(as_text=True)


def test_the_half_way_state_ends_after_five_minutes(client, users, two_step, clock):
    secret, _ = two_step
    _password_step(client)
    clock.advance(minutes=5, seconds=30)
    response = client.get("/login/second-factor")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "หมดเวลายืนยันตัวตน" in client.get("/login").get_data(as_text=True)
    late = client.submit("/login/second-factor", {"code": code_at(secret, clock())}, page="/login")
    assert late.status_code == 302 and client.get("/").status_code == 302


def test_the_code_page_without_a_password_first_sends_to_login(client, users):
    response = client.get("/login/second-factor")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_a_recovery_code_signs_in_once(app, db, users, two_step):
    _, codes = two_step
    client = WebClient(app.test_client())
    _password_step(client)
    page = client.get("/login/recovery-code").get_data(as_text=True)
    assert '<label for="recovery_code">' in page
    done = _code_step(client, codes[0].upper(), url="/login/recovery-code", field="recovery_code")
    assert done.status_code == 302
    assert "เหลือรหัสกู้คืน 9 รหัส" in client.get("/").get_data(as_text=True)
    assert _actions(db, "user.login")[-1].details == {"second_factor": "recovery_code"}
    assert len(_actions(db, "user.totp.recovery_code_used")) == 1

    again = WebClient(app.test_client())
    _password_step(again)
    refused = _code_step(again, codes[0], url="/login/recovery-code", field="recovery_code")
    assert refused.status_code == 422
    assert "รหัสกู้คืนไม่ถูกต้องหรือใช้ไปแล้ว" in refused.get_data(as_text=True)
    assert _failures(db, "committee") == 1


# ------------------------------------------------------------------ changes that need proof


def _logged_in_with_code(app, secret, clock) -> WebClient:
    client = WebClient(app.test_client())
    _password_step(client)
    assert _code_step(client, code_at(secret, clock())).status_code == 302
    return client


def test_turning_it_off_needs_the_password_and_a_current_code(app, db, users, two_step, clock):
    secret, _ = two_step
    web = _logged_in_with_code(app, secret, clock)
    clock.advance(seconds=30)  # the next code (the last one signed in)
    url = "/account/two-step/off"
    page = web.get(url).get_data(as_text=True)
    assert 'autocomplete="current-password"' in page
    wrong_password = web.submit(
        url, {"password": "not-my-password", "code": code_at(secret, clock())}
    )
    assert wrong_password.status_code == 422
    assert "รหัสผ่านไม่ถูกต้อง" in wrong_password.get_data(as_text=True)
    wrong_code = web.submit(url, {"password": TEST_PASSWORD, "code": "000000"})
    assert wrong_code.status_code == 422
    db.expire_all()
    assert db.get(User, users["committee"].id).has_second_factor
    assert _failures(db, "committee") == 2  # both wrong tries count toward the throttle

    done = web.submit(url, {"password": TEST_PASSWORD, "code": code_at(secret, clock())})
    assert done.status_code == 302 and done.headers["Location"] == "/account"
    db.expire_all()
    assert not db.get(User, users["committee"].id).has_second_factor
    assert len(_actions(db, "user.totp.disable")) == 1
    # Signing in now takes the password alone.
    assert _password_step(WebClient(app.test_client())).headers["Location"] == "/"


def test_new_recovery_codes_replace_the_old_ones(app, db, users, two_step, clock):
    secret, old = two_step
    web = _logged_in_with_code(app, secret, clock)
    response = web.submit(
        "/account/two-step/recovery-codes", {"password": TEST_PASSWORD, "code": old[0]}
    )
    assert response.status_code == 200
    new = codes_on(response.get_data(as_text=True))
    assert len(new) == 10 and set(new).isdisjoint(old)
    assert len(_actions(db, "user.totp.recovery_codes")) == 1
    client = WebClient(app.test_client())
    _password_step(client)
    url = "/login/recovery-code"
    assert _code_step(client, old[1], url=url, field="recovery_code").status_code == 422
    assert _code_step(client, new[1], url=url, field="recovery_code").status_code == 302


# --------------------------------------------------------------------------- admin reset


def test_an_admin_resets_a_lost_phone_and_it_is_audited(app, db, users, two_step, login_as):
    committee = users["committee"]
    admin = login_as("admin")
    security = admin.get("/admin/security").get_data(as_text=True)
    reset_url = f"/admin/users/{committee.id}/second-factor"
    assert reset_url in security
    assert "เปิดใช้ตั้งแต่" in security
    confirm = admin.get(reset_url)
    assert confirm.status_code == 200 and committee.display_name in confirm.get_data(as_text=True)
    done = admin.submit(reset_url, {})
    assert done.status_code == 302
    db.expire_all()
    assert not db.get(User, committee.id).has_second_factor
    entry = _actions(db, "user.totp.reset")[0]
    assert (entry.actor_id, entry.entity_id) == (users["admin"].id, committee.id)
    # The owner signs in with the password alone and can set up the new phone.
    assert _password_step(WebClient(app.test_client())).headers["Location"] == "/"


def test_reset_is_for_admins_and_not_for_oneself(db, users, clock, login_as):
    enrol(db, users["admin"], clock() - dt.timedelta(minutes=1))
    enrol(db, users["committee2"], clock() - dt.timedelta(minutes=1))
    committee = login_as("committee")
    url = f"/admin/users/{users['committee2'].id}/second-factor"
    assert committee.get(url).status_code == 403
    assert committee.get("/admin/security").status_code == 403


def test_an_admin_cannot_reset_their_own(app, db, users, clock):
    secret, _ = enrol(db, users["admin"], clock() - dt.timedelta(minutes=1))
    admin = WebClient(app.test_client())
    _password_step(admin, "admin")
    assert _code_step(admin, code_at(secret, clock())).status_code == 302
    url = f"/admin/users/{users['admin'].id}/second-factor"
    refused = admin.submit(url, {})
    assert refused.status_code == 422
    assert "รีเซ็ตของตัวเองไม่ได้" in refused.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, users["admin"].id).has_second_factor


# --------------------------------------------------------------------------- required for everyone


def test_when_required_a_user_without_it_is_sent_to_enrolment_until_done(
    app, db, users, clock, login_as
):
    admin = login_as("admin")
    saved = admin.submit("/admin/security", {"require_second_factor": "y"})
    assert saved.status_code == 302
    # The admin has none either: from the next request on, enrolment first.
    assert admin.get("/").headers["Location"] == "/account/two-step"

    committee = login_as("committee")
    for path in ("/", "/members/", "/account", "/account/password"):
        response = committee.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == "/account/two-step", path
    setup = committee.get("/account/two-step").get_data(as_text=True)
    assert "ผู้ดูแลระบบกำหนดให้" in setup
    assert 'aria-label="เมนูหลัก"' not in setup  # no menu of pages that cannot be used yet
    assert "ออกจากระบบ" in setup
    committee.submit("/account/two-step/start", {}, page="/account/two-step")
    secret = secret_on(committee.get("/account/two-step").get_data(as_text=True))
    done = committee.submit("/account/two-step", {"code": code_at(secret, clock())})
    assert done.status_code == 200
    assert committee.get("/").status_code == 200

    # Roles the second factor is not for carry on as before.
    assert login_as("repair").get("/").status_code == 200
    assert login_as("auditor").get("/").status_code == 200


def test_the_security_page_turns_the_requirement_on_and_off(app, db, users, clock):
    from fund.users.second_factor import second_factor_required

    secret, _ = enrol(db, users["admin"], clock() - dt.timedelta(minutes=1))
    admin = WebClient(app.test_client())
    _password_step(admin, "admin")
    assert _code_step(admin, code_at(secret, clock())).status_code == 302
    page = admin.get("/admin/security").get_data(as_text=True)
    assert 'type="checkbox"' in page and "ยังไม่ได้เปิดใช้" in page  # committee has none
    assert admin.submit("/admin/security", {"require_second_factor": "y"}).status_code == 302
    assert second_factor_required(db)
    assert "checked" in admin.get("/admin/security").get_data(as_text=True)
    assert admin.submit("/admin/security", {}).status_code == 302  # an unticked box is absent
    assert not second_factor_required(db)
    changes = _actions(db, "setting.change")
    assert [e.details["new"] for e in changes] == ["1", "0"]


# --------------------------------------------------------------------------- English


_THAI_LETTERS = re.compile(r"[\u0e00-\u0e7f]")


def _main_text(html: str, names=()) -> str:
    """The text of <main>, without the users' (Thai) display names."""
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", main)
    for name in names:
        text = text.replace(name, "")
    return text


def test_the_new_pages_read_in_english(app, db, users, clock, login_as):
    enrol(db, users["committee2"], clock() - dt.timedelta(minutes=1))
    # Names are data, and dates are B.E. in Thai in both languages (web/filters.py).
    enabled = format_be_datetime(users["committee2"].totp_enabled_at.astimezone(BANGKOK))
    names = [u.display_name for u in users.values()] + [enabled]
    web = login_as("committee")
    web.submit("/lang/en", {"next": "/account"}, page="/account")
    web.submit("/account/two-step/start", {}, page="/account")
    admin = login_as("admin")
    admin.submit("/lang/en", {"next": "/"}, page="/")
    pages = [
        (web, "/account", "Two-step verification"),
        (web, "/account/two-step", "Set up two-step verification"),
        (admin, "/admin/security", "Security"),
        (admin, f"/admin/users/{users['committee2'].id}/second-factor", "Reset"),
    ]
    for client, path, words in pages:
        html = client.get(path).get_data(as_text=True)
        assert words in html, path
        thai = _THAI_LETTERS.findall(_main_text(html, names))
        assert thai == [], (path, "".join(thai))
    errors = web.submit("/account/two-step", {"code": "12"})
    assert "6 digits" in errors.get_data(as_text=True)

    other = WebClient(app.test_client())
    other.submit("/lang/en", {"next": "/login"}, page="/login")
    _password_step(other, "committee2")
    for path in ("/login/second-factor", "/login/recovery-code"):
        thai = _THAI_LETTERS.findall(_main_text(other.get(path).get_data(as_text=True)))
        assert thai == [], (path, "".join(thai))
    wrong = _code_step(other, "000000")
    assert "wrong or already used" in wrong.get_data(as_text=True)
