"""Pytest set-up shared by the unit tests and the nbval run over chapters/."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # unit tests draw figures without a display


def pytest_configure(config):
    """Resolve the nbval sanitizer file against the project root, wherever pytest is run from."""
    option = getattr(config.option, "nbval_sanitize_with", None)
    if option and not Path(option).is_file():
        candidate = Path(config.rootpath) / option
        if candidate.is_file():
            config.option.nbval_sanitize_with = str(candidate)
