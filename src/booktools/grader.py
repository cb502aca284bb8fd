"""Grades a learner's practice notebooks: ``python -m booktools.practice check DIR``.

Every practice notebook in DIR is executed top to bottom in a fresh kernel (the files
are read, never changed). Each exercise is then *passed* (its answer has code and its
check ran without error), *failed* (with the check's message, or the error the answer
itself raised) or *not attempted* (its answer cells hold no code). One progress line is
printed per chapter as it finishes, then a scoreboard. The exit status is 0 only when
every attempted exercise passes.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from booktools.commands import ToolError
from booktools.exercises import exercises, has_code
from booktools.practice import is_practice_notebook
from booktools.sources import source_of

PASSED, FAILED, NOT_ATTEMPTED = "passed", "failed", "not attempted"
CELL_TIMEOUT = (
    600  # seconds; the longest answer of the book trains for well under a minute
)


@dataclass(frozen=True)
class Result:
    """The grade of one exercise."""

    chapter: str
    exercise: str
    status: str
    message: str = ""


def _error(cell: nbformat.NotebookNode) -> tuple[str, str] | None:
    """Return (exception name, message) of the error a cell raised, or None."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return output.ename, output.evalue
    return None


def _message(error: tuple[str, str]) -> str:
    """Return the learner-facing text of an error: a check's own message, else name:
    message."""
    name, value = error
    return value if name == "CheckFailed" else f"{name}: {value}".rstrip(": ")


def grade_executed(nb: nbformat.NotebookNode, chapter: str) -> list[Result]:
    """Return the grade of every exercise of an executed practice notebook."""
    results = []
    for exercise in exercises(nb):
        answers = [nb.cells[i] for i in exercise.answers]
        check = nb.cells[exercise.check]
        if not any(has_code(source_of(cell)) for cell in answers):
            results.append(Result(chapter, exercise.heading, NOT_ATTEMPTED))
            continue
        raised = next((e for cell in answers if (e := _error(cell))), None)
        if raised:
            status, message = FAILED, "your answer raised " + _message(raised)
        elif (error := _error(check)) is not None:
            status, message = FAILED, _message(error)
        elif check.get("execution_count") is None:
            status, message = (
                FAILED,
                "the check did not run (the notebook stopped before it)",
            )
        else:
            status, message = PASSED, ""
        results.append(Result(chapter, exercise.heading, status, message))
    return results


def grade_notebook(path: Path) -> list[Result]:
    """Execute a copy of one practice notebook in a fresh kernel and grade its
    exercises."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        allow_errors=True,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except (CellTimeoutError, DeadKernelError) as error:
        reason = (
            str(error).strip().splitlines()[0]
            if str(error).strip()
            else type(error).__name__
        )
        print(f"{path.name}: the notebook stopped: {reason}", file=sys.stderr)
    return grade_executed(nb, path.name)


def summary(results: Sequence[Result]) -> str:
    """Return 'N passed, N failed, N not attempted'."""
    counts = {
        s: sum(r.status == s for r in results) for s in (PASSED, FAILED, NOT_ATTEMPTED)
    }
    return ", ".join(f"{n} {status}" for status, n in counts.items())


def scoreboard(results: Sequence[Result]) -> str:
    """Return the scoreboard: per chapter, one line per exercise, then the totals."""
    lines = ["", "Scoreboard"]
    chapter = None
    for result in results:
        if result.chapter != chapter:
            chapter = result.chapter
            lines.append(chapter)
        text = f"  {result.status:14} {result.exercise}"
        lines.append(f"{text}: {result.message}" if result.message else text)
    lines.append(f"Total: {summary(results)}")
    return "\n".join(lines)


def practice_notebooks(folder: Path) -> list[Path]:
    """Return the practice notebooks in ``folder``, by name; a :class:`ToolError` if
    none."""
    if not folder.is_dir():
        raise ToolError(
            f"{folder} is not a folder; pass the folder of your practice notebooks"
        )
    found = [p for p in sorted(folder.glob("*.ipynb")) if is_practice_notebook(p)]
    if not found:
        raise ToolError(
            f"{folder} holds no practice notebooks; write them with "
            "python -m booktools.practice FOLDER"
        )
    return found


def grade(folder: Path) -> int:
    """Grade every practice notebook in ``folder``; return 0 when every attempted one
    passes."""
    results = []
    for path in practice_notebooks(folder):
        mine = grade_notebook(path)
        print(f"{path.name}: {summary(mine)}", flush=True)
        results += mine
    print(scoreboard(results))
    return 1 if any(r.status == FAILED for r in results) else 0
