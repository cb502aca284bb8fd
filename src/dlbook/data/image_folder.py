"""Real Fashion-MNIST images written as PNG files in ImageFolder layout
(``data/fashion-folder``), verified against a manifest of checksums, and rebuilt whole
when a file or class folder goes missing (in a temporary sibling, renamed into place:
see :mod:`dlbook.data.install`)."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from pathlib import Path

from dlbook.data.datasets import FASHION_CLASSES, fashion_mnist
from dlbook.data.install import build_folder, refuse_foreign_entries
from dlbook.files import (
    data_dir,
    display_path,
    file_matches,
)

IMAGE_FOLDER = "fashion-folder"
IMAGE_FOLDER_CLASSES = ("Bag", "Sandal", "Sneaker")
IMAGE_FOLDER_PER_CLASS = {"train": 200, "test": 50}
MANIFEST = "MANIFEST.json"


def image_folder_dir() -> Path:
    """Return the root of the image folder (``train/`` and ``test/`` below it)."""
    return data_dir() / IMAGE_FOLDER


def expected_images(classes: Sequence[str], per_class: dict[str, int]) -> dict[str, bytes]:
    """Return the PNG bytes of every image the folder should hold, by path relative to
    its root."""
    from PIL import Image

    images: dict[str, bytes] = {}
    for split, n_each in per_class.items():
        source = fashion_mnist(train=split == "train")
        for name in classes:
            label = FASHION_CLASSES.index(name)
            folder = f"{split}/{name.replace('/', '-').lower()}"
            for index in (source.targets == label).nonzero().flatten()[:n_each].tolist():
                buffer = io.BytesIO()
                Image.fromarray(source.data[index].numpy()).save(buffer, format="png")
                images[f"{folder}/{index:05d}.png"] = buffer.getvalue()
    return images


def _read_manifest(root: Path) -> dict[str, str] | None:
    """Return the manifest's ``{relative path: sha256}``, or None when absent or
    unreadable."""
    try:
        files = json.loads((root / MANIFEST).read_text())["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return files if isinstance(files, dict) else None


def write_image_folder(
    classes: Sequence[str] = IMAGE_FOLDER_CLASSES,
    per_class: dict[str, int] | None = None,
) -> str:
    """Write, verify or repair the image folder; return one line saying what was done.
    """
    per_class = per_class or IMAGE_FOLDER_PER_CLASS
    unknown = [c for c in classes if c not in FASHION_CLASSES]
    if unknown:
        raise ValueError(f"unknown Fashion-MNIST classes {unknown}; choose from {FASHION_CLASSES}")
    root = image_folder_dir()
    where = display_path(root)
    manifest = _read_manifest(root)
    if manifest and all(file_matches(root / rel, digest) for rel, digest in manifest.items()):
        return f"image folder: {where} has all {len(manifest)} images, verified; nothing changed"
    images = expected_images(classes, per_class)
    record = {rel: hashlib.sha256(data).hexdigest() for rel, data in images.items()}
    refuse_foreign_entries(root, [*images, MANIFEST, "COMPLETE"], "image folder")
    present = [rel for rel in images if file_matches(root / rel, record[rel])]

    def fill(partial: Path) -> None:
        for rel, data in images.items():
            (partial / rel).parent.mkdir(parents=True, exist_ok=True)
            (partial / rel).write_bytes(data)
            if not file_matches(partial / rel, record[rel]):
                raise DataError(f"image folder: {rel} did not read back as written; run again")
        (partial / MANIFEST).write_text(json.dumps({"files": record}, indent=1))

    existed = root.exists()
    build_folder(root, fill)
    if not existed:
        return f"image folder: wrote {len(images)} PNG images in {where}"
    repaired = [rel for rel in images if rel not in present]
    if not repaired:
        return f"image folder: {where} has all {len(images)} images, verified; recorded checksums"
    folders = sorted({rel.rsplit("/", 1)[0] for rel in repaired})
    return (
        f"image folder: repaired {len(repaired)} missing or damaged PNG images in "
        f"{where} "
        f"({', '.join(folders)})"
    )
