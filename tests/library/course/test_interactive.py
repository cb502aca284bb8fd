"""Tests for dlbook.course.interactive: the interactive course's helpers."""

import matplotlib.pyplot as plt
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from dlbook.course import interactive


def test_bumpy_has_its_two_minima():
    x = torch.tensor([1.25, -2.0], requires_grad=True)
    interactive.bumpy(x).sum().backward()
    assert torch.allclose(x.grad, torch.zeros(2), atol=1e-5)
    assert interactive.bumpy(torch.tensor(-2.0)) < interactive.bumpy(torch.tensor(1.25))


def test_sgd_trajectory_behaviours():
    stuck = interactive.sgd_trajectory(0.01)
    reach = interactive.sgd_trajectory(0.06)
    assert len(stuck) == 11 and stuck[0] == interactive.START_X
    assert stuck[-1] > 1.2  # right-hand basin
    assert reach[-1] == pytest.approx(-2, abs=0.01)
    assert (
        min(interactive.sgd_trajectory(0.095)) < -2.5
    )  # jumps past the global minimum


def test_optimize_and_plot_draws_a_labelled_figure(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    interactive.optimize_and_plot(lr=0.06)
    ax = shown[0].axes[0]
    assert ax.get_xlabel() == "x" and "lr = 0.06" in ax.get_title()


def test_show_results_prints_truth_and_prediction(capsys):
    model = nn.Linear(2, 1)
    loader = DataLoader(
        TensorDataset(torch.zeros(4, 2), torch.ones(4, 1)), batch_size=4
    )
    interactive.show_results(model, loader, n=3)
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("ground truth") and len(lines) == 4


@pytest.mark.parametrize("training", [True, False])
def test_show_results_leaves_the_mode_as_it_found_it(training, capsys):
    model = nn.Sequential(nn.Linear(2, 1), nn.Dropout(0.5))
    model.train(training)
    loader = DataLoader(
        TensorDataset(torch.zeros(4, 2), torch.ones(4, 1)), batch_size=4
    )
    interactive.show_results(model, loader)
    assert model.training is training
    assert all(m.training is training for m in model.modules())
