"""The second factor under attack: the half-way login opens nothing, a user who must enrol can do
nothing else, the new forms need their CSRF token, and no secret or code is stored in clear."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import inspect, select, text
from werkzeug.routing import Rule

from fund.audit.models import AuditEntry
from fund.users.models import User
from fund.users.second_factor import set_second_factor_required
from tests.conftest import TEST_PASSWORD, WebClient
from tests.fund.users.helpers import code_at, enrol
from web.access import allowed_before_enrolment, allowed_roles

#: what a person on the code page may reach: the code pages themselves, and the public pages
HALF_WAY_OPEN = {"auth.second_factor", "auth.recovery_login"}


def _url(rule: Rule) -> str:
    values = {}
    for arg in rule.arguments:
        converter = type(rule._converters[arg]).__name__
        values[arg] = 1 if converter == "IntegerConverter" else "x"
    return rule.build(values, append_unknown=False)[1]


def _rules(app) -> list[Rule]:
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule
    )


def _methods(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _half_way(app, username: str = "committee") -> WebClient:
    client = WebClient(app.test_client())
    token = client.token("/login")
    response = client.post(
        "/login", data={"username": username, "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/login/second-factor"
    return client


def test_the_half_way_login_opens_no_route_at_all(app, db, users, clock):
    """Password right, code not yet given: every route but the public ones acts as logged out,
    with and without a CSRF token (walked from ``app.url_map``)."""
    enrol(db, users["admin"], clock() - dt.timedelta(minutes=1))
    client = _half_way(app, "admin")  # the role that may reach the most
    csrf = client.token("/login/second-factor")
    checked = 0
    for rule in _rules(app):
        view = app.view_functions[rule.endpoint]
        if allowed_roles(view) is None:  # public: login, language, health, the code pages
            continue
        url = _url(rule)
        for method in _methods(rule):
            for data in (None, {"csrf_token": csrf}):
                response = client.open(url, method=method, data=data)
                if method == "GET":
                    assert response.status_code == 302, (rule.rule, response.status_code)
                    assert response.headers["Location"].startswith("/login"), rule.rule
                else:
                    assert response.status_code in (400, 401), (rule.rule, method, data)
                checked += 1
    assert checked > 100
    # Nothing was done in the admin's name, and the code page still waits for the code.
    assert db.scalar(select(AuditEntry.id).where(AuditEntry.action == "user.login")) is None
    assert client.get("/login/second-factor").status_code == 200


def test_the_code_pages_are_the_only_extra_public_pages(app):
    public = {e for e, v in app.view_functions.items() if allowed_roles(v) is None}
    assert HALF_WAY_OPEN <= public


@pytest.mark.parametrize("username", ["admin", "committee"])
def test_a_user_who_must_enrol_reaches_only_enrolment_logout_and_the_session_clock(
    app, db, users, now, login_as, username
):
    set_second_factor_required(db, required=True, changed_by=users["admin"], now=now)
    db.commit()
    client = login_as(username)
    role = users[username].role
    csrf = client.token("/account/two-step")
    open_to_them = set()
    sent_to_enrolment = 0
    for rule in _rules(app):
        view = app.view_functions[rule.endpoint]
        if allowed_before_enrolment(view):
            open_to_them.add(rule.endpoint)
            continue
        url = _url(rule)
        for method in _methods(rule):
            response = client.open(url, method=method, data={"csrf_token": csrf})
            if method == "GET" and role in allowed_roles(view):
                assert response.status_code == 302, (rule.rule, response.status_code)
                assert response.headers["Location"] == "/account/two-step", rule.rule
                sent_to_enrolment += 1
            else:
                assert response.status_code == 403, (rule.rule, method, response.status_code)
                if role in allowed_roles(view):
                    assert "ต้องตั้งค่าการยืนยันตัวตนสองขั้นตอนก่อน" in response.get_data(True)
    assert sent_to_enrolment > 10
    public = {e for e, v in app.view_functions.items() if allowed_roles(v) is None}
    assert open_to_them - public == {
        "auth.second_factor_setup",
        "auth.second_factor_start",
        "auth.logout",
        "auth.session_status",
        "auth.extend",
    }


# --------------------------------------------------------------------------- CSRF


@pytest.fixture
def with_second_factor(db, users, clock):
    return enrol(db, users["committee"], clock() - dt.timedelta(minutes=1))


def _state(db) -> tuple:
    db.expire_all()
    committee = db.scalar(select(User).where(User.username == "committee"))
    last_audit = db.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    codes = db.execute(text("SELECT count(*) FROM user_recovery_codes")).scalar()
    return committee.totp_secret, committee.totp_pending_secret, last_audit, codes


def test_the_second_step_forms_refuse_a_post_without_its_csrf_token(
    app, db, users, with_second_factor, clock
):
    secret, codes = with_second_factor
    client = _half_way(app)
    before = _state(db)
    for url, data in [
        ("/login/second-factor", {"code": code_at(secret, clock())}),
        ("/login/recovery-code", {"recovery_code": codes[0]}),
    ]:
        response = client.post(url, data=data)
        assert response.status_code == 400, url
    assert _state(db) == before
    assert client.get("/").status_code == 302


def test_the_account_and_admin_forms_refuse_a_post_without_its_csrf_token(
    app, db, users, with_second_factor, clock, login_as
):
    secret, codes = with_second_factor
    committee = WebClient(app.test_client())
    token = committee.token("/login")
    committee.post(
        "/login", data={"username": "committee", "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert (
        committee.submit("/login/second-factor", {"code": code_at(secret, clock())}).status_code
        == 302
    )
    admin = login_as("admin")
    proof = {"password": TEST_PASSWORD, "code": codes[0]}
    before = _state(db)
    for client, url, data in [
        (committee, "/account/two-step/off", proof),
        (committee, "/account/two-step/recovery-codes", proof),
        (admin, "/account/two-step/start", {}),
        (admin, "/admin/security", {"require_second_factor": "y"}),
        (admin, f"/admin/users/{users['committee'].id}/second-factor", {}),
    ]:
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        assert "แบบฟอร์มนี้หมดอายุหรือไม่ถูกต้อง" in response.get_data(as_text=True)
    assert _state(db) == before
    db.expire_all()
    assert db.get(User, users["admin"].id).totp_pending_secret is None
    # With the token the same confirmation form does reset (the test above was not vacuous).
    assert (
        admin.submit(f"/admin/users/{users['committee'].id}/second-factor", {}).status_code == 302
    )


def test_the_enrolment_confirmation_refuses_a_post_without_its_csrf_token(app, db, login_as, clock):
    web = login_as("committee")
    web.submit("/account/two-step/start", {}, page="/account")
    page = web.get("/account/two-step").get_data(as_text=True)
    secret = "".join(re.findall(r"<span>([A-Z2-7]{4})</span>", page))
    response = web.post("/account/two-step", data={"code": code_at(secret, clock())})
    assert response.status_code == 400
    db.expire_all()
    assert not db.scalar(select(User).where(User.username == "committee")).has_second_factor


# --------------------------------------------------------------------------- nothing in clear


def _every_stored_value(db) -> str:
    """Every value of every table, as text: what a stolen database file or backup shows."""
    chunks = []
    for table in inspect(db.connection()).get_table_names():
        for row in db.execute(text(f'SELECT * FROM "{table}"')):  # table names from the schema
            chunks.extend(str(v) for v in row)
    return "\n".join(chunks)


def test_no_secret_or_recovery_code_is_stored_in_clear_anywhere(app, db, users, login_as, clock):
    web = login_as("committee")
    web.submit("/account/two-step/start", {}, page="/account")
    page = web.get("/account/two-step").get_data(as_text=True)
    secret = "".join(re.findall(r"<span>([A-Z2-7]{4})</span>", page))
    pending_dump = _every_stored_value(db)
    assert secret not in pending_dump and secret.lower() not in pending_dump
    done = web.submit("/account/two-step", {"code": code_at(secret, clock())})
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    dump = _every_stored_value(db)
    assert secret not in dump and secret.lower() not in dump
    for code in codes:
        assert code not in dump and code.replace("-", "") not in dump
    assert codes[0] not in "".join(str(e.details) for e in db.scalars(select(AuditEntry)))
