"""Thai PDFs: the text layer equals the source, shaping glyphs are used, breaks are at words."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import uharfbuzz as hb
from fontTools.ttLib import TTFont as FTFont
from pypdf import PdfReader
from reportlab.lib.fonts import tt2ps
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from reports import fonts, samples
from reports.thai_text import (
    COMBINING,
    ZWSP,
    break_lines,
    build_pdf,
    draw_thai_string,
    invariant_mode,
    mark_word_breaks,
    page_label,
    text_width,
    thai_paragraph,
    thai_styles,
    thai_tokens,
)

HARD = ["ที่", "ปิ่น", "ปั๊ม", "น้ำ", "ญาติ", "ฐานะ", "กฤษณ์", "สมาชิกผู้พิการ"]
MORE = ["กำ", "ก่ำ", "ป่ำ", "กตัญญู", "ฐุ", "ฤๅษี", "ปู่ฟื้น", "ก๋วยเตี๋ยว", "ที่อยู่และ"]
# text -> a glyph HarfBuzz must pick for it in Sarabun (no Unicode code point of its own)
SUBSTITUTED = {
    "ที่": "uni0E48.small",
    "ปิ่น": "uni0E34.narrow",
    "ปั๊ม": "uni0E31.narrow",
    "น้ำ": "uni0E4D0E49",
    "กตัญญู": "yoYingthai.less",
    "ฐุ": "thoThanthai.less",
}
PUA = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")
PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None,
    reason="pdftotext (poppler-utils) is not installed: apt-get install poppler-utils",
)


# --------------------------------------------------------------------------- helpers


def pypdf_lines(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return [line.strip() for line in text.splitlines() if line.strip()]


def pdftotext_lines(pdf: bytes, *args: str) -> list[str]:
    out = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", *args, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return [line.strip() for line in out.replace("\f", "\n").splitlines() if line.strip()]


def paragraphs_pdf(texts: list[str], width: float = 170 * mm, style: str = "body") -> bytes:
    st = thai_styles()[style]
    return build_pdf(
        [thai_paragraph(t, st) for t in texts],
        pagesize=(width + 40 * mm, A4[1]),
        title="test",
        author="test",
        page_numbers=False,
        invariant=True,
    )


def canvas_pdf(texts: list[str], font: str = fonts.REGULAR) -> bytes:
    fonts.register_fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    for i, text in enumerate(texts):
        draw_thai_string(c, 72, 780 - 30 * i, text, font, 14)
    c.showPage()
    c.save()
    return buf.getvalue()


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
    assert i == len(tokens), "text lost"


def embedded_font_glyph_coords(pdf: bytes) -> list[list[tuple[int, int]]]:
    """Outline coordinates of every glyph of every embedded TrueType subset."""
    reader = PdfReader(io.BytesIO(pdf))
    result = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            desc = font.get_object().get("/FontDescriptor")
            if desc is None or "/FontFile2" not in desc.get_object():
                continue
            data = desc.get_object()["/FontFile2"].get_object().get_data()
            ft = FTFont(io.BytesIO(data))
            glyf = ft["glyf"]
            for name in ft.getGlyphOrder():
                result.append(_coords(glyf, name))
    return result


def _coords(glyf, name: str) -> list[tuple[int, int]]:
    coords, _ends, _flags = glyf[name].getCoordinates(glyf)
    return [tuple(p) for p in coords]


def hb_glyph_names(text: str, font_name: str = fonts.REGULAR) -> list[str]:
    blob = hb.Blob.from_file_path(str(fonts.font_path(font_name)))
    font = hb.Font(hb.Face(blob))
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf, {"kern": True, "liga": True})
    return [font.glyph_to_string(info.codepoint) for info in buf.glyph_infos]


# --------------------------------------------------------------------------- text layer


@pytest.fixture(scope="module")
def hard_pdf() -> bytes:
    return paragraphs_pdf(HARD + MORE)


def test_pypdf_extracts_the_source_strings(hard_pdf):
    assert pypdf_lines(hard_pdf) == HARD + MORE


@needs_pdftotext
def test_pdftotext_extracts_the_source_strings(hard_pdf):
    assert pdftotext_lines(hard_pdf) == HARD + MORE
    assert pdftotext_lines(hard_pdf, "-raw") == HARD + MORE


@pytest.mark.parametrize("font", [fonts.REGULAR, fonts.BOLD])
def test_bold_and_regular_headings_extract(font):
    style = "heading" if font == fonts.BOLD else "body"
    pdf = paragraphs_pdf(HARD + MORE, style=style)
    assert pypdf_lines(pdf) == HARD + MORE
    if PDFTOTEXT:
        assert pdftotext_lines(pdf) == HARD + MORE


def test_canvas_strings_extract_with_pypdf():
    pdf = canvas_pdf(HARD + MORE)
    assert pypdf_lines(pdf) == HARD + MORE


@needs_pdftotext
def test_canvas_strings_extract_with_pdftotext():
    pdf = canvas_pdf(HARD + MORE, fonts.BOLD)
    assert pdftotext_lines(pdf) == HARD + MORE


def test_text_layer_has_no_private_use_or_zero_width_space():
    pdf = paragraphs_pdf(["ที่" + ZWSP + "บ้าน", "A & B <c> ที่ปั๊มน้ำ"])
    lines = pypdf_lines(pdf)
    assert lines == ["ที่บ้าน", "A & B <c> ที่ปั๊มน้ำ"]
    for line in lines:
        assert not PUA.search(line) and ZWSP not in line
    if PDFTOTEXT:
        assert pdftotext_lines(pdf) == lines


def test_control_without_the_repair_the_text_layer_is_junk(monkeypatch):
    """Shows the extraction tests can fail: ReportLab's own shaping gives private-use junk."""
    import reportlab.platypus.paragraph as rl_paragraph
    from reportlab.pdfgen.textobject import PDFTextObject

    monkeypatch.setattr(rl_paragraph, "shapeFragWord", fonts._rl_shape_frag_word)
    monkeypatch.setattr(PDFTextObject, "_formatText", PDFTextObject._formatText.__wrapped__)
    st = thai_styles()["body"]
    pdf = build_pdf([Paragraph("ที่ กำ", st)], title="t", author="t", page_numbers=False)
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text().strip()
    assert text != "ที่ กำ"
    assert "กํา" in text  # SARA AM decomposed by HarfBuzz, extracted as NIKHAHIT + SARA AA


# --------------------------------------------------------------------------- shaping


@pytest.mark.parametrize("text,glyph", sorted(SUBSTITUTED.items()))
def test_harfbuzz_selects_the_substituted_glyph_and_the_pdf_embeds_it(text, glyph):
    names = hb_glyph_names(text)
    assert glyph in names, names

    original = FTFont(str(fonts.font_path(fonts.REGULAR)))
    glyf = original["glyf"]
    wanted = _coords(glyf, glyph)
    assert wanted, f"{glyph} has no outline"
    base_name = glyph.split(".")[0]
    if base_name != glyph and base_name in glyf:
        assert _coords(glyf, base_name) != wanted  # the variant really differs

    for pdf in (paragraphs_pdf([text]), canvas_pdf([text])):
        assert wanted in embedded_font_glyph_coords(pdf), f"{glyph} not embedded for {text}"
        assert pypdf_lines(pdf) == [text]


def test_unshaped_reference_does_not_embed_the_variant():
    """Control: without shaping the small tone mark is not used (so the check above bites)."""
    st = thai_styles()["body"]
    plain = st.clone("plain", shaping=0)
    pdf = build_pdf([Paragraph("ที่", plain)], title="t", author="t", page_numbers=False)
    glyf = FTFont(str(fonts.font_path(fonts.REGULAR)))["glyf"]
    assert _coords(glyf, "uni0E48.small") not in embedded_font_glyph_coords(pdf)


# --------------------------------------------------------------------------- line breaking


@pytest.mark.parametrize("width_mm", [40, 65, 90, 130])
def test_long_paragraph_breaks_only_between_words(width_mm):
    text = samples.LONG_PARAGRAPH
    pdf = paragraphs_pdf([text], width=width_mm * mm)
    extractors = [pypdf_lines] + ([pdftotext_lines] if PDFTOTEXT else [])
    for extract in extractors:
        lines = extract(pdf)
        assert len(lines) >= 3
        assert "".join(lines) == text
        whole_tokens(lines, text)
        for line in lines:
            assert line[0] not in COMBINING, f"line starts with a combining mark: {line!r}"


def test_break_lines_fit_and_respect_tokens():
    text = samples.LONG_PARAGRAPH + " ค่าสงเคราะห์ 1,000 บาท (หนึ่งพันบาทถ้วน) เลขที่ 12/3"
    widest = max(text_width(t, fonts.REGULAR, 12) for t in thai_tokens(text))
    for width in (widest, widest + 7, 150, 300):  # every word fits: no word may be split
        lines = break_lines(text, fonts.REGULAR, 12, width)
        assert all(text_width(line, fonts.REGULAR, 12) <= width for line in lines)
        whole_tokens(lines, text)
        assert "12/3" in " ".join(lines)  # no break inside non-Thai runs
        assert not any(line[0] in COMBINING for line in lines)


def test_overlong_word_breaks_between_character_clusters():
    lines = break_lines("สมาชิกผู้พิการ" * 3, fonts.REGULAR, 12, 30)
    assert "".join(lines) == "สมาชิกผู้พิการ" * 3
    assert not any(line[0] in COMBINING for line in lines)


def test_mark_word_breaks_inserts_zero_width_spaces():
    assert mark_word_breaks("สมาชิกผู้พิการ") == ZWSP.join(["สมาชิก", "ผู้", "พิการ"])


# --------------------------------------------------------------------------- styles, documents


@pytest.mark.parametrize("large", [False, True])
def test_styles_line_height_and_large_print(large):
    styles = thai_styles(12, large_print=large)
    for style in styles.values():
        assert style.leading >= 1.5 * style.fontSize
        assert style.shaping
        assert style.wordWrap != "CJK"
    if large:
        assert styles["body"].fontSize >= 16
        assert min(s.fontSize for s in styles.values()) >= 16


def test_large_print_pdf_draws_body_text_at_16pt_or_more():
    pdf = samples.sample_pdf(large_print=True, invariant=True)
    sizes = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip() and any("\u0e01" <= ch <= "\u0e5b" for ch in text):
            sizes.append(font_size * abs(tm[3]) * abs(cm[3]))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    assert sizes and min(sizes) >= 16


def test_metadata_and_language():
    pdf = samples.sample_pdf(invariant=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == samples.TITLE
    assert reader.metadata.author == "chaeson"
    assert reader.trailer["/Root"]["/Lang"] == "th-TH"


def test_sample_pdf_text_layer():
    pdf = samples.sample_pdf(invariant=True)
    extractors = [pypdf_lines] + ([pdftotext_lines] if PDFTOTEXT else [])
    for extract in extractors:
        lines = extract(pdf)
        joined = "\n".join(lines)
        flat = "".join(lines)
        for text in samples.sample_texts():
            assert text in joined or text.replace(" ", "") in flat.replace(" ", "")
        for _item, date, amount in samples.TABLE_ROWS:
            assert date in joined and amount in joined
        assert page_label(1, 1) in joined
        assert not PUA.search(joined) and ZWSP not in joined


def test_page_numbers_on_every_page():
    st = thai_styles()["body"]
    pdf = build_pdf(
        [thai_paragraph(samples.LONG_PARAGRAPH, st) for _ in range(20)],
        title="t",
        author="t",
        invariant=True,
    )
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 2
    for i, page in enumerate(pages, start=1):
        assert page_label(i, len(pages)) in page.extract_text()


def test_invariant_mode_is_deterministic_across_processes():
    with invariant_mode():
        first = samples.sample_pdf()
    paragraphs_pdf(MORE)  # changes which private code points the font has handed out
    assert samples.sample_pdf(invariant=True) == first
    code = (
        "import sys; from reports.samples import sample_pdf;"
        "sys.stdout.buffer.write(sample_pdf(invariant=True))"
    )
    env = dict(os.environ, PYTHONPATH=str(Path(fonts.__file__).resolve().parents[1]))
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, env=env)
    assert other.stdout == first


def test_register_fonts_is_idempotent_and_bold_family_works():
    fonts.register_fonts()
    from reportlab.pdfbase import pdfmetrics

    before = pdfmetrics.getFont(fonts.REGULAR)
    fonts.register_fonts()
    assert pdfmetrics.getFont(fonts.REGULAR) is before
    assert isinstance(before, fonts.ThaiTTFont)
    assert tt2ps(fonts.FAMILY, 1, 0) == fonts.BOLD
    st = thai_styles()["body"]
    pdf = build_pdf([Paragraph("ปกติ <b>ตัวหนาที่</b>", st)], title="t", author="t")
    reader = PdfReader(io.BytesIO(pdf))
    names = {
        str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert any(n.endswith("Sarabun-Bold") for n in names), names
    assert "ปกติ ตัวหนาที่" in reader.pages[0].extract_text()


def test_local_place_names_are_never_split_across_lines():
    from reports.thai_text import thai_tokens

    tokens = thai_tokens("ชมรมคนพิการตำบลแจ้ซ้อนอำเภอเมืองปานจังหวัดลำปาง ศูนย์ซ่อมสร้าง")
    assert "แจ้ซ้อน" in tokens
    assert "เมืองปาน" in tokens
    assert "ซ่อมสร้าง" in tokens
