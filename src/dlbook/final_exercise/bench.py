"""Benchmark: the final exercise's default recipe against the course's reference design.

``python -m dlbook.final_exercise.bench`` trains both on corrupted MNIST on this machine, one after
the other in the same run (the course's own command, ``train --lr 1e-4``, too), prints test
accuracy (the test file turned into each model's orientation, as ``main.py evaluate`` reports it,
and each digit on its own, unturned), training wall time and its ratio, and with ``--json FILE``
writes them to a file (chapter 13 reads ``chapters/13-corrupted-mnist-bench.json``). It takes several minutes; it is a
measurement, not a test.

Reference design: three 3x3 convolutions with 32, 64 and 128 channels, each followed by 2x2
max-pooling, dropout 0.5 and one linear layer; Adam, lr 1e-3, batch 32, 10 epochs.
"""

from __future__ import annotations

if __name__ == "__main__":  # Ctrl-C while PyTorch loads: one line, not a traceback
    from dlbook.interrupts import exit_quietly_on_interrupt

    exit_quietly_on_interrupt()

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from dlbook.arguments import OneLineParser, positive_int
from dlbook.data import DataError
from dlbook.files import write_atomically
from dlbook.final_exercise.data import load_corrupt_mnist
from dlbook.final_exercise.main import TrainConfig, digit_accuracy, test_accuracy, train_model
from dlbook.interrupts import restore_interrupts
from dlbook.models import calculate_capacity
from dlbook.training import train_epoch


class ReferenceCNN(nn.Module):
    """The course's reference design: conv 32/64/128 each with 2x2 max-pooling, dropout, linear."""

    def __init__(self, dropout: float = 0.5) -> None:
        super().__init__()
        self.config = {"dropout": dropout}
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3),  # 28 -> 26
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> 13
            nn.Conv2d(32, 64, 3),  # -> 11
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> 5
            nn.Conv2d(64, 128, 3),  # -> 3
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> 1
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(dropout), nn.Linear(128, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return logits ``[batch, 10]`` for images ``[batch, 28, 28]`` or ``[batch, 1, 28, 28]``."""
        if x.ndim == 3:
            x = x.unsqueeze(1)
        return self.classifier(self.features(x))


@dataclass(frozen=True)
class Result:
    """One benchmarked design."""

    name: str
    parameters: int
    accuracy: float  # the test file turned into the model's orientation (``main.py evaluate``)
    digit_accuracy: float  # each test digit on its own, unturned
    seconds: float


def run_reference(images, targets, epochs: int = 10, seed: int = 0) -> tuple[nn.Module, float]:
    """Train the course's reference design exactly as specified; return it and the seconds."""
    torch.manual_seed(seed)
    model = ReferenceCNN()
    loader = DataLoader(
        TensorDataset(images.unsqueeze(1), targets),
        batch_size=32,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        losses = train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer)
        _progress(epoch, sum(losses) / len(losses))
    return model, time.perf_counter() - start


def _progress(epoch: int, mean_loss: float) -> None:
    """Print one progress line per epoch (the benchmark takes minutes)."""
    print(f"    epoch {epoch}: mean training loss {mean_loss:.4f}", flush=True)


def run_default(images, targets, config: TrainConfig | None = None) -> tuple[nn.Module, float]:
    """Train the book's default recipe (the CLI's ``train``); return the model and the seconds."""
    start = time.perf_counter()
    model, _ = train_model(images, targets, config, on_epoch=_progress)
    return model, time.perf_counter() - start


def save_results(results: Sequence[Result], path: Path) -> None:
    """Write the results (and the library versions that produced them) to a JSON file."""
    record = {
        "command": "python -m dlbook.final_exercise.bench",
        "torch": torch.__version__.split("+")[0],
        "threads": torch.get_num_threads(),
        "results": [asdict(r) for r in results],
    }
    text = json.dumps(record, indent=1, ensure_ascii=False) + "\n"
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def load_results(path: str | Path) -> list[Result]:
    """Return the results a benchmark run wrote with ``--json``."""
    record = json.loads(Path(path).read_text(encoding="utf-8"))
    return [Result(**r) for r in record["results"]]


def format_table(results: Sequence[Result]) -> str:
    """Return the results as a Markdown table, with time ratios to the first row (the reference)."""
    base = results[0]
    lines = [
        "| design | parameters | test accuracy | each digit alone | training time | time ratio |",
        "|:---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.parameters:,} | {r.accuracy:.4f} | {r.digit_accuracy:.4f} | "
            f"{r.seconds:.0f} s | {r.seconds / base.seconds:.2f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    restore_interrupts()
    parser = OneLineParser(prog="python -m dlbook.final_exercise.bench", description=__doc__)
    parser.add_argument(
        "--reference-epochs", type=positive_int, default=10, help="default 10, as specified"
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--data", type=Path, help="a corruptmnist folder (default: the book's)")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; no results were written", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    """Train and measure the designs; print the table (and write the JSON file if asked)."""
    images, targets = load_corrupt_mnist("train", args.data)
    test_images, test_targets = load_corrupt_mnist("test", args.data)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; training…", flush=True)
    results = []
    for name, run in (
        (
            "course reference (Adam 1e-3, batch 32)",
            lambda: run_reference(images, targets, args.reference_epochs),
        ),
        ("book default (`main.py train`)", lambda: run_default(images, targets)),
        (
            "the course's command (`main.py train --lr 1e-4`)",
            lambda: run_default(images, targets, TrainConfig(lr=1e-4)),
        ),
    ):
        model, seconds = run()
        accuracy = test_accuracy(model, test_images, test_targets)
        alone = digit_accuracy(model, test_images, test_targets)
        results.append(Result(name, calculate_capacity(model), accuracy, alone, seconds))
        print(f"  {name}: accuracy {accuracy:.4f} ({alone:.4f} digit by digit) in {seconds:.0f} s",
              flush=True)  # fmt: skip
    print()
    print(format_table(results))
    if args.json:
        save_results(results, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
