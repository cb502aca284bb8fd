"""Show the package's own source code in a chapter, so the book never keeps a second
copy."""

from __future__ import annotations

import inspect
from pathlib import Path

from IPython.display import Markdown


def source_text(obj: object) -> str:
    """Return the source of a function, class or module, or the text of a file path."""
    if isinstance(obj, (str, Path)):
        return Path(obj).read_text()
    return inspect.getsource(obj)


def show_source(obj: object) -> Markdown:
    """Return the source of ``obj`` as a Markdown Python listing (highlighted by
    Quarto)."""
    return Markdown(f"```python\n{source_text(obj).rstrip()}\n```")
