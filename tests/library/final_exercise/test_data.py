"""Tests for the final exercise's data.py: loading corrupted MNIST."""

import pytest
import torch

from dlbook.data import DataError
from dlbook.final_exercise import data as fe_data


def test_load_corrupt_mnist_rejects_unknown_split():
    with pytest.raises(ValueError, match="'train' or 'test'"):
        fe_data.load_corrupt_mnist("validation")


def test_missing_corrupt_mnist_names_the_command(data_root):
    with pytest.raises(DataError, match="python -m dlbook.data"):
        fe_data.load_corrupt_mnist("test")


def test_augment_turns_and_shifts_without_blurring():
    images = torch.rand(8, 1, 28, 28)
    moved = fe_data.augment(images, torch.Generator().manual_seed(0))
    assert moved.shape == images.shape and not torch.equal(moved, images)
    # nearest-neighbour: every pixel is one of the originals, or 0 where the image moved away
    assert torch.isin(moved, torch.cat([images.flatten(), torch.zeros(1)])).all()
    again = fe_data.augment(images, torch.Generator().manual_seed(0))
    assert torch.equal(moved, again)


def test_augment_turns_by_at_most_max_turn():
    bar = torch.zeros(1, 1, 28, 28)
    bar[0, 0, 4:24, 14] = 1.0  # a vertical stroke through the centre
    rows, cols = torch.nonzero(bar[0, 0] > 0, as_tuple=True)
    for seed in range(20):
        moved = fe_data.augment(bar, torch.Generator().manual_seed(seed))[0, 0]
        r, c = torch.nonzero(moved > 0, as_tuple=True)
        slope = torch.atan2((c - c.float().mean()).abs().max(), torch.tensor(10.0))
        assert torch.rad2deg(slope) <= fe_data.MAX_TURN + 8  # pixel steps add a few degrees


def test_file_turns_recovers_the_relative_turns_of_the_files(templates):
    generator = torch.Generator().manual_seed(0)
    targets = torch.arange(60) % 10
    angles = [
        -40.0,
        5.0,
        30.0,
        -12.0,
        45.0,
        0.0,
    ]  # each file turned by one angle, like the course's
    files = [fe_data.turn_images(templates[targets[:10]] * (0.8 + 0.4 * torch.rand(10, 1, 1, generator=generator)), a)
             for a in angles]  # fmt: skip
    turns = fe_data.file_turns(torch.cat(files), targets)
    mean = sum(angles) / len(angles)
    for turn, angle in zip(turns, angles):
        assert turn == pytest.approx(mean - angle, abs=1.5)
    assert sum(turns) == pytest.approx(0.0, abs=1e-6)
    straight = fe_data.straighten_files(torch.cat(files), targets)
    first, last = straight[:10], straight[50:]  # now one orientation: the files agree
    assert (first - last).abs().mean() < 0.5 * (files[0] - files[5]).abs().mean()


def test_file_turns_needs_whole_files():
    with pytest.raises(ValueError, match="6 files of equal size"):
        fe_data.file_turns(torch.zeros(61, 28, 28), torch.zeros(61, dtype=torch.long))
