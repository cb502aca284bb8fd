"""The final exercise's network: a small CNN that reads digits turned by up to ±50°.

``MyAwesomeModel`` (the course's name) is three blocks of 3x3 convolutions with batch
norm and ReLU, then one linear layer. It learns rotation from its training batches, each
digit turned at random (``data.augment``). In eval mode it also averages its answer over
the digit turned by ``TEST_TURNS`` degrees, so every image is still classified on its
own, with no other image's help. ``load_model`` reads a checkpoint (a ``state_dict``)
after checking that it fits the network.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

if __package__:  # imported from a package (python -m dlbook.final_exercise.main)
    from .data import DataError, load_tensors, rotate
else:  # run as a script from its folder, as the course does
    from data import DataError, load_tensors, rotate

MAX_CHECKPOINT_BYTES = 16 * 2**20  # the network's weights take under 1 MB
# degrees; in eval mode the answer averages the digit turned by each of these
TEST_TURNS = (-30.0, -20.0, -10.0, 0.0, 10.0, 20.0, 30.0)


def conv_block(c_in: int, c_out: int, convs: int) -> list[nn.Module]:
    """Return ``convs`` times a 3x3 convolution (size kept), batch norm and ReLU."""
    layers: list[nn.Module] = []
    for i in range(convs):
        layers += [
            nn.Conv2d(c_in if i == 0 else c_out, c_out, 3, padding=1, bias=False),
            nn.BatchNorm2d(c_out),
            nn.ReLU(),
        ]
    return layers


class MyAwesomeModel(nn.Module):
    """Conv 8, pool, conv 32 twice, pool, conv 64 twice, linear: digit to 10 logits."""

    def __init__(self) -> None:
        super().__init__()
        # the readings eval mode averages: an attribute, not a weight (not saved)
        self.test_turns = TEST_TURNS
        self.features = nn.Sequential(
            *conv_block(1, 8, convs=1),
            nn.MaxPool2d(2),  # 28 -> 14
            *conv_block(8, 32, convs=2),
            nn.MaxPool2d(2),  # 14 -> 7
            # the 7x7 map is kept: where each stroke is matters
            *conv_block(32, 64, convs=2),
        )
        self.classifier = nn.Linear(64 * 7 * 7, 10)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Return the logits ``[N, 10]`` of images ``[N, 1, 28, 28]``, unturned."""
        return self.classifier(self.features(x).flatten(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return ``[N, 10]`` scores for images ``[N, 1, 28, 28]`` (or ``[N, 28, 28]``):
        logits in training mode; in eval mode the log of the class probabilities
        averaged over the image turned by each of ``self.test_turns`` degrees (its
        argmax is the prediction)."""
        if x.ndim == 3:
            x = x.unsqueeze(1)
        if x.ndim != 4 or tuple(x.shape[1:]) != (1, 28, 28):
            raise ValueError(f"expected images [N, 1, 28, 28], got {list(x.shape)}")
        if self.training:
            return self.logits(x)
        probabilities = [
            self.logits(rotate(x, torch.full((len(x),), turn))).softmax(dim=1)
            for turn in self.test_turns
        ]
        return torch.stack(probabilities).mean(dim=0).log()


def load_model(checkpoint: Path) -> MyAwesomeModel:
    """Return the network holding a checkpoint's weights (a ``state_dict`` saved by
    ``train`` or the course's way); ``DataError`` in one line when the file does not fit
    the network."""
    state = load_tensors(checkpoint, MAX_CHECKPOINT_BYTES)
    model = MyAwesomeModel()
    expected = model.state_dict()
    if not isinstance(state, dict) or set(state) != set(expected):
        raise DataError(
            f"{checkpoint} is not a state_dict of this exercise's MyAwesomeModel"
        )
    for name, value in state.items():
        tensor = expected[name]
        if (
            not isinstance(value, torch.Tensor)
            or value.layout != torch.strided
            or value.is_meta
        ):
            raise DataError(f"{checkpoint}: {name} is not a dense tensor")
        if value.shape != tensor.shape or value.dtype != tensor.dtype:
            raise DataError(
                f"{checkpoint}: {name} is {value.dtype} {list(value.shape)}, the "
                f"network needs {tensor.dtype} {list(tensor.shape)}"
            )
        if value.is_floating_point() and not torch.isfinite(value).all():
            raise DataError(f"{checkpoint}: {name} holds NaN or infinite values")
    model.load_state_dict(state)
    return model.eval()


if __name__ == "__main__":
    model = MyAwesomeModel()
    print(model)
    print(f"{sum(p.numel() for p in model.parameters()):,} parameters")
    print(f"output shape: {list(model.eval()(torch.zeros(2, 1, 28, 28)).shape)}")
