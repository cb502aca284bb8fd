"""Tensor operations the exercises ask for that PyTorch does not name directly."""

from __future__ import annotations

import torch


def pairwise_squared_distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Return ``[N, M]`` squared Euclidean distances between rows of ``a [N, d]`` and ``b [M, d]``.

    Uses ||a − b||² = ||a||² + ||b||² − 2⟨a, b⟩: one matrix product and two broadcast additions,
    no Python loop. Rounding can make tiny distances slightly negative, so they are clamped at 0.
    """
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(
            f"expected [N, d] and [M, d] with the same d, got {tuple(a.shape)} and {tuple(b.shape)}"
        )
    a_sq = (a * a).sum(dim=1, keepdim=True)  # [N, 1]
    b_sq = (b * b).sum(dim=1).unsqueeze(0)  # [1, M]
    return (a_sq + b_sq - 2 * a @ b.T).clamp_min(0)
