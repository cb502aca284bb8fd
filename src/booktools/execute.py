"""Execute chapter notebooks in place, top to bottom in a fresh kernel, as the book
commits them.

Usage: ``python -m booktools.execute chapters/01-pytorch-basics.ipynb [more.ipynb …]``
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import nbformat

from dlbook.files import write_atomically

# colours in tracebacks: not for logs
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
# Figures at twice their pixel size, tagged with their size in CSS pixels, so that they
# are sharp on high-density screens and in the PDF and still shown at their own size
# (Quarto reads the tag).
KERNEL_ARGUMENTS = ["--InlineBackend.figure_formats=retina"]


def coalesce_streams(nb) -> None:
    """Join each cell's consecutive prints to the same stream into one output, in place.

    A kernel sends printed text in pieces as it comes, more of them on a busy machine;
    joined, the committed outputs do not depend on the machine's load, and the book
    shows one box.
    """
    for cell in nb.cells:
        outputs = []
        for output in cell.get("outputs", []):
            previous = outputs[-1] if outputs else None
            if (
                output.output_type == "stream"
                and previous is not None
                and previous.output_type == "stream"
                and previous.name == output.name
            ):
                previous.text += output.text
            else:
                outputs.append(output)
        if "outputs" in cell:
            cell.outputs = outputs


class ExecutionFailed(RuntimeError):
    """A notebook did not run to its end; the message says which cell stopped it and
    why."""


def _last_started_cell(nb) -> int | None:
    """Return the index of the last code cell the kernel began to run, or None."""
    started = [
        i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.execution_count
    ]
    return started[-1] if started else None


def failure_reason(exc: Exception, nb, timeout: int) -> str:
    """Return one line saying why executing ``nb`` stopped: a timeout, a dead kernel, or
    the failing cell's error (never the dashed separator lines of nbclient's message).
    """
    from nbclient.exceptions import (
        CellExecutionError,
        CellTimeoutError,
        DeadKernelError,
    )

    index = _last_started_cell(nb)
    where = f"cell {index}" if index is not None else "a cell"
    if isinstance(exc, CellTimeoutError):
        return f"{where} ran longer than the timeout of {timeout} s; pass a larger --timeout"
    if isinstance(exc, DeadKernelError):
        return f"the kernel died while running {where} (out of memory, or killed)"
    if isinstance(exc, CellExecutionError):
        evalue = ANSI_ESCAPE.sub("", str(exc.evalue)).strip().splitlines()
        return f"{where} raised {exc.ename}: {evalue[0] if evalue else ''}".rstrip(": ")
    lines = [
        line for line in ANSI_ESCAPE.sub("", str(exc)).splitlines() if line.strip("- ")
    ]
    return f"{where}: {lines[-1].strip() if lines else type(exc).__name__}"


def execute_notebook(path: Path, timeout: int = 600) -> float:
    """Run every cell of the notebook at ``path`` in a new kernel and save it; return
    seconds."""
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        extra_arguments=KERNEL_ARGUMENTS,
        resources={"metadata": {"path": str(path.parent.resolve())}},
        record_timing=False,
    )
    start = time.perf_counter()
    try:
        client.execute()
    except Exception as exc:  # noqa: BLE001 - nbclient fails in several ways; say which, in a line
        raise ExecutionFailed(failure_reason(exc, nb, timeout)) from exc
    seconds = time.perf_counter() - start
    coalesce_streams(nb)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    nbformat.validate(nb)
    text = nbformat.writes(nb) + "\n"
    # Ctrl-C leaves the old notebook
    write_atomically(path, lambda tmp: tmp.write_text(text))
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    """Execute each notebook named on the command line; stop at the first failing cell."""
    parser = argparse.ArgumentParser(
        prog="python -m booktools.execute",
        description="Execute notebooks in place, top to bottom, in a fresh python3 kernel.",
    )
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument(
        "--timeout", type=int, default=600, help="seconds allowed per cell"
    )
    args = parser.parse_args(argv)
    done: list[Path] = []
    try:
        return _execute_all(args.notebooks, args.timeout, done)
    except KeyboardInterrupt:
        current = args.notebooks[min(len(done), len(args.notebooks) - 1)]
        print(
            f"error: interrupted; {current} is unchanged ({len(done)} notebook(s) "
            "before it were "
            "executed and saved)"
            if len(done) < len(args.notebooks)
            else "error: interrupted after every notebook was executed and saved",
            file=sys.stderr,
        )
        return 130


def _execute_all(notebooks: Sequence[Path], timeout: int, done: list[Path]) -> int:
    """Execute ``notebooks`` in order, appending each saved one to ``done``; return the
    status."""
    if timeout < 1:
        print(
            f"error: --timeout must be at least 1 second, not {timeout}",
            file=sys.stderr,
        )
        return 2
    for path in notebooks:
        if not path.is_file() or path.suffix != ".ipynb":
            print(f"error: {path} is not a notebook file", file=sys.stderr)
            return 2
        try:
            seconds = execute_notebook(path, timeout)
        except ExecutionFailed as exc:
            print(f"error: {path} failed: {exc}", file=sys.stderr)
            return 1
        except (
            ValueError,
            nbformat.ValidationError,
        ) as exc:  # not JSON, or not a notebook's
            reason = (
                str(exc).strip().splitlines()[0]
                if str(exc).strip()
                else type(exc).__name__
            )
            print(
                f"error: {path} is not a readable notebook ({reason[:120]})",
                file=sys.stderr,
            )
            return 1
        except OSError as exc:
            print(
                f"error: {path}: {exc.strerror or exc}; it is unchanged",
                file=sys.stderr,
            )
            return 1
        print(f"{path}: executed in {seconds:.1f} s", flush=True)
        done.append(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
