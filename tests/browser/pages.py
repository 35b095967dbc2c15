"""Every page the accessibility sweep visits, with the demo user who views it.

Add your area's pages here as they land (one ``PageCheck`` per screen and role that sees a
different screen). ``path`` is a URL path, or a function given a database session (on the served
demo data) that returns one, for pages that need an id: ``lambda db: f"/members/{first_id(db)}"``.
``test_sweep.py`` opens each page as ``role`` (a demo username; ``None`` = logged out), checks the
HTTP status and runs ``audit_page`` on it. Screenshots are named after ``name``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

DEMO_ROLES = ("admin", "committee", "repair", "auditor")


@dataclass(frozen=True)
class PageCheck:
    name: str
    path: str | Callable[[Session], str]
    role: str | None
    status: int = 200
    lang: str = "th"


PAGES: list[PageCheck] = [
    # --- foundation: sign-in, home, account, admin, errors ---
    PageCheck("login", "/login", None),
    *(PageCheck(f"home-{role}", "/", role) for role in DEMO_ROLES),
    PageCheck("password", "/account/password", "committee"),
    PageCheck("admin-users", "/admin/users", "admin"),
    PageCheck("admin-audit", "/admin/audit", "admin"),
    PageCheck("auditor-audit", "/admin/audit", "auditor"),
    PageCheck("error-404", "/no-such-page", "committee", status=404),
    PageCheck("error-403", "/admin/users", "repair", status=403),
    # --- members (issue: members area) ---
    # --- ledger / savings ---
    # --- loans ---
    # --- repair center ---
]
