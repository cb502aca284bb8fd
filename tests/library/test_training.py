"""Tests for dlbook.training: loops, per-example evaluation, early stopping."""

import math

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from dlbook import checkpoints, models, training


def toy_data(n=100, seed=0):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 4, generator=generator)
    y = (x[:, 0] + x[:, 1] > 0).long()
    return TensorDataset(x, y)


def test_seed_everything_repeats_random_draws():
    training.seed_everything(3)
    first = torch.rand(3)
    training.seed_everything(3)
    assert torch.equal(first, torch.rand(3))


def test_train_epoch_lowers_loss_and_steps_scheduler():
    training.seed_everything(0)
    model = nn.Linear(4, 2)
    loader = DataLoader(toy_data(), batch_size=10)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)
    losses = training.train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer, scheduler)
    assert len(losses) == 10 and losses[-1] < losses[0]
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.5 * 0.5**2)


def test_evaluate_averages_over_examples_not_batches():
    model = nn.Linear(4, 2)
    data = toy_data(n=25)
    criterion = nn.CrossEntropyLoss()
    exact = training.evaluate(model, DataLoader(data, batch_size=25), criterion)
    batched = training.evaluate(model, DataLoader(data, batch_size=10), criterion)  # 10, 10, 5
    assert batched.n_examples == 25
    assert batched.loss == pytest.approx(exact.loss, rel=1e-6)
    assert batched.accuracy == exact.accuracy


def test_evaluate_restores_training_mode_and_rejects_empty_loader():
    model = nn.Sequential(nn.Linear(4, 2), nn.Dropout(0.5))
    model.train()
    training.evaluate(model, DataLoader(toy_data(n=4)), nn.CrossEntropyLoss())
    assert model.training
    with pytest.raises(ValueError, match="empty"):
        training.evaluate(model, [], nn.CrossEntropyLoss())


def test_early_stopping_stops_after_patience_and_keeps_best(tmp_path):
    model = models.FCNetwork(4, 2, [3])
    stopper = training.EarlyStopping(patience=2, path=tmp_path / "best.pth")
    decisions = [stopper.step(v, model, epoch) for epoch, v in enumerate([1.0, 0.8, 0.9, 0.85], 1)]
    assert decisions == [False, False, False, True]
    assert stopper.best == 0.8 and stopper.best_epoch == 2
    assert checkpoints.read_checkpoint(tmp_path / "best.pth")["extra"] == {
        "epoch": 2,
        "val_loss": 0.8,
    }


def test_early_stopping_never_keeps_a_nan_loss_as_best(tmp_path):
    model = models.FCNetwork(4, 2, [3])
    stopper = training.EarlyStopping(patience=2, path=tmp_path / "best.pth")
    decisions = [stopper.step(v, model, e) for e, v in enumerate([math.nan, 0.9, math.nan, 0.7], 1)]
    assert decisions == [False, False, False, False]
    assert stopper.best == 0.7 and stopper.best_epoch == 4
    assert checkpoints.read_checkpoint(tmp_path / "best.pth")["extra"]["epoch"] == 4


def test_early_stopping_counts_nan_losses_as_bad_epochs(tmp_path):
    model = models.FCNetwork(4, 2, [3])
    stopper = training.EarlyStopping(patience=2, path=tmp_path / "best.pth")
    assert [stopper.step(v, model, e) for e, v in enumerate([0.5, math.nan, math.nan], 1)] == [
        False,
        False,
        True,
    ]
    assert stopper.best == 0.5 and stopper.best_epoch == 1


def test_early_stopping_rejects_zero_patience(tmp_path):
    with pytest.raises(ValueError):
        training.EarlyStopping(0, tmp_path / "x.pth")


def test_fit_records_history_and_stops_early(tmp_path):
    training.seed_everything(0)
    model = models.FCNetwork(4, 2, [8], drop_p=0.0)
    loader = DataLoader(toy_data(), batch_size=20)
    # lr 0 never improves the validation loss: stops after 1 + patience epochs
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    stopper = training.EarlyStopping(patience=2, path=tmp_path / "best.pth")
    lines = []
    history = training.fit(
        model, loader, loader, nn.NLLLoss(), optimizer, epochs=10,
        early_stopping=stopper, log=lines.append,
    )  # fmt: skip
    assert history.stopped_epoch == 3 and len(history.val_loss) == 3
    assert lines[-1].startswith("stopped early after epoch 3")


def test_get_device_is_cpu_without_gpu():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert training.get_device().type == expected
