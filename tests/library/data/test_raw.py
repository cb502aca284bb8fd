"""Tests for dlbook.data.raw: offline IDX provisioning, checksums, repair."""

import dataclasses
import gzip

import pytest

from dlbook import files
from dlbook.data import DataError, raw


def test_provision_writes_verified_files_then_changes_nothing(
    fake_files, data_root, fake_dataset, snapshot
):
    first = raw.provision_raw(fake_dataset, download=False)
    assert first.startswith("Fake: wrote 4 file(s)")
    for name, payload in fake_files.items():
        assert (fake_dataset.raw_dir() / name).read_bytes() == payload
    before = snapshot(data_root)
    second = raw.provision_raw(fake_dataset, download=False)
    assert "nothing changed" in second
    assert snapshot(data_root) == before


def test_provision_reads_gzipped_sources(fake_files, data_root, fake_dataset, tmp_path):
    gz_source = tmp_path / "gz"
    gz_source.mkdir()
    for name, payload in fake_files.items():
        (gz_source / f"{name}.gz").write_bytes(gzip.compress(payload))
    ds = dataclasses.replace(fake_dataset, candidates=(gz_source,))
    raw.provision_raw(ds, download=False)
    assert (ds.raw_dir() / raw.IDX_FILES[0]).read_bytes() == fake_files[raw.IDX_FILES[0]]


def test_truncated_source_is_rejected_and_nothing_written(fake_files, data_root, fake_dataset):
    source = fake_dataset.candidates[0]
    name = raw.IDX_FILES[2]
    (source / name).write_bytes(fake_files[name][:-10])
    with pytest.raises(DataError, match="fails its checksum"):
        raw.provision_raw(fake_dataset, download=False)
    assert not (fake_dataset.raw_dir() / name).exists()


def test_damaged_local_file_is_refused_by_loader_and_repaired_by_provisioning(
    fake_files, data_root, fake_dataset
):
    raw.provision_raw(fake_dataset, download=False)
    target = fake_dataset.raw_dir() / raw.IDX_FILES[0]
    target.write_bytes(b"altered")
    with pytest.raises(DataError, match="damaged.*python -m dlbook.data"):
        raw.ensure_raw(fake_dataset)
    message = raw.provision_raw(fake_dataset, download=False)
    assert "replaced damaged" in message
    assert target.read_bytes() == fake_files[raw.IDX_FILES[0]]


def test_missing_source_offline_names_the_fix(data_root, fake_dataset, monkeypatch):
    monkeypatch.delenv("DLBOOK_FAKE_SOURCE", raising=False)
    ds = dataclasses.replace(fake_dataset, candidates=())
    with pytest.raises(DataError, match="install the fake package.*DLBOOK_FAKE_SOURCE"):
        raw.provision_raw(ds, download=False)


def test_source_from_environment_variable(data_root, fake_dataset, monkeypatch):
    monkeypatch.setenv("DLBOOK_FAKE_SOURCE", str(fake_dataset.candidates[0]))
    ds = dataclasses.replace(fake_dataset, candidates=())
    assert "wrote 4" in raw.provision_raw(ds, download=False)


def test_explicit_source_without_files_is_an_error(data_root, fake_dataset, tmp_path):
    with pytest.raises(DataError, match="does not hold the four IDX files"):
        raw.provision_raw(fake_dataset, source=tmp_path / "empty", download=False)


def test_real_raw_files_match_published_checksums():
    """The provisioned MNIST and Fashion-MNIST are the original files (run `python -m dlbook.data`)."""
    for ds in (raw.MNIST, raw.FASHION_MNIST):
        for name in raw.IDX_FILES:
            assert files.sha256_of(ds.raw_dir() / name) == ds.sha256[name], f"{ds.title} {name}"
