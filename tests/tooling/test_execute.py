"""Tests for booktools.execute: executing a notebook in place."""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from booktools import execute


def test_execute_notebook_numbers_cells_in_order(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(
        new_notebook(cells=[new_code_cell("x = 2"), new_code_cell("print(x * 21)")]),
        path,
    )
    assert execute.main([str(path)]) == 0
    nb = nbformat.read(path, as_version=4)
    assert [c.execution_count for c in nb.cells] == [1, 2]
    assert nb.cells[1].outputs[0]["text"] == "42\n"
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_figures_are_drawn_at_twice_their_size_and_tagged_with_it(tmp_path):
    import base64
    import struct

    path = tmp_path / "figure.ipynb"
    code = "import matplotlib.pyplot as plt\nplt.plot([0, 1])\nplt.show()"
    nbformat.write(new_notebook(cells=[new_code_cell(code)]), path)
    assert execute.main([str(path)]) == 0
    output = nbformat.read(path, as_version=4).cells[0].outputs[0]
    png = base64.b64decode(output.data["image/png"])
    size = output.metadata["image/png"]
    width, height = struct.unpack(">II", png[16:24])
    assert width // 2 == size["width"] and height // 2 == size["height"]


def test_prints_to_one_stream_are_one_output(tmp_path):
    path = tmp_path / "prints.ipynb"
    code = (
        "import time\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.3)"
    )
    nbformat.write(new_notebook(cells=[new_code_cell(code)]), path)
    assert execute.main([str(path)]) == 0
    outputs = nbformat.read(path, as_version=4).cells[0].outputs
    assert [(o.name, o.text) for o in outputs] == [("stdout", "0\n1\n2\n")]


def test_failing_cell_gives_one_line_and_nonzero_exit(tmp_path, capsys):
    path = tmp_path / "bad.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("1 / 0")]), path)
    assert execute.main([str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "ZeroDivisionError" in err[0]
    assert "\x1b" not in err[0]  # no colour codes in a log


def test_failure_names_the_cell_and_its_error(tmp_path, capsys):
    path = tmp_path / "bad.ipynb"
    nbformat.write(
        new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("x / 0")]), path
    )
    before = path.read_bytes()
    assert execute.main([str(path)]) == 1
    assert capsys.readouterr().err == (
        f"error: {path} failed: cell 1 raised ZeroDivisionError: division by zero\n"
    )
    assert path.read_bytes() == before


def test_a_cell_past_the_timeout_says_so_in_one_line(tmp_path, capsys):
    path = tmp_path / "slow.ipynb"
    nbformat.write(
        new_notebook(cells=[new_code_cell("import time\ntime.sleep(30)")]), path
    )
    assert execute.main([str(path), "--timeout", "2"]) == 1
    assert capsys.readouterr().err == (
        f"error: {path} failed: cell 0 ran longer than the timeout of 2 s; pass a larger --timeout\n"
    )


def test_a_damaged_notebook_file_is_one_line(tmp_path, capsys):
    path = tmp_path / "damaged.ipynb"
    path.write_text("{ not json")
    assert execute.main([str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(
        f"error: {path} is not a readable notebook"
    )


def test_non_notebook_argument_is_rejected(tmp_path, capsys):
    assert execute.main([str(tmp_path / "missing.ipynb")]) == 2
    assert "is not a notebook file" in capsys.readouterr().err


def test_interrupted_run_leaves_the_notebook_unchanged(tmp_path, capsys, monkeypatch):
    import nbclient

    path = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), path)
    before = path.read_bytes()

    def ctrl_c(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(nbclient.NotebookClient, "execute", ctrl_c)
    assert execute.main([str(path)]) == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"error: interrupted; {path} is unchanged (0 notebook(s) before it were executed and saved)"
    ]
    assert path.read_bytes() == before


def test_bad_timeout_is_refused(tmp_path, capsys):
    path = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), path)
    assert execute.main([str(path), "--timeout", "0"]) == 2
    assert "--timeout must be at least 1 second" in capsys.readouterr().err
