"""Tests for dlbook.runs: destination checks, the run lock, saving a pair as one unit, kills."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch

from dlbook import checkpoints, files, runs
from dlbook.files import sha256_of
from dlbook.final_exercise.model import CorruptMNISTNet

NAMES = ("model.pth", "training_curve.png")


def text_writers(tag):
    """Writers that put ``tag`` into both files, so a mixed pair is visible."""
    return {name: (lambda path, name=name: path.write_text(f"{name} {tag}")) for name in NAMES}


def pair(folder):
    """Return the tags the two files carry (None for a missing file)."""
    return tuple(
        (folder / n).read_text().split()[-1] if (folder / n).exists() else None for n in NAMES
    )


def test_finite_loss_passes_and_nan_or_inf_is_divergence():
    runs.check_finite_loss(0.5, 1, 1)
    for value in (float("nan"), float("inf")):
        with pytest.raises(runs.Diverged, match="loss became (nan|inf) at step 7 \\(epoch 2\\)"):
            runs.check_finite_loss(value, 7, 2)


def test_batch_size_larger_than_the_data_is_refused():
    runs.check_batch_size(64, 64)
    with pytest.raises(runs.RunError, match="--batch-size 65 is larger than the 64 training"):
        runs.check_batch_size(65, 64)


@pytest.mark.parametrize(
    ("layout", "out", "fragment"),
    [
        ("file", "taken", "--out taken exists and is not a folder"),
        ("file", "taken/run", "--out taken/run lies below taken, a file"),
        ("model-folder", "run", "run/model.pth exists and is not a regular file"),
    ],
)
def test_bad_destinations_are_refused_before_any_work(tmp_path, monkeypatch, layout, out, fragment):
    monkeypatch.chdir(tmp_path)
    if layout == "file":
        (tmp_path / "taken").write_text("x")
    else:
        (tmp_path / "run" / "model.pth").mkdir(parents=True)
    with pytest.raises(runs.RunError, match=fragment):
        runs.check_destination(Path(out), NAMES)


def test_unwritable_destination_is_refused(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(runs.tempfile, "mkstemp", refuse)
    with pytest.raises(runs.RunError, match="cannot write in .* \\(Permission denied\\)"):
        runs.check_destination(tmp_path / "new", NAMES)


def test_save_writes_both_files_and_reports_it(tmp_path):
    with runs.RunFolder(tmp_path / "run", NAMES) as run:
        run.save(text_writers("new"))
    assert pair(tmp_path / "run") == ("new", "new") and run.saved
    assert "holds this run's model.pth and training_curve.png" in run.outcome()


def save_over_old_pair(folder, failure):
    """Save an "old" pair, then a "new" one whose curve writer raises ``failure``."""
    with runs.RunFolder(folder, NAMES) as run:
        run.save(text_writers("old"))
    writers = text_writers("new")

    def broken(path):
        path.write_text("half")
        raise failure

    writers[NAMES[1]] = broken
    with runs.RunFolder(folder, NAMES) as run:
        run.save(writers)


def test_failed_writer_keeps_the_old_pair_and_leaves_no_debris(tmp_path):
    folder = tmp_path / "run"
    with pytest.raises(runs.RunError, match="No space left on device.*keeps the earlier"):
        save_over_old_pair(folder, OSError(28, "No space left on device"))
    assert pair(folder) == ("old", "old")
    assert sorted(p.name for p in folder.iterdir()) == [runs.LOCK_NAME, *NAMES]


def test_interrupt_before_commit_keeps_old_pair_and_says_so(tmp_path):
    folder = tmp_path / "run"
    with pytest.raises(runs.RunInterrupted, match="nothing was saved, .* keeps the earlier"):
        save_over_old_pair(folder, KeyboardInterrupt())
    assert pair(folder) == ("old", "old")


def test_ctrl_c_during_the_renames_is_held_back_until_the_new_pair_is_complete(
    tmp_path, monkeypatch
):
    folder = tmp_path / "run"
    with runs.RunFolder(folder, NAMES) as run:
        run.save(text_writers("old"))
    real_replace = os.replace
    calls = []

    def replace_then_ctrl_c(src, dst):
        if Path(dst).name in NAMES and not calls:  # Ctrl-C lands between the two renames
            os.kill(os.getpid(), signal.SIGINT)
            calls.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", replace_then_ctrl_c)
    with pytest.raises(runs.RunInterrupted, match="interrupted; .* holds this run's model.pth"):
        with runs.RunFolder(folder, NAMES) as run:
            run.save(text_writers("new"))
    assert pair(folder) == ("new", "new")


def test_a_committed_save_cut_short_is_completed_by_the_next_run(tmp_path, capsys):
    folder = tmp_path / "run"
    with runs.RunFolder(folder, NAMES) as run:
        run.save(text_writers("old"))
    # the state a kill leaves between the two renames: journal written, one copy renamed
    (folder / ".curve.staged.png").write_text("training_curve.png new")
    (folder / NAMES[0]).write_text("model.pth new")
    (folder / files.PENDING).write_text(
        json.dumps({"files": {NAMES[1]: ".curve.staged.png", NAMES[0]: ".gone.staged.pth"}})
    )
    (folder / ".model.x.staged.pth").write_text("an uncommitted copy")
    with runs.RunFolder(folder, NAMES) as run:
        assert run.earlier == list(NAMES)
    assert pair(folder) == ("new", "new")
    assert "completed a save an earlier run left unfinished" in capsys.readouterr().out
    assert sorted(p.name for p in folder.iterdir()) == [runs.LOCK_NAME, *NAMES]


def test_second_run_into_the_same_folder_is_refused(tmp_path):
    folder = tmp_path / "run"
    with runs.RunFolder(folder, NAMES):
        with pytest.raises(runs.RunError, match="another run is writing into"):
            with runs.RunFolder(folder, NAMES):
                pass
    with runs.RunFolder(folder, NAMES):  # free again afterwards
        pass


def test_lock_holds_across_processes(tmp_path):
    folder = tmp_path / "run"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from dlbook.runs import RunFolder
            with RunFolder({str(folder)!r}, ["model.pth"]):
                print("locked", flush=True)
                time.sleep(30)
        """)],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(runs.RunError, match="another run is writing into"):
            with runs.RunFolder(folder, NAMES):
                pass
    finally:
        holder.kill()
        holder.wait()


def test_failed_run_removes_the_folder_it_created(tmp_path):
    with pytest.raises(ValueError):
        with runs.RunFolder(tmp_path / "new", NAMES):
            raise ValueError("no data")
    assert not (tmp_path / "new").exists()


def test_out_of_memory_names_the_batch_size(tmp_path):
    with pytest.raises(runs.RunError, match="out of memory while training; choose a smaller"):
        with runs.RunFolder(tmp_path / "run", NAMES):
            raise RuntimeError("DefaultCPUAllocator: can't allocate memory: you tried 9 GB")


SAVER = """
import sys
import torch
from pathlib import Path
from dlbook.checkpoints import save_checkpoint
from dlbook.files import sha256_of
from dlbook.final_exercise.model import CorruptMNISTNet
from dlbook.plots import save_training_curve
from dlbook.interrupts import restore_interrupts
from dlbook.runs import RunFolder

restore_interrupts()
folder, scratch = Path(sys.argv[1]), Path(sys.argv[2])
model = CorruptMNISTNet()
print("ready", flush=True)
generation = 0
while True:
    generation += 1
    save_training_curve([generation, 1.0], scratch / "curve.png", title=str(generation))
    digest = sha256_of(scratch / "curve.png")
    with RunFolder(folder, ["model.pth", "training_curve.png"]) as run:
        run.save({
            "model.pth": lambda p: save_checkpoint(model, p, curve=digest, generation=generation),
            "training_curve.png": lambda p: p.write_bytes((scratch / "curve.png").read_bytes()),
        })
    print("saved", generation, flush=True)
"""


def consistent_pair(folder):
    """Return the generation of the pair in ``folder`` after finishing any committed save."""
    with runs.RunFolder(folder, NAMES):
        pass
    extra = checkpoints.read_checkpoint(folder / "model.pth")["extra"]
    assert extra["curve"] == sha256_of(folder / "training_curve.png"), "mixed pair"
    return extra["generation"]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killing_real_saves_at_random_moments_never_mixes_a_pair(tmp_path, sig):
    folder, scratch = tmp_path / "run", tmp_path / "scratch"
    scratch.mkdir()
    script = tmp_path / "saver.py"
    script.write_text(SAVER)
    generator = torch.Generator().manual_seed(0)
    for _ in range(4):
        saver = subprocess.Popen(
            [sys.executable, str(script), str(folder), str(scratch)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert saver.stdout.readline().strip() == "ready"
        assert saver.stdout.readline().startswith("saved")  # saves are under way
        time.sleep(0.5 * torch.rand(1, generator=generator).item())
        saver.send_signal(sig)
        saver.communicate(timeout=60)
        assert consistent_pair(folder) >= 1


def test_checkpoint_in_a_saved_pair_is_verified(tmp_path):
    with runs.RunFolder(tmp_path, NAMES) as run:
        run.save(
            {
                NAMES[0]: lambda p: checkpoints.save_checkpoint(CorruptMNISTNet(), p),
                NAMES[1]: lambda p: p.write_bytes(b"png"),
            }
        )
    assert isinstance(checkpoints.load_checkpoint(tmp_path / NAMES[0]), CorruptMNISTNet)
