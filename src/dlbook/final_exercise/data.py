"""The final exercise's ``data.py``: corrupted MNIST as tensors, read from the course's file layout."""

from __future__ import annotations

import torch

from dlbook.data.corrupt_mnist import TRAIN_SHARDS, load_verified


def load_corrupt_mnist(split: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
    """Return corrupted-MNIST images ``[N, 28, 28]`` and targets ``[N]`` for ``train`` or ``test``."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    if split == "test":
        return load_verified("test_images.pt"), load_verified("test_target.pt")
    images = [load_verified(f"train_images_{i}.pt") for i in range(TRAIN_SHARDS)]
    targets = [load_verified(f"train_target_{i}.pt") for i in range(TRAIN_SHARDS)]
    return torch.cat(images), torch.cat(targets)
