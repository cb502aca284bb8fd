"""Every command run as a real process on bad input: one line on stderr, a non-zero exit."""

import os
import subprocess
import sys

import pytest
import torch


def prepare(case, tmp_path):
    """Lay out what a case needs in ``tmp_path``; return the command's arguments."""
    (tmp_path / "file").write_text("x")
    (tmp_path / "run").mkdir()
    torch.save({"weights": torch.zeros(3)}, tmp_path / "other.pth")
    (tmp_path / "broken.ipynb").write_text('{"cells": [')
    return case


MAIN = ["-m", "dlbook.final_exercise.main"]
CASES = [
    (MAIN + ["train", "--out", "run"], 1, "error: data/corruptmnist is not a folder"),
    (
        MAIN + ["train", "--epochs", "-1"],
        2,
        "argument --epochs: expected a whole number >= 1",
    ),
    (MAIN + ["train", "--out", "new", "--data", "run"], 1, "holds no training files"),
    (
        MAIN + ["evaluate", "other.pth"],
        1,
        "is not a state_dict of this exercise's MyAwesomeModel",
    ),
    (MAIN + ["evaluate", "run"], 1, "error: run is not a regular file"),
    (["-m", "dlbook.final_exercise.bench", "--seeds", "x"], 2, "expected a whole"),
    (
        ["-m", "dlbook.data", "--seed", str(2**64)],
        2,
        "argument --seed: expected a whole number from 0",
    ),
    (
        ["-m", "dlbook.data", "--mnist-source", "file", "--no-download"],
        1,
        "does not hold the four",
    ),
    (["-m", "booktools.practice", "file"], 1, "error: file exists and is not a folder"),
    (
        ["-m", "booktools.execute", "broken.ipynb"],
        1,
        "error: broken.ipynb is not a readable notebook",
    ),
    (["-m", "booktools.execute", "missing.ipynb"], 2, "is not a notebook file"),
    (
        ["-m", "booktools.site", "nowhere"],
        1,
        "error: nowhere is not a rendered book folder",
    ),
]


@pytest.mark.parametrize(
    ("argv", "status", "fragment"), CASES, ids=[" ".join(c[0]) for c in CASES]
)
def test_command_fails_in_one_line(tmp_path, argv, status, fragment):
    prepare(argv, tmp_path)
    data = tmp_path / "empty-data"
    data.mkdir()
    env = {**os.environ, "DLBOOK_DATA": str(data)}
    result = subprocess.run(
        [sys.executable, *argv], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    lines = result.stderr.strip().splitlines()
    assert (result.returncode, len(lines)) == (status, 1), result.stderr
    assert fragment in lines[0]
    assert not (tmp_path / "new").exists()  # a failed run leaves no empty folder behind
