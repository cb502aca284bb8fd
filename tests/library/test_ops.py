"""Tests for dlbook.ops.pairwise_squared_distance."""

import pytest
import torch

from dlbook import ops
from dlbook.ops import pairwise_squared_distance


def direct_squared_distance(a, b):
    """The definition, one difference per pair: [N, 1, d] - [1, M, d] -> [N, M, d], summed."""
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=2)


@pytest.mark.parametrize(
    ("n", "m", "d"), [(5, 7, 3), (4, 4, 1), (0, 6, 2), (3, 0, 5), (50, 20, 64)]
)
def test_matches_the_direct_difference(n, m, d):
    generator = torch.Generator().manual_seed(n * 100 + m * 10 + d)
    a = torch.randn(n, d, generator=generator, dtype=torch.float64)
    b = torch.randn(m, d, generator=generator, dtype=torch.float64)
    result = pairwise_squared_distance(a, b)
    assert result.shape == (n, m)
    assert torch.allclose(result, direct_squared_distance(a, b))


@pytest.mark.parametrize("offset", [1e3, -1e4])
def test_keeps_float32_precision_far_from_the_origin(offset):
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(200, 16, generator=generator) + offset
    b = torch.randn(300, 16, generator=generator) + offset
    exact = direct_squared_distance(a.double(), b.double())
    relative_error = (pairwise_squared_distance(a, b).double() - exact).abs() / exact
    assert relative_error.max() < 1e-4


def relative_errors_and_spread(a, b):
    """Each pair's relative error and its spread (||a - c||^2 + ||b - c||^2) / ||a - b||^2."""
    exact = direct_squared_distance(a.double(), b.double())
    centre = torch.cat([a, b]).double().mean(dim=0)
    spread = ((a.double() - centre) ** 2).sum(1)[:, None] + (
        (b.double() - centre) ** 2
    ).sum(1)
    error = (pairwise_squared_distance(a, b).double() - exact).abs() / exact
    return error, spread / exact


@pytest.mark.parametrize("case", ["outlier", "near duplicates"])
def test_error_follows_the_spread_around_the_common_mean(case):
    generator = torch.Generator().manual_seed(0)
    a, b = (
        torch.randn(200, 16, generator=generator),
        torch.randn(300, 16, generator=generator),
    )
    if (
        case == "outlier"
    ):  # one far point drags the common mean away from all the others
        b[0] = -1e6
    else:  # pairs much closer together than to the mean
        b = a[:100] + 1e-3 * torch.randn(100, 16, generator=generator)
    error, spread = relative_errors_and_spread(a, b)
    assert error.max() > 0.1  # the centring does not rescue these inputs ...
    assert (error <= 10 * 2**-24 * spread).all()  # ... and the error bound still holds


def test_integer_coordinates_are_accepted():
    a = torch.tensor([[0, 0], [3, 4]])
    b = torch.tensor([[0, 0], [6, 8], [1, 1]], dtype=torch.int32)
    result = pairwise_squared_distance(a, b)
    assert result.dtype == torch.get_default_dtype()
    expected = torch.tensor([[0.0, 100.0, 2.0], [25.0, 25.0, 13.0]])
    assert torch.allclose(result, expected, rtol=1e-6, atol=1e-5)


def test_identical_points_give_exactly_zero_not_negative():
    a = torch.randn(10, 3) * 1e3
    assert (pairwise_squared_distance(a, a).diagonal() >= 0).all()


def test_mismatched_dimensions_are_rejected():
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(2, 4\)"):
        pairwise_squared_distance(torch.zeros(2, 3), torch.zeros(2, 4))


def test_rotation_turns_counter_clockwise():
    image = torch.zeros(1, 29, 29)
    image[0, 14, 20:27] = 1  # a bar pointing right of the centre
    turned = ops.affine_images(image, torch.tensor([90.0]))
    row, col = divmod(int(turned[0].argmax()), 29)
    assert row < 14 and abs(col - 14) <= 1  # now it points up


def test_nearest_sampling_keeps_the_pixel_values():
    image = torch.zeros(1, 29, 29)
    image[0, 14, 20:27] = torch.tensor([0.2, 0.4, 0.6, 0.8, 1.0, 0.3, 0.5])
    turned = ops.affine_images(image, torch.tensor([33.0]), mode="nearest")
    assert set(turned.unique().tolist()) <= set(image.unique().tolist())
    assert set(ops.affine_images(image, torch.tensor([33.0])).unique().tolist()) - set(
        image.unique().tolist()
    )  # bilinear mixes neighbours into new values
