"""Where the project and its data live, atomic writes and checksums: every save goes through here."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_ENV = "DLBOOK_DATA"


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
    import torch  # here, so that importing this module stays fast for command start-up

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


PENDING = ".pending-writes.json"
STAGED_SUFFIX = ".staged"


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold back Ctrl-C and SIGTERM inside the block; one that came arrives as it ends."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives signals in Python
        return
    held: list[int] = []
    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in kept:
        signal.signal(sig, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        for sig, handler in kept.items():
            signal.signal(sig, handler)
    if held:
        handler = kept[held[0]]
        if callable(handler):
            handler(held[0], None)
        elif handler == signal.SIG_DFL:
            raise KeyboardInterrupt


def _fsync_folder(folder: Path) -> None:
    """Make renames inside ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_together(
    folder: Path, writers: Mapping[str, Callable[[Path], None]], on_commit: Callable[[], None]
) -> None:
    """Write several files in ``folder`` as one unit: afterwards all are new or all are old.

    Each ``writers[name](tmp)`` writes a staged copy; a journal listing the staged copies is
    written atomically (the commit point), then each copy is renamed over its name. An
    interruption before the journal leaves the old files; after it, :func:`finish_pending_writes`
    completes the renames. ``on_commit`` runs right after the renames, before Ctrl-C can arrive.
    """
    folder = Path(folder)
    staged: dict[str, str] = {}
    try:
        for name, write in writers.items():
            path = folder / name
            fd, tmp_name = tempfile.mkstemp(
                prefix=f".{path.stem}.", suffix=f"{STAGED_SUFFIX}{path.suffix}", dir=folder
            )
            os.close(fd)
            staged[name] = Path(tmp_name).name
            write(Path(tmp_name))
            os.chmod(tmp_name, 0o666 & ~_umask())
            with open(tmp_name, "rb") as handle:
                os.fsync(handle.fileno())
        journal = json.dumps({"files": staged}, indent=1)
        write_atomically(folder / PENDING, lambda tmp: _write_synced(tmp, journal))
    except BaseException:
        for tmp_name in staged.values():
            (folder / tmp_name).unlink(missing_ok=True)
        raise
    with signals_deferred():
        _roll_forward(folder, staged)
        on_commit()


def _write_synced(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` and flush it to disk."""
    with open(path, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _roll_forward(folder: Path, staged: Mapping[str, str]) -> None:
    """Rename every staged copy that is still there over its name, then drop the journal."""
    for name, tmp_name in staged.items():
        if (folder / tmp_name).exists():
            os.replace(folder / tmp_name, folder / name)
    _fsync_folder(folder)
    (folder / PENDING).unlink(missing_ok=True)


def finish_pending_writes(folder: Path) -> list[str]:
    """Complete a committed :func:`write_together` that was cut short; drop uncommitted copies.

    Return the names the completed unit wrote (empty when there was nothing to finish).
    """
    folder = Path(folder)
    finished: list[str] = []
    journal = folder / PENDING
    if journal.is_file():
        try:
            staged = json.loads(journal.read_text())["files"]
        except (OSError, ValueError, KeyError, TypeError):
            staged = {}  # a torn journal cannot exist (it is written atomically); drop it
        if isinstance(staged, dict):
            finished = [n for n, tmp in staged.items() if (folder / str(tmp)).exists()]
            _roll_forward(folder, {str(n): str(t) for n, t in staged.items()})
        journal.unlink(missing_ok=True)
    for leftover in folder.glob(f".*{STAGED_SUFFIX}*"):
        leftover.unlink(missing_ok=True)
    return finished


def usual_folder_mode() -> int:
    """Return the mode ``mkdir`` gives a new folder under the current umask."""
    return 0o777 & ~_umask()


def _umask() -> int:
    """Return the process's file-creation mask (reading it requires setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Files already hashed in this process, keyed by (path, size, mtime): hashing 47 MB once is enough.
_verified: set[tuple[str, int, int]] = set()


def file_matches(path: Path, expected: str) -> bool:
    """Return True when ``path`` exists and its SHA-256 equals ``expected`` (cached per process)."""
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
