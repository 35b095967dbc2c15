"""Thai text for ReportLab PDFs: word breaking, shaped drawing, styles, documents, page numbers.

Public API (used by the statement and receipt builders):

* `thai_styles(base_size=12, large_print=False)` -> ``dict[str, ParagraphStyle]``
* `thai_paragraph(text, style)` -> `ThaiParagraph` (plain text in, XML escaped, broken at
  Thai word boundaries; shaping on)
* `draw_thai_string(canvas, x, y, text, font=..., size=..., align="left")` -> width drawn
* `build_pdf(flowables, *, pagesize, title, author, ...)` -> PDF bytes ("หน้า 1/3" footers,
  metadata, ``/Lang (th-TH)``, deterministic with ``invariant=True`` or `invariant_mode()`)
* helpers: `thai_tokens`, `break_units`, `break_lines`, `mark_word_breaks`, `shape_str`,
  `text_width`, `page_label`, `NumberedCanvas`, `is_combining`.

Line breaking: ReportLab only breaks at spaces and would join Thai words with a visible space
if we inserted U+200B, so Thai paragraphs are broken here, with shaped widths, into lines that
each fit, and handed to ReportLab as lines joined by ``<br/>``.  No ZERO WIDTH SPACE reaches
the PDF (any in the input is removed).  Break opportunities are PyThaiNLP ``newmm`` word
boundaries between Thai words, and spaces; never inside a word, before a combining mark, or
inside non-Thai runs like "12/3".
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.abag import ABag
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

from reports import fonts
from reports.fonts import BOLD, REGULAR, register_fonts

ZWSP = "\u200b"
LANG = "th-TH"

# Thai combining marks: MAI HAN-AKAT, SARA I..PHINTHU, MAITAIKHU..YAMAKKAN
COMBINING = frozenset(
    [chr(0x0E31)]
    + [chr(c) for c in range(0x0E34, 0x0E3B)]
    + [chr(c) for c in range(0x0E47, 0x0E4F)]
)
# characters a line may not start with: combining marks, following vowels, repeat/abbrev marks
_NO_LINE_START = COMBINING | frozenset("ะาำๅๆฯ")
_THAI_WORD_START = frozenset(
    [chr(c) for c in range(0x0E01, 0x0E2F)] + [chr(c) for c in range(0x0E40, 0x0E45)]
)
_THAI_LEADING_VOWELS = frozenset("เแโใไ")
_WS_RE = re.compile(r"[ \t\r\f\v\u200b]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\ufeff"))
#: printable ASCII with single spaces between words, e.g. "1,234.50", "CS-0001", "-"
_PLAIN_ASCII = re.compile(r" *[!-~]+(?: [!-~]+)* *")


def is_combining(ch: str) -> bool:
    """True for Thai combining marks (and any other Unicode combining character)."""
    return ch in COMBINING or unicodedata.combining(ch) != 0


def _is_thai(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e5b"


# ---------------------------------------------------------------------------
# word breaking
# ---------------------------------------------------------------------------


#: Local names and terms PyThaiNLP's dictionary splits (it reads "แจ้ซ้อน" as แจ้|ซ้อน), which
#: would let a line break inside the fund's own name.
LOCAL_WORDS = frozenset(
    {
        "แจ้ซ้อน",
        "เมืองปาน",
        "ซ่อมสร้าง",
        "รถสามล้อโยก",
        "ไม้เท้าขาว",
        "เครื่องช่วยฟัง",
        "โครงเหล็กช่วยเดิน",
        "ไม้ค้ำยัน",
        "ขาเทียม",
        "แขนเทียม",
    }
)


@functools.lru_cache(maxsize=1)
def _dictionary():
    from pythainlp.corpus import thai_words
    from pythainlp.util import Trie

    return Trie(set(thai_words()) | LOCAL_WORDS)


@functools.lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize

    return tuple(
        word_tokenize(text, custom_dict=_dictionary(), engine="newmm", keep_whitespace=True)
    )


def thai_tokens(text: str) -> list[str]:
    """PyThaiNLP ``newmm`` tokens of ``text``, whitespace tokens included (works offline)."""
    return list(_tokens(text))


def _is_space(token: str) -> bool:
    return token.strip() == "" and "\xa0" not in token


def _can_break_between(left: str, right: str) -> bool:
    """May a line end after ``left`` and the next begin with ``right`` (no space between)?"""
    a, b = left[-1], right[0]
    return (
        _is_thai(a)
        and a not in _THAI_LEADING_VOWELS
        and b in _THAI_WORD_START
        and b not in _NO_LINE_START
    )


def break_units(text: str) -> list[tuple[str, bool]]:
    """Split one line of text into unbreakable units: ``[(unit, space_before), ...]``.

    A line may be broken between any two units and nowhere else.  Whitespace is collapsed
    to the ``space_before`` flag; U+200B is removed.
    """
    text = text.translate(_INVISIBLE)
    if _PLAIN_ASCII.fullmatch(text):
        # no Thai and no whitespace but single spaces (amounts, numbers, codes): newmm's
        # tokens would only be merged back into the space-separated runs, so skip them
        return [(chunk, i > 0) for i, chunk in enumerate(text.split())]
    return _units_from_tokens(text)


def _units_from_tokens(text: str) -> list[tuple[str, bool]]:
    units: list[tuple[str, bool]] = []
    space = False
    for token in _tokens(text):
        if _is_space(token):
            space = bool(units) or space
            continue
        token = _WS_RE.sub(" ", token)
        if units and not space and not _can_break_between(units[-1][0], token):
            units[-1] = (units[-1][0] + token, units[-1][1])
        elif units and space and token[0] in _NO_LINE_START:
            units[-1] = (units[-1][0] + " " + token, units[-1][1])  # "ดี ๆ" stays together
        else:
            units.append((token, space and bool(units)))
        space = False
    return units


def mark_word_breaks(text: str, mark: str = ZWSP) -> str:
    """``text`` with ``mark`` inserted at every Thai word break that has no space.

    For consumers that break on U+200B (HTML, plain-text exports).  PDFs built here do not
    use it: `thai_paragraph` breaks lines itself.
    """
    out = []
    for i, (unit, space) in enumerate(break_units(text)):
        if i:
            out.append(" " if space else mark)
        out.append(unit)
    return "".join(out)


def _clusters(unit: str) -> list[str]:
    """Grapheme-like pieces of an over-long unit: Thai character clusters, else characters
    with their combining marks attached."""
    from pythainlp.tokenize import subword_tokenize

    pieces: list[str] = []
    for part in subword_tokenize(unit, engine="tcc"):
        chars = [part] if any(_is_thai(c) for c in part) else list(part)
        for piece in chars:
            if pieces and (is_combining(piece[0]) or piece[0] in _NO_LINE_START):
                pieces[-1] += piece
            else:
                pieces.append(piece)
    return pieces


# ---------------------------------------------------------------------------
# measuring and shaping
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=16384)
def _word_width(word: str, font_name: str, font_size: float) -> float:
    """Shaped advance width of a space-free word, as ReportLab's shaping measures it."""
    font = pdfmetrics.getFont(font_name)
    if not word:
        return 0.0
    if not getattr(font, "shapable", False):
        return pdfmetrics.stringWidth(word, font_name, font_size)
    import uharfbuzz

    hb_font = font.hbFont(font_size)
    buf = uharfbuzz.Buffer()
    buf.cluster_level = uharfbuzz.BufferClusterLevel.MONOTONE_CHARACTERS
    buf.add_str(word)
    buf.guess_segment_properties()
    uharfbuzz.shape(hb_font, buf, {"kern": True, "liga": True, "dlig": True})
    units = sum(font.pdfScale(p.x_advance) for p in buf.glyph_positions)
    return units * font_size / 1000


def text_width(text: str, font_name: str = REGULAR, font_size: float = 12) -> float:
    """Width of a line as ReportLab lays it out: shaped words plus space widths."""
    register_fonts()
    return _text_width(text, font_name, font_size)


@functools.lru_cache(maxsize=16384)
def _text_width(text: str, font_name: str, font_size: float) -> float:
    words = text.split(" ")
    space = pdfmetrics.stringWidth(" ", font_name, font_size)
    return sum(_word_width(w, font_name, font_size) for w in words) + space * (len(words) - 1)


def shape_str(text: str, font_name: str = REGULAR, font_size: float = 12) -> str:
    """``text`` shaped for ``canvas.drawString`` (a ReportLab ShapedStr whose code points
    extract back to ``text``), like ``reportlab.pdfbase.ttfonts.shapeStr`` plus the repair."""
    register_fonts()
    text = text.translate(_INVISIBLE)
    if not text or not getattr(pdfmetrics.getFont(font_name), "shapable", False):
        return text
    width = pdfmetrics.stringWidth(text, font_name, font_size)
    word = [width, (ABag(fontName=font_name, fontSize=font_size), text)]
    return fonts.shape_frag_word(word, force=True)[1][1]


def _drawn_width(shaped: str, font_name: str, font_size: float) -> float:
    if isinstance(shaped, ShapedStr):
        return sum(sd.x_advance for sd in shaped.__shapeData__) * font_size / 1000
    return pdfmetrics.stringWidth(shaped, font_name, font_size)


def draw_thai_string(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    font: str = REGULAR,
    size: float = 12,
    *,
    align: str = "left",
) -> float:
    """Draw one line of Thai on a canvas, shaped, with a correct text layer.

    ``align`` is "left", "center" or "right" relative to ``x``.  Returns the width drawn.
    The canvas font is restored afterwards.
    """
    shaped = shape_str(text, font, size)
    width = _drawn_width(shaped, font, size)
    offset = {"left": 0.0, "center": width / 2, "right": width}[align]
    canvas.saveState()
    canvas.setFont(font, size)
    canvas.drawString(x - offset, y, shaped)
    canvas.restoreState()
    return width


# ---------------------------------------------------------------------------
# line breaking
# ---------------------------------------------------------------------------


def break_lines(
    text: str,
    font_name: str = REGULAR,
    font_size: float = 12,
    width: float = 400,
    first_width: float | None = None,
) -> list[str]:
    """Greedy line breaking of ``text`` at Thai word boundaries and spaces.

    Every returned line fits ``width`` (``first_width`` for the first line) by shaped
    measure, unless a single character cluster is wider.  Newlines are hard breaks; a unit
    wider than a whole line is broken between character clusters.
    """
    register_fonts()
    return list(_break_lines(text, font_name, font_size, width, first_width))


@functools.lru_cache(maxsize=8192)
def _break_lines(
    text: str, font_name: str, font_size: float, width: float, first_width: float | None
) -> tuple[str, ...]:
    lines: list[str] = []
    limit = first_width if first_width is not None else width
    for hard_line in text.split("\n"):
        pieces: list[tuple[str, bool]] = []
        for unit, space in break_units(hard_line):
            if text_width(unit, font_name, font_size) <= width:
                pieces.append((unit, space))
                continue
            for i, piece in enumerate(_clusters(unit)):
                pieces.append((piece, space and i == 0))
        line = ""
        for piece, space in pieces:
            candidate = line + (" " if space else "") + piece if line else piece
            if not line or text_width(candidate, font_name, font_size) <= limit:
                line = candidate
            else:
                lines.append(line.strip())
                limit = width
                line = piece
        lines.append(line.strip())
        limit = width
    return tuple(lines)


@functools.lru_cache(maxsize=256)
def _frag_prototypes(font_name: str, font_size: float, text_color) -> tuple:
    """The text frag and the ``<br/>`` frag ReportLab's parser makes for a plain paragraph
    in this font, size and colour (the only style attributes its frags take)."""
    style = ParagraphStyle("proto", fontName=font_name, fontSize=font_size, textColor=text_color)
    frags = Paragraph("x<br/>x", style).frags
    return frags[0], frags[1]


def _fresh(proto, **attrs):
    frag = proto.clone(**attrs)
    for key, value in frag.__dict__.items():
        if isinstance(value, list):  # link, us_lines: never shared between paragraphs
            frag.__dict__[key] = list(value)
    return frag


def plain_frags(lines: Sequence[str], style: ParagraphStyle) -> list | None:
    """The frags ``Paragraph("<br/>".join(escape(line) ...), style)`` would parse ``lines``
    into, built without the XML parser; None when a line is not plain (markup characters,
    runs of whitespace, an empty line) or the style needs the parser (bullets, transforms)."""
    if getattr(style, "bulletText", None) or getattr(style, "textTransform", None):
        return None
    for line in lines:
        if not line or " ".join(line.split()) != line or not _MARKUP_CHARS.isdisjoint(line):
            return None
    try:
        text, br = _frag_prototypes(style.fontName, style.fontSize, style.textColor)
    except TypeError:  # an unhashable colour: let the parser do it
        return None
    frags = []
    for i, line in enumerate(lines):
        if i:
            frags.append(_fresh(br))
        frags.append(_fresh(text, text=line))
    return frags


_MARKUP_CHARS = frozenset("&<>")


class ThaiParagraph(Paragraph):
    """A Paragraph of plain Thai text, broken at word boundaries for the width it gets.

    The lines are computed in `wrap` (shaped measure, see `break_lines`) and given to
    ReportLab joined by ``<br/>``; splitting across pages keeps those lines.
    """

    #: reuse the last wrap when wrapped again at the same width (off only to compare in tests)
    reuse_wraps: bool = True

    def __init__(
        self,
        text,
        style=None,
        bulletText=None,
        frags=None,
        caseSensitive=1,
        encoding="utf8",
    ):
        register_fonts()
        self.source_text = None if frags is not None else str(text or "").translate(_INVISIBLE)
        self._broken_for: float | None = None
        self._markup = None if frags is not None else escape(self.source_text)
        #: (availWidth, frags) of the last wrap: the same again gives the same lines
        self._wrapped: tuple[float, object] | None = None
        if frags is None and style is not None and not bulletText:
            frags = plain_frags([self.source_text], style)
        super().__init__(self._markup, style, bulletText, frags, caseSensitive, encoding)

    def thai_lines(self, avail_width: float) -> list[str]:
        style = self.style
        later = avail_width - style.leftIndent - style.rightIndent
        first = later - style.firstLineIndent
        text = self.source_text or ""
        return break_lines(text.strip(), style.fontName, style.fontSize, later, first)

    def wrap(self, availWidth, availHeight):
        if self.source_text is not None and self._broken_for != availWidth:
            lines = self.thai_lines(availWidth)
            markup = "<br/>".join(escape(line) for line in lines)
            if markup != self._markup:  # a text that fits on one line is set up once
                frags = None if self.bulletText else plain_frags(lines, self.style)
                Paragraph.__init__(
                    self,
                    markup,
                    self.style,
                    self.bulletText,
                    frags,
                    self.caseSensitive,
                    self.encoding,
                )
                self._markup = markup
            self._broken_for = availWidth
        # Tables wrap each cell several times at the same width (sizing, splitting across
        # pages, drawing); nothing a wrap depends on changes in between unless the frags do
        # (a wrap leaves its own frag-word list in self.frags, so identity tells) or a failed
        # split drops the broken lines (``del self.blPara``).
        wrapped = self._wrapped
        if (
            self.reuse_wraps
            and wrapped is not None
            and wrapped[0] == availWidth
            and wrapped[1] is self.frags
            and "blPara" in self.__dict__
        ):
            return self.width, self.height
        result = super().wrap(availWidth, availHeight)
        if getattr(self, "blPara", None) is not None and result[0] == availWidth:
            self._wrapped = (availWidth, self.frags)
        return result

    def minWidth(self):
        if self.source_text is None:
            return super().minWidth()
        units = [u for line in self.source_text.split("\n") for u, _ in break_units(line)]
        style = self.style
        widest = max((text_width(u, style.fontName, style.fontSize) for u in units), default=0)
        return widest + style.leftIndent + style.rightIndent


def thai_paragraph(text: str, style: ParagraphStyle) -> ThaiParagraph:
    """Paragraph for plain ``text`` (no markup: ``<``, ``&`` are escaped), Thai-broken, shaped."""
    if not getattr(style, "shaping", 0):
        style = ParagraphStyle(style.name + "-shaped", parent=style, shaping=1)
    return ThaiParagraph(text, style)


# ---------------------------------------------------------------------------
# styles
# ---------------------------------------------------------------------------

LINE_HEIGHT = 1.6  # Thai stacks marks above and below: never less than 1.5


def thai_styles(base_size: float = 12, large_print: bool = False) -> dict[str, ParagraphStyle]:
    """Paragraph styles in Sarabun with shaping on and leading >= 1.5x the font size.

    Keys: body, small, heading, title, table, table_right, table_center, table_header,
    footer.  ``large_print`` makes the body at least 16 pt and no text smaller than 16 pt.
    """
    register_fonts()
    body = max(base_size, 16) if large_print else base_size
    floor = 16 if large_print else 0

    def style(name: str, size: float, font: str = REGULAR, **kw) -> ParagraphStyle:
        size = max(size, floor)
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=round(size * LINE_HEIGHT, 2),
            shaping=1,
            splitLongWords=0,
            allowWidows=0,
            allowOrphans=0,
            **kw,
        )

    return {
        "body": style("body", body, spaceAfter=body * 0.5),
        "small": style("small", body * 0.85),
        "heading": style(
            "heading", body * 1.25, BOLD, spaceBefore=body * 0.5, spaceAfter=body * 0.4
        ),
        "title": style("title", body * 1.5, BOLD, alignment=TA_CENTER, spaceAfter=body * 0.6),
        "table": style("table", body * 0.95),
        "table_right": style("table_right", body * 0.95, alignment=TA_RIGHT),
        "table_center": style("table_center", body * 0.95, alignment=TA_CENTER),
        "table_header": style("table_header", body * 0.95, BOLD, alignment=TA_LEFT),
        "footer": style("footer", body * 0.8, alignment=TA_CENTER),
    }


# ---------------------------------------------------------------------------
# page numbers and documents
# ---------------------------------------------------------------------------


def page_label(page: int, total: int) -> str:
    """Footer text such as "หน้า 1/3"."""
    return f"หน้า {page}/{total}"


class NumberedCanvas(Canvas):
    """Canvas that draws "หน้า n/N" at the foot of every page once N is known.

    Pages are held until `save`, then stamped and emitted (the usual two-pass-free pattern).
    Class attributes set the footer: `footer_font`, `footer_size`, `footer_y` (points from
    the bottom edge) and `label` (a ``(page, total) -> str`` function).
    """

    footer_font: str = REGULAR
    footer_size: float = 10
    footer_y: float = 10 * mm
    label: Callable[[int, int], str] = staticmethod(page_label)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict] = []

    def showPage(self):
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._held_pages)
        for state in self._held_pages:
            self.__dict__.update(state)
            self.draw_page_number(total)
            Canvas.showPage(self)
        Canvas.save(self)

    def draw_page_number(self, total: int) -> None:
        width = self._pagesize[0]
        text = type(self).label(self.getPageNumber(), total)
        draw_thai_string(
            self, width / 2, self.footer_y, text, self.footer_font, self.footer_size, align="center"
        )


def numbered_canvas(font_size: float = 10, footer_y: float = 10 * mm) -> type[NumberedCanvas]:
    """A `NumberedCanvas` subclass with another footer size or position (for large print)."""
    return type(
        "NumberedCanvasCustom", (NumberedCanvas,), {"footer_size": font_size, "footer_y": footer_y}
    )


@contextlib.contextmanager
def invariant_mode() -> Iterator[None]:
    """Within the block ReportLab writes no timestamps or random ids (``rl_config.invariant``)."""
    old = rl_config.invariant
    rl_config.invariant = 1
    try:
        yield
    finally:
        rl_config.invariant = old


def build_pdf(
    flowables: Iterable[Flowable],
    *,
    pagesize: tuple[float, float] = A4,
    title: str,
    author: str,
    subject: str = "",
    on_page: Callable[[Canvas, object], None] | None = None,
    page_numbers: bool = True,
    footer_size: float = 10,
    margins: tuple[float, float, float, float] = (20 * mm, 20 * mm, 20 * mm, 22 * mm),
    invariant: bool | None = None,
) -> bytes:
    """Build a PDF from flowables and return its bytes.

    Sets title, author, subject, creator and ``/Lang (th-TH)``; ``on_page(canvas, doc)``
    runs on every page (letterheads); ``page_numbers`` adds "หน้า n/N" footers.  Output is
    byte-for-byte deterministic when ``invariant`` is true, or when it is None and
    ``rl_config.invariant`` is set (see `invariant_mode`).  ``margins`` are left, right,
    top, bottom in points.
    """
    register_fonts()
    left, right, top, bottom = margins
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        title=title,
        author=author,
        subject=subject,
        creator="chaeson",
        lang=LANG,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        invariant=rl_config.invariant if invariant is None else int(bool(invariant)),
    )
    hook = on_page or (lambda canvas, doc: None)
    canvasmaker = numbered_canvas(footer_size, bottom / 2) if page_numbers else Canvas
    doc.build(list(flowables), onFirstPage=hook, onLaterPages=hook, canvasmaker=canvasmaker)
    return buffer.getvalue()
