"""Execute chapter notebooks in place, top to bottom in a fresh kernel, as the book commits them.

Usage: ``python -m booktools.execute chapters/01-pytorch-basics.ipynb [more.ipynb …]``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import nbformat

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def execute_notebook(path: Path, timeout: int = 600) -> float:
    """Run every cell of the notebook at ``path`` in a new kernel and save it; return seconds."""
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent.resolve())}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    """Execute each notebook named on the command line; stop at the first failing cell."""
    parser = argparse.ArgumentParser(
        prog="python -m booktools.execute",
        description="Execute notebooks in place, top to bottom, in a fresh python3 kernel.",
    )
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        if not path.is_file() or path.suffix != ".ipynb":
            print(f"error: {path} is not a notebook file", file=sys.stderr)
            return 2
        try:
            seconds = execute_notebook(path, args.timeout)
        except Exception as exc:  # noqa: BLE001 - report any cell failure in one line
            first = str(exc).strip().splitlines()
            print(
                f"error: {path} failed: {first[-1] if first else type(exc).__name__}",
                file=sys.stderr,
            )
            return 1
        print(f"{path}: executed in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
