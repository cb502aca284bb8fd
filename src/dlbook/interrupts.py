"""Ctrl-C at any moment of a command: one line, never a traceback (standard library
only, so that it can be installed before PyTorch starts loading)."""

from __future__ import annotations

import os
import signal
import sys


def exit_quietly_on_interrupt(
    message: str = "interrupted while starting; nothing was changed",
):
    """Turn Ctrl-C during start-up (slow imports) into one line and exit status 130."""

    def handler(signum: int, frame: object) -> None:
        sys.stderr.write(f"error: {message}\n")
        os._exit(130)

    signal.signal(signal.SIGINT, handler)


def restore_interrupts() -> None:
    """Let Ctrl-C, and SIGTERM too, raise :class:`KeyboardInterrupt` (after start-up)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
