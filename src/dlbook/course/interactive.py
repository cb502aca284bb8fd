"""Stand-ins for the helpers the interactive course hands the learner (Part I), same
names.

``optimize_and_plot`` runs SGD on x⁴ + x³ − 5x² (the learning-rate and momentum
experiments); ``show_results`` prints targets beside predictions.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from torch import nn

START_X = 2.5


def bumpy(x: torch.Tensor) -> torch.Tensor:
    """Return x⁴ + x³ − 5x²: a local minimum at x = 1.25 and the global one at x = −2."""
    return x**4 + x**3 - 5 * x**2


def sgd_trajectory(
    lr: float, momentum: float = 0.0, n_steps: int = 10, start: float = START_X
) -> list[float]:
    """Return the positions SGD visits minimising :func:`bumpy` from ``start`` (start
    included)."""
    x = torch.tensor(start, requires_grad=True)
    optimizer = torch.optim.SGD([x], lr=lr, momentum=momentum)
    positions = [x.item()]
    for _ in range(n_steps):
        optimizer.zero_grad()
        bumpy(x).backward()
        optimizer.step()
        positions.append(x.item())
    return positions


def optimize_and_plot(
    lr: float = 0.01, momentum: float = 0.0, n_steps: int = 10
) -> None:
    """Run ``n_steps`` of SGD on x⁴ + x³ − 5x² and plot where each step lands on the
    curve."""
    positions = sgd_trajectory(lr, momentum, n_steps)
    xs = torch.linspace(-3.2, 2.7, 300)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(xs.numpy(), bumpy(xs).numpy(), color="0.6", label="x⁴ + x³ − 5x²")
    shown = [p for p in positions if abs(p) < 3.3]  # a diverging run leaves the plot
    ax.plot(
        shown,
        [bumpy(torch.tensor(p)).item() for p in shown],
        "o-",
        color="C3",
        markersize=4,
        label="SGD steps",
    )
    ax.axvline(-2, color="C2", linestyle=":", label="global minimum (x = −2)")
    ax.set_xlim(-3.3, 2.8)
    ax.set_ylim(-14, 25)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    final = positions[-1]
    ax.set_title(
        f"lr = {lr:g}, momentum = {momentum:g}: x = {final:.3f} after {n_steps} steps"
    )
    ax.legend(loc="upper center", fontsize=8)
    fig.tight_layout()
    plt.show()


def show_results(model: nn.Module, dataloader, n: int = 5) -> None:
    """Print a few ground-truth targets next to the model's predictions for the first
    batch."""
    was_training = model.training
    model.eval()
    with torch.no_grad():
        features, targets = next(iter(dataloader))
        predictions = model(features)
    model.train(was_training)  # leave the model in the mode it came in
    print("ground truth  prediction")
    for truth, pred in zip(
        targets[:n].flatten().tolist(), predictions[:n].flatten().tolist()
    ):
        print(f"{truth:12.3f}  {pred:10.3f}")
