"""Who is logged in: the signed cookie carries a random token; the server keeps the session."""

from __future__ import annotations

from flask import current_app, g, request, session

from fund.users.second_factor import must_enrol
from fund.users.services import IDLE_TIMEOUT, TOUCH_INTERVAL, LiveSession, live_session
from web.clock import now

#: endpoints that look at the session without counting as activity (the timeout warning's poll)
UNTOUCHED_ENDPOINTS = frozenset({"auth.session_status"})


def load_user() -> None:
    g.user = None
    g.live_session = None
    g.must_enrol = False
    token = session.get("token")
    # CSS, JS and fonts need no user; skipping them keeps a page's parallel requests from
    # competing to touch the same session row.
    if not token or request.endpoint == "static":
        return
    sessions = current_app.extensions["chaeson_sessions"]
    db = sessions(write=False)
    try:
        live = live_session(db, token=token, now=now(), touch=False)
        revoked = bool(db.dirty)  # an expired session was just marked revoked
        if revoked:
            db.commit()
        # A user the admin requires to have a second factor, who has none yet.
        g.must_enrol = live is not None and must_enrol(db, live.user)
    finally:
        db.close()
    if live is not None and _needs_touch(live):
        # Write in a write transaction (BEGIN IMMEDIATE on SQLite): upgrading a read
        # transaction to a write fails at once when another request wrote meanwhile.
        db = sessions(write=True)
        try:
            live = live_session(db, token=token, now=now(), touch=True)
            db.commit()
        finally:
            db.close()
    g.live_session = live
    g.user = live.user if live else None
    if live is None:
        session.pop("token", None)


def _needs_touch(live: LiveSession) -> bool:
    if request.endpoint in UNTOUCHED_ENDPOINTS:
        return False
    last_seen = live.idle_ends_at - IDLE_TIMEOUT
    return now() - last_seen > TOUCH_INTERVAL
