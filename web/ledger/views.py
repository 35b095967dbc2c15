"""The fund's books on screen: journal, statements, receipts, period closes, the fund book."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from fund.errors import DomainError
from fund.fundbook.models import FundTransaction, FundTxnKind
from fund.fundbook.services import list_fund_transactions, record_fund_transaction
from fund.ledger.accounts import AccountCode, AccountType
from fund.ledger.models import Account, JournalEntry, Receipt
from fund.ledger.queries import (
    balance_sheet,
    cash_book,
    income_statement,
    list_journal,
    list_period_closes,
    list_receipts,
    reversal_of,
    trial_balance,
)
from fund.ledger.receipts import record_reprint, void_receipt
from fund.ledger.services import (
    close_period,
    closed_through,
    fiscal_start_month,
    get_int_setting,
    reverse_entry,
    set_setting,
)
from fund.savings.services import MIN_BALANCE_SETTING
from fund.thaidate import fiscal_year, fiscal_year_bounds, month_name
from fund.users.models import Role, User
from fund.yearend.services import already_allocated, parse_percent, plan_year_end, post_year_end
from web.access import FUND_READERS, roles
from web.clock import now, today
from web.database import get_db
from web.ledger.common import attach_error
from web.ledger.forms import (
    FUND_KIND_LABELS,
    ClosePeriodForm,
    DateForm,
    FundTransactionForm,
    MinimumBalanceForm,
    RangeForm,
    ReverseForm,
    VoidReceiptForm,
    YearEndForm,
    YearEndPostForm,
)
from web.navigation import register_nav

bp = Blueprint("ledger", __name__, url_prefix="/ledger", template_folder="templates")

register_nav("ledger.index", _l("บัญชีกองทุน"), FUND_READERS, order=25)


@bp.get("/")
@roles(*FUND_READERS)
def index():
    return render_template("ledger/index.html", closed=closed_through(get_db()))


# --------------------------------------------------------------------------- journal


@bp.get("/journal")
@roles(*FUND_READERS)
def journal():
    form = RangeForm(request.args)
    start = end = None
    if request.args and form.validate():
        start, end = form.start.data, form.end.data
    elif not request.args:
        end = today()
        start = end - dt.timedelta(days=31)
        form.start.process(None, start)
        form.end.process(None, end)
    entries = list_journal(get_db(), start=start, end=end, limit=500)
    return render_template("ledger/journal.html", form=form, entries=entries)


def _entry(entry_id: int) -> JournalEntry:
    entry = get_db().get(JournalEntry, entry_id)
    if entry is None:
        abort(404)
    return entry


def _entry_page(entry: JournalEntry, form: ReverseForm, status: int = 200):
    db = get_db()
    users = {u.id: u for u in db.scalars(select(User))}
    return render_template(
        "ledger/entry.html",
        entry=entry,
        reversal=reversal_of(db, entry.id),
        original=db.get(JournalEntry, entry.reverses_id) if entry.reverses_id else None,
        receipt=db.scalar(select(Receipt).where(Receipt.journal_entry_id == entry.id)),
        recorded_by=users.get(entry.recorded_by_id),
        form=form,
    ), status


@bp.get("/journal/<int:entry_id>")
@roles(*FUND_READERS)
def entry(entry_id: int):
    form = ReverseForm()
    form.reversal_date.process(None, today())
    return _entry_page(_entry(entry_id), form)


@bp.post("/journal/<int:entry_id>/reverse")
@roles(Role.COMMITTEE)
def reverse(entry_id: int):
    db = get_db()
    original = _entry(entry_id)
    form = ReverseForm()
    if form.validate_on_submit():
        try:
            reversal = reverse_entry(
                db,
                entry=original,
                reversal_date=form.reversal_date.data,
                reason=form.reason.data,
                recorded_by=g.user,
                now=now(),
                idempotency_key=form.once.data or None,
            )
        except DomainError as err:
            db.rollback()
            attach_error(form, err)
        else:
            db.commit()
            if not reversal.was_replayed:
                flash(_("กลับรายการแล้ว"), "success")
            return redirect(url_for("ledger.entry", entry_id=reversal.id))
    return _entry_page(original, form, 422)


# --------------------------------------------------------------------------- statements


def _as_of() -> tuple[DateForm, dt.date]:
    form = DateForm(request.args)
    if request.args and form.validate():
        return form, form.as_of.data
    form.as_of.process(None, today())
    if request.args:
        form.as_of.errors = list(form.as_of.process_errors) or form.as_of.errors
    return form, today()


@bp.get("/trial-balance")
@roles(*FUND_READERS)
def trial_balance_view():
    form, as_of = _as_of()
    return render_template(
        "ledger/trial_balance.html", form=form, tb=trial_balance(get_db(), as_of=as_of)
    )


@bp.get("/balance-sheet")
@roles(*FUND_READERS)
def balance_sheet_view():
    form, as_of = _as_of()
    return render_template(
        "ledger/balance_sheet.html", form=form, bs=balance_sheet(get_db(), as_of=as_of)
    )


def _range() -> tuple[RangeForm, dt.date, dt.date]:
    """The range asked for, or this fiscal year to date."""
    form = RangeForm(request.args)
    if request.args and form.validate() and form.start.data <= form.end.data:
        return form, form.start.data, form.end.data
    if request.args and form.start.data and form.end.data and form.start.data > form.end.data:
        form.end.errors = [_("วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มต้น")]
    start = fiscal_year_bounds(
        fiscal_year(today(), fiscal_start_month(get_db())), fiscal_start_month(get_db())
    )[0]
    if not request.args:
        form.start.process(None, start)
        form.end.process(None, today())
    return form, start, today()


@bp.get("/income")
@roles(*FUND_READERS)
def income_view():
    form, start, end = _range()
    return render_template(
        "ledger/income.html", form=form, stmt=income_statement(get_db(), start=start, end=end)
    )


@bp.get("/cash-book")
@roles(*FUND_READERS)
def cash_book_view():
    form, start, end = _range()
    return render_template(
        "ledger/cash_book.html", form=form, book=cash_book(get_db(), start=start, end=end)
    )


# --------------------------------------------------------------------------- receipts


@bp.get("/receipts")
@roles(*FUND_READERS)
def receipts():
    return render_template("ledger/receipts.html", receipts=list_receipts(get_db()))


def _receipt(receipt_id: int) -> Receipt:
    receipt = get_db().get(Receipt, receipt_id)
    if receipt is None:
        abort(404)
    return receipt


def _receipt_page(receipt: Receipt, form: VoidReceiptForm, status: int = 200):
    db = get_db()
    return render_template(
        "ledger/receipt.html",
        receipt=receipt,
        form=form,
        recorded_by=db.get(User, receipt.recorded_by_id),
    ), status


@bp.get("/receipts/<int:receipt_id>")
@roles(*FUND_READERS)
def receipt(receipt_id: int):
    form = VoidReceiptForm()
    form.void_date.process(None, today())
    return _receipt_page(_receipt(receipt_id), form)


@bp.post("/receipts/<int:receipt_id>/void")
@roles(Role.COMMITTEE)
def void(receipt_id: int):
    db = get_db()
    receipt_row = _receipt(receipt_id)
    form = VoidReceiptForm()
    if form.validate_on_submit():
        try:
            void_receipt(
                db,
                receipt=receipt_row,
                reason=form.reason.data,
                void_date=form.void_date.data,
                voided_by=g.user,
                now=now(),
                idempotency_key=form.once.data or None,
            )
        except DomainError as err:
            db.rollback()
            attach_error(form, err, {"reversal_date": "void_date"})
        else:
            db.commit()
            flash(_("ยกเลิกใบเสร็จแล้ว"), "success")
            return redirect(url_for("ledger.receipt", receipt_id=receipt_id))
    return _receipt_page(receipt_row, form, 422)


@bp.post("/receipts/<int:receipt_id>/reprint")
@roles(Role.COMMITTEE)
def reprint(receipt_id: int):
    db = get_db()
    copy = record_reprint(db, receipt=_receipt(receipt_id), printed_by=g.user, now=now())
    db.commit()
    flash(_("บันทึกการพิมพ์สำเนาครั้งที่ %(n)s แล้ว", n=copy), "success")
    return redirect(url_for("ledger.receipt", receipt_id=receipt_id))


# --------------------------------------------------------------------------- periods


def _close_choices(last_closed: dt.date | None) -> list[SelectChoice]:
    """Ended months after the last close (most recent first, at most 24)."""
    first_open = (last_closed + dt.timedelta(days=1)) if last_closed else None
    choices = []
    d = today().replace(day=1) - dt.timedelta(days=1)  # end of last month
    for _i in range(24):
        if first_open is not None and d < first_open:
            break
        choices.append(
            SelectChoice(f"{d.year:04d}-{d.month:02d}", f"{month_name(d.month)} {d.year + 543}")
        )
        d = d.replace(day=1) - dt.timedelta(days=1)
    return choices


def _periods_page(form: ClosePeriodForm, status: int = 200):
    db = get_db()
    users = {u.id: u for u in db.scalars(select(User))}
    return render_template(
        "ledger/periods.html",
        form=form,
        closes=list_period_closes(db),
        closed=closed_through(db),
        users=users,
    ), status


@bp.get("/periods")
@roles(*FUND_READERS)
def periods():
    form = ClosePeriodForm()
    form.month.choices = _close_choices(closed_through(get_db()))
    return _periods_page(form)


@bp.post("/periods/close")
@roles(Role.COMMITTEE)
def close():
    db = get_db()
    form = ClosePeriodForm()
    form.month.choices = _close_choices(closed_through(db))
    if form.validate_on_submit():
        year, month = (int(p) for p in form.month.data.split("-"))
        try:
            close_period(
                db,
                year=year,
                month=month,
                closed_by=g.user,
                now=now(),
                today=today(),
                note=form.note.data or "",
            )
        except DomainError as err:
            db.rollback()
            attach_error(form, err)
        else:
            db.commit()
            flash(_("ปิดงวดบัญชีแล้ว"), "success")
            return redirect(url_for("ledger.periods"))
    return _periods_page(form, 422)


# --------------------------------------------------------------------------- fund book


def _category_choices() -> list[SelectChoice]:
    accounts = get_db().scalars(
        select(Account)
        .where(
            Account.is_active.is_(True),
            Account.type.in_([AccountType.INCOME, AccountType.EXPENSE])
            | (Account.code == AccountCode.WELFARE_FUND.value),
        )
        .order_by(Account.code)
    )
    return [SelectChoice(a.code, f"{a.code} {a.name(g.locale)}") for a in accounts]


@bp.get("/fund")
@roles(*FUND_READERS)
def fund_list():
    return render_template(
        "ledger/fund_list.html",
        txns=list_fund_transactions(get_db()),
        kind_labels=FUND_KIND_LABELS,
    )


@bp.route("/fund/new", methods=["GET", "POST"])
@roles(Role.COMMITTEE)
def fund_new():
    db = get_db()
    form = FundTransactionForm()
    form.category_account.choices = _category_choices()
    if request.method == "GET":
        form.txn_date.process(None, today())
        form.kind.data = request.args.get("kind", FundTxnKind.DONATION.value)
        form.category_account.data = (
            AccountCode.OPERATING_EXPENSES.value
            if form.kind.data == FundTxnKind.EXPENSE.value
            else AccountCode.GRANTS_DONATIONS.value
        )
    if form.validate_on_submit():
        try:
            result = record_fund_transaction(
                db,
                kind=FundTxnKind(form.kind.data),
                txn_date=form.txn_date.data,
                counterparty=form.counterparty.data,
                description=form.description.data,
                amount_satang=form.amount.data,
                money_account=form.money_account.data,
                category_account=form.category_account.data,
                reference=form.reference.data or "",
                attachment_name=form.attachment_name.data or "",
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
                flash(_("บันทึกแล้ว"), "success")
            return redirect(url_for("ledger.fund_show", txn_id=result.txn.id))
    status = 422 if request.method == "POST" else 200
    return render_template("ledger/fund_form.html", form=form), status


@bp.get("/fund/<int:txn_id>")
@roles(*FUND_READERS)
def fund_show(txn_id: int):
    db = get_db()
    txn = db.get(FundTransaction, txn_id)
    if txn is None:
        abort(404)
    return render_template(
        "ledger/fund_show.html",
        txn=txn,
        kind_label=FUND_KIND_LABELS[txn.kind],
        receipt=db.get(Receipt, txn.receipt_id) if txn.receipt_id else None,
    )


# --------------------------------------------------------------------------- settings


@bp.route("/settings", methods=["GET", "POST"])
@roles(Role.COMMITTEE)
def settings():
    db = get_db()
    form = MinimumBalanceForm()
    if request.method == "GET":
        form.minimum.data = get_int_setting(db, MIN_BALANCE_SETTING)
    if form.validate_on_submit():
        set_setting(
            db, key=MIN_BALANCE_SETTING, value=str(form.minimum.data), changed_by=g.user, now=now()
        )
        db.commit()
        flash(_("บันทึกแล้ว"), "success")
        return redirect(url_for("ledger.settings"))
    status = 422 if request.method == "POST" else 200
    return render_template("ledger/settings.html", form=form), status


# --------------------------------------------------------------------------- year-end

_SHARE_FIELDS = ("reserve", "dividend", "refund", "welfare")


def _fiscal_year_choices() -> list[SelectChoice]:
    current = fiscal_year(today(), fiscal_start_month(get_db()))
    return [SelectChoice(str(fy), str(fy)) for fy in range(current - 1, current - 6, -1)]


def _read_shares(form) -> tuple[int, dict[str, int]]:
    """The fiscal year and the four shares in basis points; field errors go on the form."""
    shares = {}
    for name in _SHARE_FIELDS:
        shares[f"{name}_bp"] = parse_percent(getattr(form, name).data or "", field=name)
    return int(form.fiscal_year.data), shares


@bp.get("/year-end")
@roles(*FUND_READERS)
def year_end():
    db = get_db()
    form = YearEndForm(request.args)
    form.fiscal_year.choices = _fiscal_year_choices()
    plan = allocated = None
    post_form = YearEndPostForm()
    if request.args and form.validate():
        try:
            fy, shares = _read_shares(form)
            allocated = already_allocated(db, fy)
            plan = plan_year_end(db, fiscal_year=fy, **shares)
        except DomainError as err:
            attach_error(form, err)
            plan = None
        else:
            for name in ("fiscal_year", *_SHARE_FIELDS):
                getattr(post_form, name).data = getattr(form, name).data
    return render_template(
        "ledger/year_end.html", form=form, plan=plan, post_form=post_form, allocated=allocated
    ), (422 if form.errors or form.form_errors else 200)


@bp.post("/year-end")
@roles(Role.COMMITTEE)
def year_end_post():
    db = get_db()
    post_form = YearEndPostForm()
    if not post_form.validate_on_submit():
        abort(400)
    try:
        fy, shares = _read_shares(post_form)
        earlier = already_allocated(db, fy)
        if earlier is not None:
            # A second click on the same confirmation: show what was posted.
            return redirect(url_for("ledger.entry", entry_id=earlier.id))
        entry = post_year_end(db, fiscal_year=fy, **shares, posted_by=g.user, now=now())
    except (DomainError, ValueError) as err:
        db.rollback()
        message = err.message(g.locale) if isinstance(err, DomainError) else str(err)
        flash(message, "error")
        return redirect(
            url_for(
                "ledger.year_end",
                **{n: post_form[n].data for n in post_form.data if n != "csrf_token"},
            )
        )
    db.commit()
    flash(_("จัดสรรส่วนเกินประจำปีแล้ว"), "success")
    return redirect(url_for("ledger.entry", entry_id=entry.id))
