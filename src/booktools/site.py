"""Pre-render step of the site: publishes the solved notebooks and their practice
editions.

Quarto books have no built-in notebook links, so ``python -m booktools.site`` (the
project's pre-render step) copies every solved chapter notebook into
``_book/notebooks/`` and writes its practice edition into ``_book/practice/``; the
second cell of each chapter links to both. It runs before the pages are rendered so that
Quarto finds the link targets when it checks every link.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from booktools.commands import run_render_step
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
    # our own output
    written += write_practice_edition(output_dir / PRACTICE, force=True)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Pre-render step: publish the notebooks into Quarto's output folder."""

    def publish(output_dir: Path) -> str:
        return f"published {len(publish_notebooks(output_dir))} notebooks into {output_dir}"

    return run_render_step(
        argv,
        "python -m booktools.site",
        __doc__,
        publish,
        interrupted="run the pre-render step again to finish",
    )


if __name__ == "__main__":
    raise SystemExit(main())
