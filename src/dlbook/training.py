"""Training and validation loops: one epoch, per-example evaluation, fit with early stopping."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from dlbook.checkpoints import save_checkpoint


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


def train_epoch(
    model: nn.Module,
    loader: Iterable,
    criterion: Callable,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
) -> list[float]:
    """Run one epoch of training; step ``scheduler`` after every batch; return the batch losses."""
    device = next(model.parameters(), torch.empty(0)).device
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


def evaluate(model: nn.Module, loader: Iterable, criterion: Callable) -> Evaluation:
    """Return the per-example mean loss and accuracy of ``model`` in eval mode, without gradients."""
    device = next(model.parameters(), torch.empty(0)).device
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
    """Stop when the monitored loss has not improved for ``patience`` epochs; keep the best model.

    Every improvement saves a checkpoint atomically to ``path`` (``save_checkpoint``), so the best
    model survives even if training is interrupted.
    """

    def __init__(self, patience: int, path: str | Path, min_delta: float = 0.0) -> None:
        if patience < 1:
            raise ValueError(f"patience must be at least 1, got {patience}")
        self.patience = patience
        self.path = Path(path)
        self.min_delta = min_delta
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.bad_epochs = 0

    def step(self, value: float, model: nn.Module, epoch: int) -> bool:
        """Record this epoch's ``value``; checkpoint on improvement; return True when to stop."""
        # a NaN loss is never an improvement: it counts as a bad epoch and never becomes the best
        improved = not math.isnan(value) and (
            self.best is None or value < self.best - self.min_delta
        )
        if improved:
            self.best, self.best_epoch, self.bad_epochs = value, epoch, 0
            save_checkpoint(model, self.path, epoch=epoch, val_loss=value)
            return False
        self.bad_epochs += 1
        return self.bad_epochs >= self.patience


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
) -> History:
    """Train for up to ``epochs`` epochs, validating after each; return the history."""
    history = History()
    for epoch in range(1, epochs + 1):
        losses = train_epoch(model, train_loader, criterion, optimizer, scheduler)
        result = evaluate(model, val_loader, criterion)
        history.train_loss.append(sum(losses) / len(losses))
        history.val_loss.append(result.loss)
        history.val_accuracy.append(result.accuracy)
        if log is not None:
            log(
                f"epoch {epoch:2d}  train loss {history.train_loss[-1]:.4f}  "
                f"val loss {result.loss:.4f}  val accuracy {result.accuracy:.4f}"
            )
        if early_stopping is not None and early_stopping.step(result.loss, model, epoch):
            history.stopped_epoch = epoch
            if log is not None:
                log(
                    f"stopped early after epoch {epoch}: no improvement for "
                    f"{early_stopping.patience} epochs (best epoch {early_stopping.best_epoch})"
                )
            break
    return history
