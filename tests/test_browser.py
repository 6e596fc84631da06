"""The docs site in a real browser: Debian's headless Chromium, driven by Playwright, against the
site built once per session and served over HTTP on 127.0.0.1.

Every page visited must load without a console error or a failed request, and every request must
go to the local server: the site works offline (no web fonts, no CDN, no analytics). The impact
report's HTML page is served and checked the same way.

Without Chromium (or Playwright) the tests are skipped on a workstation, and fail under CI=true.
Set CONTRACT_SHOTS=DIR to keep a screenshot of each new page in DIR.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from contract.site.build import build

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Material draws a mermaid diagram into a *closed* shadow root, which no selector can enter. Opening
# it (before any page script runs) lets the test see the SVG; nothing else on the page changes.
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) { return attach.call(this, {...init, mode: "open"}); };
"""

IN_CI = os.environ.get("CI", "").lower() == "true"
SHOTS = os.environ.get("CONTRACT_SHOTS")

pytestmark = [
    pytest.mark.browser,
    # On a workstation without Chromium the tests are skipped; under CI they must run, so they fail.
    pytest.mark.skipif(not CHROMIUM.exists() and not IN_CI, reason=f"{CHROMIUM} is absent (apt-get install chromium)"),
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def site_url(tmp_path_factory) -> Iterator[str]:
    """The docs (as checked in) built into a temporary folder and served on 127.0.0.1."""
    site = tmp_path_factory.mktemp("browser-site")
    build(site, regenerate=False)
    yield from _serve(site)


@pytest.fixture(scope="session")
def impact_url(tmp_path_factory) -> Iterator[str]:
    """The impact report of tests/test_impact_render.py as an HTML page, served on 127.0.0.1."""
    from contract.render.impact import render
    from tests.test_impact_render import sample_impact

    folder = tmp_path_factory.mktemp("impact-page")
    (folder / "impact.html").write_text(render(sample_impact(), "html"), encoding="utf-8")
    yield from _serve(folder)


@pytest.fixture(scope="module")  # closed with this module: Playwright's sync API allows one at a time
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is absent and CI=true: the browser tests must run in CI")
    if IN_CI:
        import playwright.sync_api as sync_api  # in CI a missing Playwright is a failure, not a skip
    else:
        sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Watched:
    """A page and everything it did: requests, failures, console errors, uncaught exceptions."""

    def __init__(self, page, base: str):
        self.page = page
        self.base = base
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="networkidle")

    def check(self) -> None:
        host = urlparse(self.base).netloc
        elsewhere = [u for u in self.requests if urlparse(u).scheme not in ("data", "blob")
                     and urlparse(u).netloc != host]
        assert not elsewhere, f"requests left the machine: {elsewhere[:5]}"
        assert not self.failed, f"failed requests: {self.failed[:5]}"
        assert not self.errors, f"console errors: {self.errors[:5]}"


def _watched(browser, base: str) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, service_workers="block")
    context.add_init_script(OPEN_SHADOW_ROOTS)
    page = context.new_page()
    page.set_default_timeout(20_000)
    w = Watched(page, base)
    try:
        yield w
        w.check()
    finally:
        context.close()


@pytest.fixture
def watched(browser, site_url) -> Iterator[Watched]:
    yield from _watched(browser, site_url)


@pytest.fixture
def watched_impact(browser, impact_url) -> Iterator[Watched]:
    yield from _watched(browser, impact_url)


def _shot(watched: Watched, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        watched.page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def test_the_home_page_loads(watched):
    watched.goto("")
    page = watched.page
    assert "Network Contract DES" in page.title()
    assert page.locator("h1").first.inner_text().startswith("The Network Contract DES")
    tabs = page.locator(".md-tabs__link").all_inner_texts()
    for tab in ("Versions", "Terms", "Changes"):
        assert tab in tabs


def test_search_finds_the_care_home_premium(watched):
    """Search runs in the browser (a web worker over search/search_index.json, fetched over HTTP).
    Material lists results ten at a time and adds more as the list scrolls: scroll until the care
    home premium's page is listed, or every result is."""
    watched.goto("")
    page = watched.page
    search = page.locator("input.md-search__input")
    search.click()
    # The worker builds its index after the page has loaded; a query typed before that is lost.
    page.wait_for_function("""() => {
        const meta = document.querySelector(".md-search-result__meta");
        return meta && meta.textContent.trim() !== "" && !/initializ/i.test(meta.textContent);
    }""", timeout=60_000)
    search.press_sequentially("care home", delay=20)
    results = page.locator(".md-search-result__item > a")
    results.first.wait_for(timeout=60_000)
    wanted = "terms/payment.care_home_premium/"
    links: list[str] = []
    for _ in range(30):
        links = results.evaluate_all("links => links.map(a => a.href)")
        if any(wanted in link for link in links):
            break
        page.locator(".md-search__scrollwrap").evaluate("e => e.scrollTo(0, e.scrollHeight)")
        page.wait_for_timeout(200)
    assert any(wanted in link for link in links), f"{len(links)} results, none for the care home premium"


def test_a_diff_page_shows_insertions_and_deletions(watched):
    watched.goto("diffs/2019-20_to_2020-21/")
    page = watched.page
    assert page.locator("ins.critic").count() > 0
    assert page.locator("del.critic").count() > 0
    assert page.locator("ins.critic").first.evaluate("e => getComputedStyle(e).textDecorationLine") == "underline"
    assert page.locator("del.critic").first.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"


def test_the_sanction_diagram_renders(watched):
    watched.goto("versions/2019-20/sanctions/")
    page = watched.page
    diagram = page.locator("div.mermaid svg").first
    diagram.wait_for(state="attached")
    assert diagram.locator("g").count() > 0
    assert not page.locator("pre.mermaid").count(), "a mermaid block was left undrawn"


def test_term_pages_switch_versions_in_tabs(watched):
    watched.goto("terms/payment.core_pcn_funding/")
    page = watched.page
    labels = page.locator(".tabbed-labels label").all_inner_texts()
    assert "2019-20" in labels
    page.locator(".tabbed-labels label", has_text="2019-20").first.click()
    assert page.locator(".tabbed-block").filter(has_text="1 April 2019").first.is_visible()


def test_abbreviations_are_explained(watched):
    watched.goto("glossary/")
    title = watched.page.locator("abbr", has_text="PCN").first.get_attribute("title")
    assert title == "Primary Care Network"


@pytest.mark.parametrize("path", ["versions/", "versions/2020-21/payments/", "terms/", "timeline/", "glossary/",
                                  "diffs/", "reference/cli/", "reference/api/", "how-to/commissioner-batch-run/"])
def test_pages_load_cleanly(watched, path):
    watched.goto(path)
    assert watched.page.locator("h1").count() == 1


def test_the_impact_page_leads_with_gainers_losers_and_charts(watched_impact):
    """The report of tests/test_impact_render.py: national change +£374.50; one practice gains
    £120.00 (£0.02 a patient), one loses £45.50; SVG charts drawn inline and visible."""
    watched_impact.goto("impact.html")
    page = watched_impact.page
    glance = page.locator("#at-a-glance")
    assert glance.is_visible()
    assert glance.locator(".headline").inner_text().startswith("National change: +£374.50")
    row = glance.locator("#gainers-losers tr", has_text="practices").first.inner_text()
    assert "+£120.00" in row
    assert "-£45.50" in row
    charts = glance.locator("svg.chart")
    assert charts.count() == 3
    box = charts.first.bounding_box()
    assert box is not None
    assert box["width"] > 200
    assert glance.locator("#streams").inner_text().count("£") >= 6
    _shot(watched_impact, "impact-page")


def test_a_term_page_shows_its_rate_in_every_version(watched):
    watched.goto("terms/rate.core_pcn_funding/")
    page = watched.page
    heading = page.locator("h2#in-every-version")
    assert heading.is_visible()
    table = page.locator("h2#in-every-version ~ div.md-typeset__scrollwrap table, h2#in-every-version ~ table").first
    first = table.locator("tbody tr").first.inner_text()
    assert "2019-20" in first
    assert "£1.50 per registered patient a year" in first
    assert table.locator("tbody tr").count() == 7
    chart = page.locator("img.year-chart")
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    # The page keeps the site's navigation: the left nav lists it, under Terms.
    assert page.locator(".md-nav--primary .md-nav__link--active", has_text="rate.core_pcn_funding").count() >= 1
    _shot(watched, "term-rate-core-pcn-funding")


def test_the_money_by_year_page_draws_its_chart(watched):
    watched.goto("versions/money-by-year/")
    chart = watched.page.locator("img.year-chart")
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    _shot(watched, "money-by-year")
