"""Tests for dlbook.course.helper: the notebooks' helper functions."""

import torch

from dlbook.course import helper


def test_view_classify_shows_the_image_beside_labelled_probabilities():
    fig = helper.view_classify(
        torch.rand(1, 28, 28), torch.softmax(torch.randn(10), 0), list("abcdefghij")
    )
    assert fig.axes[1].get_xlabel() == "probability"
