"""The site as its readers get it: offline, on a phone, with a screen reader.

Every page is opened in headless Chromium at 1366 px (light and dark theme) and at 390 px (a
phone), and audited in the page (see site_browser.py and the survey fixtures in conftest.py).
"""

from __future__ import annotations

import re

import pytest
from site_browser import AXE_TAGS, PHONE, off_site

# axe-core findings the book cannot fix (Quarto's own markup, no option or style to change it),
# as {rule: regex of the failing element's CSS selector}, each with the reason.
ALLOWED_VIOLATIONS: dict[str, str] = {}


def test_no_request_leaves_127_0_0_1(desktop_survey, dark_survey, phone_survey):
    leaving = {}
    for survey in (desktop_survey, dark_survey, phone_survey):
        for page, facts in survey.items():
            if urls := off_site(facts["requests"]):
                leaving.setdefault(page, set()).update(urls)
    assert leaving == {}, (
        "pages that fetch from another site (the book must read offline)"
    )
    assert all(
        facts["requests"] for facts in desktop_survey.values()
    )  # the log saw the pages


def test_every_formula_is_typeset(desktop_survey):
    raw = {
        page: facts["raw_tex"]
        for page, facts in desktop_survey.items()
        if facts["raw_tex"]
    }
    assert raw == {}, "prose that still shows TeX instead of a formula"


def test_every_image_has_alt_text(desktop_survey):
    missing = {
        page: facts["images_without_alt"]
        for page, facts in desktop_survey.items()
        if facts["images_without_alt"]
    }
    assert missing == {}, (
        "images a screen reader cannot describe (give each figure fig-alt)"
    )


def violations(survey: dict) -> dict[str, dict[str, int]]:
    """Return {page: {rule: failing elements}} of a survey, without the allowed ones."""
    found = {}
    for page, facts in survey.items():
        rules = {}
        for rule, nodes in facts["axe"].items():
            allowed = ALLOWED_VIOLATIONS.get(rule)
            left = [n for n in nodes if not (allowed and re.search(allowed, n))]
            if left:
                rules[rule] = left
        if rules:
            found[page] = rules
    return found


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_core_finds_no_wcag_violation(theme, desktop_survey, dark_survey):
    survey = desktop_survey if theme == "light" else dark_survey
    assert all("axe-error" not in facts["axe"] for facts in survey.values())
    assert violations(survey) == {}, f"WCAG 2.1 A/AA violations ({', '.join(AXE_TAGS)})"


def test_no_page_is_wider_than_a_phone(phone_survey):
    wide = {
        page: f["width"] for page, f in phone_survey.items() if f["width"] > PHONE[0]
    }
    assert wide == {}, (
        f"pages that scroll sideways on a {PHONE[0]} px screen (scrollWidth)"
    )


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_no_code_line_wraps_and_loses_its_indentation(
    screen, desktop_survey, phone_survey
):
    survey = desktop_survey if screen == "desktop" else phone_survey
    wrapped = {
        page: facts["wrapped_code_lines"]
        for page, facts in survey.items()
        if facts["wrapped_code_lines"]
    }
    assert sum(len(lines) for lines in wrapped.values()) == 0, wrapped
