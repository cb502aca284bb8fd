"""Run safety for commands that train and save: check the destination before the work starts, one
run per output folder at a time, and the checkpoint and its curve saved as one unit."""

from __future__ import annotations

import fcntl
import math
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType

from dlbook.files import finish_pending_writes, write_together

LOCK_NAME = ".run.lock"


class RunError(RuntimeError):
    """A run cannot start, cannot finish or cannot save; the message says what to do."""


class Diverged(RunError):
    """Training produced a non-finite loss; the run stopped before saving anything."""


class RunInterrupted(RunError):
    """The run was interrupted (Ctrl-C or SIGTERM); the message says what the folder holds."""


def check_finite_loss(value: float, step: int, epoch: int) -> None:
    """Raise :class:`Diverged` when a training loss is NaN or infinite."""
    if not math.isfinite(value):
        raise Diverged(f"training diverged: the loss became {value} at step {step} (epoch {epoch})")


def check_batch_size(batch_size: int, n_examples: int) -> None:
    """Refuse a batch size larger than the training set (every step would see the same batch)."""
    if batch_size > n_examples:
        raise RunError(
            f"--batch-size {batch_size} is larger than the {n_examples} training examples; "
            f"choose at most {n_examples}"
        )


def _first_existing(path: Path) -> Path:
    """Return ``path`` or its nearest ancestor that exists (as written: relative stays relative)."""
    path = Path(path)
    while not os.path.lexists(path) and path != path.parent:
        path = path.parent
    return path


def check_destination(out: Path, names: Sequence[str], option: str = "--out") -> None:
    """Raise :class:`RunError` unless ``out`` can become a folder we can write ``names`` into."""
    existing = _first_existing(out)
    if not existing.is_dir():
        if existing == Path(out):
            raise RunError(f"{option} {out} exists and is not a folder; choose another {option}")
        raise RunError(f"{option} {out} lies below {existing}, a file; choose another {option}")
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-test.", dir=existing)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise RunError(
            f"{option} {out}: cannot write in {existing} ({exc.strerror}); choose a folder you "
            f"can write to"
        ) from None
    for name in names:
        target = out / name
        if os.path.lexists(target) and (target.is_symlink() or not target.is_file()):
            raise RunError(
                f"{target} exists and is not a regular file; move it away or choose another "
                f"{option}"
            )


class RunFolder:
    """The output folder of one run: checked, locked and (on exit) reported while in ``with``.

    Entering checks the destination, creates the folder, takes an exclusive lock (a second run
    into the same folder is refused at once) and completes a save an earlier run left half done.
    :meth:`save` writes all result files as one unit. Leaving with Ctrl-C, a divergence or an
    out-of-memory error raises a :class:`RunError` whose message says what the folder now holds.
    """

    def __init__(self, out: Path, names: Sequence[str], option: str = "--out") -> None:
        self.out = Path(out)
        self.names = tuple(names)
        self.option = option
        self.saved = False
        self.created = False
        self.earlier: list[str] = []
        self._lock: int | None = None

    def __enter__(self) -> RunFolder:
        check_destination(self.out, self.names, self.option)
        self.created = not self.out.exists()
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            self._lock = os.open(self.out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise RunError(f"cannot use {self.option} {self.out} ({exc.strerror})") from None
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)
            self._lock = None
            raise RunError(
                f"another run is writing into {self.out}; wait for it to finish or choose "
                f"another {self.option}"
            ) from None
        finished = finish_pending_writes(self.out)
        if finished:
            print(f"completed a save an earlier run left unfinished in {self.out}", flush=True)
        self.earlier = [n for n in self.names if (self.out / n).is_file()]
        return self

    def save(self, writers: Mapping[str, Callable[[Path], None]]) -> None:
        """Write every result file (``writers[name](path)``) into the folder as one unit."""
        missing = set(self.names) - set(writers)
        if missing:
            raise ValueError(f"no writer for {sorted(missing)}")
        try:
            write_together(self.out, writers, on_commit=self._mark_saved)
        except OSError as exc:
            raise RunError(
                f"could not save into {self.out} ({exc.strerror or exc}); {self.outcome()}"
            ) from None

    def _mark_saved(self) -> None:
        """Record that the new files are in place."""
        self.saved = True

    def outcome(self) -> str:
        """Return what the folder holds now, in words."""
        if self.saved:
            return f"{self.out} holds this run's {' and '.join(self.names)}"
        if self.earlier:
            return f"nothing was saved, {self.out} keeps the earlier {' and '.join(self.earlier)}"
        return f"nothing was saved in {self.out}"

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._release()
        if exc is None:
            return
        if isinstance(exc, KeyboardInterrupt):
            raise RunInterrupted(f"interrupted; {self.outcome()}") from None
        if isinstance(exc, Diverged):
            raise Diverged(f"{exc}; {self.outcome()}; try a smaller --lr") from None
        if isinstance(exc, MemoryError) or "can't allocate memory" in str(exc):
            raise RunError(
                f"out of memory while training; choose a smaller --batch-size; {self.outcome()}"
            ) from None

    def _release(self) -> None:
        """Drop the lock; remove the folder again when this run created it and saved nothing."""
        if self._lock is None:
            return
        if self.created and not self.saved:
            (self.out / LOCK_NAME).unlink(missing_ok=True)
            try:
                self.out.rmdir()
            except OSError:
                pass  # something else is in it now: leave it
        os.close(self._lock)
        self._lock = None
