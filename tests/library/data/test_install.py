"""Tests for dlbook.data.install: dataset folders built whole beside their place and renamed into
it, files dlbook did not write left alone, and one provisioning run at a time."""

import errno
import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlbook import files
from dlbook.data import DataError, install, raw


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_disk_full_mid_build_leaves_the_previous_folder_untouched(
    fake_files, data_root, fake_dataset, monkeypatch
):
    raw.provision_raw(fake_dataset, download=False)
    folder = fake_dataset.raw_dir()
    (folder / raw.IDX_FILES[1]).write_bytes(b"damaged")
    before = contents(folder)
    written = []
    real_write = Path.write_bytes

    def write_until_full(self, data):
        if len(written) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        written.append(self)
        return real_write(self, data)

    with monkeypatch.context() as patch, pytest.raises(OSError, match="No space left"):
        patch.setattr(Path, "write_bytes", write_until_full)
        raw.provision_raw(fake_dataset, download=False)
    assert contents(folder) == before  # not one file of the old folder replaced
    assert sorted(p.name for p in folder.parent.iterdir()) == ["raw"]  # no half-built sibling
    assert "replaced damaged" in raw.provision_raw(fake_dataset, download=False)
    assert contents(folder) == fake_files


KILL_MID_BUILD = """
import hashlib, os, signal, sys
from pathlib import Path
from dlbook.data import raw
files = {name: f"fake contents of {name}\\n".encode() * 50 for name in raw.IDX_FILES}
ds = raw.RawDataset("Fake", "Fake", {n: hashlib.sha256(p).hexdigest() for n, p in files.items()},
                    "DLBOOK_FAKE_SOURCE", "install the fake package", (Path(sys.argv[1]),))
real_write = Path.write_bytes
def write_then_die(self, data):
    real_write(self, data)
    if self.name == raw.IDX_FILES[2]:
        os.kill(os.getpid(), signal.SIGKILL)
Path.write_bytes = write_then_die
raw.provision_raw(ds, download=False)
"""


def test_a_killed_build_leaves_no_folder_and_the_next_run_finishes(
    fake_files, data_root, fake_dataset
):
    source = fake_dataset.candidates[0]
    run = subprocess.run([sys.executable, "-c", KILL_MID_BUILD, str(source)], timeout=120)
    assert run.returncode == -9
    folder = fake_dataset.raw_dir()
    assert not folder.exists()  # three files written, none of them in place
    assert [p.name.startswith(".raw.partial-") for p in folder.parent.iterdir()] == [True]
    assert raw.provision_raw(fake_dataset, download=False).startswith("Fake: wrote 4 file(s)")
    assert contents(folder) == fake_files
    assert sorted(p.name for p in folder.parent.iterdir()) == ["raw"]  # the leftover is gone


def test_a_file_dlbook_did_not_write_stops_a_rebuild_and_is_kept(data_root, fake_dataset):
    raw.provision_raw(fake_dataset, download=False)
    folder = fake_dataset.raw_dir()
    (folder / raw.IDX_FILES[0]).unlink()
    (folder / "my-notes.txt").write_text("mine")
    with pytest.raises(DataError, match=r"holds files dlbook does not write \(my-notes.txt\)"):
        raw.provision_raw(fake_dataset, download=False)
    assert (folder / "my-notes.txt").read_text() == "mine"


def test_foreign_entries_lists_unknown_files_folders_and_links(tmp_path):
    (tmp_path / "train" / "bag").mkdir(parents=True)
    (tmp_path / "train" / "bag" / "1.png").write_bytes(b"x")
    (tmp_path / "train" / "extra").mkdir()
    (tmp_path / "link.png").symlink_to(tmp_path / "train" / "bag" / "1.png")
    known = ["train/bag/1.png", "link.png", "MANIFEST.json"]
    assert install.foreign_entries(tmp_path, known) == ["link.png", "train/extra"]
    assert install.foreign_entries(tmp_path / "absent", known) == []


def run_provision(env_value: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, files.DATA_ENV: env_value}
    return subprocess.run([sys.executable, "-m", "dlbook.data", "--no-download"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_a_second_run_at_once_stops_in_one_line(tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    fd = os.open(root / install.LOCK_NAME, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as a run in progress holds it
    try:
        run = run_provision(str(root), tmp_path)
    finally:
        os.close(fd)
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.strip() == (
        f"error: another `python -m dlbook.data` is provisioning {root}; wait for it to finish, "
        "then run it again"
    )
    assert sorted(p.name for p in root.iterdir()) == [install.LOCK_NAME]


@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_a_planted_lock_file_is_refused_without_touching_its_target(tmp_path, kind):
    root = tmp_path / "data"
    root.mkdir()
    target = tmp_path / "elsewhere"
    if kind == "symlink":
        (root / install.LOCK_NAME).symlink_to(target)
    else:
        os.mkfifo(root / install.LOCK_NAME)
    run = run_provision(str(root), tmp_path)  # a FIFO must not hang it
    assert run.returncode == 1 and len(run.stderr.strip().splitlines()) == 1
    assert ("is a symbolic link" if kind == "symlink" else "is not a regular file") in run.stderr
    assert not target.exists()


def test_an_empty_data_variable_is_an_error_and_writes_nothing(tmp_path):
    run = run_provision("", tmp_path)
    assert run.returncode == 1
    assert run.stderr.strip() == (
        "error: DLBOOK_DATA is set but empty; unset it to use the project's data/ folder, or set "
        "it to the folder the datasets should live in"
    )
    assert list(tmp_path.iterdir()) == []


def test_messages_name_the_data_folder_actually_used(data_root, fake_dataset):
    message = raw.provision_raw(fake_dataset, download=False)
    assert f"in {data_root / 'Fake' / 'raw'} from" in message  # not "data/Fake/raw"
    assert files.display_path(data_root / "corruptmnist") == str(data_root / "corruptmnist")
