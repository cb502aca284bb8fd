"""Structural tests for the Quarto book, and proof that each structural check can fail."""

import json
import shutil
import tomllib

import pytest
import yaml

from booktools import check, sources
from dlbook.files import PROJECT_ROOT


def test_the_book_is_structurally_sound():
    assert check.check_book(PROJECT_ROOT) == []


def test_quarto_config_is_a_book_with_html_and_typst():
    config = sources.load_config()
    assert config["project"]["type"] == "book"
    assert config["book"]["chapters"][0] == "index.qmd"
    assert config["book"]["downloads"] == ["pdf"]
    html = config["format"]["html"]
    assert html["code-copy"] is True and html["number-sections"] is True
    assert set(html["theme"]) == {"light", "dark"}
    assert "typst" in config["format"] and "pdf" not in config["format"]


def test_parts_are_in_order():
    parts = [
        e["part"]
        for e in sources.load_config()["book"]["chapters"]
        if isinstance(e, dict)
    ]
    numbers = [p.split(":")[0] for p in parts]
    assert numbers == ["Part I", "Part II", "Part III"][: len(numbers)] and numbers


def test_pytest_runs_nbval_with_current_env_and_sanitizer():
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    options = config["tool"]["pytest"]["ini_options"]
    assert "chapters" in options["testpaths"]
    addopts = options["addopts"]
    assert "--nbval" in addopts and "--nbval-current-env" in addopts
    sanitize = next(a for a in addopts if a.startswith("--nbval-sanitize-with="))
    assert (PROJECT_ROOT / sanitize.split("=", 1)[1]).is_file()
    assert any(a.startswith("--nbval-cell-timeout=") for a in addopts)


def test_no_qmd_beside_ipynb():
    stems = [p.stem for p in (PROJECT_ROOT / "chapters").iterdir()]
    assert len(stems) == len(set(stems))


# ---------------------------------------------------------------------------------------------
# Each check fails when the book is broken: run it on a damaged copy.
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def copy(tmp_path):
    """A copy of the book's sources that a test may damage."""
    shutil.copy(PROJECT_ROOT / "_quarto.yml", tmp_path)
    shutil.copy(PROJECT_ROOT / "index.qmd", tmp_path)
    shutil.copytree(PROJECT_ROOT / "chapters", tmp_path / "chapters")
    return tmp_path


def first_notebook(root):
    return sorted((root / "chapters").glob("*.ipynb"))[0]


def edit_notebook(path, change):
    nb = json.loads(path.read_text())
    change(nb)
    path.write_text(json.dumps(nb))


def test_copy_is_sound(copy):
    assert check.check_book(copy) == []


def test_missing_listed_chapter_is_reported(copy):
    victim = first_notebook(copy)
    victim.unlink()
    assert (
        f"_quarto.yml lists chapters/{victim.name}, which does not exist"
        in check.check_book(copy)
    )


def test_unlisted_chapter_is_reported(copy):
    shutil.copy(first_notebook(copy), copy / "chapters" / "99-extra.ipynb")
    problems = check.check_book(copy)
    assert "chapters/99-extra.ipynb exists but _quarto.yml does not list it" in problems
    assert any("is defined in" in p for p in problems)  # its labels now clash too


def test_title_cell_is_required(copy):
    path = first_notebook(copy)
    edit_notebook(
        path, lambda nb: nb["cells"][0].update(source="Some text without a title")
    )
    assert any("first cell must be markdown" in p for p in check.check_book(copy))


def test_out_of_order_execution_is_reported(copy):
    def shuffle(nb):
        codes = [c for c in nb["cells"] if c["cell_type"] == "code"]
        codes[0]["execution_count"], codes[1]["execution_count"] = 2, 1

    edit_notebook(first_notebook(copy), shuffle)
    assert any("not executed top to bottom" in p for p in check.check_book(copy))


def test_unexecuted_cell_is_reported(copy):
    def clear(nb):
        next(c for c in nb["cells"] if c["cell_type"] == "code")["execution_count"] = (
            None
        )

    edit_notebook(first_notebook(copy), clear)
    assert any("not executed top to bottom" in p for p in check.check_book(copy))


def test_error_output_is_reported(copy):
    def fail(nb):
        cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
        cell["outputs"] = [{"output_type": "error", "ename": "NameError", "evalue": "x",
                            "traceback": []}]  # fmt: skip

    edit_notebook(first_notebook(copy), fail)
    assert any("has an error output (NameError)" in p for p in check.check_book(copy))


def test_invalid_cell_option_yaml_is_reported(copy):
    def bad(nb):
        cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
        cell["source"] = "#| code-fold: [unclosed\n" + "".join(cell["source"])

    edit_notebook(first_notebook(copy), bad)
    assert any("not valid YAML" in p for p in check.check_book(copy))


def test_dangling_reference_is_reported(copy):
    def ref(nb):
        nb["cells"][1]["source"] = "See @sec-does-not-exist for more."

    edit_notebook(first_notebook(copy), ref)
    assert any("@sec-does-not-exist" in p for p in check.check_book(copy))


def test_duplicate_label_is_reported(copy):
    path = first_notebook(copy)
    nb = json.loads(path.read_text())
    title = nb["cells"][0]["source"]
    title = "".join(title) if isinstance(title, list) else title
    label = sources.markdown_headings(title)[0].label

    def duplicate(nb):
        nb["cells"][1]["source"] = f"## Again {{#{label}}}"

    edit_notebook(path, duplicate)
    assert any(f"label {label} is defined" in p for p in check.check_book(copy))


def test_absolute_path_in_output_is_reported(copy):
    def leak(nb):
        cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
        cell["outputs"] = [
            {"output_type": "stream", "name": "stdout", "text": "/home/me/data\n"}
        ]

    edit_notebook(first_notebook(copy), leak)
    assert any("absolute path" in p for p in check.check_book(copy))


# ---------------------------------------------------------------------------------------------
# Parsing helpers
# ---------------------------------------------------------------------------------------------


def test_cell_options_parse_leading_option_lines_only():
    cell = {
        "source": '#| code-fold: true\n#| code-summary: "Provided setup"\nx = 1\n#| not: this'
    }
    assert sources.cell_options(cell) == {
        "code-fold": True,
        "code-summary": "Provided setup",
    }
    assert sources.cell_options({"source": "x = 1"}) == {}
    with pytest.raises(ValueError):
        sources.cell_options({"source": "#| just words"})


def test_markdown_headings_skip_code_fences_and_read_labels():
    text = "# Title {#sec-a}\n```\n# not a heading\n```\n## Part {.unnumbered}\n### Sub {#sec-b}"
    assert sources.markdown_headings(text) == [
        sources.Heading(1, "Title", "sec-a"),
        sources.Heading(2, "Part", "", unnumbered=True),
        sources.Heading(3, "Sub", "sec-b"),
    ]


def test_listed_files_walks_parts_and_appendices():
    config = yaml.safe_load(
        "book:\n  chapters:\n    - index.qmd\n    - part: P\n      chapters: [a.ipynb, b.ipynb]\n"
        "  appendices: [c.qmd]\n"
    )
    assert sources.listed_files(config) == ["index.qmd", "a.ipynb", "b.ipynb", "c.qmd"]


def test_references_ignore_code_and_emails():
    text = "See @sec-x. `@sec-code` and me@sec-mail.org\n```\n@sec-fenced\n```"
    assert check.REFERENCE.findall(check._strip_code(text)) == ["sec-x"]


def test_reference_to_unnumbered_section_is_reported(copy):
    (copy / "index.qmd").write_text(
        "# Preface {.unnumbered #sec-preface}\n\nSee @sec-preface.\n"
    )
    assert any("unnumbered section" in p for p in check.check_book(copy))


def test_damaged_notebook_is_one_line_not_a_traceback(copy, capsys, monkeypatch):
    first_notebook(copy).write_text('{"cells": [')
    original = check.check_book
    monkeypatch.setattr(check, "check_book", lambda: original(copy))
    assert check.main([]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is not a readable notebook" in err[0]
