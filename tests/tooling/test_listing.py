"""Tests for booktools.listing."""

from booktools import listing
from dlbook.ops import pairwise_squared_distance


def test_show_source_wraps_the_real_source_in_a_python_fence():
    shown = listing.show_source(pairwise_squared_distance).data
    assert shown.startswith("```python\ndef pairwise_squared_distance(")
    assert shown.endswith("\n```") and "a @ b.T" in shown


def test_source_text_reads_files(tmp_path):
    path = tmp_path / "x.py"
    path.write_text("x = 1\n")
    assert listing.source_text(path) == "x = 1\n"
