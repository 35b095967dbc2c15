"""Consistent online backups and careful restores, for SQLite and PostgreSQL.

A backup is one zip file:

- ``manifest.json``: format, when, which backend, the schema revision, the row count of every
  table, the money totals of every ``*_satang`` column, and the SHA-256 of the payload;
- the payload: ``database.sqlite3`` (SQLite's online backup API: a consistent snapshot taken while
  the app keeps working) or ``database.pgdump`` (``pg_dump`` custom format, taken in the same
  exported snapshot as the manifest's counts, so the two always agree).

Next to it a ``FILE.sha256`` line (``sha256sum -c`` format) covers the whole file. The archive is
written under a temporary name and renamed when complete, so a power cut never leaves a
half-written file under the final name.

A restore checks the checksums, refuses a schema newer than this program, refuses to overwrite a
database that holds tables unless confirmed, saves a safety backup of what it replaces, verifies
the restored counts and totals against the manifest, migrates an older schema to the newest, and
runs the fund's invariant checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from fund.errors import Conflict, InvalidInput
from web.db import make_engine
from web.ops.checks import CheckOutcome, run_checks
from web.ops.facts import DatabaseFacts, read_facts, user_tables

FORMAT = "chaeson-backup/1"
MANIFEST = "manifest.json"
PAYLOAD = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
BACKUP_PREFIX = "chaeson-backup-"
BACKUP_SUFFIX = ".zip"
_CHUNK = 1024 * 1024

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


@dataclass
class BackupResult:
    path: Path
    sha256: str
    manifest: dict[str, Any]


@dataclass
class RestoreReport:
    backend: str
    revision_in_backup: str | None
    revision_now: str | None
    counts: dict[str, int]
    safety_backup: Path | None = None
    migrated: bool = False
    checks: list[CheckOutcome] = field(default_factory=list)

    @property
    def checks_ok(self) -> bool:
        return all(c.ok for c in self.checks)


# --------------------------------------------------------------------------------------------
# helpers


def backend_of(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in PAYLOAD:
        raise InvalidInput(
            f"ไม่รองรับฐานข้อมูลชนิด {name}",
            f"Unsupported database backend {name}; use SQLite or PostgreSQL.",
        )
    return name


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise InvalidInput(
            "ฐานข้อมูลในหน่วยความจำสำรองไม่ได้", "An in-memory database cannot be backed up."
        )
    return Path(database)


def libpq_command_env(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and an environment carrying it.

    The password goes in PGPASSWORD, never on a command line where ``ps`` would show it.
    """
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    uri = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open directories
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _facts_of_sqlite_file(path: Path) -> DatabaseFacts:
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return read_facts(conn)
    finally:
        engine.dispose()


def _run(command: list[str], env: dict[str, str], what: str, **kwargs) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, check=False, **kwargs)  # noqa: S603
    except FileNotFoundError as err:
        raise InvalidInput(
            f"ไม่พบโปรแกรม {command[0]} (ติดตั้ง PostgreSQL client ก่อน)",
            f"{command[0]} was not found; install the PostgreSQL client tools.",
        ) from err
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip()
        raise InvalidInput(f"{what} ไม่สำเร็จ: {stderr}", f"{what} failed: {stderr}")


# --------------------------------------------------------------------------------------------
# backup


def default_backup_name(now: dt.datetime) -> str:
    return f"{BACKUP_PREFIX}{now.astimezone(dt.UTC):%Y%m%d-%H%M%S}{BACKUP_SUFFIX}"


def _snapshot_sqlite(url: str, payload: Path) -> DatabaseFacts:
    source = sqlite_path(url)
    if not source.exists():
        raise InvalidInput(f"ไม่พบฐานข้อมูล {source}", f"There is no database at {source} to back up.")
    # Read-only: a backup never creates or changes the live database.
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=15)
    dst = sqlite3.connect(payload)
    try:
        # The online backup API copies a consistent snapshot while the app keeps writing (WAL).
        src.backup(dst)
        # A self-contained file: no -wal/-shm companions when it is opened later.
        dst.execute("PRAGMA journal_mode=DELETE")
        result = dst.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dst.close()
        src.close()
    if result != "ok":
        raise InvalidInput(
            f"ฐานข้อมูลต้นทางเสียหาย: {result}", f"The live database is damaged: {result}"
        )
    return _facts_of_sqlite_file(payload)


def _snapshot_postgresql(url: str, payload: Path) -> DatabaseFacts:
    uri, env = libpq_command_env(url)
    engine = make_engine(url, poolclass=NullPool)
    try:
        conn = engine.connect().execution_options(isolation_level="REPEATABLE READ")
        try:
            with conn.begin():
                conn.execute(text("SET TRANSACTION READ ONLY"))
                # pg_dump joins this snapshot, so the manifest counts exactly what it dumps.
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
                facts = read_facts(conn)
                _run(
                    [
                        "pg_dump",
                        "--format=custom",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={snapshot}",
                        f"--file={payload}",
                        f"--dbname={uri}",
                    ],
                    env,
                    "pg_dump",
                )
        finally:
            conn.close()
    finally:
        engine.dispose()
    return facts


def create_backup(url: str, out: Path, *, now: dt.datetime, app_version: str = "") -> BackupResult:
    """Write a consistent backup of the database at ``url`` to ``out`` (a new file).

    ``out`` may be a directory: the file is then named ``chaeson-backup-YYYYMMDD-HHMMSS.zip``.
    """
    backend = backend_of(url)
    out = Path(out)
    if out.is_dir():
        out = out / default_backup_name(now)
    if out.exists():
        raise Conflict(
            f"มีไฟล์ {out} อยู่แล้ว จะไม่เขียนทับ", f"{out} already exists; it is not overwritten."
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chaeson-backup-") as scratch:
        payload = Path(scratch) / PAYLOAD[backend]
        if backend == "sqlite":
            facts = _snapshot_sqlite(url, payload)
        else:
            facts = _snapshot_postgresql(url, payload)
        manifest = {
            "format": FORMAT,
            "created_at": now.astimezone(dt.UTC).isoformat(),
            "app_version": app_version,
            "backend": backend,
            "payload": PAYLOAD[backend],
            "payload_sha256": sha256_file(payload),
            "payload_bytes": payload.stat().st_size,
            **facts.as_dict(),
        }
        partial = out.with_name(out.name + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
            archive.write(payload, PAYLOAD[backend])
        with partial.open("rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(partial, 0o600)  # members' personal data: readable by the fund's account only
        partial.replace(out)
        _fsync_dir(out.parent)
    digest = sha256_file(out)
    sidecar = out.with_name(out.name + ".sha256")
    sidecar.write_text(f"{digest}  {out.name}\n")
    return BackupResult(path=out, sha256=digest, manifest=manifest)


def prune_backups(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups made with default names in ``directory``."""
    if keep < 1:
        raise InvalidInput("ต้องเก็บไว้อย่างน้อย 1 ชุด", "Keep at least one backup.")
    found = sorted(
        p
        for p in Path(directory).glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}")
        if p.is_file() and not p.name.endswith(".partial")
    )
    removed = []
    for old in found[:-keep]:
        old.unlink()
        old.with_name(old.name + ".sha256").unlink(missing_ok=True)
        removed.append(old)
    return removed


# --------------------------------------------------------------------------------------------
# reading and restoring


def _corrupt(path: Path, why_th: str, why_en: str) -> InvalidInput:
    return InvalidInput(
        f"ไฟล์สำรอง {path.name} เสียหายหรือไม่ใช่ไฟล์สำรองของระบบนี้ ({why_th}) ไม่ได้กู้คืนอะไร",
        f"The backup {path.name} is damaged or not a chaeson backup ({why_en}); nothing restored.",
    )


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of a backup after checking every checksum; raises if anything is off."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"ไม่พบไฟล์ {path}", f"There is no file {path}.")
    sidecar = path.with_name(path.name + ".sha256")
    if sidecar.exists():
        expected = sidecar.read_text().split()[0] if sidecar.read_text().split() else ""
        if expected != sha256_file(path):
            raise _corrupt(path, "ผลรวม SHA-256 ไม่ตรง", "SHA-256 of the file does not match")
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise _corrupt(path, "รูปแบบไม่รู้จัก", "unknown format")
            payload_name = PAYLOAD.get(manifest.get("backend", ""))
            if payload_name is None or manifest.get("payload") != payload_name:
                raise _corrupt(path, "ชนิดฐานข้อมูลไม่รู้จัก", "unknown backend")
            digest = hashlib.sha256()
            with archive.open(payload_name) as fh:  # zipfile also checks its CRC-32 here
                while chunk := fh.read(_CHUNK):
                    digest.update(chunk)
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError) as err:
        raise _corrupt(path, "อ่านไม่ได้", str(err) or type(err).__name__) from err
    if digest.hexdigest() != manifest.get("payload_sha256"):
        raise _corrupt(path, "ผลรวม SHA-256 ของข้อมูลไม่ตรง", "payload SHA-256 does not match")
    return manifest


def _check_revision(manifest: dict[str, Any]) -> bool:
    """True when the backup's schema is older than the code's (a migration follows the restore)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from web.migrate import alembic_config, head_revision

    revision = manifest.get("revision")
    head = head_revision()
    if revision is None or revision == head:
        return revision is None
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        known = script.get_revision(revision)
    except (CommandError, KeyError, ValueError):
        known = None
    if known is None:
        raise Conflict(
            f"ไฟล์สำรองมาจากโปรแกรมรุ่นใหม่กว่า (โครงสร้างรุ่น {revision}) "
            f"กรุณาปรับรุ่นโปรแกรมก่อนกู้คืน ไม่ได้กู้คืนอะไร",
            f"The backup comes from a newer version of chaeson (schema {revision}, this program "
            f"knows up to {head}); upgrade the program first. Nothing was restored.",
        )
    return True


def _has_tables(url: str) -> bool:
    if backend_of(url) == "sqlite" and not sqlite_path(url).exists():
        return False
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return bool(user_tables(conn))
    finally:
        engine.dispose()


def _verify(url: str, expected: DatabaseFacts) -> DatabaseFacts:
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            found = read_facts(conn)
    finally:
        engine.dispose()
    problems = expected.differences(found)
    if problems:
        raise InvalidInput(
            "ข้อมูลที่กู้คืนไม่ตรงกับบันทึกในไฟล์สำรอง: " + "; ".join(problems),
            "The restored data does not match the backup's manifest: " + "; ".join(problems),
        )
    return found


def _restore_sqlite(url: str, archive_path: Path, expected: DatabaseFacts) -> None:
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chaeson-restore-", dir=target.parent) as scratch:
        staged = Path(scratch) / PAYLOAD["sqlite"]
        with zipfile.ZipFile(archive_path) as archive, archive.open(PAYLOAD["sqlite"]) as src:
            with staged.open("wb") as dst:
                shutil.copyfileobj(src, dst, _CHUNK)
        # Prove the staged copy before it touches the live database.
        conn = sqlite3.connect(staged)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()
        if result != "ok":
            raise _corrupt(archive_path, "ฐานข้อมูลในไฟล์เสียหาย", f"integrity_check: {result}")
        problems = expected.differences(_facts_of_sqlite_file(staged))
        if problems:
            raise _corrupt(archive_path, "จำนวนรายการไม่ตรง", "; ".join(problems))
        # The backup API replaces the live file's pages in one locked step, safely even while
        # other connections have it open (they see the restored data on their next read).
        src = sqlite3.connect(staged)
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
            src.close()


_PG_PRELUDE = b"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"


def _restore_postgresql(url: str, archive_path: Path) -> None:
    uri, env = libpq_command_env(url)
    with tempfile.TemporaryDirectory(prefix="chaeson-restore-") as scratch:
        staged = Path(scratch) / PAYLOAD["postgresql"]
        with zipfile.ZipFile(archive_path) as archive, archive.open(PAYLOAD["postgresql"]) as src:
            with staged.open("wb") as dst:
                shutil.copyfileobj(src, dst, _CHUNK)
        script = Path(scratch) / "restore.sql"
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", f"--file={script}", str(staged)],
            env,
            "pg_restore",
        )
        # One transaction: the old schema is dropped and the backup loaded, or nothing changes.
        with script.open("rb") as body:
            sql = _PG_PRELUDE + body.read()
        _run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", uri],
            env,
            "psql",
            input=sql,
        )


def restore_backup(
    url: str,
    archive_path: Path,
    *,
    confirmed: bool,
    safety_dir: Path,
    now: dt.datetime,
    progress: Progress = _quiet,
) -> RestoreReport:
    """Replace the database at ``url`` with the backup, after every check described above."""
    archive_path = Path(archive_path)
    manifest = read_manifest(archive_path)
    backend = backend_of(url)
    if manifest["backend"] != backend:
        raise Conflict(
            f"ไฟล์สำรองเป็นของฐานข้อมูล {manifest['backend']} แต่ระบบใช้ {backend} "
            "(กู้คืนลง SQLite ก่อน แล้วใช้ chaeson copy-to-postgres)",
            f"The backup is of a {manifest['backend']} database but this server uses {backend}. "
            "Restore it into SQLite, then use `chaeson copy-to-postgres`.",
        )
    needs_migration = _check_revision(manifest)
    progress(f"ไฟล์สำรองสมบูรณ์ (backup verified): {manifest.get('created_at')}")
    safety = None
    if _has_tables(url):
        if not confirmed:
            raise Conflict(
                "ฐานข้อมูลปัจจุบันมีข้อมูลอยู่ จะเขียนทับก็ต่อเมื่อยืนยันด้วย --yes",
                "The current database holds data; it is overwritten only with --yes.",
            )
        safety_dir = Path(safety_dir)
        safety_dir.mkdir(parents=True, exist_ok=True)
        name = f"chaeson-before-restore-{now.astimezone(dt.UTC):%Y%m%d-%H%M%S-%f}{BACKUP_SUFFIX}"
        safety = create_backup(url, safety_dir / name, now=now).path
        progress(f"สำรองข้อมูลเดิมไว้ที่ (previous data saved to) {safety}")
    expected = DatabaseFacts.from_dict(manifest)
    if backend == "sqlite":
        _restore_sqlite(url, archive_path, expected)
    else:
        _restore_postgresql(url, archive_path)
    found = _verify(url, expected)
    progress("จำนวนรายการและยอดเงินตรงกับไฟล์สำรอง (counts and totals match the manifest)")
    if needs_migration:
        from web.migrate import upgrade

        upgrade(url)
        progress("ปรับโครงสร้างฐานข้อมูลเป็นรุ่นล่าสุดแล้ว (schema migrated to the newest)")
    report = RestoreReport(
        backend=backend,
        revision_in_backup=manifest.get("revision"),
        revision_now=None,
        counts=found.counts,
        safety_backup=safety,
        migrated=needs_migration,
    )
    engine = make_engine(url, poolclass=NullPool)
    try:
        with Session(engine) as session:
            report.checks = run_checks(session)
            session.rollback()
        with engine.connect() as conn:
            from web.ops.facts import current_revision

            report.revision_now = current_revision(conn)
    finally:
        engine.dispose()
    return report
