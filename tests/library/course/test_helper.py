"""Tests for dlbook.course.helper: the notebooks' helper functions."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from dlbook.course import helper


@pytest.mark.parametrize(
    ("version", "first", "last"),
    [("MNIST", "0", "9"), ("Fashion", "T-shirt/top", "Ankle boot")],
)
def test_view_classify_labels_the_bars_for_the_version(version, first, last):
    image = torch.rand(1, 784)
    fig = helper.view_classify(
        image, torch.softmax(torch.randn(1, 10), 1), version=version
    )
    labels = [tick.get_text() for tick in fig.axes[1].get_yticklabels()]
    assert labels[0] == first and labels[-1] == last and len(labels) == 10
    assert fig.axes[1].get_xlabel() == "probability"
    assert image.shape == (1, 784)  # the caller's tensor is not resized


def test_view_classify_defaults_to_mnist_and_rejects_unknown_versions():
    fig = helper.view_classify(torch.rand(28, 28), torch.full((10,), 0.1))
    assert fig.axes[1].get_yticklabels()[3].get_text() == "3"
    with pytest.raises(ValueError, match="version"):
        helper.view_classify(
            torch.rand(28, 28), torch.full((10,), 0.1), version="CIFAR"
        )
    with pytest.raises(ValueError, match="probabilities"):
        helper.view_classify(torch.rand(28, 28), torch.full((5,), 0.2))


def test_imshow_undoes_imagenet_normalisation_and_returns_the_axes():
    mean, std = torch.tensor(helper.IMAGENET_MEAN), torch.tensor(helper.IMAGENET_STD)
    picture = torch.rand(3, 5, 4)
    normalised = (picture - mean[:, None, None]) / std[:, None, None]
    ax = helper.imshow(normalised, title="a cat")
    shown = ax.get_images()[0].get_array()
    assert shown.shape == (5, 4, 3)
    assert torch.allclose(
        torch.as_tensor(np.asarray(shown)).float(), picture.permute(1, 2, 0), atol=1e-6
    )
    assert ax.get_title() == "a cat" and not any(
        s.get_visible() for s in ax.spines.values()
    )


def test_imshow_without_normalisation_draws_on_the_given_axes():
    fig, axes = plt.subplots(ncols=2)
    grey = torch.rand(1, 28, 28)
    assert helper.imshow(grey, ax=axes[1], normalize=False) is axes[1]
    assert axes[1].get_images()[0].get_array().shape == (28, 28)
    assert not axes[0].get_images()


def test_test_network_takes_one_training_step():
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Linear(4, 4), torch.nn.Unflatten(1, (1, 2, 2))
    )
    loader = [(torch.rand(3, 1, 2, 2), torch.zeros(3))]
    before = net[1].weight.detach().clone()
    assert helper.test_network(net, loader) is True
    assert not torch.equal(before, net[1].weight)
    with pytest.raises(
        ValueError, match="images' shape"
    ):  # outputs that cannot fit the images
        helper.test_network(
            torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 3)), loader
        )


def test_view_recon_shows_image_and_reconstruction():
    fig = helper.view_recon(torch.rand(1, 28, 28), torch.rand(1, 28, 28))
    assert [ax.get_title() for ax in fig.axes] == ["image", "reconstruction"]
    assert all(ax.get_images()[0].get_array().shape == (28, 28) for ax in fig.axes)
