"""Configuration from the environment, with safe defaults for a single PC install."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


def instance_path() -> Path:
    return Path(os.environ.get("CHAESON_INSTANCE", DEFAULT_INSTANCE))


def database_url() -> str:
    url = os.environ.get("CHAESON_DATABASE_URL")
    if url:
        return url
    path = instance_path() / "chaeson.db"
    return f"sqlite:///{path}"


def secret_key(instance: Path) -> str:
    """CHAESON_SECRET_KEY, else one generated once into the instance folder, readable by us only."""
    key = os.environ.get("CHAESON_SECRET_KEY")
    if key:
        return key
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def load_config() -> dict:
    instance = instance_path()
    return {
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url(),
        "SECRET_KEY": secret_key(instance),
        "SESSION_COOKIE_NAME": "chaeson_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("CHAESON_HTTPS", "") == "1",
        "WTF_CSRF_TIME_LIMIT": None,  # the CSRF token lives as long as the login session
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "th",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Bangkok",
        "FISCAL_YEAR_START_MONTH": 10,
        "DEBUG": False,
    }
