"""The practice edition: every chapter as an exercise notebook, answers removed, checks
kept.

``python -m booktools.practice OUT_DIR`` writes one notebook per chapter. Each keeps the
context, the tasks and the provided setup; every cell tagged ``answer`` is emptied (a
comment invites you to write your own, and its caption goes with it), cells tagged
``solution`` (they explain or use a solved answer) give way to a pointer to the solved
chapter, and the hidden check cells become visible "Check your answer" cells that pass
once your answer is right and otherwise say in one sentence what is wrong. All outputs
are cleared.

``python -m booktools.practice check DIR`` grades the practice notebooks in DIR (see
:mod:`booktools.grader`): it runs them and prints a scoreboard.

It never overwrites a notebook silently: an existing notebook in OUT_DIR stops the run
before anything is written, and ``--force`` replaces only earlier practice notebooks
(those this command marked as such), never a solved chapter or another notebook. It
never writes into ``chapters/``.
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat

from booktools.commands import ToolError, run_command
from booktools.exercises import bound_names, exercises, required_names, sections
from booktools.sources import cell_tags, notebook_paths, source_of
from dlbook.files import PROJECT_ROOT, write_atomically

MARKER = (
    "dlbook-practice-edition"  # notebook metadata key that marks a practice notebook
)


class PracticeError(ToolError):
    """The practice edition cannot be written where asked; the message says why."""


ANSWER_PLACEHOLDER = "# Your answer here. Run the check cell below to test it.\n"
CHECK_HEADER = (
    "# Check your answer: this cell says what is not right yet, or passes silently.\n"
)
FRESH_HEADER = "# A fresh start for this exercise: names an earlier exercise left behind are cleared.\n"
BANNER = (
    "::: {{.callout-tip}}\n"
    "## Practice edition\n\n"
    "This is the practice edition of the chapter: the answer cells are empty. Write "
    "your answer "
    "where it says so, then run the check cell below it; a check that is not satisfied "
    "yet says "
    "in one sentence what is wrong. The solved chapter, `{name}`, explains every "
    "answer.\n\n"
    "To grade every exercise you have attempted, run `python -m booktools.practice "
    "check "
    "FOLDER` on the folder that holds your practice notebooks: it runs them and prints "
    "a "
    "scoreboard (passed, failed with the check's message, not attempted).\n"
    ":::"
)
POINTER = (
    '*The solved chapter, `{name}`, explains this answer in its section "{title}". '
    "Read it once your check passes.*"
)
DROPPED_ANSWER_OPTIONS = ("#| fig-cap:", "#| fig-alt:")


def _without_quarto_options(source: str) -> str:
    """Drop leading ``#|`` option lines (``include: false`` would hide a check in the
    book)."""
    lines = source.splitlines(keepends=True)
    while lines and lines[0].startswith("#|"):
        lines.pop(0)
    return "".join(lines)


def _asserts_a_claim(cell: nbformat.NotebookNode) -> bool:
    """Return True for a hidden code cell (``#| include: false``) that asserts
    something.

    Untagged, such a cell proves a claim of the solved prose; the practice edition drops
    it.
    """
    source = source_of(cell)
    hidden = any(
        line.replace(" ", "") == "#|include:false" for line in source.splitlines()
    )
    return cell.cell_type == "code" and hidden and "assert" in source


def _placeholder(cell: nbformat.NotebookNode) -> str:
    """Return an emptied answer cell's source: its options (no caption or alt text), the
    prompt."""
    options = [
        line
        for line in source_of(cell).splitlines(keepends=True)
        if line.startswith("#|") and not line.startswith(DROPPED_ANSWER_OPTIONS)
    ]
    return "".join(options) + ANSWER_PLACEHOLDER


def _names_to_clear(solved: nbformat.NotebookNode) -> dict[int, list[str]]:
    """Return, per first answer cell of an exercise, the names to clear before it.

    Those are the names the exercise's check requires that its own answers bind, that no
    setup cell of the exercise provides, and that an earlier cell (an earlier answer
    included) binds.
    """
    clear = {}
    for exercise in exercises(solved):
        if not exercise.answers:
            continue
        first = exercise.answers[0]
        own = set().union(
            *(bound_names(source_of(solved.cells[i])) for i in exercise.answers)
        )
        provided = set().union(
            *(
                bound_names(source_of(solved.cells[i]))
                for i in exercise.setup
                if i < first
            )
        )
        earlier = set().union(
            *(
                bound_names(source_of(c))
                for c in solved.cells[:first]
                if c.cell_type == "code"
            )
        )
        names = [
            name
            for name in required_names(source_of(solved.cells[exercise.check]))
            if name in own and name in earlier and name not in provided
        ]
        if names:
            clear[first] = names
    return clear


def fresh_start_cell(names: Sequence[str]) -> nbformat.NotebookNode:
    """Return the cell that clears ``names`` before an exercise's answer (tagged
    ``setup``)."""
    cell = nbformat.v4.new_code_cell(
        FRESH_HEADER + f"for _name in {list(names)!r}:\n    globals().pop(_name, None)"
    )
    cell.metadata["tags"] = ["setup"]
    return cell


def practice_notebook(
    solved: nbformat.NotebookNode, name: str
) -> nbformat.NotebookNode:
    """Return the practice version of a solved chapter notebook.

    Answer cells are emptied (captions and alt text go with them), checks become
    visible, cells tagged ``solution`` (they explain or use a solved answer) become one
    pointer to the solved chapter per run of such cells, hidden cells that assert the
    solved prose's claims are dropped, and an exercise whose check requires a name an
    earlier cell left behind starts by clearing it. All outputs are cleared.
    """
    titles = {index: title for _, title, index in sections(solved)}
    clear = _names_to_clear(solved)
    cells, title, pointing = [], "", False
    for index, original in enumerate(solved.cells):
        title = titles.get(index, title)
        cell = copy.deepcopy(original)
        tags = cell_tags(cell)
        if "solution" in tags:
            if not pointing:
                cells.append(
                    nbformat.v4.new_markdown_cell(
                        POINTER.format(name=name, title=title)
                    )
                )
            pointing = True
            continue
        if _asserts_a_claim(cell) and not {"setup", "check"} & set(tags):
            continue  # dropped without a trace: it does not split a run of solution cells
        pointing = False
        if index in clear:
            cells.append(fresh_start_cell(clear[index]))
        if cell.cell_type == "code":
            if "answer" in tags:
                cell.source = _placeholder(cell)
            elif "check" in tags:
                cell.source = CHECK_HEADER + _without_quarto_options(source_of(cell))
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    nb = copy.deepcopy(solved)
    nb.cells = cells
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(BANNER.format(name=name)))
    nb.metadata[MARKER] = {"solved": name}
    nbformat.validate(nb)
    return nb


def is_practice_notebook(path: Path) -> bool:
    """Return True when ``path`` is a notebook this command wrote (it carries the
    marker)."""
    try:
        return MARKER in nbformat.read(path, as_version=4).metadata
    except Exception:  # noqa: BLE001 - unreadable means "not ours"
        return False


def check_targets(out_dir: Path, names: Sequence[str], force: bool) -> None:
    """Raise :class:`PracticeError` unless every notebook can be written without losing
    work."""
    chapters = (PROJECT_ROOT / "chapters").resolve()
    if out_dir.resolve() == chapters or chapters in out_dir.resolve().parents:
        raise PracticeError(
            f"{out_dir} is the book's chapters folder (the solved notebooks); choose "
            "another folder"
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise PracticeError(
            f"{out_dir} exists and is not a folder; choose another folder"
        )
    existing = [n for n in names if (out_dir / n).exists()]
    foreign = [n for n in existing if not is_practice_notebook(out_dir / n)]
    if foreign:
        raise PracticeError(
            f"{out_dir} already holds {len(foreign)} notebook(s) that are not practice "
            "editions "
            f"(e.g. {foreign[0]}); nothing was written, choose another folder"
        )
    if existing and not force:
        raise PracticeError(
            f"{out_dir} already holds {len(existing)} practice notebook(s) (e.g. "
            f"{existing[0]}), "
            "perhaps with your answers; nothing was written, choose another folder or "
            "pass "
            "--force to replace them"
        )


def write_practice_edition(
    out_dir: Path, chapters: Sequence[Path] | None = None, force: bool = False
) -> list[Path]:
    """Write the practice notebook of every chapter (or of ``chapters``) into
    ``out_dir``.

    Refuses (before writing anything) when a target exists, unless ``force`` and every
    existing target is an earlier practice notebook; each notebook is written
    atomically.
    """
    paths = list(chapters or notebook_paths(PROJECT_ROOT))
    check_targets(out_dir, [p.name for p in paths], force)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        text = nbformat.writes(
            practice_notebook(nbformat.read(path, as_version=4), path.name)
        )
        target = out_dir / path.name
        write_atomically(target, lambda tmp, text=text: tmp.write_text(text + "\n"))
        written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Write the practice edition into a folder, or grade one (``check FOLDER``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) == 2 and argv[0] == "check":
        # the grader reads practice notebooks: imports this
        from booktools.grader import (
            grade,
        )

        folder = Path(argv[1])
        return run_command(
            lambda: grade(folder), interrupted="grading stopped; nothing was changed"
        )
    parser = argparse.ArgumentParser(
        prog="python -m booktools.practice", description=__doc__
    )
    parser.add_argument(
        "out_dir", type=Path, help="folder to write the practice notebooks into"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace practice notebooks written earlier",
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
