"""``chaeson statement`` / ``chaeson statements`` on a database built through the services."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from web.cli import main

NAME = "นางสาวญาณิศา ปิ่นฐิติพันธุ์"


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def run(app, history):
    runner = app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), obj=_script_info(app))

    return invoke


def _script_info(app):
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)


def test_statement_for_one_member_and_period(run, tmp_path: Path):
    out = tmp_path / "s.pdf"
    result = run(
        "statement", "CS-0701", "-o", str(out), "--from", "2025-11-01", "--to", "2568-11-30"
    )
    assert result.exit_code == 0, result.output
    assert "CS-0701" in result.output
    text = _text(out.read_bytes())
    assert f"สมาชิกเลขที่ CS-0701 {NAME}" in text
    assert "1 พฤศจิกายน 2568 ถึง 30 พฤศจิกายน 2568" in text


def test_statement_large_print_flag(run, tmp_path: Path, pdfcheck):
    out = tmp_path / "big.pdf"
    result = run(
        "statement",
        "CS-0701",
        "-o",
        str(out),
        "--from",
        "2025-11-01",
        "--to",
        "2025-11-30",
        "--large-print",
    )
    assert result.exit_code == 0, result.output
    assert min(pdfcheck.font_sizes_of_thai_text(out.read_bytes())) >= 16


@pytest.mark.parametrize(
    "args,message",
    [
        (["CS-9999"], "ไม่พบสมาชิกเลขที่ CS-9999"),
        (["CS-0701", "--from", "2025-13-01"], "เดือนต้องอยู่ระหว่าง 1 ถึง 12"),
        (["CS-0701", "--from", "2025-11-30", "--to", "2025-11-01"], "วันสิ้นสุดต้องไม่ก่อน"),
    ],
)
def test_statement_refuses_bad_input_and_writes_nothing(run, tmp_path: Path, args, message):
    out = tmp_path / "x.pdf"
    result = run("statement", *args, "-o", str(out))
    assert result.exit_code == 1
    assert message in result.output
    assert not out.exists()


def test_statements_one_file_per_member(run, tmp_path: Path):
    result = run("statements", "--period", "2025-11", "-o", str(tmp_path), "--workers", "1")
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert "statement-CS-0701-2025-11.pdf" in files and "statement-CS-0702-2025-11.pdf" in files
    assert "2/2" in result.output or "/2" in result.output


def test_statements_single_file_in_village_order_large_print(run, tmp_path: Path, pdfcheck):
    result = run(
        "statements",
        "--period",
        "2568-11",
        "-o",
        str(tmp_path),
        "--single-file",
        "--order",
        "village",
        "--large-print",
        "--workers",
        "1",
    )
    assert result.exit_code == 0, result.output
    (path,) = tmp_path.glob("*.pdf")
    assert path.name == "statements-2025-11-village.pdf"
    pdf = path.read_bytes()
    text = _text(pdf)
    assert text.index("CS-0702") < text.index("CS-0701")
    assert min(pdfcheck.font_sizes_of_thai_text(pdf)) >= 16


def test_statements_refuses_a_bad_period(run, tmp_path: Path):
    result = run("statements", "--period", "2025-13", "-o", str(tmp_path))
    assert result.exit_code == 1
    assert "เดือนต้องอยู่ระหว่าง 1 ถึง 12" in result.output
