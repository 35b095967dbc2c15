"""Encryption of sensitive values at rest (AES-256-GCM) and keyed hashes for exact lookup.

The national ID is stored encrypted, so the database file, a backup or a copy of it tells a thief
nothing without the key; the key lives outside the database:

- ``CHAESON_DATA_KEY`` (32 random bytes, URL-safe base64 or hex) when set, else
- the file ``data_key`` in the instance folder (``CHAESON_INSTANCE``, default ``instance/``),
  created on first use with mode 0600.

Lose the key and the encrypted values are lost: keep a copy of it somewhere safe, apart from
the backups (that separation is the point). Two keys are derived from it (HKDF-SHA256): one
encrypts, one computes the HMAC-SHA256 lookup hashes, so finding a member by ID or refusing a
second registration never needs the plain ID in the database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_ENV = "CHAESON_DATA_KEY"
KEY_FILE = "data_key"
_VERSION = "v1"
_NONCE_BYTES = 12


class DataKeyError(RuntimeError):
    """The data key is missing, malformed, or not the one the data was encrypted with."""


def _derive(key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(key)


class DataKey:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise DataKeyError(f"the data key must be 32 bytes, not {len(key)}")
        self._aead = AESGCM(_derive(key, b"chaeson/aes-gcm/v1"))
        self._mac = _derive(key, b"chaeson/lookup-hmac/v1")
        #: a short public fingerprint, to tell keys apart in messages (not secret)
        self.fingerprint = hashlib.sha256(_derive(key, b"chaeson/fingerprint")).hexdigest()[:12]

    def encrypt(self, plaintext: str, *, context: str) -> str:
        """``v1.<base64(nonce + ciphertext + tag)>``; ``context`` is bound as associated data."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode())
        return f"{_VERSION}." + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str, *, context: str) -> str:
        version, _, body = token.partition(".")
        if version != _VERSION or not body:
            raise DataKeyError("not an encrypted value of this program")
        try:
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
            plain = self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode())
        except (InvalidTag, ValueError, binascii.Error) as err:
            raise DataKeyError(
                "an encrypted value cannot be read with this data key: the data was encrypted "
                f"with another key (this key: {self.fingerprint}). Restore the original "
                f"instance/{KEY_FILE} or {KEY_ENV}."
            ) from err
        return plain.decode("utf-8")

    def lookup_hash(self, value: str, *, context: str) -> str:
        """HMAC-SHA256 of ``value`` (hex): equal values, equal hashes; useless without the key."""
        message = context.encode() + b"\0" + value.encode("utf-8")
        return hmac.new(self._mac, message, hashlib.sha256).hexdigest()


def parse_key(text: str) -> bytes:
    """32 bytes from URL-safe base64 (44 characters) or hex (64 characters)."""
    text = text.strip()
    try:
        key = bytes.fromhex(text) if len(text) == 64 else base64.urlsafe_b64decode(text)
    except (ValueError, binascii.Error) as err:
        raise DataKeyError("the data key is not valid base64 or hex") from err
    if len(key) != 32:
        raise DataKeyError(f"the data key must be 32 bytes, not {len(key)}")
    return key


def default_instance() -> Path:
    return Path(
        os.environ.get("CHAESON_INSTANCE") or Path(__file__).resolve().parent.parent / "instance"
    )


def load_key(instance: Path | None = None) -> bytes:
    """The key from ``CHAESON_DATA_KEY``, else from ``<instance>/data_key`` (made once, 0600)."""
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return parse_key(from_env)
    folder = Path(instance) if instance is not None else default_instance()
    path = folder / KEY_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        # Written whole under a temporary name, then linked into place: two processes starting
        # together end up with the same key, never a half-written one.
        fd, tmp = tempfile.mkstemp(prefix=".data_key-", dir=folder)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    return parse_key(path.read_text())


_current: DataKey | None = None


def use_key(key: bytes | None) -> None:
    """Set the process's data key (None: load it again from the environment/instance)."""
    global _current
    _current = DataKey(key) if key is not None else None


def data_key() -> DataKey:
    global _current
    if _current is None:
        _current = DataKey(load_key())
    return _current


def encrypt(plaintext: str, *, context: str) -> str:
    return data_key().encrypt(plaintext, context=context)


def decrypt(token: str, *, context: str) -> str:
    return data_key().decrypt(token, context=context)


def lookup_hash(value: str, *, context: str) -> str:
    return data_key().lookup_hash(value, context=context)
