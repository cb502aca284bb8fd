"""Tests for dlbook.arguments: checked numbers and one-line usage errors."""

import argparse

import pytest

from dlbook import arguments


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        (
            arguments.positive_float,
            {"1e-4": 1e-4, "3": 3.0},
            ["0", "-1", "nan", "inf", "fast"],
        ),
        (arguments.positive_int, {"1": 1, "32": 32}, ["0", "-3", "2.5", "two"]),
        (arguments.seed_int, {"0": 0, "7": 7}, ["-1", "1e3", "seven", str(2**64)]),
    ],
)
def test_number_types_convert_good_text_and_refuse_the_rest(kind, good, bad):
    assert {text: kind(text) for text in good} == good
    for text in bad:
        with pytest.raises(argparse.ArgumentTypeError, match=f"got '{text}'"):
            kind(text)


def test_usage_error_is_one_line_and_exit_2(capsys):
    parser = arguments.OneLineParser(prog="tool")
    parser.add_argument("--epochs", type=arguments.positive_int)
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["--epochs", "0"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == (
        "tool: error: argument --epochs: expected a whole number >= 1, got '0' (see --help)\n"
    )
