"""QR codes as inline SVG (segno), for the authenticator set-up page.

Inline, so the secret never travels in a second request or an image URL, and the strict CSP
(no inline styles or scripts) is untouched: the SVG is plain paths. The SVG is an image with a
name; the secret is also on the page as text, which is the QR code's real text alternative.
"""

from __future__ import annotations

import segno
from markupsafe import Markup, escape


def qr_svg(data: str, *, label: str) -> Markup:
    """``data`` as a QR code (error correction M, quiet zone of 4), sized by CSS via its viewBox."""
    code = segno.make(data, error="m", boost_error=False)
    svg = code.svg_inline(
        scale=1, border=4, dark="#000", light="#fff", omitsize=True, svgclass="qr-code"
    )
    # segno writes '<svg viewBox=… class="qr-code">': name it as one image for assistive tech.
    attributes = (
        f'<svg role="img" aria-label="{escape(label)}" focusable="false" '
        'shape-rendering="crispEdges" '
    )
    return Markup(svg.replace("<svg ", attributes, 1))  # noqa: S704 (segno's own markup)
