"""The rendering speed-ups change speed only: same bytes with caches cold, warm or off, bounded
caches, and the short cuts (plain frags, ASCII units, wrap memo) equal the long way round."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.lib import colors
from reportlab.lib.abag import ABag
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph

from reports import fonts, thai_text
from reports.examples import LONG_DESCRIPTION, example_receipt, example_statement
from reports.receipt import receipt_pdf
from reports.statement import statement_pdf
from reports.thai_text import (
    ThaiParagraph,
    break_units,
    plain_frags,
    text_width,
    thai_paragraph,
    thai_styles,
)

TEXTS = [
    "ที่",
    "ปิ่นปั๊มน้ำ",
    "กตัญญู ฐานะ",
    "1,234.50",
    "-",
    "CS-0001",
    "5 ม.ค. 2568",
    "ฝากเงินสัจจะประจำเดือนตุลาคม",
    LONG_DESCRIPTION,
]


def _thai_fonts() -> list[fonts.ThaiTTFont]:
    fonts.register_fonts()
    return [pdfmetrics.getFont(name) for name in (fonts.REGULAR, fonts.BOLD)]


def _clear_caches() -> None:
    fonts.shape_cache.clear()
    fonts._actual_text.cache_clear()
    for font in _thai_fonts():
        font.face.makeSubset.cache.cache_clear()
        font._dest_cache.clear()
    for cached in (
        thai_text._text_width,
        thai_text._break_lines,
        thai_text._word_width,
        thai_text._tokens,
        thai_text._frag_prototypes,
    ):
        cached.cache_clear()


def _documents() -> list[bytes]:
    return [
        statement_pdf(example_statement(many_rows=40), invariant=True),
        statement_pdf(example_statement(large_print=True), invariant=True),
        receipt_pdf(example_receipt(), invariant=True),
    ]


def test_documents_are_byte_identical_with_caches_cold_and_warm():
    _clear_caches()
    cold = _documents()
    assert len(fonts.shape_cache) > 0 and fonts.shape_cache.hits > 0
    warm = _documents()
    assert warm == cold


def test_documents_are_byte_identical_without_the_caches(monkeypatch):
    cached = _documents()
    monkeypatch.setattr(fonts, "shape_cache", fonts.ShapeCache(0))
    monkeypatch.setattr(thai_text, "_text_width", thai_text._text_width.__wrapped__)
    monkeypatch.setattr(thai_text, "_break_lines", thai_text._break_lines.__wrapped__)
    monkeypatch.setattr(thai_text, "plain_frags", lambda lines, style: None)  # always parse
    monkeypatch.setattr(ThaiParagraph, "reuse_wraps", False)
    monkeypatch.setattr(fonts, "_actual_text", fonts._actual_text.__wrapped__)
    monkeypatch.setattr(fonts.ThaiTTFont, "_dest", fonts.ThaiTTFont._dest_text)
    for font in _thai_fonts():
        monkeypatch.setattr(font.face, "makeSubset", font.face.makeSubset.uncached)
    uncached = _documents()
    assert len(fonts.shape_cache) == 0
    assert uncached == cached


def test_shape_cache_is_a_bounded_lru():
    cache = fonts.ShapeCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert len(cache) == 2
    assert cache.get("b") is fonts._MISSING
    assert (cache.get("a"), cache.get("c")) == (1, 3)


def test_font_subsets_are_reused_only_for_the_same_code_points():
    font = _thai_fonts()[1]
    make = font.face.makeSubset
    make.cache.cache_clear()
    codes = [ord(c) for c in "รายงานสถานะ"]
    first = make(codes)
    assert make(list(codes)) is first and make.cache.cache_info().hits == 1
    assert make(codes[::-1]) != first
    assert make.uncached(codes) == first
    assert make.cache.cache_info().maxsize == fonts.SUBSET_CACHE_SIZE


def test_the_process_wide_shape_cache_stays_within_its_bound(monkeypatch):
    small = fonts.ShapeCache(5)
    monkeypatch.setattr(fonts, "shape_cache", small)
    statement_pdf(example_statement(many_rows=20), invariant=True)
    assert len(small) == 5


def _word(text: str, color) -> list:
    frag = ABag(fontName=fonts.REGULAR, fontSize=12, textColor=color)
    return [text_width(text), (frag, text)]


@pytest.mark.parametrize("text", ["ที่", "ปั๊ม", "น้ำ", "กตัญญู", "abc"])
def test_a_cached_word_keeps_the_callers_frag_and_owns_its_shape_data(text):
    fonts.register_fonts()
    fonts.shape_cache.clear()
    first_word, second_word = _word(text, colors.black), _word(text, colors.red)
    first = fonts.shape_frag_word(first_word)
    second = fonts.shape_frag_word(second_word)  # from the cache
    assert fonts.shape_cache.hits == 1
    if first is first_word:  # nothing to shape: both unchanged
        assert second is second_word
        return
    assert type(second) is type(first) and second[0] == first[0]
    assert first[1][0] is first_word[1][0] and second[1][0] is second_word[1][0]
    s1, s2 = first[1][1], second[1][1]
    assert str(s1) == str(s2) and s1.__shapeData__ == s2.__shapeData__
    assert s1.__shapeData__ is not s2.__shapeData__


def test_words_with_several_frags_are_shaped_without_the_cache():
    fonts.register_fonts()
    fonts.shape_cache.clear()
    a = ABag(fontName=fonts.REGULAR, fontSize=12)
    b = ABag(fontName=fonts.BOLD, fontSize=12)
    word = [10.0, (a, "ที่"), (b, "นี่")]
    fonts.shape_frag_word(word)
    fonts.shape_frag_word(word)
    assert len(fonts.shape_cache) == 0


def _frag_dicts(frags) -> list[dict]:
    return [dict(sorted(f.__dict__.items())) for f in frags]


@pytest.mark.parametrize("style_name", ["table", "table_header", "title", "table_right"])
@pytest.mark.parametrize("large", [False, True])
def test_plain_frags_equal_what_the_parser_makes(style_name, large):
    style = thai_styles(11, large_print=large)[style_name]
    for lines in [[t] for t in TEXTS] + [TEXTS[:3], ["ที่อยู่", "12/3 หมู่ที่ 4"]]:
        frags = plain_frags(lines, style)
        assert frags is not None
        parsed = Paragraph("<br/>".join(lines), style).frags
        assert _frag_dicts(frags) == _frag_dicts(parsed)
        again = plain_frags(lines, style)
        assert again[0].link is not frags[0].link and again[0].us_lines is not frags[0].us_lines


@pytest.mark.parametrize("lines", [["a & b"], ["<b>"], ["two  spaces"], [""], ["a", ""], [" x"]])
def test_text_that_is_not_plain_goes_through_the_parser(lines):
    assert plain_frags(lines, thai_styles()["table"]) is None


@given(
    st.lists(
        st.text(alphabet=string.ascii_letters + string.digits + string.punctuation, min_size=1),
        min_size=1,
        max_size=5,
    ),
    st.booleans(),
    st.booleans(),
)
def test_ascii_units_equal_the_tokenizers(words, lead, trail):
    text = (" " if lead else "") + " ".join(words) + (" " if trail else "")
    assert break_units(text) == thai_text._units_from_tokens(text)


def test_a_paragraph_rewrapped_at_another_width_and_back_breaks_anew():
    style = thai_styles()["body"]
    para = thai_paragraph(LONG_DESCRIPTION, style)
    wide = para.wrap(400, 1000)
    lines_wide = len(para.blPara.lines)
    narrow = para.wrap(120, 1000)
    assert narrow[1] > wide[1] and len(para.blPara.lines) > lines_wide
    assert para.wrap(400, 1000) == wide and len(para.blPara.lines) == lines_wide
    short = thai_paragraph("ที่นี่", style)  # one line at either width: same frags
    assert short.wrap(400, 1000)[0] == 400
    assert short.wrap(300, 1000)[0] == 300 and short.width == 300


def test_a_paragraph_whose_split_failed_is_wrapped_again():
    style = thai_styles()["body"]
    para = thai_paragraph(LONG_DESCRIPTION, style)
    size = para.wrap(150, 1000)
    assert para.split(150, style.leading * 0.5) == []  # no room: ReportLab drops blPara
    assert "blPara" not in para.__dict__
    assert para.wrap(150, 1000) == size and para.blPara.lines
