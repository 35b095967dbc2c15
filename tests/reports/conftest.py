"""Helpers for checking the fund's PDFs: text layer, shaped glyphs, word-boundary breaks.

Test modules get them through the ``pdfcheck`` fixture (modules cannot import each other under
``--import-mode=importlib``).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from types import SimpleNamespace

import pytest
import uharfbuzz as hb
from fontTools.ttLib import TTFont as FTFont
from pypdf import PdfReader

from reports import fonts
from reports.thai_text import COMBINING, thai_tokens

PUA = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")
PDFTOTEXT = shutil.which("pdftotext")
#: a Christian-era year after a Thai month ("5 ม.ค. 2025", "5 มกราคม 2025")
CE_YEAR = re.compile(r"[\u0e01-\u0e5b.] 20[0-9]{2}\b")


def pypdf_lines(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return [line.strip() for line in text.splitlines() if line.strip()]


def pypdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def pdftotext_lines(pdf: bytes, *args: str) -> list[str]:
    if PDFTOTEXT is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", *args, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return [line.strip() for line in out.replace("\f", "\n").splitlines() if line.strip()]


def whole_tokens(lines: list[str], source: str) -> None:
    """Assert ``lines`` (spaces ignored) split ``source`` only between its PyThaiNLP tokens."""
    tokens = [t.replace(" ", "") for t in thai_tokens(source) if t.strip()]
    i = 0
    for line in lines:
        rest = line.replace(" ", "")
        assert rest, "empty line"
        while rest:
            assert i < len(tokens), f"line {line!r} runs past the source"
            assert rest.startswith(tokens[i]), f"line {line!r} breaks inside token {tokens[i]!r}"
            rest = rest[len(tokens[i]) :]
            i += 1
        assert line[0] not in COMBINING
    assert i == len(tokens), "text lost"


def find_wrapped(lines: list[str], source: str) -> list[str]:
    """The consecutive ``lines`` that together spell ``source`` (a wrapped paragraph)."""
    flat = source.replace(" ", "")
    for start in range(len(lines)):
        joined = ""
        for end in range(start, len(lines)):
            joined += lines[end].replace(" ", "")
            if joined == flat:
                return lines[start : end + 1]
            if not flat.startswith(joined):
                break
    raise AssertionError(f"{source!r} is not in the text layer as consecutive lines")


def _coords(glyf, name: str) -> list[tuple[int, int]]:
    coords, _ends, _flags = glyf[name].getCoordinates(glyf)
    return [tuple(p) for p in coords]


def embedded_glyph_coords(pdf: bytes) -> list[list[tuple[int, int]]]:
    """Outline coordinates of every glyph of every embedded TrueType subset."""
    result = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            desc = font.get_object().get("/FontDescriptor")
            if desc is None or "/FontFile2" not in desc.get_object():
                continue
            data = desc.get_object()["/FontFile2"].get_object().get_data()
            ft = FTFont(io.BytesIO(data))
            glyf = ft["glyf"]
            result.extend(_coords(glyf, name) for name in ft.getGlyphOrder())
    return result


def hb_substituted_glyphs(text: str, font_name: str = fonts.REGULAR) -> set[str]:
    """Glyph names HarfBuzz picks for ``text`` that have no Unicode code point of their own."""
    path = str(fonts.font_path(font_name))
    font = hb.Font(hb.Face(hb.Blob.from_file_path(path)))
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf, {"kern": True, "liga": True})
    cmap_names = set(FTFont(path).getBestCmap().values())
    names = {font.glyph_to_string(info.codepoint) for info in buf.glyph_infos}
    return names - cmap_names


def assert_glyphs_embedded(pdf: bytes, text: str, font_name: str = fonts.REGULAR) -> set[str]:
    """Every substituted glyph HarfBuzz picks for ``text`` is embedded in ``pdf``."""
    glyf = FTFont(str(fonts.font_path(font_name)))["glyf"]
    embedded = embedded_glyph_coords(pdf)
    wanted = hb_substituted_glyphs(text, font_name)
    for name in wanted:
        assert _coords(glyf, name) in embedded, f"{name} (for {text!r}) is not embedded"
    return wanted


def font_sizes_of_thai_text(pdf: bytes) -> list[float]:
    sizes: list[float] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip() and any("\u0e01" <= ch <= "\u0e5b" for ch in text):
            sizes.append(font_size * abs(tm[3]) * abs(cm[3]))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


@pytest.fixture
def pdfcheck() -> SimpleNamespace:
    return SimpleNamespace(
        PUA=PUA,
        CE_YEAR=CE_YEAR,
        has_pdftotext=PDFTOTEXT is not None,
        pypdf_lines=pypdf_lines,
        pypdf_pages=pypdf_pages,
        pdftotext_lines=pdftotext_lines,
        whole_tokens=whole_tokens,
        find_wrapped=find_wrapped,
        embedded_glyph_coords=embedded_glyph_coords,
        hb_substituted_glyphs=hb_substituted_glyphs,
        assert_glyphs_embedded=assert_glyphs_embedded,
        font_sizes_of_thai_text=font_sizes_of_thai_text,
        page_count=lambda pdf: len(PdfReader(io.BytesIO(pdf)).pages),
        metadata=lambda pdf: PdfReader(io.BytesIO(pdf)).metadata,
    )
