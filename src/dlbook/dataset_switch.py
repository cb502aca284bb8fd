"""The dataset switch: one name picks the data, the normalisation and the model's input
size."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.data import DataLoader

from dlbook.data.datasets import DatasetSpec, dataset_spec, load_tensors
from dlbook.models import mlp_for
from dlbook.training import History, fit, get_device, seed_everything


@dataclass
class DatasetRun:
    """What :func:`train_on_dataset` returns: the dataset's spec, the trained model, its
    history."""

    spec: DatasetSpec
    model: nn.Module
    history: History
    test_accuracy: float


def train_on_dataset(
    dataset: str,
    epochs: int = 3,
    limit: int | None = 20_000,
    seed: int = 0,
    batch_size: int = 128,
    lr: float = 1e-3,
    log: Callable[[str], None] | None = None,
) -> DatasetRun:
    """Train an MLP sized for ``dataset`` (``mnist``, ``fashionmnist`` or ``cifar``);
    test it.

    ``dataset_spec`` supplies the input shape, classes and normalisation,
    ``load_tensors`` the normalised images (the first ``limit`` training images, the
    whole test split) and ``mlp_for`` a network with one input per pixel value. The test
    split is evaluated after every epoch.
    """
    spec = dataset_spec(dataset)  # an unknown name fails here, before any data is read
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    train_set = load_tensors(dataset, train=True, limit=limit)
    test_set = load_tensors(dataset, train=False)
    seed_everything(seed)
    model = mlp_for(spec).to(get_device())
    shuffle = torch.Generator().manual_seed(seed)
    train_loader = DataLoader(
        train_set, batch_size=batch_size, shuffle=True, generator=shuffle
    )
    test_loader = DataLoader(test_set, batch_size=1000)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = fit(
        model, train_loader, test_loader, nn.NLLLoss(), optimizer, epochs, log=log
    )
    return DatasetRun(spec, model, history, history.val_accuracy[-1])
