"""The final exercise's ``model.py``: a CNN for corrupted MNIST."""

from __future__ import annotations

import torch
from torch import nn


class CorruptMNISTNet(nn.Module):
    """The final exercise's CNN: three conv blocks with batch norm, then dropout and one linear layer.

    Each block is a 3x3 convolution, batch norm and ReLU; the first two end in 2x2 max-pooling
    (28 -> 14 -> 7). The last keeps its 7x7 map, so the linear layer still sees where each
    stroke is.
    """

    def __init__(self, channels: tuple[int, int, int] = (16, 32, 64), dropout: float = 0.1):
        super().__init__()
        self.config = {"channels": list(channels), "dropout": dropout}
        c1, c2, c3 = channels
        self.features = nn.Sequential(
            self._block(1, c1), self._block(c1, c2), self._block(c2, c3, pool=False)
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(dropout), nn.Linear(c3 * 49, 10))

    @staticmethod
    def _block(c_in: int, c_out: int, pool: bool = True) -> nn.Sequential:
        """Return conv 3x3, batch norm, ReLU and (with ``pool``) 2x2 max-pooling."""
        layers = [
            nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
            nn.BatchNorm2d(c_out),
            nn.ReLU(),
        ]
        return nn.Sequential(*layers, *([nn.MaxPool2d(2)] if pool else []))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return logits ``[batch, 10]`` for images ``[batch, 28, 28]`` or ``[batch, 1, 28, 28]``."""
        if x.ndim == 3:
            x = x.unsqueeze(1)
        if x.ndim != 4 or x.shape[1:] != (1, 28, 28):
            raise ValueError(f"expected images of shape [batch, 1, 28, 28], got {tuple(x.shape)}")
        return self.classifier(self.features(x))

    @classmethod
    def from_state_dict(cls, state: dict[str, torch.Tensor]) -> CorruptMNISTNet:
        """Return the network holding the weights of a plain ``state_dict`` (the course's way of
        saving); ``ValueError`` says why when they do not fit this architecture."""
        try:  # the channel counts can be read off the three convolutions
            channels = tuple(state[f"features.{i}.0.weight"].shape[0] for i in range(3))
        except (KeyError, AttributeError, IndexError):
            channels = None
        model = cls(channels) if channels else cls()
        expected = model.state_dict()
        missing = [k for k in expected if k not in state]
        unexpected = [k for k in state if k not in expected]
        if missing or unexpected:
            raise ValueError(
                f"{len(missing)} of its layers missing (e.g. {(missing or ['-'])[0]}), "
                f"{len(unexpected)} unknown (e.g. {(unexpected or ['-'])[0]})"
            )
        for key, value in expected.items():
            if getattr(state[key], "shape", None) != value.shape:
                shape = list(getattr(state[key], "shape", []))
                raise ValueError(f"{key} has shape {shape}, the network needs {list(value.shape)}")
        model.load_state_dict(state)
        return model
