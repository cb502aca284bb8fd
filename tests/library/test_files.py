"""Tests for dlbook.files: atomic writes, permissions, paths in messages."""

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
