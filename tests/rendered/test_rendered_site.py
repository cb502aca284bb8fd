"""Tests of the rendered HTML site in _book/: pages, cross-references, search and downloads."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
from rendered_book import book_entries, plain

from booktools.exercise_index import collect_exercises


class Links(HTMLParser):
    """Collects the href of every <a> in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"])


def hrefs_of(page: Path) -> list[str]:
    """Return every link target of an HTML page."""
    parser = Links()
    parser.feed(page.read_text())
    return parser.hrefs


def local_target(page: Path, href: str) -> Path | None:
    """Return the file a relative link points at, or None for external links and anchors."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return (page.parent / unquote(parts.path)).resolve()


def html_pages(book_dir: Path) -> list[Path]:
    """Return every HTML page of the site."""
    return sorted(book_dir.rglob("*.html"))


def h1_texts(page: Path) -> list[str]:
    """Return the text of every <h1> of a page, tags removed and spaces normalised."""
    found = re.findall(r"<h1\b[^>]*>(.*?)</h1>", page.read_text(), re.S)
    return [
        " ".join(re.sub(r"<[^>]+>", "", h).replace("&nbsp;", " ").split())
        for h in found
    ]


def test_every_chapter_and_appendix_has_its_page(book_dir):
    pages = [e for e in book_entries() if e.kind != "part"]
    assert [e.page for e in pages if not (book_dir / e.page).is_file()] == []
    for entry in pages:
        headings = h1_texts(book_dir / entry.page)
        assert any(h.endswith(entry.title) for h in headings), (entry.page, headings)


def test_no_cross_reference_is_left_unresolved(book_dir):
    for page in html_pages(book_dir):
        html = page.read_text()
        assert "?@" not in html, (
            f"{page.name}: a cross-reference Quarto could not resolve"
        )
        assert "quarto-unresolved-ref" not in html, page.name
        # a line starting "@label." is read as an example list, which swallows the reference
        assert 'class="example"' not in html, (
            f"{page.name}: prose turned into an example list"
        )


def test_search_finds_every_exercise_of_the_index(book_dir):
    entries = json.loads((book_dir / "search.json").read_text())
    pages = {e.label: e.page for e in book_entries()}
    exercises = collect_exercises()
    assert len(exercises) > 50
    for exercise in exercises:
        page = pages[exercise.chapter_label]
        title = plain(exercise.title)
        # Quarto indexes level-2 sections; a ### exercise is found in its section's text
        assert any(
            e["href"].split("#")[0] == page and title in f"{e['section']}\n{e['text']}"
            for e in entries
        ), f"search does not find {title!r} on {page}"


def test_every_download_link_points_at_a_published_file(book_dir):
    notebooks = 0
    for entry in book_entries():
        if not entry.source.endswith(".ipynb"):
            continue
        page = book_dir / entry.page
        local = [h for h in hrefs_of(page) if local_target(page, h) is not None]
        downloads = [h for h in local if h.endswith((".ipynb", ".pdf"))]
        assert any(h.endswith(".pdf") for h in downloads), (
            f"{entry.page} does not link the PDF"
        )
        assert sum(h.endswith(".ipynb") for h in downloads) == 2, entry.page
        for href in downloads:
            target = local_target(page, href)
            assert target is not None and target.is_file(), (
                f"{entry.page}: {href} is missing"
            )
            assert target.is_relative_to(book_dir.resolve()), (
                f"{entry.page}: {href} leaves _book/"
            )
            if target.suffix == ".ipynb":
                assert nbformat.read(target, as_version=4).cells, href
                notebooks += 1
    assert notebooks == 2 * sum(e.source.endswith(".ipynb") for e in book_entries())


def test_no_local_link_is_broken(book_dir):
    broken = []
    for page in html_pages(book_dir):
        for href in hrefs_of(page):
            target = local_target(page, href)
            if target is not None and not target.exists():
                broken.append(f"{page.relative_to(book_dir)}: {href}")
    assert broken == []


def test_every_glossary_term_can_be_linked_and_pages_link_to_terms(book_dir):
    glossary = (book_dir / "chapters" / "a-glossary.html").read_text()
    # each term is an unnumbered heading of its own section, whose id links can name
    terms = re.findall(
        r'<h2 class="[^"]*glossary-entry[^"]*"[^>]*>(.*?)</h2>', glossary, re.S
    )
    ids = set(
        re.findall(
            r'<section id="(gls-[a-z0-9-]+)" class="[^"]*glossary-entry', glossary
        )
    )
    assert len(terms) > 30 and len(ids) == len(terms), "a glossary term without an id"
    linked = set()
    for page in html_pages(book_dir):
        for href in hrefs_of(page):
            if "a-glossary.html#gls-" in href:
                target = local_target(page, href)
                assert (
                    target == (book_dir / "chapters" / "a-glossary.html").resolve()
                ), href
                assert href.split("#")[1] in ids, (
                    f"{page.name}: {href} names no glossary term"
                )
                linked.add(href.split("#")[1])
    assert len(linked) >= 5  # the chapters' first bold mentions of the terms


def test_a_search_for_a_glossary_term_lands_on_its_entry(book_dir):
    glossary = (book_dir / "chapters" / "a-glossary.html").read_text()
    ids = re.findall(r'<section id="(gls-[a-z0-9-]+)"', glossary)
    index = json.loads((book_dir / "search.json").read_text())
    entries = {
        e["href"] for e in index if e["href"].startswith("chapters/a-glossary.html")
    }
    assert ids and {f"chapters/a-glossary.html#{i}" for i in ids} <= entries, (
        "glossary terms the search cannot land on"
    )


def test_the_pdf_is_linked_by_name_from_the_preface_and_every_sidebar(book_dir):
    name = "pytorch-exercises-solved.pdf"
    for page in html_pages(book_dir):
        html = page.read_text()
        links = re.findall(
            rf'<a href="([^"]*{re.escape(name)})"[^>]*>([^<]*{re.escape(name)}|[^<]*PDF[^<]*)</a>',
            html,
        )
        assert links, f"{page.relative_to(book_dir)} does not link the PDF by name"
    preface = (book_dir / "index.html").read_text()
    assert f">{name}</a>" in preface
