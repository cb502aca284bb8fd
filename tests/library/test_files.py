"""Tests for dlbook.files: atomic writes, permissions, paths in messages."""

from pathlib import Path

import pytest

from dlbook import files


def test_write_atomically_leaves_old_file_when_writer_fails(tmp_path):
    target = tmp_path / "keep.txt"
    target.write_text("good")

    def broken(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        files.write_atomically(target, broken)
    assert target.read_text() == "good"
    assert list(tmp_path.iterdir()) == [target]


def test_display_path_hides_the_machine_prefix():
    assert files.display_path(files.data_dir() / "MNIST") == "data/MNIST"


def test_atomic_writes_get_ordinary_permissions(tmp_path):
    target = tmp_path / "file.txt"
    files.write_atomically(target, lambda tmp: tmp.write_text("x"))
    assert target.stat().st_mode & 0o777 == 0o666 & ~files._umask()


@pytest.mark.parametrize(
    ("out", "fragment"),
    [
        ("taken", "--out taken exists and is not a folder"),
        ("taken/run", "--out taken/run lies below taken, a file"),
    ],
)
def test_bad_destinations_are_refused_before_any_work(
    tmp_path, monkeypatch, out, fragment
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken").write_text("x")
    with pytest.raises(files.DestinationError, match=fragment):
        files.check_destination(Path(out), "--out")


def test_unwritable_destination_is_refused(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    with pytest.raises(
        files.DestinationError, match="cannot write in .* \\(Permission denied\\)"
    ):
        files.check_destination(tmp_path / "new", "--out")
