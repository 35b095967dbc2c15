"""Savings screens: members' savings, the passbook, deposits and withdrawals."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fund.errors import DomainError
from fund.ledger.models import JournalEntry, Receipt
from fund.members.models import Member
from fund.money import format_baht
from fund.savings.models import SavingsKind, SavingsTransaction
from fund.savings.queries import member_savings_list, passbook
from fund.savings.services import (
    get_savings_account,
    record_deposit,
    record_withdrawal,
    set_agreed_amount,
    withdrawable,
)
from fund.users.models import Role
from web.access import FUND_READERS, roles
from web.clock import now, today
from web.database import get_db
from web.ledger.common import attach_error, month_choices, parse_month
from web.navigation import register_nav
from web.savings.forms import KIND_LABELS, AgreedAmountForm, DepositForm, WithdrawalForm

bp = Blueprint("savings", __name__, url_prefix="/savings", template_folder="templates")

register_nav("savings.index", _l("เงินสัจจะ"), FUND_READERS, order=20)


def _member(member_id: int) -> Member:
    member = get_db().get(Member, member_id)
    if member is None:
        abort(404)
    return member


@bp.get("/")
@roles(*FUND_READERS)
def index():
    rows = member_savings_list(get_db())
    total = sum(r.balance_satang for r in rows)
    return render_template("savings/index.html", rows=rows, total=total)


@bp.get("/members/<int:member_id>")
@roles(*FUND_READERS)
def member_passbook(member_id: int):
    db = get_db()
    member = _member(member_id)
    since = _passbook_since()
    return render_template(
        "savings/passbook.html",
        member=member,
        book=passbook(db, member, start=since),
        since=since,
        can=withdrawable(db, member, today()),
        agreed_form=AgreedAmountForm(
            agreed=(get_savings_account(db, member.id) or _NoAgreement).agreed_monthly_satang
        ),
    )


#: the passbook opens on this many recent months (with the balance brought forward), so the
#: page stays the same size however long a member has saved; "?all=1" shows every line
PASSBOOK_MONTHS = 12


def _passbook_since() -> dt.date | None:
    if request.args.get("all") == "1":
        return None
    first = today().replace(day=1)
    months = first.year * 12 + first.month - 1 - (PASSBOOK_MONTHS - 1)
    return dt.date(months // 12, months % 12 + 1, 1)


class _NoAgreement:
    agreed_monthly_satang = 0


@bp.post("/members/<int:member_id>/agreed")
@roles(Role.COMMITTEE)
def agreed(member_id: int):
    db = get_db()
    member = _member(member_id)
    form = AgreedAmountForm()
    if form.validate_on_submit():
        try:
            set_agreed_amount(
                db,
                member=member,
                amount_satang=form.agreed.data,
                changed_by=g.user,
                now=now(),
                today=today(),
            )
        except DomainError as err:
            attach_error(form, err, {"amount": "agreed"})
        else:
            db.commit()
            flash(_("บันทึกเงินสัจจะที่ตกลงต่อเดือนแล้ว"), "success")
            return redirect(url_for("savings.member_passbook", member_id=member.id))
    since = _passbook_since()
    return render_template(
        "savings/passbook.html",
        member=member,
        book=passbook(db, member, start=since),
        since=since,
        can=withdrawable(db, member, today()),
        agreed_form=form,
    ), 422


@bp.route("/members/<int:member_id>/deposit", methods=["GET", "POST"])
@roles(Role.COMMITTEE)
def deposit(member_id: int):
    db = get_db()
    member = _member(member_id)
    form = DepositForm()
    form.for_month.choices = month_choices(today())
    if request.method == "GET":
        form.txn_date.process(None, today())
        form.for_month.data = today().strftime("%Y-%m")
        account = get_savings_account(db, member.id)
        if account is not None and account.agreed_monthly_satang:
            form.amount.data = account.agreed_monthly_satang
    if form.validate_on_submit():
        try:
            result = record_deposit(
                db,
                member=member,
                amount_satang=form.amount.data,
                txn_date=form.txn_date.data,
                kind=SavingsKind(form.kind.data),
                for_month=parse_month(form.for_month.data),
                money_account=form.money_account.data,
                note=form.note.data or "",
                recorded_by=g.user,
                now=now(),
                idempotency_key=form.once.data or None,
            )
        except DomainError as err:
            db.rollback()
            attach_error(form, err, {"amount": "amount"})
        else:
            db.commit()
            if not result.replayed:
                flash(_("บันทึกการรับเงินแล้ว"), "success")
            return redirect(url_for("savings.transaction", txn_id=result.txn.id))
    status = 422 if request.method == "POST" else 200
    return render_template("savings/deposit.html", form=form, member=member), status


@bp.route("/members/<int:member_id>/withdraw", methods=["GET", "POST"])
@roles(Role.COMMITTEE)
def withdraw(member_id: int):
    db = get_db()
    member = _member(member_id)
    form = WithdrawalForm()
    if request.method == "GET":
        form.txn_date.process(None, today())
    if form.validate_on_submit():
        try:
            result = record_withdrawal(
                db,
                member=member,
                amount_satang=form.amount.data,
                txn_date=form.txn_date.data,
                money_account=form.money_account.data,
                note=form.note.data or "",
                recorded_by=g.user,
                now=now(),
                idempotency_key=form.once.data or None,
            )
        except DomainError as err:
            db.rollback()
            attach_error(form, err)
        else:
            db.commit()
            if not result.replayed:
                flash(_("บันทึกการถอนเงินแล้ว"), "success")
            return redirect(url_for("savings.transaction", txn_id=result.txn.id))
    status = 422 if request.method == "POST" else 200
    can = withdrawable(db, member, today())
    return render_template("savings/withdraw.html", form=form, member=member, can=can), status


@bp.get("/transactions/<int:txn_id>")
@roles(*FUND_READERS)
def transaction(txn_id: int):
    db = get_db()
    txn = db.get(SavingsTransaction, txn_id)
    if txn is None:
        abort(404)
    return render_template(
        "savings/transaction.html",
        txn=txn,
        member=db.get(Member, txn.member_id),
        entry=db.get(JournalEntry, txn.journal_entry_id),
        receipt=db.get(Receipt, txn.receipt_id) if txn.receipt_id else None,
        kind_label=KIND_LABELS[txn.kind],
        format_baht=format_baht,
    )
