"""Fixtures shared by the final exercise's tests."""

import pytest
import torch


@pytest.fixture
def templates() -> torch.Tensor:
    """Ten lopsided shapes standing in for the ten digits, ``[10, 28, 28]``."""
    shapes = torch.zeros(10, 28, 28)
    for digit in range(10):
        shapes[digit, 6:22, 12:15] = 1.0  # a stroke down the middle
        shapes[digit, 6 + digit : 9 + digit, 15:22] = 1.0  # and a bar at a height of its own
    return shapes
