"""Password rules, formula-safe exports, upload checks, secret-free logs, safe error pages."""

from __future__ import annotations

import io
import logging
import zipfile

import pytest
from openpyxl import Workbook
from werkzeug.datastructures import FileStorage

from fund.errors import InvalidInput
from fund.export import safe_cell, safe_row
from fund.users.services import check_password_rules, common_passwords
from web.access import EVERYONE, roles
from web.security import redact
from web.uploads import clean_display_name, read_upload, sniff, store_upload

TEST_PASSWORD = "correct-horse-battery-staple"  # tests/conftest.py's password for the users

# -- passwords -----------------------------------------------------------------------------------


def test_the_common_password_list_is_shipped_with_ten_thousand_entries():
    common = common_passwords()
    assert len(common) == 10_000
    assert {"123456", "password", "qwertyuiop", "iloveyou"} <= common
    assert all(p == p.lower() and p.strip() == p for p in common)


@pytest.mark.parametrize(
    "password",
    [
        "1234567890",  # in the list
        "QWERTYUIOP",  # in the list, whatever the case
        "password2568!",  # a listed word plus a year and a symbol
        "sunshine1234",
        "dragondragon",  # a listed word repeated
        "abcabcabcabc",  # a short pattern repeated
        "xsomchai2568",  # contains the username
        "short",
        "x" * 257,
    ],
)
def test_weak_passwords_are_refused_with_a_thai_reason(password):
    with pytest.raises(InvalidInput) as caught:
        check_password_rules(password, username="somchai")
    assert caught.value.field == "password"
    assert "รหัสผ่าน" in caught.value.message_th


@pytest.mark.parametrize(
    "password", ["correct-horse-battery-staple", "ช้างเผือก-ดอยหลวง-7", "Mae-Tha-river-bend"]
)
def test_long_uncommon_passwords_are_accepted(password):
    check_password_rules(password, username="somchai")


def test_web_password_change_refuses_a_common_password(login_as):
    client = login_as("committee")
    response = client.submit(
        "/account/password",
        {"current_password": TEST_PASSWORD, "new_password": "password2568!"},
    )
    assert response.status_code == 422
    assert "รหัสผ่านที่ใช้กันมาก" in response.get_data(as_text=True)


# -- formula injection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","คลิก")', '\'=HYPERLINK("http://x","คลิก")'),
        ("+66 81 234 5678", "'+66 81 234 5678"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1", "'\r=1"),
        ("＝1+1", "'＝1+1"),
        ("-1,234.50", "-1,234.50"),  # a plain number stays a number
        ("-5", "-5"),
        ("นายสมชาย ใจดี", "นายสมชาย ใจดี"),
        ("", ""),
        (-5, -5),
        (None, None),
        (12.5, 12.5),
    ],
)
def test_safe_cell_neutralises_formulas_and_leaves_data_alone(value, expected):
    assert safe_cell(value) == expected


def test_safe_row_in_a_real_xlsx_is_text_not_a_formula(tmp_path):
    wb = Workbook()
    wb.active.append(safe_row(["=1+1", "สมชาย", 100]))
    path = tmp_path / "x.xlsx"
    wb.save(path)
    from openpyxl import load_workbook

    row = next(load_workbook(path).active.iter_rows(values_only=True))
    assert row == ("'=1+1", "สมชาย", 100)
    with zipfile.ZipFile(path) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


# -- uploads -------------------------------------------------------------------------------------


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    wb = Workbook()
    wb.active.append(["เลขที่", "ชื่อ"])
    wb.save(buffer)
    return buffer.getvalue()


def _file(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def test_uploads_are_typed_by_content_and_stored_under_a_random_name(tmp_path):
    csv_text = "เลขที่,ชื่อ\nCS-0001,สมชาย\n".encode()
    stored = store_upload(
        _file(csv_text, "../../etc/รายชื่อ.csv"), allowed=("csv", "xlsx"), directory=tmp_path
    )
    assert stored.kind == "csv"
    assert stored.path.parent == tmp_path
    assert "รายชื่อ" not in stored.path.name and ".." not in stored.path.name
    assert stored.path.read_bytes() == csv_text
    assert stored.path.stat().st_mode & 0o777 == 0o600
    assert stored.display_name == "รายชื่อ.csv"
    again = store_upload(_file(csv_text, "รายชื่อ.csv"), allowed=("csv",), directory=tmp_path)
    assert again.path != stored.path
    assert read_upload(_file(_xlsx_bytes(), "members.XLSX"), allowed=("xlsx",)).kind == "xlsx"
    thai_windows = "ชื่อ,บ้านเลขที่\n".encode("cp874")
    assert sniff(thai_windows) == "csv"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00", "members.csv"),  # a program renamed .csv
        (b"%PDF-1.7 ...", "members.xlsx"),  # content and extension disagree
        (b"PK\x03\x04not really a zip", "members.xlsx"),
        ("ชื่อ\n".encode(), "members.exe"),
        (b"", "members.csv"),
        (b"x" * 2048, "members"),  # no extension
    ],
)
def test_uploads_of_the_wrong_type_are_refused(tmp_path, data, name):
    with pytest.raises(InvalidInput):
        store_upload(_file(data, name), allowed=("csv", "xlsx"), directory=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_uploads_over_the_size_limit_are_refused():
    with pytest.raises(InvalidInput, match="too large"):
        read_upload(_file(b"a,b\n" * 1000, "x.csv"), allowed=("csv",), max_bytes=1000)
    with pytest.raises(InvalidInput, match="Choose a file"):
        read_upload(FileStorage(stream=io.BytesIO(b""), filename=""), allowed=("csv",))


def test_display_names_lose_paths_and_control_characters():
    assert clean_display_name("C:\\Users\\x\\a\x00b\u202e.csv") == "ab.csv"
    assert clean_display_name(None) == "upload"


def test_requests_over_five_megabytes_get_the_413_page(client):
    response = client.post(
        "/login",
        data=b"f=" + b"x" * (5 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert "ไฟล์ใหญ่เกินไป" in response.get_data(as_text=True)


# -- logs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("member 1103700012345 registered", "1103700012345"),
        ("id 1-1037-00012-34-5 ok", "1-1037-00012-34-5"),
        ("id 1 1037 00012 34 5 ok", "1 1037 00012 34 5"),
        ("login password=hunter2-secret user=x", "hunter2-secret"),
        ('{"new_password": "a-brand-new-passphrase"}', "a-brand-new-passphrase"),
        ("Cookie: chaeson_session=eyJ0b2tlbiI6Ii4uLiJ9.Zx", "eyJ0b2tlbiI6Ii4uLiJ9"),
        ("token=Qm9vb29vb29vb29vb29v", "Qm9vb29vb29vb29vb29v"),
        ("Authorization: Bearer abcdefghijklmnop", "abcdefghijklmnop"),
        ("hash $argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", "$argon2id$"),
        ("url postgresql+psycopg://fund:pg-pass-word@db/chaeson", "pg-pass-word"),
    ],
)
def test_redact_removes_ids_passwords_tokens_and_hashes(text, secret):
    cleaned = redact(text)
    assert secret not in cleaned
    assert "[" in cleaned


def test_redact_leaves_ordinary_log_lines_alone():
    line = "GET /members/12 200 in 35 ms; CS-0012 saved 1,500.00 baht"
    assert redact(line) == line


def test_app_logs_and_tracebacks_carry_no_secrets_and_the_500_page_no_trace(app, login_as, caplog):
    @roles(*EVERYONE)
    def boom():
        raise RuntimeError("failed for national id 1103700012345 with password=letmein-now")

    app.add_url_rule("/__boom", "boom", boom)
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    client = login_as("committee")
    with caplog.at_level(logging.INFO):
        logging.getLogger("chaeson.test").info("lookup %s token=%s", "3100600123456", "abcdefgh")
        response = client.get("/__boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "เกิดข้อผิดพลาด" in page
    for leak in ("Traceback", "RuntimeError", "1103700012345", "letmein-now"):
        assert leak not in page
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "RuntimeError" in logged  # the error is logged for the operator…
    for secret in ("1103700012345", "letmein-now", "3100600123456", "abcdefgh"):
        assert secret not in logged  # …without the secrets


def test_debug_is_never_on_whatever_the_configuration_says(monkeypatch, tmp_path):
    from web.app import create_app

    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("CHAESON_INSTANCE", str(tmp_path))
    app = create_app({"DEBUG": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    assert app.debug is False
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_every_page_carries_the_security_headers(app, login_as):
    client = login_as("admin")
    for path in ("/", "/login", "/account/password", "/healthz", "/no-such-page"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
