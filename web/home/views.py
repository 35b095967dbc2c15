from __future__ import annotations

from flask import Blueprint, g, render_template

from web.access import EVERYONE, roles

bp = Blueprint("home", __name__)

#: Dashboard tiles per role: (endpoint, Thai label, English hint). Areas append as they land.
DASHBOARD_LINKS: dict[str, list[tuple[str, str]]] = {}


def add_dashboard_link(role: str, endpoint: str, label: str) -> None:
    DASHBOARD_LINKS.setdefault(role, []).append((endpoint, label))


@bp.get("/")
@roles(*EVERYONE)
def index():
    links = DASHBOARD_LINKS.get(str(g.user.role), [])
    return render_template("home/index.html", links=links)
