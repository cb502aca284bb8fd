"""Reading the book's sources: ``_quarto.yml``, chapter notebooks, their cells and
headings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from booktools.commands import ToolError
from dlbook.files import PROJECT_ROOT

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{([^}]*)\})?\s*$")
LABEL = re.compile(r"#((?:sec|fig|tbl)-[A-Za-z0-9_-]+)")
FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Heading:
    """A markdown heading: its level, text and ``{#label}`` (empty when it has none)."""

    level: int
    title: str
    label: str
    unnumbered: bool = False


def load_config(root: Path = PROJECT_ROOT) -> dict:
    """Return the parsed ``_quarto.yml``."""
    return yaml.safe_load((root / "_quarto.yml").read_text())


def listed_files(config: dict) -> list[str]:
    """Return every file the book lists (chapters inside parts, and appendices), in
    order."""

    def walk(entries) -> Iterator[str]:
        for entry in entries or []:
            if isinstance(entry, str):
                yield entry
            elif isinstance(entry, dict):
                if "part" in entry and str(entry["part"]).endswith((".qmd", ".md")):
                    yield entry["part"]
                yield from walk(entry.get("chapters"))

    book = config.get("book", {})
    return [*walk(book.get("chapters")), *walk(book.get("appendices"))]


def chapter_files(root: Path = PROJECT_ROOT) -> list[str]:
    """Return the book's source files on disk: ``index.qmd`` and everything in
    ``chapters/``."""
    chapters = sorted(
        p.relative_to(root).as_posix()
        for p in (root / "chapters").iterdir()
        if p.suffix in (".ipynb", ".qmd")
    )
    return ["index.qmd", *chapters]


def notebook_paths(root: Path = PROJECT_ROOT) -> list[Path]:
    """Return the chapter notebooks in book order (by file name)."""
    return sorted((root / "chapters").glob("*.ipynb"))


def read_notebook(path: Path) -> dict:
    """Return a notebook's JSON as a dict (a :class:`ToolError` when it is not readable
    JSON)."""
    try:
        notebook = json.loads(Path(path).read_text())
    except ValueError as exc:
        raise ToolError(
            f"{path} is not a readable notebook ({exc}); restore it (git checkout) and "
            "try again"
        ) from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ToolError(
            f"{path} is not a notebook (no list of cells); restore it and try again"
        )
    return notebook


def source_of(cell: dict) -> str:
    """Return a cell's source as one string."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def cell_options(cell: dict) -> dict:
    """Return the Quarto ``#|`` options at the top of a code cell (ValueError if not
    YAML)."""
    lines = []
    for line in source_of(cell).splitlines():
        if not line.startswith("#|"):
            break
        lines.append(line[2:].removeprefix(" "))
    if not lines:
        return {}
    try:
        options = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as exc:
        raise ValueError(f"cell options are not valid YAML: {exc}") from exc
    if not isinstance(options, dict):
        raise ValueError(f"cell options must be 'key: value' lines, got {lines!r}")
    return options


def cell_tags(cell: dict) -> list[str]:
    """Return a cell's tags."""
    return list(cell.get("metadata", {}).get("tags", []))


def markdown_headings(text: str) -> list[Heading]:
    """Return the headings of a markdown text, ignoring fenced code blocks."""
    found, in_fence = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        match = None if in_fence else HEADING.match(line)
        if match:
            attrs = match.group(3) or ""
            label = LABEL.search(attrs)
            level, title = len(match.group(1)), match.group(2)
            unnumbered = ".unnumbered" in attrs or attrs.strip() == "-"
            found.append(
                Heading(level, title, label.group(1) if label else "", unnumbered)
            )
    return found


def prose_of(path: Path) -> str:
    """Return the markdown prose of a chapter (a notebook's markdown cells, or a .qmd
    file)."""
    if path.suffix == ".qmd":
        return path.read_text()
    cells = read_notebook(path)["cells"]
    return "\n\n".join(source_of(c) for c in cells if c["cell_type"] == "markdown")
