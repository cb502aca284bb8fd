"""The book's figures: image grids, misclassified examples and training curves.

Every function draws on a new figure, labels its axes, and returns the figure; in a
notebook, call ``plt.show()`` after it (``plot_errors`` shows its figure itself).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure


def plot_errors(
    images: torch.Tensor,
    labels: torch.Tensor,
    predictions: torch.Tensor,
    class_names: Sequence[str],
    max_images: int = 8,
    ncols: int = 8,
) -> Figure | None:
    """Show the images whose prediction differs from the label, titled "label →
    prediction", in rows of ``ncols``."""
    wrong = (predictions != labels).nonzero().flatten()[:max_images]
    if len(wrong) == 0:
        print("no errors to show")
        return None
    cols, rows = min(len(wrong), ncols), -(-len(wrong) // ncols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(1.0 * cols, 1.6 * rows), squeeze=False
    )
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, wrong.tolist()):
        ax.imshow(as_image(images[index]), cmap="gray")
        ax.set_title(
            f"{class_names[labels[index]]}\n→ {class_names[predictions[index]]}",
            fontsize=10,
        )
    fig.suptitle("Errors: true label → predicted label", fontsize=11)
    fig.tight_layout()
    plt.show()
    return fig


# --------------------------------------------------------------------------------------------
# Images and predictions
# --------------------------------------------------------------------------------------------


def as_image(image: torch.Tensor):
    """Return an image as a NumPy array ``[H, W]`` or ``[H, W, C]`` for ``imshow``."""
    image = image.detach().cpu()
    if image.ndim == 3 and image.shape[0] in (1, 3):
        image = image.permute(1, 2, 0)
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    return image.numpy()


def show_images(
    images: torch.Tensor,
    labels: Sequence[int] | torch.Tensor | None = None,
    class_names: Sequence[str] | None = None,
    ncols: int = 8,
    title: str | None = None,
) -> Figure:
    """Show images in a grid, each titled with its class name when labels are given.

    Each image takes under an inch, so that a row of eight or nine fits a page or a
    screen column at nearly its own size and the 8 pt titles stay legible.
    """
    n = len(images)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(0.95 * ncols, 1.15 * nrows), squeeze=False
    )
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(as_image(images[i]), cmap="gray")
        if labels is not None:
            label = int(labels[i])
            ax.set_title(class_names[label] if class_names else str(label), fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------
# Training curves
# --------------------------------------------------------------------------------------------


def plot_curves(
    curves: dict[str, Sequence[float]],
    xlabel: str = "epoch",
    ylabel: str = "loss",
    title: str | None = None,
    start: int = 1,
    marks: dict[str, int] | None = None,
    logy: bool = False,
) -> Figure:
    """Plot named curves against a shared step axis; ``marks`` draws labelled vertical
    lines."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for name, values in curves.items():
        ax.plot(range(start, start + len(values)), list(values), label=name)
    for name, x in (marks or {}).items():
        ax.axvline(x, color="0.4", linestyle="--", linewidth=1)
        ax.annotate(
            name,
            (x, 0.98),
            xycoords=("data", "axes fraction"),
            fontsize=8,
            ha="right",
            va="top",
            rotation=90,
        )
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig
