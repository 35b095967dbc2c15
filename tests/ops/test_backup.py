"""Backups are consistent while the app writes; restores refuse anything doubtful."""

from __future__ import annotations

import json
import threading
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from fund.audit.services import record_audit
from fund.db import UTCDateTime
from fund.errors import Conflict, InvalidInput
from web.cli import main
from web.db import make_engine
from web.migrate import head_revision, upgrade
from web.ops.backup import (
    create_backup,
    prune_backups,
    read_manifest,
    restore_backup,
    sha256_file,
)

from .conftest import NOW, scalar, seed


def _rewrite(archive: Path, out: Path, *, manifest_change=None, payload_change=None) -> None:
    """Copy a backup, optionally editing its manifest or its payload bytes."""
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "manifest.json" and manifest_change:
                manifest = json.loads(data)
                manifest_change(manifest)
                data = json.dumps(manifest).encode()
            elif info.filename != "manifest.json" and payload_change:
                data = payload_change(data)
            dst.writestr(info.filename, data)


def test_backup_records_revision_counts_totals_and_checksums(seeded_url, backend, tmp_path, now):
    result = create_backup(seeded_url, tmp_path, now=now)
    assert result.path.name == "chaeson-backup-20251120-030000.zip"
    assert result.path.stat().st_mode & 0o777 == 0o600
    manifest = read_manifest(result.path)
    assert manifest["backend"] == backend
    assert manifest["revision"] == head_revision()
    assert manifest["counts"]["users"] == 3
    assert manifest["counts"]["audit_log"] == 3 + 5  # user.create x3 + seeds
    assert "alembic_version" not in manifest["counts"]
    sidecar = result.path.with_name(result.path.name + ".sha256").read_text()
    assert sidecar == f"{sha256_file(result.path)}  {result.path.name}\n"
    # Never overwrites an existing file.
    with pytest.raises(Conflict):
        create_backup(seeded_url, result.path, now=now)


def test_backup_taken_while_the_app_writes_is_a_consistent_snapshot(
    backend, database_factory, tmp_path, now
):
    url = database_factory.new_url(backend)
    seed(url)
    stop = threading.Event()
    written = []
    errors = []

    def writer():
        engine = make_engine(url, poolclass=NullPool)
        try:
            i = 0
            while not stop.is_set() and i < 2000:
                with Session(engine) as s:
                    # Two rows per transaction: a snapshot must never hold an odd number.
                    record_audit(s, actor=None, action="load.a", entity="t", entity_id=i, at=now)
                    record_audit(s, actor=None, action="load.b", entity="t", entity_id=i, at=now)
                    s.commit()
                written.append(i)
                i += 1
        except Exception as err:  # surfaced below
            errors.append(err)
        finally:
            engine.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            if errors or not thread.is_alive():
                break
            threading.Event().wait(0.01)
        result = create_backup(url, tmp_path / "live.zip", now=now)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not errors, errors
    target = database_factory.new_url(backend, migrate=False)
    restore_backup(target, result.path, confirmed=False, safety_dir=tmp_path / "s", now=now)
    a = scalar(target, "SELECT count(*) FROM audit_log WHERE action = 'load.a'")
    b = scalar(target, "SELECT count(*) FROM audit_log WHERE action = 'load.b'")
    assert a == b >= 20
    assert scalar(url, "SELECT count(*) FROM audit_log WHERE action = 'load.a'") >= a
    assert result.manifest["counts"]["audit_log"] == 3 + 5 + 2 * a


def test_restore_into_an_empty_database_reproduces_the_data(
    seeded_url, backend, database_factory, tmp_path, now
):
    result = create_backup(seeded_url, tmp_path / "b.zip", now=now)
    target = database_factory.new_url(backend, migrate=False)
    report = restore_backup(target, result.path, confirmed=False, safety_dir=tmp_path, now=now)
    assert report.safety_backup is None  # nothing was there to replace
    assert report.revision_now == head_revision()
    assert report.counts == result.manifest["counts"]
    assert scalar(target, "SELECT display_name FROM users WHERE username = 'user2'") == "ผู้ใช้ 2"
    # The append-only triggers came back with the data.
    engine = make_engine(target, poolclass=NullPool)
    try:
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET action = 'forged'"))
    finally:
        engine.dispose()


def test_restore_refuses_to_overwrite_data_without_confirmation(
    seeded_url, backend, database_factory, tmp_path, now
):
    result = create_backup(seeded_url, tmp_path / "b.zip", now=now)
    target = database_factory.new_url(backend)
    seed(target, users=1, audit_rows=0)
    with pytest.raises(Conflict, match="--yes"):
        restore_backup(target, result.path, confirmed=False, safety_dir=tmp_path / "s", now=now)
    assert scalar(target, "SELECT count(*) FROM users") == 1
    assert not (tmp_path / "s").exists()

    report = restore_backup(target, result.path, confirmed=True, safety_dir=tmp_path / "s", now=now)
    assert scalar(target, "SELECT count(*) FROM users") == 3
    # What was replaced is itself a good backup of the old data.
    assert report.safety_backup is not None
    assert read_manifest(report.safety_backup)["counts"]["users"] == 1


@pytest.mark.parametrize("damage", ["payload", "truncated", "sidecar", "not-a-zip"])
def test_restore_refuses_a_damaged_backup_and_changes_nothing(
    seeded_url, backend, database_factory, tmp_path, now, damage
):
    good = create_backup(seeded_url, tmp_path / "good.zip", now=now).path
    bad = tmp_path / "bad.zip"
    if damage == "payload":

        def flip(data: bytes) -> bytes:
            middle = len(data) // 2
            return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]

        _rewrite(good, bad, payload_change=flip)
    elif damage == "truncated":
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    elif damage == "sidecar":
        bad.write_bytes(good.read_bytes())
        bad.with_name("bad.zip.sha256").write_text("0" * 64 + "  bad.zip\n")
    else:
        bad.write_text("hello")
    target = database_factory.new_url(backend)
    seed(target, users=1, audit_rows=0)
    with pytest.raises(InvalidInput, match="damaged"):
        restore_backup(target, bad, confirmed=True, safety_dir=tmp_path / "s", now=now)
    assert scalar(target, "SELECT count(*) FROM users") == 1
    assert not (tmp_path / "s").exists()


def test_restore_refuses_a_backup_from_a_newer_schema(
    seeded_url, backend, database_factory, tmp_path, now
):
    good = create_backup(seeded_url, tmp_path / "good.zip", now=now).path
    newer = tmp_path / "newer.zip"
    _rewrite(good, newer, manifest_change=lambda m: m.update(revision="9999"))
    target = database_factory.new_url(backend, migrate=False)
    with pytest.raises(Conflict, match="newer version"):
        restore_backup(target, newer, confirmed=True, safety_dir=tmp_path / "s", now=now)
    assert scalar(target, "SELECT 1") == 1
    engine = make_engine(target, poolclass=NullPool)
    try:
        from sqlalchemy import inspect

        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_restore_refuses_a_backup_whose_counts_disagree_with_its_manifest(
    seeded_url, backend, database_factory, tmp_path, now
):
    good = create_backup(seeded_url, tmp_path / "good.zip", now=now).path
    lying = tmp_path / "lying.zip"
    _rewrite(good, lying, manifest_change=lambda m: m["counts"].update(users=99))
    target = database_factory.new_url(backend, migrate=False)
    with pytest.raises(InvalidInput, match="users: 99 rows expected, 3 found"):
        restore_backup(target, lying, confirmed=True, safety_dir=tmp_path / "s", now=now)


def test_a_backup_of_an_older_schema_is_restored_then_migrated(
    backend, database_factory, tmp_path, now
):
    old = database_factory.new_url(backend, migrate=False)
    upgrade(old, "0001")
    seed_baseline(old, users=2)
    result = create_backup(old, tmp_path / "old.zip", now=now)
    assert result.manifest["revision"] == "0001"
    target = database_factory.new_url(backend, migrate=False)
    report = restore_backup(target, result.path, confirmed=False, safety_dir=tmp_path, now=now)
    assert report.migrated
    assert report.revision_now == head_revision()
    assert scalar(target, "SELECT count(*) FROM users") == 2


def test_restore_refuses_a_backup_of_the_other_backend(database_factory, tmp_path, now):
    url = database_factory.new_url("sqlite")
    seed(url)
    backup = create_backup(url, tmp_path / "b.zip", now=now).path
    pg = database_factory.new_url("postgresql", migrate=False)
    with pytest.raises(Conflict, match="copy-to-postgres"):
        restore_backup(pg, backup, confirmed=True, safety_dir=tmp_path, now=now)


def test_backup_of_a_missing_sqlite_file_is_refused_and_creates_nothing(tmp_path, now):
    missing = tmp_path / "nothing.db"
    with pytest.raises(InvalidInput, match="no database"):
        create_backup(f"sqlite:///{missing}", tmp_path / "b.zip", now=now)
    assert not missing.exists()
    assert not (tmp_path / "b.zip").exists()


def test_prune_keeps_the_newest_backups(tmp_path):
    for stamp in ("20251101-010000", "20251102-010000", "20251103-010000"):
        (tmp_path / f"chaeson-backup-{stamp}.zip").write_text("x")
        (tmp_path / f"chaeson-backup-{stamp}.zip.sha256").write_text("x")
    (tmp_path / "keep-me.zip").write_text("other file")
    removed = prune_backups(tmp_path, keep=2)
    assert [p.name for p in removed] == ["chaeson-backup-20251101-010000.zip"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "chaeson-backup-20251102-010000.zip",
        "chaeson-backup-20251102-010000.zip.sha256",
        "chaeson-backup-20251103-010000.zip",
        "chaeson-backup-20251103-010000.zip.sha256",
        "keep-me.zip",
    ]
    with pytest.raises(InvalidInput):
        prune_backups(tmp_path, keep=0)


def test_cli_backup_and_restore_say_what_they_did(
    seeded_url, backend, database_factory, tmp_path, monkeypatch
):
    monkeypatch.setenv("CHAESON_DATABASE_URL", seeded_url)
    monkeypatch.setenv("CHAESON_INSTANCE", str(tmp_path / "instance"))
    runner = CliRunner()
    out_dir = tmp_path / "backups"
    out_dir.mkdir()
    made = runner.invoke(main, ["backup", "-o", str(out_dir), "--keep", "1"])
    assert made.exit_code == 0, made.output
    assert "SHA-256" in made.output
    assert f"schema {head_revision()}" in made.output
    archive = next(out_dir.glob("chaeson-backup-*.zip"))

    refused = runner.invoke(main, ["restore", str(archive)])
    assert refused.exit_code == 1
    assert "--yes" in refused.output

    done = runner.invoke(main, ["restore", str(archive), "--yes"])
    assert done.exit_code == 0, done.output
    assert "กู้คืนแล้ว (restored)" in done.output
    assert "previous data saved to" in done.output
    assert list((tmp_path / "instance" / "backups").glob("chaeson-before-restore-*.zip"))


def seed_baseline(url: str, *, users: int) -> None:
    """Users in the 0001 schema's columns (the ORM models follow the newest schema, not 0001)."""
    table = sa.table(
        "users",
        sa.column("username", sa.String()),
        sa.column("display_name", sa.String()),
        sa.column("role", sa.String()),
        sa.column("password_hash", sa.String()),
        sa.column("is_active", sa.Boolean()),
        sa.column("session_generation", sa.Integer()),
        sa.column("created_at", UTCDateTime()),
    )
    rows = [
        {
            "username": f"user{i}",
            "display_name": f"ผู้ใช้ {i}",
            "role": "committee",
            "password_hash": "x",
            "is_active": True,
            "session_generation": 1,
            "created_at": NOW,
        }
        for i in range(users)
    ]
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(table.insert(), rows)
    finally:
        engine.dispose()
