"""booktools.offline, the post-render step that keeps the site from loading anything off-site."""

import pytest

from booktools import offline
from booktools.commands import ToolError

# What Quarto 1.10 writes into the <head> of a page whose notebook has an HTML output.
WIDGET_HEAD = (
    '<script src="https://cdn.jsdelivr.net/npm/requirejs@2.3.6/require.min.js" '
    'integrity="sha384-abc" crossorigin="anonymous"></script>\n'
    '<script src="https://cdn.jsdelivr.net/npm/jquery@3.5.1/dist/jquery.min.js" '
    'integrity="sha384-def" crossorigin="anonymous" data-relocate-top="true"></script>\n'
    "<script type=\"application/javascript\">define('jquery', [],function() {return window.jQuery;})"
    "</script>\n"
)


def page(head: str) -> str:
    return (
        f'<html><head>{head}<script src="../site_libs/quarto.js"></script></head><body>'
        '<a href="https://pytorch.org">PyTorch</a></body></html>'
    )


def test_the_widget_scripts_are_removed_and_nothing_else(tmp_path, capsys):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "04.html").write_text(page(WIDGET_HEAD))
    (tmp_path / "index.html").write_text(page(""))
    assert offline.main([str(tmp_path)]) == 0
    assert (tmp_path / "chapters" / "04.html").read_text() == page("")
    assert (tmp_path / "index.html").read_text() == page("")
    assert "from 1 page(s)" in capsys.readouterr().out


def test_a_page_that_still_loads_from_another_site_fails_the_step(tmp_path, capsys):
    remote = '<script src="https://cdn.example.org/mathjax.js"></script>'
    (tmp_path / "index.html").write_text(page(WIDGET_HEAD + remote))
    with pytest.raises(ToolError, match="1 resource"):
        offline.make_offline(tmp_path)
    assert offline.main([str(tmp_path)]) == 1
    assert "cdn.example.org" in capsys.readouterr().err


def test_an_output_folder_that_does_not_exist_is_an_error(tmp_path, capsys):
    assert offline.main([str(tmp_path / "missing")]) == 1
    assert "not a rendered book folder" in capsys.readouterr().err
