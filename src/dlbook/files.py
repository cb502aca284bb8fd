"""Where the project and its data live, atomic writes and checksums: every save goes
through here."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_ENV = "DLBOOK_DATA"


class DestinationError(RuntimeError):
    """A folder a command is about to write cannot be used; the message says why."""


def data_dir() -> Path:
    """Return the folder datasets live in (``$DLBOOK_DATA`` or the project's ``data/``).

    An empty ``$DLBOOK_DATA`` is a :class:`DestinationError`, not "the current folder".
    """
    value = os.environ.get(DATA_ENV)
    if value is None:
        return PROJECT_ROOT / "data"
    if not value.strip():
        raise DestinationError(
            f"{DATA_ENV} is set but empty; unset it to use the project's data/ folder, "
            "or set "
            "it to the folder the datasets should live in"
        )
    return Path(value)


def display_path(path: Path) -> str:
    """Return ``path`` as messages show it: below the data folder as ``data/…`` (or as
    ``$DLBOOK_DATA/…`` spelled out, when that names another folder), below the project
    relative to it, anywhere else as given."""
    data_label = os.environ.get(DATA_ENV) or "data"
    for base, prefix in ((data_dir(), data_label), (PROJECT_ROOT, "")):
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
    import torch  # here, so that importing this module stays fast for command start-up

    # saving to a named file would embed the temporary file's name
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    write_atomically(path, lambda tmp: tmp.write_bytes(buffer.getvalue()))


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it over
    ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        # mkstemp creates 0600; give the usual permissions
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _first_existing(path: Path) -> Path:
    """Return ``path`` or its nearest ancestor that exists (as written: relative stays
    relative)."""
    path = Path(path)
    while not os.path.lexists(path) and path != path.parent:
        path = path.parent
    return path


def check_destination(out: Path, option: str) -> None:
    """Raise :class:`DestinationError` unless ``out`` is, or can become, a folder we can
    write in (checked before any slow work; ``option`` names the setting in the
    message)."""
    existing = _first_existing(out)
    if not existing.is_dir():
        if existing == Path(out):
            raise DestinationError(
                f"{option} {out} exists and is not a folder; choose another {option}"
            )
        raise DestinationError(
            f"{option} {out} lies below {existing}, a file; choose another {option}"
        )
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-test.", dir=existing)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise DestinationError(
            f"{option} {out}: cannot write in {existing} ({exc.strerror}); choose a "
            "folder you "
            "can write to"
        ) from None


def usual_folder_mode() -> int:
    """Return the mode ``mkdir`` gives a new folder under the current umask."""
    return 0o777 & ~_umask()


def _umask() -> int:
    """Return the process's file-creation mask (reading it requires setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Files already hashed in this process, keyed by (path, size, mtime): hashing 47 MB once
# is enough.
_verified: set[tuple[str, int, int]] = set()


def file_matches(path: Path, expected: str) -> bool:
    """Return True when ``path`` exists and its SHA-256 equals ``expected`` (cached per
    process)."""
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
