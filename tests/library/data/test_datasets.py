"""Tests for dlbook.data.datasets: torchvision loaders, specs, normalised tensors."""

import pytest
import torch

from dlbook.data import DataError, datasets


def test_loaders_return_torchvision_datasets_with_real_sizes():
    train, test = datasets.mnist(train=True), datasets.fashion_mnist(train=False)
    assert len(train) == 60_000 and len(test) == 10_000
    image, label = datasets.mnist(train=False)[0]
    assert image.size == (28, 28) and label == 7  # the first MNIST test digit is a 7


def test_dataset_switch_knows_three_names_and_rejects_others():
    assert set(datasets.DATASET_SPECS) == {"mnist", "fashionmnist", "cifar"}
    assert datasets.dataset_spec("cifar").input_shape == (3, 32, 32)
    with pytest.raises(ValueError, match="unknown dataset 'svhn'.*'mnist'"):
        datasets.dataset_spec("svhn")


def test_load_tensors_normalises_to_minus_one_one():
    tensors = datasets.load_tensors("fashionmnist", train=False, limit=100)
    images, labels = tensors.tensors
    assert images.shape == (100, 1, 28, 28) and labels.dtype == torch.int64
    assert images.min() >= -1 and images.max() <= 1 and images.min() < -0.99


def test_cifar_offline_raises_data_error(monkeypatch, data_root):
    import torchvision.datasets

    def offline(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(torchvision.datasets, "CIFAR10", offline)
    with pytest.raises(DataError, match="CIFAR-10 needs the internet"):
        datasets.load_dataset("cifar")


def test_as_tensors_handles_channels_last_colour_images():
    class FakeCifar:
        data = torch.randint(0, 256, (4, 32, 32, 3), dtype=torch.uint8).numpy()
        targets = [0, 1, 2, 3]

    images, labels = datasets.as_tensors(FakeCifar(), datasets.dataset_spec("cifar")).tensors
    assert images.shape == (4, 3, 32, 32) and labels.tolist() == [0, 1, 2, 3]


# ---------------------------------------------------------------------------------------------
# Corrupted MNIST
# ---------------------------------------------------------------------------------------------
