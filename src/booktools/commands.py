"""How the book's commands run: the render steps' command line, and failure as one line
on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path


class ToolError(RuntimeError):
    """A command cannot do its job; the message says what is wrong and what to do."""


def run_command(
    body: Callable[[], int], interrupted: str = "nothing was changed"
) -> int:
    """Return ``body()``; report a :class:`ToolError`, an OS error or Ctrl-C in one line
    instead."""
    try:
        return body()
    except ToolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"error: interrupted; {interrupted}", file=sys.stderr)
        return 130


def output_folder(
    argv: Sequence[str] | None, prog: str, description: str
) -> Path | None:
    """Parse a render step's command line: the book's output folder, or None (reported)
    if absent.

    The folder defaults to the one Quarto names in $QUARTO_PROJECT_OUTPUT_DIR (created
    when missing: a full render has just emptied it), else _book.
    """
    quarto_output = os.environ.get("QUARTO_PROJECT_OUTPUT_DIR")
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument(
        "output_dir",
        nargs="?",
        type=Path,
        help="the book's output folder (default $QUARTO_PROJECT_OUTPUT_DIR or _book)",
    )
    output_dir = parser.parse_args(argv).output_dir
    if output_dir is None:
        output_dir = Path(quarto_output or "_book")
        if quarto_output:
            output_dir.mkdir(parents=True, exist_ok=True)
    if not output_dir.is_dir():
        print(
            f"error: {output_dir} is not a rendered book folder; render first",
            file=sys.stderr,
        )
        return None
    return output_dir


def run_render_step(
    argv: Sequence[str] | None,
    prog: str,
    description: str,
    work: Callable[[Path], str],
    interrupted: str,
) -> int:
    """Run a render step on the book's output folder: ``work(folder)`` returns its
    one-line report."""
    output_dir = output_folder(argv, prog, description)
    if output_dir is None:
        return 1

    def body() -> int:
        print(work(output_dir))
        return 0

    return run_command(body, interrupted=interrupted)
