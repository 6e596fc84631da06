"""The negotiation console in headless Chromium (Debian's, driven by Playwright): a slider move changes
the figures, and the page makes no request outside the app. The time from a slider move to the
figures updated on the national population is measured and printed (not asserted)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
SHOTS = Path(os.environ["CONTRACT_SHOTS"]) if os.environ.get("CONTRACT_SHOTS") else None  # keep screenshots there

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is absent and CI=true: the console's browser tests must run", pytrace=False)
    pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)", allow_module_level=True)


def _serve(served) -> Iterator[str]:
    import uvicorn

    from contract.serve.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(served), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def small_url() -> Iterator[str]:
    from contract.serve.population import synthetic

    yield from _serve(synthetic(scale=0.05, seed=2019))


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url + "/?base=2019-20&proposal=2020-21")
    page.wait_for_function("document.body.dataset.updated !== undefined", timeout=120_000)
    page.wait_for_selector(".slider", timeout=120_000)
    return page, requests, errors


def _move(page, param: str, value: str) -> float:
    """Set a slider and wait for the figures drawn for it; the milliseconds it took, in the page."""
    before = page.evaluate("document.body.dataset.updated")
    started = page.evaluate("performance.now()")
    page.evaluate("""([param, value]) => {
        const range = document.querySelector(`.slider[data-param="${param}"] input[type=range]`);
        range.value = value; range.dispatchEvent(new Event("input", {bubbles: true}));
    }""", [param, value])
    page.wait_for_function(f"document.body.dataset.updated !== '{before}'", timeout=60_000)
    return page.evaluate("performance.now()") - started


def test_a_slider_moves_the_figures_and_nothing_leaves_the_app(browser, small_url):
    page, requests, errors = _open(browser, small_url)
    assert "SYNTHETIC" in page.inner_text("#population")
    page.wait_for_function("document.querySelector('#diff-summary .card') !== null", timeout=60_000)
    before = page.inner_text("#national-delta")
    lines_before = page.inner_text("#line-table")
    _move(page, "rate.core_pcn_funding", "2.5")
    after = page.inner_text("#national-delta")
    assert after != before
    assert page.inner_text("#line-table") != lines_before
    assert page.locator("#chart svg rect").count() > 0
    _shot(page, "console-small.png", full_page=True)
    # a number opens its explanation, with its source
    page.locator("#line-table a.num").first.click()
    page.wait_for_selector("#explain-body h4", timeout=60_000)
    assert page.locator("#explain-body a[href^='http']").count() > 0
    _shot(page, "console-explain.png")
    host = urlparse(small_url).netloc
    outside = [u for u in requests if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != host]
    assert outside == []
    assert errors == []
    page.close()


def test_docs_page_loads_offline(browser, small_url):
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(small_url + "/docs")
    page.wait_for_selector(".swagger-ui, table", timeout=60_000)
    host = urlparse(small_url).netloc
    assert [u for u in requests if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != host] == []
    page.close()


def test_slider_latency_on_the_national_population(browser, tmp_path_factory, capsys):
    """Measured, printed, not asserted: real files when present, else a generated population of
    England's size (scale 1.0)."""
    from contract.serve.population import from_files, synthetic

    data = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    register, lists = data / "epcn-2019-12.xlsx", data / "qof-prevalence-2019-20.csv"
    started = time.perf_counter()
    served = from_files(register=register, lists=[lists]) if register.exists() and lists.exists() else \
        synthetic(scale=1.0, seed=2019, folder=tmp_path_factory.mktemp("national"))
    loaded = time.perf_counter() - started
    for url in _serve(served):
        page, _requests, _errors = _open(browser, url)
        first = time.perf_counter() - started
        timings = [_move(page, "rate.core_pcn_funding", value) for value in ("1.6", "1.7", "1.8", "1.9", "2.0")]
        _shot(page, "console-national.png", full_page=True)
        page.close()
        with capsys.disabled():
            print(f"\nconsole on {served.info.source} ({served.info.practices:,} practices, "
                  f"{served.info.networks:,} networks): read in {loaded:.1f}s, first figures after "
                  f"{first:.1f}s; slider move to figures updated: "
                  f"{', '.join(f'{t:.0f}' for t in timings)} ms (median {sorted(timings)[2]:.0f} ms)")
        assert all(t > 0 for t in timings)


def _shot(page, name: str, **options) -> None:
    """A screenshot for review, kept only when CONTRACT_SHOTS names a folder (as in test_browser.py)."""
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), **options)
