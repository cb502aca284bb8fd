"""Every check accepts right answers written any way, and rejects wrong ones with a message.

Test data: one YAML file per chapter, ``alternative_answers/<chapter-stem>.yml``, mapping an
exercise (see :mod:`booktools.exercises`: its section label, ``sec-…``, or ``sec-…/2`` for the
second check of a section with several) to right and wrong answers::

    sec-sigmoid-softmax/2:
      right:
        - |
          probabilities = torch.softmax(input_tensor, dim=-1)
      wrong:
        - |
          probabilities = nn.Softmax(dim=0)(input_tensor)  # every "probability" is 1.0

An entry is the code of the exercise's one answer cell, or a list with one string per answer
cell when it has several. A right answer is one that does what the Task asks, written another
way (other names, functions, styles, valid values); a wrong answer makes a mistake a learner
makes, and runs without error.

For each exercise the practice edition's cells of that exercise (its setup, the solved answers
of its section's earlier steps, its answers, its check) run in a fresh namespace: with the solved
answer and with every right one, no cell may fail; with every wrong one and with the empty
placeholder, the check must fail with a :class:`~dlbook.course.checking.CheckFailed` message
(the placeholder's begins "no answer yet"), and that message must not quote the answer.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from booktools import practice
from booktools.exercises import Exercise, exercises, revealed, revealing_fragments
from booktools.sources import cell_tags, notebook_paths, source_of
from dlbook.files import PROJECT_ROOT

DATA = Path(__file__).parent / "alternative_answers"
CHAPTERS = notebook_paths(PROJECT_ROOT)
FRESH = "%reset -f\n"


def load_answers(stem: str) -> dict[str, dict[str, list[list[str]]]]:
    """Return a chapter's test data, every entry as a list of answer-cell sources."""
    path = DATA / f"{stem}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {
        name: {
            kind: [
                [entry] if isinstance(entry, str) else list(entry)
                for entry in kinds.get(kind, [])
            ]
            for kind in ("right", "wrong")
        }
        for name, kinds in (data or {}).items()
    }


def run_cells(
    nb: nbformat.NotebookNode,
    solved_answers: dict[int, str],
    exercise: Exercise,
    answers,
) -> list[tuple[str, str]]:
    """Return (role, source) of the cells that run one variant of an exercise, reset first."""
    cells = [("reset", FRESH)]
    own = iter(answers or [])
    for index in sorted(
        {*exercise.setup, *exercise.earlier_answers, *exercise.answers}
    ):
        if index in exercise.answers:
            cells.append(
                (
                    "answer",
                    next(own) if answers is not None else source_of(nb.cells[index]),
                )
            )
        elif index in exercise.earlier_answers:
            cells.append(("earlier", solved_answers[index]))
        else:
            cells.append(("setup", source_of(nb.cells[index])))
    cells.append(("check", source_of(nb.cells[exercise.check])))
    return cells


def run_plan(
    chapter: Path,
) -> tuple[nbformat.NotebookNode, list[tuple[str, str, str]], dict]:
    """Return the notebook that runs every variant of a chapter's exercises, and its plan."""
    solved = nbformat.read(chapter, as_version=4)
    nb = practice.practice_notebook(solved, chapter.name)
    solved_sources = [source_of(c) for c in solved.cells if "answer" in cell_tags(c)]
    practice_answers = [i for i, c in enumerate(nb.cells) if "answer" in cell_tags(c)]
    solved_answers = dict(zip(practice_answers, solved_sources))
    data = load_answers(chapter.stem)
    found = {exercise.name: exercise for exercise in exercises(nb)}
    unknown = sorted(set(data) - set(found))
    assert not unknown, f"{chapter.stem}: no exercise named {unknown}"
    cells, plan = [], []
    for name, exercise in found.items():
        solved_own = [solved_answers[i] for i in exercise.answers]
        variants = [("solved", solved_own), ("placeholder", None)]
        variants += [
            ("right", answers) for answers in data.get(name, {}).get("right", [])
        ]
        variants += [
            ("wrong", answers) for answers in data.get(name, {}).get("wrong", [])
        ]
        for number, (kind, answers) in enumerate(variants):
            if answers is not None:
                assert len(answers) == len(exercise.answers), (
                    f"{chapter.stem} {name}: {len(exercise.answers)} answer cells"
                )
            for role, source in run_cells(nb, solved_answers, exercise, answers):
                cells.append(nbformat.v4.new_code_cell(source))
                plan.append((name, f"{kind} {number}", role))
    return nbformat.v4.new_notebook(cells=cells, metadata=solved.metadata), plan, found


def outcomes(chapter: Path) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Run every variant of a chapter; return the problems and every check's (variant, error)."""
    nb, plan, found = run_plan(chapter)
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=300,
                   resources={"metadata": {"path": str(chapter.parent)}}).execute()  # fmt: skip
    secrets = revealing_fragments(nbformat.read(chapter, as_version=4))
    problems, failures = [], []
    for cell, (name, variant, role) in zip(nb.cells, plan):
        kind = variant.split()[0]
        error = next((o for o in cell.outputs if o.output_type == "error"), None)
        where = f"{name} [{variant}] {role} cell"
        if role != "check":
            if error is not None and (kind != "placeholder" or role != "answer"):
                problems.append(f"{where} fails: {error.ename}: {error.evalue}")
            continue
        if kind in ("solved", "right"):
            if error is not None:
                problems.append(
                    f"{where} rejects a right answer: {error.ename}: {error.evalue}"
                )
            continue
        if error is None:
            problems.append(f"{where} accepts a {kind} answer")
            continue
        failures.append((name, kind, f"{error.ename}: {error.evalue}"))
        if error.ename != "CheckFailed" or not error.evalue.strip():
            problems.append(
                f"{where} fails without a message: {error.ename}: {error.evalue}"
            )
        elif kind == "placeholder" and not error.evalue.startswith("no answer yet"):
            problems.append(
                f"{where} says {error.evalue!r} to an empty answer, not 'no answer yet'"
            )
        leaks = revealed(error.evalue, secrets[name])
        if leaks:
            problems.append(
                f"{where} message gives the answer away ({leaks}): {error.evalue}"
            )
    return problems, failures


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_checks_accept_right_answers_and_explain_wrong_ones(chapter):
    problems, _ = outcomes(chapter)
    assert not problems, f"{chapter.stem}:\n" + "\n".join(problems)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_check_has_right_and_wrong_answers(chapter):
    nb = practice.practice_notebook(nbformat.read(chapter, as_version=4), chapter.name)
    data = load_answers(chapter.stem)
    missing = [
        f"{e.name}: {kind}"
        for e in exercises(nb)
        for kind in ("right", "wrong")
        if not data.get(e.name, {}).get(kind)
    ]
    assert not missing, (
        f"{chapter.stem}: exercises without test answers:\n" + "\n".join(missing)
    )
