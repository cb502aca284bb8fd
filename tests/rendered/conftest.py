"""Fixtures for the tests of the rendered book in _book/ (run them after `bash .ci/render`).

These tests read what Quarto wrote; they fail, never skip, when it is missing. They are not part
of the default `pytest` run (see norecursedirs in pyproject.toml): run `pytest tests/rendered`.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The tests here share helpers in rendered_book.py; pytest's importlib mode does not put this
# folder on sys.path by itself.
sys.path.insert(0, str(Path(__file__).parent))
import site_browser as sb  # noqa: E402
from rendered_book import BOOK_DIR  # noqa: E402

from booktools import sources as book


@pytest.fixture(scope="session")
def book_dir() -> Path:
    """The rendered book; fails the test when it has not been rendered."""
    if not (BOOK_DIR / "index.html").is_file():
        pytest.fail(f"{BOOK_DIR} has no rendered site: run `bash .ci/render` first")
    return BOOK_DIR


@pytest.fixture(scope="session")
def pdf_path() -> Path:
    """The book's PDF, named by book.output-file in _quarto.yml."""
    name = book.load_config()["book"]["output-file"] + ".pdf"
    path = BOOK_DIR / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `bash .ci/render` (HTML and PDF) first")
    return path


@pytest.fixture(scope="session")
def pdf_pages(pdf_path: Path) -> list[str]:
    """The PDF's text, one string per page (poppler's pdftotext)."""
    if shutil.which("pdftotext") is None:
        pytest.fail(
            "pdftotext is missing: install poppler-utils (apt-get install poppler-utils)"
        )
    result = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    pages = result.stdout.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


@pytest.fixture(scope="session")
def pdf_words(
    pdf_path: Path,
) -> list[tuple[float, list[tuple[float, float, float, float, str]]]]:
    """Every page of the PDF as (width, words), each word (x_min, y_min, x_max, y_max, text)."""
    if shutil.which("pdftotext") is None:
        pytest.fail(
            "pdftotext is missing: install poppler-utils (apt-get install poppler-utils)"
        )
    result = subprocess.run(
        ["pdftotext", "-bbox", str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    pages = []
    for page in result.stdout.split("<page ")[1:]:
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            page,
        )
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        pages.append(
            (width, [(*map(float, w[:4]), html.unescape(w[4])) for w in words])
        )
    return pages


@pytest.fixture(scope="session")
def site(book_dir: Path) -> Iterator[str]:
    """The rendered book, served over HTTP on a free port of 127.0.0.1; yields its base URL."""
    with sb.serve(book_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser(tmp_path_factory) -> Iterator:
    """Headless Chromium with a fresh profile, at desktop size in the light theme."""
    with sb.chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        sb.set_viewport(driver, sb.DESKTOP)
        yield driver


@pytest.fixture(scope="session")
def site_pages(book_dir: Path) -> list[str]:
    """Every HTML page of the site, as a path relative to it."""
    return sorted(p.relative_to(book_dir).as_posix() for p in book_dir.rglob("*.html"))


def survey(
    browser, site: str, pages: list[str], size, dark: bool, audits: dict
) -> dict:
    """Open every page at a viewport ``size`` in one theme and run each audit on it.

    ``audits`` maps a name to a function of the browser; returns {page: {name: result}}, where
    "requests" is every URL the page requested. Leaves the browser at desktop size, light theme.
    """
    sb.set_viewport(browser, size)
    sb.set_theme(browser, site, dark)
    found = {}
    try:
        for page in pages:
            sb.requests_since_last_call(browser)
            sb.open_page(browser, site + page)
            facts = {name: audit(browser) for name, audit in audits.items()}
            facts["requests"] = sb.requests_since_last_call(browser)
            found[page] = facts
    finally:
        sb.set_viewport(browser, sb.DESKTOP)
        sb.set_theme(browser, site, dark=False)
    return found


def _script(js: str):
    return lambda browser: browser.execute_script(js)


def _opened(js: str):
    return lambda browser: browser.execute_script(sb.OPEN_FOLDS + js)


@pytest.fixture(scope="session")
def desktop_survey(browser, site, site_pages) -> dict:
    """Every page at 1366 px, light theme: requests, raw TeX, images, wrapped code, axe-core."""
    audits = {
        "raw_tex": _script(sb.RAW_TEX),
        "images_without_alt": _script(sb.IMAGES_WITHOUT_ALT),
        "axe": sb.axe_violations,
        "wrapped_code_lines": _opened(sb.WRAPPED_CODE_LINES),
    }
    return survey(browser, site, site_pages, sb.DESKTOP, False, audits)


@pytest.fixture(scope="session")
def dark_survey(browser, site, site_pages) -> dict:
    """Every page at 1366 px in the dark theme: axe-core."""
    return survey(
        browser, site, site_pages, sb.DESKTOP, True, {"axe": sb.axe_violations}
    )


@pytest.fixture(scope="session")
def phone_survey(browser, site, site_pages) -> dict:
    """Every page on a 390 px wide phone screen, light theme: page width, wrapped code."""
    audits = {
        "width": _script(sb.PAGE_WIDTH),
        "wrapped_code_lines": _opened(sb.WRAPPED_CODE_LINES),
    }
    return survey(browser, site, site_pages, sb.PHONE, False, audits)
