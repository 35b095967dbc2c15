"""Driving the app with the keyboard alone, the way a blind or motor-impaired user does.

``keyboard_only(page)`` (before the first navigation) records every real mouse or pointer event
the page receives; ``assert_no_mouse(page)`` at the end proves none happened. In between, only
the helpers below: they press Tab until the wanted control has focus, then type or press keys.
"""

from __future__ import annotations

from playwright.sync_api import Page

_MOUSE_GUARD = """
(() => {
  for (const type of ['mousedown', 'mouseup', 'pointerdown', 'wheel', 'contextmenu', 'dblclick']) {
    window.addEventListener(type, (e) => {
      if (!e.isTrusted) return;
      const seen = sessionStorage.getItem('chaesonMouse') || '';
      sessionStorage.setItem('chaesonMouse', seen + type + ' ');
    }, true);
  }
})();
"""

_MATCHES = """([css, text]) => {
  const el = document.activeElement;
  if (!el || el === document.body || !el.matches(css)) return false;
  if (!text) return true;
  const own = (el.innerText || el.value || '') + ' ' + (el.getAttribute('aria-label') || '');
  const labels = el.labels ? [...el.labels].map(l => l.innerText).join(' ') : '';
  return (own + ' ' + labels).replace(/\\s+/g, ' ').includes(text);
}"""


def keyboard_only(page: Page) -> None:
    page.context.add_init_script(_MOUSE_GUARD)


def assert_no_mouse(page: Page) -> None:
    used = page.evaluate("sessionStorage.getItem('chaesonMouse')")
    assert not used, f"the keyboard-only run received mouse events: {used}"


def focused(page: Page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement; return e ? e.tagName.toLowerCase() +"
        " (e.id ? '#' + e.id : '') + ' ' + (e.innerText || e.value || '').slice(0, 40) : ''; }"
    )


def tab_to(page: Page, css: str, text: str | None = None, *, limit: int = 400) -> None:
    """Press Tab until the focused element matches ``css`` (and shows or is labelled ``text``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(_MATCHES, [css, text]):
            return
    raise AssertionError(f"Tab never reached {css} {text or ''} (last focus: {focused(page)})")


def type_into(page: Page, css: str, value: str, text: str | None = None) -> None:
    """Tab to a text field, clear it with the keyboard and type ``value``."""
    tab_to(page, css, text)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    if value:
        page.keyboard.type(value)


def _enter(page: Page, navigates: bool) -> None:
    if navigates:
        with page.expect_navigation():
            page.keyboard.press("Enter")
    else:
        page.keyboard.press("Enter")


def press_button(page: Page, text: str, css: str = "button", *, navigates: bool = True) -> None:
    """Tab to the button showing ``text`` and press Enter (waiting for the page it leads to)."""
    tab_to(page, css, text)
    _enter(page, navigates)


def follow_link(page: Page, text: str, css: str = "a[href]", *, navigates: bool = True) -> None:
    tab_to(page, css, text)
    _enter(page, navigates)


def choose(page: Page, css: str, option_text: str) -> None:
    """Tab to a <select> and move through its options with the arrow keys to ``option_text``."""
    tab_to(page, css)
    page.keyboard.press("Home")
    for _ in range(200):
        label = page.evaluate("() => document.activeElement.selectedOptions[0]?.text || ''")
        if option_text in label:
            return
        before = page.evaluate("() => document.activeElement.selectedIndex")
        page.keyboard.press("ArrowDown")
        if page.evaluate("() => document.activeElement.selectedIndex") == before:
            break
    raise AssertionError(f"{css} has no option {option_text!r}")


def pick_radio(page: Page, name: str, label: str) -> None:
    """Tab into a radio group and move with the arrow keys until ``label`` is checked."""
    tab_to(page, f"input[type=radio][name='{name}']")
    for _ in range(20):
        current = page.evaluate(
            "() => { const e = document.activeElement;"
            " return e.checked ? [...e.labels].map(l => l.innerText).join(' ') : ''; }"
        )
        if label in current:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"radio group {name} has no option {label!r}")


def tick(page: Page, css: str) -> None:
    """Tab to a checkbox and tick it with the space bar."""
    tab_to(page, css)
    if not page.evaluate("() => document.activeElement.checked"):
        page.keyboard.press("Space")
