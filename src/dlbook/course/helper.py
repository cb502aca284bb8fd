"""Stand-ins for the intro-to-PyTorch notebooks' ``helper`` module, with the same names."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch

from dlbook.plots import as_image


def view_classify(image: torch.Tensor, probabilities: torch.Tensor, class_names: Sequence[str]):
    """Show an image beside a horizontal bar chart of its predicted class probabilities."""
    probabilities = probabilities.detach().cpu().flatten().numpy()
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.5, 3), width_ratios=(1, 1.4))
    left.imshow(as_image(image.reshape(-1, *image.shape[-2:])), cmap="gray")
    left.axis("off")
    left.set_title("input")
    positions = range(len(class_names))
    right.barh(positions, probabilities, color="C0")
    right.set_yticks(positions, class_names, fontsize=8)
    right.invert_yaxis()
    right.set_xlim(0, 1.05)
    right.set_xlabel("probability")
    right.set_title("predicted class probabilities")
    fig.tight_layout()
    return fig
