"""What the tests of the rendered book need to know about the book: its pages, in order."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from booktools import sources as book
from dlbook.files import PROJECT_ROOT

BOOK_DIR = PROJECT_ROOT / "_book"


@dataclass(frozen=True)
class Entry:
    """One page of the book as _quarto.yml lists it: its source, output page, title and kind."""

    source: str  # e.g. chapters/01-pytorch-basics.ipynb, or "" for a part
    page: str  # e.g. chapters/01-pytorch-basics.html, or "" for a part
    title: str  # the title as a reader sees it (markdown code marks removed)
    kind: str  # "chapter", "unnumbered", "part" or "appendix"
    label: str = ""  # the title's {#sec-…} label


def plain(markdown: str) -> str:
    """Return a title without its markdown marks (`code`, *emphasis*)."""
    return re.sub(r"[`*]", "", markdown).strip()


def letters(text: str) -> str:
    """Return only the letters and digits of a text, lower-cased.

    Comparing texts this way ignores line breaks, hyphenation, ligatures and typographic
    punctuation, which is what text extracted from a PDF differs by.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalnum())


def _source_entry(source: str, kind: str) -> Entry:
    """Return the entry of one listed source file."""
    heading = book.markdown_headings(book.prose_of(PROJECT_ROOT / source))[0]
    if kind == "chapter" and heading.unnumbered:
        kind = "unnumbered"
    page = str(Path(source).with_suffix(".html"))
    return Entry(source, page, plain(heading.title), kind, heading.label)


def book_entries() -> list[Entry]:
    """Return every part, chapter and appendix of the book, in reading order."""
    config = book.load_config()
    entries: list[Entry] = []
    for item in config["book"]["chapters"]:
        if isinstance(item, str):
            entries.append(_source_entry(item, "chapter"))
        else:
            entries.append(Entry("", "", str(item["part"]), "part"))
            entries += [_source_entry(c, "chapter") for c in item["chapters"]]
    entries += [
        _source_entry(a, "appendix") for a in config["book"].get("appendices", [])
    ]
    return entries
