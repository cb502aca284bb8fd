"""Tests for dlbook.plots: the optimisation helper and the figure helpers."""

import matplotlib.pyplot as plt
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from dlbook import plots


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_bumpy_has_its_two_minima():
    x = torch.tensor([1.25, -2.0], requires_grad=True)
    plots.bumpy(x).sum().backward()
    assert torch.allclose(x.grad, torch.zeros(2), atol=1e-5)
    assert plots.bumpy(torch.tensor(-2.0)) < plots.bumpy(torch.tensor(1.25))


def test_sgd_trajectory_behaviours():
    stuck = plots.sgd_trajectory(0.01)
    reach = plots.sgd_trajectory(0.06)
    assert len(stuck) == 11 and stuck[0] == plots.START_X
    assert stuck[-1] > 1.2  # right-hand basin
    assert reach[-1] == pytest.approx(-2, abs=0.01)
    assert min(plots.sgd_trajectory(0.095)) < -2.5  # jumps past the global minimum


def test_optimize_and_plot_draws_a_labelled_figure(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    plots.optimize_and_plot(lr=0.06)
    ax = shown[0].axes[0]
    assert ax.get_xlabel() == "x" and "lr = 0.06" in ax.get_title()


def test_show_results_prints_truth_and_prediction(capsys):
    model = nn.Linear(2, 1)
    loader = DataLoader(TensorDataset(torch.zeros(4, 2), torch.ones(4, 1)), batch_size=4)
    plots.show_results(model, loader, n=3)
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("ground truth") and len(lines) == 4


def test_plot_errors_shows_only_mistakes(monkeypatch, capsys):
    monkeypatch.setattr(plt, "show", lambda: None)
    images = torch.rand(5, 1, 8, 8)
    labels = torch.tensor([0, 1, 2, 0, 1])
    fig = plots.plot_errors(images, labels, torch.tensor([0, 2, 2, 1, 1]), ["a", "b", "c"])
    assert len(fig.axes) == 2
    assert plots.plot_errors(images, labels, labels, ["a", "b", "c"]) is None
    assert "no errors" in capsys.readouterr().out


def test_show_images_and_view_classify_label_their_axes():
    fig = plots.show_images(torch.rand(10, 1, 28, 28), torch.arange(10), ncols=5, title="grid")
    assert len(fig.axes) == 10 and fig.axes[3].get_title() == "3"
    fig = plots.view_classify(
        torch.rand(1, 28, 28), torch.softmax(torch.randn(10), 0), list("abcdefghij")
    )
    assert fig.axes[1].get_xlabel() == "probability"


def test_plot_curves_marks_and_labels():
    fig = plots.plot_curves(
        {"train": [3, 2, 1], "val": [3, 2.5, 2.6]}, marks={"stop": 3}, title="t"
    )
    ax = fig.axes[0]
    assert ax.get_xlabel() == "epoch" and len(ax.get_lines()) == 3


def test_save_training_curve_writes_png(tmp_path):
    path = tmp_path / "curve.png"
    plots.save_training_curve([1.0, 0.5, 0.25], path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
