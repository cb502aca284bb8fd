"""Tests for dlbook.data.image_folder: real PNGs in ImageFolder layout."""

import pytest
import torch

from dlbook import files
from dlbook.data import image_folder


def test_image_folder_has_three_classes_of_real_pngs():
    from torchvision.datasets import ImageFolder

    folder = ImageFolder(image_folder.image_folder_dir() / "train")
    assert folder.classes == ["bag", "sandal", "sneaker"]
    assert len(folder) == 3 * image_folder.IMAGE_FOLDER_PER_CLASS["train"]
    image, _ = folder[0]
    assert image.size == (28, 28)


class FakeFashion:
    """Sixty small random images, six of each class, in the shape torchvision's dataset has."""

    def __init__(self, train):
        generator = torch.Generator().manual_seed(int(train))
        self.data = torch.randint(0, 256, (60, 28, 28), generator=generator, dtype=torch.uint8)
        self.targets = torch.arange(60) % 10


@pytest.fixture
def small_folder(data_root, monkeypatch):
    """Write the image folder from fake data, two images per class and split."""
    monkeypatch.setattr(image_folder, "fashion_mnist", lambda train: FakeFashion(train))
    monkeypatch.setattr(image_folder, "IMAGE_FOLDER_PER_CLASS", {"train": 2, "test": 2})

    def write():
        return image_folder.write_image_folder(per_class={"train": 2, "test": 2})

    return image_folder.image_folder_dir(), write


def pngs(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.png"))


def test_image_folder_is_readable_by_everyone(small_folder):
    root, write = small_folder
    assert write() == f"image folder: wrote 12 PNG images in {root}"  # the folder actually used
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        assert folder.stat().st_mode & 0o777 == files.usual_folder_mode(), folder


def test_second_run_verifies_and_changes_nothing(small_folder, snapshot):
    root, write = small_folder
    write()
    before = snapshot(root)
    assert write() == f"image folder: {root} has all 12 images, verified; nothing changed"
    assert snapshot(root) == before


def test_deleted_class_folder_is_detected_and_repaired(small_folder):
    import shutil

    root, write = small_folder
    write()
    expected = pngs(root)
    shutil.rmtree(root / "train" / "bag")
    assert write() == (
        f"image folder: repaired 2 missing or damaged PNG images in {root} (train/bag)"
    )
    assert pngs(root) == expected


def test_corrupted_png_is_detected_and_repaired(small_folder):
    root, write = small_folder
    write()
    victim = sorted((root / "test" / "sandal").glob("*.png"))[0]
    good = victim.read_bytes()
    victim.write_bytes(good[:40] + bytes([good[40] ^ 1]) + good[41:])
    assert "repaired 1 missing or damaged PNG images" in write()
    assert victim.read_bytes() == good


def test_folder_of_an_earlier_version_is_verified_and_its_mode_fixed(small_folder):
    root, write = small_folder
    write()
    (root / image_folder.MANIFEST).unlink()
    (root / "COMPLETE").write_text("12 images\n")
    root.chmod(0o700)
    assert write().endswith("has all 12 images, verified; recorded checksums")
    assert not (root / "COMPLETE").exists()
    assert root.stat().st_mode & 0o777 == files.usual_folder_mode()
