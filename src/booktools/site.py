"""Pre-render step of the site: publishes the solved notebooks and their practice editions.

Quarto books have no built-in notebook links, so ``python -m booktools.site`` (the project's
pre-render step) copies every solved chapter notebook into ``_book/notebooks/`` and writes its
practice edition into ``_book/practice/``; the second cell of each chapter links to both. It runs
before the pages are rendered so that Quarto finds the link targets when it checks every link.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from booktools.commands import run_command
from booktools.conventions import NOTEBOOKS, PRACTICE
from booktools.practice import write_practice_edition
from booktools.sources import notebook_paths
from dlbook.files import PROJECT_ROOT


def publish_notebooks(output_dir: Path) -> list[Path]:
    """Copy the solved notebooks and write the practice edition into the rendered site."""
    solved_dir = output_dir / NOTEBOOKS
    solved_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebook_paths(PROJECT_ROOT):
        written.append(Path(shutil.copy2(path, solved_dir / path.name)))
    written += write_practice_edition(output_dir / PRACTICE, force=True)  # our own output
    return written


def output_folder(argv: Sequence[str] | None, prog: str, description: str) -> Path | None:
    """Parse a render step's command line: the book's output folder, or None (reported) if absent.

    The folder defaults to the one Quarto names in $QUARTO_PROJECT_OUTPUT_DIR (created when
    missing: a full render has just emptied it), else _book.
    """
    import argparse
    import os

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
        print(f"error: {output_dir} is not a rendered book folder; render first", file=sys.stderr)
        return None
    return output_dir


def main(argv: Sequence[str] | None = None) -> int:
    """Pre-render step: publish the notebooks into Quarto's output folder."""
    output_dir = output_folder(argv, "python -m booktools.site", __doc__)
    if output_dir is None:
        return 1

    def body() -> int:
        written = publish_notebooks(output_dir)
        print(f"published {len(written)} notebooks into {output_dir}")
        return 0

    return run_command(body, interrupted="run the pre-render step again to finish")


if __name__ == "__main__":
    raise SystemExit(main())
