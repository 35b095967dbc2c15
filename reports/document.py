"""Documents made of several numbered parts: e.g. a batch of member statements in one PDF.

Each part ("group") restarts its page numbers ("หน้า 1/3" counts the member's own pages) and
carries its own running header and footer texts, drawn once the page count is known.  A part
starts with a `GroupStart` flowable; parts are separated by page breaks.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, SimpleDocTemplate

from reports.fonts import BOLD, REGULAR, register_fonts
from reports.thai_text import LANG, NumberedCanvas, draw_thai_string, page_label, text_width


@dataclass(frozen=True)
class GroupInfo:
    """Running texts of one part, drawn on each of its pages: a letterhead (``title`` bold and
    ``subtitle`` under it on the left, ``header_right`` on the right, a rule below), the
    footer's left text (e.g. the print date) and "หน้า i/n".  ``size`` is the letterhead size;
    large print uses a larger one."""

    title: str = ""
    subtitle: str = ""
    header_right: str = ""
    footer_left: str = ""
    size: float = 11

    @property
    def small(self) -> float:
        """Size of the secondary texts; never below 16 pt in large print."""
        return self.size if self.size >= 16 else max(self.size * 0.85, 9)

    def header_lines(self, width: float) -> int:
        """2 when ``header_right`` fits beside the title, else 3 (it gets its own line)."""
        if not self.header_right:
            return 2
        need = text_width(self.title, BOLD, self.size) + 12 * mm
        need += text_width(self.header_right, REGULAR, self.small)
        return 2 if need <= width else 3


#: distance from the top edge of the page to the letterhead's first baseline
HEADER_TOP = 12 * mm


def top_margin_for(size: float, lines: int = 2) -> float:
    """The top margin that leaves room for a letterhead of ``lines`` lines drawn at ``size``."""
    return HEADER_TOP + (1.4 * (lines - 1) + 0.7) * size + 5 * mm


class GroupStart(Flowable):
    """Zero-size marker: the pages from here on belong to part ``index``."""

    def __init__(self, index: int):
        super().__init__()
        self.index = index

    def wrap(self, availWidth, availHeight):
        return 0, 0

    def draw(self) -> None:
        self.canv._chaeson_group = self.index


class GroupedCanvas(NumberedCanvas):
    """Numbers pages within each part and draws the part's header/footer texts."""

    groups: Sequence[GroupInfo] = ()
    footer_y: float = 10 * mm
    left: float = 20 * mm
    right: float = 20 * mm

    def __init__(self, *args, **kwargs):
        self._chaeson_group = 0
        super().__init__(*args, **kwargs)

    def save(self):
        pages = [state.get("_chaeson_group", 0) for state in self._held_pages]
        counts: dict[int, int] = {}
        self._chaeson_positions = []
        for group in pages:
            counts[group] = counts.get(group, 0) + 1
            self._chaeson_positions.append((group, counts[group]))
        self._chaeson_counts = counts
        self._chaeson_page_index = 0
        super().save()

    def draw_page_number(self, total: int) -> None:
        group, position = self._chaeson_positions[self._chaeson_page_index]
        self._chaeson_page_index += 1
        info = self.groups[group] if group < len(self.groups) else GroupInfo()
        width, height = self._pagesize
        size, small = info.size, info.small
        left, right = self.left, width - self.right
        label = page_label(position, self._chaeson_counts[group])
        draw_thai_string(self, right, self.footer_y, label, REGULAR, small, align="right")
        if info.footer_left:
            draw_thai_string(self, left, self.footer_y, info.footer_left, REGULAR, small)
        if not (info.title or info.subtitle or info.header_right):
            return
        lines = info.header_lines(right - left)
        top = height - HEADER_TOP
        if info.title:
            draw_thai_string(self, left, top, info.title, BOLD, size)
        if info.subtitle:
            draw_thai_string(self, left, top - size * 1.4, info.subtitle, REGULAR, small)
        if info.header_right:
            y = top if lines == 2 else top - size * 2.8
            draw_thai_string(self, right, y, info.header_right, REGULAR, small, align="right")
        self.saveState()
        self.setStrokeColor(colors.HexColor("#777777"))
        self.setLineWidth(0.6)
        y = top - size * (1.4 * (lines - 1) + 0.7)
        self.line(left, y, right, y)
        self.restoreState()


def build_grouped_pdf(
    parts: Iterable[tuple[GroupInfo, Sequence[Flowable]]],
    *,
    pagesize: tuple[float, float] = A4,
    title: str,
    author: str,
    subject: str = "",
    on_page: Callable[[Canvas, object], None] | None = None,
    margins: tuple[float, float, float, float] | None = None,
    invariant: bool | None = None,
) -> bytes:
    """Build a PDF of several parts, each numbered "หน้า i/n" on its own and carrying its own
    letterhead and footer (see `GroupInfo`).  ``margins`` (left, right, top, bottom) default
    to room for the largest letterhead."""
    register_fonts()
    parts = list(parts)
    if margins is None:
        side = 20 * mm
        usable = pagesize[0] - 2 * side
        top_margin = max(
            (top_margin_for(info.size, info.header_lines(usable)) for info, _ in parts),
            default=top_margin_for(11),
        )
        biggest = max((info.size for info, _ in parts), default=11)
        margins = (side, side, top_margin, 12 * mm + biggest * 1.2)
    left, right, top, bottom = margins
    story: list[Flowable] = []
    infos: list[GroupInfo] = []
    for index, (info, flowables) in enumerate(parts):
        if index:
            story.append(PageBreak())
        infos.append(info)
        story.append(GroupStart(index))
        story.extend(flowables)
    canvasmaker = type(
        "GroupedCanvasForDoc",
        (GroupedCanvas,),
        {
            "groups": tuple(infos),
            "footer_y": bottom / 2,
            "left": left,
            "right": right,
        },
    )
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
    doc.build(story, onFirstPage=hook, onLaterPages=hook, canvasmaker=canvasmaker)
    return buffer.getvalue()
