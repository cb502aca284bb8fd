"""Benchmark: the final exercise's network against the course's solution, measured
alike.

``python -m dlbook.final_exercise.bench`` trains, one after the other in one run on this
machine:

- the course's solution design (three 3x3 convolutions of 32, 64 and 128 channels, each with 2x2
  max-pooling, dropout 0.5, one linear layer; Adam, lr 1e-3, batch 32, 10 epochs) trained as
  shipped, in file order, and the same design with the batches shuffled;
- the book's default (``main.py train``) and the course's command (``main.py train --lr 1e-4``).

Each is scored digit by digit on the default test file, on MNIST's first 5,000 test
digits turned by every 10° from -50° to +50° (the course's way: one turn per stack), and
on the same digits each turned by its own random angle within ±50°. Then the default is
trained again on the files of other generator seeds (``--seeds``). The default's test
files are also read with three turns per digit (``THREE_TURNS``) instead of the
network's seven. ``--json FILE`` writes everything (chapter 13 reads
``chapters/13-corrupted-mnist-bench.json``). It takes about a quarter of an hour on one
thread: a measurement, not a test.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from dlbook.arguments import OneLineParser, seed_int
from dlbook.data import DataError
from dlbook.data.corrupt_mnist import (
    CORRUPT_SEED,
    build_corrupt_mnist,
    load_corrupt_mnist,
    randomly_turned_test_digits,
    turned_test_digits,
)
from dlbook.files import write_atomically
from dlbook.final_exercise.main import accuracy, train_model
from dlbook.final_exercise.model import MyAwesomeModel

# the readings chapter 13 compares with the network's own: three instead of seven
THREE_TURNS = (-10.0, 0.0, 10.0)

SWEEP = tuple(range(-50, 51, 10))  # test angles, degrees


class CourseCNN(nn.Module):
    """The course's solution design: conv 32, 64, 128 (3x3, each with 2x2 max-pooling),
    dropout 0.5, linear."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 28 -> 26 -> 13
            nn.Conv2d(32, 64, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> 11 -> 5
            nn.Conv2d(64, 128, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> 3 -> 1
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Dropout(0.5), nn.Linear(128, 10)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return logits ``[N, 10]`` for images ``[N, 1, 28, 28]``."""
        return self.classifier(self.features(x))


def train_course(
    train_set: TensorDataset, shuffle: bool, epochs: int = 10
) -> nn.Module:
    """Train the course's design with its hyperparameters; ``shuffle=False`` is as
    shipped."""
    torch.manual_seed(0)
    model = CourseCNN()
    loader = DataLoader(
        TensorDataset(*train_set.tensors[:2]),
        batch_size=32,
        shuffle=shuffle,
        generator=torch.Generator().manual_seed(0),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, epochs + 1):
        model.train()
        for images, targets in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(images), targets)
            loss.backward()
            optimizer.step()
        _progress(epoch, loss.item())
    return model.eval()


def _progress(epoch: int, loss: float) -> None:
    """Print one line per epoch (the benchmark takes minutes)."""
    print(f"    epoch {epoch}: last loss {loss:.4f}", flush=True)


@dataclass(frozen=True)
class Result:
    """One benchmarked design: every accuracy is digit by digit."""

    name: str
    parameters: int
    accuracy: float  # the default test file
    sweep: dict[str, float]  # test angle (degrees, as text) -> accuracy
    random_angles: float  # each digit turned by its own angle within ±50°
    seconds: float

    @property
    def sweep_mean(self) -> float:
        """Mean accuracy over the test-angle sweep."""
        return sum(self.sweep.values()) / len(self.sweep)

    @property
    def sweep_lowest(self) -> float:
        """Lowest accuracy over the test-angle sweep."""
        return min(self.sweep.values())


@dataclass(frozen=True)
class SeedResult:
    """The default recipe trained and tested on the files of one generator seed."""

    seed: int
    test_angle: float
    accuracy: float
    seconds: float
    three_turns: float  # the same network reading each digit at THREE_TURNS only


@dataclass
class Bench:
    """Everything one benchmark run measured."""

    results: list[Result] = field(default_factory=list)
    seeds: list[SeedResult] = field(default_factory=list)
    # the default's accuracy on the default test file, reading at THREE_TURNS only
    default_three_turns: float | None = None


def three_turn_accuracy(model: MyAwesomeModel, test_set: TensorDataset) -> float:
    """Return ``model``'s accuracy reading each digit at ``THREE_TURNS`` only."""
    own, model.test_turns = model.test_turns, THREE_TURNS
    result = accuracy(model, test_set)
    model.test_turns = own
    return result


def score(
    name: str, model: nn.Module, seconds: float, test_set, sweep_sets, random_set
) -> Result:
    """Return the accuracies of a trained model on the test file, the sweep and random
    angles."""
    sweep = {str(angle): accuracy(model, data) for angle, data in sweep_sets.items()}
    parameters = sum(p.numel() for p in model.parameters())
    return Result(
        name,
        parameters,
        accuracy(model, test_set),
        sweep,
        accuracy(model, random_set),
        seconds,
    )


def timed(train: Callable[[], nn.Module]) -> tuple[nn.Module, float]:
    """Return what ``train()`` returns and the seconds it took."""
    start = time.perf_counter()
    model = train()
    return model, time.perf_counter() - start


def dataset(files: dict[str, torch.Tensor], split: str) -> TensorDataset:
    """Return the train split (images, targets, file numbers) or the test split of
    generated files (by name) as a dataset."""
    if split == "test":
        return TensorDataset(
            files["test_images.pt"].unsqueeze(1), files["test_target.pt"]
        )
    names = sorted(n for n in files if n.startswith("train_images_"))
    images = torch.cat([files[n] for n in names]).unsqueeze(1)
    targets = torch.cat([files[n.replace("images", "target")] for n in names])
    return TensorDataset(
        images, targets, torch.arange(len(images)) // len(files[names[0]])
    )


def run(seeds: Sequence[int], report: Callable[[str], None] = print) -> Bench:
    """Train and score every design, then the default on every seed's files."""
    images, targets = load_corrupt_mnist("train")
    train_set = TensorDataset(
        images.unsqueeze(1), targets, torch.arange(len(images)) // 5000
    )
    test_set = TensorDataset(
        *(t.unsqueeze(1) if t.ndim == 3 else t for t in load_corrupt_mnist("test"))
    )
    sweep_sets = {angle: TensorDataset(*turned_test_digits(angle)) for angle in SWEEP}
    random_set = TensorDataset(*randomly_turned_test_digits())
    bench = Bench()
    default = "the book's default (`main.py train`)"
    designs = [
        (
            "the course's solution, as shipped (no shuffling)",
            lambda: train_course(train_set, False),
        ),
        ("the course's solution, shuffled", lambda: train_course(train_set, True)),
        (default, lambda: train_model(train_set, on_epoch=_progress)[0]),
        (
            "the course's command (`main.py train --lr 1e-4`)",
            lambda: train_model(train_set, lr=1e-4, on_epoch=_progress)[0],
        ),
    ]
    for name, train in designs:
        report(f"  {name}: training")
        model, seconds = timed(train)
        bench.results.append(
            score(name, model, seconds, test_set, sweep_sets, random_set)
        )
        if name == default:
            bench.default_three_turns = three_turn_accuracy(model, test_set)
        r = bench.results[-1]
        report(
            f"  {name}: {r.accuracy:.4f} on the test file, sweep mean "
            f"{r.sweep_mean:.4f} "
            f"(lowest {r.sweep_lowest:.4f}), random angles {r.random_angles:.4f}, "
            f"{seconds:.0f} s"
        )
    for seed in seeds:
        seed_files, truth = build_corrupt_mnist(seed)
        report(f"  seed {seed}: training the default")
        seed_train = dataset(seed_files, "train")
        model, seconds = timed(lambda: train_model(seed_train)[0])  # noqa: B023 - called at once
        test = dataset(seed_files, "test")
        result, three = accuracy(model, test), three_turn_accuracy(model, test)
        test_angle = float(truth["test_angle"][0])
        bench.seeds.append(
            SeedResult(seed, round(test_angle, 2), result, seconds, three)
        )
        report(
            f"  seed {seed} ({test_angle:+.1f}°): {result:.4f}, three turns {three:.4f}"
        )
    return bench


def save_bench(bench: Bench, path: Path) -> None:
    """Write a benchmark run (and the library versions that produced it) to a JSON file."""
    record = {
        "command": "python -m dlbook.final_exercise.bench",
        "torch": torch.__version__.split("+")[0],
        "threads": torch.get_num_threads(),
        "default_seed": CORRUPT_SEED,
        "results": [asdict(r) for r in bench.results],
        "seeds": [asdict(s) for s in bench.seeds],
        "default_three_turns": bench.default_three_turns,
    }
    text = json.dumps(record, indent=1, ensure_ascii=False) + "\n"
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def load_bench(path: str | Path) -> Bench:
    """Return the benchmark run a ``--json`` file holds."""
    record = json.loads(Path(path).read_text(encoding="utf-8"))
    return Bench(
        [Result(**r) for r in record["results"]],
        [SeedResult(**s) for s in record["seeds"]],
        record["default_three_turns"],
    )


def format_table(results: Sequence[Result]) -> str:
    """Return the results as a Markdown table, times as ratios to the first row."""
    base = results[0].seconds
    lines = [
        "| design | parameters | test file | sweep mean | sweep lowest | random angles "
        "| training time | time ratio |",
        "|:---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.parameters:,} | {r.accuracy:.4f} | {r.sweep_mean:.4f} | "
            f"{r.sweep_lowest:.4f} | {r.random_angles:.4f} | {r.seconds:.0f} s | "
            f"{r.seconds / base:.2f} |"
        )
    return "\n".join(lines)


def check_writable(path: Path) -> None:
    """Raise ``DataError`` unless the JSON file can be written (checked before minutes
    of work)."""
    folder = path.parent
    if path.is_dir() or not folder.is_dir():
        raise DataError(f"--json {path}: not a file in an existing folder")
    probe = folder / f".{path.name}.probe"
    try:
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise DataError(
            f"--json {path} cannot be written: {exc.strerror or exc}"
        ) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = OneLineParser(
        prog="python -m dlbook.final_exercise.bench", description=__doc__
    )
    parser.add_argument(
        "--json", type=Path, help="also write the results to this JSON file"
    )
    parser.add_argument(
        "--seeds",
        type=seed_int,
        nargs="*",
        default=[1, 2, 3],
        help="generator seeds to train the default on (default 1 2 3)",
    )
    args = parser.parse_args(argv)
    try:
        if args.json:
            check_writable(args.json)
        print(
            f"torch {torch.__version__}, {torch.get_num_threads()} threads", flush=True
        )
        bench = run(args.seeds, report=lambda line: print(line, flush=True))
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; no results were written", file=sys.stderr)
        return 130
    print()
    print(format_table(bench.results))
    if args.json:
        save_bench(bench, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
