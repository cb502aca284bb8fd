"""Tests for dlbook.course.helper: the notebooks' helper functions."""

import pytest
import torch

from dlbook.course import helper


@pytest.mark.parametrize(
    ("version", "first", "last"), [("MNIST", "0", "9"), ("Fashion", "T-shirt/top", "Ankle boot")]
)
def test_view_classify_labels_the_bars_for_the_version(version, first, last):
    image = torch.rand(1, 784)
    fig = helper.view_classify(image, torch.softmax(torch.randn(1, 10), 1), version=version)
    labels = [tick.get_text() for tick in fig.axes[1].get_yticklabels()]
    assert labels[0] == first and labels[-1] == last and len(labels) == 10
    assert fig.axes[1].get_xlabel() == "probability"
    assert image.shape == (1, 784)  # the caller's tensor is not resized


def test_view_classify_defaults_to_mnist_and_rejects_unknown_versions():
    fig = helper.view_classify(torch.rand(28, 28), torch.full((10,), 0.1))
    assert fig.axes[1].get_yticklabels()[3].get_text() == "3"
    with pytest.raises(ValueError, match="version"):
        helper.view_classify(torch.rand(28, 28), torch.full((10,), 0.1), version="CIFAR")
    with pytest.raises(ValueError, match="probabilities"):
        helper.view_classify(torch.rand(28, 28), torch.full((5,), 0.2))
