"""Tests for the final exercise's data.py: both editions of the course's folder, and bad files."""

import os
import zipfile

import numpy as np
import pytest
import torch

from dlbook.final_exercise import data


def test_corrupt_mnist_returns_the_course_datasets(course_data):
    train_set, test_set = data.corrupt_mnist(course_data)
    images, targets = train_set.tensors
    assert images.shape == (120, 1, 28, 28) and images.dtype == torch.float32
    assert targets.shape == (120,) and targets.dtype == torch.int64
    assert test_set.tensors[0].shape == (30, 1, 28, 28) and len(test_set) == 30
    assert 0 <= images.min() and images.max() <= 1


def test_the_earlier_npz_edition_is_read_too(course_data, tmp_path):
    folder = tmp_path / "npz"
    folder.mkdir()
    for i in range(5):  # train_0.npz ... train_4.npz, then test.npz
        images = torch.load(course_data / f"train_images_{i}.pt").double().numpy()
        labels = torch.load(course_data / f"train_target_{i}.pt").numpy()
        np.savez(folder / f"train_{i}.npz", images=images, labels=labels)
    np.savez(folder / "test.npz", images=np.zeros((7, 28, 28)), labels=np.arange(7))
    train_set, test_set = data.corrupt_mnist(folder)
    assert (
        train_set.tensors[0].shape == (100, 1, 28, 28)
        and train_set.tensors[0].dtype == torch.float32
    )
    assert torch.equal(test_set.tensors[1], torch.arange(7))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("test_images.pt", torch.zeros(30, 28, 27), r"holds torch.float32 \[30, 28, 27\], expected images"),
        ("test_images.pt", torch.full((30, 28, 28), 255.0), "expected images .* values in \\[0, 1\\]"),
        ("test_images.pt", torch.full((30, 28, 28), float("nan")), "expected images"),
        ("test_target.pt", torch.full((30,), 10), r"expected digits 0-9"),
        ("test_target.pt", {"not": "a tensor"}, "does not hold a dense tensor"),
        ("test_target.pt", torch.zeros(30, dtype=torch.long).to_sparse(), "does not hold a dense tensor"),
        ("test_target.pt", torch.zeros(30, dtype=torch.long, device="meta"), "does not hold"),
    ],
)  # fmt: skip
def test_a_wrong_file_is_named_in_one_line(course_data, name, content, message):
    torch.save(content, course_data / name)
    with pytest.raises(data.DataError, match=f"{name} .*{message}"):
        data.corrupt_mnist(course_data)


def test_missing_garbage_and_special_files_are_refused(course_data):
    (course_data / "test_target.pt").unlink()
    with pytest.raises(data.DataError, match="test_target.pt cannot be read"):
        data.load_split("test", course_data)
    (course_data / "test_target.pt").write_bytes(b"garbage")
    with pytest.raises(
        data.DataError, match="test_target.pt is not a readable tensor file"
    ):
        data.load_split("test", course_data)
    (course_data / "test_target.pt").unlink()
    os.mkfifo(course_data / "test_target.pt")  # reading a FIFO would wait forever
    with pytest.raises(data.DataError, match="test_target.pt is not a regular file"):
        data.load_split("test", course_data)
    with pytest.raises(data.DataError, match="not a folder"):
        data.load_split("test", course_data / "nowhere")
    with pytest.raises(data.DataError, match="empty text"):
        data.load_split("test", "")


def test_a_file_that_unpacks_to_far_more_than_its_size_is_refused_before_loading(
    tmp_path,
):
    bomb = tmp_path / "bomb.pt"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "bomb/data/0", bytes(80 * 2**20)
        )  # 80 MB of zeros in about 80 kB
    assert bomb.stat().st_size < 2**20
    with pytest.raises(data.DataError, match="unpacks to 83,886,080 bytes"):
        data.load_tensors(bomb)
    big = tmp_path / "big.pt"
    big.write_bytes(bytes(1000))
    with pytest.raises(data.DataError, match="1,000 bytes, more than the 999 allowed"):
        data.load_tensors(big, max_bytes=999)


def test_file_angles_finds_how_far_each_file_was_turned_from_upright():
    from dlbook.data.datasets import mnist

    clean = mnist(train=True)
    base, labels = (
        clean.data[:15000, None].float() / 255,
        clean.targets[:15000],
    )  # as a course file
    turns = torch.tensor([10.0, -5.0, -40.0])
    files = [data.rotate(base[5000 * k : 5000 * (k + 1)], torch.full((5000,), float(t)))
             for k, t in enumerate(turns)]  # fmt: skip
    angles = data.file_angles(torch.cat(files), labels, torch.arange(15000) // 5000)
    spacing = angles - angles.mean()
    assert torch.allclose(spacing, turns - turns.mean(), atol=1.0), (
        angles
    )  # from the mean digits
    assert torch.allclose(angles, turns, atol=2.5), (
        angles
    )  # upright, from the 1s: within MARGIN  # upright itself, not just the spread


def test_ink_axis_is_the_slope_of_a_bar():
    bar = torch.zeros(1, 28, 28)
    bar[0, 6:22, 13:15] = 1.0  # upright
    assert abs(abs(data.ink_axis(bar)) - 90) < 0.5
    assert (
        abs(data.ink_axis(data.rotate(bar[None], torch.tensor([30.0]))[0]) - 60) < 1.0
    )  # top left


def test_turn_ranges_reach_the_corruption_s_angles_around_upright_and_augment_stays_inside():
    images = torch.zeros(4, 1, 28, 28)
    images[:, 0, 6:22, 13:15] = 1.0  # a bar, as upright as MNIST's mean 1 is not
    targets = torch.tensor([1, 1, 1, 1])
    low, high = data.turn_ranges(images, targets, torch.tensor([0, 0, 1, 1]))
    lean = (
        90 + data.ONE_AXIS
    )  # a 1 standing straight is turned this far from MNIST's lean
    reach = data.MAX_TURN + data.MARGIN
    assert torch.allclose(low, torch.full((4,), -reach - lean), atol=0.5)
    assert torch.allclose(high, torch.full((4,), reach - lean), atol=0.5)
    generator = torch.Generator().manual_seed(0)
    zero = torch.zeros(4)
    assert torch.allclose(
        data.augment(images, zero, zero, generator), images, atol=1e-5
    )
    quarter = data.augment(images, zero + 90, zero + 90, generator)  # the bar lies flat
    assert (
        quarter[:, 0, 13:15, 6:22].mean() > 0.9
        and quarter[:, 0, 6:22, 13:15].mean() < 0.3
    )
