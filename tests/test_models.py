"""Tests for dlbook.models: Reshape, the reusable networks, capacity and checkpoints."""

import pytest
import torch
from torch import nn

from dlbook import models
from dlbook.data import dataset_spec


@pytest.mark.parametrize(
    ("shape", "input_shape", "expected"),
    [((2,), (5, 1, 2), (5, 2)), ((2, 3), (4, 6), (4, 2, 3)), ((-1, 4), (3, 2, 2, 2), (3, 2, 4))],
)
def test_reshape_keeps_batch_dimension(shape, input_shape, expected):
    layer = models.Reshape(*shape)
    assert layer(torch.zeros(input_shape)).shape == expected


def test_reshape_inside_sequential_and_repr():
    net = nn.Sequential(nn.Linear(6, 6), models.Reshape(2, 3), nn.Flatten(), nn.Linear(6, 1))
    assert net(torch.zeros(7, 6)).shape == (7, 1)
    assert repr(models.Reshape(-1, 4)) == "Reshape(-1, 4)"


def test_reshape_error_names_both_shapes():
    with pytest.raises(ValueError, match=r"Reshape\(2, 3\).*\(4, 5\).*5 values.*holds 6"):
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
        models.calculate_capacity(nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 1))) == 31
    )


def test_fc_network_outputs_log_probabilities():
    net = models.FCNetwork(784, 10, [32, 16], drop_p=0.0)
    out = net(torch.rand(3, 1, 28, 28))
    assert out.shape == (3, 10)
    assert torch.allclose(out.exp().sum(dim=1), torch.ones(3))


def test_mlp_for_sizes_model_from_dataset_spec():
    net = models.mlp_for(dataset_spec("cifar"))
    assert net.hidden_layers[0].in_features == 3 * 32 * 32 and net.output.out_features == 10
    assert net(torch.zeros(2, 3, 32, 32)).shape == (2, 10)


@pytest.mark.parametrize("cls", [models.SmallCNN, models.CorruptMNISTNet, models.ReferenceCNN])
def test_cnns_map_digit_images_to_ten_logits(cls):
    net = cls()
    assert net(torch.zeros(2, 1, 28, 28)).shape == (2, 10)


def test_corrupt_mnist_net_accepts_course_tensors_and_rejects_others():
    net = models.CorruptMNISTNet()
    assert net(torch.zeros(2, 28, 28)).shape == (2, 10)
    with pytest.raises(ValueError, match=r"\[batch, 1, 28, 28\]"):
        net(torch.zeros(2, 3, 32, 32))


def test_checkpoint_round_trip_rebuilds_architecture(tmp_path):
    net = models.FCNetwork(20, 3, [8, 4], drop_p=0.1)
    path = models.save_checkpoint(net, tmp_path / "net.pth", epoch=3)
    loaded = models.load_checkpoint(path)
    assert isinstance(loaded, models.FCNetwork) and loaded.config == net.config
    for a, b in zip(net.state_dict().values(), loaded.state_dict().values()):
        assert torch.equal(a, b)
    assert models.read_checkpoint(path)["extra"] == {"epoch": 3}


def test_checkpoint_is_byte_identical_for_same_model(tmp_path):
    torch.manual_seed(0)
    net = models.SmallCNN()
    models.save_checkpoint(net, tmp_path / "a.pth")
    models.save_checkpoint(net, tmp_path / "b.pth")
    assert (tmp_path / "a.pth").read_bytes() == (tmp_path / "b.pth").read_bytes()


def test_unregistered_model_cannot_be_checkpointed(tmp_path):
    with pytest.raises(models.CheckpointError, match="not a registered architecture"):
        models.save_checkpoint(nn.Linear(2, 2), tmp_path / "x.pth")
    assert not (tmp_path / "x.pth").exists()


def test_missing_checkpoint(tmp_path):
    with pytest.raises(models.CheckpointError, match="no checkpoint at"):
        models.load_checkpoint(tmp_path / "nope.pth")


def test_truncated_checkpoint(tmp_path):
    path = models.save_checkpoint(models.SmallCNN(), tmp_path / "cut.pth")
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(models.CheckpointError, match="not a readable checkpoint"):
        models.load_checkpoint(path)


def test_text_file_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "notes.pth"
    path.write_text("hello")
    with pytest.raises(models.CheckpointError, match="not a readable checkpoint"):
        models.load_checkpoint(path)


def test_bare_state_dict_is_foreign(tmp_path):
    path = tmp_path / "bare.pth"
    torch.save(nn.Linear(2, 2).state_dict(), path)
    with pytest.raises(models.CheckpointError, match="not a dlbook checkpoint"):
        models.load_checkpoint(path)


def test_pickled_object_is_refused_by_weights_only(tmp_path):
    path = tmp_path / "object.pth"
    torch.save({"format": models.CHECKPOINT_FORMAT, "model": nn.Linear(2, 2)}, path)
    with pytest.raises(models.CheckpointError, match="not a readable checkpoint"):
        models.load_checkpoint(path)


def test_wrong_architecture_is_reported(tmp_path):
    path = models.save_checkpoint(models.SmallCNN(), tmp_path / "cnn.pth")
    with pytest.raises(models.CheckpointError, match="holds a SmallCNN, not the CorruptMNISTNet"):
        models.load_checkpoint(path, expect=models.CorruptMNISTNet)


def test_mismatched_weights_are_reported(tmp_path):
    path = models.save_checkpoint(models.FCNetwork(10, 2, [4]), tmp_path / "fc.pth")
    payload = models.read_checkpoint(path)
    payload["config"]["hidden_layers"] = [5]
    torch.save(payload, path)
    with pytest.raises(models.CheckpointError, match="does not fit FCNetwork"):
        models.load_checkpoint(path)


def test_unknown_architecture_is_reported(tmp_path):
    path = tmp_path / "alien.pth"
    torch.save({"format": models.CHECKPOINT_FORMAT, "architecture": "Alien"}, path)
    with pytest.raises(models.CheckpointError, match="unknown architecture 'Alien'"):
        models.load_checkpoint(path)
