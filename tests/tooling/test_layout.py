"""The layout of src/: the learner's library never imports the book's tooling."""

import ast
from pathlib import Path

from dlbook.files import PROJECT_ROOT

SRC = PROJECT_ROOT / "src"


def imported_modules(path: Path) -> set[str]:
    """Return every module a Python file imports (absolute names)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_src_holds_exactly_the_two_wings():
    packages = sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").is_file())
    assert packages == ["booktools", "dlbook"]


def test_library_never_imports_tooling():
    arrows = [
        f"{path.relative_to(SRC)} imports {module}"
        for path in sorted((SRC / "dlbook").rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] == "booktools"
    ]
    assert arrows == []


def test_the_check_sees_an_arrow_from_library_to_tooling(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from booktools.listing import show_source\nimport booktools.check\n"
    )
    assert imported_modules(bad) == {"booktools.listing", "booktools.check"}


def test_final_exercise_is_the_three_course_files_plus_the_benchmark():
    folder = SRC / "dlbook" / "final_exercise"
    names = sorted(p.name for p in folder.glob("*.py"))
    assert names == ["__init__.py", "bench.py", "data.py", "main.py", "model.py"]
    for name in names:
        lines = (folder / name).read_text().count("\n")
        # the three course files: a few screens each; the book's benchmark a little more
        limit = 360 if name == "bench.py" else 330
        assert lines <= limit, (
            f"{name} has {lines} lines; keep each file readable in one sitting"
        )
