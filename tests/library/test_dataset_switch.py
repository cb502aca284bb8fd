"""Tests for dlbook.dataset_switch: one name picks the data, normalisation and model."""

import numpy as np
import pytest
import torch

from dlbook import dataset_switch, models, training
from dlbook.data import DataError, datasets


class FakeCifar:
    """A tiny CIFAR-10 look-alike: channels-last uint8 images and a list of labels."""

    def __init__(self, n: int, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.data = rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8)
        self.targets = rng.integers(0, 10, size=n).tolist()


@pytest.fixture
def fake_cifar(monkeypatch):
    """Replace the CIFAR-10 loader by one that returns small fake splits; record the calls."""
    calls = []

    def loader(train=True, transform=None):
        calls.append(train)
        return FakeCifar(n=64 if train else 32, seed=0 if train else 1)

    monkeypatch.setitem(datasets.LOADERS, "cifar", loader)
    return calls


def test_cifar_path_builds_a_colour_model_and_trains_it(fake_cifar):
    run = dataset_switch.train_on_dataset(
        "cifar", epochs=2, limit=None, batch_size=16, seed=0
    )
    assert sorted(fake_cifar) == [
        False,
        True,
    ]  # both splits came from the (fake) CIFAR loader
    assert run.spec.name == "cifar" and run.spec.input_shape == (3, 32, 32)
    first = run.model.hidden_layers[0]
    assert first.in_features == 3 * 32 * 32 and run.model.output.out_features == 10
    assert (
        len(run.history.train_loss) == 2 and np.isfinite(run.history.train_loss).all()
    )
    assert (
        0.0 <= run.test_accuracy <= 1.0
        and run.test_accuracy == run.history.val_accuracy[-1]
    )
    # the training steps moved the weights away from the seeded initial ones
    training.seed_everything(0)
    untrained = models.mlp_for(datasets.dataset_spec("cifar"))
    assert not torch.equal(untrained.hidden_layers[0].weight, first.weight.cpu())
    # and the trained model takes a batch of colour images
    batch = torch.zeros(2, 3, 32, 32, device=first.weight.device)
    run.model.eval()
    log_probs = run.model(batch)
    assert log_probs.shape == (2, 10)
    assert torch.allclose(
        log_probs.exp().sum(dim=1), torch.ones(2, device=batch.device)
    )


def test_limit_applies_to_the_training_split_only(fake_cifar):
    run = dataset_switch.train_on_dataset("cifar", epochs=1, limit=16, batch_size=8)
    # 16 training images in batches of 8 give two optimizer steps; the test split stays whole
    assert len(run.history.train_loss) == 1
    assert run.history.val_loss and 0.0 <= run.history.val_accuracy[0] <= 1.0


def test_same_seed_gives_the_same_model(fake_cifar):
    first = dataset_switch.train_on_dataset(
        "cifar", epochs=1, limit=None, batch_size=16, seed=3
    )
    again = dataset_switch.train_on_dataset(
        "cifar", epochs=1, limit=None, batch_size=16, seed=3
    )
    for a, b in zip(
        first.model.state_dict().values(), again.model.state_dict().values()
    ):
        assert torch.equal(a, b)


def test_unknown_dataset_is_a_clear_value_error_before_any_loading(monkeypatch):
    def must_not_load(*args, **kwargs):
        raise AssertionError("no loader may run for an unknown name")

    for name in list(datasets.LOADERS):
        monkeypatch.setitem(datasets.LOADERS, name, must_not_load)
    with pytest.raises(
        ValueError, match="unknown dataset 'svhn'; choose one of 'mnist', "
    ):
        dataset_switch.train_on_dataset("svhn")


def test_epochs_must_be_positive(fake_cifar):
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        dataset_switch.train_on_dataset("cifar", epochs=0)
    assert fake_cifar == []  # rejected before loading anything


def test_offline_cifar_error_reaches_the_caller(monkeypatch):
    def offline(train=True, transform=None):
        raise DataError("CIFAR-10 needs the internet")

    monkeypatch.setitem(datasets.LOADERS, "cifar", offline)
    with pytest.raises(DataError, match="needs the internet"):
        dataset_switch.train_on_dataset("cifar")


def test_real_mnist_path_uses_784_inputs_and_learns():
    run = dataset_switch.train_on_dataset("mnist", epochs=1, limit=2000, batch_size=50)
    assert run.model.hidden_layers[0].in_features == 28 * 28
    assert run.spec.classes == datasets.DIGITS
    assert (
        run.test_accuracy > 0.6
    )  # far above the 0.1 of guessing, after 40 steps on 2000 digits
