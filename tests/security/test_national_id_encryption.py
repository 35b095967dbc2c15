"""National IDs are encrypted at rest, found by a keyed hash, and absent from backups."""

from __future__ import annotations

import base64
import datetime as dt
import os
import subprocess
import zipfile

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

import fund.crypto as crypto
from fund.crypto import DataKeyError, load_key, parse_key
from fund.errors import Conflict
from fund.members.national_id import format_national_id
from fund.members.sensitive import MemberNationalId
from fund.members.services import MemberDetails, SensitiveDetails, register_member
from web.db import make_engine
from web.migrate import downgrade, upgrade
from web.ops.backup import create_backup, libpq_command_env


def _valid(first12: str) -> str:
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return first12 + str((11 - total % 11) % 10)


NID = _valid("350010012345")
OTHER = _valid("110370099887")
JOINED = dt.date(2024, 5, 1)


@pytest.fixture
def restore_key():
    saved = crypto._current
    yield
    crypto._current = saved


def _register(db, committee, now, nid=NID, name="ทองคำ"):
    return register_member(
        db,
        details=MemberDetails(title="นาง", first_name=name, last_name="ใจดี", joined_on=JOINED),
        sensitive=SensitiveDetails(national_id=nid),
        by=committee,
        now=now,
    ).member


def test_the_database_holds_ciphertext_and_a_hash_never_the_id(db, users, now):
    member = _register(db, users["committee"], now)
    db.flush()
    row = (
        db.execute(text("SELECT * FROM member_national_ids WHERE member_id = :m"), {"m": member.id})
        .mappings()
        .one()
    )
    assert "national_id" not in row
    stored = " ".join(str(v) for v in row.values())
    assert NID not in stored and format_national_id(NID) not in stored
    assert row["national_id_encrypted"].startswith("v1.")
    assert len(row["national_id_hash"]) == 64
    assert row["last4"] == NID[-4:]
    # Through the model it reads as the plain ID.
    db.expire_all()
    assert db.get(MemberNationalId, member.id).national_id == NID


def test_the_same_id_encrypts_differently_but_hashes_the_same(db, users, now):
    first = crypto.encrypt(NID, context="t")
    assert first != crypto.encrypt(NID, context="t")  # a fresh nonce every time
    assert crypto.lookup_hash(NID, context="t") == crypto.lookup_hash(NID, context="t")
    assert crypto.lookup_hash(NID, context="t") != crypto.lookup_hash(OTHER, context="t")
    with pytest.raises(DataKeyError):
        crypto.decrypt(first, context="another-column")  # bound to where it belongs


def test_exact_lookup_and_the_one_registration_per_person_rule_work_on_the_hash(db, users, now):
    member = _register(db, users["committee"], now)
    found = db.scalar(select(MemberNationalId.member_id).where(MemberNationalId.national_id == NID))
    assert found == member.id
    assert (
        db.scalar(select(MemberNationalId.member_id).where(MemberNationalId.national_id == OTHER))
        is None
    )
    # In a select the ID reads decrypted; in_ works on the hash (the import uses both).
    rows = db.execute(
        select(MemberNationalId.national_id, MemberNationalId.member_id).where(
            MemberNationalId.national_id.in_([OTHER, NID])
        )
    ).all()
    assert [tuple(r) for r in rows] == [(NID, member.id)]
    with pytest.raises(NotImplementedError):
        select(MemberNationalId.member_id).where(MemberNationalId.national_id.like("35%"))
    with pytest.raises(Conflict, match=member.member_no):
        _register(db, users["committee"], now, nid=format_national_id(NID), name="ซ้ำ")


def test_another_key_cannot_read_the_ids_and_says_what_to_restore(db, users, now, restore_key):
    member = _register(db, users["committee"], now)
    db.flush()
    db.expire_all()
    crypto.use_key(os.urandom(32))
    row = db.get(MemberNationalId, member.id)
    with pytest.raises(DataKeyError, match="data_key"):
        _ = row.national_id
    # ...and with another key the hash no longer finds it.
    assert (
        db.scalar(select(MemberNationalId.member_id).where(MemberNationalId.national_id == NID))
        is None
    )


def test_the_key_file_is_made_once_private_and_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.delenv(crypto.KEY_ENV, raising=False)
    first = load_key(tmp_path)
    assert load_key(tmp_path) == first
    key_file = tmp_path / crypto.KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [crypto.KEY_FILE]
    from_env = os.urandom(32)
    monkeypatch.setenv(crypto.KEY_ENV, base64.urlsafe_b64encode(from_env).decode())
    assert load_key(tmp_path) == from_env
    monkeypatch.setenv(crypto.KEY_ENV, from_env.hex())
    assert load_key(tmp_path) == from_env
    for bad in ("too-short", base64.urlsafe_b64encode(b"x" * 16).decode(), "z" * 64):
        with pytest.raises(DataKeyError):
            parse_key(bad)


def test_backups_carry_no_plain_national_ids(backend, database_factory, tmp_path, now):
    from fund.users.models import Role
    from fund.users.services import create_user

    url = database_factory.new_url(backend)
    engine = make_engine(url, poolclass=NullPool)
    try:
        with Session(engine) as s:
            committee = create_user(
                s,
                username="clerk",
                display_name="เสมียน",
                role=Role.COMMITTEE,
                password="a-long-enough-secret",
                now=now,
            )
            _register(s, committee, now)
            s.commit()
    finally:
        engine.dispose()
    archive = create_backup(url, tmp_path / "b.zip", now=now).path
    with zipfile.ZipFile(archive) as z:
        name = next(n for n in z.namelist() if n.startswith("database."))
        payload = z.read(name)
    if backend == "postgresql":
        dump = tmp_path / "dump"
        dump.write_bytes(payload)
        _, env = libpq_command_env(url)
        payload = subprocess.run(
            ["pg_restore", "--data-only", "-f", "-", str(dump)],
            env=env,
            capture_output=True,
            check=True,
        ).stdout
        assert b"national_id_hash" in payload  # the table's data is really in the dump
    for form in (NID, format_national_id(NID), " ".join(format_national_id(NID).split("-"))):
        assert form.encode() not in payload


def test_the_migration_encrypts_existing_ids_and_downgrade_gives_them_back(database_factory):
    url = database_factory.new_url("sqlite", migrate=False)
    upgrade(url, "0006")
    engine = make_engine(url, poolclass=NullPool)
    try:
        from fund.members.models import Member, MemberStatus

        with Session(engine) as s:
            s.add(
                Member(
                    member_no="CS-0001",
                    first_name="ก",
                    last_name="ข",
                    joined_on=JOINED,
                    status=MemberStatus.ACTIVE,
                    created_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
                )
            )
            s.commit()
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO member_national_ids (member_id, national_id, last4, recorded_at)"
                    " VALUES (1, :n, :l, '2024-01-01 00:00:00')"
                ),
                {"n": NID, "l": NID[-4:]},
            )
        upgrade(url, "0007")
        with engine.connect() as conn:
            row = conn.execute(text("SELECT * FROM member_national_ids")).mappings().one()
        assert NID not in str(dict(row))
        with Session(engine) as s:
            assert s.get(MemberNationalId, 1).national_id == NID
        downgrade(url, "0006")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT national_id FROM member_national_ids")).scalar() == NID
        upgrade(url)
    finally:
        engine.dispose()
