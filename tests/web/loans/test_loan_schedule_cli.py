from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from web.cli import main


def run(*args):
    return CliRunner().invoke(main, ["loan-schedule", *args])


def test_loan_schedule_prints_the_reference_declining_schedule_as_csv():
    result = run(
        "--principal", "5,000", "--rate", "12", "--term", "18", "--method", "declining",
        "--round-to", "1", "--start", "2568-01-15",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["no", "due_date", "principal", "interest", "total", "balance"]
    assert rows[1] == ["1", "2025-02-15", "255.00", "50.00", "305.00", "4745.00"]
    assert rows[2] == ["2", "2025-03-15", "257.55", "47.45", "305.00", "4487.45"]
    assert rows[18] == ["18", "2026-07-15", "300.22", "3.00", "303.22", "0.00"]
    assert len(rows) == 19


def test_loan_schedule_with_grace_and_thai_digits():
    result = run(
        "--principal", "๑๒๐๐", "--rate", "0", "--term", "๔", "--method", "zero",
        "--grace", "1", "--start", "2025-01-31",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert [r[4] for r in rows[1:]] == ["0.00", "400.00", "400.00", "400.00"]
    assert rows[1][1] == "2025-02-28"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--principal", "abc", "--rate", "0", "--term", "4", "--method", "zero"], "จำนวนเงิน"),
        (["--principal", "100", "--rate", "x", "--term", "4", "--method", "flat"], "อัตรา"),
        (["--principal", "100", "--rate", "0", "--term", "-4", "--method", "zero"], "จำนวนงวด"),
        (["--principal", "100", "--rate", "0", "--term", "0", "--method", "zero"], "จำนวนงวด"),
        (["--principal", "100", "--rate", "12", "--term", "4", "--method", "zero"], "0%"),
        (
            [
                "--principal",
                "100",
                "--rate",
                "0",
                "--term",
                "4",
                "--method",
                "zero",
                "--start",
                "2025-13-01",
            ],
            "เดือน",
        ),
    ],
)
def test_loan_schedule_refuses_bad_input_with_a_thai_message(args, message):
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.output
    assert "no,due_date" not in result.output


def test_loan_schedule_refuses_an_unknown_method():
    result = run("--principal", "100", "--rate", "0", "--term", "4", "--method", "balloon")
    assert result.exit_code == 2
