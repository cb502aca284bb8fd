"""Chapter 13 (the final exercise): its practice edition runs without the answers, and its
benchmark table is the one ``bench`` wrote."""

import ast
import builtins

import nbformat

from booktools import practice
from booktools.sources import cell_tags, source_of
from dlbook.files import PROJECT_ROOT
from dlbook.final_exercise import bench

CHAPTER = PROJECT_ROOT / "chapters" / "13-corrupted-mnist.ipynb"
BENCH_FILE = PROJECT_ROOT / "chapters" / "13-corrupted-mnist-bench.json"


def bound_and_read(source: str) -> tuple[set[str], set[str]]:
    """Return the names a cell binds (anywhere in it) and the names it reads."""
    bound, read = set(), set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else read).add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return bound, read


def names_only_answers_define(nb) -> list[str]:
    """Return, for each cell that is neither an answer nor a check, the names it reads that only
    answer cells (emptied in the practice edition) have bound by then."""
    available = set(dir(builtins))
    from_answers: set[str] = set()
    problems = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = cell_tags(cell)
        bound, read = bound_and_read(source_of(cell))
        if "answer" in tags:
            from_answers |= bound
        elif "check" not in tags:  # a check may fail, so what it binds is not available later
            missing = (read - bound) & (from_answers - available)
            if missing:
                problems.append(f"{sorted(missing)} in:\n{source_of(cell)[:200]}")
            available |= bound
    return problems


def test_practice_edition_needs_no_name_from_an_emptied_answer(tmp_path):
    (path,) = practice.write_practice_edition(tmp_path, [CHAPTER])
    edition = nbformat.read(path, as_version=4)
    assert not names_only_answers_define(nbformat.read(CHAPTER, as_version=4))
    assert not names_only_answers_define(edition)


def test_the_name_analysis_catches_a_cell_that_reads_an_answer():
    nb = nbformat.v4.new_notebook()
    answer = nbformat.v4.new_code_cell("model = make()\nimport plotting")
    answer.metadata["tags"] = ["answer"]
    nb.cells = [
        answer,
        nbformat.v4.new_code_cell("print(model, len([1]))"),
        nbformat.v4.new_code_cell("import plotting\nplotting.show()"),
    ]
    (problem,) = names_only_answers_define(nb)
    assert problem.startswith("['model'] in:")


def test_benchmark_table_in_the_chapter_is_the_bench_file():
    results = bench.load_results(BENCH_FILE)
    assert [r.name.split(" (")[0] for r in results] == [
        "course reference",
        "book default",
        "the course's command",
    ]
    nb = nbformat.read(CHAPTER, as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and "load_results(" in source_of(c)]
    (shown,) = [o["data"]["text/markdown"] for o in cell.outputs if "data" in o]
    assert shown == bench.format_table(results)
