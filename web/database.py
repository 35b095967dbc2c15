"""One SQLAlchemy session per request: a write session for POSTs, a read session otherwise."""

from __future__ import annotations

from flask import current_app, g, request
from sqlalchemy.orm import Session


def get_db() -> Session:
    if "db" not in g:
        write = request.method not in ("GET", "HEAD", "OPTIONS")
        g.db = current_app.extensions["chaeson_sessions"](write=write)
        g.db.info["channel"] = "web"
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()
