"""The provenance line printed under every chapter's title: what executed it, how it is
seeded."""

from __future__ import annotations

import platform
from importlib.metadata import version


def provenance_line() -> str:
    """Return which Python and libraries executed a chapter, and how its randomness is
    fixed."""
    packages = ", ".join(
        f"{name} {version(dist).split('+')[0]}"
        for name, dist in (
            ("PyTorch", "torch"),
            ("torchvision", "torchvision"),
            ("NumPy", "numpy"),
        )
    )
    return (
        f"Executed with Python {platform.python_version()}, {packages}, on the CPU. "
        "Every cell "
        "that draws random numbers fixes its seed, so a re-run prints the same results."
    )


def provenance() -> None:
    """Print the provenance line (the hidden-code cell near the top of every chapter)."""
    print(provenance_line())
