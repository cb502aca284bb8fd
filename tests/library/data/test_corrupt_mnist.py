"""Tests for dlbook.data.corrupt_mnist: the course's recipe, the manifest, the course's own folder."""

import json

import pytest
import torch

from dlbook import files
from dlbook.data import DataError, corrupt_mnist
from dlbook.data.datasets import mnist

REAL_DATA = files.data_dir()  # captured before any test points DLBOOK_DATA elsewhere


def test_provisioned_corrupt_mnist_is_the_course_recipe():
    read = corrupt_mnist.read_corrupt_file
    images = torch.cat([read(f"train_images_{i}.pt") for i in range(6)])
    targets = torch.cat([read(f"train_target_{i}.pt") for i in range(6)])
    test_images, test_targets = read("test_images.pt"), read("test_target.pt")
    assert images.shape == (30_000, 28, 28) and images.dtype == torch.float32
    assert test_images.shape == (5_000, 28, 28) and test_targets.dtype == torch.int64
    assert torch.equal(targets, mnist(train=True).targets[:30_000])  # the course's slicing
    assert torch.equal(test_targets, mnist(train=False).targets[:5_000])
    assert images.min() == 0 and images.max() == 1
    assert torch.equal(images * 255, (images * 255).round())  # uint8 / 255: no noise added
    truth = corrupt_mnist.load_corrupt_ground_truth()
    assert truth["train_angle"].shape == (6,) and truth["test_angle"].shape == (1,)
    assert truth["train_angle"].abs().max() <= 50 and truth["train_angle"].std() > 5


def test_each_shard_is_saved_without_its_parent_storage():
    for name in ("train_images_0.pt", "train_target_0.pt"):
        tensor = torch.load(corrupt_mnist.corrupt_dir() / name, weights_only=True)
        size = (corrupt_mnist.corrupt_dir() / name).stat().st_size
        assert size < tensor.numel() * tensor.element_size() * 1.1


def test_rotate_stack_turns_every_digit_by_one_angle_within_50_degrees():
    digit = torch.zeros(28, 28, dtype=torch.uint8)
    digit[4:24, 13:15] = 255  # a vertical bar
    torch.manual_seed(3)
    turned, angle = corrupt_mnist.rotate_stack(digit.expand(4, 28, 28).clone())
    assert abs(angle) <= 50 and abs(angle) > 1
    assert all(torch.equal(turned[0], t) for t in turned) and not torch.equal(turned[0], digit)
    angles = []
    for seed in range(20):
        torch.manual_seed(seed)
        angles.append(corrupt_mnist.rotate_stack(digit[None])[1])
    assert max(angles) > 25 and min(angles) < -25 and max(map(abs, angles)) <= 50


@pytest.fixture
def small_corrupt(data_root, monkeypatch):
    """Generate a small corrupted MNIST in a temporary data folder (real MNIST linked in)."""
    (data_root / "MNIST").symlink_to(REAL_DATA / "MNIST")
    monkeypatch.setattr(corrupt_mnist, "SHARD_SIZE", 50)
    monkeypatch.setattr(corrupt_mnist, "TEST_SIZE", 40)
    corrupt_mnist.generate_corrupt_mnist()
    return corrupt_mnist.corrupt_dir()


def test_files_match_the_course_script_pixel_for_pixel(small_corrupt):
    from torchvision import transforms

    train, test = mnist(train=True), mnist(train=False)
    state = torch.get_rng_state()
    torch.manual_seed(corrupt_mnist.CORRUPT_SEED)  # the course's script, with our seed
    rotation = transforms.RandomRotation(50)
    expected = {}
    for i in range(10):  # the script writes ten training files; the course ships the first six
        turned = rotation(train.data[50 * i : 50 * (i + 1)]) / 255.0
        if i < 6:
            expected[f"train_images_{i}.pt"] = turned
            expected[f"train_target_{i}.pt"] = train.targets[50 * i : 50 * (i + 1)]
    expected["test_images.pt"] = rotation(test.data[:40]) / 255.0
    expected["test_target.pt"] = test.targets[:40]
    torch.set_rng_state(state)
    for name, tensor in expected.items():
        saved = torch.load(small_corrupt / name, weights_only=True)
        assert saved.dtype == tensor.dtype and torch.equal(saved, tensor), name


def test_generation_leaves_the_global_generator_alone(small_corrupt):
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    for name in corrupt_mnist.corrupt_file_names():
        (small_corrupt / name).unlink()
    (small_corrupt / corrupt_mnist.MANIFEST).unlink()
    corrupt_mnist.generate_corrupt_mnist()
    assert torch.equal(torch.rand(3), expected)


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


def test_files_of_an_older_recipe_are_refused_then_regenerated(small_corrupt):
    manifest = small_corrupt / corrupt_mnist.MANIFEST
    record = json.loads(manifest.read_text())
    record["recipe"] = "an older recipe"
    manifest.write_text(json.dumps(record))
    with pytest.raises(DataError, match="older recipe.*python -m dlbook.data"):
        corrupt_mnist.load_corrupt_mnist("test")
    assert "regenerated" in corrupt_mnist.generate_corrupt_mnist()
    assert corrupt_mnist.load_corrupt_mnist("test")[0].shape == (40, 28, 28)


def test_damaged_shard_is_reported_never_loaded_never_overwritten(small_corrupt):
    shard = small_corrupt / "train_images_3.pt"
    shard.write_bytes(shard.read_bytes()[:100])
    with pytest.raises(DataError, match="train_images_3.pt.*damaged"):
        corrupt_mnist.load_corrupt_mnist("train")
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


@pytest.fixture
def course_folder(small_corrupt, tmp_path):
    """A copy of the course's folder as it is downloaded: the 14 files, no manifest."""
    folder = tmp_path / "course" / "corruptmnist"
    folder.mkdir(parents=True)
    for name in corrupt_mnist.corrupt_file_names():
        (folder / name).write_bytes((small_corrupt / name).read_bytes())
    return folder


def test_course_folder_without_manifest_loads_unchecksummed(course_folder, small_corrupt):
    images, targets = corrupt_mnist.load_corrupt_mnist("train", course_folder)
    assert torch.equal(images, corrupt_mnist.load_corrupt_mnist("train")[0]) and len(targets) == 300
    assert not (course_folder / corrupt_mnist.MANIFEST).exists()
    assert (small_corrupt / corrupt_mnist.MANIFEST).is_file()


@pytest.mark.parametrize(
    ("name", "tensor", "message"),
    [
        ("test_images.pt", torch.zeros(40, 28, 28, dtype=torch.float64), "float64 .*expected float32"),
        ("test_images.pt", torch.zeros(40, 28, 27), r"\[40, 28, 27\], expected float32 \[40, 28, 28\]"),
        ("train_images_2.pt", torch.full((50, 28, 28), 255.0), r"values in \[255, 255\], expected float32 \[50, 28, 28\] with values in \[0, 1\]"),
        ("test_target.pt", torch.full((40,), 10), r"values in \[10, 10\], expected int64"),
        ("train_target_0.pt", {"not": "a tensor"}, "a dict, expected int64"),
    ],
)  # fmt: skip
def test_course_folder_with_a_wrong_file_names_it(course_folder, name, tensor, message):
    torch.save(tensor, course_folder / name)
    split = "test" if name.startswith("test") else "train"
    with pytest.raises(DataError, match=f"{name} holds .*{message}"):
        corrupt_mnist.load_corrupt_mnist(split, course_folder)


def test_course_folder_missing_or_unreadable_file_is_named(course_folder):
    (course_folder / "test_target.pt").unlink()
    with pytest.raises(DataError, match="test_target.pt is missing"):
        corrupt_mnist.load_corrupt_mnist("test", course_folder)
    (course_folder / "test_target.pt").write_bytes(b"garbage")
    with pytest.raises(DataError, match="test_target.pt is not a readable tensor file"):
        corrupt_mnist.load_corrupt_mnist("test", course_folder)


def test_provisioning_leaves_the_course_own_files_alone(course_folder, monkeypatch, snapshot):
    monkeypatch.setenv(files.DATA_ENV, str(course_folder.parent))
    before = snapshot(course_folder)
    assert "course's own 14 files" in corrupt_mnist.generate_corrupt_mnist()
    assert snapshot(course_folder) == before


@pytest.mark.parametrize("text", ["{not json", "[]", '{"files": ["a"]}', '{"files": {"x": 3}}'])
def test_a_damaged_manifest_is_an_error_never_the_course_folder(small_corrupt, text):
    (small_corrupt / corrupt_mnist.MANIFEST).write_text(text)
    with pytest.raises(DataError, match="MANIFEST.json is damaged.*python -m dlbook.data"):
        corrupt_mnist.load_corrupt_mnist("test")
    with pytest.raises(DataError, match="MANIFEST.json is damaged"):
        corrupt_mnist.generate_corrupt_mnist()


def test_a_checksummed_file_is_still_checked_for_shape_dtype_and_range(small_corrupt):
    manifest = small_corrupt / corrupt_mnist.MANIFEST
    record = json.loads(manifest.read_text())
    torch.save(torch.full((40, 28, 28), 7.0), small_corrupt / "test_images.pt")
    record["files"]["test_images.pt"] = files.sha256_of(small_corrupt / "test_images.pt")
    manifest.write_text(json.dumps(record))  # a valid digest anyone can recompute
    with pytest.raises(DataError, match=r"values in \[7, 7\], expected float32"):
        corrupt_mnist.load_corrupt_mnist("test")


KILL_DURING_GENERATION = """
import os, signal, sys
from dlbook.data import corrupt_mnist
from dlbook import files
corrupt_mnist.SHARD_SIZE, corrupt_mnist.TEST_SIZE = 50, 40
saved = []
real_save = corrupt_mnist.save_torch_atomically
def save_then_die(obj, path):
    real_save(obj, path)
    saved.append(path)
    if len(saved) == 5:
        if sys.argv[1] == "SIGINT":  # what Ctrl-C raises in the main thread; a signal sent
            raise KeyboardInterrupt  # to the process may be handled (and swallowed) in C code
        os.kill(os.getpid(), getattr(signal, sys.argv[1]))
corrupt_mnist.save_torch_atomically = save_then_die
corrupt_mnist.generate_corrupt_mnist()
"""


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGINT"])
def test_generation_killed_midway_leaves_no_folder_and_the_next_run_finishes(
    data_root, signal_name, monkeypatch
):
    import subprocess
    import sys

    (data_root / "MNIST").symlink_to(REAL_DATA / "MNIST")
    run = subprocess.run([sys.executable, "-c", KILL_DURING_GENERATION, signal_name],
                         capture_output=True, text=True)  # fmt: skip
    assert run.returncode != 0
    assert not (data_root / "corruptmnist").exists()  # nothing half-written in place
    if signal_name == "SIGKILL":  # no clean-up ran: the half-built folder is left beside it
        assert any(p.name.startswith(".corruptmnist.partial-") for p in data_root.iterdir())
    monkeypatch.setattr(corrupt_mnist, "SHARD_SIZE", 50)
    monkeypatch.setattr(corrupt_mnist, "TEST_SIZE", 40)
    assert "generated 14 files" in corrupt_mnist.generate_corrupt_mnist()
    assert sorted(p.name for p in data_root.iterdir()) == [
        "MNIST",
        "corruptmnist",
    ]  # leftovers gone
    assert (data_root / "corruptmnist" / corrupt_mnist.MANIFEST).is_file()
