"""The final exercise's ``data.py``: corrupted MNIST as tensors, read from the course's file layout."""

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
    5 % of its size; nearest-neighbour, like the corruption (bilinear would blur the digits)."""
    n = len(images)
    angles = (torch.rand(n, generator=generator) * 2 - 1) * MAX_TURN
    shifts = (torch.rand(n, 2, generator=generator) * 2 - 1) * MAX_SHIFT
    return affine_images(images, angles, shifts, mode="nearest")
