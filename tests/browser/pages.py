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

from sqlalchemy import select
from sqlalchemy.orm import Session

from fund.members.models import Member, MemberStatus

DEMO_ROLES = ("admin", "committee", "repair", "auditor")


@dataclass(frozen=True)
class PageCheck:
    name: str
    path: str | Callable[[Session], str]
    role: str | None
    status: int = 200
    lang: str = "th"


def first_member_id(db: Session) -> int:
    """The first active demo member (CS-0001 or the next one still active)."""
    return db.scalars(
        select(Member.id).where(Member.status == MemberStatus.ACTIVE).order_by(Member.id)
    ).first()


def member_page(suffix: str = "") -> Callable[[Session], str]:
    return lambda db: f"/members/{first_member_id(db)}{suffix}"


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
    # --- members ---
    PageCheck("members-index", "/members/", "committee"),
    PageCheck("members-search", "/members/?q=%E0%B8%9A%E0%B8%B8%E0%B8%8D", "committee"),
    PageCheck("members-index-repair", "/members/", "repair"),
    PageCheck("member-show", member_page(), "committee"),
    PageCheck("member-show-auditor", member_page(), "auditor"),
    PageCheck("member-show-repair", member_page(), "repair"),
    PageCheck("member-history", member_page("/history"), "committee"),
    PageCheck("member-new", "/members/new", "committee"),
    PageCheck("member-edit", member_page("/edit"), "committee"),
    PageCheck("member-status", member_page("/status"), "committee"),
    PageCheck("member-consents", member_page("/consents"), "committee"),
    PageCheck("member-consents-auditor", member_page("/consents"), "auditor"),
    PageCheck("member-export", member_page("/export"), "committee"),
    PageCheck("member-anonymise", member_page("/anonymise"), "committee"),
    PageCheck("members-import", "/members/import", "committee"),
    # --- ledger / savings ---
    # --- loans ---
    # --- repair center ---
]
