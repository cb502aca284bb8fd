"""Fixtures shared by the library's tests: a temporary data folder and folder snapshots."""

from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from dlbook import files


@pytest.fixture
def data_root(tmp_path, monkeypatch):
    """Point the book's data folder at an empty temporary folder."""
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv(files.DATA_ENV, str(root))
    return root


def _snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Return every file below ``folder`` with its modification time and checksum."""
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, files.sha256_of(p))
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def snapshot() -> Callable[[Path], dict[str, tuple[int, str]]]:
    """Return a function that records every file below a folder (mtime and checksum)."""
    return _snapshot


@pytest.fixture(autouse=True)
def close_figures():
    """Close every figure a test drew."""
    yield
    plt.close("all")
