"""The networks chapters reuse: a fully connected classifier, a small CNN, a Reshape
layer.

Each network stores the keyword arguments it was built with in ``self.config``, so a
checkpoint (``dlbook.checkpoints``) can rebuild it.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from dlbook.data.datasets import DatasetSpec


class Reshape(nn.Module):
    """Reshape every example to ``shape``, leaving the batch dimension alone (one ``-1``
    allowed)."""

    def __init__(self, *shape: int) -> None:
        super().__init__()
        if not shape:
            raise ValueError(
                "Reshape needs at least one target dimension, e.g. Reshape(784)"
            )
        if any(not isinstance(s, int) or isinstance(s, bool) for s in shape):
            raise TypeError(f"Reshape takes whole numbers, got {shape}")
        if any(s == 0 or s < -1 for s in shape) or shape.count(-1) > 1:
            raise ValueError(
                f"Reshape{shape}: sizes must be positive, with at most one -1"
            )
        self.shape = tuple(shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return ``x`` viewed as ``(batch, *shape)``."""
        per_example = math.prod(x.shape[1:])
        known = math.prod(s for s in self.shape if s != -1)
        fits = per_example % known == 0 if -1 in self.shape else per_example == known
        if not fits:
            target = ", ".join(map(str, self.shape))
            raise ValueError(
                f"Reshape({target}) cannot take an input of shape {tuple(x.shape)}: "
                "each example "
                f"has {per_example} values, but ({target}) "
                + (
                    f"needs a multiple of {known}"
                    if -1 in self.shape
                    else f"holds {known}"
                )
            )
        return x.reshape(x.shape[0], *self.shape)

    def extra_repr(self) -> str:
        """Show the target shape in ``repr``: ``Reshape(2, 3)``."""
        return ", ".join(map(str, self.shape))


def calculate_capacity(model: nn.Module) -> int:
    """Return the number of parameters in ``model`` (its capacity)."""
    return sum(p.numel() for p in model.parameters())


class FCNetwork(nn.Module):
    """A fully connected classifier with any hidden sizes, ReLU, dropout and
    log-probabilities."""

    def __init__(
        self,
        input_size: int,
        output_size: int,
        hidden_layers: list[int],
        drop_p: float = 0.5,
    ) -> None:
        super().__init__()
        self.config = {
            "input_size": input_size,
            "output_size": output_size,
            "hidden_layers": list(hidden_layers),
            "drop_p": drop_p,
        }
        sizes = [input_size, *hidden_layers]
        self.hidden_layers = nn.ModuleList(
            nn.Linear(a, b) for a, b in zip(sizes, sizes[1:])
        )
        self.output = nn.Linear(sizes[-1], output_size)
        self.dropout = nn.Dropout(p=drop_p)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return log-probabilities ``[batch, output_size]`` for a batch of inputs."""
        x = x.flatten(1)
        for layer in self.hidden_layers:
            x = self.dropout(torch.relu(layer(x)))
        return torch.log_softmax(self.output(x), dim=1)


def mlp_for(
    spec: DatasetSpec, hidden_layers: tuple[int, ...] = (256, 128), drop_p: float = 0.2
):
    """Return an :class:`FCNetwork` sized for a dataset's input shape and number of
    classes."""
    return FCNetwork(spec.n_inputs, len(spec.classes), list(hidden_layers), drop_p)


class SmallCNN(nn.Module):
    """Two convolution blocks (the feature extractor) and a linear head, for 28x28 grey
    images."""

    def __init__(
        self, n_classes: int = 10, channels: tuple[int, int] = (16, 32)
    ) -> None:
        super().__init__()
        self.config = {"n_classes": n_classes, "channels": list(channels)}
        c1, c2 = channels
        self.features = nn.Sequential(
            nn.Conv2d(1, c1, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(c1, c2, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
        )
        self.head = nn.Linear(c2 * 7 * 7, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return class scores (logits) ``[batch, n_classes]``."""
        return self.head(self.features(x))
