"""Bring the fund's existing register (an Excel sheet or CSV) into the system, all or nothing.

One member a row with the columns of ``COLUMNS`` (Thai headers accepted as aliases). Every row is
checked before anything is written; one bad row refuses the whole file with a report naming each
bad row and what is wrong. Re-importing the same file adds nothing twice: a row whose member
number already exists is skipped when it says the same as the database, and refused when it
differs. Opening savings balances are posted as one opening-balance journal entry dated
``as_of`` (debit opening-balance equity, credit each member's savings).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from fund.audit.models import AuditEntry
from fund.audit.services import record_audit
from fund.errors import DomainError, InvalidInput
from fund.ledger.accounts import AccountCode
from fund.ledger.models import Account, JournalEntry, JournalLine
from fund.ledger.services import LineSpec, post_entry
from fund.members.models import Member, MemberStatus, Sex
from fund.members.national_id import normalise_national_id
from fund.members.sensitive import (
    DisabilityType,
    MemberDisabilityType,
    MemberNationalId,
)
from fund.members.services import (
    MEMBER_NO_PREFIX,
    STATELESS_WARNING,
    MemberDetails,
    _require_committee,
    bangkok_date,
    check_details,
)
from fund.money import format_baht, normalise_digits, parse_baht
from fund.sequences import Counter, next_value
from fund.thaidate import parse_iso_or_be
from fund.users.models import User

SOURCE = "members.import"
MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024

COLUMNS = (
    "member_no",
    "title",
    "first_name",
    "last_name",
    "national_id",
    "birth_date",
    "sex",
    "disability_types",
    "phone",
    "house_no",
    "moo",
    "tambon",
    "amphoe",
    "province",
    "postcode",
    "joined_on",
    "savings_balance",
)
#: Thai headers people use in their own sheets, and the column each means
THAI_HEADERS = {
    "member_no": ("เลขสมาชิก", "เลขที่สมาชิก", "รหัสสมาชิก"),
    "title": ("คำนำหน้า", "คำนำหน้าชื่อ"),
    "first_name": ("ชื่อ",),
    "last_name": ("นามสกุล",),
    "national_id": ("เลขประจำตัวประชาชน", "เลขบัตรประชาชน", "เลขบัตรประจำตัวประชาชน"),
    "birth_date": ("วันเกิด", "วันเดือนปีเกิด"),
    "sex": ("เพศ",),
    "disability_types": ("ประเภทความพิการ", "ความพิการ"),
    "phone": ("โทรศัพท์", "เบอร์โทร", "เบอร์โทรศัพท์"),
    "house_no": ("บ้านเลขที่",),
    "moo": ("หมู่ที่", "หมู่"),
    "tambon": ("ตำบล",),
    "amphoe": ("อำเภอ",),
    "province": ("จังหวัด",),
    "postcode": ("รหัสไปรษณีย์",),
    "joined_on": ("วันที่สมัคร", "วันที่เป็นสมาชิก", "วันที่เข้าเป็นสมาชิก"),
    "savings_balance": ("ยอดเงินออม", "เงินออมยกมา", "ยอดเงินออมยกมา", "เงินออม"),
}
REQUIRED = ("member_no", "first_name", "last_name", "national_id", "joined_on")
_HEADER_LOOKUP = {c: c for c in COLUMNS} | {
    alias: column for column, aliases in THAI_HEADERS.items() for alias in aliases
}
_SEX = {
    "": None,
    "male": Sex.MALE,
    "m": Sex.MALE,
    "ชาย": Sex.MALE,
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
    "หญิง": Sex.FEMALE,
    "other": Sex.OTHER,
    "อื่น": Sex.OTHER,
    "อื่นๆ": Sex.OTHER,
}
_MEMBER_NO = re.compile(r"^[A-Z0-9][A-Z0-9/-]{0,15}$")
_CS_NUMBER = re.compile(rf"^{MEMBER_NO_PREFIX}([0-9]{{1,9}})$")


class ImportRefused(DomainError):
    """The file (or some of its rows) cannot be imported; ``plan`` holds the full report."""

    def __init__(self, plan: ImportPlan) -> None:
        bad = len(plan.errors)
        super().__init__(
            f"ไม่ได้นำเข้าข้อมูลใดเลย: พบข้อผิดพลาด {bad} รายการ กรุณาแก้ไฟล์แล้วนำเข้าใหม่",
            f"Nothing was imported: {bad} problem(s) found. Fix the file and import it again.",
        )
        self.plan = plan


@dataclass(frozen=True)
class RowError:
    #: the row number as a spreadsheet shows it (the header is row 1); 0 for the whole file
    line: int
    member_no: str
    message_th: str
    message_en: str

    def message(self, locale: str = "th") -> str:
        return self.message_en if locale.startswith("en") else self.message_th


@dataclass(frozen=True)
class ImportRow:
    line: int
    member_no: str
    details: MemberDetails
    national_id: str
    disability_types: frozenset[int]
    savings_satang: int


@dataclass
class ImportPlan:
    as_of: dt.date
    rows_read: int = 0
    new: list[ImportRow] = field(default_factory=list)
    #: member numbers already in the database with the same data (nothing to do)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def savings_total_satang(self) -> int:
        return sum(r.savings_satang for r in self.new)


@dataclass(frozen=True)
class ImportResult:
    created: int
    unchanged: int
    savings_total_satang: int
    entry_id: int | None


# --- reading files ------------------------------------------------------------------------


def _file_error(th: str, en: str) -> InvalidInput:
    return InvalidInput(th, en, field="file")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel keeps numbers as doubles: 1234.5 reads back as "1234.5", 13-digit IDs exactly.
        as_decimal = Decimal(repr(value))
        return (
            str(as_decimal.quantize(Decimal(1)))
            if as_decimal == as_decimal.to_integral()
            else str(as_decimal)
        )
    return str(value)


def read_table(filename: str, content: bytes) -> list[list[str]]:
    """The rows of a ``.csv`` (UTF-8, BOM allowed) or ``.xlsx`` file, as text cells."""
    if len(content) > MAX_BYTES:
        raise _file_error(
            "ไฟล์ใหญ่เกิน 5 เมกะไบต์ กรุณาแบ่งเป็นหลายไฟล์",
            "The file is larger than 5 MB; split it into several files.",
        )
    name = filename.lower()
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _file_error(
                "ไฟล์ CSV ต้องบันทึกเป็น UTF-8 (ใน Excel: บันทึกเป็น “CSV UTF-8”)",
                "The CSV file must be saved as UTF-8 (in Excel: Save as “CSV UTF-8”).",
            ) from None
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    if name.endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged or non-xlsx file
            raise _file_error(
                "เปิดไฟล์ Excel ไม่ได้ ไฟล์อาจเสียหรือไม่ใช่ .xlsx",
                "The Excel file cannot be opened; it may be damaged or not .xlsx.",
            ) from None
        try:
            sheet = book.worksheets[0]
            return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    raise _file_error("รับเฉพาะไฟล์ .csv หรือ .xlsx", "Only .csv or .xlsx files can be imported.")


def template_csv() -> bytes:
    """An empty import template: the header row only (UTF-8 with BOM so Excel reads Thai)."""
    out = io.StringIO()
    csv.writer(out).writerow(COLUMNS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "members"
    sheet.append(list(COLUMNS))
    sheet.append([THAI_HEADERS[c][0] for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_safe(value: Any) -> str:
    """A cell for a CSV export that a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


LIST_COLUMNS = (
    "member_no",
    "title",
    "first_name",
    "last_name",
    "phone",
    "house_no",
    "moo",
    "village",
    "tambon",
    "amphoe",
    "province",
    "postcode",
    "status",
    "joined_on",
)


def members_csv(session: Session) -> bytes:
    """The member list (no sensitive data) as CSV for a spreadsheet, formula-safe, UTF-8 BOM."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LIST_COLUMNS)
    for member in session.scalars(select(Member).order_by(Member.member_no)):
        writer.writerow(
            csv_safe(
                value.value
                if hasattr(value := getattr(member, column), "value")
                else value.isoformat()
                if isinstance(value, dt.date)
                else value
            )
            for column in LIST_COLUMNS
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- checking rows ------------------------------------------------------------------------


def _map_header(header: list[str]) -> tuple[list[str | None], list[RowError]]:
    errors = []
    mapped: list[str | None] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = " ".join(raw.replace("\ufeff", "").split()).strip()
        key = name.lower().replace(" ", "_")
        column = _HEADER_LOOKUP.get(key) or _HEADER_LOOKUP.get(name)
        if not name:
            mapped.append(None)
            continue
        if column is None:
            errors.append(
                RowError(
                    1,
                    "",
                    f"ไม่รู้จักหัวคอลัมน์ “{name}” (คอลัมน์ที่ {index + 1})",
                    f"Unknown column header “{name}” (column {index + 1}).",
                )
            )
        elif column in seen:
            errors.append(
                RowError(
                    1,
                    "",
                    f"คอลัมน์ {column} ซ้ำกัน (คอลัมน์ที่ {seen[column] + 1} และ {index + 1})",
                    f"Column {column} appears twice (columns {seen[column] + 1} and {index + 1}).",
                )
            )
        else:
            seen[column] = index
        mapped.append(column)
    missing = [c for c in COLUMNS if c not in seen]
    if missing:
        errors.append(
            RowError(
                1,
                "",
                "ไม่มีคอลัมน์: " + ", ".join(missing) + " (ใช้ไฟล์ต้นแบบจาก --template)",
                "Missing columns: " + ", ".join(missing) + " (start from the --template file).",
            )
        )
    return mapped, errors


def _parse_row(line: int, cells: dict[str, str], *, as_of: dt.date, today: dt.date):
    """One row -> (ImportRow | None, errors, warnings)."""
    errors: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    member_no = normalise_digits(cells.get("member_no", "")).upper()

    def attempt(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InvalidInput as err:
            errors.append((err.message_th, err.message_en))
            return None

    for column in REQUIRED:
        if not cells.get(column, "").strip():
            errors.append((f"ไม่ได้กรอก {column}", f"{column} is empty"))
    if member_no and not _MEMBER_NO.fullmatch(member_no):
        errors.append(
            (
                f"เลขสมาชิก “{member_no}” ไม่ถูกต้อง (ใช้ตัวอักษรอังกฤษ ตัวเลข และขีด ไม่เกิน 16 ตัว)",
                f"Member number “{member_no}” is invalid (letters, digits and dashes, ≤ 16).",
            )
        )
    national_id = None
    if cells.get("national_id", "").strip():
        national_id = attempt(normalise_national_id, cells["national_id"])
        if national_id and national_id[0] == "0":
            warnings.append((STATELESS_WARNING.message_th, STATELESS_WARNING.message_en))

    def date_of(column: str) -> dt.date | None:
        text = cells.get(column, "").strip()
        if not text:
            return None
        value = attempt(parse_iso_or_be, text)
        if value is None:
            errors[-1] = (f"{column}: {errors[-1][0]}", f"{column}: {errors[-1][1]}")
        return value

    birth_date = date_of("birth_date")
    joined_on = date_of("joined_on")
    if joined_on is not None and joined_on > as_of:
        errors.append(
            (
                f"วันที่สมัคร {joined_on.isoformat()} อยู่หลังวันที่ยอดยกมา {as_of.isoformat()}",
                f"joined_on {joined_on.isoformat()} is after the as-of date {as_of.isoformat()}",
            )
        )
    sex_text = cells.get("sex", "").strip().lower()
    sex = _SEX.get(sex_text, "bad")
    if sex == "bad":
        errors.append(
            (
                f"เพศ “{sex_text}” ไม่ถูกต้อง ใช้ ชาย/หญิง/อื่นๆ หรือ male/female/other",
                f"sex “{sex_text}” is invalid: use male, female or other",
            )
        )
        sex = None
    types: set[int] = set()
    types_text = normalise_digits(cells.get("disability_types", ""))
    for part in filter(None, (p.strip() for p in re.split(r"[;,]", types_text))):
        try:
            types.add(int(DisabilityType(int(part))))
        except ValueError:
            errors.append(
                (
                    f"ประเภทความพิการ “{part}” ไม่ถูกต้อง ใช้รหัส 1–7 คั่นด้วย ;",
                    f"disability type “{part}” is invalid: use codes 1–7 separated by ;",
                )
            )
    moo = None
    moo_text = normalise_digits(cells.get("moo", ""))
    if moo_text:
        if re.fullmatch(r"[0-9]{1,2}", moo_text) and 1 <= int(moo_text) <= 99:
            moo = int(moo_text)
        else:
            errors.append((f"หมู่ที่ “{moo_text}” ต้องเป็นตัวเลข 1–99", f"moo “{moo_text}” must be 1–99"))
    savings = 0
    savings_text = cells.get("savings_balance", "").strip()
    if savings_text:
        amount = attempt(parse_baht, savings_text, allow_zero=True)
        if amount is None:
            errors[-1] = (f"savings_balance: {errors[-1][0]}", f"savings_balance: {errors[-1][1]}")
        else:
            savings = amount
    details = None
    names_given = cells.get("first_name", "").strip() and cells.get("last_name", "").strip()
    if joined_on is not None and names_given:
        details = attempt(
            check_details,
            MemberDetails(
                title=cells.get("title", ""),
                first_name=cells.get("first_name", ""),
                last_name=cells.get("last_name", ""),
                joined_on=joined_on,
                birth_date=birth_date,
                sex=sex,
                phone=cells.get("phone", ""),
                house_no=cells.get("house_no", ""),
                moo=moo,
                tambon=cells.get("tambon", ""),
                amphoe=cells.get("amphoe", ""),
                province=cells.get("province", ""),
                postcode=cells.get("postcode", ""),
            ),
            today=today,
        )
    row = None
    if not errors and details is not None and national_id is not None:
        row = ImportRow(line, member_no, details, national_id, frozenset(types), savings)
    return member_no, row, errors, warnings


def plan_import(
    session: Session, *, filename: str, content: bytes, as_of: dt.date, now: dt.datetime
) -> ImportPlan:
    """Read and check a whole file against itself and the database; write nothing."""
    plan = ImportPlan(as_of=as_of)
    today = bangkok_date(now)
    if as_of > today:
        raise InvalidInput(
            "วันที่ยอดยกมาเป็นวันในอนาคตไม่ได้", "The as-of date cannot be in the future.", field="as_of"
        )
    table = [row for row in read_table(filename, content)]
    # Trailing empty lines are common in hand-kept sheets; they are not rows.
    while table and not any(cell.strip() for cell in table[-1]):
        table.pop()
    if not table:
        plan.errors.append(
            RowError(0, "", "ไฟล์ว่าง ไม่มีหัวคอลัมน์และข้อมูล", "The file is empty: no header, no rows.")
        )
        return plan
    header, errors = _map_header(table[0])
    plan.errors.extend(errors)
    if errors:
        return plan
    body = table[1:]
    if not body:
        plan.errors.append(
            RowError(0, "", "ไฟล์มีแต่หัวคอลัมน์ ไม่มีข้อมูลสมาชิก", "The file has a header but no members.")
        )
        return plan
    if len(body) > MAX_ROWS:
        plan.errors.append(
            RowError(
                0,
                "",
                f"ไฟล์มี {len(body):,} แถว เกิน {MAX_ROWS:,} แถว กรุณาแบ่งไฟล์",
                f"The file has {len(body):,} rows, more than {MAX_ROWS:,}; split it.",
            )
        )
        return plan

    parsed: list[ImportRow] = []
    first_line_of_no: dict[str, int] = {}
    first_line_of_id: dict[str, int] = {}
    for offset, cells_list in enumerate(body):
        line = offset + 2
        if not any(cell.strip() for cell in cells_list):
            continue  # a blank line in the middle of a sheet
        plan.rows_read += 1
        if len(cells_list) > len(header) and any(c.strip() for c in cells_list[len(header) :]):
            plan.errors.append(
                RowError(line, "", "มีข้อมูลเกินคอลัมน์ที่มีหัว", "The row has cells beyond the header.")
            )
            continue
        cells = {
            column: (cells_list[i] if i < len(cells_list) else "")
            for i, column in enumerate(header)
            if column is not None
        }
        member_no, row, row_errors, row_warnings = _parse_row(line, cells, as_of=as_of, today=today)
        for th, en in row_warnings:
            plan.warnings.append(RowError(line, member_no, th, en))
        if member_no:
            if member_no in first_line_of_no:
                row_errors.append(
                    (
                        f"เลขสมาชิก {member_no} ซ้ำกับแถวที่ {first_line_of_no[member_no]}",
                        f"member number {member_no} repeats row {first_line_of_no[member_no]}",
                    )
                )
            else:
                first_line_of_no[member_no] = line
        if row is not None:
            if row.national_id in first_line_of_id:
                row_errors.append(
                    (
                        f"เลขประจำตัวประชาชนซ้ำกับแถวที่ {first_line_of_id[row.national_id]}",
                        f"national ID repeats row {first_line_of_id[row.national_id]}",
                    )
                )
            else:
                first_line_of_id[row.national_id] = line
        for th, en in row_errors:
            plan.errors.append(RowError(line, member_no, th, en))
        if row is not None and not row_errors:
            parsed.append(row)
    _compare_with_database(session, plan, parsed)
    plan.errors.sort(key=lambda e: e.line)
    return plan


def _existing_members(session: Session, member_nos: list[str]) -> dict[str, Member]:
    found: dict[str, Member] = {}
    for start in range(0, len(member_nos), 500):
        chunk = member_nos[start : start + 500]
        for m in session.scalars(select(Member).where(Member.member_no.in_(chunk))):
            found[m.member_no] = m
    return found


def _owners_of_ids(session: Session, national_ids: list[str]) -> dict[str, str]:
    owners: dict[str, str] = {}
    for start in range(0, len(national_ids), 500):
        chunk = national_ids[start : start + 500]
        rows = session.execute(
            select(MemberNationalId.national_id, Member.member_no)
            .join(Member, Member.id == MemberNationalId.member_id)
            .where(MemberNationalId.national_id.in_(chunk))
        )
        owners.update({national_id: member_no for national_id, member_no in rows})
    return owners


def imported_savings_satang(session: Session, member_id: int) -> int:
    """What an earlier import posted as the member's opening savings (credit-positive)."""
    total = session.scalar(
        select(func.coalesce(func.sum(JournalLine.amount_satang), 0))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(
            JournalEntry.source == SOURCE,
            JournalLine.member_id == member_id,
            Account.code == AccountCode.MEMBER_SAVINGS.value,
        )
    )
    return -int(total or 0)


def _same_as_database(session: Session, row: ImportRow, member: Member) -> list[str]:
    """Which columns of ``row`` differ from what the database holds for that member."""
    differ = [
        f.name
        for f in fields(MemberDetails)
        if f.name in COLUMNS and getattr(row.details, f.name) != getattr(member, f.name)
    ]
    nid = session.get(MemberNationalId, member.id)
    if (nid.national_id if nid else None) != row.national_id:
        differ.append("national_id")
    types = set(
        session.scalars(
            select(MemberDisabilityType.type_code).where(
                MemberDisabilityType.member_id == member.id
            )
        )
    )
    if types != set(row.disability_types):
        differ.append("disability_types")
    if imported_savings_satang(session, member.id) != row.savings_satang:
        differ.append("savings_balance")
    return differ


def _compare_with_database(session: Session, plan: ImportPlan, rows: list[ImportRow]) -> None:
    existing = _existing_members(session, [r.member_no for r in rows])
    owners = _owners_of_ids(session, [r.national_id for r in rows])
    for row in rows:
        member = existing.get(row.member_no)
        if member is not None:
            differ = _same_as_database(session, row, member)
            if differ:
                plan.errors.append(
                    RowError(
                        row.line,
                        row.member_no,
                        f"เลขสมาชิก {row.member_no} มีในระบบแล้วแต่ข้อมูลต่างกัน "
                        f"({', '.join(differ)}) แก้ในระบบหรือในไฟล์ให้ตรงกันก่อน",
                        f"member number {row.member_no} is already in the system with different "
                        f"data ({', '.join(differ)}); make them agree first",
                    )
                )
            else:
                plan.unchanged.append(row.member_no)
            continue
        owner = owners.get(row.national_id)
        if owner is not None:
            plan.errors.append(
                RowError(
                    row.line,
                    row.member_no,
                    f"เลขประจำตัวประชาชนนี้เป็นของสมาชิก {owner} ในระบบแล้ว",
                    f"this national ID already belongs to member {owner}",
                )
            )
            continue
        plan.new.append(row)


# --- writing ------------------------------------------------------------------------------


def _raise_counter(session: Session, name: str, at_least: int) -> None:
    """Make sure the next generated member number comes after every imported one."""
    current = session.get(Counter, name)
    if current is None:
        next_value(session, name)  # creates the row at 1
        current = session.get(Counter, name)
    if current.last_value < at_least:
        session.execute(update(Counter).where(Counter.name == name).values(last_value=at_least))
        session.expire(current)


def apply_import(session: Session, *, plan: ImportPlan, by: User, now: dt.datetime) -> ImportResult:
    """Write a checked plan: the new members, their sensitive rows, audits and opening savings.

    Refuses (``ImportRefused``, nothing written) when the plan has any error. The caller commits
    once; any failure in between leaves nothing behind when it rolls back.
    """
    _require_committee(by)
    if not plan.ok:
        raise ImportRefused(plan)
    # Core-style bulk inserts: thousands of rows without building an ORM object for each.
    ids: dict[str, int] = {}
    for chunk_start in range(0, len(plan.new), 1000):
        chunk = plan.new[chunk_start : chunk_start + 1000]
        inserted = session.execute(
            insert(Member).returning(Member.id, Member.member_no, sort_by_parameter_order=True),
            [
                {
                    "member_no": row.member_no,
                    "status": MemberStatus.ACTIVE,
                    "status_reason": "",
                    "created_at": now,
                    **{f.name: getattr(row.details, f.name) for f in fields(MemberDetails)},
                }
                for row in chunk
            ],
        )
        ids.update({member_no: member_id for member_id, member_no in inserted})
    members = [(ids[row.member_no], row) for row in plan.new]
    if members:
        session.execute(
            insert(MemberNationalId),
            [
                {
                    "member_id": member_id,
                    "national_id": row.national_id,
                    "last4": row.national_id[-4:],
                    "recorded_at": now,
                }
                for member_id, row in members
            ],
        )
        types = [
            {"member_id": member_id, "type_code": code}
            for member_id, row in members
            for code in sorted(row.disability_types)
        ]
        if types:
            session.execute(insert(MemberDisabilityType), types)
        channel = session.info.get("channel", "web")
        session.execute(
            insert(AuditEntry),
            [
                {
                    "at": now,
                    "actor_id": by.id,
                    "action": "member.import",
                    "entity": "member",
                    "entity_id": member_id,
                    "details": {
                        "member_no": row.member_no,
                        "fields": sorted(
                            f.name
                            for f in fields(MemberDetails)
                            if getattr(row.details, f.name) not in ("", None, False)
                        ),
                        "sensitive": ["national_id", "disability"],
                        "as_of": plan.as_of.isoformat(),
                    },
                    "channel": channel,
                }
                for member_id, row in members
            ],
        )
    highest = max(
        (int(m[1]) for m in (_CS_NUMBER.fullmatch(r.member_no) for r in plan.new) if m),
        default=0,
    )
    if highest:
        _raise_counter(session, "member_no", highest)
    entry_id = None
    lines = [
        LineSpec(
            AccountCode.MEMBER_SAVINGS,
            -row.savings_satang,
            member_id=member_id,
            memo=f"ยอดยกมา {row.member_no}",
        )
        for member_id, row in members
        if row.savings_satang > 0
    ]
    if lines:
        total = -sum(line.amount_satang for line in lines)
        digest = hashlib.sha256(
            (
                plan.as_of.isoformat()
                + "|"
                + "|".join(f"{r.member_no}:{r.savings_satang}" for r in plan.new)
            ).encode()
        ).hexdigest()
        entry = post_entry(
            session,
            entry_date=plan.as_of,
            description=(f"ยอดเงินออมยกมาจากทะเบียนเดิม {len(lines)} คน รวม {format_baht(total)}"),
            source=SOURCE,
            lines=[LineSpec(AccountCode.OPENING_BALANCES, total, memo="ยอดยกมา"), *lines],
            recorded_by=by,
            now=now,
            idempotency_key=f"members.import:{digest[:40]}",
        )
        entry_id = entry.id
    record_audit(
        session,
        actor=by,
        action="members.import",
        entity="member_import",
        details={
            "created": len(members),
            "unchanged": len(plan.unchanged),
            "as_of": plan.as_of.isoformat(),
            "savings_total_satang": plan.savings_total_satang,
            "journal_entry_id": entry_id,
        },
        at=now,
    )
    session.flush()
    return ImportResult(len(members), len(plan.unchanged), plan.savings_total_satang, entry_id)


def import_members(
    session: Session,
    *,
    filename: str,
    content: bytes,
    as_of: dt.date,
    by: User,
    now: dt.datetime,
) -> tuple[ImportPlan, ImportResult]:
    """Check and write a file in one go (the CLI). Raises ``ImportRefused`` with the report."""
    _require_committee(by)
    plan = plan_import(session, filename=filename, content=content, as_of=as_of, now=now)
    return plan, apply_import(session, plan=plan, by=by, now=now)
