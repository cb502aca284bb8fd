"""What every chapter begins with, and where the rendered site publishes its notebooks."""

from __future__ import annotations

# Every chapter notebook opens with its title, this links cell and this provenance cell.
NOTEBOOKS = "notebooks"  # where the rendered site serves the solved notebooks
PRACTICE = "practice"  # and their practice editions (see booktools.site)
PROVENANCE_CELL = (
    "#| echo: false\nfrom booktools.provenance import provenance\n\nprovenance()"
)


def chapter_header(notebook: str) -> str:
    """Return a chapter's second cell: links to its solved and practice notebooks (HTML
    only).

    The inner ``.chapter-downloads`` div lets the site's style sheet find the provenance
    cell that follows it.
    """
    return (
        '::: {.content-visible when-format="html"}\n'
        "::: {.chapter-downloads}\n"
        "Download this chapter as a Jupyter notebook: "
        f"[solved](../{NOTEBOOKS}/{notebook}) or "
        f"[practice edition](../{PRACTICE}/{notebook}) (answers removed, checks "
        "kept).\n"
        ":::\n"
        ":::"
    )
