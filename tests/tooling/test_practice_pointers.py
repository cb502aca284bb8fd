"""A practice page points to the solved chapter once for every run of solution cells."""

import nbformat

from booktools import practice


def tagged(cell, *tags):
    """Return ``cell`` with ``tags``."""
    cell.metadata["tags"] = list(tags)
    return cell


def test_a_dropped_claim_cell_does_not_split_a_run_of_solution_cells():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(cells=[
        md("# A chapter {#sec-chapter}"),
        md("## An exercise {#sec-exercise}\n\n**Task**: define `x`."),
        tagged(code("x = 1"), "answer"),
        tagged(code("#| include: false\nassert x == 1"), "check"),
        tagged(md("Why `x = 1` works."), "solution"),
        code("#| include: false\nassert 1 + 1 == 2  # a claim of the prose"),
        tagged(md("More about the answer."), "solution"),
        md("## Next {#sec-next}"),
    ])  # fmt: skip
    cells = practice.practice_notebook(nb, "chapter.ipynb").cells
    pointers = [c for c in cells if c.source.startswith("*The solved chapter")]
    assert len(pointers) == 1
    assert not any("assert 1 + 1" in c.source for c in cells)
    assert (
        cells.index(pointers[0]) == len(cells) - 2
    )  # the pointer, then the next section
