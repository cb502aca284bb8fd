"""The rendered site in a real browser: headless Chromium driven by Selenium.

Uses Debian's `chromium` and `chromium-driver` (nothing is downloaded at test time) on _book/
served from http://127.0.0.1 (over file:// the browser blocks Quarto's scripts). Screenshots of
three pages land in test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

from rendered_book import book_entries
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from site_browser import DESKTOP, TIMEOUT, open_page, screenshot, set_viewport

# Console messages that are not the site's fault, each with the reason.
EXPECTED_CONSOLE = [
    # The browser asks every server for /favicon.ico; the book declares no icon.
    "/favicon.ico - Failed to load resource",
]


def unexpected_console(browser) -> list[str]:
    """Return the console's errors since the last call, except the expected ones."""
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE"
        and not any(e in entry["message"] for e in EXPECTED_CONSOLE)
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


def test_every_page_loads_with_no_console_error_and_every_image(
    browser, site, site_pages
):
    pages = site_pages
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
    open_page(
        browser, site + "chapters/03-architecture-hyperparameters.html#fig-lr-large"
    )
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
    WebDriverWait(browser, TIMEOUT).until(
        lambda b: "02-first-network.html" in b.current_url
    )
    open_page(browser, browser.current_url)
    assert browser.current_url.endswith("#sec-estimating-sample")
    section = browser.find_element(By.ID, "sec-estimating-sample")
    heading = section.find_element(By.TAG_NAME, "h2")
    assert "Estimating a sample" in heading.text
    WebDriverWait(browser, TIMEOUT).until(
        lambda b: (
            -1  # scrolled to the top, give or take a fraction of a pixel
            <= b.execute_script(
                "return arguments[0].getBoundingClientRect().top", heading
            )
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


# The code boxes of the current page whose longest line has at most 88 characters (ruff's line
# length, to which chapters and listings are formatted) but which still scroll sideways.
CODE_BOXES_TOO_NARROW = """
return Array.from(document.querySelectorAll('main pre'))
  .filter((pre) => pre.getClientRects().length)
  .filter((pre) => Math.max(...pre.textContent.split('\\n').map((l) => l.length)) <= 88)
  .filter((pre) => pre.scrollWidth > pre.clientWidth + 1)
  .map((pre) => pre.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a)));
"""


def test_a_code_box_shows_88_columns_on_a_desktop_screen(browser, site, site_pages):
    set_viewport(browser, DESKTOP)
    narrow = {}
    for page in site_pages:
        open_page(browser, site + page)
        if boxes := browser.execute_script(CODE_BOXES_TOO_NARROW):
            narrow[page] = boxes
    assert narrow == {}, "code of at most 88 columns that scrolls at 1366 px"
