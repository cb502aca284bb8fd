"""Checkpoints that carry their architecture and a digest of their contents, written
atomically and loaded with ``weights_only=True``; plain state_dict files for any other
module."""

from __future__ import annotations

import hashlib
import json
import os
from collections import OrderedDict
from pathlib import Path
from typing import Any

import torch
from torch import nn

from dlbook.files import save_torch_atomically
from dlbook.final_exercise.data import DataError, load_tensors
from dlbook.models import FCNetwork, SmallCNN

ARCHITECTURES: dict[str, type[nn.Module]] = {
    cls.__name__: cls for cls in (FCNetwork, SmallCNN)
}

CHECKPOINT_FORMAT = "dlbook-checkpoint-2"
MAX_CHECKPOINT_BYTES = 256 * 2**20  # the book's networks save in well under 10 MB
MAX_PARAMETERS = 50_000_000  # what a checkpoint's config may ask a network to allocate
OLDER_FORMATS = ("dlbook-checkpoint-1",)


class CheckpointError(RuntimeError):
    """A checkpoint is missing, unreadable, foreign or does not fit the model."""


def save_checkpoint(model: nn.Module, path: str | Path, **extra: Any) -> Path:
    """Save a model's architecture, configuration, weights and ``extra`` atomically to
    ``path``."""
    name = type(model).__name__
    if name not in ARCHITECTURES or not hasattr(model, "config"):
        raise CheckpointError(
            f"{name} is not a registered architecture; choose one of "
            f"{sorted(ARCHITECTURES)}"
        )
    state_dict = model.state_dict()
    bad = _first_non_finite(state_dict)
    if bad is not None:
        raise CheckpointError(
            f"{name} has non-finite values (NaN or inf) in {bad}; not saved"
        )
    payload = {
        "format": CHECKPOINT_FORMAT,
        "architecture": name,
        "config": model.config,
        "state_dict": state_dict,
        "extra": extra,
    }
    payload["digest"] = content_digest(payload)
    path = Path(path)
    save_torch_atomically(payload, path)
    return path


def cpu_state_dict(model: nn.Module) -> OrderedDict[str, torch.Tensor]:
    """Return a copy of ``model.state_dict()`` on the CPU, detached from the model's
    tensors."""
    state_dict = model.state_dict()
    copy = OrderedDict(
        (key, tensor.detach().to("cpu", copy=True))
        for key, tensor in state_dict.items()
    )
    metadata = getattr(state_dict, "_metadata", None)
    if metadata is not None:  # the per-module versions load_state_dict uses
        copy._metadata = metadata  # type: ignore[attr-defined]
    return copy


def save_state_dict(
    model_or_state: nn.Module | dict[str, torch.Tensor], path: str | Path
) -> Path:
    """Save a model's ``state_dict`` (or a given one) atomically to ``path``, for any
    module.

    The file is a plain state_dict on the CPU: ``model.load_state_dict(torch.load(path,
    weights_only=True))`` reads it into a model of the same class and sizes, on any
    device.
    """
    if isinstance(model_or_state, nn.Module):
        state_dict, name = cpu_state_dict(model_or_state), type(model_or_state).__name__
    else:
        state_dict, name = model_or_state, "the state_dict"
    bad = _first_non_finite(state_dict)
    if bad is not None:
        raise CheckpointError(
            f"{name} has non-finite values (NaN or inf) in {bad}; not saved"
        )
    path = Path(path)
    save_torch_atomically(state_dict, path)
    return path


def content_digest(payload: dict[str, Any]) -> str:
    """Return the SHA-256 of a checkpoint's architecture, config, extra and every
    tensor's bytes."""
    digest = hashlib.sha256()
    header = [payload["architecture"], payload["config"], payload["extra"]]
    digest.update(json.dumps(header, sort_keys=True, default=repr).encode())
    for key in sorted(payload["state_dict"]):
        tensor = payload["state_dict"][key].detach().cpu().contiguous()
        digest.update(f"\n{key} {tensor.dtype} {tuple(tensor.shape)}\n".encode())
        digest.update(tensor.reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def _first_odd_entry(state_dict: dict) -> str | None:
    """Return what is wrong with the first entry that is not a named, dense, real-valued
    tensor in memory (a sparse, meta, complex or quantized tensor, or a key that is not
    a name)."""
    for key, tensor in state_dict.items():
        if not isinstance(key, str):
            return f"its weights are keyed by {type(key).__name__}s, not names"
        if not isinstance(tensor, torch.Tensor):
            return f"{key} is a {type(tensor).__name__}, not a tensor"
        if tensor.layout != torch.strided or tensor.is_meta or tensor.is_quantized:
            return f"{key} is not a dense tensor of values"
        if tensor.is_complex():
            return f"{key} holds complex numbers"
    return None


def _first_non_finite(state_dict: dict[str, torch.Tensor]) -> str | None:
    """Return the name of the first floating-point tensor holding NaN or inf, or None."""
    for key, tensor in state_dict.items():
        if tensor.is_floating_point() and not torch.isfinite(tensor).all():
            return key
    return None


_ENTRIES = {
    "architecture": str,
    "config": dict,
    "state_dict": dict,
    "extra": dict,
    "digest": str,
}


def read_checkpoint(path: str | Path) -> dict[str, Any]:
    """Return a checkpoint's contents, loaded with ``weights_only=True``, after checking
    its form."""
    path = Path(path)
    if not os.path.lexists(path):
        raise CheckpointError(f"no checkpoint at {path}")
    # a regular file of bounded size, unpacking to a bounded size, before any read
    try:
        payload = load_tensors(path, MAX_CHECKPOINT_BYTES)
    except DataError as exc:
        raise CheckpointError(f"{exc}; not a readable checkpoint") from None
    if isinstance(payload, dict) and payload.get("format") in OLDER_FORMATS:
        raise CheckpointError(
            f"{path} was written by an older dlbook without a content digest; train "
            "again to "
            "write a current checkpoint"
        )
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(
            f"{path} is not a dlbook checkpoint (no '{CHECKPOINT_FORMAT}' marker); it "
            "may be a "
            "bare state_dict or another program's file"
        )
    if payload.get("architecture") not in ARCHITECTURES:
        raise CheckpointError(
            f"{path} holds an unknown architecture {payload.get('architecture')!r}; "
            f"known: {sorted(ARCHITECTURES)}"
        )
    for key, kind in _ENTRIES.items():
        if not isinstance(payload.get(key), kind):
            raise CheckpointError(
                f"{path} is incomplete: its '{key}' entry is missing or malformed; "
                "train again "
                "or restore a good copy"
            )
    odd = _first_odd_entry(payload["state_dict"])
    if odd is not None:
        raise CheckpointError(f"{path} is not a checkpoint of weights: {odd}")
    if content_digest(payload) != payload["digest"]:
        raise CheckpointError(
            f"{path} fails its content check (digest mismatch): it changed after it "
            "was saved; "
            "train again or restore a good copy"
        )
    bad = _first_non_finite(payload["state_dict"])
    if bad is not None:
        raise CheckpointError(
            f"{path} holds non-finite weights (NaN or inf in {bad}); it cannot make "
            "predictions, "
            "train again (with a smaller learning rate)"
        )
    return payload


def load_checkpoint(
    path: str | Path, expect: type[nn.Module] | None = None
) -> nn.Module:
    """Rebuild the model a checkpoint describes and load its weights (optionally of type
    ``expect``)."""
    payload = read_checkpoint(path)
    cls = ARCHITECTURES[payload["architecture"]]
    if expect is not None and cls is not expect:
        raise CheckpointError(
            f"{path} holds a {cls.__name__}, not the {expect.__name__} this command "
            "needs"
        )
    try:
        with torch.device("meta"):  # sizes only: nothing is allocated yet
            parameters = sum(p.numel() for p in cls(**payload["config"]).parameters())
        if parameters > MAX_PARAMETERS:
            raise CheckpointError(
                f"{path} describes a {cls.__name__} of {parameters:,} parameters, more "
                "than the "
                f"{MAX_PARAMETERS:,} allowed; it is not one the book saved"
            )
        model = cls(**payload["config"])
        model.load_state_dict(payload["state_dict"])
    except CheckpointError:
        raise
    # a config the class rejects fails in many ways
    except Exception as exc:  # noqa: BLE001
        lines = str(exc).strip().splitlines()
        first = lines[0] if lines else type(exc).__name__
        raise CheckpointError(
            f"{path} does not fit {cls.__name__}: {first[:160]}"
        ) from exc
    return model
