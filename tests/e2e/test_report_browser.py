"""The HTML report in headless Chromium: the charts are drawn, the console stays clean, a phone reads it.

Needs the Debian packages chromium and chromium-driver (.ci/run installs them where it can) and
selenium (the `test` extra). FLAGKEEPER_UPDATE_GOLDEN=1 also rewrites docs/report-screenshot.png.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, run

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed: pip install -e '.[test]'")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="headless Chromium is not installed (Debian packages chromium and chromium-driver; .ci/run installs them when run as root with apt-get)",
)
# Without the background-networking flags Chromium reaches for the network, and on a closed one logs errors.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)  # fmt: skip
SCREENSHOT = REPO / "docs" / "report-screenshot.png"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}", "--window-size=1100,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def _open(browser: Any, page: Path, width: int = 1100) -> None:
    browser.set_window_size(width, 900)
    browser.get(page.as_uri())
    browser.get_log("browser")  # start each page with an empty console


def _chart(browser: Any, chart_id: str) -> Any:
    from selenium.webdriver.common.by import By

    chart = browser.find_element(By.ID, chart_id)
    assert chart.tag_name == "svg" and chart.get_attribute("role") == "img" and chart.is_displayed()
    assert chart.size["width"] > 200 and chart.size["height"] > 60
    assert chart.find_elements(By.TAG_NAME, "rect"), f"{chart_id} has no bars"
    return chart


def _severe(browser: Any) -> list[dict[str, Any]]:
    return [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def _first_screen(browser: Any, css: str) -> list[Any]:
    """The elements matching `css` that lie wholly within the first 900 pixels of the page."""
    from selenium.webdriver.common.by import By

    return [element for element in browser.find_elements(By.CSS_SELECTOR, css) if element.location["y"] + element.size["height"] <= 900]


def test_smars_report_shows_its_charts_without_console_errors(browser: Any, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    args = ["report", "examples/smars_legacy", "--today", "2012-08-01", "--format", "html", "--no-links", "--output", str(page)]
    assert run(args, REPO).exit_code == 0
    _open(browser, page)
    # The first screen: the summary, the health figure with its formula, and Fix first led by FK003, FK010, FK004, FK007.
    assert _first_screen(browser, "p.summary") and _first_screen(browser, "section.health .value")[0].text == "38%"
    assert "× 100" in _first_screen(browser, "#def-health")[0].text
    shown = [row.text.split()[2] for row in _first_screen(browser, "#fix-first tbody tr")]
    assert {"FK003", "FK004", "FK007", "FK010"} <= set(shown[:6]), shown
    age = _chart(browser, "chart-age")
    assert age.find_element("css selector", "title").get_attribute("textContent") == "Flags by age and type"
    _chart(browser, "chart-expired")
    assert _severe(browser) == []
    # The whole page in one picture: the window is the page's height plus the window's own frame.
    height = browser.execute_script("return document.documentElement.scrollHeight + window.outerHeight - window.innerHeight")
    browser.set_window_size(1100, height)
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("FLAGKEEPER_UPDATE_GOLDEN") == "1":
        shutil.copyfile(shot, SCREENSHOT)


def test_trend_chart_is_drawn_with_a_previous_report(browser: Any, tmp_path: Path) -> None:
    store = REPO / "tests" / "fixtures" / "report" / "storefront"
    assert run(["report", str(store), "--today", "2026-07-01", "--format", "json", "--output", "q3.json"], tmp_path).exit_code == 0
    args = ["report", str(store), "--today", "2026-10-15", "--previous", "q3.json", "--format", "html", "--output", "q4.html"]
    assert run(args, tmp_path).exit_code == 0
    _open(browser, tmp_path / "q4.html")
    trend = _chart(browser, "chart-trend")
    assert "2026Q3" in trend.text and "2026Q4" in trend.text
    assert _severe(browser) == []


def test_a_phone_reads_it_without_scrolling_the_page_sideways(browser: Any, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    run(["report", "examples/smars_legacy", "--today", "2012-08-01", "--format", "html", "--output", str(page)], REPO)
    _open(browser, page, width=390)
    _chart(browser, "chart-age")
    viewport, page_width = browser.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
    assert viewport <= 400 and page_width <= viewport  # wide tables scroll inside their own box
    assert _severe(browser) == []
