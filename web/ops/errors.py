"""Clear pages when the database fails: read-only, disk full, busy, or the server gone.

A request's writes go into one transaction that the view commits once; when the database refuses
(at any statement or at the commit) the transaction is rolled back as a whole, so the page can
truthfully say that nothing was saved, and what the person (or the fund's admin) can do.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask, current_app, render_template
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError

READONLY = "readonly"
FULL = "full"
BUSY = "busy"
UNAVAILABLE = "unavailable"

_SIGNS = {
    READONLY: ("readonly database", "read-only", "read only"),
    FULL: ("disk is full", "no space left", "could not extend file", "disk full", "quota"),
    BUSY: ("database is locked", "lock timeout", "deadlock detected", "could not serialize"),
    UNAVAILABLE: (
        "server closed the connection",
        "terminating connection",
        "connection refused",
        "could not connect",
        "connection is closed",
        "connection timed out",
        "the database system is shutting down",
        "the database system is starting up",
        "consuming input failed",
        "unable to open database file",
        "disk i/o error",
    ),
}
#: less free space than this where the SQLite file lives: an I/O error is the disk being full
LOW_SPACE_BYTES = 4 * 1024 * 1024


def _sqlite_disk_is_full(database_url: str | None) -> bool:
    if not database_url or not database_url.startswith("sqlite"):
        return False
    from sqlalchemy import make_url

    database = make_url(database_url).database
    if not database or database == ":memory:":
        return False
    try:
        return shutil.disk_usage(Path(database).resolve().parent).free < LOW_SPACE_BYTES
    except OSError:
        return False


def classify(err: DBAPIError, database_url: str | None = None) -> str | None:
    """Which kind of database fault ``err`` is, or None for an ordinary error (a bug).

    SQLite reports a full disk while writing its log as a plain "disk I/O error"; when the
    disk holding the database file has (almost) no free space, that is what it is.
    """
    text = str(err.orig if err.orig is not None else err).lower()
    if "disk i/o error" in text and _sqlite_disk_is_full(database_url):
        return FULL
    for kind, signs in _SIGNS.items():
        if any(sign in text for sign in signs):
            return kind
    if err.connection_invalidated:
        return UNAVAILABLE
    return None


def _messages() -> dict[str, tuple[str, str]]:
    nothing = _("ไม่มีอะไรถูกบันทึกไว้ครึ่งๆ กลางๆ")
    return {
        READONLY: (
            _("ฐานข้อมูลบันทึกไม่ได้ (อ่านได้อย่างเดียว)"),
            _("ระบบเปิดฐานข้อมูลได้แต่เขียนไม่ได้ รายการนี้จึงยังไม่ถูกบันทึก")
            + " "
            + nothing
            + " "
            + _("กรุณาแจ้งผู้ดูแลระบบให้ตรวจสิทธิ์ของไฟล์ฐานข้อมูล แล้วลองใหม่"),
        ),
        FULL: (
            _("พื้นที่เก็บข้อมูลเต็ม"),
            _("ดิสก์ของเครื่องแม่ข่ายเต็ม รายการนี้จึงยังไม่ถูกบันทึก")
            + " "
            + nothing
            + " "
            + _("กรุณาแจ้งผู้ดูแลระบบให้เพิ่มพื้นที่ (เช่น ย้ายไฟล์สำรองเก่าออก) แล้วกดส่งอีกครั้ง"),
        ),
        BUSY: (
            _("ระบบกำลังยุ่ง"),
            _("มีผู้ใช้บันทึกรายการพร้อมกันมาก รายการนี้จึงยังไม่ถูกบันทึก")
            + " "
            + nothing
            + " "
            + _("กรุณารอสักครู่แล้วกดส่งอีกครั้ง"),
        ),
        UNAVAILABLE: (
            _("ติดต่อฐานข้อมูลไม่ได้"),
            _("การเชื่อมต่อกับฐานข้อมูลขาดไประหว่างทำรายการ รายการนี้จึงยังไม่ถูกบันทึก")
            + " "
            + nothing
            + " "
            + _("กรุณาลองใหม่อีกครั้ง หากยังไม่ได้ ให้แจ้งผู้ดูแลระบบ"),
        ),
    }


def register_database_fault_handlers(app: Flask) -> None:
    @app.errorhandler(DBAPIError)
    def database_fault(err: DBAPIError):
        kind = classify(err, current_app.config.get("DATABASE_URL"))
        current_app.logger.error("database fault (%s): %s", kind or "unexpected", err.orig)
        if kind is None:
            title = _("เกิดข้อผิดพลาด")
            message = _("ระบบทำรายการไม่สำเร็จ และไม่ได้บันทึกอะไรไว้ครึ่งๆ กลางๆ กรุณาลองใหม่")
            status = 500
        else:
            title, message = _messages()[kind]
            status = 503
        response = render_template("errors/error.html", status=status, title=title, message=message)
        return response, status, {"Retry-After": "30"} if status == 503 else {}
