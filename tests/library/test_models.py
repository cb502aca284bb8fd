"""Tests for dlbook.models: Reshape, the reusable networks and their capacity."""

import pytest
import torch
from torch import nn

from dlbook import models
from dlbook.data import datasets
from dlbook.final_exercise import bench
from dlbook.final_exercise import model as fe_model


@pytest.mark.parametrize(
    ("shape", "input_shape", "expected"),
    [
        ((2,), (5, 1, 2), (5, 2)),
        ((2, 3), (4, 6), (4, 2, 3)),
        ((-1, 4), (3, 2, 2, 2), (3, 2, 4)),
    ],
)
def test_reshape_keeps_batch_dimension(shape, input_shape, expected):
    layer = models.Reshape(*shape)
    assert layer(torch.zeros(input_shape)).shape == expected


def test_reshape_inside_sequential_and_repr():
    net = nn.Sequential(
        nn.Linear(6, 6), models.Reshape(2, 3), nn.Flatten(), nn.Linear(6, 1)
    )
    assert net(torch.zeros(7, 6)).shape == (7, 1)
    assert repr(models.Reshape(-1, 4)) == "Reshape(-1, 4)"


def test_reshape_error_names_both_shapes():
    with pytest.raises(
        ValueError, match=r"Reshape\(2, 3\).*\(4, 5\).*5 values.*holds 6"
    ):
        models.Reshape(2, 3)(torch.zeros(4, 5))
    with pytest.raises(ValueError, match="multiple of 4"):
        models.Reshape(-1, 4)(torch.zeros(2, 6))


@pytest.mark.parametrize("bad", [(), (0,), (-2, 3), (-1, -1)])
def test_reshape_rejects_nonsense_shapes(bad):
    with pytest.raises(ValueError):
        models.Reshape(*bad)


def test_reshape_rejects_non_integers():
    with pytest.raises(TypeError):
        models.Reshape(2.5)


def test_calculate_capacity_counts_weights_and_biases():
    assert models.calculate_capacity(nn.Linear(3, 2)) == 3 * 2 + 2
    assert (
        models.calculate_capacity(
            nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 1))
        )
        == 31
    )


def test_fc_network_outputs_log_probabilities():
    net = models.FCNetwork(784, 10, [32, 16], drop_p=0.0)
    out = net(torch.rand(3, 1, 28, 28))
    assert out.shape == (3, 10)
    assert torch.allclose(out.exp().sum(dim=1), torch.ones(3))


def test_mlp_for_sizes_model_from_dataset_spec():
    net = models.mlp_for(datasets.dataset_spec("cifar"))
    assert (
        net.hidden_layers[0].in_features == 3 * 32 * 32
        and net.output.out_features == 10
    )
    assert net(torch.zeros(2, 3, 32, 32)).shape == (2, 10)


@pytest.mark.parametrize(
    "cls", [models.SmallCNN, fe_model.MyAwesomeModel, bench.CourseCNN]
)
def test_cnns_map_digit_images_to_ten_logits(cls):
    net = cls()
    assert net(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
