"""Tests for dlbook.plots: the book's figures."""

import matplotlib.pyplot as plt
import torch

from dlbook import plots


def test_plot_errors_shows_only_mistakes(monkeypatch, capsys):
    monkeypatch.setattr(plt, "show", lambda: None)
    images = torch.rand(5, 1, 8, 8)
    labels = torch.tensor([0, 1, 2, 0, 1])
    fig = plots.plot_errors(
        images, labels, torch.tensor([0, 2, 2, 1, 1]), ["a", "b", "c"]
    )
    assert len(fig.axes) == 2
    assert plots.plot_errors(images, labels, labels, ["a", "b", "c"]) is None
    assert "no errors" in capsys.readouterr().out


def test_plot_errors_wraps_into_rows(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda: None)
    labels = torch.zeros(30, dtype=torch.int64)
    fig = plots.plot_errors(
        torch.rand(30, 28, 28), labels, labels + 1, list("0123456789"), 20, 8
    )
    assert len(fig.axes) == 24  # 3 rows of 8, the last four empty
    assert [bool(ax.images) for ax in fig.axes].count(True) == 20
    assert fig.axes[9].get_title() == "0\n→ 1"
    assert tuple(fig.get_size_inches()) == (8.0, 1.6 * 3)  # fits a page width


def test_show_images_titles_each_image_with_its_label():
    fig = plots.show_images(
        torch.rand(10, 1, 28, 28), torch.arange(10), ncols=5, title="grid"
    )
    assert len(fig.axes) == 10 and fig.axes[3].get_title() == "3"


def test_titles_of_a_row_of_nine_images_stay_legible_in_the_book_column():
    fig = plots.show_images(torch.rand(9, 1, 28, 28), torch.arange(9), ncols=9)
    # the site shows a figure at 100 px per inch, shrunk to fit its text column (about 750 px)
    shrink = min(1.0, 750 / (fig.get_size_inches()[0] * 100))
    title_px = fig.axes[0].title.get_fontsize() * 100 / 72 * shrink
    assert title_px >= 8


def test_plot_curves_marks_and_labels():
    fig = plots.plot_curves(
        {"train": [3, 2, 1], "val": [3, 2.5, 2.6]}, marks={"stop": 3}, title="t"
    )
    ax = fig.axes[0]
    assert ax.get_xlabel() == "epoch" and len(ax.get_lines()) == 3
