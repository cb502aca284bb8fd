"""Reading the book's sources, and the structural checks the test suite runs on them.

``check_book(root)`` returns a list of problems (empty when the book is sound): chapters listed in
``_quarto.yml`` equal the chapter files, every notebook starts with ``# Title {#sec-…}``, was
executed top to bottom with no errors, its ``#|`` options parse as YAML, labels are unique and every
``@sec-…``/``@fig-…``/``@tbl-…`` reference resolves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from dlbook.data import PROJECT_ROOT

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{([^}]*)\})?\s*$")
LABEL = re.compile(r"#((?:sec|fig|tbl)-[A-Za-z0-9_-]+)")
REFERENCE = re.compile(r"(?<![\w@/.`])@((?:sec|fig|tbl)-[A-Za-z0-9_-]*[A-Za-z0-9_])")
TITLE_CELL = re.compile(r"^# .+ \{#sec-[a-z0-9-]+\}\s*$")
ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(?:root|home|tmp|work|Users|usr/local)/")
FENCE = re.compile(r"^\s*(```|~~~)")

# Every chapter notebook opens with its title, this links cell and this provenance cell.
NOTEBOOKS = "notebooks"  # where the rendered site serves the solved notebooks
PRACTICE = "practice"  # and their practice editions (see dlbook.site)
PROVENANCE_CELL = "#| echo: false\nfrom dlbook.site import provenance\n\nprovenance()"


def chapter_header(notebook: str) -> str:
    """Return a chapter's second cell: links to its solved and practice notebooks (HTML only).

    The inner ``.chapter-downloads`` div lets the site's style sheet find the provenance cell that
    follows it.
    """
    return (
        '::: {.content-visible when-format="html"}\n'
        "::: {.chapter-downloads}\n"
        f"Download this chapter as a Jupyter notebook: [solved](../{NOTEBOOKS}/{notebook}) or "
        f"[practice edition](../{PRACTICE}/{notebook}) (answers removed, checks kept).\n"
        ":::\n"
        ":::"
    )


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
    """Return every file the book lists (chapters inside parts, and appendices), in order."""

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
    """Return the book's source files on disk: ``index.qmd`` and everything in ``chapters/``."""
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
    """Return a notebook's JSON as a dict."""
    return json.loads(Path(path).read_text())


def source_of(cell: dict) -> str:
    """Return a cell's source as one string."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def cell_options(cell: dict) -> dict:
    """Return the Quarto ``#|`` options at the top of a code cell (ValueError if not YAML)."""
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
            found.append(Heading(level, title, label.group(1) if label else "", unnumbered))
    return found


def prose_of(path: Path) -> str:
    """Return the markdown prose of a chapter (a notebook's markdown cells, or a .qmd file)."""
    if path.suffix == ".qmd":
        return path.read_text()
    cells = read_notebook(path)["cells"]
    return "\n\n".join(source_of(c) for c in cells if c["cell_type"] == "markdown")


def _strip_code(text: str) -> str:
    """Remove fenced code blocks and inline code, where ``@`` is not a reference."""
    kept, in_fence = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            kept.append(re.sub(r"`[^`]*`", "", line))
    return "\n".join(kept)


def _notebook_problems(name: str, nb: dict) -> tuple[list[str], list[str]]:
    """Return the problems of one notebook and the labels it defines."""
    problems: list[str] = []
    labels: list[str] = []
    cells = nb.get("cells", [])
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != "python3":
        problems.append(f"{name}: kernel is {kernel!r}, not 'python3'")
    if (
        not cells
        or cells[0]["cell_type"] != "markdown"
        or not TITLE_CELL.match(source_of(cells[0]).splitlines()[0] if source_of(cells[0]) else "")
    ):
        problems.append(f"{name}: first cell must be markdown '# Title {{#sec-slug}}'")
    notebook = name.rsplit("/", 1)[-1]
    if len(cells) < 3 or source_of(cells[1]) != chapter_header(notebook):
        problems.append(f"{name}: cell 1 must be the download links, dlbook.book.chapter_header()")
    elif (
        cells[2]["cell_type"] != "code"
        or source_of(cells[2]) != PROVENANCE_CELL
        or "nbval-ignore-output" not in cell_tags(cells[2])
    ):
        problems.append(
            f"{name}: cell 2 must be the provenance cell (dlbook.book.PROVENANCE_CELL, "
            "tagged nbval-ignore-output)"
        )
    counts = []
    for index, cell in enumerate(cells):
        where = f"{name}: cell {index}"
        source = source_of(cell)
        if not source.strip():
            problems.append(f"{where} is empty")
        if cell["cell_type"] != "code":
            continue
        counts.append(cell.get("execution_count"))
        try:
            options = cell_options(cell)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            options = {}
        if "label" in options:
            labels.append(str(options["label"]))
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"{where} has an error output ({output.get('ename')})")
            text = "".join(output.get("text", "")) + "".join(
                output.get("data", {}).get("text/plain", "")
            )
            if ABSOLUTE_PATH.search(text):
                problems.append(f"{where} prints an absolute path")
            if output.get("name") == "stderr" and "Warning" in text:
                problems.append(f"{where} prints a warning")
    if counts != list(range(1, len(counts) + 1)):
        problems.append(f"{name}: not executed top to bottom in one kernel (counts {counts[:10]}…)")
    return problems, labels


def check_book(root: Path = PROJECT_ROOT) -> list[str]:
    """Return every structural problem of the book at ``root`` (empty list when sound)."""
    problems: list[str] = []
    config = load_config(root)
    listed = listed_files(config)
    present = chapter_files(root)
    for missing in sorted(set(listed) - set(present)):
        problems.append(f"_quarto.yml lists {missing}, which does not exist")
    for unlisted in sorted(set(present) - set(listed)):
        problems.append(f"{unlisted} exists but _quarto.yml does not list it")
    duplicates = {f for f in listed if listed.count(f) > 1}
    problems += [f"_quarto.yml lists {f} more than once" for f in sorted(duplicates)]
    stems = [Path(f).with_suffix("").as_posix() for f in present]
    problems += [
        f"{s} exists as both .qmd and .ipynb"
        for s in sorted({s for s in stems if stems.count(s) > 1})
    ]

    labels: dict[str, str] = {}
    unnumbered: set[str] = set()
    references: list[tuple[str, str]] = []
    for name in present:
        path = root / name
        if not path.is_file():
            continue
        if path.suffix == ".ipynb":
            nb_problems, cell_labels = _notebook_problems(name, read_notebook(path))
            problems += nb_problems
        else:
            cell_labels = re.findall(r"^#\|\s*label:\s*(\S+)", path.read_text(), re.MULTILINE)
        prose = prose_of(path)
        headings = markdown_headings(prose)
        defined = [h.label for h in headings if h.label] + cell_labels
        unnumbered |= {h.label for h in headings if h.label and h.unnumbered}
        defined += re.findall(r"\{#((?:fig|tbl)-[A-Za-z0-9_-]+)", prose)
        for label in defined:
            if label in labels:
                problems.append(f"label {label} is defined in {labels[label]} and again in {name}")
            labels[label] = name
        references += [(name, ref) for ref in REFERENCE.findall(_strip_code(prose))]
    for name, ref in references:
        if ref not in labels:
            problems.append(f"{name} refers to @{ref}, which no chapter defines")
        elif ref in unnumbered:
            problems.append(
                f"{name} refers to @{ref}, an unnumbered section (Quarto cannot number the "
                "reference); use a plain link instead"
            )
    return problems


def sources_for_spelling(root: Path = PROJECT_ROOT) -> str:
    """Return the markdown and code of every chapter notebook (no outputs), for a spell checker."""
    parts = []
    for path in notebook_paths(root):
        for cell in read_notebook(path)["cells"]:
            parts.append(source_of(cell))
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Print the book's structural problems (exit 1 if any) or, with --sources, its cell sources."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m dlbook.book", description=__doc__)
    parser.add_argument(
        "--sources", action="store_true", help="print every notebook cell's source (for codespell)"
    )
    args = parser.parse_args(argv)
    if args.sources:
        print(sources_for_spelling())
        return 0
    problems = check_book()
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
