"""Tests for dlbook.data.image_folder: real PNGs in ImageFolder layout."""

import dataclasses
import gzip
import hashlib
from pathlib import Path

import pytest
import torch

from dlbook import files
from dlbook import ops
from dlbook.data import DataError
from dlbook.data import corrupt_mnist
from dlbook.data import datasets
from dlbook.data import image_folder
from dlbook.data import provision
from dlbook.data import raw
from dlbook.data import standins
from dlbook.final_exercise import data as fe_data


def test_image_folder_has_three_classes_of_real_pngs():
    from torchvision.datasets import ImageFolder

    folder = ImageFolder(image_folder.image_folder_dir() / "train")
    assert folder.classes == ["bag", "sandal", "sneaker"]
    assert len(folder) == 3 * image_folder.IMAGE_FOLDER_PER_CLASS["train"]
    image, _ = folder[0]
    assert image.size == (28, 28)
