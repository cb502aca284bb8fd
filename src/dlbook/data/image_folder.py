"""Real Fashion-MNIST images written once as PNG files in ImageFolder layout (``data/fashion-folder``)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from dlbook.data.datasets import FASHION_CLASSES, fashion_mnist
from dlbook.files import data_dir, display_path

IMAGE_FOLDER = "fashion-folder"
IMAGE_FOLDER_CLASSES = ("Bag", "Sandal", "Sneaker")
IMAGE_FOLDER_PER_CLASS = {"train": 200, "test": 50}


def image_folder_dir() -> Path:
    """Return the root of the image folder (``train/`` and ``test/`` below it)."""
    return data_dir() / IMAGE_FOLDER


def write_image_folder(
    classes: Sequence[str] = IMAGE_FOLDER_CLASSES,
    per_class: dict[str, int] | None = None,
) -> str:
    """Write real Fashion-MNIST images as PNG files in ImageFolder layout, once."""
    from PIL import Image

    per_class = per_class or IMAGE_FOLDER_PER_CLASS
    root = image_folder_dir()
    marker = root / "COMPLETE"
    if marker.is_file():
        return f"image folder: {display_path(root)} is complete; nothing changed"
    unknown = [c for c in classes if c not in FASHION_CLASSES]
    if unknown:
        raise ValueError(f"unknown Fashion-MNIST classes {unknown}; choose from {FASHION_CLASSES}")
    data_dir().mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".image-folder-", dir=data_dir()))
    try:
        count = 0
        for split, n_each in per_class.items():
            source = fashion_mnist(train=split == "train")
            for name in classes:
                label = FASHION_CLASSES.index(name)
                folder = scratch / split / name.replace("/", "-").lower()
                folder.mkdir(parents=True)
                indices = (source.targets == label).nonzero().flatten()[:n_each]
                for index in indices.tolist():
                    Image.fromarray(source.data[index].numpy()).save(folder / f"{index:05d}.png")
                    count += 1
        (scratch / "COMPLETE").write_text(f"{count} images\n")
        if root.exists():
            shutil.rmtree(root)  # an incomplete earlier attempt: it has no COMPLETE marker
        os.replace(scratch, root)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return f"image folder: wrote {count} PNG images in {display_path(root)}"
