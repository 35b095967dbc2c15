"""Who is logged in: the signed cookie carries a random token; the server keeps the session."""

from __future__ import annotations

from flask import current_app, g, request, session

from fund.users.services import live_session
from web.clock import now

#: endpoints that look at the session without counting as activity (the timeout warning's poll)
UNTOUCHED_ENDPOINTS = frozenset({"auth.session_status"})


def load_user() -> None:
    g.user = None
    g.live_session = None
    token = session.get("token")
    if not token:
        return
    db = current_app.extensions["chaeson_sessions"](write=False)
    try:
        live = live_session(
            db, token=token, now=now(), touch=request.endpoint not in UNTOUCHED_ENDPOINTS
        )
        if db.dirty:
            db.commit()
        g.live_session = live
        g.user = live.user if live else None
        if live is None:
            session.pop("token", None)
    finally:
        db.close()
