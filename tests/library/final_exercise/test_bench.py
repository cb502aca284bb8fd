"""Tests for the final exercise's bench.py (the benchmark itself is run by hand: it takes minutes)."""

import torch

from dlbook.final_exercise import bench


def test_format_table_gives_ratios_to_the_reference():
    table = bench.format_table(
        [
            bench.Result("ref", 93_962, 0.98, 0.97, 80.0),
            bench.Result("ours", 61_042, 0.99, 0.95, 40.0),
        ]
    ).splitlines()
    assert table[0].startswith("| design |") and len(table) == 4
    assert table[2] == "| ref | 93,962 | 0.9800 | 0.9700 | 80 s | 1.00 |"
    assert table[3] == "| ours | 61,042 | 0.9900 | 0.9500 | 40 s | 0.50 |"


def test_reference_training_follows_the_course_recipe():
    generator = torch.Generator().manual_seed(0)
    images, targets = torch.rand(64, 28, 28, generator=generator), torch.randint(0, 10, (64,))
    model, seconds = bench.run_reference(images, targets, epochs=1)
    assert isinstance(model, bench.ReferenceCNN) and seconds > 0
    dropout = [m for m in model.modules() if isinstance(m, torch.nn.Dropout)]
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [c.out_channels for c in convs] == [32, 64, 128] and dropout[0].p == 0.5


def test_results_round_trip_through_the_json_file(tmp_path):
    results = [
        bench.Result("ref", 93_962, 0.98, 0.97, 80.5),
        bench.Result("ours", 29_130, 0.991, 0.95, 40.25),
    ]
    bench.save_results(results, tmp_path / "bench.json")
    assert bench.load_results(tmp_path / "bench.json") == results
    record = (tmp_path / "bench.json").read_text()
    assert '"torch": "2.' in record and str(tmp_path) not in record


def test_bad_reference_epochs_is_one_line_and_exit_2(capsys):
    import pytest

    for value in ("0", "-3", "many"):
        with pytest.raises(SystemExit) as exit_info:
            bench.main(["--reference-epochs", value])
        assert exit_info.value.code == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "expected a whole number >= 1" in err[0]


def test_interrupted_benchmark_is_one_line(capsys, monkeypatch):
    def ctrl_c(split, folder=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(bench, "load_corrupt_mnist", ctrl_c)
    assert bench.main([]) == 130
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: interrupted; no results were written"
    ]
