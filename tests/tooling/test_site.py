"""Tests for booktools.site and booktools.provenance: the published notebooks, the provenance line."""

import nbformat

from booktools import provenance, site
from booktools.conventions import NOTEBOOKS, PRACTICE, chapter_header
from booktools.sources import notebook_paths


def test_provenance_line_names_python_and_libraries(capsys):
    line = provenance.provenance_line()
    assert line.startswith("Executed with Python 3.")
    assert "PyTorch 2." in line and "torchvision 0." in line and "+cu" not in line
    provenance.provenance()
    assert capsys.readouterr().out.strip() == line


def test_post_render_publishes_solved_and_practice_notebooks(tmp_path, capsys):
    assert site.main([str(tmp_path)]) == 0
    names = [p.name for p in notebook_paths()]
    assert sorted(p.name for p in (tmp_path / NOTEBOOKS).iterdir()) == names
    assert sorted(p.name for p in (tmp_path / PRACTICE).iterdir()) == names
    practice = nbformat.read(tmp_path / PRACTICE / names[0], as_version=4)
    assert "Practice edition" in practice.cells[1].source
    assert f"published {2 * len(names)} notebooks" in capsys.readouterr().out


def test_post_render_refuses_a_missing_output_folder(tmp_path, capsys):
    assert site.main([str(tmp_path / "nothing")]) == 1
    assert "is not a rendered book folder" in capsys.readouterr().err


def test_header_links_point_to_the_published_folders():
    header = chapter_header("01-x.ipynb")
    assert (
        f"](../{NOTEBOOKS}/01-x.ipynb)" in header
        and f"](../{PRACTICE}/01-x.ipynb)" in header
    )
    assert header.startswith('::: {.content-visible when-format="html"}')
