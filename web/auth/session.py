"""Who is logged in: the signed cookie carries a random token; the server keeps the session."""

from __future__ import annotations

from flask import current_app, g, session

from fund.users.services import resume_session
from web.clock import now


def load_user() -> None:
    g.user = None
    token = session.get("token")
    if not token:
        return
    db = current_app.extensions["chaeson_sessions"](write=False)
    try:
        user = resume_session(db, token=token, now=now())
        if db.dirty:
            db.commit()
        g.user = user
        if user is None:
            session.pop("token", None)
    finally:
        db.close()
