"""The final exercise's ``data.py``: corrupted MNIST as tensors, read from the course's file layout.

Every file of the corruption is turned by one angle of its own. ``file_turns`` measures, from the
labels, how far each training file must be turned to line up with the others, and ``turn_images``
turns a whole file, so the network can learn the digits in a single orientation.
"""

from __future__ import annotations

from pathlib import Path

import torch

from dlbook.data.corrupt_mnist import TRAIN_SHARDS, read_corrupt_file
from dlbook.ops import affine_images

MAX_TURN = 10.0  # degrees either way
MAX_SHIFT = 0.05  # fraction of the image size


def load_corrupt_mnist(
    split: str = "train", folder: Path | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return corrupted-MNIST images ``[N, 28, 28]`` and targets ``[N]`` for ``train`` or ``test``.

    ``folder`` defaults to the book's ``data/corruptmnist``; the course's own folder works too.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    if split == "test":
        names = [("test_images.pt", "test_target.pt")]
    else:
        names = [(f"train_images_{i}.pt", f"train_target_{i}.pt") for i in range(TRAIN_SHARDS)]
    images = [read_corrupt_file(image_file, folder) for image_file, _ in names]
    targets = [read_corrupt_file(target_file, folder) for _, target_file in names]
    return torch.cat(images), torch.cat(targets)


def augment(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Return a batch ``[N, 1, 28, 28]`` with each digit turned by up to ±10° and shifted by up to
    5 % of its size; nearest-neighbour, so the only smoothing a digit gets is its file's turn."""
    n = len(images)
    angles = (torch.rand(n, generator=generator) * 2 - 1) * MAX_TURN
    shifts = (torch.rand(n, 2, generator=generator) * 2 - 1) * MAX_SHIFT
    return affine_images(images, angles, shifts, mode="nearest")


def turn_images(images: torch.Tensor, angle: float) -> torch.Tensor:
    """Return ``images`` (``[N, 28, 28]`` or ``[N, 1, 28, 28]``) all turned counter-clockwise by
    ``angle`` degrees, with bilinear sampling (the smoother choice when a whole file is turned)."""
    return affine_images(images, torch.full((len(images),), float(angle)))


def _class_means(images: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Return the mean image of each digit ``[10, 28, 28]`` (zeros for a digit that is absent)."""
    absent = images.new_zeros(images.shape[1:])
    return torch.stack([images[targets == d].mean(0) if (targets == d).any() else absent
                        for d in range(10)])  # fmt: skip


def _best_turn(means: torch.Tensor, reference: torch.Tensor, angles: torch.Tensor) -> float:
    """Return the angle among ``angles`` that turns ``means`` closest to ``reference``."""
    errors = torch.stack([(turn_images(means, a) - reference).square().sum() for a in angles])
    return float(angles[errors.argmin()])


def file_turns(
    images: torch.Tensor, targets: torch.Tensor, files: int = TRAIN_SHARDS
) -> list[float]:
    """Return, for each of the ``files`` equal files ``images`` joins, the turn in degrees that
    lines it up with the others: the labels give each file's ten mean digits, and the turn that
    brings them closest to the first file's, less the average turn, puts every file in the files'
    average orientation."""
    file_size = len(images) // files
    if file_size * files != len(images) or len(images) != len(targets):
        raise ValueError(f"expected {files} files of equal size with one label per image")
    means = [_class_means(images[i : i + file_size], targets[i : i + file_size])
             for i in range(0, len(images), file_size)]  # fmt: skip
    turns = []
    for file_means in means:
        coarse = _best_turn(file_means, means[0], torch.arange(-110.0, 111.0, 1.0))
        turns.append(_best_turn(file_means, means[0], coarse + torch.arange(-1.0, 1.01, 0.1)))
    average = sum(turns) / len(turns)
    return [turn - average for turn in turns]


def straighten_files(
    images: torch.Tensor, targets: torch.Tensor, files: int = TRAIN_SHARDS
) -> torch.Tensor:
    """Return the training images with every file turned into the files' common orientation."""
    turns = file_turns(images, targets, files)
    file_size = len(images) // files
    return torch.cat([turn_images(images[i * file_size : (i + 1) * file_size], turn)
                      for i, turn in enumerate(turns)])  # fmt: skip
