"""The rendered site in a real browser: headless Chromium driven by Selenium.

Uses Debian's `chromium` and `chromium-driver` (nothing is downloaded at test time) on _book/
served from http://127.0.0.1 (over file:// the browser blocks Quarto's scripts). Screenshots of
three pages land in test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rendered_book import book_entries
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dlbook.files import PROJECT_ROOT

SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
]
# Console messages that are not the site's fault, each with the reason.
EXPECTED_CONSOLE = [
    # The browser asks every server for /favicon.ico; the book declares no icon.
    "/favicon.ico - Failed to load resource",
    # Quarto links MathJax (pages with formulas) and require.js/jQuery (pages with pandas tables)
    # from these CDNs. The tests run offline, where they cannot load; readers online get them.
    "https://cdn.jsdelivr.net/",
    "https://cdnjs.cloudflare.com/",
]
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


@pytest.fixture(scope="module")
def site(book_dir: Path) -> Iterator[str]:
    """The rendered book, served over HTTP on a free local port; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(book_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[webdriver.Chrome]:
    """Headless Chromium with a fresh profile, logging the console."""
    options = webdriver.ChromeOptions()
    options.binary_location = find_program("chromium", "chromium-browser")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        options=options, service=Service(find_program("chromedriver", "chromium-driver"))
    )
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


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


def unexpected_console(browser) -> list[str]:
    """Return the console's errors since the last call, except the expected ones."""
    expected = list(EXPECTED_CONSOLE)
    if browser.execute_script(
        "return typeof window.require === 'undefined'"
        " && !!document.querySelector('script[src*=\"requirejs\"]')"
    ):
        # Quarto follows require.js with a one-line define('jquery', ...); when the CDN is out of
        # reach that line fails too. The tables on those pages need neither.
        expected.append("Uncaught ReferenceError: define is not defined")
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and not any(e in entry["message"] for e in expected)
    ]


def broken_images(browser) -> list[str]:
    """Return the images of the current page that did not load (natural width 0)."""
    return browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const images = Array.from(document.images);
        Promise.all(images.map((img) => img.decode().catch(() => null))).then(() =>
          done(images.filter((img) => !(img.complete && img.naturalWidth > 0)).map((img) => img.src))
        );
        """
    )


def test_every_page_loads_with_no_console_error_and_every_image(browser, site, book_dir):
    pages = sorted(p.relative_to(book_dir).as_posix() for p in book_dir.rglob("*.html"))
    assert len(pages) == len([e for e in book_entries() if e.kind != "part"])
    problems = {}
    images = 0
    browser.get_log("browser")  # start from an empty console
    for page in pages:
        open_page(browser, site + page)
        images += browser.execute_script("return document.images.length")
        found = unexpected_console(browser) + [
            f"image not loaded: {i}" for i in broken_images(browser)
        ]
        if found:
            problems[page] = found
    assert problems == {}
    assert images >= 25  # the figures of the chapters


def test_a_figure_is_shown(browser, site):
    open_page(browser, site + "chapters/03-architecture-hyperparameters.html#fig-lr-large")
    figure = browser.find_element(By.CSS_SELECTOR, "#fig-lr-large img")
    width = browser.execute_script("return arguments[0].naturalWidth", figure)
    assert width > 0 and figure.is_displayed()
    assert figure.size["width"] > 300
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", figure)
    screenshot(browser, "figure")


def test_provided_setup_is_folded_and_opens_on_click(browser, site):
    open_page(browser, site + "chapters/01-pytorch-basics.html")
    folds = [
        d
        for d in browser.find_elements(By.CSS_SELECTOR, "details.code-fold")
        if d.find_element(By.TAG_NAME, "summary").text.strip() == "Provided setup"
    ]
    assert len(folds) >= 4  # one per exercise of the chapter
    fold = folds[0]
    code = fold.find_element(By.CSS_SELECTOR, "pre")
    assert fold.get_property("open") is False and not code.is_displayed()
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", fold)
    fold.find_element(By.TAG_NAME, "summary").click()
    WebDriverWait(browser, TIMEOUT).until(lambda b: fold.get_property("open"))
    assert code.is_displayed() and "list_a" in code.text


def test_search_finds_an_exercise_and_lands_on_its_section(browser, site):
    open_page(browser, site + "index.html")
    box = browser.find_element(By.CSS_SELECTOR, "#quarto-search .aa-Input")
    box.click()
    box.send_keys("Estimating a sample")
    result = WebDriverWait(browser, TIMEOUT).until(
        lambda b: next(
            (
                link
                for link in b.find_elements(By.CSS_SELECTOR, ".aa-Item a")
                if "#sec-estimating-sample" in (link.get_attribute("href") or "")
            ),
            None,
        )
    )
    assert "Estimating a sample" in result.text
    result.click()
    WebDriverWait(browser, TIMEOUT).until(lambda b: "02-first-network.html" in b.current_url)
    open_page(browser, browser.current_url)
    assert browser.current_url.endswith("#sec-estimating-sample")
    section = browser.find_element(By.ID, "sec-estimating-sample")
    heading = section.find_element(By.TAG_NAME, "h2")
    assert "Estimating a sample" in heading.text
    WebDriverWait(browser, TIMEOUT).until(
        lambda b: (
            0
            <= b.execute_script("return arguments[0].getBoundingClientRect().top", heading)
            < b.execute_script("return window.innerHeight / 2")
        )
    )
    screenshot(browser, "search-result")


def test_dark_mode_toggle_switches_the_theme(browser, site):
    open_page(browser, site + "chapters/05-tensors.html")

    def state():
        return browser.execute_script(
            "return [document.body.classList.contains('quarto-dark'),"
            " getComputedStyle(document.body).backgroundColor]"
        )

    dark, light_background = state()
    assert dark is False
    toggle = next(
        t
        for t in browser.find_elements(By.CSS_SELECTOR, ".quarto-color-scheme-toggle")
        if t.is_displayed()
    )
    toggle.click()
    WebDriverWait(browser, TIMEOUT).until(lambda b: state()[0])
    assert state()[1] != light_background
    screenshot(browser, "dark-mode")
    toggle.click()  # back to light, for the tests that follow
    WebDriverWait(browser, TIMEOUT).until(lambda b: not state()[0])
