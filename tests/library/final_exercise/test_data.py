"""Tests for the final exercise's data.py: loading corrupted MNIST."""

import pytest

from dlbook.data import DataError
from dlbook.final_exercise import data as fe_data


def test_load_corrupt_mnist_rejects_unknown_split():
    with pytest.raises(ValueError, match="'train' or 'test'"):
        fe_data.load_corrupt_mnist("validation")


def test_missing_corrupt_mnist_names_the_command(data_root):
    with pytest.raises(DataError, match="python -m dlbook.data"):
        fe_data.load_corrupt_mnist("test")


# ---------------------------------------------------------------------------------------------
# Stand-ins and image folder
# ---------------------------------------------------------------------------------------------
