"""Tests for dlbook.checkpoints: round trips, safe loading, every kind of bad file."""

import pytest
import torch
from torch import nn

from dlbook import checkpoints, models


def test_checkpoint_round_trip_rebuilds_architecture(tmp_path):
    net = models.FCNetwork(20, 3, [8, 4], drop_p=0.1)
    path = checkpoints.save_checkpoint(net, tmp_path / "net.pth", epoch=3)
    loaded = checkpoints.load_checkpoint(path)
    assert isinstance(loaded, models.FCNetwork) and loaded.config == net.config
    for a, b in zip(net.state_dict().values(), loaded.state_dict().values()):
        assert torch.equal(a, b)
    assert checkpoints.read_checkpoint(path)["extra"] == {"epoch": 3}


def test_checkpoint_is_byte_identical_for_same_model(tmp_path):
    torch.manual_seed(0)
    net = models.SmallCNN()
    checkpoints.save_checkpoint(net, tmp_path / "a.pth")
    checkpoints.save_checkpoint(net, tmp_path / "b.pth")
    assert (tmp_path / "a.pth").read_bytes() == (tmp_path / "b.pth").read_bytes()


def test_unregistered_model_cannot_be_checkpointed(tmp_path):
    with pytest.raises(
        checkpoints.CheckpointError, match="not a registered architecture"
    ):
        checkpoints.save_checkpoint(nn.Linear(2, 2), tmp_path / "x.pth")
    assert not (tmp_path / "x.pth").exists()


def test_missing_checkpoint(tmp_path):
    with pytest.raises(checkpoints.CheckpointError, match="no checkpoint at"):
        checkpoints.load_checkpoint(tmp_path / "nope.pth")


def test_truncated_checkpoint(tmp_path):
    path = checkpoints.save_checkpoint(models.SmallCNN(), tmp_path / "cut.pth")
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(checkpoints.CheckpointError, match="not a readable checkpoint"):
        checkpoints.load_checkpoint(path)


def test_text_file_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "notes.pth"
    path.write_text("hello")
    with pytest.raises(checkpoints.CheckpointError, match="not a readable checkpoint"):
        checkpoints.load_checkpoint(path)


def test_bare_state_dict_is_foreign(tmp_path):
    path = tmp_path / "bare.pth"
    torch.save(nn.Linear(2, 2).state_dict(), path)
    with pytest.raises(checkpoints.CheckpointError, match="not a dlbook checkpoint"):
        checkpoints.load_checkpoint(path)


def test_pickled_object_is_refused_by_weights_only(tmp_path):
    path = tmp_path / "object.pth"
    torch.save(
        {"format": checkpoints.CHECKPOINT_FORMAT, "model": nn.Linear(2, 2)}, path
    )
    with pytest.raises(checkpoints.CheckpointError, match="not a readable checkpoint"):
        checkpoints.load_checkpoint(path)


def test_wrong_architecture_is_reported(tmp_path):
    path = checkpoints.save_checkpoint(models.SmallCNN(), tmp_path / "cnn.pth")
    with pytest.raises(
        checkpoints.CheckpointError, match="holds a SmallCNN, not the FCNetwork"
    ):
        checkpoints.load_checkpoint(path, expect=models.FCNetwork)


def test_mismatched_weights_are_reported(tmp_path):
    path = checkpoints.save_checkpoint(
        models.FCNetwork(10, 2, [4]), tmp_path / "fc.pth"
    )
    payload = checkpoints.read_checkpoint(path)
    payload["config"]["hidden_layers"] = [5]
    resave(payload, path)
    with pytest.raises(checkpoints.CheckpointError, match="does not fit FCNetwork"):
        checkpoints.load_checkpoint(path)


def resave(payload, path):
    """Write an edited checkpoint with a digest that matches its new contents."""
    payload["digest"] = checkpoints.content_digest(payload)
    torch.save(payload, path)


def test_impossible_config_is_reported_in_one_line(tmp_path):
    path = checkpoints.save_checkpoint(
        models.FCNetwork(10, 2, [4]), tmp_path / "fc.pth"
    )
    payload = checkpoints.read_checkpoint(path)
    payload["config"]["hidden_layers"] = [-3]
    resave(payload, path)
    with pytest.raises(
        checkpoints.CheckpointError, match="does not fit FCNetwork: .*-3"
    ):
        checkpoints.load_checkpoint(path)


@pytest.mark.parametrize(
    "key", ["config", "state_dict", "extra", "digest", "architecture"]
)
def test_missing_entry_is_reported(tmp_path, key):
    path = checkpoints.save_checkpoint(models.SmallCNN(), tmp_path / "cnn.pth")
    payload = checkpoints.read_checkpoint(path)
    del payload[key]
    torch.save(payload, path)
    with pytest.raises(
        checkpoints.CheckpointError, match=f"'{key}'|unknown architecture"
    ):
        checkpoints.load_checkpoint(path)


def test_flipped_byte_fails_the_content_digest(tmp_path, flip_weight_byte):
    path = checkpoints.save_checkpoint(models.SmallCNN(), tmp_path / "model.pth")
    flip_weight_byte(path)
    with pytest.raises(checkpoints.CheckpointError, match="fails its content check"):
        checkpoints.load_checkpoint(path)


def test_edited_extra_fails_the_content_digest(tmp_path):
    path = checkpoints.save_checkpoint(models.SmallCNN(), tmp_path / "cnn.pth", epoch=1)
    payload = checkpoints.read_checkpoint(path)
    payload["extra"]["epoch"] = 2
    torch.save(payload, path)
    with pytest.raises(checkpoints.CheckpointError, match="fails its content check"):
        checkpoints.read_checkpoint(path)


def test_non_finite_weights_are_refused_on_load_and_on_save(tmp_path):
    net = models.SmallCNN()
    path = checkpoints.save_checkpoint(net, tmp_path / "cnn.pth")
    payload = checkpoints.read_checkpoint(path)
    payload["state_dict"]["head.weight"][0, 0] = float("nan")
    resave(payload, path)
    with pytest.raises(
        checkpoints.CheckpointError, match="non-finite weights .* head.weight"
    ):
        checkpoints.load_checkpoint(path)
    with torch.no_grad():
        net.head.bias[0] = float("inf")
    with pytest.raises(
        checkpoints.CheckpointError, match="non-finite values .* head.bias"
    ):
        checkpoints.save_checkpoint(net, tmp_path / "inf.pth")
    assert not (tmp_path / "inf.pth").exists()


def test_older_format_without_digest_is_named(tmp_path):
    path = tmp_path / "old.pth"
    torch.save({"format": "dlbook-checkpoint-1", "architecture": "SmallCNN"}, path)
    with pytest.raises(
        checkpoints.CheckpointError, match="older dlbook without a content digest"
    ):
        checkpoints.load_checkpoint(path)


def test_unknown_architecture_is_reported(tmp_path):
    path = tmp_path / "alien.pth"
    torch.save({"format": checkpoints.CHECKPOINT_FORMAT, "architecture": "Alien"}, path)
    with pytest.raises(
        checkpoints.CheckpointError, match="unknown architecture 'Alien'"
    ):
        checkpoints.load_checkpoint(path)


class Unregistered(nn.Module):
    """A module the registry does not know, with a buffer."""

    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(3, 2)
        self.norm = nn.BatchNorm1d(2)


def test_state_dict_file_round_trips_any_module(tmp_path):
    torch.manual_seed(0)
    net = Unregistered()
    path = checkpoints.save_state_dict(net, tmp_path / "sub" / "net.pth")
    fresh = Unregistered()
    result = fresh.load_state_dict(torch.load(path, weights_only=True))
    assert not result.missing_keys and not result.unexpected_keys
    for key, tensor in net.state_dict().items():
        assert torch.equal(fresh.state_dict()[key], tensor), key
    assert [p.name for p in (tmp_path / "sub").iterdir()] == [
        "net.pth"
    ]  # no temporary left


def test_state_dict_file_is_a_copy_and_byte_identical(tmp_path):
    net = Unregistered()
    copy = checkpoints.cpu_state_dict(net)
    with torch.no_grad():
        net.layer.weight.add_(1.0)
    assert not torch.equal(copy["layer.weight"], net.layer.weight)
    checkpoints.save_state_dict(net, tmp_path / "a.pth")
    checkpoints.save_state_dict(net.state_dict(), tmp_path / "b.pth")
    assert (tmp_path / "a.pth").read_bytes() == (tmp_path / "b.pth").read_bytes()


def test_state_dict_file_refuses_non_finite_weights(tmp_path):
    net = Unregistered()
    with torch.no_grad():
        net.layer.bias[0] = float("nan")
    with pytest.raises(
        checkpoints.CheckpointError, match="non-finite values .* layer.bias"
    ):
        checkpoints.save_state_dict(net, tmp_path / "nan.pth")
    assert not (tmp_path / "nan.pth").exists()


def test_a_config_asking_for_a_huge_network_is_refused_before_it_is_built(tmp_path):
    path = checkpoints.save_checkpoint(models.SmallCNN(), tmp_path / "m.pth")
    payload = torch.load(path, weights_only=True)
    payload["config"]["channels"] = [32, 200_000]  # about 58 billion weights if built
    resave(payload, path)
    with pytest.raises(
        checkpoints.CheckpointError, match="parameters, more than the 50,000,000"
    ):
        checkpoints.load_checkpoint(path)


def test_a_compressed_file_that_unpacks_past_the_limit_is_refused_before_loading(
    tmp_path, monkeypatch
):
    import zipfile

    plain = tmp_path / "plain.pth"
    checkpoints.save_checkpoint(models.FCNetwork(784, 10, [2048, 512]), plain)
    packed = tmp_path / "packed.pth"
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            out.writestr(info.filename, source.read(info))
    with zipfile.ZipFile(plain) as source:
        unpacked = sum(info.file_size for info in source.infolist())
    monkeypatch.setattr(checkpoints, "MAX_CHECKPOINT_BYTES", unpacked - 1)
    assert packed.stat().st_size < checkpoints.MAX_CHECKPOINT_BYTES
    with pytest.raises(
        checkpoints.CheckpointError, match="unpacks to .* bytes, more than"
    ):
        checkpoints.read_checkpoint(packed)


def test_a_fifo_is_refused_without_waiting(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.pth")
    with pytest.raises(checkpoints.CheckpointError, match="is not a regular file"):
        checkpoints.read_checkpoint(tmp_path / "pipe.pth")


@pytest.mark.parametrize(
    ("odd", "message"),
    [
        (
            lambda sd: {**sd, "head.weight": sd["head.weight"].to_sparse()},
            "is not a dense tensor",
        ),
        (
            lambda sd: {**sd, "head.weight": torch.empty(3, device="meta")},
            "is not a dense tensor",
        ),
        (
            lambda sd: {**sd, "head.weight": sd["head.weight"].to(torch.complex64)},
            "complex numbers",
        ),
        (lambda sd: {**sd, 7: sd["head.weight"]}, "keyed by ints, not names"),
    ],
)
def test_odd_tensors_in_a_checkpoint_are_one_message(tmp_path, odd, message):
    path = checkpoints.save_checkpoint(models.SmallCNN(), tmp_path / "m.pth")
    payload = torch.load(path, weights_only=True)
    payload["state_dict"] = odd(dict(payload["state_dict"]))
    payload["digest"] = "0" * 64  # the form is checked before any digest is computed
    torch.save(payload, path)
    with pytest.raises(checkpoints.CheckpointError, match=message):
        checkpoints.read_checkpoint(path)
