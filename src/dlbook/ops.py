"""Tensor operations the exercises ask for that PyTorch does not name directly."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def pairwise_squared_distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Return ``[N, M]`` squared Euclidean distances between rows of ``a [N, d]`` and
    ``b [M, d]``.

    Uses ||a − b||² = ||a||² + ||b||² − 2⟨a, b⟩: one matrix product and two broadcast
    additions, no Python loop, after moving both sets to their common mean ``c``. A
    pair's relative error is then about ε (||a − c||² + ||b − c||²) / ||a − b||² (ε ≈
    6e-8 in float32): small unless the pair is much closer together than to ``c``.
    Integer inputs are computed in the default float type. Rounding can make tiny
    distances slightly negative, so they are clamped at 0.
    """
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(
            f"expected [N, d] and [M, d] with the same d, got {tuple(a.shape)} and "
            f"{tuple(b.shape)}"
        )
    dtype = torch.promote_types(a.dtype, b.dtype)
    if (
        not dtype.is_floating_point
    ):  # integer (or bool) coordinates: a mean needs floats
        dtype = torch.get_default_dtype()
    a, b = a.to(dtype), b.to(dtype)
    # Far from the origin the identity subtracts huge, nearly equal numbers and float32
    # loses every digit (at an offset of 1e3 the error is as large as the distances). A
    # shift changes no distance, so move both sets to their common mean first.
    centre = torch.cat([a, b]).mean(dim=0)
    a, b = a - centre, b - centre
    a_sq = (a * a).sum(dim=1, keepdim=True)  # [N, 1]
    b_sq = (b * b).sum(dim=1).unsqueeze(0)  # [1, M]
    return (a_sq + b_sq - 2 * a @ b.T).clamp_min(0)


def affine_images(
    images: torch.Tensor,
    angles: torch.Tensor,
    shifts: torch.Tensor | None = None,
    mode: str = "bilinear",
) -> torch.Tensor:
    """Rotate each ``[N, H, W]`` (or ``[N, 1, H, W]``) image counter-clockwise by its
    angle in degrees and shift it by a fraction of its size (``shifts`` ``[N, 2]``, x
    then y).

    ``mode`` is the sampling of ``grid_sample``: ``"bilinear"`` (smooth) or
    ``"nearest"``."""
    theta = torch.deg2rad(angles.to(images.dtype))
    cos, sin = torch.cos(theta), torch.sin(theta)
    dx, dy = (
        (shifts.to(images.dtype) * -2).unbind(1)
        if shifts is not None
        else (0 * cos, 0 * cos)
    )
    # affine_grid maps output coordinates to input coordinates, so this matrix rotates
    # the content counter-clockwise on screen (y points down in image coordinates).
    matrix = torch.stack(
        [torch.stack([cos, -sin, dx], 1), torch.stack([sin, cos, dy], 1)], 1
    )
    batch = images if images.ndim == 4 else images.unsqueeze(1)
    grid = F.affine_grid(matrix, list(batch.shape), align_corners=False)
    moved = F.grid_sample(
        batch, grid, mode=mode, padding_mode="zeros", align_corners=False
    )
    return moved if images.ndim == 4 else moved.squeeze(1)
