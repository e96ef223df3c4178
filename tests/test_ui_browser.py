"""End to end in a real headless Chromium (Debian's package, driven by Playwright; no browser
download): start the app on loopback, ask, open a citation, save screenshots."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import DEFAULT_EMBEDDING_MODEL, Settings
from ingest import ingest
from tests.app_server import running_app
from tests.conftest import SAMPLES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUTPUT = Path(__file__).resolve().parent / "output"
RIVERTON = SAMPLES / "riverton-safer-streets-progress-2023-24.pdf"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="no Chromium here (make test installs Debian's chromium "
                                       "where apt-get can)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser-library")
    ingest([SAMPLES], Settings(data_dir=data, embedding_model=DEFAULT_EMBEDDING_MODEL))
    env = {"SCRUTINEER_DATA_DIR": str(data), "SCRUTINEER_EMBEDDING_MODEL":
           DEFAULT_EMBEDDING_MODEL}
    with running_app(env, data / "ui.log") as url:
        yield url


def test_ask_open_a_citation_and_take_screenshots(server: str) -> None:
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server)
        box = page.get_by_placeholder("Ask about the reports", exact=False)
        box.wait_for(timeout=120_000)
        assert page.title() == "Scrutineer"
        box.fill("How many ASB case reviews were held in Riverton?")
        started = time.perf_counter()
        box.press("Enter")
        page.get_by_text("Eleven ASB case reviews were held in 2023-24.", exact=False) \
            .first.wait_for(timeout=120_000)
        first_answer = time.perf_counter() - started
        page.screenshot(path=str(OUTPUT / "browser-answer.png"), full_page=True)
        page.get_by_text("[1] Riverton Safer Streets Partnership Strategy", exact=False) \
            .first.click()
        page.locator("mark").first.wait_for(timeout=30_000)
        assert "Eleven ASB case reviews" in page.locator("mark").first.inner_text()
        page.get_by_text("Show page 1").first.click()
        page.locator("img[src*='/media/']").first.wait_for(timeout=30_000)
        page.screenshot(path=str(OUTPUT / "browser-citation.png"), full_page=True)
        with page.expect_download(timeout=30_000) as download:
            page.get_by_text(f"Download the original ({RIVERTON.name})").first.click()
        original = Path(download.value.path()).read_bytes()
        suggested = download.value.suggested_filename
        width = page.evaluate("document.documentElement.scrollWidth")
        browser.close()
    (OUTPUT / "browser-timing.txt").write_text(f"question to first answer text: "
                                               f"{first_answer:.2f} s\n")
    assert width <= 1280  # no horizontal scrolling at 1280 px
    assert original == RIVERTON.read_bytes()  # the app hands out the original itself
    assert suggested == RIVERTON.name


def test_the_evaluation_page_draws_its_charts_in_the_browser(server: str) -> None:
    """Streamlit strips inline SVG, so the page draws the headline metrics and latency as
    native charts: both render (a Vega canvas or SVG each) after a run of the sample set. A
    link straight to the page keeps the app's navigation."""
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{server}/evaluation")
        page.get_by_role("button", name="Run").wait_for(timeout=120_000)
        page.get_by_role("button", name="Run").click()
        page.get_by_text("Headline metrics").first.wait_for(timeout=300_000)
        charts = page.locator("[data-testid='stVegaLiteChart']")
        charts.nth(1).wait_for(timeout=60_000)
        drawn = page.locator("[data-testid='stVegaLiteChart'] canvas, "
                             "[data-testid='stVegaLiteChart'] svg.marks")
        drawn.nth(1).wait_for(timeout=60_000)
        page.screenshot(path=str(OUTPUT / "browser-evaluation.png"), full_page=True)
        headings = page.locator("h3").all_inner_texts()
        shown = charts.count()
        links = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
        browser.close()
    assert shown == 2
    # opened by its own address, the page still shows the app's named pages, not file names
    assert [link.strip().split()[-1] for link in links] == ["Ask", "Library", "Evaluation"]
    assert {"Headline metrics", "Latency"} <= {h.strip() for h in headings}
