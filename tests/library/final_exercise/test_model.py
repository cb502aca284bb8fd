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
    state["classifier.1.weight"] = torch.zeros(10, 5)
    with pytest.raises(
        ValueError, match=r"classifier.1.weight has shape \[10, 5\], the network needs \[10, 1568\]"
    ):
        fe_model.CorruptMNISTNet.from_state_dict(state)
    with pytest.raises(ValueError, match="1 unknown \\(e.g. extra\\)"):
        fe_model.CorruptMNISTNet.from_state_dict({**net.state_dict(), "extra": torch.zeros(1)})


class TemplateNet(torch.nn.Module):
    """A stand-in classifier: the closer an image is to a digit's upright template, the surer."""

    def __init__(self, templates: torch.Tensor) -> None:
        super().__init__()
        self.templates = templates

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        distances = (x.reshape(len(x), 1, -1) - self.templates.reshape(1, 10, -1)).square().sum(-1)
        return -distances / 20  # gentle enough that confidence still varies with the turn


def test_file_turn_finds_the_turn_under_which_the_model_is_surest(templates):
    net = TemplateNet(templates)
    targets = torch.arange(40) % 10
    for angle in (-70.0, -33.0, 0.0, 48.0):
        file = fe_model.turn_images(templates[targets], angle)
        assert fe_model.file_turn(net, file) == pytest.approx(-angle, abs=1.5)
        predictions, turn = fe_model.classify_file(net, file)
        assert turn == fe_model.file_turn(net, file) and torch.equal(predictions, targets)
