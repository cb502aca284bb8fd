"""Tests for the appendices: every glossary term is present and linked; every pitfall demo runs."""

import contextlib
import io
import re

import pytest

from dlbook.files import PROJECT_ROOT

GLOSSARY = (PROJECT_ROOT / "chapters" / "a-glossary.qmd").read_text()
PITFALLS = (PROJECT_ROOT / "chapters" / "b-pitfalls.qmd").read_text()

# The terms of the intro-to-PyTorch lesson glossary the book defines.
LESSON_TERMS = [
    "Tensor", "Hyperparameter", "Neural network", "MNIST", "Activation function",
    "Backpropagation", "Batch", "Batch size", "Cross-entropy", "Epoch", "Hidden layer", "Logits",
    "Optimizer", "Step", "Stochastic gradient descent (SGD)", "Dropout", "Inference",
    "Overfitting", "Precision", "Recall", "Validation set", "Checkpoint",
]  # fmt: skip


def glossary_entries() -> dict[str, str]:
    """Return each defined term with its definition (Pandoc definition-list syntax)."""
    entries = re.findall(
        r"^(\S[^\n]*)\n((?:: [^\n]*\n)(?:  [^\n]*\n)*)", GLOSSARY, re.MULTILINE
    )
    return {term: body for term, body in entries}


def test_glossary_defines_every_lesson_term():
    missing = [t for t in LESSON_TERMS if t not in glossary_entries()]
    assert missing == []


def test_every_glossary_entry_links_to_a_section():
    entries = glossary_entries()
    assert len(entries) >= len(LESSON_TERMS)
    for term, body in entries.items():
        assert re.search(r"@sec-[a-z0-9-]+", body), f"{term} links to no section"


def test_glossary_is_alphabetical():
    terms = list(glossary_entries())
    assert terms == sorted(terms, key=str.lower)


def pitfall_blocks() -> list[tuple[str, str]]:
    """Return (code, expected output) for every python block of the pitfalls appendix."""
    blocks = re.findall(r"```python\n(.*?)```", PITFALLS, re.DOTALL)
    found = []
    for block in blocks:
        lines = block.splitlines()
        expected = "\n".join(line[3:] for line in lines if line.startswith("#> "))
        code = "\n".join(line for line in lines if not line.startswith("#> "))
        found.append((code, expected))
    return found


def test_every_pitfall_has_a_demonstration():
    sections = re.findall(r"^## ", PITFALLS, re.MULTILINE)
    assert len(pitfall_blocks()) == len(sections) >= 12


@pytest.mark.parametrize(
    ("code", "expected"), pitfall_blocks(), ids=lambda v: str(len(v))
)
def test_pitfall_demonstration_prints_what_the_book_shows(code, expected):
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, "<pitfall>", "exec"), {})
    assert output.getvalue().strip() == expected.strip()
