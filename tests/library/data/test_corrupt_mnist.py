"""Tests for dlbook.data.corrupt_mnist: the generator, its manifest, idempotence."""

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


REAL_DATA = files.data_dir()  # captured before any test points DLBOOK_DATA elsewhere
def test_committed_corrupt_mnist_has_course_layout_and_corruption():
    images, targets = fe_data.load_corrupt_mnist("train")
    test_images, test_targets = fe_data.load_corrupt_mnist("test")
    assert images.shape == (30_000, 28, 28) and images.dtype == torch.float32
    assert targets.shape == (30_000,) and targets.dtype == torch.int64
    assert test_images.shape == (5_000, 28, 28) and test_targets.shape == (5_000,)
    assert images.min() >= 0 and images.max() <= 1
    share = torch.bincount(targets, minlength=10).float() / len(targets)
    assert share.min() > 0.08 and share.max() < 0.125  # every digit well represented
    truth = corrupt_mnist.load_corrupt_ground_truth()
    assert truth["train_angle"].abs().max() <= 30 and truth["train_angle"].std() > 15
    # background noise: corners of clean MNIST are exactly 0, here they are noisy
    corners = images[:, :3, :3]
    assert 0.03 < corners.mean() < 0.06  # E[max(0, N(0, 0.1²))] ≈ 0.04


def test_each_shard_is_saved_without_its_parent_storage():
    path = corrupt_mnist.corrupt_dir() / "train_images_0.pt"
    assert path.stat().st_size < 5_000 * 28 * 28 * 4 * 1.1


def test_same_seed_gives_same_corruption():
    clean = torch.rand(8, 28, 28)
    first = corrupt_mnist.corrupt_images(clean, torch.Generator().manual_seed(5))
    second = corrupt_mnist.corrupt_images(clean, torch.Generator().manual_seed(5))
    other = corrupt_mnist.corrupt_images(clean, torch.Generator().manual_seed(6))
    assert torch.equal(first[0], second[0]) and torch.equal(first[1], second[1])
    assert not torch.equal(first[0], other[0])


@pytest.fixture
def small_corrupt(data_root, monkeypatch):
    """Generate a small corrupted MNIST in a temporary data folder (real MNIST linked in)."""
    (data_root / "MNIST").symlink_to(REAL_DATA / "MNIST")
    monkeypatch.setattr(corrupt_mnist, "SHARD_SIZE", 50)
    monkeypatch.setattr(corrupt_mnist, "TEST_SIZE", 40)
    corrupt_mnist.generate_corrupt_mnist()
    return corrupt_mnist.corrupt_dir()


def test_generation_is_idempotent(small_corrupt, snapshot):
    before = snapshot(small_corrupt)
    assert "nothing changed" in corrupt_mnist.generate_corrupt_mnist()
    assert snapshot(small_corrupt) == before


def test_generation_is_deterministic(small_corrupt, tmp_path, monkeypatch, snapshot):
    first = snapshot(small_corrupt)
    other = tmp_path / "other"
    other.mkdir()
    (other / "MNIST").symlink_to((small_corrupt.parent / "MNIST").resolve())
    monkeypatch.setenv(files.DATA_ENV, str(other))
    corrupt_mnist.generate_corrupt_mnist()
    second = snapshot(corrupt_mnist.corrupt_dir())
    assert {k: v[1] for k, v in first.items()} == {k: v[1] for k, v in second.items()}


def test_damaged_shard_is_reported_never_loaded_never_overwritten(small_corrupt):
    shard = small_corrupt / "train_images_3.pt"
    shard.write_bytes(shard.read_bytes()[:100])
    with pytest.raises(DataError, match="train_images_3.pt.*damaged"):
        fe_data.load_corrupt_mnist("train")
    with pytest.raises(DataError, match="train_images_3.pt"):
        corrupt_mnist.generate_corrupt_mnist()
    assert shard.stat().st_size == 100  # left for the user to inspect, not rewritten


def test_foreign_files_are_left_alone(data_root):
    folder = corrupt_mnist.corrupt_dir()
    folder.mkdir()
    (folder / "train_images_0.pt").write_bytes(b"someone else's data")
    with pytest.raises(DataError, match="left alone"):
        corrupt_mnist.generate_corrupt_mnist()
    assert (folder / "train_images_0.pt").read_bytes() == b"someone else's data"
