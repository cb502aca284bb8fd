"""The rendered site in a real browser: headless Chromium driven by Selenium, on _book/ served
from http://127.0.0.1 (over file:// the browser blocks Quarto's scripts).

Uses Debian's `chromium` and `chromium-driver`; nothing is downloaded at test time. The audits
(what every page requests, shows and lets a screen reader find) are JavaScript run in the page.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

from dlbook.files import PROJECT_ROOT

SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
# axe-core, the accessibility engine, installed from npm by .ci/run (npm install axe-core)
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1366,900",
]
DESKTOP = (1366, 900)
PHONE = (390, 844)
TIMEOUT = 20


def find_program(*names: str) -> str:
    """Return the path of the first installed program of ``names``; fail the test if none is."""
    for name in names:
        if path := shutil.which(name):
            return path
    pytest.fail(f"{names[0]} is missing: apt-get install chromium chromium-driver")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request."""

    def log_message(self, format, *args):  # noqa: A002 (the base class names it so)
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over HTTP on a free port of 127.0.0.1; yield its base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium(profile: Path) -> Iterator[webdriver.Chrome]:
    """Headless Chromium with a fresh profile, logging the console and every network request."""
    options = webdriver.ChromeOptions()
    options.binary_location = find_program("chromium", "chromium-browser")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability(
        "goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"}
    )
    driver = webdriver.Chrome(
        options=options,
        service=Service(find_program("chromedriver", "chromium-driver")),
    )
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


def set_viewport(browser, size: tuple[int, int]) -> None:
    """Make the page's viewport ``size`` CSS pixels; narrow ones behave as a phone's screen."""
    width, height = size
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": width,
            "height": height,
            "deviceScaleFactor": 1,
            "mobile": width < 600,
        },
    )


def set_theme(browser, site: str, dark: bool) -> None:
    """Choose the light or dark theme for the pages opened next (Quarto keeps it per site)."""
    open_page(browser, site + "index.html")
    value = "alternate" if dark else "default"
    browser.execute_script(f"localStorage.setItem('quarto-color-scheme', '{value}')")


def open_page(browser, url: str) -> None:
    """Load a page and wait until its scripts have run."""
    browser.get(url)
    WebDriverWait(browser, TIMEOUT).until(
        lambda b: b.execute_script("return document.readyState") == "complete"
    )


def screenshot(browser, name: str) -> None:
    """Save a screenshot of the current page for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def requests_since_last_call(browser) -> list[str]:
    """Return the URL of every request the browser sent since the last call."""
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def off_site(urls: list[str]) -> list[str]:
    """Return the URLs that leave 127.0.0.1 (data: and blob: URLs stay in the page)."""
    return [
        u
        for u in urls
        if urlsplit(u).scheme in ("http", "https", "ws", "wss")
        and urlsplit(u).hostname != "127.0.0.1"
    ]


OPEN_FOLDS = "document.querySelectorAll('details').forEach((d) => { d.open = true; });"

# Every source code line (Quarto gives each its own span) that the browser breaks over more than
# one line on the screen: it wraps back to column 0 and loses its indentation.
WRAPPED_CODE_LINES = """
return Array.from(document.querySelectorAll('main pre code span[id^="cb"]'))
  .filter((line) => {
    if (line.parentElement.tagName !== 'CODE' || !line.getClientRects().length) return false;
    const style = getComputedStyle(line);
    const height = parseFloat(style.lineHeight) || 1.25 * parseFloat(style.fontSize);
    return line.getClientRects().length > 1 || line.getBoundingClientRect().height > 1.5 * height;
  })
  .map((line) => line.textContent);
"""

# The page's visible prose (not code) that still holds TeX: a formula that was not typeset.
RAW_TEX = r"""
const found = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const parent = node.parentElement;
  if (parent.closest('pre, code, script, style, math, .sourceCode')) continue;
  if (!parent.getClientRects().length) continue;
  if (/\\[()[\]]|\$\$|\\(frac|sum|lVert|rVert|langle|rangle|mathbf|cdot|times|sqrt|left|right)\b/
      .test(node.textContent)) {
    found.push(node.textContent.trim().slice(0, 80));
  }
}
return found;
"""

IMAGES_WITHOUT_ALT = """
return Array.from(document.querySelectorAll('img'))
  .filter((img) => !(img.getAttribute('alt') || '').trim())
  .map((img) => img.getAttribute('src'));
"""

PAGE_WIDTH = "return document.documentElement.scrollWidth;"


def axe_violations(browser) -> dict[str, list[str]]:
    """Run axe-core (WCAG 2.1 A and AA) on the current page: {rule: [failing element, …]}."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: npm install axe-core (as .ci/run does)")
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
          .then((r) => done(r.violations.map((v) => [v.id, v.nodes.map((n) => n.target.join(' '))])))
          .catch((e) => done([['axe-error', [String(e)]]]));
        """,
        AXE_TAGS,
    )
    return {rule: nodes for rule, nodes in result}
