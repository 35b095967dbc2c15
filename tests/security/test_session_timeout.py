"""Idle and absolute timeouts, with a warning that lets the user extend (WCAG 2.2.1)."""

from __future__ import annotations

import datetime as dt
import re

from fund.users.services import ABSOLUTE_TIMEOUT, IDLE_TIMEOUT


def _banner(html: str) -> str:
    match = re.search(r'<section id="session-timeout".*?</section>', html, re.S)
    assert match, "no session-timeout banner on the page"
    return match.group(0)


def _is_hidden(opening_tag: str) -> bool:
    return re.search(r"\shidden(\s|$)", opening_tag) is not None


def test_every_page_carries_a_hidden_warning_with_the_time_left(login_as):
    client = login_as("committee")
    html = client.get("/").get_data(as_text=True)
    banner = _banner(html)
    opening = banner.split(">", 1)[0]
    assert _is_hidden(opening)
    assert f'data-seconds-left="{int(IDLE_TIMEOUT.total_seconds())}"' in opening
    assert 'data-limit="idle"' in opening
    assert "/static/session.js" in html
    # CSP forbids inline script: every script on the page is a file.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_anonymous_pages_have_no_warning(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'id="session-timeout"' not in html
    assert client.get("/account/session").status_code == 302


def test_polling_the_status_does_not_count_as_activity(login_as, clock):
    client = login_as("committee")
    clock.advance(minutes=26)
    status = client.get("/account/session").get_json()
    assert status["limit"] == "idle"
    assert status["seconds_left"] == 4 * 60
    assert status["warn_before_seconds"] == 5 * 60
    clock.advance(minutes=2)
    assert client.get("/account/session").get_json()["seconds_left"] == 2 * 60
    clock.advance(minutes=3)  # 31 minutes without real activity
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_extending_restarts_the_idle_clock_without_leaving_the_page(login_as, clock):
    client = login_as("committee")
    clock.advance(minutes=27)
    response = client.submit(
        "/account/session/extend", {}, page="/", headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.get_json()["seconds_left"] == int(IDLE_TIMEOUT.total_seconds())
    clock.advance(minutes=27)  # 54 minutes after login, 27 after extending
    assert client.get("/").status_code == 200


def test_extending_works_without_script_and_returns_to_the_page(login_as, clock):
    client = login_as("committee")
    clock.advance(minutes=28)
    response = client.submit("/account/session/extend", {"next": "/account/password"}, page="/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/password"
    clock.advance(minutes=28)
    page = client.get("/account/password")
    assert page.status_code == 200
    assert "ต่อเวลาใช้งานแล้ว" in page.get_data(as_text=True)


def test_extending_needs_the_form_token(login_as):
    client = login_as("committee")
    assert client.post("/account/session/extend").status_code == 400


def test_near_the_absolute_limit_the_page_itself_shows_the_warning(login_as, clock):
    client = login_as("committee")
    ends = clock.current + ABSOLUTE_TIMEOUT
    # A long working day: a page every 20 minutes keeps the idle clock fresh.
    while clock.current + dt.timedelta(minutes=20) < ends - dt.timedelta(minutes=4):
        clock.advance(minutes=20)
        assert client.get("/").status_code == 200
    clock.current = ends - dt.timedelta(minutes=4)
    html = client.get("/").get_data(as_text=True)
    banner = _banner(html)
    opening = banner.split(">", 1)[0]
    assert not _is_hidden(opening)  # shown by the server, works without script
    assert 'data-limit="absolute"' in opening
    assert "12 ชั่วโมง" in banner
    # The extend button is not offered: the absolute limit cannot be pushed back.
    assert re.search(r"<form[^>]*data-extend[^>]*hidden", banner)
    clock.advance(minutes=5)
    assert client.get("/").status_code == 302


def test_a_disabled_user_loses_the_session_at_once(app, login_as, users, db, now):
    from fund.users.services import set_active

    client = login_as("committee")
    assert client.get("/account/session").status_code == 200
    set_active(db, user=users["committee"], active=False, now=now, changed_by=users["admin"])
    db.commit()
    assert client.get("/account/session").status_code == 302
