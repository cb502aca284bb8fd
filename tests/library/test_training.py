"""Tests for dlbook.training: loops, per-example evaluation, early stopping."""

import math

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from dlbook import models, training


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
    losses = training.train_epoch(
        model, loader, nn.CrossEntropyLoss(), optimizer, scheduler
    )
    assert len(losses) == 10 and losses[-1] < losses[0]
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.5 * 0.5**2)


def test_evaluate_averages_over_examples_not_batches():
    model = nn.Linear(4, 2)
    data = toy_data(n=25)
    criterion = nn.CrossEntropyLoss()
    exact = training.evaluate(model, DataLoader(data, batch_size=25), criterion)
    batched = training.evaluate(
        model, DataLoader(data, batch_size=10), criterion
    )  # 10, 10, 5
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


class Unseen(nn.Module):
    """A network the book never defines: no config, a buffer, attribute names of its own."""

    def __init__(self):
        super().__init__()
        self.body = nn.Linear(4, 6)
        self.norm = nn.BatchNorm1d(6)
        self.tail = nn.Linear(6, 2)

    def forward(self, x):
        return torch.log_softmax(self.tail(torch.relu(self.norm(self.body(x)))), dim=1)


def test_early_stopping_stops_after_patience_and_keeps_best(tmp_path):
    model = models.FCNetwork(4, 2, [3])
    stopper = training.EarlyStopping(patience=2, path=tmp_path / "best.pth")
    decisions = [
        stopper.step(v, model, epoch)
        for epoch, v in enumerate([1.0, 0.8, 0.9, 0.85], 1)
    ]
    assert decisions == [False, False, False, True]
    assert stopper.best == 0.8 and stopper.best_epoch == 2
    saved = torch.load(tmp_path / "best.pth", weights_only=True)
    assert list(saved) == list(model.state_dict())


def test_early_stopping_works_with_a_module_the_book_never_saw(tmp_path):
    torch.manual_seed(0)
    model = Unseen()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    loader = DataLoader(toy_data(), batch_size=20)
    stopper = training.EarlyStopping(patience=2, path=tmp_path / "best.pth")
    assert not stopper.step(
        0.5, model, 1
    )  # an improvement: the weights of epoch 1 are kept
    best = {k: v.clone() for k, v in model.state_dict().items()}
    training.train_epoch(model, loader, nn.NLLLoss(), optimizer)  # the weights move on
    assert not stopper.step(0.7, model, 2) and stopper.step(0.6, model, 3)
    assert not torch.equal(model.body.weight, best["body.weight"])
    # the file is a plain state_dict: torch.load reads it into a fresh model of the same class
    fresh = Unseen()
    fresh.load_state_dict(torch.load(tmp_path / "best.pth", weights_only=True))
    for key, tensor in fresh.state_dict().items():
        assert torch.equal(tensor, best[key]), key
    assert int(fresh.norm.num_batches_tracked) == 0  # buffers are kept as well
    # and the copy in memory restores the same weights into the trained model itself
    stopper.restore_best(model)
    assert all(torch.equal(t, best[k]) for k, t in model.state_dict().items())


def test_early_stopping_keeps_the_best_weights_in_memory_without_a_path():
    model = Unseen()
    stopper = training.EarlyStopping(patience=1)
    with pytest.raises(ValueError, match="no epoch has improved"):
        stopper.restore_best(model)
    stopper.step(0.3, model, 1)
    kept = model.tail.bias.detach().clone()
    with torch.no_grad():
        model.tail.bias.add_(1.0)
    assert stopper.step(0.4, model, 2)
    assert torch.equal(stopper.restore_best(model).tail.bias, kept)
    assert stopper.path is None


def test_early_stopping_never_keeps_a_nan_loss_as_best(tmp_path):
    model = models.FCNetwork(4, 2, [3])
    stopper = training.EarlyStopping(patience=2, path=tmp_path / "best.pth")
    decisions = [
        stopper.step(v, model, e)
        for e, v in enumerate([math.nan, 0.9, math.nan, 0.7], 1)
    ]
    assert decisions == [False, False, False, False]
    assert stopper.best == 0.7 and stopper.best_epoch == 4
    assert (tmp_path / "best.pth").is_file()


def test_early_stopping_counts_nan_losses_as_bad_epochs(tmp_path):
    model = models.FCNetwork(4, 2, [3])
    stopper = training.EarlyStopping(patience=2, path=tmp_path / "best.pth")
    assert [
        stopper.step(v, model, e) for e, v in enumerate([0.5, math.nan, math.nan], 1)
    ] == [
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


def test_get_device_picks_the_gpu_when_there_is_one(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert training.get_device() == torch.device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert training.get_device() == torch.device("cpu")


class Moved:
    """A batch tensor that records the device it is moved to."""

    def __init__(self, tensor, seen):
        self.tensor, self.seen = tensor, seen

    def to(self, device):
        self.seen.append(torch.device(device))
        return self.tensor.to(device)


def spy_loader(seen, n=40):
    data = toy_data(n)
    return [
        (Moved(x, seen), Moved(y, seen)) for x, y in DataLoader(data, batch_size=10)
    ]


def test_loops_move_the_model_and_every_batch_to_the_device(monkeypatch):
    model = nn.Linear(4, 2)
    moved_to = []
    original = nn.Module.to

    def record(self, *args, **kwargs):
        moved_to.append(torch.device(args[0]))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(nn.Linear, "to", record)
    seen = []
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    training.train_epoch(
        model, spy_loader(seen), nn.CrossEntropyLoss(), optimizer, device="cpu"
    )
    assert seen == [torch.device("cpu")] * 8 and moved_to == [torch.device("cpu")]
    seen.clear()
    result = training.evaluate(
        model, spy_loader(seen), nn.CrossEntropyLoss(), device="cpu"
    )
    assert result.n_examples == 40 and seen == [torch.device("cpu")] * 8


def test_loops_without_a_device_use_the_models_device():
    seen = []
    model = nn.Linear(4, 2)
    training.evaluate(model, spy_loader(seen), nn.CrossEntropyLoss())
    assert set(seen) == {next(model.parameters()).device}


def test_fit_trains_on_the_device_it_is_given(tmp_path):
    training.seed_everything(0)
    model = Unseen()
    loader = DataLoader(toy_data(), batch_size=20)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    history = training.fit(
        model, loader, loader, nn.NLLLoss(), optimizer, epochs=3, log=None,
        device=training.get_device(),
    )  # fmt: skip
    assert len(history.val_loss) == 3 and history.val_loss[-1] < history.val_loss[0]
    assert next(model.parameters()).device.type == training.get_device().type


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_loops_run_on_the_gpu():
    model = nn.Linear(4, 2)
    loader = DataLoader(toy_data(), batch_size=20)  # batches start on the CPU
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    training.train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer, device="cuda")
    assert next(model.parameters()).is_cuda
    assert (
        training.evaluate(
            model, loader, nn.CrossEntropyLoss(), device="cuda"
        ).n_examples
        == 100
    )
