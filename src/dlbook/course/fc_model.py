"""Stand-ins for the intro-to-PyTorch notebooks' ``fc_model`` module: Network,
validation, train."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn

from dlbook.models import FCNetwork

# the same constructor, Network(input_size, output_size, hidden_layers, drop_p=0.5), and
# the same layer names (hidden_layers, output, dropout); the book's checkpoints know it
# as FCNetwork
Network = FCNetwork


def validation(
    model: nn.Module, testloader: Iterable, criterion: Callable
) -> tuple[float, float]:
    """Return the loss and the accuracy summed over batches; divide both by
    ``len(testloader)``."""
    test_loss, accuracy = 0.0, 0.0
    for images, labels in testloader:
        log_ps = model(images.reshape(len(images), -1))
        test_loss += criterion(log_ps, labels).item()
        accuracy += (log_ps.argmax(dim=1) == labels).float().mean().item()
    return test_loss, accuracy


def train(
    model: nn.Module,
    trainloader: Iterable,
    testloader: Iterable,
    criterion: Callable,
    optimizer: torch.optim.Optimizer,
    epochs: int = 5,
    print_every: int = 40,
) -> None:
    """Train for ``epochs``; every ``print_every`` steps print the training and test
    metrics."""
    steps, running_loss = 0, 0.0
    for epoch in range(1, epochs + 1):
        model.train()
        for images, labels in trainloader:
            steps += 1
            optimizer.zero_grad()
            loss = criterion(model(images.reshape(len(images), -1)), labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if steps % print_every == 0:
                model.eval()
                with torch.no_grad():
                    test_loss, accuracy = validation(model, testloader, criterion)
                print(
                    f"Epoch: {epoch}/{epochs}  Training Loss: "
                    f"{running_loss / print_every:.3f}  "
                    f"Test Loss: {test_loss / len(testloader):.3f}  "
                    f"Test Accuracy: {accuracy / len(testloader):.3f}"
                )
                running_loss = 0.0
                model.train()
