"""The networks chapters reuse, and checkpoints that carry their own architecture.

This module is the final exercise's ``model.py``: :class:`CorruptMNISTNet` is its model.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import torch
from torch import nn

from dlbook.data import DatasetSpec, save_torch_atomically


class Reshape(nn.Module):
    """Reshape every example to ``shape``, leaving the batch dimension alone (one ``-1`` allowed)."""

    def __init__(self, *shape: int) -> None:
        super().__init__()
        if not shape:
            raise ValueError("Reshape needs at least one target dimension, e.g. Reshape(784)")
        if any(not isinstance(s, int) or isinstance(s, bool) for s in shape):
            raise TypeError(f"Reshape takes whole numbers, got {shape}")
        if any(s == 0 or s < -1 for s in shape) or shape.count(-1) > 1:
            raise ValueError(f"Reshape{shape}: sizes must be positive, with at most one -1")
        self.shape = tuple(shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return ``x`` viewed as ``(batch, *shape)``."""
        per_example = math.prod(x.shape[1:])
        known = math.prod(s for s in self.shape if s != -1)
        fits = per_example % known == 0 if -1 in self.shape else per_example == known
        if not fits:
            target = ", ".join(map(str, self.shape))
            raise ValueError(
                f"Reshape({target}) cannot take an input of shape {tuple(x.shape)}: each example "
                f"has {per_example} values, but ({target}) "
                + (f"needs a multiple of {known}" if -1 in self.shape else f"holds {known}")
            )
        return x.reshape(x.shape[0], *self.shape)

    def extra_repr(self) -> str:
        """Show the target shape in ``repr``: ``Reshape(2, 3)``."""
        return ", ".join(map(str, self.shape))


def calculate_capacity(model: nn.Module) -> int:
    """Return the number of parameters in ``model`` (its capacity)."""
    return sum(p.numel() for p in model.parameters())


# --------------------------------------------------------------------------------------------
# Networks reused across chapters. Each stores the keyword arguments it was built with in
# ``self.config`` so a checkpoint can rebuild it.
# --------------------------------------------------------------------------------------------


class FCNetwork(nn.Module):
    """A fully connected classifier with any hidden sizes, ReLU, dropout and log-probabilities."""

    def __init__(
        self, input_size: int, output_size: int, hidden_layers: list[int], drop_p: float = 0.5
    ) -> None:
        super().__init__()
        self.config = {
            "input_size": input_size,
            "output_size": output_size,
            "hidden_layers": list(hidden_layers),
            "drop_p": drop_p,
        }
        sizes = [input_size, *hidden_layers]
        self.hidden_layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
        self.output = nn.Linear(sizes[-1], output_size)
        self.dropout = nn.Dropout(p=drop_p)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return log-probabilities ``[batch, output_size]`` for a batch of inputs."""
        x = x.flatten(1)
        for layer in self.hidden_layers:
            x = self.dropout(torch.relu(layer(x)))
        return torch.log_softmax(self.output(x), dim=1)


def mlp_for(spec: DatasetSpec, hidden_layers: tuple[int, ...] = (256, 128), drop_p: float = 0.2):
    """Return an :class:`FCNetwork` sized for a dataset's input shape and number of classes."""
    return FCNetwork(spec.n_inputs, len(spec.classes), list(hidden_layers), drop_p)


class SmallCNN(nn.Module):
    """Two convolution blocks (the feature extractor) and a linear head, for 28x28 grey images."""

    def __init__(self, n_classes: int = 10, channels: tuple[int, int] = (16, 32)) -> None:
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


class CorruptMNISTNet(nn.Module):
    """The final exercise's CNN: three conv blocks with batch norm, then dropout and one linear layer.

    Each block is a 3x3 convolution, batch norm, ReLU and 2x2 max-pooling (28 -> 14 -> 7 -> 3).
    """

    def __init__(self, channels: tuple[int, int, int] = (24, 48, 96), dropout: float = 0.3):
        super().__init__()
        self.config = {"channels": list(channels), "dropout": dropout}
        c1, c2, c3 = channels
        self.features = nn.Sequential(self._block(1, c1), self._block(c1, c2), self._block(c2, c3))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(dropout), nn.Linear(c3 * 9, 10))

    @staticmethod
    def _block(c_in: int, c_out: int) -> nn.Sequential:
        """Return conv 3x3, batch norm, ReLU, then 2x2 max-pooling."""
        return nn.Sequential(
            nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
            nn.BatchNorm2d(c_out),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return logits ``[batch, 10]`` for images ``[batch, 28, 28]`` or ``[batch, 1, 28, 28]``."""
        if x.ndim == 3:
            x = x.unsqueeze(1)
        if x.ndim != 4 or x.shape[1:] != (1, 28, 28):
            raise ValueError(f"expected images of shape [batch, 1, 28, 28], got {tuple(x.shape)}")
        return self.classifier(self.features(x))


class ReferenceCNN(nn.Module):
    """The course's reference design: conv 32/64/128 each with 2x2 max-pooling, dropout, linear."""

    def __init__(self, dropout: float = 0.5) -> None:
        super().__init__()
        self.config = {"dropout": dropout}
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3),  # 28 -> 26
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> 13
            nn.Conv2d(32, 64, 3),  # -> 11
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> 5
            nn.Conv2d(64, 128, 3),  # -> 3
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> 1
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(dropout), nn.Linear(128, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return logits ``[batch, 10]`` for images ``[batch, 28, 28]`` or ``[batch, 1, 28, 28]``."""
        if x.ndim == 3:
            x = x.unsqueeze(1)
        return self.classifier(self.features(x))


ARCHITECTURES: dict[str, type[nn.Module]] = {
    cls.__name__: cls for cls in (FCNetwork, SmallCNN, CorruptMNISTNet, ReferenceCNN)
}


# --------------------------------------------------------------------------------------------
# Checkpoints
# --------------------------------------------------------------------------------------------

CHECKPOINT_FORMAT = "dlbook-checkpoint-1"


class CheckpointError(RuntimeError):
    """A checkpoint is missing, unreadable, foreign or does not fit the model."""


def save_checkpoint(model: nn.Module, path: str | Path, **extra: Any) -> Path:
    """Save a model's architecture, configuration, weights and ``extra`` atomically to ``path``."""
    name = type(model).__name__
    if name not in ARCHITECTURES or not hasattr(model, "config"):
        raise CheckpointError(
            f"{name} is not a registered architecture; choose one of {sorted(ARCHITECTURES)}"
        )
    payload = {
        "format": CHECKPOINT_FORMAT,
        "architecture": name,
        "config": model.config,
        "state_dict": model.state_dict(),
        "extra": extra,
    }
    path = Path(path)
    save_torch_atomically(payload, path)
    return path


def read_checkpoint(path: str | Path) -> dict[str, Any]:
    """Return a checkpoint's contents, loaded with ``weights_only=True``, after checking its form."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - garbage input fails in many ways (KeyError too)
        text = str(exc).strip()
        reason = text.splitlines()[0].split(". ")[0].rstrip(".") if text else type(exc).__name__
        raise CheckpointError(f"{path} is not a readable checkpoint ({reason})") from exc
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(
            f"{path} is not a dlbook checkpoint (no '{CHECKPOINT_FORMAT}' marker); it may be a "
            "bare state_dict or another program's file"
        )
    if payload.get("architecture") not in ARCHITECTURES:
        raise CheckpointError(
            f"{path} holds an unknown architecture {payload.get('architecture')!r}; "
            f"known: {sorted(ARCHITECTURES)}"
        )
    return payload


def load_checkpoint(path: str | Path, expect: type[nn.Module] | None = None) -> nn.Module:
    """Rebuild the model a checkpoint describes and load its weights (optionally of type ``expect``)."""
    payload = read_checkpoint(path)
    cls = ARCHITECTURES[payload["architecture"]]
    if expect is not None and cls is not expect:
        raise CheckpointError(
            f"{path} holds a {cls.__name__}, not the {expect.__name__} this command needs"
        )
    try:
        model = cls(**payload["config"])
        model.load_state_dict(payload["state_dict"])
    except (TypeError, RuntimeError) as exc:
        first = str(exc).strip().splitlines()[0]
        raise CheckpointError(f"{path} does not fit {cls.__name__}: {first[:160]}") from exc
    return model
