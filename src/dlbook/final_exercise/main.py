"""Train and evaluate the final exercise's network on corrupted MNIST (command line).

    python main.py train [--lr 1e-2] [--epochs 10] [--batch-size 128] [--seed 0]
                         [--data DIR] [--runs DIR | --out NEW_DIR]
    python main.py evaluate CHECKPOINT [--data DIR]

``train`` writes ``model.pth`` (the network's ``state_dict``, saved the course's way)
and ``training_curve.png`` into a new folder of its own, ``runs/<date>-<time>`` (or
``--out``, which must not exist yet), so no run can overwrite another's files; each file
is written under a temporary name and renamed when complete. ``evaluate`` classifies
every test digit on its own and prints the test accuracy. Bad input gives one line on
stderr and a non-zero exit (2 for bad arguments, 130 when interrupted).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

if __package__:  # imported from a package (python -m dlbook.final_exercise.main)
    from .data import (
        DATA_PATH,
        DataError,
        augment,
        corrupt_mnist,
        load_split,
        turn_ranges,
    )
    from .model import MyAwesomeModel, load_model
else:  # run as a script from its folder (python main.py), as the course does
    from data import (
        DATA_PATH,
        DataError,
        augment,
        corrupt_mnist,
        load_split,
        turn_ranges,
    )
    from model import MyAwesomeModel, load_model

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class RunError(Exception):
    """A run cannot start or cannot finish; the message says why."""


def train_model(
    train_set: TensorDataset,
    lr: float = 1e-2,
    epochs: int = 10,
    batch_size: int = 128,
    seed: int = 0,
    on_epoch: Callable[[int, float], None] | None = None,
) -> tuple[MyAwesomeModel, list[float]]:
    """Train a new network on ``train_set`` (images, targets and the number of each
    image's file); return it (in eval mode) and the loss of every step.

    AdamW with a one-cycle schedule that peaks at ``lr``; every digit is turned at
    random, each time it is seen, within the range ``turn_ranges`` gives its file.
    """
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    images, targets, files = train_set.tensors
    data = TensorDataset(images, targets, *turn_ranges(images, targets, files))
    loader = DataLoader(data, batch_size=batch_size, shuffle=True, generator=generator)
    # faster on CPUs
    model = MyAwesomeModel().to(DEVICE, memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, lr, total_steps=epochs * len(loader)
    )
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    losses: list[float] = []
    for epoch in range(1, epochs + 1):
        model.train()
        for images, targets, low, high in loader:
            images = augment(images, low, high, generator)
            images = images.to(DEVICE, memory_format=torch.channels_last)
            loss = loss_fn(model(images), targets.to(DEVICE))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            losses.append(loss.item())
            if not math.isfinite(losses[-1]):
                raise RunError(
                    f"training diverged: the loss became {losses[-1]} in epoch {epoch}"
                )
        if on_epoch is not None:
            on_epoch(epoch, sum(losses[-len(loader) :]) / len(loader))
    return model.eval().cpu().to(memory_format=torch.contiguous_format), losses


@torch.no_grad()
def accuracy(model: nn.Module, test_set: TensorDataset, batch_size: int = 500) -> float:
    """Return the fraction of ``test_set`` classified right, each image on its own."""
    model.eval().to(DEVICE)
    correct = 0
    for images, targets in DataLoader(test_set, batch_size=batch_size):
        predicted = model(images.to(DEVICE)).argmax(dim=1)
        correct += int((predicted == targets.to(DEVICE)).sum())
    return correct / len(test_set)


def save_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through ``write(temporary_path)``, then rename it into place: a
    reader never sees half a file, and a failed write leaves no file behind."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        write(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def save_curve(losses: Sequence[float], path: Path, title: str) -> None:
    """Save the training loss of every step as a PNG at ``path``."""
    import matplotlib

    matplotlib.use("Agg")  # no screen needed
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=150)
    ax.plot(losses, linewidth=0.8)
    ax.set(
        xlabel="training step",
        ylabel="training loss (log scale)",
        yscale="log",
        title=title,
    )
    fig.tight_layout()
    save_atomically(path, lambda partial: fig.savefig(partial, format="png"))
    plt.close(fig)


def new_run_folder(runs: Path, out: Path | None) -> Path:
    """Create and return the run's own folder: ``out`` (which must be new) or a new
    ``runs/<date>-<time>``; no other run ever writes into it."""
    if out is not None:
        try:
            out.mkdir(parents=True)
        except FileExistsError:
            raise RunError(f"--out {out} already exists; name a new folder") from None
        return out
    runs.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for folder in [runs / stamp, *(runs / f"{stamp}-{n}" for n in range(2, 100))]:
        with contextlib.suppress(FileExistsError):  # another run took the name first
            folder.mkdir()
            return folder
    raise RunError(f"{runs} already holds 100 runs started this second")


def train(args: argparse.Namespace) -> int:
    """Train as the arguments say; save checkpoint and curve in a new run folder."""
    train_set = TensorDataset(*load_split("train", args.data))
    if args.batch_size > len(train_set):
        raise RunError(
            f"--batch-size {args.batch_size} is more than the {len(train_set)} "
            "training images"
        )
    folder = new_run_folder(args.runs, args.out)
    try:
        print(f"training on {len(train_set)} images; saving into {folder}", flush=True)
        start = time.perf_counter()
        model, losses = train_model(
            train_set,
            args.lr,
            args.epochs,
            args.batch_size,
            args.seed,
            on_epoch=lambda e, loss: print(
                f"epoch {e}/{args.epochs}: mean loss {loss:.4f}", flush=True
            ),
        )
        seconds = time.perf_counter() - start
        save_atomically(
            folder / "model.pth", lambda p: torch.save(model.state_dict(), p)
        )
        save_curve(losses, folder / "training_curve.png", f"Training, lr {args.lr:g}")
    except BaseException:
        if not any(folder.iterdir()):
            folder.rmdir()  # an empty run folder says nothing
        raise
    print(
        f"trained in {seconds:.0f} s; saved {folder / 'model.pth'} and the training "
        "curve"
    )
    return 0


def evaluate(args: argparse.Namespace) -> int:
    """Print a checkpoint's test accuracy, every test digit classified on its own."""
    model = load_model(args.model_checkpoint)
    _, test_set = corrupt_mnist(args.data)
    result = accuracy(model, test_set)
    correct = round(result * len(test_set))
    print(
        f"test accuracy: {result:.4f} ({correct}/{len(test_set)} digits, each on its "
        "own)"
    )
    return 0


def number(kind: type, above: float, rule: str) -> Callable[[str], float | int]:
    """Return an argparse type for a finite ``kind`` greater than ``above`` (ints below
    2**31)."""

    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            value = math.nan
        if not (
            math.isfinite(value) and value > above and (kind is float or value < 2**31)
        ):
            raise argparse.ArgumentTypeError(f"expected {rule}, got {text!r}")
        return value

    return parse


def folder_path(text: str) -> Path:
    """Parse a folder argument; refuse empty text (it would silently mean "here")."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a folder, got empty text")
    return Path(text)


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (and exit status 2)."""

    def error(self, message: str) -> None:
        """Print the error and a pointer to --help, then exit with status 2."""
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser for ``train`` and ``evaluate``."""
    parser = Parser(prog="main.py", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    train_parser = commands.add_parser(
        "train", help="train a network and save it in a new folder"
    )
    count = number(int, 0, "a whole number >= 1")
    train_parser.add_argument(
        "--lr",
        type=number(float, 0, "a number > 0"),
        default=1e-2,
        help="peak learning rate (default 1e-2)",
    )
    train_parser.add_argument("--epochs", type=count, default=10, help="default 10")
    train_parser.add_argument(
        "--batch-size", type=count, default=128, help="default 128"
    )
    train_parser.add_argument(
        "--seed",
        type=number(int, -1, "a whole number from 0 to 2**31-1"),
        default=0,
        help="random seed (default 0)",
    )
    train_parser.add_argument(
        "--runs",
        type=folder_path,
        default=Path("runs"),
        help="where new run folders go (default runs)",
    )
    train_parser.add_argument(
        "--out",
        type=folder_path,
        default=None,
        help="a new folder for this run, instead of runs/<date>-<time>",
    )
    eval_parser = commands.add_parser(
        "evaluate", help="print a checkpoint's test accuracy"
    )
    eval_parser.add_argument(
        "model_checkpoint",
        type=folder_path,
        metavar="CHECKPOINT",
        help="a model.pth written by train, or a state_dict",
    )
    for command in (train_parser, eval_parser):
        command.add_argument(
            "--data",
            type=folder_path,
            default=DATA_PATH,
            help=f"the corruptmnist folder (default {DATA_PATH})",
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``train`` or ``evaluate``; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return train(args) if args.command == "train" else evaluate(args)
    except (DataError, RunError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; no file was left half-written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
