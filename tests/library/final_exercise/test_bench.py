"""Tests for the final exercise's bench.py (the benchmark itself is run by hand: it takes minutes)."""

import pytest
import torch
from torch.utils.data import TensorDataset

from dlbook.final_exercise import bench
from dlbook.final_exercise.model import MyAwesomeModel


def result(name, accuracy, seconds):
    """Return a Result with a two-angle sweep."""
    return bench.Result(name, 1_000, accuracy, {"-50": 0.9, "50": 0.8}, 0.85, seconds)


def test_format_table_shows_every_measure_and_ratios_to_the_first_row():
    table = bench.format_table(
        [result("course", 0.9, 80.0), result("book", 0.99, 40.0)]
    )
    lines = table.splitlines()
    assert lines[0].startswith(
        "| design | parameters | test file | sweep mean | sweep lowest |"
    )
    assert (
        lines[2]
        == "| course | 1,000 | 0.9000 | 0.8500 | 0.8000 | 0.8500 | 80 s | 1.00 |"
    )
    assert (
        lines[3] == "| book | 1,000 | 0.9900 | 0.8500 | 0.8000 | 0.8500 | 40 s | 0.50 |"
    )


def test_bench_round_trips_through_the_json_file(tmp_path):
    run = bench.Bench(
        [result("course", 0.9, 80.5)],
        [bench.SeedResult(1, 12.5, 0.99, 41.0, 0.98)],
        default_three_turns=0.97,
    )
    bench.save_bench(run, tmp_path / "bench.json")
    assert bench.load_bench(tmp_path / "bench.json") == run
    text = (tmp_path / "bench.json").read_text()
    assert '"torch": "2.' in text and str(tmp_path) not in text


def test_the_course_design_trains_as_shipped_in_file_order():
    images = torch.rand(64, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    train_set = TensorDataset(images, torch.arange(64) % 10)
    model = bench.train_course(train_set, shuffle=False, epochs=1)
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    dropout = [m for m in model.modules() if isinstance(m, torch.nn.Dropout)]
    assert [c.out_channels for c in convs] == [32, 64, 128] and dropout[0].p == 0.5
    again = bench.train_course(train_set, shuffle=False, epochs=1)
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(),
                                                  again.state_dict().values()))  # fmt: skip


def test_an_unwritable_json_file_is_refused_before_any_training(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(
        bench, "run", lambda *a, **k: pytest.fail("trained before checking")
    )
    assert bench.main(["--json", str(tmp_path / "no" / "such" / "bench.json")]) == 1
    assert "not a file in an existing folder" in capsys.readouterr().err


def test_interrupted_benchmark_is_one_line(capsys, monkeypatch):
    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(bench, "run", ctrl_c)
    assert bench.main([]) == 130
    assert (
        capsys.readouterr().err.strip() == "error: interrupted; no results were written"
    )


def test_three_turn_accuracy_reads_three_turns_and_restores_the_networks_own(
    monkeypatch,
):
    model = MyAwesomeModel().eval()
    test_set = TensorDataset(torch.rand(4, 1, 28, 28), torch.arange(4))
    seen = []

    def accuracy(net, data):
        seen.append((net.test_turns, data))
        return 0.5

    monkeypatch.setattr(bench, "accuracy", accuracy)
    own = model.test_turns
    assert bench.three_turn_accuracy(model, test_set) == 0.5
    assert seen == [(bench.THREE_TURNS, test_set)] and len(bench.THREE_TURNS) == 3
    assert model.test_turns == own and len(own) == 7
