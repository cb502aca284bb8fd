"""Tests for the final exercise's model.py: the network, its test turns, and rotate."""

import pytest
import torch
from torchvision.transforms import functional as TF

from dlbook.final_exercise import data as fe_data
from dlbook.final_exercise import model as fe_model


def test_rotate_turns_each_image_the_way_torchvision_does():
    images = torch.zeros(2, 1, 28, 28)
    images[:, 0, 2, 14] = 1.0  # a dot at the top centre
    turned = fe_data.rotate(images, torch.tensor([90.0, 0.0]))
    expected = TF.rotate(
        images[0], 90.0
    )  # counter-clockwise: the dot goes to the left edge
    assert (turned[0, 0] > 0.5).nonzero().tolist() == (
        expected[0] > 0.5
    ).nonzero().tolist()
    assert torch.allclose(turned[1], images[1], atol=1e-5)  # 0° changes nothing


def test_training_mode_gives_logits_eval_mode_gives_log_probabilities_of_turned_copies():
    torch.manual_seed(0)
    net = fe_model.MyAwesomeModel()
    x = torch.rand(4, 1, 28, 28)
    assert net.train()(x).shape == (4, 10)
    scores = net.eval()(x)
    assert torch.allclose(scores.exp().sum(dim=1), torch.ones(4))
    copies = [net.logits(fe_data.rotate(x, torch.full((4,), t))).softmax(1)
              for t in fe_model.TEST_TURNS]  # fmt: skip
    assert torch.allclose(scores, torch.stack(copies).mean(0).log(), atol=1e-6)
    assert len(fe_model.TEST_TURNS) > 1 and 0.0 in fe_model.TEST_TURNS


def test_each_image_is_classified_on_its_own():
    torch.manual_seed(0)
    net = fe_model.MyAwesomeModel().eval()
    x = torch.rand(6, 1, 28, 28)
    together = net(x)
    alone = torch.cat([net(x[i : i + 1]) for i in range(6)])
    assert torch.allclose(together, alone, atol=1e-5)


def test_the_network_takes_course_images_and_refuses_other_shapes():
    net = fe_model.MyAwesomeModel().eval()
    assert net(torch.rand(3, 28, 28)).shape == (3, 10)
    with pytest.raises(
        ValueError, match=r"expected images \[N, 1, 28, 28\], got \[3, 1, 32, 32\]"
    ):
        net(torch.rand(3, 1, 32, 32))
    assert sum(p.numel() for p in net.parameters()) < 200_000
