"""Chapter 13 (the final exercise): its benchmark table is the one ``bench`` wrote."""

import nbformat

from booktools.sources import source_of
from dlbook.files import PROJECT_ROOT
from dlbook.final_exercise import bench

CHAPTER = PROJECT_ROOT / "chapters" / "13-corrupted-mnist.ipynb"
BENCH_FILE = PROJECT_ROOT / "chapters" / "13-corrupted-mnist-bench.json"


def test_benchmark_table_in_the_chapter_is_the_bench_file():
    run = bench.load_bench(BENCH_FILE)
    assert [r.name.split(" (")[0].split(",")[0] for r in run.results] == [
        "the course's solution",
        "the course's solution",
        "the book's default",
        "the course's command",
    ]
    assert [s.seed for s in run.seeds] == [1, 2, 3]
    nb = nbformat.read(CHAPTER, as_version=4)
    (cell,) = [
        c for c in nb.cells if c.cell_type == "code" and "format_table(" in source_of(c)
    ]
    (shown,) = [o["data"]["text/markdown"] for o in cell.outputs if "data" in o]
    assert shown == bench.format_table(run.results)
