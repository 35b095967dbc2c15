"""Batch printing as a simple server-side job: a thread gathers the data, worker processes
render, files land in ``<instance>/statement_batches/<job id>/`` next to a ``status.json`` that
the status page reads (and refreshes politely until the job ends).

``STATEMENT_BATCH_SYNC`` (tests) runs the job inside the request instead of a thread;
``STATEMENT_BATCH_WORKERS`` caps the rendering processes (default: the CPU count).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import threading
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flask import Flask, current_app

from reports.batch import PARALLEL_MIN, render_each, render_single_file, start_workers_early
from web.statements.data import active_members, month_bounds, statements_for

MODES = ("single", "each")
_JOB_ID = re.compile(r"[0-9a-f]{16}")
_lock = threading.Lock()


@dataclass
class BatchStatus:
    id: str
    period: str
    order: str
    mode: str
    large_print: bool
    requested_by: str
    created_at: str
    state: str = "queued"  #: queued, gathering, rendering, done, failed
    done: int = 0
    total: int = 0
    files: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


def batch_root(app: Flask | None = None) -> Path:
    app = app or current_app
    return Path(app.config["INSTANCE_PATH"]) / "statement_batches"


def job_dir(job_id: str, app: Flask | None = None) -> Path:
    if not _JOB_ID.fullmatch(job_id or ""):
        raise KeyError(job_id)
    return batch_root(app) / job_id


def _write(status: BatchStatus, app: Flask) -> None:
    folder = job_dir(status.id, app)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "status.json.tmp"
    with _lock:
        tmp.write_text(json.dumps(asdict(status), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, folder / "status.json")


def load_status(job_id: str, app: Flask | None = None) -> BatchStatus | None:
    try:
        path = job_dir(job_id, app) / "status.json"
    except KeyError:
        return None
    if not path.is_file():
        return None
    with _lock:
        data = json.loads(path.read_text(encoding="utf-8"))
    return BatchStatus(**data)


def recent_jobs(limit: int = 10, app: Flask | None = None) -> list[BatchStatus]:
    root = batch_root(app)
    if not root.is_dir():
        return []
    jobs = [load_status(p.name, app) for p in root.iterdir() if _JOB_ID.fullmatch(p.name)]
    jobs = [j for j in jobs if j is not None]
    return sorted(jobs, key=lambda j: j.created_at, reverse=True)[:limit]


def start_batch(
    *,
    period: str,
    order: str,
    mode: str,
    large_print: bool,
    requested_by: str,
    now: dt.datetime,
    printed_on: dt.date,
) -> BatchStatus:
    """Check the request, write the job's status and start it (a thread, or inline)."""
    month_bounds(period)  # refuses a malformed period before anything starts
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    app = current_app._get_current_object()
    status = BatchStatus(
        id=secrets.token_hex(8),
        period=period,
        order=order,
        mode=mode,
        large_print=large_print,
        requested_by=requested_by,
        created_at=now.isoformat(),
    )
    _write(status, app)
    if app.config.get("STATEMENT_BATCH_SYNC"):
        run_batch(app, status, printed_on)
    else:
        thread = threading.Thread(
            target=run_batch, args=(app, status, printed_on), daemon=True, name="statements"
        )
        thread.start()
    return status


def run_batch(app: Flask, status: BatchStatus, printed_on: dt.date) -> None:
    """Gather the data (one read session), render, write the files; status along the way."""
    folder = job_dir(status.id, app)
    workers = app.config.get("STATEMENT_BATCH_WORKERS")
    large = True if status.large_print else None
    try:
        with app.app_context():
            start, end = month_bounds(status.period)
            session = app.extensions["chaeson_sessions"](write=False)
            try:
                members = active_members(session, order=status.order)
                status.state, status.total = "gathering", len(members)
                _write(status, app)
                if len(members) >= PARALLEL_MIN:
                    start_workers_early(workers)  # warms up while the data is gathered
                statements = statements_for(
                    session, members, start=start, end=end, printed_on=printed_on
                )
            finally:
                session.close()
        status.state = "rendering"
        _write(status, app)

        def progress(done: int, total: int) -> None:
            status.done, status.total = done, total
            _write(status, app)

        if not statements:
            status.state = "done"
            _write(status, app)
            return
        if status.mode == "single":
            name = f"statements-{start:%Y-%m}-{status.order}.pdf"
            pdf = render_single_file(
                statements, large_print=large, workers=workers, progress=progress
            )
            (folder / name).write_bytes(pdf)
            status.files = [name]
        else:
            name = f"statements-{start:%Y-%m}.zip"
            with zipfile.ZipFile(folder / name, "w", zipfile.ZIP_DEFLATED) as archive:
                for data, pdf in render_each(
                    statements, large_print=large, workers=workers, progress=progress
                ):
                    archive.writestr(f"statement-{data.member_no}-{start:%Y-%m}.pdf", pdf)
            status.files = [name]
        status.state = "done"
        _write(status, app)
    except Exception as err:  # the status page must say it failed rather than spin forever
        status.state = "failed"
        status.error = str(getattr(err, "message_th", "") or err.__class__.__name__)
        _write(status, app)
        if app.config.get("STATEMENT_BATCH_SYNC"):
            raise
