"""Sarabun for ReportLab, registered once, with a text layer that survives Thai shaping.

Why this module is more than ``registerFont``
---------------------------------------------
With ``ParagraphStyle(shaping=1)`` ReportLab shapes text with HarfBuzz.  HarfBuzz picks glyphs
that have no Unicode code point (Sarabun's ``uni0E48.small`` for the tone mark in "ที่",
``uni0E31.narrow``, ``yoYingthai.less`` for ญ above a below-vowel, the ligature
``uni0E4D0E49`` in "น้ำ", ...) and it splits SARA AM (ำ) into NIKHAHIT + SARA AA.  ReportLab
gives the unmapped glyphs private-use code points, so pdftotext/pypdf extract junk, and maps
the SARA AM pieces to U+0E4D U+0E32, so "กำ" would extract as "กํา".

The repair works per HarfBuzz *cluster* (ReportLab shapes with cluster level
MONOTONE_CHARACTERS, so each glyph records the index of the first source character it comes
from): for every cluster whose glyphs do not already spell the cluster's source text through
the font's own cmap, each glyph is given a code point of its own for that context, and the
font's ToUnicode CMap maps that code point to the source text the glyph stands for (possibly
the empty string, e.g. the NIKHAHIT half of "ำ").  Extraction then yields the source text
exactly, while the page still draws the glyphs HarfBuzz chose.

Marks shifted left by HarfBuzz get a PDF width that ends where the next letter starts, so
no forward jump follows them (pypdf would read one as a space: "ปิ่ น").  And since poppler
(pdftotext) orders glyphs by x, which for stacked marks is not the logical order ("ฟ้นื"),
each shaped Thai run is also wrapped in a ``/Span <</ActualText ...>> BDC ... EMC`` carrying
its source text; pypdf ignores ActualText and reads the per-glyph entries, which are right.

`register_fonts()` installs all this by (a) registering `ThaiTTFont` instances, (b) wrapping
ReportLab's ``shapeFragWord`` (used by Paragraph and ``shapeStr``) with `repair_shaped_word`,
and (c) wrapping ``PDFTextObject._formatText`` to add the ActualText spans.  Both wrappers
leave fonts other than `ThaiTTFont` untouched.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from pathlib import Path

import fontpkg_sarabun
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import SUBSETN, ShapeData, ShapedFragWord, ShapedStr, TTFont

FAMILY = "Sarabun"
REGULAR = "Sarabun"
BOLD = "Sarabun-Bold"
ITALIC = "Sarabun-Italic"
BOLD_ITALIC = "Sarabun-BoldItalic"

_FILES = {
    REGULAR: "Sarabun-Regular.ttf",
    BOLD: "Sarabun-Bold.ttf",
    ITALIC: "Sarabun-Italic.ttf",
    BOLD_ITALIC: "Sarabun-BoldItalic.ttf",
}

# Context code points live in plane 15's private use area; ReportLab allocates its own
# private code points from U+E000, so the two never collide.
_CONTEXT_BASE = 0xF0000
_CONTEXT_LIMIT = 0xFFFFD

_GLYPH_NAME_RE = re.compile(r"^uni((?:[0-9A-F]{4})+)(?:\..*)?$")

_lock = threading.RLock()
_registered = False
_rl_shape_frag_word = ttfonts.shapeFragWord


def font_path(name: str = REGULAR) -> Path:
    """Path of the TTF file behind one of the registered font names."""
    path = Path(fontpkg_sarabun.ROOT) / "files" / _FILES[name]
    if not path.is_file():  # pragma: no cover - broken install
        raise FileNotFoundError(f"Sarabun font file missing: {path}")
    return path


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _glyph_name_text(name: str) -> str | None:
    """Text a glyph stands for by the ``uniXXXX[YYYY].suffix`` naming convention, if any."""
    m = _GLYPH_NAME_RE.match(name)
    if not m:
        return None
    hexes = m.group(1)
    return "".join(chr(int(hexes[i : i + 4], 16)) for i in range(0, len(hexes), 4))


class ThaiTTFont(TTFont):
    """A TTFont whose ToUnicode CMap knows what each shaped glyph stands for.

    `context_code(gid, text, like)` returns a code point that draws glyph ``gid`` and
    extracts as ``text``; `addObjects` writes those mappings into the PDF.
    """

    def __init__(self, name: str, filename: str | Path, **kwargs) -> None:
        super().__init__(name, str(filename), **kwargs)
        self.cmap_codes = frozenset(self.face.charToGlyph)  # the font's own cmap
        self.tounicode_text: dict[int, str] = {}  # context code point -> source text
        self._context_codes: dict[tuple[int, str, float], int] = {}
        self._next_context = _CONTEXT_BASE
        self._names_cache: dict[int, str] | None = None
        self._dest_cache: dict[int, str] = {}
        # Every document embeds its own subset of the font; the same code points give the
        # same subset bytes (a code point's glyph never changes once given), and most
        # statements of a batch use the same bold subset.
        self.face.makeSubset = _cached_subsets(self.face.makeSubset)

    def natural_text(self, code: int) -> str | None:
        """The text a code point extracts as without any help (None for private codes)."""
        if code in self.cmap_codes:
            return chr(code)
        return self.tounicode_text.get(code)

    def context_code(self, gid: int, text: str, width: float) -> int:
        """Code point drawing glyph ``gid`` with PDF width ``width`` that extracts as ``text``."""
        key = (gid, text, width)
        with _lock:
            code = self._context_codes.get(key)
            if code is None:
                code = self._next_context
                if code > _CONTEXT_LIMIT:  # pragma: no cover - 65k distinct contexts
                    raise RuntimeError("out of private code points for Thai glyph contexts")
                self._next_context += 1
                face = self.face
                face.charToGlyph[code] = gid
                face.charWidths[code] = width
                self.tounicode_text[code] = text
                self._context_codes[key] = code
        return code

    def _glyph_names(self) -> dict[int, str]:
        if self._names_cache is None:
            font = self.hbFont(10)
            self._names_cache = {
                gid: font.glyph_to_string(gid) for gid in range(self.face.numGlyphs)
            }
        return self._names_cache

    def _fallback_text(self, code: int) -> str:
        """Text for a private code ReportLab allocated itself (shaping without our repair)."""
        gid = self.face.charToGlyph.get(code)
        if gid is not None:
            text = _glyph_name_text(self._glyph_names().get(gid, ""))
            if text is not None:
                return text
        return chr(code)

    def _dest(self, code: int) -> str:
        # a code point's text never changes once given (context and private codes are
        # allocated once), so its CMap destination is computed once
        dest = self._dest_cache.get(code)
        if dest is None:
            dest = self._dest_cache[code] = self._dest_text(code)
        return dest

    def _dest_text(self, code: int) -> str:
        if code in self.tounicode_text:
            text = self.tounicode_text[code]
        elif code in self.cmap_codes or code < 0xE000:
            text = chr(code)
        else:
            text = self._fallback_text(code)
        return _utf16_hex(text)

    def to_unicode_cmap(self, base_font_name: str, subset: list[int]) -> str:
        """ToUnicode CMap for one 256-code subset (ReportLab's layout, our destinations)."""
        lines = [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({base_font_name})",
            f"/Ordering ({base_font_name})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{base_font_name} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
        ]
        entries = [f"<{i:02X}> <{self._dest(code)}>" for i, code in enumerate(subset)]
        for start in range(0, len(entries), 100):  # at most 100 entries per block
            block = entries[start : start + 100]
            lines.append(f"{len(block)} beginbfchar")
            lines.extend(block)
            lines.append("endbfchar")
        lines += [
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
        return "\n".join(lines)

    def addObjects(self, doc) -> None:
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
            base_name = base.decode("pdfdoc")
            stream = doc.idToObject.get("toUnicodeCMap:" + base_name)
            if stream is not None:
                stream.content = self.to_unicode_cmap(base_name, subset)


#: font subsets kept per font (bytes of an embedded TrueType subset, ~10-40 KB each)
SUBSET_CACHE_SIZE = 16


def _cached_subsets(make_subset):
    """``make_subset(codes) -> bytes`` memoized on the code sequence (bounded LRU)."""
    cached = functools.lru_cache(maxsize=SUBSET_CACHE_SIZE)(lambda codes: make_subset(list(codes)))

    def makeSubset(subset):
        return cached(tuple(subset))

    makeSubset.cache = cached
    makeSubset.uncached = make_subset
    return makeSubset


def _cluster_targets(glyph_count: int, text: str) -> list[str]:
    """Share a cluster's source text among its glyphs, in order, aligned at the end.

    Extra glyphs at the front get "" (the NIKHAHIT of a decomposed SARA AM); with fewer
    glyphs than characters the last glyph takes the rest (ligatures such as ฤๅ).
    """
    chars = list(text)
    if glyph_count >= len(chars):
        return [""] * (glyph_count - len(chars)) + chars
    return [*chars[: glyph_count - 1], "".join(chars[glyph_count - 1 :])]


def repair_shaped_word(word, shaped):
    """Give the glyphs of ReportLab's shaped frag word code points that extract correctly.

    ``word`` is the frag word given to ``shapeFragWord``, ``shaped`` what it returned.
    Two things are repaired, both by drawing the same glyph through a context code point:

    * text: a cluster whose glyphs do not spell its source text through the font's cmap gets
      code points whose ToUnicode entries share out that source text (`_cluster_targets`);
    * gaps: a mark that HarfBuzz shifts left (negative x offset, e.g. the tone mark of "ปิ่")
      would otherwise be followed by a forward jump in the TJ array, which extractors read
      as a word space ("ปิ่ น").  Its code point gets PDF width ``x_advance - x_offset`` so
      the glyph box ends where the next glyph starts and no jump is needed.

    Returns ``shaped`` with its ShapedStr items replaced where needed (in place).
    """
    text = "".join(s for f, s in word[1:] if not hasattr(f, "cbDefn"))
    glyphs = []  # (item index, position, code, shape data, font)
    for idx in range(1, len(shaped)):
        f, s = shaped[idx]
        if hasattr(f, "cbDefn") or not isinstance(s, ShapedStr):
            continue
        font = pdfmetrics.getFont(f.fontName)
        for pos, (ch, sd) in enumerate(zip(str(s), s.__shapeData__, strict=True)):
            glyphs.append((idx, pos, ord(ch), sd, font))
    if not glyphs:
        return shaped
    clusters = [g[3].cluster for g in glyphs]
    if clusters != sorted(clusters) or clusters[-1] >= len(text) or clusters[0] < 0:
        return shaped  # not left-to-right monotone: leave ReportLab's result alone

    replaced: dict[tuple[int, int], tuple[int, ShapeData]] = {}
    start = 0
    while start < len(glyphs):
        end = start
        while end < len(glyphs) and clusters[end] == clusters[start]:
            end += 1
        source = text[clusters[start] : clusters[end] if end < len(glyphs) else len(text)]
        group = glyphs[start:end]
        start = end
        if not all(isinstance(g[4], ThaiTTFont) for g in group):
            continue
        natural = [g[4].natural_text(g[2]) for g in group]
        if None not in natural and "".join(natural) == source:
            targets = natural
        else:
            targets = _cluster_targets(len(group), source)
        for (idx, pos, code, sd, font), target, nat in zip(group, targets, natural, strict=True):
            width = sd.x_advance - sd.x_offset if sd.x_offset < 0 else sd.width
            if nat == target and width == sd.width:
                continue
            gid = font.face.charToGlyph.get(code)
            if gid is None:
                continue
            new_code = font.context_code(gid, target, width)
            replaced[(idx, pos)] = (new_code, sd._replace(width=width))

    for idx in sorted({k[0] for k in replaced}):
        f, s = shaped[idx]
        chars = list(str(s))
        data = list(s.__shapeData__)
        for pos in range(len(chars)):
            if (idx, pos) in replaced:
                code, sd = replaced[(idx, pos)]
                chars[pos] = chr(code)
                data[pos] = sd
        shaped[idx] = (f, ShapedStr("".join(chars), shapeData=data))
    return shaped


class ShapeCache:
    """A bounded, thread-safe LRU of shaped single-font words.

    Key: (word class, font name, font size, text, force).  Value: what `shape_frag_word` made
    of such a word, minus the caller's frag: ``None`` for "unchanged", else (result class,
    width, glyph string, shape data).  Shaping depends on nothing else (the frag's colour,
    link etc. are carried through untouched), and every code point in a cached result stays
    valid for the life of the process: ReportLab's private code points and our context code
    points are never released (`ThaiTTFont.context_code`).  An evicted word is shaped again
    to the same result, so the cache changes speed only, never output.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key):
        with self._lock:
            try:
                value = self._data[key]
            except KeyError:
                self.misses += 1
                return _MISSING
            self._data.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)


_MISSING = object()
#: shaped words kept per process (a statement has a few hundred distinct ones)
SHAPE_CACHE_SIZE = 8192
shape_cache = ShapeCache(SHAPE_CACHE_SIZE)


def _cache_key(w, args, kwargs):
    """The cache key of a frag word made of one plain text frag, else None (not cached)."""
    if args or set(kwargs) - {"force"} or len(w) != 2 or isinstance(w, ShapedFragWord):
        return None
    f, text = w[1]
    if hasattr(f, "cbDefn") or type(text) is not str:
        return None
    return (type(w), f.fontName, f.fontSize, text, bool(kwargs.get("force", False)))


def _cache_value(w, shaped):
    if shaped is w:
        return None
    if len(shaped) != 2 or shaped[1][0] is not w[1][0] or not isinstance(shaped[1][1], ShapedStr):
        return _MISSING  # not the one-frag shape we know how to rebuild: do not cache
    s = shaped[1][1]
    return (type(shaped), shaped[0], str(s), tuple(s.__shapeData__))


def shape_frag_word(w, *args, **kwargs):
    """ReportLab's ``shapeFragWord`` followed by `repair_shaped_word`, cached per word
    (see `ShapeCache`)."""
    key = _cache_key(w, args, kwargs)
    if key is not None:
        value = shape_cache.get(key)
        if value is None:
            return w
        if value is not _MISSING:
            cls, width, glyphs, data = value
            return cls([width, (w[1][0], ShapedStr(glyphs, shapeData=list(data)))])
    shaped = _rl_shape_frag_word(w, *args, **kwargs)
    if shaped is not w and len(shaped) >= 2:
        shaped = repair_shaped_word(w, shaped)
    if key is not None:
        value = _cache_value(w, shaped)
        if value is not _MISSING:
            shape_cache.put(key, value)
    return shaped


_THAI_MARKS = frozenset(
    [chr(0x0E31), chr(0x0E33)]
    + [chr(c) for c in range(0x0E34, 0x0E3B)]
    + [chr(c) for c in range(0x0E47, 0x0E4F)]
)


def actual_text(font, shaped: str) -> str | None:
    """Source text of a repaired ShapedStr drawn in ``font``, if it needs an ActualText span.

    None when the run has no Thai marks or context glyphs (plain runs need no help) or when
    some glyph's text is unknown.
    """
    if not isinstance(font, ThaiTTFont) or not isinstance(shaped, ShapedStr):
        return None
    return _actual_text(font, str(shaped))


@functools.lru_cache(maxsize=8192)
def _actual_text(font: ThaiTTFont, shaped: str) -> str | None:
    # the code points of a drawn run were all given their text when it was shaped, and a code
    # point's text never changes: the answer for the same run is always the same
    parts = []
    needed = False
    for ch in str(shaped):
        code = ord(ch)
        text = font.natural_text(code)
        if text is None:
            return None
        needed = needed or code in font.tounicode_text or ch in _THAI_MARKS
        parts.append(text)
    return "".join(parts) if needed else None


def _wrap_format_text(rl_format_text):
    """Wrap ``PDFTextObject._formatText`` so shaped Thai runs carry an ActualText span.

    Marks are drawn where HarfBuzz puts them, which can be left of the mark before them or
    right of the next letter's origin; poppler (pdftotext) sorts glyphs by x and would then
    extract "ฟ้นื" for "ฟื้น".  Poppler (and Acrobat) use ``/ActualText`` for the span instead;
    pypdf ignores it and reads the per-glyph ToUnicode entries, which are right as well.
    """

    def _formatText(self, text):
        code = rl_format_text(self, text)
        if code and isinstance(text, ShapedStr):
            actual = actual_text(pdfmetrics.getFont(self._fontname), text)
            if actual is not None:
                return f"/Span <</ActualText <FEFF{_utf16_hex(actual)}>>> BDC {code} EMC"
        return code

    _formatText.__wrapped__ = rl_format_text
    return _formatText


def _install_shaping_repair() -> None:
    import reportlab.pdfgen.canvas as rl_canvas
    import reportlab.platypus.paragraph as rl_paragraph
    from reportlab.pdfgen.textobject import PDFTextObject

    for module in (ttfonts, rl_paragraph, rl_canvas):
        if getattr(module, "shapeFragWord", None) is _rl_shape_frag_word:
            module.shapeFragWord = shape_frag_word
    if not hasattr(PDFTextObject._formatText, "__wrapped__"):
        PDFTextObject._formatText = _wrap_format_text(PDFTextObject._formatText)


def register_fonts() -> None:
    """Register Sarabun (regular, bold, italic, bold italic) and the ``Sarabun`` family.

    Idempotent and thread-safe; also installs the shaping text-layer repair.
    """
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name in _FILES:
            registered = name in pdfmetrics.getRegisteredFontNames()
            if not (registered and isinstance(pdfmetrics.getFont(name), ThaiTTFont)):
                pdfmetrics.registerFont(ThaiTTFont(name, font_path(name)))
        pdfmetrics.registerFontFamily(
            FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
        )
        _install_shaping_repair()
        _registered = True
