"""Check your answer: the cells under each exercise that say, in one sentence, what is
not right.

A check cell reads only the names its Task states, tests what the Task asks (behaviour,
shapes, values within a tolerance) and fails with a plain message that never gives the
answer away::

from dlbook.course.checking import expect, require

    require("tensor_a")  # "no answer yet: define `tensor_a` in the cell above"
    expect(isinstance(tensor_a, torch.Tensor), "`tensor_a` must be a tensor")

Where a check must compare with a known value, :func:`seal` turns the value into an
opaque string once, and :func:`matches` compares an answer with it without the value
appearing on the page.
"""

from __future__ import annotations

import base64
import json
import sys
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import torch


class CheckFailed(AssertionError):
    """An answer does not yet do what its task asks; the message says what is wrong."""

    def _render_traceback_(self) -> list[str]:
        """Show the message alone in a notebook, not a traceback into this module."""
        return [f"Not yet: {self}"]


def require(*names: str) -> None:
    """Fail with "no answer yet" unless the calling cell's namespace defines every name."""
    namespace = sys._getframe(1).f_globals
    missing = [name for name in names if name not in namespace]
    if missing:
        quoted = [f"`{name}`" for name in missing]
        listed = (
            quoted[0]
            if len(quoted) == 1
            else ", ".join(quoted[:-1]) + " and " + quoted[-1]
        )
        raise CheckFailed(f"no answer yet: define {listed} in the cell above")


def expect(condition: object, message: str) -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)


def attempt(call: Callable[[], Any], message: str) -> Any:
    """Return ``call()``; when the answer's code raises, fail with ``message`` and the
    error."""
    try:
        return call()
    except CheckFailed:
        raise
    except Exception as error:  # noqa: BLE001 - any error of the answer's code is the learner's
        raise CheckFailed(f"{message} ({type(error).__name__}: {error})") from None


def as_array(value: Any) -> np.ndarray | None:
    """Return ``value`` (tensor, array, number, nested list) as float64, or None if it
    is not one."""
    if value is None or isinstance(value, (str, bytes)):
        return None
    try:
        if isinstance(value, torch.Tensor):
            return value.detach().cpu().double().numpy()
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, RuntimeError):
        return None
    return array


def seal(value: Any) -> str:
    """Return an opaque string that holds ``value``'s numbers, for :func:`matches`."""
    array = as_array(value)
    if array is None:
        raise TypeError(f"cannot seal a {type(value).__name__}")
    payload = json.dumps({"shape": list(array.shape), "values": array.ravel().tolist()})
    return base64.b64encode(zlib.compress(payload.encode())).decode()


def matches(value: Any, sealed: str, rtol: float = 1e-4, atol: float = 1e-6) -> bool:
    """Return True when ``value`` has the sealed value's numbers (any shape with as
    many)."""
    data = json.loads(zlib.decompress(base64.b64decode(sealed)))
    array = as_array(value)
    expected = np.asarray(data["values"], dtype=np.float64)
    if array is None or array.size != expected.size:
        return False
    return bool(
        np.allclose(array.ravel(), expected, rtol=rtol, atol=atol, equal_nan=True)
    )


_RECORDING: list[
    torch.utils.hooks.RemovableHandle
] = []  # the hook of the current recording


def record_passes(in_features: int) -> list[tuple[bool, bool]]:
    """Record every later pass through an ``nn.Linear`` with ``in_features`` inputs, any
    model's.

    Returns the list that each pass appends ``(in training mode, recording gradients)``
    to, so that a check can tell how the answer's training and validation passes ran. A
    new recording ends the previous one.
    """
    for handle in _RECORDING:
        handle.remove()
    _RECORDING.clear()
    seen: list[tuple[bool, bool]] = []

    def record(module: torch.nn.Module, args: tuple) -> None:
        if isinstance(module, torch.nn.Linear) and module.in_features == in_features:
            seen.append((module.training, torch.is_grad_enabled()))

    _RECORDING.append(torch.nn.modules.module.register_module_forward_pre_hook(record))
    return seen
