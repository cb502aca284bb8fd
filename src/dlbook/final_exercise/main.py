"""The final exercise's ``main.py``: train and evaluate the corrupted-MNIST CNN from the terminal.

    python main.py train --lr 1e-4 [--epochs N] [--batch-size B] [--seed S] [--out DIR] [--data DIR]
    python main.py evaluate runs/corruptmnist/model.pth [--data DIR]

(or ``python -m dlbook.final_exercise.main …`` from anywhere). ``train`` turns the six training
files into one orientation, then writes the checkpoint and a training-curve PNG (training step
against training loss); ``evaluate`` turns the test file into that orientation and prints the
test-set accuracy of a checkpoint written by ``train`` or of a plain ``state_dict`` saved the
course's way.
``--data`` reads the course's own ``corruptmnist`` folder instead of the book's. Bad input gives
one line on stderr and a non-zero exit, and a run that fails never touches files an earlier run
saved.
"""

from __future__ import annotations

if __name__ == "__main__":  # Ctrl-C while PyTorch loads: one line, not a traceback
    from dlbook.interrupts import exit_quietly_on_interrupt

    exit_quietly_on_interrupt()

import argparse
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from dlbook.arguments import OneLineParser, natural_int, positive_float, positive_int
from dlbook.checkpoints import CheckpointError, load_checkpoint, save_checkpoint
from dlbook.data import DataError
from dlbook.data.corrupt_mnist import corrupt_dir, is_checksummed
from dlbook.final_exercise.data import augment, load_corrupt_mnist, straighten_files
from dlbook.final_exercise.model import CorruptMNISTNet, classify_file
from dlbook.inference import predict
from dlbook.interrupts import restore_interrupts
from dlbook.plots import save_training_curve
from dlbook.runs import RunError, RunFolder, RunInterrupted, check_batch_size, check_finite_loss
from dlbook.training import get_device


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters of one training run (the CLI's defaults)."""

    lr: float = 1e-2
    epochs: int = 8
    batch_size: int = 128
    seed: int = 0


def train_model(
    images: torch.Tensor,
    targets: torch.Tensor,
    config: TrainConfig | None = None,
    on_epoch: Callable[[int, float], None] | None = None,
    progress: bool = False,
) -> tuple[CorruptMNISTNet, list[float]]:
    """Train a :class:`CorruptMNISTNet` on the six training files joined (``[N, 28, 28]`` images);
    return it and the step losses.

    The files are first turned into one common orientation (``straighten_files``); then AdamW with
    a one-cycle learning-rate schedule peaking at ``config.lr``, every batch freshly augmented by
    small random rotations and shifts, in the channels-last memory layout.
    """
    config = config or TrainConfig()
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    device = get_device()
    fast = torch.channels_last  # a memory layout that oneDNN's CPU convolutions run faster on
    model = CorruptMNISTNet().to(device, memory_format=fast)
    loader = DataLoader(
        TensorDataset(straighten_files(images, targets).unsqueeze(1), targets),
        batch_size=config.batch_size,
        shuffle=True,
        generator=generator,
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=config.lr, total_steps=config.epochs * len(loader)
    )
    criterion = nn.CrossEntropyLoss()
    losses: list[float] = []
    model.train()
    for epoch in range(1, config.epochs + 1):
        batches = loader
        if progress:
            from tqdm import tqdm

            batches = tqdm(loader, desc=f"epoch {epoch}/{config.epochs}", leave=False)
        for inputs, labels in batches:
            inputs = augment(inputs, generator).to(device, memory_format=fast)
            labels = labels.to(device)
            optimizer.zero_grad()
            loss = criterion(model(inputs), labels)
            loss.backward()
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
            check_finite_loss(losses[-1], len(losses), epoch)
            if progress:
                batches.set_postfix(loss=f"{loss.item():.3f}")
        if on_epoch is not None:
            recent = losses[-len(loader) :]
            on_epoch(epoch, sum(recent) / len(recent))
    return model.cpu().to(memory_format=torch.contiguous_format), losses


def load_data(split: str, folder: Path | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Load a split for the command line; say on stderr when the files are not checksummed."""
    images, targets = load_corrupt_mnist(split, folder)
    if not is_checksummed(folder):
        print(f"note: {folder or corrupt_dir()} has no MANIFEST.json, so its files are not checksummed; their "
              "names, shapes, dtypes and value ranges were checked", file=sys.stderr)  # fmt: skip
    return images, targets


def load_trained_model(path: Path) -> CorruptMNISTNet:
    """Return the network saved by ``train``, or saved as a plain ``state_dict`` that fits it."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # noqa: BLE001 - load_checkpoint below reports unreadable files
        state = None
    tensors = state.values() if isinstance(state, dict) else [None]
    if not state or not all(isinstance(v, torch.Tensor) for v in tensors):
        return load_checkpoint(path, expect=CorruptMNISTNet)
    try:
        return CorruptMNISTNet.from_state_dict(state)
    except ValueError as exc:
        raise CheckpointError(
            f"{path} holds a plain state_dict that does not fit the exercise's CorruptMNISTNet: {exc}"
        ) from None


def test_accuracy(model: nn.Module, images: torch.Tensor, targets: torch.Tensor) -> float:
    """Return the fraction of a file of ``images`` the model classifies correctly once the file is
    turned into the model's orientation (``classify_file``), as ``evaluate`` reports it."""
    predictions, _ = classify_file(model, images)
    return (predictions == targets).float().mean().item()


def digit_accuracy(model: nn.Module, images: torch.Tensor, targets: torch.Tensor) -> float:
    """Return the fraction of ``images`` the model classifies correctly each on its own, unturned."""
    predictions = predict(model, images.reshape(-1, 1, 28, 28)).argmax(dim=1)
    return (predictions == targets).float().mean().item()


def build_parser() -> argparse.ArgumentParser:
    """Return the parser for ``train`` and ``evaluate``."""
    defaults = TrainConfig()
    parser = OneLineParser(
        prog="python -m dlbook.final_exercise.main",
        description="Train or evaluate the corrupted-MNIST CNN (the final exercise).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="{train,evaluate}")
    train = commands.add_parser(
        "train", help="train a model, save its checkpoint and a training-curve PNG"
    )
    train.add_argument("--lr", type=positive_float, default=defaults.lr,
                       help="peak learning rate of the one-cycle schedule, reached after 30 %% "
                       f"of the steps (default {defaults.lr:g})")  # fmt: skip
    train.add_argument("--epochs", type=positive_int, default=defaults.epochs,
                       help=f"passes over the training set (default {defaults.epochs})")  # fmt: skip
    train.add_argument("--batch-size", type=positive_int, default=defaults.batch_size,
                       help=f"examples per step (default {defaults.batch_size})")  # fmt: skip
    train.add_argument("--seed", type=natural_int, default=defaults.seed,
                       help=f"random seed (default {defaults.seed})")  # fmt: skip
    train.add_argument("--out", type=Path, default=Path("runs/corruptmnist"),
                       help="folder for model.pth and training_curve.png "
                       "(default runs/corruptmnist)")  # fmt: skip
    evaluate = commands.add_parser(
        "evaluate",
        help="turn the test file into the training orientation and print the test accuracy",
    )
    evaluate.add_argument("checkpoint", type=Path,
                          help="a model.pth written by train, or a plain state_dict")  # fmt: skip
    for command in (train, evaluate):
        command.add_argument("--data", type=Path, default=None,
                             help="a corruptmnist folder, e.g. the course's own "
                             "(default: the book's data/corruptmnist)")  # fmt: skip
    return parser


def run_train(args: argparse.Namespace) -> int:
    """Train with the parsed arguments; write the checkpoint and the curve only on success."""
    config = TrainConfig(args.lr, args.epochs, args.batch_size, args.seed)
    names = ("model.pth", "training_curve.png")
    with RunFolder(args.out, names) as run:  # checked and locked before the work starts
        images, targets = load_data("train", args.data)
        check_batch_size(config.batch_size, len(targets))
        start = time.perf_counter()

        def report(epoch: int, mean_loss: float) -> None:
            print(f"epoch {epoch}/{config.epochs}: mean training loss {mean_loss:.4f}", flush=True)

        model, losses = train_model(images, targets, config, report, progress=sys.stderr.isatty())
        seconds = time.perf_counter() - start
        title = f"Corrupted MNIST CNN, lr {config.lr:g}"
        run.save({  # both files or neither
            names[0]: lambda path: save_checkpoint(model, path, training=asdict(config)),
            names[1]: lambda path: save_training_curve(losses, path, title=title),
        })  # fmt: skip
    checkpoint, curve = (args.out / name for name in names)
    print(f"trained in {seconds:.0f} s; saved {checkpoint} and {curve}")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    """Print the test accuracy of the checkpoint named on the command line."""
    model = load_trained_model(args.checkpoint)
    images, targets = load_data("test", args.data)
    model = model.to(get_device())
    predictions, turn = classify_file(model, images)
    correct = int((predictions == targets).sum())
    print(f"test accuracy: {correct / len(targets):.4f} ({correct}/{len(targets)} correct, "
          f"the file turned by {turn:+.0f} degrees)")  # fmt: skip
    alone = digit_accuracy(model, images, targets)
    print(f"each digit on its own, unturned: {alone:.4f}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``train`` or ``evaluate``; return the exit status (1 with one line on bad input)."""
    restore_interrupts()
    try:
        args = build_parser().parse_args(argv)
        return run_train(args) if args.command == "train" else run_evaluate(args)
    except RunInterrupted as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 130
    except (DataError, CheckpointError, RunError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; nothing was changed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    status = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the command is done: Ctrl-C now changes nothing
    raise SystemExit(status)
