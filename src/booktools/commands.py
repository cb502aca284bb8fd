"""How the book's commands fail: one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable


class ToolError(RuntimeError):
    """A command cannot do its job; the message says what is wrong and what to do."""


def run_command(body: Callable[[], int], interrupted: str = "nothing was changed") -> int:
    """Return ``body()``; report a :class:`ToolError`, an OS error or Ctrl-C in one line instead."""
    try:
        return body()
    except ToolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"error: interrupted; {interrupted}", file=sys.stderr)
        return 130
