"""Stand-ins for the intro-to-PyTorch notebooks' ``helper`` module: the same four
functions, with the same names and arguments (``test_network``, ``imshow``,
``view_recon``, ``view_classify``)."""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from dlbook.data.datasets import DIGITS, FASHION_CLASSES
from dlbook.plots import as_image

VERSIONS = {"MNIST": DIGITS, "Fashion": FASHION_CLASSES}
IMAGENET_MEAN = (0.485, 0.456, 0.406)  # what ``imshow(normalize=True)`` undoes
IMAGENET_STD = (0.229, 0.224, 0.225)


def test_network(net: nn.Module, trainloader: Iterable) -> bool:
    """Take one training step that asks ``net`` to reproduce its input batch; return
    True.

    A smoke test: it fails loudly (shape errors, missing gradients) when the network
    cannot be trained on batches of this loader. Like the course's helper, it fits the
    outputs to the images with a mean squared error, so the network's output must have
    the images' shape.
    """
    images, _ = next(iter(trainloader))
    optimizer = torch.optim.Adam(net.parameters(), lr=0.001)
    optimizer.zero_grad()
    outputs = net(images)
    if outputs.shape != images.shape:
        raise ValueError(
            "test_network fits the outputs to the input images, so they need the "
            "images' shape "
            f"{tuple(images.shape)}; the network returned {tuple(outputs.shape)}"
        )
    loss = nn.functional.mse_loss(outputs, images)
    loss.backward()
    optimizer.step()
    return True


def imshow(
    image: torch.Tensor, ax=None, title: str | None = None, normalize: bool = True
):
    """Show a ``[C, H, W]`` image tensor on ``ax`` (a new one by default) without frame
    or ticks.

    With ``normalize=True`` it first undoes the ImageNet normalisation (mean and
    standard deviation per colour channel, as in the transfer-learning notebook) and
    clips to [0, 1]; a one-channel image is shown in grey. Returns the axes.
    """
    if ax is None:
        _, ax = plt.subplots()
    # [H, W, C] for matplotlib
    picture = image.detach().cpu().numpy().transpose((1, 2, 0))
    if normalize:
        picture = np.clip(
            np.array(IMAGENET_STD) * picture + np.array(IMAGENET_MEAN), 0, 1
        )
    if picture.shape[2] == 1:
        ax.imshow(picture[:, :, 0], cmap="gray")
    else:
        ax.imshow(picture)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.tick_params(axis="both", length=0)
    ax.set_xticklabels([])
    ax.set_yticklabels([])
    if title is not None:
        ax.set_title(title)
    return ax


def view_recon(img: torch.Tensor, recon: torch.Tensor):
    """Show an image beside its reconstruction (both tensors of the same size); return
    the figure."""
    fig, axes = plt.subplots(ncols=2, sharex=True, sharey=True)
    for ax, picture, name in zip(axes, (img, recon), ("image", "reconstruction")):
        ax.imshow(picture.detach().cpu().numpy().squeeze(), cmap="gray")
        ax.axis("off")
        ax.set_title(name)
    return fig


def view_classify(img: torch.Tensor, ps: torch.Tensor, version: str = "MNIST"):
    """Show an image beside a bar chart of its class probabilities (``version``: MNIST
    or Fashion)."""
    if version not in VERSIONS:
        raise ValueError(f"version must be one of {sorted(VERSIONS)}, got {version!r}")
    class_names = VERSIONS[version]
    probabilities = ps.detach().cpu().flatten().numpy()
    if len(probabilities) != len(class_names):
        raise ValueError(
            f"expected {len(class_names)} probabilities, got {len(probabilities)}"
        )
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
