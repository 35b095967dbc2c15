"""``make bench`` keeps working: the benchmark script runs end to end on a tiny database and
reports every figure the performance issue asks for (the figures themselves are the
benchmark's business, not a test's)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_runs_end_to_end_and_reports_every_figure(tmp_path):
    results = tmp_path / "results"
    command = [
        sys.executable,
        str(ROOT / "bench" / "run.py"),
        "--database-url", f"sqlite:///{tmp_path / 'bench.db'}",
        "--members", "30", "--years", "2",
        "--requests", "3", "--batch", "6", "--postings", "5",
        "--clients", "2", "--http-seconds", "15", "--meeting-members", "10",
        "--results", str(results),
    ]  # fmt: skip
    run = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=600, env=dict(os.environ)
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads((results / "sqlite-30x2.json").read_text())
    pages = result["pages"]
    assert set(pages) == {
        "member page",
        "passbook",
        "loan page",
        "repair queue board",
        "trial balance",
        "meeting-day screen",
    }
    assert all(page["p95_ms"] > 0 for page in pages.values())
    assert result["statements"]["one_10_year"]["total_s"] > 0
    assert result["statements"]["batch"]["members"] == 6
    assert result["service_postings"]["per_second"] > 0
    assert result["service_postings"]["commit_floor_per_second"] > 0
    # 15 s leaves room for the clients' Argon2 logins on a busy machine before they post.
    http = result["http_postings"]
    assert http["accepted"] > 0 and http["errors"] == 0, http
    meeting = result["meeting_post"]
    assert meeting["status"] == 302
    assert meeting["journal_entries_posted"] >= meeting["members_with_amounts"] == 10
    assert len(result["verdicts"]) == 11
    assert "sqlite — 30 members × 2 years" in (results / "SUMMARY.md").read_text()
    # Run again on the loaded database: the figures say how long the run that loaded it took.
    again = subprocess.run(
        [*command, "--only", "pages"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ),
    )
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    data = json.loads((results / "sqlite-30x2.json").read_text())["data"]
    assert data["reused"] is True
    assert data["earlier_load"]["load_seconds"] == result["data"]["load_seconds"]
    assert data["earlier_load"]["started"] == result["started"]
    assert "loaded by the run of" in (results / "SUMMARY.md").read_text()
