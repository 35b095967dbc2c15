"""Accepting uploaded files safely: size and type checked by content, never stored by their name.

``MAX_CONTENT_LENGTH`` (5 MB) already refuses larger requests with a 413 page. On top of that a
view calls :func:`read_upload` (checks and returns the bytes) or :func:`store_upload` (also saves
them under a random name, readable by the fund's account only). The file's type is decided by
its content, and must agree with the extension the user's file had: a renamed ``.exe`` is
refused. The name the user gave is kept only as display text, never as a path.
"""

from __future__ import annotations

import io
import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from fund.errors import InvalidInput

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

#: kind -> the extensions a user's file of that kind may have
EXTENSIONS = {
    "csv": (".csv", ".txt"),
    "xlsx": (".xlsx",),
    "pdf": (".pdf",),
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
}
_MAGIC = {"pdf": b"%PDF-", "png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff"}


@dataclass(frozen=True)
class Upload:
    kind: str
    data: bytes
    #: the user's file name, cleaned, for display only (never a path)
    display_name: str


@dataclass(frozen=True)
class StoredUpload:
    path: Path
    kind: str
    size: int
    display_name: str


def _refuse(th: str, en: str, field: str | None) -> InvalidInput:
    return InvalidInput(th, en, field=field)


def clean_display_name(name: str | None) -> str:
    """The last path component, printable characters only, at most 120 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in ("C",))
    return name.strip()[:120] or "upload"


def sniff(data: bytes) -> str | None:
    """The kind of file the bytes are, by their content (None when not an allowed kind)."""
    for kind, magic in _MAGIC.items():
        if data.startswith(magic):
            return kind
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
        return None
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "cp874"):  # cp874: Thai Windows, what older Excel saves
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return "csv"
    return None


def read_upload(
    file_storage, *, allowed: tuple[str, ...], max_bytes: int = MAX_UPLOAD_BYTES, field=None
) -> Upload:
    """Check an uploaded file (a Werkzeug ``FileStorage``) and return its bytes and kind."""
    if file_storage is None or not getattr(file_storage, "filename", ""):
        raise _refuse("กรุณาเลือกไฟล์", "Choose a file.", field)
    display = clean_display_name(file_storage.filename)
    data = file_storage.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _refuse(
            f"ไฟล์ใหญ่เกินไป (ไม่เกิน {max_bytes // (1024 * 1024)} เมกะไบต์)",
            f"The file is too large (at most {max_bytes // (1024 * 1024)} MB).",
            field,
        )
    if not data:
        raise _refuse("ไฟล์ว่างเปล่า", "The file is empty.", field)
    kind = sniff(data)
    extension = os.path.splitext(display)[1].lower()
    names = ", ".join(ext for k in allowed for ext in EXTENSIONS[k])
    if kind not in allowed or extension not in EXTENSIONS[kind]:
        raise _refuse(
            f"รับเฉพาะไฟล์ {names} และเนื้อไฟล์ต้องตรงกับชนิดของไฟล์",
            f"Only {names} files are accepted, and the content must match the file type.",
            field,
        )
    return Upload(kind=kind, data=data, display_name=display)


def store_upload(
    file_storage,
    *,
    allowed: tuple[str, ...],
    directory: Path,
    max_bytes: int = MAX_UPLOAD_BYTES,
    field=None,
) -> StoredUpload:
    """Check the file, then save it as ``<random>.<kind>`` in ``directory`` (mode 0600)."""
    upload = read_upload(file_storage, allowed=allowed, max_bytes=max_bytes, field=field)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{secrets.token_hex(16)}.{upload.kind}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(upload.data)
    return StoredUpload(
        path=path, kind=upload.kind, size=len(upload.data), display_name=upload.display_name
    )
