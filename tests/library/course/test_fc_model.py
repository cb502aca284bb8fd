"""Tests for dlbook.course.fc_model: the notebooks' Network, validation and train."""

import torch
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

from dlbook.course import fc_model


def toy_loaders():
    generator = torch.Generator().manual_seed(0)
    images = torch.randn(120, 1, 2, 2, generator=generator)
    labels = (images.flatten(1).sum(1) > 0).long()
    data = TensorDataset(images, labels)
    return DataLoader(data, batch_size=20), DataLoader(data, batch_size=40)


def test_network_has_the_course_constructor_and_layer_names():
    model = fc_model.Network(784, 10, [512, 256, 128])
    assert [layer.out_features for layer in model.hidden_layers] == [512, 256, 128]
    assert model.output.out_features == 10 and model.dropout.p == 0.5
    assert model(torch.rand(3, 1, 28, 28)).exp().sum(1).allclose(torch.ones(3))


def test_validation_sums_batch_means():
    _, testloader = toy_loaders()
    model = fc_model.Network(4, 2, [8]).eval()
    test_loss, accuracy = fc_model.validation(model, testloader, nn.NLLLoss())
    with torch.no_grad():
        images, labels = testloader.dataset.tensors
        log_ps = model(images)
    assert abs(test_loss / len(testloader) - nn.NLLLoss()(log_ps, labels).item()) < 1e-5
    expected = (log_ps.argmax(1) == labels).float().mean().item()
    assert abs(accuracy / len(testloader) - expected) < 1e-6


def test_train_learns_and_prints_every_print_every_steps(capsys):
    torch.manual_seed(0)
    trainloader, testloader = toy_loaders()
    model = fc_model.Network(4, 2, [16], drop_p=0.0)
    criterion = nn.NLLLoss()
    fc_model.train(
        model, trainloader, testloader, criterion, optim.Adam(model.parameters(), lr=0.05),
        epochs=4, print_every=6,
    )  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and lines[-1].startswith(
        "Epoch: 4/4"
    )  # 24 steps, one line per 6
    test_loss, accuracy = fc_model.validation(model.eval(), testloader, criterion)
    assert accuracy / len(testloader) > 0.9
