"""Accessibility checks for one page: axe-core plus the checks axe cannot make.

``audit_page(page, name)`` runs everything and fails with one readable list of every problem found
(so one run shows them all), after saving screenshots at 1280 px and 320 px to
``test-artifacts/screenshots/<name>-<width>.png``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 800}
MIN_TARGET = 44  # px, both ways (the brief asks more than WCAG 2.5.8's 24 px)

#: Everything a person can click, type into or tab to.
INTERACTIVE = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    '[tabindex]:not([tabindex="-1"]), [role=button], [role=link], [contenteditable=""], '
    "[contenteditable=true]"
)

_JS_HELPERS = r"""
const INTERACTIVE = __INTERACTIVE__;
function isShown(el) {
  const st = getComputedStyle(el);
  if (st.visibility === 'hidden' || st.display === 'none') return false;
  const r = el.getBoundingClientRect();
  if (r.width <= 1 || r.height <= 1) return false;
  // Off-screen on purpose (the skip link until focused).
  if (r.right + window.scrollX <= 0 || r.bottom + window.scrollY <= 0) return false;
  return true;
}
function describe(el) {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (el.getAttribute('name')) s += '[name=' + el.getAttribute('name') + ']';
  if (el.getAttribute('href')) s += '[href=' + el.getAttribute('href') + ']';
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
  if (text) s += ' "' + text.replace(/\s+/g, ' ').slice(0, 40) + '"';
  return s;
}
function blockAncestor(el) {
  let p = el.parentElement;
  while (p && ['inline', 'contents'].includes(getComputedStyle(p).display)) p = p.parentElement;
  return p;
}
// WCAG 2.5.8's inline exception, narrowly: a plain text link (display inline) inside a paragraph
// that has other words besides the link, i.e. a link inside a sentence.
function isInlineSentenceLink(el) {
  if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
  const block = blockAncestor(el);
  if (!block || block.tagName !== 'P') return false;
  const rest = block.innerText.replace(el.innerText, '').replace(/[\s()\[\].,:;·|-]/g, '');
  return rest.length >= 3;
}
// The target of a checkbox or radio includes its label (clicking either toggles it).
function targetRect(el) {
  let r = el.getBoundingClientRect();
  let box = {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
  if (el.tagName === 'INPUT' && ['checkbox', 'radio'].includes(el.type) && el.labels) {
    for (const label of el.labels) {
      const l = label.getBoundingClientRect();
      if (l.width === 0) continue;
      box = {left: Math.min(box.left, l.left), top: Math.min(box.top, l.top),
             right: Math.max(box.right, l.right), bottom: Math.max(box.bottom, l.bottom)};
    }
  }
  return {width: box.right - box.left, height: box.bottom - box.top};
}
""".replace("__INTERACTIVE__", json.dumps(INTERACTIVE))

_TARGETS_JS = (
    "(min) => {"
    + _JS_HELPERS
    + r"""
  const small = [];
  for (const el of document.querySelectorAll(INTERACTIVE)) {
    if (!isShown(el) || el.closest('[inert]')) continue;
    if (el.matches('[role=region][tabindex]')) continue;  // a scroll area, not a click target
    if (isInlineSentenceLink(el)) continue;
    const r = targetRect(el);
    if (r.width < min - 0.5 || r.height < min - 0.5)
      small.push(describe(el) + ' is ' + Math.round(r.width) + '×' + Math.round(r.height) + ' px');
  }
  return small;
}"""
)

_PREPARE_FOCUS_JS = (
    "() => {"
    + _JS_HELPERS
    + r"""
  const out = [];
  let i = 0;
  for (const el of document.querySelectorAll(INTERACTIVE)) {
    i += 1;
    el.dataset.a11yId = String(i);
    const st = getComputedStyle(el);
    el.dataset.a11yOutline = st.outlineStyle + ' ' + st.outlineWidth;
    el.dataset.a11yShadow = st.boxShadow;
    const tabbable = el.tabIndex >= 0 && !el.disabled && !el.closest('[inert]') && isShown(el);
    out.push({id: String(i), desc: describe(el), tabbable: tabbable,
              radio: el.type === 'radio' ? (el.form ? el.form.id : '') + '/' + el.name : null});
  }
  // Mark what stays put while the page scrolls: the only things that can cover focus.
  for (const el of document.querySelectorAll('body *')) {
    const pos = getComputedStyle(el).position;
    if (pos === 'sticky' || pos === 'fixed') el.dataset.a11ySticky = pos;
  }
  // Start the Tab walk from the top of the document.
  window.scrollTo(0, 0);
  const start = document.createElement('span');
  start.tabIndex = -1;
  document.body.prepend(start);
  start.focus();
  start.remove();
  return out;
}"""
)

_FOCUSED_JS = (
    "() => {"
    + _JS_HELPERS
    + r"""
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const st = getComputedStyle(el);
  const outlined = st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2;
  const shadowChanged = st.boxShadow !== 'none' && st.boxShadow !== el.dataset.a11yShadow;
  const r = el.getBoundingClientRect();
  const vw = document.documentElement.clientWidth, vh = window.innerHeight;
  const problems = [];
  if (!(outlined || shadowChanged))
    problems.push('no visible focus indicator (outline ' + st.outlineStyle + ' ' +
                  st.outlineWidth + ', box-shadow ' + st.boxShadow + ')');
  if (r.bottom <= 0 || r.top >= vh || r.right <= 0 || r.left >= vw)
    problems.push('focused but outside the viewport');
  for (const other of document.querySelectorAll('[data-a11y-sticky]')) {
    const pos = other.dataset.a11ySticky;
    if (other.contains(el) || el.contains(other) || !isShown(other)) continue;
    const o = other.getBoundingClientRect();
    if (o.left < r.right && o.right > r.left && o.top < r.bottom && o.bottom > r.top)
      problems.push('covered by ' + pos + ' ' + describe(other));
  }
  const cx = Math.min(Math.max((r.left + r.right) / 2, 1), vw - 1);
  const cy = Math.min(Math.max((r.top + r.bottom) / 2, 1), vh - 1);
  const top = document.elementFromPoint(cx, cy);
  if (top && !el.contains(top) && !(el.labels && [...el.labels].some(l => l.contains(top))))
    problems.push('hidden under ' + describe(top));
  const t = targetRect(el);
  if (!el.matches('[role=region][tabindex]') && !isInlineSentenceLink(el) &&
      (t.width < __MIN__ - 0.5 || t.height < __MIN__ - 0.5))
    problems.push('target ' + Math.round(t.width) + '×' + Math.round(t.height) +
                  ' px when focused');
  return {id: el.dataset.a11yId || null, desc: describe(el), problems: problems};
}""".replace("__MIN__", str(MIN_TARGET))
)

_OVERFLOW_JS = r"""() => {
  const root = document.documentElement;
  const vw = root.clientWidth;
  const out = {pageScrolls: root.scrollWidth > vw + 1, scrollWidth: root.scrollWidth,
               offenders: [], regions: []};
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('[role=region][tabindex]')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + 1) continue;
    const st = getComputedStyle(el);
    if (st.position === 'absolute' && r.right + window.scrollX < 0) continue;
    const parent = el.parentElement;
    // Report only the outermost element that sticks out.
    if (parent && parent !== document.body && parent.getBoundingClientRect().right > vw + 1 &&
        !parent.matches('[role=region][tabindex]')) continue;
    out.offenders.push(describe(el) + ' reaches ' + Math.round(r.right) + ' px');
  }
  for (const region of document.querySelectorAll('[role=region][tabindex]')) {
    if (region.scrollWidth <= region.clientWidth + 1) continue;
    const labelled = region.getAttribute('aria-label') ||
      (region.getAttribute('aria-labelledby') || '').split(/\s+/).some(
        id => id && document.getElementById(id) && document.getElementById(id).textContent.trim());
    const ox = getComputedStyle(region).overflowX;
    if (!labelled) out.regions.push(describe(region) + ' scrolls but has no label');
    if (region.tabIndex !== 0) out.regions.push(describe(region) + ' scrolls but tabindex != 0');
    if (!['auto', 'scroll'].includes(ox))
      out.regions.push(describe(region) + ' overflow-x is ' + ox);
  }
  return out;
}"""

_CLIPPED_JS = r"""() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.visually-hidden, .skip-link, [role=region][tabindex]')) continue;
    if (!el.innerText || !el.innerText.trim()) continue;
    const st = getComputedStyle(el);
    const clipsY = ['hidden', 'clip'].includes(st.overflowY);
    const clipsX = ['hidden', 'clip'].includes(st.overflowX);
    if ((clipsY && el.scrollHeight > el.clientHeight + 1) ||
        (clipsX && el.scrollWidth > el.clientWidth + 1))
      out.push(el.tagName.toLowerCase() + ' "' + el.innerText.trim().slice(0, 40) +
               '" clips its text');
  }
  return out;
}"""


def run_axe(page) -> list[dict]:
    page.evaluate(AXE_SCRIPT)
    result = page.evaluate(
        "(opts) => axe.run(document, opts)",
        {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    return result["violations"]


def format_axe(violations: list[dict]) -> list[str]:
    lines = []
    for v in violations:
        lines.append(f"axe {v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:8]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return lines


def small_targets(page) -> list[str]:
    return page.evaluate(_TARGETS_JS, MIN_TARGET)


#: Checks each element as it receives focus (Chromium has scrolled it into view by then), so
#: the walk needs one round trip per Tab press instead of two.
_RECORD_FOCUS_JS = (
    "() => { window.__a11yFocus = []; const check = "
    + _FOCUSED_JS
    + "; document.addEventListener('focusin', () => { window.__a11yFocus.push(check()); },"
    " true); }"
)


def tab_walk(page) -> tuple[list[str], list[str]]:
    """Tab through the page; return (the controls in focus order, problems found)."""
    candidates = page.evaluate(_PREPARE_FOCUS_JS)
    expected = {c["id"]: c for c in candidates if c["tabbable"]}
    page.evaluate(_RECORD_FOCUS_JS)
    for _ in range(len(expected) + 6):
        page.keyboard.press("Tab")
    reached: list[str] = []
    seen: set[str] = set()
    problems: list[str] = []
    for info in page.evaluate("window.__a11yFocus"):
        if info is None:
            break  # focus left the document: the walk is complete
        key = info["id"] or info["desc"]
        if key in seen:
            break
        seen.add(key)
        reached.append(info["desc"])
        problems.extend(f"focus on {info['desc']}: {p}" for p in info["problems"])
    radio_groups_reached = {
        expected[k]["radio"] for k in seen if k in expected and expected[k]["radio"]
    }
    for key, c in expected.items():
        if key in seen or (c["radio"] and c["radio"] in radio_groups_reached):
            continue
        problems.append(f"Tab never reaches {c['desc']}")
    return reached, problems


def overflow_problems(page) -> list[str]:
    info = page.evaluate(_OVERFLOW_JS)
    problems = list(info["regions"])
    if info["pageScrolls"]:
        problems.append(
            f"page scrolls sideways at {page.viewport_size['width']} px "
            f"(content {info['scrollWidth']} px wide)"
        )
        problems.extend(f"  sticks out: {o}" for o in info["offenders"][:10])
    return problems


def clipped_text(page) -> list[str]:
    return page.evaluate(_CLIPPED_JS)


def screenshot(page, name: str, width: int) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def audit_page(page, name: str, *, lang: str = "th") -> None:
    """Every accessibility check on the page as it is now; fails listing all problems found."""
    problems: list[str] = []
    page.set_viewport_size(DESKTOP)
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")

    actual_lang = page.evaluate("document.documentElement.getAttribute('lang')")
    if actual_lang != lang:
        problems.append(f'<html lang="{actual_lang}">, expected lang="{lang}"')
    if not page.title().strip():
        problems.append("the page has no <title>")

    problems.extend(format_axe(run_axe(page)))
    problems.extend(f"small target at 1280 px: {s}" for s in small_targets(page))
    problems.extend(f"at 1280 px: {c}" for c in clipped_text(page))
    _reached, focus_problems = tab_walk(page)
    problems.extend(focus_problems)
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    screenshot(page, name, DESKTOP["width"])

    page.set_viewport_size(NARROW)
    page.evaluate("window.scrollTo(0, 0)")
    problems.extend(overflow_problems(page))
    problems.extend(f"small target at 320 px: {s}" for s in small_targets(page))
    problems.extend(f"at 320 px: {c}" for c in clipped_text(page))
    screenshot(page, name, NARROW["width"])
    page.set_viewport_size(DESKTOP)

    errors = [e for e in getattr(page, "chaeson_errors", []) if e]
    problems.extend(f"browser console: {e}" for e in errors)

    if problems:
        listing = "\n  ".join(problems)
        raise AssertionError(f"{name} ({page.url}) has {len(problems)} problem(s):\n  {listing}")


def assert_error_summary_focused(page) -> None:
    """After a failed submit the error summary is focused, is an alert, and links to the fields."""
    summary = page.locator("[data-error-summary]")
    expect(summary, "no error summary on the page").to_have_count(1)
    assert summary.get_attribute("role") == "alert"
    # app.js moves focus on DOMContentLoaded; under load that can land after the page "loads".
    try:
        page.wait_for_function(
            "() => document.activeElement"
            " && document.activeElement.hasAttribute('data-error-summary')",
            timeout=5000,
        )
        focused = True
    except PlaywrightTimeoutError:
        focused = False
    assert focused, "the error summary does not have focus after the failed submit"
    for link in summary.locator("a[href^='#']").all():
        target = link.get_attribute("href")[1:]
        assert page.locator(f"[id='{target}']").count() == 1, f"summary links to missing #{target}"
