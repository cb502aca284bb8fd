"""Argument checking for the library's command lines: one-line usage errors, checked
numbers."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


class OneLineParser(argparse.ArgumentParser):
    """An argument parser that reports a usage error in one line (and exits with status
    2)."""

    def error(self, message: str) -> None:
        """Print ``prog: error: message`` and a pointer to --help, then exit 2."""
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _number(kind: type, test: Callable, rule: str) -> Callable[[str], float | int]:
    """Return an argparse type that converts with ``kind`` and enforces ``test``."""

    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {rule}, got {text!r}") from None
        if not test(value):
            raise argparse.ArgumentTypeError(f"expected {rule}, got {text!r}")
        return value

    return convert


positive_float = _number(float, lambda v: v > 0 and math.isfinite(v), "a number > 0")
positive_int = _number(int, lambda v: v >= 1, "a whole number >= 1")
seed_int = _number(int, lambda v: 0 <= v < 2**63, "a whole number from 0 to 2**63-1")
