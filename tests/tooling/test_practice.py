"""Tests for the practice edition (booktools.practice): no answers, checks kept, checks fail."""

import ast
import copy
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from booktools import practice
from booktools.exercises import exercises, revealed, revealing_fragments
from booktools.sources import cell_tags, notebook_paths, source_of
from dlbook.files import PROJECT_ROOT

CHAPTERS = notebook_paths(PROJECT_ROOT)
PART_ONE = [p for p in CHAPTERS if p.name[:2] in {"01", "02", "03", "04"}]


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("practice")
    practice.main([str(out)])
    return {p.name: nbformat.read(p, as_version=4) for p in sorted(out.glob("*.ipynb"))}


def test_every_chapter_has_a_valid_practice_notebook(edition):
    assert sorted(edition) == [p.name for p in CHAPTERS]
    for nb in edition.values():
        nbformat.validate(nb)


def test_practice_notebooks_hold_no_answer_code_and_no_outputs(edition):
    for name, nb in edition.items():
        answers = [c for c in nb.cells if "answer" in cell_tags(c)]
        assert answers, f"{name} has no answer cells"
        for cell in answers:
            code = [
                line for line in source_of(cell).splitlines()
                if line.strip() and not line.lstrip().startswith("#")
            ]  # fmt: skip
            assert code == [], f"{name}: an answer cell still holds code"
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None


def test_checks_are_kept_and_visible(edition):
    for name, nb in edition.items():
        solved = nbformat.read(PROJECT_ROOT / "chapters" / name, as_version=4)
        n_checks = sum("check" in cell_tags(c) for c in solved.cells)
        checks = [c for c in nb.cells if "check" in cell_tags(c)]
        assert len(checks) == n_checks > 0
        assert all("#| include: false" not in source_of(c) for c in checks)


def assigned_names(source: str) -> set[str]:
    """Return the names a cell binds at top level (assignments, imports, defs, loop targets)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def used_names(source: str) -> set[str]:
    """Return the names a cell reads."""
    return {
        n.id
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }


def _base_name(node: ast.AST) -> str | None:
    """Return the variable at the root of ``a.b[c].d`` (or None)."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def changed_names(source: str) -> set[str]:
    """Return the names a cell binds or changes in place (``m.w = …``, ``m[0] -= …``, ``m.f()``)."""
    names = assigned_names(source)
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            targets = [node.func.value]
        names |= {name for t in targets if (name := _base_name(t))}
    return names


def checks_without_answer(chapter) -> list[str]:
    """Return the sources of check cells that would still pass with their answers emptied.

    A name is tainted when an answer cell binds or changes it, or when a later cell computes it
    from tainted names (with the answer gone, that cell fails or computes something else). A
    check is sound when it reads a tainted name.
    """
    tainted: set[str] = set()
    loose = []
    for cell in nbformat.read(chapter, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        source = source_of(cell)
        tags = cell_tags(cell)
        if "answer" in tags:
            tainted |= changed_names(source)
        elif "check" in tags:
            if not used_names(source) & tainted:
                loose.append(source)
            tainted = set()
        elif used_names(source) & tainted:
            tainted |= changed_names(source)
    return loose


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_each_check_depends_on_its_answer(chapter):
    """Every check reads something its answer made, so an empty answer fails it.

    Hidden cells that assert claims of the prose (not an answer) carry no ``check`` tag.
    """
    loose = checks_without_answer(chapter)
    assert not loose, (
        f"{chapter.name}: checks that do not depend on an answer:\n"
        + "\n***\n".join(s[:300] for s in loose)
    )


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_practice_pages_show_no_answer(chapter, edition):
    """No practice page quotes an answer's code lines or the numbers its solution states."""
    nb = edition[chapter.name]
    text = "\n".join(source_of(c) for c in nb.cells)
    secrets = revealing_fragments(nbformat.read(chapter, as_version=4))
    shown = {
        name: found
        for name, fragments in secrets.items()
        if (found := revealed(text, fragments))
    }
    assert not shown, f"{chapter.name} shows its answers: {shown}"


def test_emptied_answers_lose_their_captions(edition):
    for name, nb in edition.items():
        for cell in nb.cells:
            if "answer" in cell_tags(cell):
                assert "#| fig-cap:" not in source_of(
                    cell
                ) and "#| fig-alt:" not in source_of(cell)
        assert all("solution" not in cell_tags(c) for c in nb.cells), name


def execute(nb, chapter):
    """Execute a practice notebook the way a learner does, top to bottom, errors and all."""
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=300,
                   resources={"metadata": {"path": str(chapter.parent)}}).execute()  # fmt: skip
    return nb


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_with_every_answer_empty_only_checks_raise(chapter, edition):
    """Run a practice notebook with its answers empty: every check raises, no other cell does.

    Each check says "no answer yet"."""
    nb = execute(copy.deepcopy(edition[chapter.name]), chapter)
    problems = []
    for index, cell in enumerate(nb.cells):
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if "check" in cell_tags(cell):
            if not errors:
                problems.append(f"check cell {index} passes with an empty answer")
            elif not (
                errors[0].ename == "CheckFailed"
                and errors[0].evalue.startswith("no answer yet")
            ):
                problems.append(
                    f"check cell {index}: {errors[0].ename}: {errors[0].evalue}"
                )
        elif errors:
            problems.append(
                f"cell {index} raises {errors[0].ename}: {errors[0].evalue}"
            )
    assert not problems, f"practice {chapter.name}:\n" + "\n".join(problems)


def answered(nb, chapter, answers):
    """Return a copy of a practice notebook with some answers filled in: {exercise name: code}."""
    nb = copy.deepcopy(nb)
    by_name = {e.name: e for e in exercises(nb)}
    for name, code in answers.items():
        nb.cells[by_name[name].answers[0]].source = code
    return nb


def grade(capsys, folder):
    """Run the grader on a folder; return its status and its printed lines."""
    status = practice.main(["check", str(folder)])
    return status, capsys.readouterr().out.splitlines()


def test_grader_scores_passed_failed_and_not_attempted(tmp_path, capsys):
    chapter = PART_ONE[0]
    (path,) = practice.write_practice_edition(tmp_path, [chapter])
    nb = answered(nbformat.read(path, as_version=4), chapter, {
        "sec-creating-tensors": "import torch\ntensor_a = torch.tensor(list_a)",
        "sec-your-first-network": "model = nn.Sequential(nn.Linear(8, 1))\noutput = model(input_tensor)",
        "sec-sigmoid-softmax/1": "probability = 1 / 0",
    })  # fmt: skip
    nbformat.write(nb, path)
    before = path.read_bytes()
    status, lines = grade(capsys, tmp_path)
    assert status == 1
    assert lines[0] == f"{chapter.name}: 1 passed, 2 failed, 2 not attempted"
    assert "  passed         Creating tensors and accessing attributes" in lines
    assert (
        "  failed         Your first neural network: `model` has 1 linear layers; the task asks for 2"
        in lines
    )
    assert (
        "  failed         The sigmoid and softmax functions (1 of 2): your answer raised "
        "ZeroDivisionError: division by zero" in lines
    )
    assert "  not attempted  Creating tensors from NumPy arrays" in lines
    assert lines[-1] == "Total: 1 passed, 2 failed, 2 not attempted"
    assert path.read_bytes() == before  # the learner's notebook is never changed


def test_grader_passes_when_every_attempt_passes(tmp_path, capsys):
    chapter = PART_ONE[0]
    (path,) = practice.write_practice_edition(tmp_path, [chapter])
    solved = nbformat.read(chapter, as_version=4)
    nb = nbformat.read(path, as_version=4)
    answers = [c for c in nb.cells if "answer" in cell_tags(c)]
    for cell, source in zip(
        answers, [c.source for c in solved.cells if "answer" in cell_tags(c)]
    ):
        cell.source = source
    answers[
        -1
    ].source = practice.ANSWER_PLACEHOLDER  # one left for later: not attempted
    nbformat.write(nb, path)
    status, lines = grade(capsys, tmp_path)
    assert (
        status == 0
        and lines[0] == f"{chapter.name}: 4 passed, 0 failed, 1 not attempted"
    )


def test_grader_on_a_folder_without_practice_notebooks_is_one_line(tmp_path, capsys):
    status = practice.main(["check", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 1 and len(err) == 1 and "holds no practice notebooks" in err[0]


def test_grader_command_line(tmp_path):
    practice.write_practice_edition(tmp_path, PART_ONE[:1])
    done = subprocess.run([sys.executable, "-m", "booktools.practice", "check", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.splitlines()[0]
        == f"{PART_ONE[0].name}: 0 passed, 0 failed, 5 not attempted"
    )


def run_practice(capsys, *argv):
    """Run the command; return its status and its stderr lines."""
    status = practice.main([str(a) for a in argv])
    return status, capsys.readouterr().err.strip().splitlines()


def test_learners_notebook_is_never_overwritten(tmp_path, capsys):
    mine = tmp_path / PART_ONE[0].name
    mine.write_text("my own work")
    for force in ([], ["--force"]):
        status, err = run_practice(capsys, tmp_path, *force)
        assert status == 1 and len(err) == 1 and "not practice editions" in err[0]
        assert mine.read_text() == "my own work"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        mine.name
    ]  # nothing else written


def test_existing_practice_notebooks_need_force(tmp_path, capsys):
    practice.write_practice_edition(tmp_path, PART_ONE)
    answered = tmp_path / PART_ONE[0].name
    nb = nbformat.read(answered, as_version=4)
    nb.cells[-1].source = "my answer"
    nbformat.write(nb, answered)
    with pytest.raises(
        practice.PracticeError, match="already holds 4 practice notebook"
    ):
        practice.write_practice_edition(tmp_path, PART_ONE)
    assert "my answer" in answered.read_text()
    practice.write_practice_edition(tmp_path, PART_ONE, force=True)
    assert "my answer" not in answered.read_text()


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_chapters_folder_is_refused(capsys, force):
    before = {p: p.read_bytes() for p in PART_ONE}
    for target in (PROJECT_ROOT / "chapters", PROJECT_ROOT / "chapters" / "sub"):
        status, err = run_practice(capsys, target, *force)
        assert status == 1 and err == [
            f"error: {target} is the book's chapters folder (the solved notebooks); choose "
            "another folder"
        ]
    assert {p: p.read_bytes() for p in PART_ONE} == before
    assert not (PROJECT_ROOT / "chapters" / "sub").exists()


def test_out_that_is_a_file_or_below_one_is_one_line(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    status, err = run_practice(capsys, tmp_path / "file")
    assert status == 1 and err == [
        f"error: {tmp_path / 'file'} exists and is not a folder; choose another folder"
    ]
    status, err = run_practice(capsys, tmp_path / "file" / "sub")
    assert status == 1 and len(err) == 1 and "Not a directory" in err[0]
