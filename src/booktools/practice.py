"""The practice edition: every chapter as an exercise notebook, answers removed, checks kept.

``python -m booktools.practice OUT_DIR`` writes one notebook per chapter. Each keeps the text, the
tasks and the provided setup; every cell tagged ``answer`` is emptied (a comment invites you to
write your own), and the hidden check cells become visible "Check your answer" cells that pass
once your answer is right. All outputs are cleared.
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat

from booktools.sources import cell_tags, notebook_paths, source_of
from dlbook.files import PROJECT_ROOT

ANSWER_PLACEHOLDER = "# Your answer here. Run the check cell below to test it.\n"
CHECK_HEADER = "# Check your answer: this cell raises an error until the answer above is right.\n"
BANNER = (
    "::: {{.callout-tip}}\n"
    "## Practice edition\n\n"
    "This is the practice edition of the chapter: the answer cells are empty. Write your answer "
    "where it says so, then run the check cell below it. The solved chapter is `{name}`.\n"
    ":::"
)


def _without_quarto_options(source: str) -> str:
    """Drop leading ``#|`` option lines (``include: false`` would hide a check in the book)."""
    lines = source.splitlines(keepends=True)
    while lines and lines[0].startswith("#|"):
        lines.pop(0)
    return "".join(lines)


def practice_notebook(solved: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """Return the practice version of a solved chapter notebook."""
    nb = copy.deepcopy(solved)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = cell_tags(cell)
        if "answer" in tags:
            options = [
                line for line in source_of(cell).splitlines(keepends=True) if line.startswith("#|")
            ]
            cell.source = "".join(options) + ANSWER_PLACEHOLDER
        elif "check" in tags:
            cell.source = CHECK_HEADER + _without_quarto_options(source_of(cell))
        cell.outputs = []
        cell.execution_count = None
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(BANNER.format(name=name)))
    nbformat.validate(nb)
    return nb


def write_practice_edition(out_dir: Path, chapters: Sequence[Path] | None = None) -> list[Path]:
    """Write the practice notebook of every chapter (or of ``chapters``) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in chapters or notebook_paths(PROJECT_ROOT):
        solved = nbformat.read(path, as_version=4)
        target = out_dir / path.name
        nbformat.write(practice_notebook(solved, path.name), target)
        written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Write the practice edition into the folder named on the command line."""
    parser = argparse.ArgumentParser(prog="python -m booktools.practice", description=__doc__)
    parser.add_argument("out_dir", type=Path, help="folder to write the practice notebooks into")
    args = parser.parse_args(argv)
    if args.out_dir.exists() and not args.out_dir.is_dir():
        print(f"error: {args.out_dir} exists and is not a folder", file=sys.stderr)
        return 1
    written = write_practice_edition(args.out_dir)
    print(f"wrote {len(written)} practice notebooks to {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
