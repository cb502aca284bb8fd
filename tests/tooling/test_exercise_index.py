"""Tests for the exercise index (booktools.exercise_index) and its sync with the chapters."""

import json
import shutil

from booktools import exercise_index as exercises
from dlbook.files import PROJECT_ROOT

# The 28 exercise titles of the interactive course (Part I), in course order.
PART_ONE_TITLES = [
    "Creating tensors and accessing attributes",
    "Creating tensors from NumPy arrays",
    "Your first neural network",
    "The sigmoid and softmax functions",
    "Building a binary classifier in PyTorch",
    "From regression to multi-class classification",
    "Creating one-hot encoded labels",
    "Calculating cross entropy loss",
    "Estimating a sample",
    "Accessing the model parameters",
    "Updating the weights manually",
    "Using the PyTorch optimizer",
    "Using the MSELoss",
    "Writing a training loop",
    "Implementing ReLU",
    "Implementing leaky ReLU",
    "Counting the number of parameters",
    "Manipulating the capacity of a network",
    "Experimenting with learning rate",
    "Experimenting with momentum",
    "Freeze layers of a model",
    "Layer initialization",
    "Using the TensorDataset class",
    "From data loading to running a forward pass",
    "Writing the evaluation loop",
    "Calculating accuracy using torchmetrics",
    "Experimenting with dropout",
    "Implementing random search",
]


def test_part_one_has_all_28_course_exercises_in_order():
    found = [e.title for e in exercises.collect_exercises() if e.part == "Part I"]
    assert found == PART_ONE_TITLES


def test_index_page_is_in_sync_with_the_chapters():
    page = (PROJECT_ROOT / exercises.INDEX_PAGE).read_text()
    assert page == exercises.render_index(exercises.collect_exercises()), (
        "run `python -m booktools.exercise_index` to regenerate the exercise index"
    )


def test_every_exercise_is_linked_by_its_label():
    page = (PROJECT_ROOT / exercises.INDEX_PAGE).read_text()
    for exercise in exercises.collect_exercises():
        assert f"| @{exercise.label} |" in page


def test_index_goes_stale_when_a_chapter_gains_an_exercise(tmp_path):
    shutil.copy(PROJECT_ROOT / "_quarto.yml", tmp_path)
    shutil.copytree(PROJECT_ROOT / "chapters", tmp_path / "chapters")
    before = exercises.render_index(exercises.collect_exercises(tmp_path))
    path = tmp_path / "chapters" / "01-pytorch-basics.ipynb"
    nb = json.loads(path.read_text())
    nb["cells"] += [
        {"cell_type": "markdown", "metadata": {}, "source": "## A new exercise {#sec-new-one}"},
        {"cell_type": "code", "metadata": {"tags": ["answer"]}, "source": "x = 1",
         "outputs": [], "execution_count": None},
    ]  # fmt: skip
    path.write_text(json.dumps(nb))
    after = exercises.render_index(exercises.collect_exercises(tmp_path))
    assert after != before and "| A new exercise | @sec-new-one |" in after


def test_bonus_exercises_are_recognised():
    bonus = exercises.Exercise(
        "Part II", "c", "sec-c", "Bonus: a Reshape layer", "sec-b"
    )
    assert bonus.is_bonus
    assert "1 exercises and 1 bonus exercises" not in exercises.render_index([bonus])
    assert "0 exercises and 1 bonus exercises" in exercises.render_index([bonus])
