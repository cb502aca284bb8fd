"""booktools.site as Quarto's pre-render step, and the chapter header the site's style sheet keys on."""

from booktools import site
from booktools.conventions import NOTEBOOKS, PRACTICE, chapter_header
from booktools.sources import notebook_paths


def test_pre_render_creates_the_folder_quarto_names(tmp_path, monkeypatch, capsys):
    output = tmp_path / "_book"  # a full render has just removed it
    monkeypatch.setenv("QUARTO_PROJECT_OUTPUT_DIR", str(output))
    assert site.main([]) == 0
    names = sorted(p.name for p in notebook_paths())
    assert sorted(p.name for p in (output / NOTEBOOKS).iterdir()) == names
    assert sorted(p.name for p in (output / PRACTICE).iterdir()) == names
    assert (
        f"published {2 * len(names)} notebooks into {output}" in capsys.readouterr().out
    )


def test_a_folder_given_by_hand_must_exist(tmp_path, monkeypatch):
    monkeypatch.setenv("QUARTO_PROJECT_OUTPUT_DIR", str(tmp_path / "_book"))
    assert site.main([str(tmp_path / "typo")]) == 1
    assert not (tmp_path / "typo").exists()


def test_the_links_sit_in_a_div_the_provenance_line_follows():
    lines = chapter_header("01-x.ipynb").splitlines()
    assert lines[0] == '::: {.content-visible when-format="html"}'
    assert lines[1] == "::: {.chapter-downloads}"
    assert lines[-2:] == [":::", ":::"]
