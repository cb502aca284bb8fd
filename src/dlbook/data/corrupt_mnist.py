"""The final exercise's corrupted MNIST: the course's own recipe applied to the real
digits.

The course (``tools/corrupt_mnist.py`` of the MLOps course) rotates each stack of 5,000
MNIST digits with torchvision's ``RandomRotation(50)``, which draws one angle for the
whole stack, and divides by 255; the first 30,000 training digits make six shards, the
first 5,000 test digits the test set. Files written here carry a checksummed manifest; a
folder without one (the course's own download) is checked by name, shape, dtype and
value range instead.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import torch

from dlbook.data import DataError
from dlbook.data.datasets import mnist
from dlbook.data.install import build_folder, refuse_foreign_entries, remove_abandoned_builds
from dlbook.files import (
    data_dir,
    display_path,
    file_matches,
    save_torch_atomically,
    sha256_of,
    write_atomically,
)

CORRUPT_FOLDER = "corruptmnist"
CORRUPT_SEED = 1234
TRAIN_SHARDS = 6
SCRIPT_TRAIN_FILES = 10  # the course's script writes ten training files; the course ships six
SHARD_SIZE = 5000
TEST_SIZE = 5000
MAX_ANGLE = 50.0
RECIPE = "course tools/corrupt_mnist.py: RandomRotation(50) per 5,000-image stack, / 255; angles drawn in its order"
MANIFEST = "MANIFEST.json"
GROUND_TRUTH = "generation.pt"


def corrupt_dir() -> Path:
    """Return the folder corrupted MNIST lives in."""
    return data_dir() / CORRUPT_FOLDER


def corrupt_file_names() -> list[str]:
    """Return the course's file names for corrupted MNIST, train shards first."""
    names = []
    for i in range(TRAIN_SHARDS):
        names += [f"train_images_{i}.pt", f"train_target_{i}.pt"]
    return names + ["test_images.pt", "test_target.pt"]


def rotate_stack(digits: torch.Tensor) -> tuple[torch.Tensor, float]:
    """Apply the course's ``RandomRotation(50)`` to a ``[N, 28, 28]`` stack; return it
    and the angle.

    torchvision treats the stack as one image with N channels, so every digit turns by
    the same angle (nearest-neighbour, corners filled with 0). The angle comes from
    torch's global generator.
    """
    from torchvision import transforms

    rotation = transforms.RandomRotation(MAX_ANGLE)
    before = torch.get_rng_state()
    # the draw the transform is about to make
    angle = rotation.get_params(rotation.degrees)
    torch.set_rng_state(before)
    return rotation(digits), angle


def build_corrupt_mnist(seed: int) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """Compute the course's files (by name) and the angles drawn, from real MNIST,
    drawing the angles in the script's order (ten training files, then the test file),
    so that a seed gives the script's test file as well as its first six training files.
    """
    from torchvision import transforms

    train, test = mnist(train=True), mnist(train=False)
    files: dict[str, torch.Tensor] = {}
    angles = []
    with torch.random.fork_rng(devices=[]):  # seed the global generator without disturbing it
        torch.manual_seed(seed)
        for i in range(TRAIN_SHARDS):
            part = slice(i * SHARD_SIZE, (i + 1) * SHARD_SIZE)
            rotated, angle = rotate_stack(train.data[part])
            files[f"train_images_{i}.pt"] = rotated / 255.0
            files[f"train_target_{i}.pt"] = train.targets[part].clone()
            angles.append(angle)
        for _ in range(SCRIPT_TRAIN_FILES - TRAIN_SHARDS):  # the script's files the course omits
            transforms.RandomRotation.get_params([-MAX_ANGLE, MAX_ANGLE])
        rotated, test_angle = rotate_stack(test.data[:TEST_SIZE])
    files["test_images.pt"] = rotated / 255.0
    files["test_target.pt"] = test.targets[:TEST_SIZE].clone()
    truth = {
        "train_angle": torch.tensor(angles, dtype=torch.float64),
        "test_angle": torch.tensor([test_angle], dtype=torch.float64),
    }
    return files, truth


def turned_test_digits(angle: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Return MNIST's first 5,000 test digits turned by ``angle`` degrees the course's
    way (one turn for the stack, nearest-neighbour, / 255) as ``[5000, 1, 28, 28]``
    images, and targets."""
    from torchvision.transforms import InterpolationMode
    from torchvision.transforms import functional as TF

    test = mnist(train=False)
    turned = TF.rotate(test.data[:TEST_SIZE], float(angle), InterpolationMode.NEAREST)
    return (turned / 255.0).unsqueeze(1), test.targets[:TEST_SIZE].clone()


def randomly_turned_test_digits(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Return MNIST's first 5,000 test digits each turned by its own random angle within
    ±50° (nearest-neighbour, / 255), as ``[5000, 1, 28, 28]`` images, and targets."""
    from torchvision.transforms import InterpolationMode
    from torchvision.transforms import functional as TF

    test = mnist(train=False)
    angles = (torch.rand(TEST_SIZE, generator=torch.Generator().manual_seed(seed)) * 2 - 1) * 50
    turned = [TF.rotate(digit[None], float(a), InterpolationMode.NEAREST)
              for digit, a in zip(test.data[:TEST_SIZE], angles)]
    return torch.stack(turned) / 255.0, test.targets[:TEST_SIZE].clone()


def _read_manifest(folder: Path) -> dict | None:
    """Return the parsed manifest of a corrupted-MNIST folder, or None when it has none.

    The manifest is what the checksums are checked against, so a damaged one is an error
    (never taken for the course's own folder, which has no manifest at all)."""
    path = folder / MANIFEST
    if not os.path.lexists(path):
        return None
    try:
        record = json.loads(path.read_text()) if path.is_file() and not path.is_symlink() else None
    except (OSError, ValueError):
        record = None
    files = record.get("files") if isinstance(record, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise DataError(
            f"{display_path(path)} is damaged, so the files cannot be checked; delete "
            f"{display_path(folder)} and run `python -m dlbook.data` to regenerate it"
        )
    return record


def _damaged_corrupt_files(folder: Path, manifest: dict) -> list[str]:
    """Return the names of manifest files that are missing or fail their checksum."""
    names = [*corrupt_file_names(), GROUND_TRUTH]
    files = manifest.get("files", {})
    return [n for n in names if n not in files or not file_matches(folder / n, files[n])]


def generate_corrupt_mnist(seed: int = CORRUPT_SEED) -> str:
    """Write corrupted MNIST in the course's layout unless it is already present and
    intact."""
    folder = corrupt_dir()
    remove_abandoned_builds(folder)
    manifest = _read_manifest(folder)
    existing = [n for n in corrupt_file_names() if (folder / n).exists()]
    if manifest is not None and manifest.get("recipe") == RECIPE and manifest.get("seed") == seed:
        damaged = _damaged_corrupt_files(folder, manifest)
        if not damaged:
            return f"corrupted MNIST: {display_path(folder)} has all 14 files, verified; nothing changed"
        raise DataError(
            f"corrupted MNIST: {', '.join(damaged)} in {display_path(folder)} missing "
            "or damaged "
            f"(checksum mismatch); delete {display_path(folder)} and run `python -m "
            "dlbook.data` "
            "to regenerate it"
        )
    if manifest is None and existing:
        if len(existing) == len(corrupt_file_names()):
            for name in existing:
                read_corrupt_file(name, folder)  # raises DataError naming a wrong file
            return (
                f"corrupted MNIST: {display_path(folder)} holds the course's own 14 "
                "files (no "
                f"{MANIFEST}: names, shapes, dtypes and value ranges checked, not "
                "checksummed); "
                "left alone"
            )
        raise DataError(
            f"corrupted MNIST: {display_path(folder)} holds files without a "
            f"{MANIFEST}; they were "
            "not written by dlbook, so they are left alone. Move them away to "
            "regenerate."
        )
    start = time.perf_counter()
    _install(folder, *build_corrupt_mnist(seed), seed)
    seconds = time.perf_counter() - start
    verb = "regenerated (older recipe replaced)" if manifest is not None else "generated"
    return f"corrupted MNIST: {verb} 14 files in {display_path(folder)} in {seconds:.1f} s"


def _install(folder: Path, files: dict, truth: dict, seed: int) -> None:
    """Write the files and their manifest into a new sibling folder, verify them there,
    then rename it into place (see :func:`dlbook.data.install.build_folder`)."""
    refuse_foreign_entries(folder, [*files, GROUND_TRUTH, MANIFEST], "corrupted MNIST")

    def fill(partial: Path) -> None:
        digests = {}
        for name, tensor in [*files.items(), (GROUND_TRUTH, truth)]:
            save_torch_atomically(tensor, partial / name)
            digests[name] = sha256_of(partial / name)
        record = {"recipe": RECIPE, "seed": seed, "files": digests}
        write_atomically(
            partial / MANIFEST, lambda tmp: tmp.write_text(json.dumps(record, indent=1))
        )
        for name in corrupt_file_names():
            read_corrupt_file(name, partial)  # checksum, shape, dtype and value range

    build_folder(folder, fill)


def _expected_form(name: str) -> tuple[torch.dtype, tuple[int, ...], float, float]:
    """Return the dtype, shape and value range the course's file ``name`` must have."""
    n = TEST_SIZE if name.startswith("test") else SHARD_SIZE
    if "_images" in name:
        return torch.float32, (n, 28, 28), 0.0, 1.0
    return torch.int64, (n,), 0, 9


def _check_form(path: Path, tensor) -> None:
    """Raise DataError unless ``tensor`` has the dtype, shape and value range of the
    course's file."""
    dtype, shape, low, high = _expected_form(path.name)
    wanted = f"{str(dtype).removeprefix('torch.')} {list(shape)} with values in [{low:g}, {high:g}]"
    if not isinstance(tensor, torch.Tensor):
        raise DataError(f"{display_path(path)} holds a {type(tensor).__name__}, expected {wanted}")
    found = f"{str(tensor.dtype).removeprefix('torch.')} {list(tensor.shape)}"
    fits = tensor.dtype == dtype and tuple(tensor.shape) == shape
    if fits and tensor.numel() and not (low <= tensor.min() and tensor.max() <= high):
        found += f" with values in [{tensor.min():g}, {tensor.max():g}]"
        fits = False
    if not fits:
        raise DataError(f"{display_path(path)} holds {found}, expected {wanted}")


def read_corrupt_file(name: str, folder: Path | None = None) -> torch.Tensor:
    """Load one file of a corrupted-MNIST folder: checked against its manifest when it
    has one, otherwise (the course's own folder) by shape, dtype and value range."""
    folder = Path(folder) if folder is not None else corrupt_dir()
    manifest = _read_manifest(folder)
    path = folder / name
    if manifest is None and not any((folder / n).exists() for n in corrupt_file_names()):
        raise DataError(
            f"corrupted MNIST is missing from {display_path(folder)}; run `python -m "
            "dlbook.data`"
        )
    if manifest is not None:
        expected = manifest["files"].get(name)
        if expected is None or not path.is_file() or not file_matches(path, expected):
            raise DataError(
                f"{display_path(path)} is missing or damaged (checksum mismatch); "
                "delete "
                f"{display_path(folder)} and run `python -m dlbook.data` to regenerate "
                "it"
            )
        if manifest.get("recipe") != RECIPE:
            raise DataError(
                f"{display_path(folder)} was generated by an older recipe, not the "
                "course's; "
                "run `python -m dlbook.data` to regenerate it"
            )
        tensor = torch.load(path, map_location="cpu", weights_only=True)
        if name != GROUND_TRUTH:
            # a checksum proves the file unchanged, not the generator right
            _check_form(
                path, tensor
            )
        return tensor
    if not path.is_file():
        raise DataError(f"{display_path(path)} is missing (the course's folder has 14 files)")
    try:
        tensor = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged file fails in many ways
        raise DataError(f"{display_path(path)} is not a readable tensor file") from exc
    _check_form(path, tensor)
    return tensor


def load_corrupt_mnist(
    split: str = "train", folder: Path | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return verified corrupted-MNIST images ``[N, 28, 28]`` and targets ``[N]`` of
    ``"train"`` (the six files joined) or ``"test"``; ``folder`` defaults to the book's.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    if split == "test":
        names = [("test_images.pt", "test_target.pt")]
    else:
        names = [(f"train_images_{i}.pt", f"train_target_{i}.pt") for i in range(TRAIN_SHARDS)]
    images = [read_corrupt_file(image_file, folder) for image_file, _ in names]
    targets = [read_corrupt_file(target_file, folder) for _, target_file in names]
    return torch.cat(images), torch.cat(targets)


def load_corrupt_ground_truth() -> dict[str, torch.Tensor]:
    """Return the rotation angles drawn for the six training shards and for the test
    set."""
    return read_corrupt_file(GROUND_TRUTH)
