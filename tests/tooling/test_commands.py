"""Tests for booktools.commands: every failure of a command is one line and a non-zero exit."""

import pytest

from booktools.commands import ToolError, run_command


def fails_with(exc):
    def body():
        raise exc

    return body


@pytest.mark.parametrize(
    ("exc", "status", "line"),
    [
        (
            ToolError("the index is stale; regenerate it"),
            1,
            "error: the index is stale; regenerate it",
        ),
        (
            PermissionError(13, "Permission denied", "out/x.ipynb"),
            1,
            "error: Permission denied (out/x.ipynb)",
        ),
        (KeyboardInterrupt(), 130, "error: interrupted; nothing was changed"),
    ],
)
def test_failures_are_one_line(capsys, exc, status, line):
    assert run_command(fails_with(exc)) == status
    assert capsys.readouterr().err.strip().splitlines() == [line]


def test_success_passes_the_status_through(capsys):
    assert run_command(lambda: 3) == 3
    assert capsys.readouterr().err == ""


def test_other_errors_are_not_hidden():
    with pytest.raises(ZeroDivisionError):
        run_command(fails_with(ZeroDivisionError()))
