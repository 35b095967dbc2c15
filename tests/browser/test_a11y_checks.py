"""The checks of ``audit_page`` catch what they claim to catch (on small made-up pages)."""

from __future__ import annotations

import pytest

from tests.browser.a11y import (
    _FOCUSED_JS,
    _PREPARE_FOCUS_JS,
    assert_error_summary_focused,
    audit_page,
    clipped_text,
    overflow_problems,
    run_axe,
    small_targets,
    tab_walk,
)

GOOD_BUTTON = "min-height:48px;min-width:48px;font-size:18px"
FOCUS = "<style>:focus-visible{outline:4px solid #000}</style>"


def _set(page, body: str, *, lang: str = "th", width: int = 1280) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.set_content(
        f'<!doctype html><html lang="{lang}"><head><title>ทดสอบ</title>{FOCUS}</head>'
        f"<body><main>{body}</main></body></html>"
    )


def test_a_clean_page_passes(page):
    _set(page, f'<h1>หน้า</h1><p>ข้อความ</p><button style="{GOOD_BUTTON}">ตกลง</button>')
    audit_page(page, "selftest-clean")


def test_axe_violations_are_reported(page):
    _set(page, '<h1>หน้า</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">')
    assert "image-alt" in {v["id"] for v in run_axe(page)}


def test_wrong_or_missing_lang_fails(page):
    _set(page, f'<h1>หน้า</h1><button style="{GOOD_BUTTON}">ตกลง</button>', lang="en")
    with pytest.raises(AssertionError, match='expected lang="th"'):
        audit_page(page, "selftest-lang")


def test_small_targets_are_found_but_links_in_a_sentence_are_exempt(page):
    _set(
        page,
        '<p>อ่าน <a href="#x">ระเบียบกองทุน</a> ก่อนสมัคร</p>'
        '<p><a href="#y" id="alone">กลับหน้าแรก</a></p>'
        '<button style="height:30px">เล็ก</button>',
    )
    small = " ".join(small_targets(page))
    assert "a#alone" in small  # a link alone in a paragraph is not in a sentence
    assert "button" in small
    assert "ระเบียบกองทุน" not in small


def test_a_checkbox_target_includes_its_label(page):
    _set(
        page,
        '<input type="checkbox" id="c" style="width:28px;height:28px">'
        '<label for="c" style="display:inline-block;min-height:44px;width:200px">เลือก</label>'
        '<input type="checkbox" id="d" style="width:20px;height:20px">',
    )
    small = " ".join(small_targets(page))
    assert "input#d" in small and "input#c" not in small


def test_focus_without_visible_indicator_is_reported(page):
    _set(
        page,
        f'<button style="{GOOD_BUTTON}" id="ok">ก</button>'
        f'<button style="{GOOD_BUTTON};outline:none" id="bad">ข</button>',
    )
    reached, problems = tab_walk(page)
    assert len(reached) == 2
    assert any("button#bad" in p and "no visible focus" in p for p in problems)
    assert not any("button#ok" in p for p in problems)


def test_a_keyboard_trap_leaves_later_controls_unreached(page):
    _set(
        page,
        f'<input id="trap" style="{GOOD_BUTTON}">'
        f'<button style="{GOOD_BUTTON}" id="after">ก</button>',
    )
    page.evaluate(
        "document.getElementById('trap').addEventListener('keydown',"
        " e => { if (e.key === 'Tab') e.preventDefault(); })"
    )
    _reached, problems = tab_walk(page)
    assert any("never reaches button#after" in p for p in problems), problems


def test_focus_hidden_under_a_sticky_header_is_reported(page):
    _set(
        page,
        '<header style="position:fixed;top:0;left:0;right:0;height:200px;background:#fff">'
        "หัว</header>"
        '<div style="height:1500px"></div>'
        f'<button style="{GOOD_BUTTON}" id="under">ก</button><div style="height:1500px"></div>',
    )
    page.evaluate(_PREPARE_FOCUS_JS)
    # Scroll the button to the very top, under the header, then focus it without scrolling.
    page.evaluate(
        "() => { const b = document.getElementById('under');"
        " window.scrollTo(0, b.getBoundingClientRect().top + scrollY - 10); }"
    )
    page.evaluate("document.getElementById('under').focus({preventScroll: true})")
    info = page.evaluate(_FOCUSED_JS)
    assert any("covered by fixed" in p for p in info["problems"]), info


def test_sideways_scrolling_at_320_is_reported_unless_inside_a_labelled_region(page):
    wide = '<div style="width:600px">กว้าง</div>'
    _set(page, wide, width=320)
    assert any("scrolls sideways" in p for p in overflow_problems(page))
    _set(
        page,
        '<h2 id="cap">ตาราง</h2><div role="region" aria-labelledby="cap" tabindex="0" '
        f'style="overflow-x:auto">{wide}</div>',
        width=320,
    )
    assert overflow_problems(page) == []
    _set(page, f'<div role="region" tabindex="0" style="overflow-x:auto">{wide}</div>', width=320)
    assert any("no label" in p for p in overflow_problems(page))


def test_clipped_text_is_reported(page):
    _set(page, '<div style="height:10px;overflow:hidden">ข้อความที่ถูกตัด<br>บรรทัดสอง</div>')
    assert clipped_text(page)


def test_error_summary_check_needs_focus(page):
    _set(
        page,
        '<div role="alert" tabindex="-1" data-error-summary><a href="#f">ผิด</a></div>'
        '<input id="f">',
    )
    with pytest.raises(AssertionError, match="does not have focus"):
        assert_error_summary_focused(page)
    page.focus("[data-error-summary]")
    assert_error_summary_focused(page)
