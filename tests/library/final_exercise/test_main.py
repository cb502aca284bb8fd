"""Tests for the final exercise's main.py: training, evaluation, bad input."""

import re

import pytest
import torch
from torch import nn

from dlbook import checkpoints, models
from dlbook.data import DataError
from dlbook.final_exercise import main as cli
from dlbook.final_exercise import model as fe_model


@pytest.fixture
def tiny_data(monkeypatch):
    """Replace corrupted MNIST by 60 random images (six files of 10) so training takes a moment."""
    generator = torch.Generator().manual_seed(0)
    images = torch.rand(60, 28, 28, generator=generator)
    targets = torch.randint(0, 10, (60,), generator=generator)
    monkeypatch.setattr(cli, "load_corrupt_mnist", lambda split, folder=None: (images, targets))
    return images, targets


@pytest.fixture
def no_data(monkeypatch):
    """Make corrupted MNIST missing, as on a machine where provisioning was not run."""

    def missing(split, folder=None):
        raise DataError(
            "corrupted MNIST is missing from data/corruptmnist; run `python -m dlbook.data`"
        )

    monkeypatch.setattr(cli, "load_corrupt_mnist", missing)


def run(capsys, *argv):
    """Run the CLI; return its exit status, stdout and stderr lines."""
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out.strip().splitlines(), err.strip().splitlines()


def test_train_writes_checkpoint_and_curve_then_evaluate_prints_accuracy(
    tiny_data, tmp_path, capsys
):
    status, out, err = run(capsys, "train", "--lr", "1e-3", "--epochs", "2", "--batch-size", "16",
                           "--out", str(tmp_path))  # fmt: skip
    assert status == 0 and err == []
    assert out[0] == "epoch 1/2: mean training loss " + out[0].rsplit(" ", 1)[1]
    assert (tmp_path / "training_curve.png").read_bytes()[:4] == b"\x89PNG"
    payload = checkpoints.read_checkpoint(tmp_path / "model.pth")
    assert payload["architecture"] == "CorruptMNISTNet"
    assert payload["extra"]["training"] == {"lr": 1e-3, "epochs": 2, "batch_size": 16, "seed": 0}
    status, out, err = run(capsys, "evaluate", str(tmp_path / "model.pth"))
    assert status == 0 and len(out) == 2
    assert re.fullmatch(
        r"test accuracy: [01]\.\d{4} \(\d+/60 correct, the file turned by [+-]\d+ degrees\)", out[0]
    )
    assert re.fullmatch(r"each digit on its own, unturned: [01]\.\d{4}", out[1])


def test_training_is_reproducible(tiny_data):
    config = cli.TrainConfig(lr=1e-3, epochs=1, batch_size=32, seed=3)
    _, first = cli.train_model(*tiny_data, config)
    _, second = cli.train_model(*tiny_data, config)
    assert first == second and len(first) == 2


def test_test_accuracy_counts_correct_predictions():
    class Fixed(nn.Module):
        def forward(self, x):
            return torch.eye(10)[torch.arange(len(x)) % 10]

    images, targets = torch.zeros(20, 28, 28), torch.arange(20) % 10
    targets[:5] = 9  # the model predicts 0..4 for these five
    assert cli.test_accuracy(Fixed(), images, targets) == pytest.approx(15 / 20)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["train", "--lr", "0"], "argument --lr: expected a number > 0, got '0'"),
        (["train", "--lr=-1e-3"], "argument --lr: expected a number > 0"),
        (["train", "--lr", "-0.001"], "argument --lr: expected a number > 0"),
        (["train", "--lr", "nan"], "argument --lr: expected a number > 0"),
        (["train", "--lr", "fast"], "argument --lr: expected a number > 0, got 'fast'"),
        (["train", "--epochs", "0"], "argument --epochs: expected a whole number >= 1, got '0'"),
        (["train", "--batch-size", "2.5"], "argument --batch-size: expected a whole number >= 1"),
        (["train", "--seed", "-1"], "argument --seed: expected a whole number >= 0"),
        (["train", "--learning-rate", "1"], "unrecognized arguments: --learning-rate 1"),
        (["fit"], "invalid choice: 'fit'"),
        ([], "the following arguments are required"),
        (["evaluate"], "the following arguments are required: checkpoint"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(argv, fragment, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and fragment in err[0] and err[0].endswith("(see --help)")


def test_help_lists_both_commands_and_options(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    assert "train" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    out = capsys.readouterr().out
    assert "--lr" in out and "--epochs" in out and "--batch-size" in out and "--out" in out


def test_missing_data_is_one_line_and_keeps_earlier_checkpoint(no_data, tmp_path, capsys):
    earlier = tmp_path / "model.pth"
    earlier.write_bytes(b"an earlier run")
    status, out, err = run(capsys, "train", "--out", str(tmp_path))
    assert status == 1 and err == [
        "error: corrupted MNIST is missing from data/corruptmnist; run `python -m dlbook.data`"
    ]
    assert earlier.read_bytes() == b"an earlier run"


def test_interrupted_run_saves_nothing(tiny_data, tmp_path, capsys, monkeypatch):
    earlier = tmp_path / "model.pth"
    earlier.write_bytes(b"an earlier run")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "train_model", interrupted)
    status, _, err = run(capsys, "train", "--batch-size", "16", "--out", str(tmp_path))
    assert status == 130 and err == [
        f"error: interrupted; nothing was saved, {tmp_path} keeps the earlier model.pth"
    ]
    assert earlier.read_bytes() == b"an earlier run"
    assert not (tmp_path / "training_curve.png").exists()


def train_tiny(capsys, out, *options):
    """Train for one epoch on the tiny data into ``out``; return status, stdout, stderr."""
    return run(capsys, "train", "--epochs", "1", "--batch-size", "16", "--out", str(out), *options)


def test_diverging_run_stops_early_and_keeps_the_good_pair(tiny_data, tmp_path, capsys):
    assert train_tiny(capsys, tmp_path)[0] == 0
    before = {n: (tmp_path / n).read_bytes() for n in ("model.pth", "training_curve.png")}
    status, out, err = train_tiny(capsys, tmp_path, "--lr", "1e9", "--epochs", "3")
    assert status == 1 and out == [] and len(err) == 1
    assert re.match(r"error: training diverged: the loss became (nan|inf) at step ", err[0])
    assert "(epoch 1)" in err[0] and err[0].endswith(
        f"nothing was saved, {tmp_path} keeps the earlier model.pth and training_curve.png; "
        "try a smaller --lr"
    )
    assert {n: (tmp_path / n).read_bytes() for n in before} == before


def test_interrupt_while_saving_keeps_the_old_pair_and_says_so(
    tiny_data, tmp_path, capsys, monkeypatch
):
    assert train_tiny(capsys, tmp_path)[0] == 0
    before = {n: (tmp_path / n).read_bytes() for n in ("model.pth", "training_curve.png")}

    def ctrl_c_while_drawing(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "save_training_curve", ctrl_c_while_drawing)
    status, _, err = train_tiny(capsys, tmp_path, "--seed", "1")
    assert status == 130 and err == [
        f"error: interrupted; nothing was saved, {tmp_path} keeps the earlier model.pth and "
        "training_curve.png"
    ]
    assert {n: (tmp_path / n).read_bytes() for n in before} == before


@pytest.mark.parametrize(
    ("layout", "fragment"),
    [
        ("below-a-file", "lies below"),
        ("model-is-a-folder", "model.pth exists and is not a regular file"),
        ("curve-is-a-folder", "training_curve.png exists and is not a regular file"),
    ],
)
def test_bad_destination_is_refused_before_training(
    tiny_data, tmp_path, capsys, monkeypatch, layout, fragment
):
    def must_not_train(*args, **kwargs):
        raise AssertionError("trained although the destination is unusable")

    monkeypatch.setattr(cli, "train_model", must_not_train)
    if layout == "below-a-file":
        (tmp_path / "file").write_text("x")
        out = tmp_path / "file" / "run"
    else:
        out = tmp_path / "run"
        (out / ("model.pth" if layout == "model-is-a-folder" else "training_curve.png")).mkdir(
            parents=True
        )
    status, _, err = run(capsys, "train", "--out", str(out))
    assert status == 1 and len(err) == 1 and fragment in err[0]


def test_batch_size_larger_than_the_data_is_one_line(tiny_data, tmp_path, capsys):
    status, _, err = run(capsys, "train", "--batch-size", "1000000", "--out", str(tmp_path / "r"))
    assert status == 1 and err == [
        "error: --batch-size 1000000 is larger than the 60 training examples; choose at most 60"
    ]
    assert not (tmp_path / "r").exists()


def test_second_run_into_a_busy_folder_is_refused(tiny_data, tmp_path, capsys):
    from dlbook.runs import RunFolder

    with RunFolder(tmp_path, ("model.pth", "training_curve.png")):
        status, _, err = train_tiny(capsys, tmp_path)
    assert status == 1 and err == [
        f"error: another run is writing into {tmp_path}; wait for it to finish or choose "
        "another --out"
    ]
    assert not (tmp_path / "model.pth").exists()


def test_evaluate_refuses_a_checkpoint_with_a_flipped_byte(
    tiny_data, tmp_path, capsys, flip_weight_byte
):
    path = checkpoints.save_checkpoint(fe_model.CorruptMNISTNet(), tmp_path / "model.pth")
    flip_weight_byte(path)
    status, out, err = run(capsys, "evaluate", str(path))
    assert status == 1 and out == [] and len(err) == 1 and "fails its content check" in err[0]


def test_evaluate_refuses_nan_weights(tiny_data, tmp_path, capsys):
    path = checkpoints.save_checkpoint(fe_model.CorruptMNISTNet(), tmp_path / "model.pth")
    payload = checkpoints.read_checkpoint(path)
    payload["state_dict"]["classifier.1.bias"][:] = float("nan")
    payload["digest"] = checkpoints.content_digest(payload)
    torch.save(payload, path)
    status, out, err = run(capsys, "evaluate", str(path))
    assert status == 1 and out == [] and len(err) == 1 and "non-finite weights" in err[0]


def test_evaluate_reports_a_missing_config_in_one_line(tiny_data, tmp_path, capsys):
    path = checkpoints.save_checkpoint(fe_model.CorruptMNISTNet(), tmp_path / "model.pth")
    payload = checkpoints.read_checkpoint(path)
    del payload["config"]
    torch.save(payload, path)
    status, _, err = run(capsys, "evaluate", str(path))
    assert status == 1 and len(err) == 1 and "'config' entry is missing" in err[0]


def test_out_that_is_a_file_is_refused(tiny_data, tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("x")
    status, _, err = run(capsys, "train", "--out", str(target))
    assert status == 1 and "exists and is not a folder" in err[0]


def test_evaluate_missing_checkpoint(tiny_data, tmp_path, capsys):
    status, _, err = run(capsys, "evaluate", str(tmp_path / "nope.pth"))
    assert status == 1 and err == [f"error: no checkpoint at {tmp_path / 'nope.pth'}"]


def test_evaluate_truncated_checkpoint(tiny_data, tmp_path, capsys):
    path = checkpoints.save_checkpoint(fe_model.CorruptMNISTNet(), tmp_path / "model.pth")
    path.write_bytes(path.read_bytes()[:500])
    status, _, err = run(capsys, "evaluate", str(path))
    assert status == 1 and len(err) == 1 and "is not a readable checkpoint" in err[0]


def test_evaluate_foreign_architecture(tiny_data, tmp_path, capsys):
    path = checkpoints.save_checkpoint(models.SmallCNN(), tmp_path / "other.pth")
    status, _, err = run(capsys, "evaluate", str(path))
    assert status == 1 and err == [
        f"error: {path} holds a SmallCNN, not the CorruptMNISTNet this command needs"
    ]


def test_evaluate_accepts_a_plain_state_dict_saved_the_course_way(tiny_data, tmp_path, capsys):
    torch.manual_seed(0)
    model = fe_model.CorruptMNISTNet(channels=(8, 16, 32))
    torch.save(model.state_dict(), tmp_path / "trained_model.pt")
    checkpoints.save_checkpoint(model, tmp_path / "model.pth")
    status, out, err = run(capsys, "evaluate", str(tmp_path / "trained_model.pt"))
    assert status == 0 and err == []
    assert out == run(capsys, "evaluate", str(tmp_path / "model.pth"))[1]


def test_evaluate_plain_state_dict_of_another_network(tiny_data, tmp_path, capsys):
    path = tmp_path / "other.pt"
    torch.save(models.SmallCNN().state_dict(), path)
    status, _, err = run(capsys, "evaluate", str(path))
    assert status == 1 and len(err) == 1
    assert err[0].startswith(
        f"error: {path} holds a plain state_dict that does not fit the exercise's CorruptMNISTNet: "
    )
    assert "missing (e.g. features.0.0.weight)" in err[0]


def test_evaluate_non_checkpoint_file(tiny_data, tmp_path, capsys):
    path = tmp_path / "weights.pth"
    torch.save([1, 2, 3], path)
    status, _, err = run(capsys, "evaluate", str(path))
    assert status == 1 and len(err) == 1 and "not a dlbook checkpoint" in err[0]


def test_folder_without_manifest_is_noted_on_stderr(tiny_data, tmp_path, capsys, monkeypatch):
    seen = []
    monkeypatch.setattr(cli, "is_checksummed", lambda folder: seen.append(folder) or False)
    path = checkpoints.save_checkpoint(fe_model.CorruptMNISTNet(), tmp_path / "model.pth")
    status, out, err = run(capsys, "evaluate", str(path), "--data", str(tmp_path))
    assert status == 0 and seen == [tmp_path] and out[0].startswith("test accuracy:")
    assert err == [
        f"note: {tmp_path} has no MANIFEST.json, so its files are not checksummed; their names, "
        "shapes, dtypes and value ranges were checked"
    ]


def test_evaluate_missing_data(no_data, tmp_path, capsys):
    path = checkpoints.save_checkpoint(fe_model.CorruptMNISTNet(), tmp_path / "model.pth")
    status, _, err = run(capsys, "evaluate", str(path))
    assert status == 1 and err[0].startswith("error: corrupted MNIST is missing")


def test_progress_bar_reports_each_epoch_on_stderr(tiny_data, capsys):
    cli.train_model(*tiny_data, cli.TrainConfig(epochs=1, batch_size=32), progress=True)
    err = capsys.readouterr().err
    assert "epoch 1/1" in err and "loss=" in err


def test_main_runs_as_a_script_from_its_own_folder():
    """The course's way: `python main.py ...` from the folder that holds the three files."""
    import subprocess
    import sys
    from pathlib import Path

    folder = Path(cli.__file__).parent
    result = subprocess.run(
        [sys.executable, "main.py", "train", "--lr", "0"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().endswith("expected a number > 0, got '0' (see --help)")


@pytest.mark.parametrize("delay", [0.5, 1.5])
def test_ctrl_c_while_starting_is_one_line_and_exit_130(tmp_path, delay):
    """Ctrl-C while PyTorch is still loading (the first second of a run): no traceback."""
    import signal
    import subprocess
    import sys
    import time

    command = [sys.executable, "-m", "dlbook.final_exercise.main", "evaluate", "missing.pth"]
    process = subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert (process.returncode, lines[0]) in {
        (130, "error: interrupted while starting; nothing was changed"),
        (130, "error: interrupted; nothing was changed"),
        (1, "error: no checkpoint at missing.pth"),  # a fast machine finished first
    }
