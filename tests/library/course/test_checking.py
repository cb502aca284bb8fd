"""Tests for dlbook.course.checking: the messages checks give, and sealed known values."""

import numpy as np
import pytest
import torch

from dlbook.course.checking import (
    CheckFailed,
    as_array,
    attempt,
    expect,
    matches,
    record_passes,
    require,
    seal,
)


def test_require_names_what_is_missing_in_the_callers_namespace():
    tensor_a = 1  # noqa: F841 - a local is not the cell's namespace
    with pytest.raises(
        CheckFailed, match=r"^no answer yet: define `tensor_a` in the cell above$"
    ):
        require("tensor_a")
    with pytest.raises(CheckFailed, match=r"define `a_x`, `b_x` and `c_x` in"):
        require("a_x", "b_x", "c_x")
    require("pytest", "torch")  # module globals of this file: nothing raised


def test_expect_raises_its_message_only_when_the_condition_fails():
    expect(True, "never shown")
    with pytest.raises(CheckFailed, match=r"^`model` has 3 linear layers$"):
        expect(False, "`model` has 3 linear layers")
    assert issubclass(CheckFailed, AssertionError)
    assert CheckFailed("short")._render_traceback_() == ["Not yet: short"]


def test_attempt_turns_the_answers_error_into_a_message():
    assert attempt(lambda: 2 + 2, "unused") == 4
    with pytest.raises(
        CheckFailed, match=r"^`model` fails \(ZeroDivisionError: division by zero\)$"
    ):
        attempt(lambda: 1 / 0, "`model` fails")
    with pytest.raises(CheckFailed, match="^inner$"):
        attempt(lambda: expect(False, "inner"), "outer")


def test_as_array_reads_tensors_arrays_and_numbers_but_not_none_or_text():
    assert as_array(torch.tensor([[1, 2]], requires_grad=False)).tolist() == [
        [1.0, 2.0]
    ]
    assert as_array(torch.ones(2, requires_grad=True)).dtype == np.float64
    assert as_array(3).tolist() == 3.0
    assert (
        as_array(None) is None
        and as_array("0.5") is None
        and as_array(object()) is None
    )


def test_a_sealed_value_hides_its_numbers_and_matches_within_tolerance():
    sealed = seal(torch.tensor([[0.1275, 81.0]]))
    assert "81" not in sealed and "0.1275" not in sealed
    assert matches(np.array([0.1275, 81.0]), sealed)  # any shape with as many numbers
    assert matches([[0.12751, 81.0]], sealed)
    assert not matches([0.2, 81.0], sealed)
    assert not matches([0.1275], sealed) and not matches(None, sealed)
    assert matches(81, seal(81.0), rtol=0, atol=0) and not matches(
        80, seal(81), rtol=0, atol=0
    )
    with pytest.raises(TypeError):
        seal("text")


def test_record_passes_sees_how_every_model_ran_and_one_recording_at_a_time():
    first = record_passes(in_features=4)
    model = torch.nn.Sequential(
        torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2)
    )
    model(torch.zeros(1, 4))  # training mode, gradients on
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 4))
    torch.nn.Linear(5, 4)(torch.zeros(1, 5))  # another layer size: not recorded
    assert first == [(True, True), (False, False)]
    second = record_passes(in_features=4)
    model(torch.zeros(1, 4))
    assert first == [(True, True), (False, False)] and second == [(False, True)]
    record_passes(in_features=0)  # leaves no hook that sees later tests' layers
