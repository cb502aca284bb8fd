"""How dataset folders are installed: built whole in a temporary sibling, verified
there, then renamed into place, one provisioning run at a time.

An interrupted, killed or failed build leaves the previous folder or none, never part of
one; the half-built sibling a killed run leaves behind is deleted by the next build of
the same folder.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from dlbook.data import DataError
from dlbook.files import display_path, usual_folder_mode

LOCK_NAME = ".provisioning.lock"


def _partial_prefix(folder: Path) -> str:
    return f".{folder.name}.partial-"


def remove_abandoned_builds(folder: Path) -> None:
    """Delete the half-built siblings of ``folder`` whose process is gone (a build still
    running in another process is left alone)."""
    for partial in folder.parent.glob(f"{_partial_prefix(folder)}*"):
        pid = partial.name.removeprefix(_partial_prefix(folder)).split("-")[0]
        try:
            os.kill(int(pid), 0)  # raises when no such process runs
        except (ValueError, ProcessLookupError):
            shutil.rmtree(partial, ignore_errors=True)
        except PermissionError:
            pass  # another user's live process


def foreign_entries(folder: Path, known: Iterable[str]) -> list[str]:
    """Return the paths below ``folder`` (relative, sorted) that are neither a ``known``
    file nor a folder on the way to one: what a rebuild of ``folder`` would otherwise
    delete."""
    known = set(known)
    parents = {str(Path(rel).parent) for rel in known} | {"."}
    parents |= {str(p) for rel in known for p in Path(rel).parents}
    if not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink() or not (
            path.is_file() and rel in known or path.is_dir() and rel in parents
        ):
            found.append(rel)
    return sorted(found)


def refuse_foreign_entries(folder: Path, known: Iterable[str], title: str) -> None:
    """Raise DataError when ``folder`` holds anything dlbook did not write there."""
    foreign = foreign_entries(folder, known)
    if foreign:
        shown = ", ".join(foreign[:3]) + (
            f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        )
        raise DataError(
            f"{title}: {display_path(folder)} holds files dlbook does not write "
            f"({shown}); move "
            "them away, then run `python -m dlbook.data` again"
        )


def build_folder(folder: Path, fill: Callable[[Path], None]) -> None:
    """Install ``folder`` afresh: ``fill(partial)`` writes and verifies every file in a
    new sibling, which is then renamed into place (an existing ``folder`` is swapped out
    and deleted). When another run installed the folder first, its folder is kept."""
    remove_abandoned_builds(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    prefix = f"{_partial_prefix(folder)}{os.getpid()}-"
    partial = Path(tempfile.mkdtemp(prefix=prefix, dir=folder.parent))
    try:
        fill(partial)
        mode = usual_folder_mode()  # mkdtemp gives 0700; give the mode mkdir would
        for sub in [partial, *(p for p in partial.rglob("*") if p.is_dir())]:
            os.chmod(sub, mode)
        if os.path.lexists(folder):
            retired = Path(tempfile.mkdtemp(prefix=prefix, dir=folder.parent))
            os.rename(folder, retired)  # onto the empty folder just made
            os.rename(partial, folder)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            try:
                os.rename(partial, folder)
            except OSError:
                if not folder.is_dir():
                    raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)


@contextlib.contextmanager
def provisioning_lock(root: Path) -> Iterator[None]:
    """Hold the data folder's provisioning lock, or raise DataError at once when another
    run holds it. The lock file is opened without following links and must be a regular
    file; the operating system releases the lock when its process ends, however it ends.
    In a folder this process cannot write, nothing is held: such a run can only verify,
    not change, the folder."""
    path = root / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
            yield
            return
        if exc.errno == errno.ELOOP:
            raise DataError(
                f"{display_path(path)} is a symbolic link, not the lock file dlbook "
                "writes; "
                "delete it and run `python -m dlbook.data` again"
            ) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise DataError(
                f"{display_path(path)} is not a regular file; delete it and run "
                "`python -m dlbook.data` again"
            )
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataError(
                "another `python -m dlbook.data` is provisioning "
                f"{display_path(root)}; wait "
                "for it to finish, then run it again"
            ) from None
        yield
    finally:
        os.close(fd)
