"""``python -m dlbook.data``: provision every dataset the book uses under ``data/`` (idempotent)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from dlbook.data import DataError
from dlbook.data.corrupt_mnist import generate_corrupt_mnist
from dlbook.data.image_folder import write_image_folder
from dlbook.data.raw import FASHION_MNIST, MNIST, provision_raw


def provision_all(
    mnist_source: Path | None = None,
    fashion_source: Path | None = None,
    download: bool = True,
) -> list[str]:
    """Provision every dataset the book uses; return one line per dataset."""
    return [
        provision_raw(MNIST, mnist_source, download),
        provision_raw(FASHION_MNIST, fashion_source, download),
        generate_corrupt_mnist(),
        write_image_folder(),
        "CIFAR-10: not provisioned (online only); its chapter cell is skipped offline",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Provision all datasets; print what was done, or one line saying what is wrong."""
    parser = argparse.ArgumentParser(
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
    args = parser.parse_args(argv)
    try:
        lines = provision_all(args.mnist_source, args.fashion_mnist_source, not args.no_download)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
