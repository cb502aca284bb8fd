"""The final exercise's ``model.py``: a CNN for corrupted MNIST, and how it reads a whole file.

The network learns the digits in the training files' common orientation (``data.straighten_files``).
A new file comes with its own unknown turn and no labels; ``file_turn`` finds the turn that brings
it into that orientation, as the one under which the network is most sure of its answers, and
``classify_file`` classifies the file turned by it.
"""

from __future__ import annotations

import torch
from torch import nn

from dlbook.final_exercise.data import turn_images
from dlbook.inference import predict

SCAN_LIMIT = 100.0  # degrees either way: two files turned by up to 50° each differ by up to 100°


class CorruptMNISTNet(nn.Module):
    """The final exercise's CNN: three conv blocks with batch norm, then one linear layer.

    Each convolution is 3x3, followed by batch norm and ReLU. The first block has one, the other two
    have two each; the first two blocks end in 2x2 max-pooling (28 -> 14 -> 7), and the last keeps
    its 7x7 map, so the linear layer still sees where each stroke is.
    """

    def __init__(self, channels: tuple[int, int, int] = (8, 32, 64)):
        super().__init__()
        self.config = {"channels": list(channels)}
        c1, c2, c3 = channels
        self.features = nn.Sequential(
            self._block(1, c1, convs=1),
            self._block(c1, c2, convs=2),
            self._block(c2, c3, convs=2, pool=False),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(c3 * 49, 10))

    @staticmethod
    def _block(c_in: int, c_out: int, convs: int, pool: bool = True) -> nn.Sequential:
        """Return ``convs`` times conv 3x3, batch norm and ReLU, then (with ``pool``) 2x2 max-pooling."""
        layers = []
        for i in range(convs):
            layers += [
                nn.Conv2d(c_in if i == 0 else c_out, c_out, 3, padding=1, bias=False),
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


def file_confidence(model: nn.Module, images: torch.Tensor, angle: float) -> float:
    """Return the mean log-probability of the model's answers for ``images`` turned by ``angle``."""
    logits = predict(model, turn_images(images, angle).reshape(-1, 1, 28, 28))
    return logits.log_softmax(dim=1).max(dim=1).values.mean().item()


def file_turn(model: nn.Module, images: torch.Tensor) -> float:
    """Return the turn in degrees that brings a file of ``images``, all turned alike, into the
    orientation the model was trained in: the one under which the model is most confident.

    Every 5° within ±100° is tried on the first 500 images, then every degree around the best on
    the first 2,000."""
    coarse = torch.arange(-SCAN_LIMIT, SCAN_LIMIT + 1, 5.0).tolist()
    best = max(coarse, key=lambda angle: file_confidence(model, images[:500], angle))
    fine = [best + step for step in range(-4, 5)]
    return max(fine, key=lambda angle: file_confidence(model, images[:2000], angle))


def classify_file(model: nn.Module, images: torch.Tensor) -> tuple[torch.Tensor, float]:
    """Return the predicted digits for a file of ``images`` all turned alike, and the turn used."""
    turn = file_turn(model, images)
    logits = predict(model, turn_images(images, turn).reshape(-1, 1, 28, 28))
    return logits.argmax(dim=1), turn
