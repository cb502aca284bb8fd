"""Figure helpers the exercises provide, and the book's plots of images and training curves.

Every function draws on a new figure, labels its axes, and returns the figure; in a notebook,
call ``plt.show()`` after it (the helpers named by the exercises do that themselves).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure
from torch import nn

from dlbook.data import write_atomically

# --------------------------------------------------------------------------------------------
# The non-convex function of the learning-rate and momentum exercises
# --------------------------------------------------------------------------------------------

START_X = 2.5


def bumpy(x: torch.Tensor) -> torch.Tensor:
    """Return x⁴ + x³ − 5x²: a local minimum at x = 1.25 and the global one at x = −2."""
    return x**4 + x**3 - 5 * x**2


def sgd_trajectory(
    lr: float, momentum: float = 0.0, n_steps: int = 10, start: float = START_X
) -> list[float]:
    """Return the positions SGD visits minimising :func:`bumpy` from ``start`` (start included)."""
    x = torch.tensor(start, requires_grad=True)
    optimizer = torch.optim.SGD([x], lr=lr, momentum=momentum)
    positions = [x.item()]
    for _ in range(n_steps):
        optimizer.zero_grad()
        bumpy(x).backward()
        optimizer.step()
        positions.append(x.item())
    return positions


def optimize_and_plot(lr: float = 0.01, momentum: float = 0.0, n_steps: int = 10) -> None:
    """Run ``n_steps`` of SGD on x⁴ + x³ − 5x² and plot where each step lands on the curve."""
    positions = sgd_trajectory(lr, momentum, n_steps)
    xs = torch.linspace(-3.2, 2.7, 300)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(xs.numpy(), bumpy(xs).numpy(), color="0.6", label="x⁴ + x³ − 5x²")
    shown = [p for p in positions if abs(p) < 3.3]  # a diverging run leaves the plot
    ax.plot(shown, [bumpy(torch.tensor(p)).item() for p in shown], "o-", color="C3",
            markersize=4, label="SGD steps")  # fmt: skip
    ax.axvline(-2, color="C2", linestyle=":", label="global minimum (x = −2)")
    ax.set_xlim(-3.3, 2.8)
    ax.set_ylim(-14, 25)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    final = positions[-1]
    ax.set_title(f"lr = {lr:g}, momentum = {momentum:g}: x = {final:.3f} after {n_steps} steps")
    ax.legend(loc="upper center", fontsize=8)
    fig.tight_layout()
    plt.show()


# --------------------------------------------------------------------------------------------
# Helpers the interactive course provides
# --------------------------------------------------------------------------------------------


def show_results(model: nn.Module, dataloader, n: int = 5) -> None:
    """Print a few ground-truth targets next to the model's predictions for the first batch."""
    model.eval()
    with torch.no_grad():
        features, targets = next(iter(dataloader))
        predictions = model(features)
    print("ground truth  prediction")
    for truth, pred in zip(targets[:n].flatten().tolist(), predictions[:n].flatten().tolist()):
        print(f"{truth:12.3f}  {pred:10.3f}")


def plot_errors(
    images: torch.Tensor,
    labels: torch.Tensor,
    predictions: torch.Tensor,
    class_names: Sequence[str],
    max_images: int = 8,
) -> Figure | None:
    """Show the images whose prediction differs from the label, titled "label → prediction"."""
    wrong = (predictions != labels).nonzero().flatten()[:max_images]
    if len(wrong) == 0:
        print("no errors to show")
        return None
    fig, axes = plt.subplots(1, len(wrong), figsize=(1.6 * len(wrong), 2.0), squeeze=False)
    for ax, index in zip(axes[0], wrong.tolist()):
        ax.imshow(_as_image(images[index]), cmap="gray")
        ax.set_title(
            f"{class_names[labels[index]]}\n→ {class_names[predictions[index]]}", fontsize=8
        )
        ax.axis("off")
    fig.suptitle("Errors: true label → predicted label", fontsize=10)
    fig.tight_layout()
    plt.show()
    return fig


# --------------------------------------------------------------------------------------------
# Images and predictions
# --------------------------------------------------------------------------------------------


def _as_image(image: torch.Tensor):
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
    """Show images in a grid, each titled with its class name when labels are given."""
    n = len(images)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.4 * ncols, 1.5 * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(_as_image(images[i]), cmap="gray")
        if labels is not None:
            label = int(labels[i])
            ax.set_title(class_names[label] if class_names else str(label), fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def view_classify(image: torch.Tensor, probabilities: torch.Tensor, class_names: Sequence[str]):
    """Show an image beside a horizontal bar chart of its predicted class probabilities."""
    probabilities = probabilities.detach().cpu().flatten().numpy()
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.5, 3), width_ratios=(1, 1.4))
    left.imshow(_as_image(image.reshape(-1, *image.shape[-2:])), cmap="gray")
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
    """Plot named curves against a shared step axis; ``marks`` draws labelled vertical lines."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for name, values in curves.items():
        ax.plot(range(start, start + len(values)), list(values), label=name)
    for name, x in (marks or {}).items():
        ax.axvline(x, color="0.4", linestyle="--", linewidth=1)
        ax.annotate(name, (x, 0.98), xycoords=("data", "axes fraction"), fontsize=8,
                    ha="right", va="top", rotation=90)  # fmt: skip
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig


def save_training_curve(losses: Sequence[float], path, title: str = "Training curve") -> None:
    """Write a PNG of training loss against training step (no GUI backend needed)."""
    fig = Figure(figsize=(6, 3.5))
    ax = fig.subplots()
    ax.plot(range(1, len(losses) + 1), list(losses), linewidth=0.8)
    ax.set_xlabel("training step")
    ax.set_ylabel("training loss")
    ax.set_title(title)
    fig.tight_layout()
    write_atomically(Path(path), lambda tmp: fig.savefig(tmp, format="png", dpi=120))
