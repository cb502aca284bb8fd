"""Corrupted MNIST for the final exercise: the course's data folder read into two
datasets.

``corrupt_mnist()`` reads ``data/corruptmnist`` (relative to the folder you run from, as
in the course) and returns ``(train_set, test_set)``: ``TensorDataset``s of images ``[N,
1, 28, 28]`` (float32, values 0 to 1) and targets ``[N]`` (int64). It reads both
editions of the course's folder: ``train_images_{0..5}.pt`` / ``train_target_{i}.pt`` /
``test_images.pt`` / ``test_target.pt``, and the earlier ``train_{0..4}.npz`` /
``test.npz`` with arrays ``images`` and ``labels``. Every file is checked before use (a
regular file of sane size, then shape, dtype and value range); a problem raises
``DataError`` with one line that names the file. ``augment`` turns every training image
by its own random angle.
"""

from __future__ import annotations

import math
import os
import stat
import zipfile
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.utils.data import TensorDataset

DATA_PATH = Path("data/corruptmnist")
# a 5,000-image file is 16 MB; anything far larger is not one
MAX_FILE_BYTES = 64 * 2**20
MAX_TURN = 50.0  # degrees: the corruption turns each file by up to this much either way
MARGIN = 10.0  # degrees: training turns reach this much past ±MAX_TURN of upright
# degrees: the slope of the long axis of MNIST's mean 1 (its 60,000 training digits),
# measured from the image's x axis, y pointing down: a handwritten 1 leans about 16° to
# the right
ONE_AXIS = -74.4


class DataError(Exception):
    """A data (or checkpoint) file is missing or not what it should be; the message says
    which."""


def check_regular_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Raise ``DataError`` unless ``path`` is a regular file of at most ``max_bytes``,
    and, for a zip archive (what ``torch.save`` writes), unless its records unpack to at
    most ``max_bytes``."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise DataError(f"{path} cannot be read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise DataError(f"{path} is not a regular file")
    if info.st_size > max_bytes:
        raise DataError(
            f"{path} is {info.st_size:,} bytes, more than the {max_bytes:,} allowed"
        )
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(record.file_size for record in archive.infolist())
            if unpacked > max_bytes:
                raise DataError(
                    f"{path} unpacks to {unpacked:,} bytes, more than {max_bytes:,}"
                )
    except (OSError, zipfile.BadZipFile) as exc:
        raise DataError(f"{path} is a damaged archive: {exc}") from None


def load_tensors(path: Path, max_bytes: int = MAX_FILE_BYTES) -> object:
    """Return what a ``torch.save`` file holds, loaded safely (``weights_only``, bounded
    size)."""
    check_regular_file(path, max_bytes)
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    # a damaged or crafted file fails in many ways
    except Exception as exc:  # noqa: BLE001
        reason = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        raise DataError(
            f"{path} is not a readable tensor file ({reason[:120]})"
        ) from None


def _checked(tensor: object, path: Path, images: bool) -> torch.Tensor:
    """Return ``tensor`` as float32 images ``[N, 1, 28, 28]`` in [0, 1] or int64 digits
    ``[N]``; ``DataError`` when it is anything else."""
    kind = (
        "images [N, 28, 28] with values in [0, 1]"
        if images
        else "digits 0-9, shape [N]"
    )
    if not isinstance(tensor, torch.Tensor) or tensor.layout != torch.strided:
        raise DataError(f"{path} does not hold a dense tensor of {kind}")
    if tensor.is_meta or tensor.is_complex() or tensor.numel() == 0:
        raise DataError(f"{path} does not hold {kind}")
    if images:
        ok = (
            tensor.ndim == 3
            and tuple(tensor.shape[1:]) == (28, 28)
            and tensor.is_floating_point()
        )
        tensor = tensor.float()
        ok = (
            ok
            and bool(torch.isfinite(tensor).all())
            and 0 <= tensor.min() <= tensor.max() <= 1
        )
        result = tensor.unsqueeze(1)
    else:
        ok = (
            tensor.ndim == 1
            and not tensor.is_floating_point()
            and tensor.dtype != torch.bool
        )
        ok = ok and 0 <= tensor.min() <= tensor.max() <= 9
        result = tensor.long()
    if not ok:
        raise DataError(
            f"{path} holds {tensor.dtype} {list(tensor.shape)}, expected {kind}"
        )
    return result.contiguous()


def _read_pt(
    folder: Path, names: list[tuple[str, str]]
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return the images and targets of the ``.pt`` file pairs ``names``, joined."""
    images, targets = [], []
    for image_name, target_name in names:
        images.append(
            _checked(load_tensors(folder / image_name), folder / image_name, True)
        )
        targets.append(
            _checked(load_tensors(folder / target_name), folder / target_name, False)
        )
    return _joined(images, targets, folder)


def _read_npz(folder: Path, names: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Return the images and targets of the earlier edition's ``.npz`` files ``names``,
    joined."""
    import numpy as np  # installed with torch and matplotlib

    images, targets = [], []
    for name in names:
        path = folder / name
        check_regular_file(path)
        try:
            with np.load(path, allow_pickle=False) as arrays:
                pair = (
                    torch.from_numpy(arrays["images"]),
                    torch.from_numpy(arrays["labels"]),
                )
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise DataError(
                f"{path} is not an images/labels .npz file ({exc})"
            ) from None
        images.append(_checked(pair[0], path, True))
        targets.append(_checked(pair[1], path, False))
    return _joined(images, targets, folder)


def _joined(images: list, targets: list, folder: Path) -> tuple[torch.Tensor, ...]:
    """Join the files' tensors, with the number of the file each image came from;
    ``DataError`` when a file's images and targets differ in number."""
    if [len(i) for i in images] != [len(t) for t in targets]:
        raise DataError(
            f"{folder}: the image and target files hold different numbers of digits"
        )
    files = torch.cat([torch.full((len(i),), n) for n, i in enumerate(images)])
    return torch.cat(images), torch.cat(targets), files


def load_split(
    split: str, data_path: str | Path = DATA_PATH
) -> tuple[torch.Tensor, ...]:
    """Return the images ``[N, 1, 28, 28]``, targets ``[N]`` and file numbers ``[N]`` of
    ``"train"`` or ``"test"``."""
    folder = Path(data_path)
    if str(data_path) == "":
        raise DataError(
            "the data folder is empty text; name a folder such as data/corruptmnist"
        )
    if not folder.is_dir():
        raise DataError(
            f"{folder} is not a folder; put the course's corruptmnist files there"
        )
    pt_train = sorted(folder.glob("train_images_*.pt"))
    if split == "test":
        if (folder / "test_images.pt").exists() or not (folder / "test.npz").exists():
            return _read_pt(folder, [("test_images.pt", "test_target.pt")])
        return _read_npz(folder, ["test.npz"])
    if pt_train:
        pairs = [
            (f"train_images_{i}.pt", f"train_target_{i}.pt")
            for i in range(len(pt_train))
        ]
        return _read_pt(folder, pairs)
    npz = [f"train_{i}.npz" for i in range(len(sorted(folder.glob("train_*.npz"))))]
    if not npz:
        raise DataError(
            f"{folder} holds no training files (train_images_0.pt or train_0.npz)"
        )
    return _read_npz(folder, npz)


def corrupt_mnist(
    data_path: str | Path = DATA_PATH,
) -> tuple[TensorDataset, TensorDataset]:
    """Return the corrupted-MNIST ``train_set`` and ``test_set`` read from
    ``data_path``."""
    train_set = TensorDataset(*load_split("train", data_path)[:2])
    test_set = TensorDataset(*load_split("test", data_path)[:2])
    return train_set, test_set


def rotate(images: torch.Tensor, degrees: torch.Tensor) -> torch.Tensor:
    """Return images ``[N, 1, H, W]``, each turned counter-clockwise by its own angle
    (``[N]``, in degrees) about its centre, with bilinear sampling and black corners."""
    radians = degrees.to(images) * (math.pi / 180)
    cos, sin, zero = radians.cos(), radians.sin(), torch.zeros_like(radians)
    theta = torch.stack(
        [torch.stack([cos, -sin, zero], 1), torch.stack([sin, cos, zero], 1)], 1
    )
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", align_corners=False)


def _digit_means(images: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Return the mean image of each digit, ``[10, 1, 28, 28]`` (zeros for an absent
    digit)."""
    return torch.stack(
        [
            images[targets == d].mean(0)
            if (targets == d).any()
            else images.new_zeros(images.shape[1:])
            for d in range(10)
        ]
    )


def _best_turn(
    means: torch.Tensor, reference: torch.Tensor, angles: torch.Tensor
) -> float:
    """Return the one of ``angles`` that turns ``means`` closest to ``reference``."""
    turned = rotate(
        means.repeat(len(angles), 1, 1, 1), angles.repeat_interleave(len(means))
    )
    errors = (
        (turned - reference.repeat(len(angles), 1, 1, 1)).square().view(len(angles), -1)
    )
    return float(angles[errors.sum(dim=1).argmin()])


def ink_axis(image: torch.Tensor) -> float:
    """Return the slope in degrees of the long axis of an image's ink ``[1, H, W]``
    (from its second moments; measured from the x axis, y pointing down, between -90 and
    90)."""
    weights = image[0].double() / image.sum()
    ys, xs = torch.meshgrid(
        *(torch.arange(n, dtype=torch.float64) for n in weights.shape), indexing="ij"
    )
    dx, dy = xs - (weights * xs).sum(), ys - (weights * ys).sum()
    xx, yy, xy = (
        (weights * dx * dx).sum(),
        (weights * dy * dy).sum(),
        (weights * dx * dy).sum(),
    )
    return math.degrees(0.5 * math.atan2(2 * xy, xx - yy))


def file_angles(
    images: torch.Tensor, targets: torch.Tensor, files: torch.Tensor
) -> torch.Tensor:
    """Return the angle in degrees by which each file was turned from upright, ``[F]``.

    How the files lie relative to each other comes from the labels: the turn that brings
    a file's ten mean digits closest to the first file's (every degree, then every 0.1
    degree). Where upright lies comes from the 1s: each file's mean 1 leans as MNIST's
    does, turned by the file's angle, so ``ONE_AXIS`` minus its slope estimates that
    angle; the files' estimates, moved to a common origin by the relative angles, are
    averaged."""
    means = [
        _digit_means(images[files == f], targets[files == f])
        for f in range(int(files.max()) + 1)
    ]
    turns = []
    for file_means in means:
        coarse = _best_turn(file_means, means[0], torch.arange(-110.0, 111.0))
        turns.append(
            _best_turn(file_means, means[0], coarse + torch.arange(-1.0, 1.01, 0.1))
        )
    # a file that must turn by +t to match lies t behind
    relative = -torch.tensor(turns)
    from_ones = torch.tensor(
        [(ONE_AXIS - ink_axis(m[1]) + 90) % 180 - 90 for m in means]
    )
    return relative + (from_ones - relative).mean()


def turn_ranges(images, targets, files) -> tuple[torch.Tensor, torch.Tensor]:
    """Return, per image, the lowest and highest training turn in degrees: together with
    its file's angle, every digit can be turned to any angle within ±(MAX_TURN + MARGIN)
    of upright, the angles the corruption draws and a margin."""
    own = file_angles(images, targets, files)[files]
    return -MAX_TURN - MARGIN - own, MAX_TURN + MARGIN - own


def augment(images, low, high, generator: torch.Generator) -> torch.Tensor:
    """Return the batch with every image turned by its own random angle between ``low``
    and ``high`` (per image, in degrees)."""
    return rotate(
        images, low + torch.rand(len(images), generator=generator) * (high - low)
    )
