"""The final exercise's ``data.py``: corrupted MNIST as tensors, read from the course's file layout."""

from __future__ import annotations

from pathlib import Path

import torch
from torch.nn import functional as F

from dlbook.data.corrupt_mnist import TRAIN_SHARDS, read_corrupt_file

MAX_TURN = 30.0  # degrees either way
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
    """Return a batch ``[N, 1, 28, 28]`` with each digit turned by up to ±30° and shifted by up to
    5 % of its size; nearest-neighbour, like the corruption (bilinear would blur the digits)."""
    n = len(images)
    angles = (torch.rand(n, generator=generator) * 2 - 1) * MAX_TURN
    shifts = (torch.rand(n, 2, generator=generator) * 2 - 1) * MAX_SHIFT
    theta = torch.deg2rad(angles)
    cos, sin = torch.cos(theta), torch.sin(theta)
    dx, dy = (shifts * -2).unbind(1)  # affine_grid measures the image as 2 units wide
    matrix = torch.stack([torch.stack([cos, -sin, dx], 1), torch.stack([sin, cos, dy], 1)], 1)
    grid = F.affine_grid(matrix, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, mode="nearest", padding_mode="zeros", align_corners=False)
