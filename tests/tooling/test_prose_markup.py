"""Prose that pandoc would read as something else than what it says.

A line that starts with ``@label.`` or ``(@label)`` is an *example list* item for pandoc: the
reference disappears into a numbered list, and every other reference to that label, anywhere in
the PDF (which Quarto builds as one document), prints the list number instead of "Section 4.2".
"""

import re

from booktools import sources as book
from dlbook.files import PROJECT_ROOT

EXAMPLE_ITEM = re.compile(r"^\s*\(?@[\w-]+[.)](?:\s|$)")


def example_item_lines(text: str) -> list[str]:
    """Return the lines of markdown that pandoc would start an example list with."""
    return [line.strip() for line in text.splitlines() if EXAMPLE_ITEM.match(line)]


def test_the_detector_finds_a_reference_that_starts_a_line():
    text = "See @sec-a and\n  @sec-b.\nA (@sec-c) here, and\n(@sec-d) there.\n@sec-e shows it."
    assert example_item_lines(text) == ["@sec-b.", "(@sec-d) there."]


def test_no_line_of_prose_starts_with_a_reference_and_a_period():
    found = {
        name: lines
        for name in book.chapter_files(PROJECT_ROOT)
        if (lines := example_item_lines(book.prose_of(PROJECT_ROOT / name)))
    }
    assert found == {}, "move the word before the reference onto its line"
