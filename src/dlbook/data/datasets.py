"""torchvision loaders rooted at ``data/``, dataset specs, and datasets as normalised
tensors."""

from __future__ import annotations

import math
import socket
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import TensorDataset

from dlbook.data import DataError
from dlbook.data.raw import FASHION_MNIST, MNIST, ensure_raw
from dlbook.files import data_dir


@dataclass(frozen=True)
class DatasetSpec:
    """What a model needs to know about a dataset: input shape, classes and
    normalisation."""

    name: str
    title: str
    input_shape: tuple[int, int, int]
    classes: tuple[str, ...]
    mean: tuple[float, ...]
    std: tuple[float, ...]

    @property
    def n_inputs(self) -> int:
        """Return the number of values in one flattened input image."""
        return math.prod(self.input_shape)


DIGITS = tuple(str(d) for d in range(10))
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
CIFAR_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)

DATASET_SPECS = {
    "mnist": DatasetSpec("mnist", "MNIST", (1, 28, 28), DIGITS, (0.5,), (0.5,)),
    "fashionmnist": DatasetSpec(
        "fashionmnist", "Fashion-MNIST", (1, 28, 28), FASHION_CLASSES, (0.5,), (0.5,)
    ),
    "cifar": DatasetSpec(
        "cifar", "CIFAR-10", (3, 32, 32), CIFAR_CLASSES, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5)
    ),
}


def dataset_spec(name: str) -> DatasetSpec:
    """Return the spec of a dataset by name; unknown names raise a ValueError listing
    valid ones."""
    try:
        return DATASET_SPECS[name]
    except KeyError:
        valid = ", ".join(repr(k) for k in DATASET_SPECS)
        raise ValueError(f"unknown dataset {name!r}; choose one of {valid}") from None


def mnist(train: bool = True, transform: Callable | None = None):
    """Return torchvision's MNIST rooted at ``data/`` after verifying its files."""
    from torchvision import datasets

    return datasets.MNIST(ensure_raw(MNIST), train=train, transform=transform, download=True)


def fashion_mnist(train: bool = True, transform: Callable | None = None):
    """Return torchvision's Fashion-MNIST rooted at ``data/`` after verifying its files.
    """
    from torchvision import datasets

    root = ensure_raw(FASHION_MNIST)
    return datasets.FashionMNIST(root, train=train, transform=transform, download=True)


def cifar10(train: bool = True, transform: Callable | None = None):
    """Return torchvision's CIFAR-10 rooted at ``data/``; offline, raise a DataError."""
    from torchvision import datasets

    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(20)
    try:
        return datasets.CIFAR10(data_dir(), train=train, transform=transform, download=True)
    except Exception as exc:  # noqa: BLE001 - offline, torchvision fails in several ways
        raise DataError(
            "CIFAR-10 needs the internet: none of the offline sources holds it, and "
            "the download failed "
            f"({type(exc).__name__}); run this cell on a machine that is online"
        ) from exc
    finally:
        socket.setdefaulttimeout(previous)


LOADERS: dict[str, Callable] = {"mnist": mnist, "fashionmnist": fashion_mnist, "cifar": cifar10}


def load_dataset(name: str, train: bool = True, transform: Callable | None = None):
    """Return the torchvision dataset called ``name`` (``mnist``, ``fashionmnist`` or
    ``cifar``)."""
    dataset_spec(name)
    return LOADERS[name](train=train, transform=transform)


def as_tensors(dataset, spec: DatasetSpec, limit: int | None = None) -> TensorDataset:
    """Turn a torchvision image dataset into normalised float images and int64 labels.
    """
    images = torch.as_tensor(np.asarray(dataset.data[:limit]))
    if images.ndim == 3:
        images = images.unsqueeze(1)
    elif images.shape[-1] in (1, 3):
        images = images.permute(0, 3, 1, 2)
    images = images.float().div(255)
    mean = torch.tensor(spec.mean).view(1, -1, 1, 1)
    std = torch.tensor(spec.std).view(1, -1, 1, 1)
    labels = torch.as_tensor(np.asarray(dataset.targets[:limit]), dtype=torch.int64)
    return TensorDataset((images - mean) / std, labels)


def load_tensors(name: str, train: bool = True, limit: int | None = None) -> TensorDataset:
    """Return a dataset as one normalised ``TensorDataset`` (fast to train on, no
    per-image PIL)."""
    spec = dataset_spec(name)
    return as_tensors(load_dataset(name, train=train), spec, limit)
