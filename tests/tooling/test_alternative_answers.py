"""The practice edition's checks accept right answers written another way, and fail empty ones.

Test data: one YAML file per chapter, ``alternative_answers/<chapter-stem>.yml``, mapping the label
of an exercise section (``sec-…``, from its ``## Title {#sec-…}`` heading; ``###`` and ``####``
headings count too, a cell belongs to the nearest labelled heading above it) to a list of code
strings, one per answer cell of that section, in order::

    sec-momentum-experiment:
      - |
        momentum_low = 0.7
        optimize_and_plot(momentum=momentum_low)
      - |
        momentum_high = 0.9
        optimize_and_plot(momentum=momentum_high)

An alternative is a right answer written another way (other intermediate names, other functions,
another valid format). For each entry the section's setup, answer and check cells of the practice
edition run in their order in a fresh namespace, once with the alternatives in the answer cells
(every cell must succeed) and once with the practice edition's empty placeholders (every check
cell must fail). One kernel serves a whole chapter; ``%reset -f`` empties its namespace between
runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from booktools import practice
from booktools.sources import cell_tags, source_of
from dlbook.files import PROJECT_ROOT

DATA = Path(__file__).parent / "alternative_answers"
ANSWER_FILES = sorted(DATA.glob("*.yml"))
HEADING = re.compile(r"^#{2,4} .*\{#(sec-[\w-]+)\}", re.MULTILINE)
ROLES = ("setup", "answer", "check")
FRESH = "%reset -f\n"


def exercise_cells(nb: nbformat.NotebookNode) -> dict[str, list[tuple[str, str]]]:
    """Return, per section label, the (role, source) of its setup, answer and check cells."""
    sections: dict[str, list[tuple[str, str]]] = {}
    label = None
    for cell in nb.cells:
        if cell.cell_type == "markdown" and (labels := HEADING.findall(source_of(cell))):
            label = labels[-1]
        elif cell.cell_type == "code" and label is not None:
            role = next((r for r in ROLES if r in cell_tags(cell)), None)
            if role:
                sections.setdefault(label, []).append((role, source_of(cell)))
    return sections


def run_plan(stem: str) -> tuple[nbformat.NotebookNode, list[tuple[str, str, str]]]:
    """Return the notebook to execute for one chapter and, per cell, (label, variant, role)."""
    solved = nbformat.read(PROJECT_ROOT / "chapters" / f"{stem}.ipynb", as_version=4)
    sections = exercise_cells(practice.practice_notebook(solved, f"{stem}.ipynb"))
    alternatives = yaml.safe_load((DATA / f"{stem}.yml").read_text(encoding="utf-8"))
    cells, plan = [], []
    for label, answers in alternatives.items():
        assert label in sections, f"{stem}: no exercise section {label}"
        parts = sections[label]
        n_answers = sum(role == "answer" for role, _ in parts)
        assert len(answers) == n_answers, f"{stem} {label}: {n_answers} answer cells"
        for variant in ("alternative", "placeholder"):
            cells.append(nbformat.v4.new_code_cell(FRESH))
            plan.append((label, variant, "reset"))
            given = iter(answers)
            for role, source in parts:
                if role == "answer" and variant == "alternative":
                    source = next(given)
                cells.append(nbformat.v4.new_code_cell(source))
                plan.append((label, variant, role))
    return nbformat.v4.new_notebook(cells=cells, metadata=solved.metadata), plan


@pytest.mark.parametrize("answers", ANSWER_FILES, ids=lambda p: p.stem)
def test_checks_accept_alternative_answers_and_reject_empty_ones(answers):
    nb, plan = run_plan(answers.stem)
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=120,
                   resources={"metadata": {"path": str(PROJECT_ROOT / "chapters")}}).execute()  # fmt: skip
    problems = []
    for cell, (label, variant, role) in zip(nb.cells, plan):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if variant == "alternative" and errors:
            error = errors[0]
            problems.append(f"{label}: {role} cell fails: {error.ename}: {error.evalue}")
        elif variant == "placeholder" and role == "check" and not errors:
            problems.append(f"{label}: a check passes with the empty placeholder")
        elif variant == "placeholder" and role in ("reset", "setup") and errors:
            problems.append(f"{label}: the {role} cell fails on its own")
    assert not problems, f"{answers.stem}:\n" + "\n".join(problems)


def test_part_one_has_alternatives_for_several_exercises():
    stems = {"01-pytorch-basics", "02-first-network", "03-architecture-hyperparameters",
             "04-evaluating-improving"}  # fmt: skip
    covered = [
        label
        for path in ANSWER_FILES
        if path.stem in stems
        for label in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]
    assert len(covered) >= 8 and "sec-momentum-experiment" in covered
