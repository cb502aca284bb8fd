"""``python -m dlbook.data``: provision every dataset the book uses under ``data/``
(idempotent)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from dlbook.arguments import OneLineParser, seed_int
from dlbook.data import DataError
from dlbook.data.corrupt_mnist import CORRUPT_SEED, generate_corrupt_mnist
from dlbook.data.image_folder import write_image_folder
from dlbook.data.install import provisioning_lock
from dlbook.data.raw import FASHION_MNIST, MNIST, provision_raw
from dlbook.files import DATA_ENV, DestinationError, check_destination, data_dir, display_path
from dlbook.interrupts import restore_interrupts


def provision_all(
    mnist_source: Path | None = None,
    fashion_source: Path | None = None,
    download: bool = True,
    report: Callable[[str], None] | None = None,
    corrupt_seed: int = CORRUPT_SEED,
) -> list[str]:
    """Provision every dataset the book uses; return one line per dataset (each also
    ``report``ed as soon as it is done, so a long run shows progress)."""
    steps = [
        lambda: provision_raw(MNIST, mnist_source, download),
        lambda: provision_raw(FASHION_MNIST, fashion_source, download),
        lambda: generate_corrupt_mnist(corrupt_seed),
        write_image_folder,
        lambda: "CIFAR-10: not provisioned (online only); its chapter cell is skipped offline",
    ]
    lines = []
    for step in steps:
        lines.append(step())
        if report is not None:
            report(lines[-1])
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Provision all datasets; print what was done, or one line saying what is wrong."""
    parser = OneLineParser(
        prog="python -m dlbook.data",
        description="Provision every dataset the book uses under data/ (idempotent).",
    )
    parser.add_argument("--mnist-source", type=Path, help="folder holding the MNIST IDX files")
    parser.add_argument(
        "--fashion-mnist-source", type=Path, help="folder holding the Fashion-MNIST IDX files"
    )
    parser.add_argument(
        "--no-download", action="store_true", help="never try the internet; use local files only"
    )
    parser.add_argument(
        "--seed", type=seed_int, default=CORRUPT_SEED,
        help=f"generator seed of the corrupted MNIST (default {CORRUPT_SEED}; another seed draws "
        "other angles and replaces the folder)",
    )
    args = parser.parse_args(argv)
    restore_interrupts()
    try:
        if not data_dir().is_dir():  # a complete read-only folder needs no write check
            check_destination(data_dir(), option=DATA_ENV)  # before any slow work
            data_dir().mkdir(parents=True)
        with provisioning_lock(data_dir()):  # one run at a time; the other stops in one line
            provision_all(
                args.mnist_source,
                args.fashion_mnist_source,
                not args.no_download,
                report=lambda line: print(line, flush=True),
                corrupt_seed=args.seed,
            )
    except (DataError, DestinationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f" ({display_path(Path(exc.filename))})" if exc.filename else ""
        print(
            f"error: cannot write the data folder{where}: {exc.strerror or exc}; make "
            f"{display_path(data_dir())} writable (or set {DATA_ENV} to a folder you "
            "can write)",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print(
            "error: interrupted; each dataset folder is complete (verified) or not "
            "there yet, run "
            "`python -m dlbook.data` again to finish",
            file=sys.stderr,
        )
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
