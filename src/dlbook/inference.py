"""Predictions in eval mode, and Monte Carlo dropout (stochastic passes with dropout
left on)."""

from __future__ import annotations

import torch
from torch import nn


def predict(
    model: nn.Module, inputs: torch.Tensor, batch_size: int = 1000
) -> torch.Tensor:
    """Return the model's outputs for ``inputs`` in eval mode, computed in batches."""
    device = next(model.parameters(), torch.empty(0)).device
    was_training = model.training
    model.eval()
    with torch.no_grad():
        outputs = [model(chunk.to(device)).cpu() for chunk in inputs.split(batch_size)]
    model.train(was_training)
    return torch.cat(outputs)


def enable_mc_dropout(model: nn.Module) -> nn.Module:
    """Put ``model`` in eval mode except its dropout layers, which keep sampling."""
    model.eval()
    for module in model.modules():
        if isinstance(module, nn.modules.dropout._DropoutNd):
            module.train()
    return model


def mc_dropout_predict(
    model: nn.Module, inputs: torch.Tensor, n_samples: int = 100
) -> torch.Tensor:
    """Return ``[n_samples, batch, classes]`` probabilities from stochastic passes with
    dropout on."""
    was_training = model.training
    enable_mc_dropout(model)
    with torch.no_grad():
        samples = [torch.softmax(model(inputs), dim=-1) for _ in range(n_samples)]
    model.train(was_training)
    return torch.stack(samples)
