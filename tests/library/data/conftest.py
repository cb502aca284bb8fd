"""Fixtures of the data tests: a small dataset of four files found offline."""

import hashlib

import pytest

from dlbook.data import raw


@pytest.fixture
def fake_files() -> dict[str, bytes]:
    """The contents of four small IDX-named files."""
    return {name: f"fake contents of {name}\n".encode() * 50 for name in raw.IDX_FILES}


@pytest.fixture
def fake_dataset(tmp_path, fake_files):
    """A dataset of four small files with known checksums, found in a source folder."""
    source = tmp_path / "source"
    source.mkdir()
    for name, payload in fake_files.items():
        (source / name).write_bytes(payload)
    return raw.RawDataset(
        title="Fake",
        folder="Fake",
        sha256={n: hashlib.sha256(p).hexdigest() for n, p in fake_files.items()},
        source_env="DLBOOK_FAKE_SOURCE",
        install_hint="install the fake package",
        candidates=(source,),
    )
