"""The practice edition: every chapter as an exercise notebook, answers removed, checks kept.

``python -m booktools.practice OUT_DIR`` writes one notebook per chapter. Each keeps the text, the
tasks and the provided setup; every cell tagged ``answer`` is emptied (a comment invites you to
write your own), and the hidden check cells become visible "Check your answer" cells that pass
once your answer is right. All outputs are cleared.

It never overwrites a notebook silently: an existing notebook in OUT_DIR stops the run before
anything is written, and ``--force`` replaces only earlier practice notebooks (those this command
marked as such), never a solved chapter or another notebook. It never writes into ``chapters/``.
"""

from __future__ import annotations

import argparse
import copy
from collections.abc import Sequence
from pathlib import Path

import nbformat

from booktools.commands import ToolError, run_command
from booktools.sources import cell_tags, notebook_paths, source_of
from dlbook.files import PROJECT_ROOT, write_atomically

MARKER = "dlbook-practice-edition"  # notebook metadata key that marks a practice notebook


class PracticeError(ToolError):
    """The practice edition cannot be written where asked; the message says why."""


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
    nb.metadata[MARKER] = {"solved": name}
    nbformat.validate(nb)
    return nb


def is_practice_notebook(path: Path) -> bool:
    """Return True when ``path`` is a notebook this command wrote (it carries the marker)."""
    try:
        return MARKER in nbformat.read(path, as_version=4).metadata
    except Exception:  # noqa: BLE001 - unreadable means "not ours"
        return False


def check_targets(out_dir: Path, names: Sequence[str], force: bool) -> None:
    """Raise :class:`PracticeError` unless every notebook can be written without losing work."""
    chapters = (PROJECT_ROOT / "chapters").resolve()
    if out_dir.resolve() == chapters or chapters in out_dir.resolve().parents:
        raise PracticeError(
            f"{out_dir} is the book's chapters folder (the solved notebooks); choose another folder"
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise PracticeError(f"{out_dir} exists and is not a folder; choose another folder")
    existing = [n for n in names if (out_dir / n).exists()]
    foreign = [n for n in existing if not is_practice_notebook(out_dir / n)]
    if foreign:
        raise PracticeError(
            f"{out_dir} already holds {len(foreign)} notebook(s) that are not practice editions "
            f"(e.g. {foreign[0]}); nothing was written, choose another folder"
        )
    if existing and not force:
        raise PracticeError(
            f"{out_dir} already holds {len(existing)} practice notebook(s) (e.g. {existing[0]}), "
            "perhaps with your answers; nothing was written, choose another folder or pass "
            "--force to replace them"
        )


def write_practice_edition(
    out_dir: Path, chapters: Sequence[Path] | None = None, force: bool = False
) -> list[Path]:
    """Write the practice notebook of every chapter (or of ``chapters``) into ``out_dir``.

    Refuses (before writing anything) when a target exists, unless ``force`` and every existing
    target is an earlier practice notebook; each notebook is written atomically.
    """
    paths = list(chapters or notebook_paths(PROJECT_ROOT))
    check_targets(out_dir, [p.name for p in paths], force)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        text = nbformat.writes(practice_notebook(nbformat.read(path, as_version=4), path.name))
        target = out_dir / path.name
        write_atomically(target, lambda tmp, text=text: tmp.write_text(text + "\n"))
        written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Write the practice edition into the folder named on the command line."""
    parser = argparse.ArgumentParser(prog="python -m booktools.practice", description=__doc__)
    parser.add_argument("out_dir", type=Path, help="folder to write the practice notebooks into")
    parser.add_argument(
        "--force", action="store_true", help="replace practice notebooks written earlier"
    )
    args = parser.parse_args(argv)

    def body() -> int:
        written = write_practice_edition(args.out_dir, force=args.force)
        print(f"wrote {len(written)} practice notebooks to {args.out_dir}")
        return 0

    return run_command(
        body,
        interrupted=f"the notebooks already in {args.out_dir} are complete, run again with "
        "--force to finish",
    )


if __name__ == "__main__":
    raise SystemExit(main())
