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
from pathlib import Path

import pytest

# The tests here share helpers in rendered_book.py; pytest's importlib mode does not put this
# folder on sys.path by itself.
sys.path.insert(0, str(Path(__file__).parent))
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
        pytest.fail("pdftotext is missing: install poppler-utils (apt-get install poppler-utils)")
    result = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
    )
    pages = result.stdout.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


@pytest.fixture(scope="session")
def pdf_words(pdf_path: Path) -> list[tuple[float, list[tuple[float, float, float, float, str]]]]:
    """Every page of the PDF as (width, words), each word (x_min, y_min, x_max, y_max, text)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install poppler-utils (apt-get install poppler-utils)")
    result = subprocess.run(
        ["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True, check=True
    )
    pages = []
    for page in result.stdout.split("<page ")[1:]:
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            page,
        )
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        pages.append((width, [(*map(float, w[:4]), html.unescape(w[4])) for w in words]))
    return pages
