"""Real Fashion-MNIST images written as PNG files in ImageFolder layout (``data/fashion-folder``),
verified against a manifest of checksums and repaired when a file or class folder goes missing."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from dlbook.data import DataError
from dlbook.data.datasets import FASHION_CLASSES, fashion_mnist
from dlbook.files import (
    data_dir,
    display_path,
    file_matches,
    usual_folder_mode,
    write_atomically,
)

IMAGE_FOLDER = "fashion-folder"
IMAGE_FOLDER_CLASSES = ("Bag", "Sandal", "Sneaker")
IMAGE_FOLDER_PER_CLASS = {"train": 200, "test": 50}
MANIFEST = "MANIFEST.json"


def image_folder_dir() -> Path:
    """Return the root of the image folder (``train/`` and ``test/`` below it)."""
    return data_dir() / IMAGE_FOLDER


def expected_images(classes: Sequence[str], per_class: dict[str, int]) -> dict[str, bytes]:
    """Return the PNG bytes of every image the folder should hold, by path relative to its root."""
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
    """Return the manifest's ``{relative path: sha256}``, or None when absent or unreadable."""
    try:
        files = json.loads((root / MANIFEST).read_text())["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return files if isinstance(files, dict) else None


def _give_usual_permissions(root: Path) -> None:
    """Make ``root`` and its folders readable by everyone, as ``mkdir`` would (mkdtemp gives 0700)."""
    mode = usual_folder_mode()
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        if folder.stat().st_mode & 0o777 != mode:
            os.chmod(folder, mode)


def write_image_folder(
    classes: Sequence[str] = IMAGE_FOLDER_CLASSES,
    per_class: dict[str, int] | None = None,
) -> str:
    """Write, verify or repair the image folder; return one line saying what was done."""
    per_class = per_class or IMAGE_FOLDER_PER_CLASS
    unknown = [c for c in classes if c not in FASHION_CLASSES]
    if unknown:
        raise ValueError(f"unknown Fashion-MNIST classes {unknown}; choose from {FASHION_CLASSES}")
    root = image_folder_dir()
    where = display_path(root)
    manifest = _read_manifest(root)
    if manifest and all(file_matches(root / rel, digest) for rel, digest in manifest.items()):
        _give_usual_permissions(root)
        return f"image folder: {where} has all {len(manifest)} images, verified; nothing changed"
    images = expected_images(classes, per_class)
    record = {rel: hashlib.sha256(data).hexdigest() for rel, data in images.items()}
    manifest_text = json.dumps({"files": record}, indent=1)
    if not root.exists():
        data_dir().mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".image-folder-", dir=data_dir()))
        try:
            for rel, data in images.items():
                (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
                (scratch / rel).write_bytes(data)
            (scratch / MANIFEST).write_text(manifest_text)
            _give_usual_permissions(scratch)
            os.replace(scratch, root)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return f"image folder: wrote {len(images)} PNG images in {where}"
    repaired = []
    for rel, data in images.items():
        target = root / rel
        if target.is_file() and file_matches(target, record[rel]):
            continue
        if target.exists() and not target.is_file():
            raise DataError(
                f"{display_path(target)} is not a file; move it away and run "
                "`python -m dlbook.data` again"
            )
        write_atomically(target, lambda tmp, data=data: tmp.write_bytes(data))
        repaired.append(rel)
    write_atomically(root / MANIFEST, lambda tmp: tmp.write_text(manifest_text))
    (root / "COMPLETE").unlink(missing_ok=True)  # the marker of earlier versions
    _give_usual_permissions(root)
    if not repaired:
        return f"image folder: {where} has all {len(images)} images, verified; recorded checksums"
    folders = sorted({rel.rsplit("/", 1)[0] for rel in repaired})
    return (
        f"image folder: repaired {len(repaired)} missing or damaged PNG images in {where} "
        f"({', '.join(folders)})"
    )
