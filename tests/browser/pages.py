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

from fund.fundbook.models import FundTransaction
from fund.ledger.models import JournalEntry, Receipt
from fund.loans.models import Loan, LoanApplication, Repayment
from fund.members.models import Member, MemberStatus
from fund.savings.models import SavingsTransaction
from fund.users.models import User
from fund.welfare.models import WelfareBenefit, WelfareClaim
from repair_center.devices.models import Device
from repair_center.jobs.models import RepairJob
from repair_center.parts.models import Part

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


def member_page_under(template: str) -> Callable[[Session], str]:
    return lambda db: template.format(id=first_member_id(db))


def first_of(model, template: str) -> Callable[[Session], str | None]:
    """``template`` formatted with the lowest id of ``model`` (None: the demo has no such row,
    and the sweep skips the page saying so)."""

    def path(db: Session) -> str | None:
        found = db.scalars(select(model.id).order_by(model.id)).first()
        return None if found is None else template.format(id=found)

    return path


def user_page(username: str, template: str) -> Callable[[Session], str | None]:
    """``template`` formatted with the id of the user ``username``."""

    def path(db: Session) -> str | None:
        found = db.scalar(select(User.id).where(User.username == username))
        return None if found is None else template.format(id=found)

    return path


def first_repayment_reverse(db: Session) -> str | None:
    found = db.execute(
        select(Repayment.loan_id, Repayment.id).order_by(Repayment.id).limit(1)
    ).first()
    return None if found is None else f"/loans/{found[0]}/repayments/{found[1]}/reverse"


PAGES: list[PageCheck] = [
    # --- foundation: sign-in, home, account, admin, errors ---
    PageCheck("login", "/login", None),
    *(PageCheck(f"home-{role}", "/", role) for role in DEMO_ROLES),
    PageCheck("password", "/account/password", "committee"),
    PageCheck("account", "/account", "committee"),
    PageCheck("account-repair", "/account", "repair"),
    PageCheck("two-step-intro", "/account/two-step", "admin"),
    PageCheck("two-step-setup", "/account/two-step", "enrolling"),
    PageCheck("admin-security", "/admin/security", "admin"),
    PageCheck(
        "admin-two-step-reset", user_page("twostep", "/admin/users/{id}/second-factor"), "admin"
    ),
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
    # --- welfare ---
    PageCheck("welfare-index", "/welfare/", "committee"),
    PageCheck("welfare-index-auditor", "/welfare/", "auditor"),
    PageCheck("welfare-benefit", first_of(WelfareBenefit, "/welfare/benefits/{id}"), "committee"),
    PageCheck("welfare-benefit-new", "/welfare/benefits/new", "committee"),
    PageCheck(
        "welfare-benefit-revise",
        first_of(WelfareBenefit, "/welfare/benefits/{id}/revise"),
        "committee",
    ),
    PageCheck("welfare-claims", "/welfare/claims", "committee"),
    PageCheck("welfare-claim-choose", "/welfare/claims/new", "committee"),
    PageCheck(
        "welfare-claim-new", first_of(WelfareBenefit, "/welfare/claims/new/{id}"), "committee"
    ),
    PageCheck("welfare-claim", first_of(WelfareClaim, "/welfare/claims/{id}"), "committee"),
    PageCheck("welfare-claim-auditor", first_of(WelfareClaim, "/welfare/claims/{id}"), "auditor"),
    PageCheck("welfare-donations", "/welfare/donations", "committee"),
    PageCheck("welfare-reports", "/welfare/reports", "auditor"),
    # --- ledger ---
    PageCheck("ledger-index", "/ledger/", "committee"),
    PageCheck("ledger-journal", "/ledger/journal", "committee"),
    PageCheck("ledger-entry", first_of(JournalEntry, "/ledger/journal/{id}"), "committee"),
    PageCheck("ledger-trial-balance", "/ledger/trial-balance", "committee"),
    PageCheck("ledger-trial-balance-auditor", "/ledger/trial-balance", "auditor"),
    PageCheck("ledger-balance-sheet", "/ledger/balance-sheet", "auditor"),
    PageCheck("ledger-income", "/ledger/income", "auditor"),
    PageCheck("ledger-cash-book", "/ledger/cash-book", "committee"),
    PageCheck("ledger-receipts", "/ledger/receipts", "committee"),
    PageCheck("ledger-receipt", first_of(Receipt, "/ledger/receipts/{id}"), "committee"),
    PageCheck("ledger-periods", "/ledger/periods", "committee"),
    PageCheck("ledger-fund", "/ledger/fund", "committee"),
    PageCheck("ledger-fund-new", "/ledger/fund/new", "committee"),
    PageCheck("ledger-fund-txn", first_of(FundTransaction, "/ledger/fund/{id}"), "auditor"),
    PageCheck("ledger-settings", "/ledger/settings", "committee"),
    # --- savings ---
    PageCheck("savings-index", "/savings/", "committee"),
    PageCheck("savings-passbook", member_page_under("/savings/members/{id}"), "committee"),
    PageCheck("savings-passbook-auditor", member_page_under("/savings/members/{id}"), "auditor"),
    PageCheck("savings-deposit", member_page_under("/savings/members/{id}/deposit"), "committee"),
    PageCheck("savings-withdraw", member_page_under("/savings/members/{id}/withdraw"), "committee"),
    PageCheck(
        "savings-transaction",
        first_of(SavingsTransaction, "/savings/transactions/{id}"),
        "committee",
    ),
    # --- loans ---
    PageCheck("loans-index", "/loans/", "committee"),
    PageCheck("loans-index-auditor", "/loans/", "auditor"),
    PageCheck("loans-products", "/loans/products", "committee"),
    PageCheck("loans-applications", "/loans/applications", "committee"),
    PageCheck("loans-application-new", "/loans/applications/new", "committee"),
    PageCheck(
        "loans-application", first_of(LoanApplication, "/loans/applications/{id}"), "committee"
    ),
    PageCheck("loans-loan", first_of(Loan, "/loans/{id}"), "committee"),
    PageCheck("loans-loan-auditor", first_of(Loan, "/loans/{id}"), "auditor"),
    PageCheck("loans-repay", first_of(Loan, "/loans/{id}/repay"), "committee"),
    PageCheck("loans-reschedule", first_of(Loan, "/loans/{id}/reschedule"), "committee"),
    PageCheck("loans-write-off", first_of(Loan, "/loans/{id}/write-off"), "committee"),
    PageCheck("loans-arrears", "/loans/arrears", "auditor"),
    PageCheck("loans-meeting", "/loans/meeting", "committee"),
    PageCheck(
        "loans-application-checker",
        first_of(LoanApplication, "/loans/applications/{id}"),
        "committee2",
    ),
    PageCheck("loans-reverse", first_repayment_reverse, "committee"),
    # --- statements and reports ---
    PageCheck("statements-member", member_page_under("/statements/members/{id}"), "committee"),
    PageCheck(
        "statements-member-auditor", member_page_under("/statements/members/{id}"), "auditor"
    ),
    PageCheck("statements-batch", "/statements/batch", "committee"),
    PageCheck("statements-committee", "/statements/committee", "committee"),
    PageCheck("statements-committee-auditor", "/statements/committee", "auditor"),
    # --- repair center ---
    PageCheck("repair-board", "/repair/", "repair"),
    PageCheck("repair-board-committee", "/repair/", "committee"),
    PageCheck("repair-jobs", "/repair/jobs", "repair"),
    PageCheck("repair-job-new", "/repair/jobs/new", "repair"),
    PageCheck("repair-job", first_of(RepairJob, "/repair/jobs/{id}"), "repair"),
    PageCheck("repair-devices", "/repair/devices", "repair"),
    PageCheck("repair-device-new", "/repair/devices/new", "repair"),
    PageCheck("repair-device", first_of(Device, "/repair/devices/{id}"), "repair"),
    PageCheck("repair-loans", "/repair/loans", "repair"),
    PageCheck("repair-follow-ups", "/repair/follow-ups", "repair"),
    PageCheck("repair-costs", "/repair/costs", "auditor"),
    PageCheck("repair-settings", "/repair/settings", "repair"),
    PageCheck("repair-parts", "/repair/parts", "repair"),
    PageCheck("repair-part", first_of(Part, "/repair/parts/{id}"), "repair"),
]
