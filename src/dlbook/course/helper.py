"""Stand-ins for the intro-to-PyTorch notebooks' ``helper`` module, with the same names."""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch

from dlbook.data.datasets import DIGITS, FASHION_CLASSES
from dlbook.plots import as_image

VERSIONS = {"MNIST": DIGITS, "Fashion": FASHION_CLASSES}


def view_classify(img: torch.Tensor, ps: torch.Tensor, version: str = "MNIST"):
    """Show an image beside a bar chart of its class probabilities (``version``: MNIST or Fashion)."""
    if version not in VERSIONS:
        raise ValueError(f"version must be one of {sorted(VERSIONS)}, got {version!r}")
    class_names = VERSIONS[version]
    probabilities = ps.detach().cpu().flatten().numpy()
    if len(probabilities) != len(class_names):
        raise ValueError(f"expected {len(class_names)} probabilities, got {len(probabilities)}")
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.5, 3), width_ratios=(1, 1.4))
    # reshape a copy: the course's helper resizes the caller's tensor in place
    left.imshow(as_image(img.detach().cpu().reshape(-1, 28, 28)), cmap="gray")
    left.axis("off")
    left.set_title("input")
    positions = range(len(class_names))
    right.barh(positions, probabilities, color="C0")
    right.set_yticks(positions, class_names, fontsize=8)
    right.invert_yaxis()
    right.set_xlim(0, 1.05)
    right.set_xlabel("probability")
    right.set_title("class probability")
    fig.tight_layout()
    return fig
