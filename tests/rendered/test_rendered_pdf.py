"""Tests of the book's PDF: it exists, holds every title, in order, and no broken reference; it
labels what the site folds, gives references their page, and leaves blank pages blank."""

from __future__ import annotations

import re

import nbformat
from rendered_book import book_entries, letters, plain

from booktools.exercise_index import collect_exercises
from dlbook.files import PROJECT_ROOT

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def opening_lines(entries) -> list[str]:
    """Return how the page that opens each part, chapter and appendix begins, in book order."""
    openings, chapter, part, appendix = [], 0, 0, 0
    for entry in entries:
        if entry.kind == "part":
            openings.append(f"{ROMAN[part]} {entry.title}")
            part += 1
        elif entry.kind == "chapter":
            chapter += 1
            openings.append(f"{chapter}. {entry.title}")
        elif entry.kind == "appendix":
            if appendix == 0:
                openings.append("Appendices")
            openings.append(f"{'ABCDEFGH'[appendix]}. {entry.title}")
            appendix += 1
        else:
            openings.append(entry.title)
    return openings


RUNNING_HEADER = re.compile(r"^\s*\d+\s{2,}\S.*$|^.*\S\s{2,}\d+\s*$|^\s*\d+\s*$")


def page_start(page: str) -> str:
    """Return how a page's text begins (as letters), without its running header line."""
    lines = [line for line in page.splitlines() if line.strip()]
    if lines and RUNNING_HEADER.match(lines[0]):
        lines = lines[1:]
    return letters(" ".join(lines))[:120]


def test_the_pdf_is_a_whole_book(pdf_path, pdf_pages):
    assert pdf_path.stat().st_size > 1_000_000
    assert len(pdf_pages) > 100
    assert "The PyTorch Exercises project" in pdf_pages[0]


def test_parts_chapters_and_appendices_open_pages_in_book_order(pdf_pages):
    starts = [page_start(page) for page in pdf_pages]
    found = []
    for opening in opening_lines(book_entries()):
        pages = [
            i for i, start in enumerate(starts) if start.startswith(letters(opening))
        ]
        assert len(pages) == 1, f"{opening!r} opens {len(pages)} pages, not one"
        found.append(pages[0])
    assert found == sorted(found), (
        "the PDF has parts, chapters or appendices out of order"
    )


def test_the_pdf_holds_every_chapter_and_exercise_title(pdf_pages):
    text = letters("".join(pdf_pages))
    titles = [e.title for e in book_entries()] + [
        plain(e.title) for e in collect_exercises()
    ]
    assert [t for t in titles if letters(t) not in text] == []


def test_no_reference_is_left_unresolved_in_the_pdf(pdf_pages):
    for number, page in enumerate(pdf_pages, start=1):
        assert "??" not in page, f"page {number}: an unresolved reference"
        assert "?@" not in page, f"page {number}: an unresolved reference"


def test_references_print_section_and_chapter_numbers(pdf_pages):
    text = " ".join(" ".join(pdf_pages).split())
    # the template numbers chapters "7."; a reference must not carry that period into a sentence
    assert not re.findall(r"(?:Chapter \d+|Appendix [A-Z])\. [a-z]", text)
    # every row of the exercise index answers with a section number (once, "4.2" printed "1")
    first = next(
        i
        for i, page in enumerate(pdf_pages)
        if letters(page).startswith("exerciseindex")
    )
    last = next(
        i for i, page in enumerate(pdf_pages) if letters(page).startswith("ipart")
    )
    index = " ".join(" ".join(pdf_pages[first:last]).split())
    answers = re.findall(r"\bSection \d+(?:\.\d+)+\b", index)
    assert len(answers) == len(collect_exercises())


def test_no_text_runs_off_the_page_or_into_other_text(pdf_words):
    problems = []
    for number, (width, words) in enumerate(pdf_words, start=1):
        problems += [
            f"page {number}: {w[4]!r} runs off the page"
            for w in words
            if w[2] > width - 20
        ]
        lines: dict[int, list] = {}
        for word in words:
            lines.setdefault(round(word[3]), []).append(word)
        for line in lines.values():
            line.sort()
            for left, right in zip(line, line[1:]):
                if right[0] < left[2] - 1:  # the next word starts inside this one
                    problems.append(
                        f"page {number}: {left[4]!r} and {right[4]!r} overlap"
                    )
    assert problems == []


def test_no_blank_page_carries_a_running_head(pdf_pages):
    # a chapter or part opens on a right-hand page, so the page before it may be left blank;
    # such a page shows nothing, at most its number
    headed_blanks = []
    for number, page in enumerate(pdf_pages, start=1):
        lines = [line for line in page.splitlines() if line.strip()]
        # a running head and a page number at most (a table of contents' last page, whose
        # lines end in page numbers too, is not blank)
        if (
            lines
            and len(lines) <= 2
            and all(RUNNING_HEADER.match(line) for line in lines)
        ):
            if any(re.search(r"[A-Za-z]", line) for line in lines):
                headed_blanks.append(number)
    assert headed_blanks == []


def test_every_folded_setup_cell_is_labelled_in_print(pdf_pages):
    # the site folds them under their summary; print shows the code under the same label
    summaries = []
    for entry in book_entries():
        if entry.source.endswith(".ipynb"):
            nb = nbformat.read(PROJECT_ROOT / entry.source, as_version=4)
            for cell in nb.cells:
                found = re.search(r'^#\| code-summary: "([^"]*)"', cell.source, re.M)
                if (
                    cell.cell_type == "code"
                    and found
                    and "#| code-fold: true" in cell.source
                ):
                    summaries.append(found.group(1))
    text = "\n".join(pdf_pages)
    for summary in set(summaries):
        assert text.count(summary) >= summaries.count(summary), summary


def test_references_to_sections_name_the_page_they_start_on(pdf_pages):
    text = " ".join(" ".join(pdf_pages).split())
    references = re.findall(r"\bSection (\d+(?:\.\d+)+) on page (\d+)\b", text)
    assert len(references) >= len(collect_exercises())  # the exercise index's, at least
    wrong = []
    for section, page in set(references):
        heading = re.compile(rf"^\s*{re.escape(section)}\s+\S", re.M)
        if not heading.search(pdf_pages[int(page) - 1]):
            wrong.append(f"Section {section} is not on page {page}")
    assert wrong == []


def test_no_page_holds_only_the_last_few_lines_of_a_chapter(pdf_pages):
    # four lines or fewer on a page of their own: the end of a section that ran over (the
    # title page, part and appendix openers, and the table of contents' end are not)
    stray = []
    for number, page in enumerate(pdf_pages[1:], start=2):
        body = [
            line
            for line in page.splitlines()
            if line.strip() and not RUNNING_HEADER.match(line)
        ]
        table_of_contents = all(re.search(r"\d\s*$", line) for line in body)
        opener = re.search(r"\bPart [IVX]+:|^\s*Appendices\s*$", page, re.M)
        if 1 <= len(body) <= 4 and not table_of_contents and not opener:
            stray.append(f"page {number}: {' / '.join(s.strip() for s in body)[:80]}")
    assert stray == []
