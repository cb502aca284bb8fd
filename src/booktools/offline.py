"""Post-render step of the site: removes the CDN scripts Quarto adds to pages with HTML
outputs.

Quarto links require.js and jQuery from a CDN into every page whose notebook has an HTML
output (for JavaScript widgets; here they are pandas tables, which need neither), and
gives no option to leave them out. The site is the whole book offline, so ``python -m
booktools.offline`` (the project's post-render step) deletes exactly those lines from
the rendered pages and fails when a page still loads a script or style sheet from
another site.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from booktools.commands import ToolError, run_render_step
from dlbook.files import write_atomically

# The three lines Quarto writes into the <head> of such a page
# (core/jupyter/widgets.ts).
WIDGET_SCRIPTS = [
    re.compile(
        r'<script src="https://cdn\.jsdelivr\.net/npm/requirejs@[^"]*"[^>]*></script>\n?'
    ),
    re.compile(
        r'<script src="https://cdn\.jsdelivr\.net/npm/jquery@[^"]*"[^>]*></script>\n?'
    ),
    re.compile(
        r"<script type=\"application/javascript\">define\('jquery', \[\],"
        r"function\(\) \{return window\.jQuery;\}\)</script>\n?"
    ),
]
# What a page must not load from another site once those are gone.
REMOTE_RESOURCE = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=\"(?:https?:)?//[^\"]+\"[^>]*>",
    re.I,
)


def strip_widget_scripts(html: str) -> str:
    """Return a page without the CDN lines Quarto adds for notebook widgets."""
    for pattern in WIDGET_SCRIPTS:
        html = pattern.sub("", html)
    return html


def remote_resources(html: str) -> list[str]:
    """Return the tags of a page that load a resource from another site."""
    return REMOTE_RESOURCE.findall(html)


def make_offline(output_dir: Path) -> int:
    """Strip the widget scripts from every page under ``output_dir``; return the pages
    changed."""
    changed, remote = 0, []
    for page in sorted(output_dir.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        stripped = strip_widget_scripts(html)
        if stripped != html:
            write_atomically(
                page, lambda tmp, text=stripped: tmp.write_text(text, "utf-8")
            )
            changed += 1
        remote += [
            f"{page.relative_to(output_dir)}: {t}" for t in remote_resources(stripped)
        ]
    if remote:
        raise ToolError(
            f"{len(remote)} resource(s) still load from another site, e.g. {remote[0]}"
        )
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """Post-render step: make the rendered site load nothing from another site."""

    def strip(output_dir: Path) -> str:
        changed = make_offline(output_dir)
        return f"removed the CDN widget scripts from {changed} page(s) in {output_dir}"

    return run_render_step(
        argv,
        "python -m booktools.offline",
        __doc__,
        strip,
        interrupted="render again to finish the post-render step",
    )


if __name__ == "__main__":
    raise SystemExit(main())
