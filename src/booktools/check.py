"""Structural checks of the book (``python -m booktools.check``).

``check_book(root)`` returns a list of problems (empty when the book is sound): chapters
listed in ``_quarto.yml`` equal the chapter files, every notebook starts with ``# Title
{#sec-…}``, was executed top to bottom with no errors, its ``#|`` options parse as YAML,
labels are unique and every ``@sec-…``/``@fig-…``/``@tbl-…`` reference resolves.
"""

from __future__ import annotations

import re
from pathlib import Path

from booktools.commands import run_command
from booktools.conventions import PROVENANCE_CELL, chapter_header
from booktools.sources import (
    FENCE,
    cell_options,
    cell_tags,
    chapter_files,
    listed_files,
    load_config,
    markdown_headings,
    notebook_paths,
    prose_of,
    read_notebook,
    source_of,
)
from dlbook.files import PROJECT_ROOT

REFERENCE = re.compile(r"(?<![\w@/.`])@((?:sec|fig|tbl)-[A-Za-z0-9_-]*[A-Za-z0-9_])")
TITLE_CELL = re.compile(r"^# .+ \{#sec-[a-z0-9-]+\}\s*$")
ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(?:root|home|tmp|work|Users|usr/local)/")


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
        or not TITLE_CELL.match(
            source_of(cells[0]).splitlines()[0] if source_of(cells[0]) else ""
        )
    ):
        problems.append(f"{name}: first cell must be markdown '# Title {{#sec-slug}}'")
    notebook = name.rsplit("/", 1)[-1]
    if len(cells) < 3 or source_of(cells[1]) != chapter_header(notebook):
        problems.append(
            f"{name}: cell 1 must be the download links, "
            "booktools.conventions.chapter_header()"
        )
    elif (
        cells[2]["cell_type"] != "code"
        or source_of(cells[2]) != PROVENANCE_CELL
        or "nbval-ignore-output" not in cell_tags(cells[2])
    ):
        problems.append(
            f"{name}: cell 2 must be the provenance cell "
            "(booktools.conventions.PROVENANCE_CELL, "
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
        problems.append(
            f"{name}: not executed top to bottom in one kernel (counts {counts[:10]}…)"
        )
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
            cell_labels = re.findall(
                r"^#\|\s*label:\s*(\S+)", path.read_text(), re.MULTILINE
            )
        prose = prose_of(path)
        headings = markdown_headings(prose)
        defined = [h.label for h in headings if h.label] + cell_labels
        unnumbered |= {h.label for h in headings if h.label and h.unnumbered}
        defined += re.findall(r"\{#((?:fig|tbl)-[A-Za-z0-9_-]+)", prose)
        for label in defined:
            if label in labels:
                problems.append(
                    f"label {label} is defined in {labels[label]} and again in {name}"
                )
            labels[label] = name
        references += [(name, ref) for ref in REFERENCE.findall(_strip_code(prose))]
    for name, ref in references:
        if ref not in labels:
            problems.append(f"{name} refers to @{ref}, which no chapter defines")
        elif ref in unnumbered:
            problems.append(
                f"{name} refers to @{ref}, an unnumbered section (Quarto cannot number "
                "the "
                "reference); use a plain link instead"
            )
    return problems


def sources_for_spelling(root: Path = PROJECT_ROOT) -> str:
    """Return the markdown and code of every chapter notebook (no outputs), for a spell
    checker."""
    parts = []
    for path in notebook_paths(root):
        for cell in read_notebook(path)["cells"]:
            parts.append(source_of(cell))
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Print the book's structural problems (exit 1 if any) or, with --sources, its cell
    sources."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m booktools.check", description=__doc__
    )
    parser.add_argument(
        "--sources",
        action="store_true",
        help="print every notebook cell's source (for codespell)",
    )
    args = parser.parse_args(argv)

    def body() -> int:
        if args.sources:
            print(sources_for_spelling())
            return 0
        problems = check_book()
        for problem in problems:
            print(problem)
        return 1 if problems else 0

    return run_command(body)


if __name__ == "__main__":
    raise SystemExit(main())
