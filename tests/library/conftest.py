"""Fixtures shared by the library's tests: a temporary data folder and folder snapshots."""

import struct
import zipfile
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


def _flip_weight_byte(path: Path) -> None:
    """Flip one bit inside the first tensor's stored bytes of a checkpoint (the zip stays valid)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith("/data/0"))
    offset = info.header_offset
    name_length, extra_length = struct.unpack("<HH", data[offset + 26 : offset + 30])
    data[offset + 30 + name_length + extra_length + 10] ^= 0x40
    path.write_bytes(bytes(data))


@pytest.fixture
def flip_weight_byte() -> Callable[[Path], None]:
    """Return a function that damages one byte of a checkpoint's weights."""
    return _flip_weight_byte


@pytest.fixture(autouse=True)
def close_figures():
    """Close every figure a test drew."""
    yield
    plt.close("all")
