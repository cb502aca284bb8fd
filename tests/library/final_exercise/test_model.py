"""Tests for the final exercise's model.py."""

import pytest
import torch

from dlbook.final_exercise import model as fe_model


def test_corrupt_mnist_net_accepts_course_tensors_and_rejects_others():
    net = fe_model.CorruptMNISTNet()
    assert net(torch.zeros(2, 28, 28)).shape == (2, 10)
    with pytest.raises(ValueError, match=r"\[batch, 1, 28, 28\]"):
        net(torch.zeros(2, 3, 32, 32))


def test_from_state_dict_rebuilds_the_network_and_names_a_mismatch():
    torch.manual_seed(0)
    net = fe_model.CorruptMNISTNet(channels=(8, 16, 32)).eval()
    copy = fe_model.CorruptMNISTNet.from_state_dict(net.state_dict()).eval()
    images = torch.rand(3, 28, 28)
    assert copy.config["channels"] == [8, 16, 32] and torch.equal(copy(images), net(images))
    state = net.state_dict()
    state["classifier.2.weight"] = torch.zeros(10, 5)
    with pytest.raises(
        ValueError, match=r"classifier.2.weight has shape \[10, 5\], the network needs \[10, 1568\]"
    ):
        fe_model.CorruptMNISTNet.from_state_dict(state)
    with pytest.raises(ValueError, match="1 unknown \\(e.g. extra\\)"):
        fe_model.CorruptMNISTNet.from_state_dict({**net.state_dict(), "extra": torch.zeros(1)})
