"""Tests for the final exercise's model.py."""

import pytest
import torch

from dlbook.final_exercise import model as fe_model


def test_corrupt_mnist_net_accepts_course_tensors_and_rejects_others():
    net = fe_model.CorruptMNISTNet()
    assert net(torch.zeros(2, 28, 28)).shape == (2, 10)
    with pytest.raises(ValueError, match=r"\[batch, 1, 28, 28\]"):
        net(torch.zeros(2, 3, 32, 32))
