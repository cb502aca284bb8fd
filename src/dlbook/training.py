"""Training and validation loops: one epoch, per-example evaluation, fit with early
stopping.

Every loop takes a ``device`` the way device-agnostic code does: chosen once
(``get_device()``), the model is moved there and every batch is moved there as it
arrives. Without one, the loops use the device the model's parameters are already on.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from dlbook.checkpoints import cpu_state_dict, save_state_dict


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and PyTorch (CPU and any GPU) so a run repeats exactly."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def get_device() -> torch.device:
    """Return ``cuda`` when a GPU is available, else ``cpu``."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def on_device(
    model: nn.Module, device: str | torch.device | None = None
) -> torch.device:
    """Move ``model`` to ``device`` (a no-op where it already is) and return that
    device.

    Without ``device``, return the device of the model's parameters (the CPU if it has
    none).
    """
    if device is None:
        return next(model.parameters(), torch.empty(0)).device
    device = torch.device(device)
    model.to(device)
    return device


def train_epoch(
    model: nn.Module,
    loader: Iterable,
    criterion: Callable,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    device: str | torch.device | None = None,
) -> list[float]:
    """Run one epoch of training on ``device``; step ``scheduler`` after every batch;
    return the batch losses."""
    device = on_device(model, device)
    model.train()
    losses = []
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        losses.append(loss.item())
    return losses


@dataclass(frozen=True)
class Evaluation:
    """Loss and accuracy averaged over every example (not over batches)."""

    loss: float
    accuracy: float
    n_examples: int


def evaluate(
    model: nn.Module,
    loader: Iterable,
    criterion: Callable,
    device: str | torch.device | None = None,
) -> Evaluation:
    """Return the per-example mean loss and accuracy of ``model`` in eval mode, without
    gradients."""
    device = on_device(model, device)
    was_training = model.training
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for inputs, targets in loader:
            inputs, targets = inputs.to(device), targets.to(device)
            outputs = model(inputs)
            # criterion returns the batch mean, so weight it by the batch size
            total_loss += criterion(outputs, targets).item() * len(targets)
            correct += (outputs.argmax(dim=1) == targets).sum().item()
            count += len(targets)
    model.train(was_training)
    if count == 0:
        raise ValueError("cannot evaluate on an empty loader")
    return Evaluation(total_loss / count, correct / count, count)


class EarlyStopping:
    """Stop when the monitored loss has not improved for ``patience`` epochs; keep the
    best weights.

    Works with any ``nn.Module``. Every improvement keeps a CPU copy of the model's
    ``state_dict`` (``best_state``) and, when ``path`` is given, also saves it there
    atomically as a plain state_dict, so the best weights survive an interrupted run.
    Load them back with ``restore_best(model)``, or from the file with
    ``model.load_state_dict(torch.load(path, weights_only=True))`` into a model of the
    same class.
    """

    def __init__(
        self, patience: int, path: str | Path | None = None, min_delta: float = 0.0
    ) -> None:
        if patience < 1:
            raise ValueError(f"patience must be at least 1, got {patience}")
        self.patience = patience
        self.path = None if path is None else Path(path)
        self.min_delta = min_delta
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.best_state: dict[str, torch.Tensor] | None = None
        self.bad_epochs = 0

    def step(self, value: float, model: nn.Module, epoch: int) -> bool:
        """Record this epoch's ``value``; keep (and save) the weights on improvement;
        return True when to stop."""
        # a NaN loss is never an improvement: it counts as a bad epoch and never becomes
        # the best
        improved = not math.isnan(value) and (
            self.best is None or value < self.best - self.min_delta
        )
        if improved:
            state = cpu_state_dict(model)
            if self.path is not None:
                save_state_dict(state, self.path)
            self.best, self.best_epoch, self.best_state, self.bad_epochs = (
                value,
                epoch,
                state,
                0,
            )
            return False
        self.bad_epochs += 1
        return self.bad_epochs >= self.patience

    def restore_best(self, model: nn.Module) -> nn.Module:
        """Load the best weights seen into ``model`` (of the class that was trained) and
        return it."""
        if self.best_state is None:
            raise ValueError(
                "no epoch has improved yet, so there are no best weights to restore"
            )
        model.load_state_dict(self.best_state)
        return model


@dataclass
class History:
    """Per-epoch training loss, validation loss and validation accuracy."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    stopped_epoch: int | None = None


def fit(
    model: nn.Module,
    train_loader: Iterable,
    val_loader: Iterable,
    criterion: Callable,
    optimizer: torch.optim.Optimizer,
    epochs: int,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    early_stopping: EarlyStopping | None = None,
    log: Callable[[str], None] | None = print,
    device: str | torch.device | None = None,
) -> History:
    """Train on ``device`` for up to ``epochs`` epochs, validating after each; return
    the history."""
    device = on_device(model, device)
    history = History()
    for epoch in range(1, epochs + 1):
        losses = train_epoch(
            model, train_loader, criterion, optimizer, scheduler, device
        )
        result = evaluate(model, val_loader, criterion, device)
        history.train_loss.append(sum(losses) / len(losses))
        history.val_loss.append(result.loss)
        history.val_accuracy.append(result.accuracy)
        if log is not None:
            log(
                f"epoch {epoch:2d}  train loss {history.train_loss[-1]:.4f}  "
                f"val loss {result.loss:.4f}  val accuracy {result.accuracy:.4f}"
            )
        if early_stopping is not None and early_stopping.step(
            result.loss, model, epoch
        ):
            history.stopped_epoch = epoch
            if log is not None:
                log(
                    f"stopped early after epoch {epoch}: no improvement for "
                    f"{early_stopping.patience} epochs (best epoch "
                    f"{early_stopping.best_epoch})"
                )
            break
    return history
