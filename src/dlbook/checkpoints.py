"""Checkpoints that carry their architecture, written atomically and loaded with ``weights_only=True``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import nn

from dlbook.files import save_torch_atomically
from dlbook.final_exercise.model import CorruptMNISTNet
from dlbook.models import FCNetwork, SmallCNN

ARCHITECTURES: dict[str, type[nn.Module]] = {
    cls.__name__: cls for cls in (FCNetwork, SmallCNN, CorruptMNISTNet)
}

CHECKPOINT_FORMAT = "dlbook-checkpoint-1"


class CheckpointError(RuntimeError):
    """A checkpoint is missing, unreadable, foreign or does not fit the model."""


def save_checkpoint(model: nn.Module, path: str | Path, **extra: Any) -> Path:
    """Save a model's architecture, configuration, weights and ``extra`` atomically to ``path``."""
    name = type(model).__name__
    if name not in ARCHITECTURES or not hasattr(model, "config"):
        raise CheckpointError(
            f"{name} is not a registered architecture; choose one of {sorted(ARCHITECTURES)}"
        )
    payload = {
        "format": CHECKPOINT_FORMAT,
        "architecture": name,
        "config": model.config,
        "state_dict": model.state_dict(),
        "extra": extra,
    }
    path = Path(path)
    save_torch_atomically(payload, path)
    return path


def read_checkpoint(path: str | Path) -> dict[str, Any]:
    """Return a checkpoint's contents, loaded with ``weights_only=True``, after checking its form."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - garbage input fails in many ways (KeyError too)
        text = str(exc).strip()
        reason = text.splitlines()[0].split(". ")[0].rstrip(".") if text else type(exc).__name__
        raise CheckpointError(f"{path} is not a readable checkpoint ({reason})") from exc
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(
            f"{path} is not a dlbook checkpoint (no '{CHECKPOINT_FORMAT}' marker); it may be a "
            "bare state_dict or another program's file"
        )
    if payload.get("architecture") not in ARCHITECTURES:
        raise CheckpointError(
            f"{path} holds an unknown architecture {payload.get('architecture')!r}; "
            f"known: {sorted(ARCHITECTURES)}"
        )
    return payload


def load_checkpoint(path: str | Path, expect: type[nn.Module] | None = None) -> nn.Module:
    """Rebuild the model a checkpoint describes and load its weights (optionally of type ``expect``)."""
    payload = read_checkpoint(path)
    cls = ARCHITECTURES[payload["architecture"]]
    if expect is not None and cls is not expect:
        raise CheckpointError(
            f"{path} holds a {cls.__name__}, not the {expect.__name__} this command needs"
        )
    try:
        model = cls(**payload["config"])
        model.load_state_dict(payload["state_dict"])
    except (TypeError, RuntimeError) as exc:
        first = str(exc).strip().splitlines()[0]
        raise CheckpointError(f"{path} does not fit {cls.__name__}: {first[:160]}") from exc
    return model
