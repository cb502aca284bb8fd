"""Fixtures shared by the final exercise's tests: small course-layout data folders."""

from pathlib import Path

import pytest
import torch

from dlbook.data.corrupt_mnist import read_corrupt_file


def write_course_folder(folder: Path, train_per_file: int, test_size: int) -> Path:
    """Write a course-layout ``corruptmnist`` folder from the first digits of the book's files."""
    folder.mkdir(parents=True)
    for i in range(6):
        for kind in ("images", "target"):
            name = f"train_{kind}_{i}.pt"
            torch.save(read_corrupt_file(name)[:train_per_file].clone(), folder / name)
    for name in ("test_images.pt", "test_target.pt"):
        torch.save(read_corrupt_file(name)[:test_size].clone(), folder / name)
    return folder


@pytest.fixture
def make_course_folder():
    """Return the function that writes a course-layout folder of real corrupted digits."""
    return write_course_folder


@pytest.fixture
def course_data(tmp_path) -> Path:
    """A course-layout folder of six training files of 20 real corrupted digits, and 30 test."""
    return write_course_folder(tmp_path / "data" / "corruptmnist", 20, 30)
