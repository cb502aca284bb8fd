"""The practice edition needs no name that only an emptied answer defines.

In the practice edition every ``answer`` cell is empty and the learner writes their own answer
from the exercise's **Task**. A later cell, the check included, may therefore read only names the
Task states (in backticks in the markdown above it), names that cells other than answers define,
and names it defines itself. Any other name is one the book's answer happened to choose: a right
answer that chose another fails with a ``NameError``, or worse, a check reads a stale value.

The analysis is static: ``ast`` gives the names each cell binds and reads. A check cell is not
trusted to define anything for later cells, since it may fail.
"""

from __future__ import annotations

import ast
import builtins
import re

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from booktools import practice
from booktools.exercises import required_names
from booktools.sources import cell_tags, notebook_paths, source_of
from dlbook.files import PROJECT_ROOT

CHAPTERS = notebook_paths(PROJECT_ROOT)

BACKTICKED = re.compile(r"`([^`]+)`")
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
# what a Jupyter kernel defines besides Python's builtins
KERNEL_NAMES = {"display", "get_ipython", "In", "Out", "exit", "quit"}
IPYTHON = TransformerManager()


def bound_and_read(source: str) -> tuple[set[str], set[str]]:
    """Return the names a cell binds (anywhere in it) and the names it reads."""
    bound, read = set(), set()
    for node in ast.walk(ast.parse(IPYTHON.transform_cell(source))):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else read).add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return bound, read


def stated_names(markdown: str) -> set[str]:
    """Return the identifiers the markdown writes in backticks (`model`, `f(a, b)`, …)."""
    return {
        name
        for span in BACKTICKED.findall(markdown)
        for name in IDENTIFIER.findall(span)
    }


def names_no_cell_provides(nb: nbformat.NotebookNode) -> list[str]:
    """Return, for each cell that is not an answer, the names it reads that nothing provides.

    Provided are: builtins, names stated in backticks in the markdown so far, names bound by
    earlier cells that are neither answers nor checks, and names the cell binds itself.
    """
    available = set(dir(builtins)) | KERNEL_NAMES
    stated: set[str] = set()
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            stated |= stated_names(source_of(cell))
            continue
        if cell.cell_type != "code":
            continue
        tags = cell_tags(cell)
        if "answer" in tags:
            continue
        bound, read = bound_and_read(source_of(cell))
        missing = read - bound - available - stated
        if missing:
            kind = "check cell" if "check" in tags else "cell"
            first_line = next(
                (
                    line
                    for line in source_of(cell).splitlines()
                    if not line.startswith("#")
                ),
                "",
            )
            problems.append(
                f"{kind} {index} reads {sorted(missing)}: {first_line[:70]}"
            )
        if "check" not in tags:
            available |= bound
    return problems


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_no_cell_needs_a_name_only_an_answer_defines(chapter):
    problems = names_no_cell_provides(nbformat.read(chapter, as_version=4))
    assert not problems, (
        f"{chapter.name}: state these names in the Task or define them:\n"
        + ("\n".join(problems))
    )


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("practice")
    paths = practice.write_practice_edition(out, CHAPTERS)
    return {p.name: nbformat.read(p, as_version=4) for p in paths}


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_practice_edition_needs_no_name_it_does_not_provide(chapter, edition):
    nb = edition[chapter.name]
    assert all(
        practice.ANSWER_PLACEHOLDER in source_of(c)
        for c in nb.cells
        if "answer" in cell_tags(c)
    )
    problems = names_no_cell_provides(nb)
    assert not problems, f"practice {chapter.name}:\n" + "\n".join(problems)


def notebook(*cells: tuple[str, str, list[str]]) -> nbformat.NotebookNode:
    """Return a notebook of (kind, source, tags) cells, kind "md" or "code"."""
    nb = nbformat.v4.new_notebook()
    for kind, source, tags in cells:
        cell = (
            nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        )(source)
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


def test_a_check_reading_an_unstated_answer_name_is_caught():
    nb = notebook(
        ("md", "**Task**\n\n- Compute the `loss` of the batch.", []),
        ("code", "import torch\nbatch = torch.ones(3)", ["setup"]),
        ("code", "scores = batch * 2\nloss = scores.mean()", ["answer"]),
        (
            "code",
            "#| include: false\nassert scores.shape == (3,) and loss == 2",
            ["check"],
        ),
        ("code", "print(loss, len(batch))", []),
    )
    (problem,) = names_no_cell_provides(nb)
    assert problem.startswith("check cell 3 reads ['scores']: assert scores.shape")


def test_a_later_cell_reading_an_unstated_answer_name_is_caught():
    nb = notebook(
        ("code", "criterion = make_loss()", ["answer"]),
        (
            "code",
            "try:\n    x = criterion(1)\nexcept ValueError as error:\n    print(error)",
            [],
        ),
        ("code", "#| include: false\nhelper = 1\nassert helper", ["check"]),
        ("code", "print(helper)", []),  # a check's names do not count: it may fail
    )
    assert names_no_cell_provides(nb) == [
        "cell 1 reads ['criterion']: try:",
        "cell 3 reads ['helper']: print(helper)",
    ]


def test_a_stated_name_or_one_the_cell_defines_is_accepted():
    nb = notebook(
        ("md", "Call the function `pairwise_squared_distance(a, b)`.", []),
        (
            "code",
            "def pairwise_squared_distance(a, b):\n    return 0\nshift = 1",
            ["answer"],
        ),
        (
            "code",
            "%matplotlib inline\nprint(pairwise_squared_distance(1, 2))",
            ["check"],
        ),
        (
            "code",
            "criterion = len\nfor shift in [criterion([1])]:\n    print(shift)",
            [],
        ),
    )
    assert names_no_cell_provides(nb) == []


def test_required_names_reads_a_check_whose_lines_start_with_operators():
    # a formatter may begin a continuation line with != or %, which are also IPython's
    # shell and magic prefixes; a real magic line is still accepted
    check = (
        '%matplotlib inline\nrequire("a", "b")\n'
        'expect(\n    a\n    != len(\n        b\n    )\n    % 3,\n    "msg",\n)\n'
    )
    assert required_names(check) == ["a", "b"]
