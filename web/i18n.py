"""Thai is the source language (message ids are Thai); English comes from per-area catalogs.

Each area keeps its own ``translations/`` folder so areas can grow without editing one shared
catalog. Catalogs are compiled on start when a ``.po`` is newer than its ``.mo``.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g, session

WEB_ROOT = Path(__file__).resolve().parent
LOCALES = ("th", "en")


def translation_dirs() -> list[Path]:
    return sorted({p.parents[2] for p in WEB_ROOT.glob("**/translations/*/LC_MESSAGES/*.po")})


def compile_catalogs() -> None:
    for po in WEB_ROOT.glob("**/translations/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog)
        tmp.replace(mo)


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in LOCALES:
        return chosen
    # Thai first: the fund's users read Thai; English only when someone asks for it.
    return "th"


def set_request_locale() -> None:
    g.locale = select_locale()
