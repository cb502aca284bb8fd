"""The exercises of a chapter notebook: each check cell with its answers, setup and
section.

An exercise is one cell tagged ``check`` together with the ``answer`` cells since the
previous check of its section, the ``setup`` cells before it (its section's, or those of
the nearest earlier section that has any) and the answers of the section's earlier
steps. A section is the part of the notebook under a ``##``-``####`` heading with a
``{#sec-…}`` label. The practice edition, its grader and the tests of the checks all
read a chapter through :func:`exercises`.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

from booktools.sources import cell_tags, source_of

SECTION = re.compile(r"^(#{2,4}) (.*?)\s*\{#(sec-[\w-]+)[^}]*\}", re.MULTILINE)


@dataclass
class Exercise:
    """One check of a chapter and the cells it belongs with (indices into the notebook)."""

    label: str
    title: str
    step: int
    check: int
    answers: list[int] = field(default_factory=list)
    setup: list[int] = field(default_factory=list)
    earlier_answers: list[int] = field(default_factory=list)
    steps: int = 1

    @property
    def name(self) -> str:
        """``sec-label``, or ``sec-label/2`` for the second check of a section with
        several."""
        return self.label if self.steps == 1 else f"{self.label}/{self.step}"

    @property
    def heading(self) -> str:
        """The section title, with the step when the section has several checks."""
        return (
            self.title
            if self.steps == 1
            else f"{self.title} ({self.step} of {self.steps})"
        )


def sections(nb: nbformat.NotebookNode) -> list[tuple[str, str, int]]:
    """Return (label, title, index of the heading cell) of every labelled section, in
    order."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            found += [
                (label, title, index)
                for _, title, label in SECTION.findall(source_of(cell))
            ]
    return found


def exercises(nb: nbformat.NotebookNode) -> list[Exercise]:
    """Return the exercises of a chapter notebook, in order."""
    heads = sections(nb)
    found: list[Exercise] = []
    last_setup: list[int] = []
    for number, (label, title, start) in enumerate(heads):
        end = heads[number + 1][2] if number + 1 < len(heads) else len(nb.cells)
        setup, pending, done, own = [], [], [], []
        for index in range(start + 1, end):
            tags = cell_tags(nb.cells[index])
            if "setup" in tags:
                setup.append(index)
            elif "answer" in tags:
                pending.append(index)
            elif "check" in tags:
                exercise = Exercise(
                    label,
                    title,
                    len(own) + 1,
                    index,
                    pending,
                    list(setup or last_setup),
                    list(done),
                )
                own.append(exercise)
                done += pending
                pending = []
        for exercise in own:
            exercise.steps = len(own)
        found += own
        last_setup = setup or last_setup
    return found


def required_names(check_source: str) -> list[str]:
    """Return the names a check cell passes to ``require(...)``, in order."""
    names = []
    for node in ast.walk(ast.parse(_python(check_source))):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "require"
        ):
            names += [a.value for a in node.args if isinstance(a, ast.Constant)]
    return names


def bound_names(source: str) -> set[str]:
    """Return the names a cell binds at its top level (assignments, imports, defs,
    loops)."""
    names = set()
    try:
        tree = ast.parse(_python(source))
    except SyntaxError:
        return names
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def _python(source: str) -> str:
    """Return a cell's source as plain Python: IPython's own transformer turns magics
    (``%…``, ``!…``), which ``ast`` rejects, into calls; a continuation line that starts
    with ``!=`` or ``%`` stays an operator."""
    return TransformerManager().transform_cell(source)


def has_code(source: str) -> bool:
    """Return True when a cell holds a line that is neither blank nor a comment."""
    return any(
        line.strip() and not line.lstrip().startswith("#")
        for line in source.splitlines()
    )


NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w])")
MIN_LINE = 10  # shorter answer lines (``x = 1``, ``loss``) say too little to count as the answer


def _significant(number: str) -> bool:
    """Return True for a number with two or more significant digits (``81``, ``0.69``,
    not ``4.0``)."""
    digits = number.lstrip("-")
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    return len(digits.replace(".", "").lstrip("0")) >= 2


def _numbers(text: str) -> set[float]:
    """Return the significant numbers written in ``text``."""
    return {float(n) for n in NUMBER.findall(text) if _significant(n)}


def _squeezed(code: str) -> str:
    """Return code without whitespace and without a comma before a closing bracket, so
    that a statement reads the same however a formatter split it over lines."""
    return re.sub(r",([)\]}])", r"\1", re.sub(r"\s+", "", code))


def _logical_lines(source: str) -> list[str]:
    """Return the statements of a cell's source, each joined onto one line (comments
    dropped); physical lines when the source does not tokenize."""
    lines = _python(source).splitlines()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("\n".join(lines)).readline))
    except (tokenize.TokenError, SyntaxError):
        return [line.split("  #")[0].strip() for line in lines]
    statements, first = [], None
    skipped = (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT)
    for token in tokens:
        if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            if first is not None:
                rows = lines[first - 1 : token.start[0]]
                joined = " ".join(r.split("  #")[0].strip() for r in rows)
                joined = re.sub(r"([(\[{]) ", r"\1", joined)
                statements.append(re.sub(r",? ([)\]}])", r"\1", joined))
            first = None
        elif token.type not in skipped and first is None:
            first = token.start[0]
    return statements


def _code_lines(source: str) -> list[str]:
    """Return an answer's telling statements: one line each, no comments, options or
    bare imports."""
    return [
        line.rstrip(",").strip()
        for line in _logical_lines(source)
        if len(_squeezed(line)) >= MIN_LINE
        and not line.startswith(("#", "import ", "from "))
    ]


def _output_text(cell: nbformat.NotebookNode) -> str:
    """Return the text a code cell printed or displayed."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            parts.append(output.data.get("text/plain", ""))
    return "\n".join(parts)


def revealing_fragments(solved: nbformat.NotebookNode) -> dict[str, list[str]]:
    """Return, per exercise of a solved chapter, what a practice page must not show of
    it.

    That is every telling code line of its answers, and every significant number its
    answers print or its solution cells quote: the cells between its first answer and
    its check, and those tagged ``solution``. Fragments that the rest of the chapter
    also shows (the task, the setup, other prose) are left out, since the practice page
    keeps those.
    """
    found = exercises(solved)
    solution = set()
    for exercise in found:
        if exercise.answers:
            solution |= set(range(exercise.answers[0], exercise.check))
    solution |= {i for i, c in enumerate(solved.cells) if "solution" in cell_tags(c)}
    kept = "\n".join(
        source_of(c)
        for i, c in enumerate(solved.cells)
        if i not in solution and not {"answer", "check"} & set(cell_tags(c))
    )
    kept_numbers = _numbers(kept)
    kept_code = _squeezed(kept)
    fragments = {}
    for number, exercise in enumerate(found):
        answers = [solved.cells[i] for i in exercise.answers]
        start = exercise.answers[0] if exercise.answers else exercise.check
        end = found[number + 1].check if number + 1 < len(found) else len(solved.cells)
        explained = [
            solved.cells[i] for i in range(start, exercise.check) if i in solution
        ]
        explained += [
            solved.cells[i]
            for i in range(exercise.check + 1, end)
            if "solution" in cell_tags(solved.cells[i])
        ]
        lines = {
            line
            for c in answers
            for line in _code_lines(source_of(c))
            if _squeezed(line) not in kept_code
        }
        quoted = "\n".join(
            [_output_text(c) for c in answers] + [source_of(c) for c in explained]
        )
        numbers = {n for n in NUMBER.findall(quoted) if _significant(n)}
        fragments[exercise.name] = sorted(lines) + sorted(
            n for n in numbers if float(n) not in kept_numbers
        )
    return fragments


def revealed(text: str, fragments: list[str]) -> list[str]:
    """Return the fragments that ``text`` shows (code as written, however its lines
    are split; numbers by value)."""
    numbers = _numbers(text)
    code = _squeezed(text)
    shown = []
    for fragment in fragments:
        if NUMBER.fullmatch(fragment):
            if float(fragment) in numbers:
                shown.append(fragment)
        elif _squeezed(fragment) in code:
            shown.append(fragment)
    return shown
