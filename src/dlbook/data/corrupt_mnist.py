"""The final exercise's corrupted MNIST: generated from the real digits in the course's file layout."""

from __future__ import annotations

import json
import time
from pathlib import Path

import torch

from dlbook.data import DataError
from dlbook.data.datasets import mnist
from dlbook.files import (
    data_dir,
    display_path,
    file_matches,
    save_torch_atomically,
    sha256_of,
    write_atomically,
)
from dlbook.ops import rotate_images

CORRUPT_FOLDER = "corruptmnist"
CORRUPT_SEED = 1234
TRAIN_SHARDS = 6
SHARD_SIZE = 5000
TEST_SIZE = 5000
MAX_ANGLE = 30.0
NOISE_STD = 0.1
MANIFEST = "MANIFEST.json"
GROUND_TRUTH = "generation.pt"


def corrupt_dir() -> Path:
    """Return the folder corrupted MNIST lives in."""
    return data_dir() / CORRUPT_FOLDER


def corrupt_images(
    images: torch.Tensor, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Rotate by U(-30°, 30°), add N(0, 0.1²) noise, clip to [0, 1]; return images and angles."""
    n = images.shape[0]
    angles = (torch.rand(n, generator=generator) * 2 - 1) * MAX_ANGLE
    rotated = rotate_images(images, angles)
    noise = torch.randn(rotated.shape, generator=generator) * NOISE_STD
    return (rotated + noise).clamp_(0.0, 1.0), angles


def corrupt_file_names() -> list[str]:
    """Return the course's file names for corrupted MNIST, train shards first."""
    names = []
    for i in range(TRAIN_SHARDS):
        names += [f"train_images_{i}.pt", f"train_target_{i}.pt"]
    return names + ["test_images.pt", "test_target.pt"]


def _build_corrupt_mnist(seed: int) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """Compute the corrupted tensors (by file name) and their ground truth from real MNIST."""
    generator = torch.Generator().manual_seed(seed)
    files: dict[str, torch.Tensor] = {}
    truth: dict[str, torch.Tensor] = {}
    for split, n_take in (("train", TRAIN_SHARDS * SHARD_SIZE), ("test", TEST_SIZE)):
        source = mnist(train=split == "train")
        pick = torch.randperm(len(source.targets), generator=generator)[:n_take]
        clean = source.data[pick].float().div(255)
        images, angles = corrupt_images(clean, generator)
        targets = source.targets[pick].to(torch.int64)
        truth[f"{split}_source_index"] = pick.clone()
        truth[f"{split}_angle"] = angles.clone()
        if split == "train":
            for i in range(TRAIN_SHARDS):
                part = slice(i * SHARD_SIZE, (i + 1) * SHARD_SIZE)
                files[f"train_images_{i}.pt"] = images[part].clone()
                files[f"train_target_{i}.pt"] = targets[part].clone()
        else:
            files["test_images.pt"] = images.clone()
            files["test_target.pt"] = targets.clone()
    return files, truth


def _read_manifest(folder: Path) -> dict | None:
    """Return the parsed manifest of a corrupted-MNIST folder, or None when absent or unreadable."""
    try:
        return json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def _damaged_corrupt_files(folder: Path, manifest: dict) -> list[str]:
    """Return the names of manifest files that are missing or fail their checksum."""
    names = [*corrupt_file_names(), GROUND_TRUTH]
    files = manifest.get("files", {})
    return [n for n in names if n not in files or not file_matches(folder / n, files[n])]


def generate_corrupt_mnist(seed: int = CORRUPT_SEED) -> str:
    """Write corrupted MNIST in the course's layout unless it is already present and intact."""
    folder = corrupt_dir()
    manifest = _read_manifest(folder)
    existing = [n for n in corrupt_file_names() if (folder / n).exists()]
    if manifest is not None:
        damaged = _damaged_corrupt_files(folder, manifest)
        if not damaged:
            return f"corrupted MNIST: {display_path(folder)} has all 14 files, verified; nothing changed"
        raise DataError(
            f"corrupted MNIST: {', '.join(damaged)} in {display_path(folder)} missing or damaged "
            f"(checksum mismatch); delete {display_path(folder)} and run `python -m dlbook.data` "
            "to regenerate it"
        )
    if existing:
        raise DataError(
            f"corrupted MNIST: {display_path(folder)} holds files without a {MANIFEST}; they were "
            "not written by dlbook, so they are left alone. Move them away to regenerate."
        )
    start = time.perf_counter()
    files, truth = _build_corrupt_mnist(seed)
    folder.mkdir(parents=True, exist_ok=True)
    digests = {}
    for name, tensor in [*files.items(), (GROUND_TRUTH, truth)]:
        save_torch_atomically(tensor, folder / name)
        digests[name] = sha256_of(folder / name)
    record = {
        "description": "MNIST, each image rotated by U(-30, 30) degrees, then N(0, 0.1^2) "
        "pixel noise, clipped to [0, 1]",
        "seed": seed,
        "files": digests,
    }
    write_atomically(folder / MANIFEST, lambda tmp: tmp.write_text(json.dumps(record, indent=1)))
    seconds = time.perf_counter() - start
    return f"corrupted MNIST: generated 14 files in {display_path(folder)} in {seconds:.1f} s"


def load_verified(name: str):
    """Load one file of the corrupted-MNIST folder after checking it against the manifest."""
    folder = corrupt_dir()
    manifest = _read_manifest(folder)
    if manifest is None:
        raise DataError(
            f"corrupted MNIST is missing from {display_path(folder)}; run `python -m dlbook.data`"
        )
    expected = manifest.get("files", {}).get(name)
    if expected is None or not file_matches(folder / name, expected):
        raise DataError(
            f"{display_path(folder / name)} is missing or damaged (checksum mismatch); delete "
            f"{display_path(folder)} and run `python -m dlbook.data` to regenerate it"
        )
    return torch.load(folder / name, weights_only=True)


def load_corrupt_ground_truth() -> dict[str, torch.Tensor]:
    """Return the rotation angles and MNIST indices used to generate corrupted MNIST."""
    return load_verified(GROUND_TRUTH)
