"""Tests for the final exercise's main.py: training into new run folders, evaluation, bad input."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from dlbook.final_exercise import data as fe_data
from dlbook.final_exercise import main as cli
from dlbook.final_exercise import model as fe_model

FOLDER = Path(cli.__file__).parent


def run(capsys, *argv):
    """Run the command line; return its exit status, stdout and stderr lines."""
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out.strip().splitlines(), err.strip().splitlines()


def train_args(course_data, *extra):
    """Return ``train`` arguments for a quick run on the small course folder."""
    return [
        "train",
        "--data",
        course_data,
        "--epochs",
        "1",
        "--batch-size",
        "16",
        *extra,
    ]


def test_each_training_run_gets_a_new_folder_and_evaluate_reads_its_checkpoint(
    course_data, tmp_path, capsys
):
    runs = tmp_path / "runs"
    for _ in range(2):
        status, out, err = run(capsys, *train_args(course_data, "--runs", runs))
        assert status == 0 and err == [], err
    first, second = sorted(runs.iterdir())
    assert first != second and re.fullmatch(r"\d{8}-\d{6}(-\d+)?", first.name)
    for folder in (first, second):
        assert sorted(p.name for p in folder.iterdir()) == [
            "model.pth",
            "training_curve.png",
        ]
        assert (folder / "training_curve.png").read_bytes()[:4] == b"\x89PNG"
    status, out, err = run(
        capsys, "evaluate", first / "model.pth", "--data", course_data
    )
    assert status == 0 and err == []
    assert re.fullmatch(
        r"test accuracy: [01]\.\d{4} \(\d+/30 digits, each on its own\)", out[0]
    )


def test_out_must_be_a_new_folder_and_nothing_in_an_existing_one_is_touched(
    course_data, tmp_path, capsys
):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "model.pth").write_bytes(b"earlier work")
    status, out, err = run(capsys, *train_args(course_data, "--out", taken))
    assert status == 1 and err == [
        f"error: --out {taken} already exists; name a new folder"
    ]
    assert (taken / "model.pth").read_bytes() == b"earlier work"
    assert sorted(p.name for p in taken.iterdir()) == ["model.pth"]


def test_planted_state_files_and_symlinks_in_runs_are_never_followed(
    course_data, tmp_path, capsys
):
    runs, victim = tmp_path / "runs", tmp_path / "victim.txt"
    runs.mkdir()
    victim.write_text("precious")
    (runs / ".pending-writes.json").write_text('{"files": {"../victim.txt": "x"}}')
    (runs / ".run.lock").symlink_to(victim)
    status, _, err = run(capsys, *train_args(course_data, "--runs", runs))
    assert status == 0, err
    assert victim.read_text() == "precious"


def test_a_failed_save_leaves_no_partial_file(tmp_path):
    target = tmp_path / "model.pth"

    def half_then_fail(path):
        path.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        cli.save_atomically(target, half_then_fail)
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_run_removes_its_empty_folder(
    course_data, tmp_path, capsys, monkeypatch
):
    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "train_model", ctrl_c)
    status, _, err = run(capsys, *train_args(course_data, "--runs", tmp_path / "runs"))
    assert status == 130 and err == [
        "error: interrupted; no file was left half-written"
    ]
    assert list((tmp_path / "runs").iterdir()) == []


def test_diverging_training_stops_with_one_line(course_data, tmp_path, capsys):
    status, _, err = run(
        capsys, *train_args(course_data, "--lr", "1e30", "--out", tmp_path / "r")
    )
    assert status == 1 and len(err) == 1 and "training diverged" in err[0]
    assert not (tmp_path / "r").exists()


def test_evaluate_accepts_a_state_dict_saved_the_course_way(
    course_data, tmp_path, capsys
):
    torch.save(fe_model.MyAwesomeModel().state_dict(), tmp_path / "model.pth")
    status, out, _ = run(
        capsys, "evaluate", tmp_path / "model.pth", "--data", course_data
    )
    assert status == 0 and out[0].startswith("test accuracy: ")


def crafted(tmp_path, name, change):
    """Save a state_dict of the exercise's network after ``change(state)``; return its path."""
    state = fe_model.MyAwesomeModel().state_dict()
    change(state)
    torch.save(state, tmp_path / name)
    return tmp_path / name


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.update({"classifier.bias": torch.full((10,), float("nan"))}), "NaN or infinite"),
        (lambda s: s.update({"classifier.bias": torch.zeros(20)}), r"is torch.float32 \[20\], the network needs"),
        (lambda s: s.update({"classifier.bias": torch.zeros(10).to_sparse()}), "is not a dense tensor"),
        (lambda s: s.update({"classifier.bias": torch.zeros(10, dtype=torch.int64)}), "torch.int64 \\[10\\]"),
        (lambda s: s.update({"classifier.bias": torch.zeros(10, device="meta")}), "not a dense tensor"),
        (lambda s: s.update({7: torch.zeros(1)}), "is not a state_dict of this exercise's"),
        (lambda s: s.pop("classifier.bias"), "is not a state_dict of this exercise's"),
    ],
)  # fmt: skip
def test_evaluate_refuses_a_checkpoint_that_does_not_fit_in_one_line(
    course_data, tmp_path, capsys, change, message
):
    path = crafted(tmp_path, "bad.pth", change)
    status, _, err = run(capsys, "evaluate", path, "--data", course_data)
    assert status == 1 and len(err) == 1 and re.search(message, err[0]), err


def test_evaluate_refuses_huge_missing_special_and_garbage_files(
    course_data, tmp_path, capsys
):
    huge = tmp_path / "huge.pth"
    torch.save(
        {"features.0.weight": torch.zeros(30_000, 1000)}, huge
    )  # 120 MB declared
    (tmp_path / "garbage.pth").write_bytes(b"not a checkpoint")
    cases = {
        huge: "more than the 16,777,216 allowed",
        tmp_path / "missing.pth": "cannot be read: No such file",
        tmp_path: "is not a regular file",
        tmp_path / "garbage.pth": "is not a readable tensor file",
    }
    for path, message in cases.items():
        status, _, err = run(capsys, "evaluate", path, "--data", course_data)
        assert status == 1 and len(err) == 1 and message in err[0], err


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["train", "--lr", "0"], "argument --lr: expected a number > 0, got '0'"),
        (["train", "--lr", "nan"], "argument --lr: expected a number > 0"),
        (
            ["train", "--epochs", "-1"],
            "argument --epochs: expected a whole number >= 1",
        ),
        (
            ["train", "--seed", str(2**64)],
            "argument --seed: expected a whole number from 0",
        ),
        (["train", "--out", ""], "argument --out: expected a folder, got empty text"),
        (
            ["train", "--data", " "],
            "argument --data: expected a folder, got empty text",
        ),
        (["evaluate"], "the following arguments are required: CHECKPOINT"),
        (["fly"], "invalid choice: 'fly'"),
    ],
)
def test_bad_arguments_are_usage_errors_exit_2(argv, fragment, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    assert fragment in capsys.readouterr().err


def test_batch_size_larger_than_the_data_is_refused_before_a_folder_is_made(
    course_data, tmp_path, capsys
):
    status, _, err = run(capsys, "train", "--data", course_data, "--batch-size", "1000",
                         "--runs", tmp_path / "runs")  # fmt: skip
    assert status == 1 and "more than the 120 training images" in err[0]
    assert not (tmp_path / "runs").exists()


def test_the_three_files_import_only_pytorch_torchvision_matplotlib_and_the_standard_library():
    allowed = {"torch", "torchvision", "matplotlib", "numpy", "data", "model"}
    for name in ("data.py", "model.py", "main.py"):
        source = (FOLDER / name).read_text()
        found = re.findall(
            r"^\s*(?:from ([\w.]+) import|import ([\w.]+))", source, re.MULTILINE
        )
        top = {(a or b).lstrip(".").split(".")[0] for a, b in found} - {""}
        foreign = {m for m in top - allowed if m not in sys.stdlib_module_names}
        assert foreign == set(), f"{name} imports {foreign}"
        assert source.count("\n") <= 330, f"{name} is longer than a few screens"


def test_the_three_files_work_copied_into_an_empty_course_project(
    tmp_path, make_course_folder
):
    project = tmp_path / "project"
    make_course_folder(project / "data" / "corruptmnist", 200, 300)
    for name in ("data.py", "model.py", "main.py"):
        shutil.copy(FOLDER / name, project / name)
    blocker = tmp_path / "blocker"
    blocker.mkdir()  # any import of the book's package fails loudly
    (blocker / "dlbook.py").write_text(
        "raise ImportError('the exercise files imported dlbook')"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(blocker), "HOME": str(tmp_path),
           "PYTHONDONTWRITEBYTECODE": "1"}  # fmt: skip
    train = subprocess.run([sys.executable, "main.py", "train", "--lr", "1e-4", "--epochs", "1"],
                           cwd=project, capture_output=True, text=True, env=env)  # fmt: skip
    assert train.returncode == 0, train.stderr
    (run_folder,) = (project / "runs").iterdir()
    assert (run_folder / "training_curve.png").read_bytes()[:4] == b"\x89PNG"
    evaluate = subprocess.run([sys.executable, "main.py", "evaluate", f"runs/{run_folder.name}/model.pth"],
                              cwd=project, capture_output=True, text=True, env=env)  # fmt: skip
    assert evaluate.returncode == 0, evaluate.stderr
    (line,) = evaluate.stdout.splitlines()
    found = re.fullmatch(
        r"test accuracy: ([01]\.\d{4}) \(\d+/300 digits, each on its own\)", line
    )
    _, test_set = fe_data.corrupt_mnist(project / "data" / "corruptmnist")
    model = cli.load_model(run_folder / "model.pth")
    assert found and float(found.group(1)) == round(cli.accuracy(model, test_set), 4)
    assert sorted(p.name for p in project.iterdir()) == [
        "data",
        "data.py",
        "main.py",
        "model.py",
        "runs",
    ]


def test_a_model_the_course_way_loads_with_the_course_call(tmp_path):
    torch.save(fe_model.MyAwesomeModel().state_dict(), tmp_path / "model.pth")
    net = fe_model.MyAwesomeModel()
    net.load_state_dict(
        torch.load(tmp_path / "model.pth")
    )  # what the course's evaluate does
    assert isinstance(cli.load_model(tmp_path / "model.pth"), fe_model.MyAwesomeModel)
    assert fe_data.MAX_FILE_BYTES > (tmp_path / "model.pth").stat().st_size
