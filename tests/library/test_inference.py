"""Tests for dlbook.inference: predictions in eval mode and Monte Carlo dropout."""

import torch
from torch import nn

from dlbook import inference, training


def test_predict_batches_and_uses_eval_mode():
    model = nn.Sequential(nn.Linear(4, 2), nn.Dropout(0.9))
    x = torch.randn(7, 4)
    assert torch.allclose(
        inference.predict(model, x, batch_size=3), inference.predict(model, x)
    )


def test_mc_dropout_varies_only_through_dropout():
    training.seed_everything(0)
    model = nn.Sequential(
        nn.Linear(4, 16), nn.BatchNorm1d(16), nn.Dropout(0.5), nn.Linear(16, 3)
    )
    model.train()
    x = torch.randn(2, 4)
    samples = inference.mc_dropout_predict(model, x, n_samples=20)
    assert samples.shape == (20, 2, 3)
    assert torch.allclose(samples.sum(dim=-1), torch.ones(20, 2))
    assert samples.std(dim=0).max() > 0  # dropout makes passes differ
    assert model.training  # mode restored
    inference.enable_mc_dropout(model)
    assert (
        not model[1].training and model[2].training
    )  # batch norm frozen, dropout active
