"""The sample site in a real browser: headless Debian Chromium driven by Playwright.

The site is built once with the project's own mkdocs.yml and served from 127.0.0.1 with the
headers of netlify.toml (parsed from the file), Content-Security-Policy included, so every page
below is loaded under the policy that production sends. On every page visited, a console
error, an uncaught exception, a CSP violation, a failed request, an HTTP error or a request to
any other host fails the test: the site must work offline and satisfy its own policy.

Screenshots of the home, a meeting, a person and an account page go to
test-artifacts/screenshots/ (the path is printed). With UPDATE_SCREENSHOTS=1 they are also
copied to docs/screenshots/, which the README shows.

No browser is downloaded: without /usr/bin/chromium (apt-get install chromium) these tests skip,
except under CI (CI=true), where a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
import os
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from conftest import ROOT, build_project

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
README_SCREENSHOTS = ROOT / "docs" / "screenshots"
NETLIFY_TOML = ROOT / "netlify.toml"
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".map"}

# Pages of the sample vault (docs_src/) that the journeys below walk through.
ACCOUNT = "accounts/halvorsen-freight/"
RENEWAL = "meetings/2025-07-08-halvorsen-renewal-and-pricing/"
PILOT_REVIEW = "meetings/2025-01-09-atlas-pilot-results-review/"
PERSON = "people/lars-halvorsen/"  # searched for by name
ATTENDEE = "people/priya-raman/"  # attended the pilot review, owns open action items
MERMAID_MEETING = "meetings/2024-11-14-kestrel-telemetry-ingestion-deep-dive/"
FACT_LINES_MEETING = "meetings/2025-10-22-orchid-pilot-readout/"  # body repeats its frontmatter
TOPIC = "topics/data-residency/"
MISSING = "no/such/page/"
PAGE_KINDS = {
    "home": "",  # the sample vault has no index.md: the home page is the dashboard
    "meeting": PILOT_REVIEW,
    "person": ATTENDEE,
    "account": ACCOUNT,
    "topic": TOPIC,
    "note": "projects/road-map/",
    "folder": "projects/",
    "meetings": "meetings/",
    "people": "people/",
    "accounts": "accounts/",
    "topics": "topics/",
    "tags": "tags/",
    "actions": "actions/",
    "graph": "graph/",
    "404": MISSING,
}
"""One page of each kind the plugin makes (and Material's 404 page), by site path."""
README_SHOTS = {
    "home": "home-light",
    "meeting": "meeting-light",
    "person": "person-light",
    "account": "account-light",
    "actions": "actions-light",
    "actions-dark": "actions-dark",
    "meeting-dark": "meeting-dark",
    "graph": "graph-light",
    "chart": "chart-light",
}
"""docs/screenshots/<name>.png (shown in the README) ← test-artifacts/screenshots/<shot>.png"""
TIMEOUT_MS = 15_000
SCHEMES = ("light", "dark")
"""The reader's system setting, which picks Material's palette: `default`, then `slate`."""
MATERIAL_SCHEME = {"light": "default", "dark": "slate"}


def _need_browser(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}: the browser tests must run in CI", pytrace=False)
    pytest.skip(f"{reason} (apt-get install chromium; CI=true turns this skip into a failure)")


def netlify_headers() -> dict[str, str]:
    """The headers netlify.toml sends with every path (`for = "/*"`)."""
    config = tomllib.loads(NETLIFY_TOML.read_text(encoding="utf-8"))
    for rule in config.get("headers", []):
        if rule.get("for") == "/*":
            return {k: str(v) for k, v in rule["values"].items()}
    raise AssertionError('netlify.toml has no [[headers]] rule for "/*"')


class _Handler(SimpleHTTPRequestHandler):
    """A static host like Netlify: netlify.toml's headers on every response, 404.html for
    a path with no file, text compressed with gzip for a client that accepts it (as every
    static host does: Lighthouse measures what is sent)."""

    headers_to_send: ClassVar[dict[str, str]] = {}

    def end_headers(self) -> None:
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Served:
    site: Path
    base: str
    headers: dict[str, str]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The sample site, built once, on a free loopback port with netlify.toml's headers."""
    built = build_project(tmp_path_factory.mktemp("browser"), strict=True)
    assert not built.aborted, built.log
    site = built.site
    headers = netlify_headers()
    handler = type("Handler", (_Handler,), {"headers_to_send": headers})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(site, f"http://127.0.0.1:{server.server_port}/", headers)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _need_browser(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need_browser("Playwright for Python is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


# Every CSP violation is also logged as a console error by Chromium; listening for the event
# as well catches any that would not be.
_REPORT_CSP = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI);
});
"""


@dataclass
class Watched:
    """A browser page whose problems are recorded, for the whole of a test."""

    page: Any
    base: str
    problems: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    expected_404: set[str] = field(default_factory=set)

    def url(self, path: str) -> str:
        """The absolute URL of a site path: Material's instant navigation rewrites every
        link of a page into one."""
        return self.base + path

    def goto(self, path: str, status: int = 200) -> Any:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == status, (path, response)
        self.page.wait_for_load_state("load")
        return response

    def wait_for_path(self, path: str) -> None:
        """Wait until the address bar shows `path` (Material's instant navigation changes
        pages without a full load)."""
        want = self.base + path
        self.page.wait_for_url(lambda url: url.split("?")[0].split("#")[0] == want)
        self.page.wait_for_load_state("load")

    def search(self, query: str) -> list[str]:
        """Type `query` into Material's search on the home page; the result links in order."""
        self.goto("")
        box = self.page.locator("input[data-md-component=search-query]")
        box.click()
        meta = self.page.locator(".md-search-result__meta")
        # Until the search worker has loaded the index the meta line says "Initializing
        # search", and what is typed then is not searched.
        meta.filter(has_text="Type to start searching").wait_for()
        box.press_sequentially(query)
        meta.filter(has_text=re.compile(r"\d+ matching document")).wait_for()
        # Material renders the results of each keystroke as it comes: read them all at once,
        # once two readings agree (a list read link by link can change under the reader)
        read = """() => [...document.querySelectorAll(
            '.md-search-result__item > a.md-search-result__link')].map((a) => a.getAttribute('href'))"""
        found: list[str] | None = None
        for _ in range(40):
            now = [str(h) for h in self.page.evaluate(read)]
            if now == found:
                break
            found = now
            self.page.wait_for_timeout(150)
        return found or []

    def open_kind(self, kind: str) -> None:
        """Open the sample page of a kind (PAGE_KINDS), ready to look at: its heading shown,
        the graph drawn."""
        path = PAGE_KINDS[kind]
        if kind == "404":
            self.expected_404.add(self.base + path)
        self.goto(path, status=404 if kind == "404" else 200)
        self.page.locator("article h1").first.wait_for()
        if kind == "graph":
            self.page.wait_for_selector(".ma-graph[data-state=drawn]", timeout=60_000)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def assert_clean(self) -> None:
        assert not self.external, (
            "the site reached outside itself (it must work offline; set `theme.font: false` "
            "for Google Fonts):\n" + "\n".join(self.external)
        )
        assert not self.problems, "on the pages visited:\n" + "\n".join(self.problems)


@contextmanager
def watching(
    browser: Any, served: Served, scheme: str = "light", **options: Any
) -> Iterator[Watched]:
    """A new browser context (its palette from `scheme`, as a reader's system setting picks
    it), whose page records every problem while it is open."""
    context = browser.new_context(
        viewport=options.pop("viewport", {"width": 1280, "height": 800}),
        color_scheme=scheme,
        service_workers="block",
        **options,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    w = Watched(page, served.base)
    local = re.escape(served.base)

    def outside(route: Any) -> None:
        w.external.append(f"{route.request.url} (from {page.url})")
        route.abort()

    context.route(re.compile(rf"^(?!{local})"), outside)
    page.add_init_script(_REPORT_CSP)

    def console(message: Any) -> None:
        if message.type != "error":
            return
        # Chromium logs the 404 of a page that a test asks for on purpose.
        if message.location.get("url") in w.expected_404 and "404" in message.text:
            return
        w.problems.append(f"console: {message.text} ({page.url})")

    page.on("console", console)
    page.on("pageerror", lambda e: w.problems.append(f"uncaught: {e} ({page.url})"))

    def failed(request: Any) -> None:
        # A prefetch cut short by the next navigation is not a broken request.
        if request.failure == "net::ERR_ABORTED" and request.url.startswith(served.base):
            return
        if not request.url.startswith(served.base):
            return  # already recorded as external
        w.problems.append(f"request failed: {request.url} ({request.failure})")

    def responded(response: Any) -> None:
        if response.status >= 400 and response.url not in w.expected_404:
            w.problems.append(f"HTTP {response.status}: {response.url}")

    page.on("requestfailed", failed)
    page.on("response", responded)
    page.on("framenavigated", lambda f: f is page.main_frame and w.visited.append(f.url))
    try:
        yield w
    finally:
        context.close()


@pytest.fixture
def watched(browser: Any, served: Served) -> Iterator[Watched]:
    with watching(browser, served) as w:
        yield w


@pytest.fixture(params=SCHEMES)
def schemed(request: pytest.FixtureRequest, browser: Any, served: Served) -> Iterator[Watched]:
    """A watched page in the light palette, then in the dark one."""
    with watching(browser, served, request.param) as w:
        yield w


def _save_for_readme(shots: dict[str, str]) -> None:
    """docs/screenshots/<name>.png from test-artifacts/screenshots/<shot>.png."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for name, shot in shots.items():
            shutil.copy2(SCREENSHOTS / f"{shot}.png", README_SCREENSHOTS / f"{name}.png")


def test_pages_are_served_with_the_netlify_policy(watched: Watched, served: Served) -> None:
    response = watched.goto("")
    policy = response.headers.get("content-security-policy")
    assert policy == served.headers["Content-Security-Policy"]
    assert response.headers.get("x-robots-tag", "").startswith("noindex")
    # The policy is enforced, not just sent: a script from another host is refused.
    blocked = watched.page.evaluate(
        """() => new Promise((resolve) => {
             document.addEventListener("securitypolicyviolation",
               (e) => resolve(e.violatedDirective), {once: true});
             const s = document.createElement("script");
             s.src = "http://127.0.0.2:9/probe.js";
             document.head.appendChild(s);
             setTimeout(() => resolve(null), 3000);
           })"""
    )
    assert blocked is not None and blocked.startswith("script-src")
    watched.problems = [p for p in watched.problems if "127.0.0.2" not in p]
    watched.external = [e for e in watched.external if "127.0.0.2" not in e]
    watched.assert_clean()


def test_home_page(watched: Watched) -> None:
    watched.goto("")
    page = watched.page
    assert "Meeting Archive" in page.title()
    article = page.locator("article")
    assert article.locator("h1").first.inner_text().strip(" ¶")
    for section in ("meetings/", "people/", "accounts/", "actions/"):
        assert article.locator(f'a[href="{watched.url(section)}"]').count() >= 1, section
    latest = article.locator(f'a[href^="{watched.url("meetings/20")}"]')
    assert latest.count() >= 5
    watched.assert_clean()


def test_search_finds_a_person_and_opens_the_page(watched: Watched) -> None:
    results = watched.search("Lars Halvorsen")
    assert any(PERSON in r for r in results[:3]), results
    watched.page.locator(f'.md-search-result__item > a[href*="{PERSON}"]').first.click()
    watched.wait_for_path(PERSON)
    assert watched.page.locator("article h1").first.inner_text().startswith("Lars Halvorsen")
    watched.assert_clean()


def test_search_finds_a_word_of_a_meeting_body(watched: Watched) -> None:
    # "seasonal" is written only in the body of the 2025-07-08 renewal meeting.
    results = watched.search("seasonal")
    assert results and RENEWAL in results[0], results
    assert all(RENEWAL in r for r in results), results
    watched.page.locator(".md-search-result__item > a").first.click()
    watched.wait_for_path(RENEWAL)
    assert "seasonal fleet growth" in watched.page.locator("article").inner_text()
    watched.assert_clean()


def test_wikilink_to_meeting_then_attendee_then_action_item_line(watched: Watched) -> None:
    page = watched.page
    watched.goto(ACCOUNT)
    # The account note's own text links to the pilot review with [[2025-01-09 Atlas pilot …]].
    page.locator(f'article a[href="{watched.url(PILOT_REVIEW)}"]').first.click()
    watched.wait_for_path(PILOT_REVIEW)
    assert page.locator("article h1").first.inner_text().startswith("Atlas pilot results review")
    header = page.locator(".ma-meeting-header")
    assert "Attendees:" in header.inner_text()

    header.locator(f'a[href="{watched.url(ATTENDEE)}"]').click()
    watched.wait_for_path(ATTENDEE)
    assert page.locator("article h1").first.inner_text().startswith("Priya Raman")
    meetings = page.locator("article a[href$='/']", has_text="Atlas pilot results review")
    assert meetings.count() >= 1  # the meeting attended is listed

    item = page.locator(f"{_table_after('open-action-items')} a[href*='#task-']").first
    text = item.inner_text().strip()
    href = str(item.get_attribute("href"))
    item.click()
    meeting_url, anchor = href.split("#")
    page.wait_for_url(lambda url: url.endswith("#" + anchor))
    target = page.locator(f'[id="{anchor}"]')
    target.wait_for(state="attached")
    line = page.locator("li.task-list-item", has=target)
    assert text.rstrip(".") in line.inner_text(), (text, line.inner_text())
    _assert_in_view(page, f'[id="{anchor}"]')
    assert page.url.split("#")[0].split("?")[0] == meeting_url
    watched.assert_clean()


def test_account_page_has_a_decisions_log(watched: Watched) -> None:
    watched.goto(ACCOUNT)
    page = watched.page
    heading = page.locator("article h2#decisions")
    match = re.search(r"\((\d+)\)", heading.inner_text())
    assert match, heading.inner_text()
    rows = page.locator(f"{_table_after('decisions')} tbody tr")
    cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]
    assert len(cells) == int(match.group(1)) > 0
    decisions = [(date, text) for date, text, _ in cells]
    assert ("2025-07-08", "Move to per-vehicle pricing with a monthly cap.") in decisions
    assert len(set(decisions)) == len(decisions), "a decision is listed twice"
    dates = [date for date, _ in decisions]
    assert dates == sorted(dates, reverse=True), "the log is not newest first"
    link = rows.first.locator("a")
    assert link.get_attribute("href") == watched.url(RENEWAL)
    watched.assert_clean()


def test_heading_link_scrolls_to_the_heading(watched: Watched) -> None:
    page = watched.page
    watched.goto(RENEWAL)
    # [[2025-01-09 Atlas pilot results review#Decisions]] in the renewal meeting's summary.
    page.locator(f'article a[href="{watched.url(PILOT_REVIEW)}#decisions"]').click()
    page.wait_for_url(lambda url: url == watched.url(PILOT_REVIEW) + "#decisions")
    assert page.locator("h2#decisions").inner_text().startswith("Decisions")
    _assert_in_view(page, "h2#decisions")
    assert page.evaluate("window.scrollY") > 100
    watched.assert_clean()


def test_dark_mode_toggle_and_it_persists(watched: Watched) -> None:
    page = watched.page
    watched.goto("")
    body = page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default"
    page.locator("form[data-md-component=palette] label:visible").click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)", background
    watched.goto(RENEWAL)
    assert body.get_attribute("data-md-color-scheme") == "slate"
    watched.assert_clean()


def test_missing_page_gets_the_404_page(watched: Watched) -> None:
    watched.expected_404.add(watched.base + "no/such/page/")
    watched.goto("no/such/page/", status=404)
    assert "404" in watched.page.locator("article h1").inner_text()
    # Material's 404 page links its assets from the site root: they must load from there.
    assert watched.page.evaluate("getComputedStyle(document.body).fontSize") != ""
    assert watched.page.locator("header.md-header").is_visible()
    watched.assert_clean()


def test_mermaid_diagram_renders_offline(watched: Watched) -> None:
    """Mermaid comes from the site, not a CDN. Material draws the diagram into a closed
    shadow root in place of the source: the source text is gone and the box has a height."""
    watched.goto(MERMAID_MEETING)
    watched.page.wait_for_function(
        """() => {
             const box = document.querySelector("article div.mermaid");
             return box && box.textContent.trim() === "" && box.offsetHeight > 40;
           }""",
        timeout=10000,
    )
    assert "flowchart" not in watched.page.locator("article").inner_text()
    watched.assert_clean()


def test_screenshots(browser: Any, served: Served, capsys: pytest.CaptureFixture[str]) -> None:
    """Every kind of page, light and dark, as a person sees it at 1280x800: PNGs in
    test-artifacts/screenshots/ to review by eye (`<kind>-<scheme>.png`). The README's pictures
    (docs/screenshots/) are copies of some of them, refreshed with UPDATE_SCREENSHOTS=1."""
    taken = []
    for scheme in SCHEMES:
        with watching(browser, served, scheme) as w:
            for kind, path in PAGE_KINDS.items():
                w.open_kind(kind)
                if kind == "account":  # past the account's own note, to what the plugin adds
                    chart = w.page.locator("article .ma-summary figure.ma-activity")
                    chart.screenshot(path=str(SCREENSHOTS / f"chart-{scheme}.png"))
                    w.page.locator("h2#meetings").evaluate(
                        "h => window.scrollTo(0, h.offsetTop - 60)"
                    )
                data = w.screenshot(f"{kind}-{scheme}").read_bytes()
                assert data.startswith(b"\x89PNG") and 10_000 < len(data) < 1_000_000, kind
                taken.append(path)
            w.assert_clean()
    _save_for_readme(README_SHOTS)
    with capsys.disabled():
        print(f"\nscreenshots of {len(taken)} pages: {SCREENSHOTS}")


def _table_after(heading_id: str) -> str:
    """The table right after a heading; Material's script wraps each table in a div."""
    return f"article :is(#{heading_id} + table, #{heading_id} + .md-typeset__scrollwrap table)"


def _assert_in_view(page: Any, selector: str) -> None:
    """The element is on screen, below the fixed header, near the top of the viewport."""
    page.wait_for_function(
        """(selector) => {
             const box = document.querySelector(selector).getBoundingClientRect();
             return box.top >= 0 && box.top < window.innerHeight / 3;
           }""",
        arg=selector,
        timeout=5000,
    )
    header = page.locator("header.md-header").bounding_box()
    box = page.locator(selector).bounding_box()
    assert box is not None and header is not None
    assert box["y"] >= header["y"] + header["height"] - 2, (box, header)


# -- how the pages look: read from computed styles ---------------------------------------------

# Contrast (WCAG 2) of each element's text against what is really behind it: the element's own
# background and its ancestors', translucent layers blended in order, over the page's canvas.
CONTRAST = """(selector) => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, below) => [0, 1, 2].map((i) => top[i] * top[3] + below[i] * (1 - top[3]));
  const lum = (rgb) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(rgb[0]) + 0.7152 * f(rgb[1]) + 0.0722 * f(rgb[2]);
  };
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const layers = [];
    for (let n = el; n; n = n.parentElement) {
      const bg = parse(getComputedStyle(n).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    let bg = [255, 255, 255];
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    const fg = over(parse(getComputedStyle(el).color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    out.push({text: el.innerText.trim(), ratio: (a + 0.05) / (b + 0.05),
              fg: fg.map(Math.round).join(","), bg: bg.map(Math.round).join(",")});
  }
  return out;
}"""


@pytest.mark.parametrize("path", ["actions/", "", ATTENDEE, ACCOUNT, PILOT_REVIEW])
def test_overdue_is_readable_in_both_palettes(schemed: Watched, path: str) -> None:
    """Overdue dates (the board, the dashboard, person, account and meeting pages) are marked
    in words and in a colour of at least 4.5:1 against their background (WCAG AA)."""
    schemed.goto(path)
    marked = schemed.page.evaluate(CONTRAST, "article .ma-overdue")
    assert marked, f"{path or 'home'}: nothing marked overdue"
    for item in marked:
        assert item["text"].endswith("overdue"), item
        assert item["ratio"] >= 4.5, item
    schemed.assert_clean()


def test_a_meeting_marks_what_the_board_calls_overdue(watched: Watched) -> None:
    page = watched.page
    watched.goto("actions/")
    board = page.evaluate(
        """() => [...document.querySelectorAll('.ma-board tbody tr')].map((tr) => ({
             href: tr.querySelector('a[href*="#task-"]').getAttribute('href'),
             overdue: !!tr.querySelector('.ma-overdue')}))"""
    )
    overdue_on_board: dict[str, set[str]] = {}
    for row in board:
        meeting, anchor = row["href"].split("#")
        overdue_on_board.setdefault(meeting.split("?")[0], set())
        if row["overdue"]:
            overdue_on_board[meeting].add(anchor)
    assert sum(len(a) for a in overdue_on_board.values()) >= 5
    for meeting, anchors in overdue_on_board.items():
        page.goto(meeting)
        marked = page.evaluate(
            """() => [...document.querySelectorAll('li.task-list-item')]
                 .filter((li) => li.querySelector(':scope > .ma-task-meta .ma-overdue, :scope .ma-task-meta .ma-overdue'))
                 .map((li) => li.querySelector('.ma-task-anchor').id)"""
        )
        assert set(marked) == anchors, meeting
    watched.assert_clean()


LISTING_PAGES = ["actions/", "people/", "accounts/", "topics/", "meetings/", "graph/", "",
                 ACCOUNT, ATTENDEE]  # fmt: skip
"""Pages with listing tables."""

# The computed look of every table of the article next to that of a plain table Material
# styles (`.md-typeset table:not([class])`), made in the same article for comparison.
TABLE_LOOK = """() => {
  const look = (table) => {
    const th = table.querySelector('th'), td = table.querySelector('tbody td');
    const t = getComputedStyle(table), h = getComputedStyle(th), d = getComputedStyle(td);
    return {cls: table.getAttribute('class'), border: t.borderTopStyle + ' ' + t.borderTopWidth,
            radius: t.borderRadius, size: t.fontSize, thWeight: h.fontWeight, thPad: h.padding,
            tdPad: d.padding, tdLine: d.borderTopStyle + ' ' + d.borderTopWidth};
  };
  const article = document.querySelector('article');
  const probe = document.createElement('table');
  probe.innerHTML = '<thead><tr><th>a</th></tr></thead><tbody><tr><td>b</td></tr></tbody>';
  article.appendChild(probe);
  const material = look(probe);
  probe.remove();
  return {material, tables: [...article.querySelectorAll('table')].map(look)};
}"""


@pytest.mark.parametrize("path", LISTING_PAGES)
def test_listing_tables_look_like_materials_tables(watched: Watched, path: str) -> None:
    watched.goto(path)
    looks = watched.page.evaluate(TABLE_LOOK)
    material = looks["material"]
    assert material["border"].startswith("solid") and material["thWeight"] == "700", material
    assert looks["tables"], f"{path or 'home'}: no table"
    for look in looks["tables"]:
        assert look == material, (path, look, material)
    watched.assert_clean()


# Where a name or a date breaks: each word of a name, and the whole of a date, must sit on one
# line (a word broken over two lines has two boxes at different heights).
BREAKS = """() => {
  const lines = (node, start, end) => {
    const range = document.createRange();
    range.setStart(node, start); range.setEnd(node, end);
    return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  };
  const broken = [];
  for (const el of document.querySelectorAll('article .ma-name')) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\S+/g)) {
        if (lines(node, m.index, m.index + m[0].length) > 1) broken.push('name ' + el.textContent);
      }
    }
  }
  for (const el of document.querySelectorAll('article .ma-date')) {
    const node = el.firstChild;
    if (node && node.nodeType === Node.TEXT_NODE && lines(node, 0, node.data.length) > 1) {
      broken.push('date ' + node.data);
    }
  }
  return {broken, names: document.querySelectorAll('article .ma-name').length,
          dates: document.querySelectorAll('article .ma-date').length};
}"""


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_names_and_dates_never_break_inside(browser: Any, served: Served, width: int) -> None:
    with watching(browser, served, viewport={"width": width, "height": 800}) as w:
        names = dates = 0
        for path in [*LISTING_PAGES, TOPIC, PILOT_REVIEW]:
            w.goto(path)
            found = w.page.evaluate(BREAKS)
            assert not found["broken"], (path, found["broken"])
            names += found["names"]
            dates += found["dates"]
        assert names > 100 and dates > 100, (names, dates)
        w.assert_clean()


def _meeting_pages(w: Watched) -> list[str]:
    w.goto("meetings/")
    hrefs = w.page.evaluate(
        """() => [...document.querySelectorAll('article table a')]
             .map((a) => a.getAttribute('href')).filter((h) => /\\/meetings\\/\\d{4}-\\d\\d-\\d\\d-/.test(h))"""
    )
    pages = sorted({h for h in hrefs})
    assert len(pages) >= 20
    return pages


def test_meeting_header_says_the_facts_once(watched: Watched) -> None:
    """The header has the date, account and attendees; the note's own `**Date**: …` lines that
    said the same are gone (the sample's transcript notes have them). Tags that are not the
    note's subject (the Tasks plugin's `#task`, the pipeline's `generated`) are not shown."""
    page = watched.page
    for meeting in _meeting_pages(watched):
        page.goto(meeting)
        found = page.evaluate(
            """() => {
                 const article = document.querySelector('article').cloneNode(true);
                 const headers = article.querySelectorAll('.ma-meeting-header');
                 const header = headers.length ? headers[0].textContent : '';
                 headers.forEach((h) => h.remove());
                 return {count: headers.length, header, body: article.textContent,
                         tags: [...document.querySelectorAll('.md-tag')].map((t) => t.textContent.trim())};
               }"""
        )
        assert found["count"] == 1, meeting
        assert "Date:" in found["header"] and "Attendees:" in found["header"], meeting
        repeated = re.findall(r"(?m)^\s*(Date|Account|Attendees)\s*:", found["body"])
        assert not repeated, (meeting, repeated)
        assert not {"task", "generated"} & {t.casefold() for t in found["tags"]}, meeting
    watched.goto(FACT_LINES_MEETING)
    header = page.locator(".ma-meeting-header").inner_text()
    for fact in ("2025-10-22", "Orchid Health", "Rafael Mendes", "Felix Ambrose"):
        assert fact in header
    watched.goto("tags/")
    listed = {t.strip().casefold() for t in page.locator("article .md-tag").all_inner_texts()}
    assert listed and not {"task", "generated"} & listed, listed
    watched.assert_clean()


def test_fact_lines_that_say_more_stay(
    browser: Any, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Nothing is lost: a fact line is absorbed only when it says what the frontmatter says."""
    from conftest import build_vault

    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "m.md").write_text(
        "---\ndate: 2025-03-04\naccount: Acme\nparticipants: [Ann Lee, Bob Ray]\n---\n"
        "# Sync\n\n**Date**: 2025-03-04 14:00\n**Account**: [[Acme]]\n"
        "**Attendees**: Ann Lee, Bob Ray and a guest from legal\n\nBody.\n",
        encoding="utf-8",
    )
    built = build_vault(vault, tmp_path / "out")
    assert not built.aborted, built.log
    with _serving(built.site) as base:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(base + "meetings/2025-03-04-sync/")
            body = page.locator("article").inner_text()
        finally:
            context.close()
    assert "Date: 2025-03-04 14:00" in body  # says the time: kept
    assert "a guest from legal" in body  # says more than the names: kept
    assert "Account: Acme" not in body.replace("Account: Acme ·", "")  # the same: absorbed
    assert body.count("Account:") == 1


@contextmanager
def _serving(site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _count(text: str, pattern: str) -> int:
    match = re.search(pattern, text)
    assert match, (pattern, text)
    return int(match.group(1))


def _entity_pages(served: Served, section: str) -> list[str]:
    return sorted(
        f"{section}/{p.parent.name}/" for p in (served.site / section).glob("*/index.html")
    )


@pytest.mark.parametrize("section", ["accounts", "people"])
def test_numbers_agree_on_entity_pages(watched: Watched, served: Served, section: str) -> None:
    """The summary's "N meetings", the Meetings heading, its table, the chart and its caption
    count the same meetings; the open items' heading counts its table's rows."""
    page = watched.page
    for path in _entity_pages(served, section):
        watched.goto(path)
        facts = page.locator("article .ma-summary .ma-facts").inner_text()
        summary = _count(facts, r"(\d+) meetings?")
        heading = _count(page.locator("article h2#meetings").inner_text(), r"\((\d+)\)")
        rows = page.locator(f"{_table_after('meetings')} tbody tr").count()
        assert summary == heading == rows, (path, summary, heading, rows)
        chart = page.locator("article .ma-summary svg.ma-chart")
        if chart.count():
            caption = page.locator("article .ma-summary figcaption").inner_text()
            assert _count(caption, r"^(\d+) meetings?") == summary, (path, caption)
            assert int(chart.get_attribute("data-total") or -1) == summary, path
            bars = chart.locator("rect.ma-bar").evaluate_all(
                "bars => bars.reduce((n, b) => n + Number(b.dataset.count), 0)"
            )
            assert bars == summary, path
        items = page.locator("article h2#open-action-items")
        if items.count():
            rows = page.locator(f"{_table_after('open-action-items')} tbody tr").count()
            assert _count(items.inner_text(), r"\((\d+)\)") == rows, path
    watched.assert_clean()


def test_the_board_has_no_note_about_how_overdue_is_judged(watched: Watched) -> None:
    watched.goto("actions/")
    article = watched.page.locator("article")
    assert article.locator(".admonition").count() == 0
    assert "judged against" not in article.inner_text()
    watched.assert_clean()


# -- the action-item board -----------------------------------------------------------------------

BOARD_ROWS = """() => [...document.querySelectorAll('.ma-board tbody tr')].filter((tr) => !tr.hidden)
  .map((tr) => ({owner: tr.dataset.owner, accounts: JSON.parse(tr.dataset.accounts),
                 due: tr.dataset.due, text: tr.innerText}))"""
TODAY = "() => { const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()].map((n) => String(n).padStart(2, '0')).join('-'); }"


def _shown(page: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = page.evaluate(BOARD_ROWS)
    return rows


def _board_count(page: Any) -> tuple[int, int]:
    text = page.locator(".ma-board-count").inner_text()
    match = re.search(r"Showing (?:all )?(\d+)(?: of (\d+))?", text)
    assert match, text
    shown = int(match.group(1))
    return shown, int(match.group(2) or shown)


def test_the_board_is_all_there_without_script(browser: Any, served: Served) -> None:
    with watching(browser, served, java_script_enabled=False) as w:
        w.goto("actions/")
        page = w.page
        total = _count(page.locator("article").inner_text(), r"(\d+) open action items")
        rows = page.locator(".ma-board tbody tr")
        assert rows.count() == total > 20
        assert page.locator(".ma-board-filters").count() == 0
        first = rows.first
        for name in ("owner", "accounts", "due"):
            assert first.get_attribute(f"data-{name}") is not None, name
        w.assert_clean()


def test_the_board_filters_by_owner_and_status_and_keeps_it_in_the_url(watched: Watched) -> None:
    page = watched.page
    watched.goto("actions/")
    everything = _shown(page)
    total = len(everything)
    assert _board_count(page) == (total, total)
    owner = page.get_by_label("Owner", exact=True)
    status = page.get_by_label("Status", exact=True)
    # Each choice says how many it shows.
    priya = [r for r in everything if r["owner"] == "Priya Raman"]
    assert f"Priya Raman ({len(priya)})" in owner.inner_text()
    owner.select_option("Priya Raman")
    shown = _shown(page)
    assert shown and all(r["owner"] == "Priya Raman" for r in shown)
    assert len(shown) == len(priya) == _board_count(page)[0]
    today = page.evaluate(TODAY)
    overdue = [r for r in priya if r["due"] and r["due"] < today]
    assert f"Overdue ({len(overdue)})" in status.inner_text()
    status.select_option("overdue")
    shown = _shown(page)
    assert len(shown) == len(overdue) == _board_count(page)[0] > 0
    assert all(r["due"] < today for r in shown)
    assert "owner=Priya+Raman" in page.url and "status=overdue" in page.url
    # The link is shared: opened fresh, it shows the same items.
    link = page.url
    page.goto(watched.base)
    page.goto(link)
    page.locator(".ma-board-count").wait_for()
    assert _shown(page) == shown
    assert page.get_by_label("Owner", exact=True).input_value() == "Priya Raman"
    # Clearing shows everything again and takes the filter out of the URL.
    page.get_by_role("button", name="Clear filters").click()
    assert len(_shown(page)) == total and "?" not in page.url
    watched.assert_clean()


def test_the_board_filters_by_account_status_and_text(watched: Watched) -> None:
    page = watched.page
    watched.goto("actions/")
    everything = _shown(page)
    today = page.evaluate(TODAY)
    account = page.get_by_label("Account", exact=True)
    account.select_option("Halvorsen Freight")
    shown = _shown(page)
    expected = [r for r in everything if "Halvorsen Freight" in r["accounts"]]
    assert shown == expected and _board_count(page)[0] == len(expected) > 0
    account.select_option("")
    status = page.get_by_label("Status", exact=True)
    for value, test in (
        ("undated", lambda r: not r["due"]),
        ("later", lambda r: r["due"] and r["due"] > today),
    ):
        status.select_option(value)
        want = [r for r in everything if test(r)]
        assert _shown(page) == want if value == "undated" else len(_shown(page)) <= len(want)
    status.select_option("")
    text = page.get_by_label("Text", exact=True)
    text.fill("pricing")
    shown = _shown(page)
    assert shown and all("pricing" in r["text"].casefold() for r in shown)
    assert len(shown) == len([r for r in everything if "pricing" in r["text"].casefold()])
    assert "text=pricing" in page.url
    text.fill("no such words anywhere")
    assert _shown(page) == []
    assert "No open action item matches" in page.locator(".ma-board-count").inner_text()
    watched.assert_clean()


def _board_vault(root: Path, items: int) -> Path:
    """A vault whose board spans pages: `items` open action items over 30 meetings."""
    vault = root / "vault"
    vault.mkdir()
    owners = ["Ann Lee", "Bob Ray", "Cy Dunn"]
    for m in range(30):
        lines = [
            "---",
            f"date: 2025-01-{m % 28 + 1:02d}",
            f"account: Acme {m % 3}",
            "participants: [Ann Lee, Bob Ray, Cy Dunn]",
            "---",
            f"# Meeting {m}",
            "",
            "## Action items",
        ]
        for i in range(m, items, 30):
            # the last owner's items are due last: they are on the board's last page
            owner = owners[2] if i >= items - 10 else owners[i % 2]
            due = f"2030-12-{i % 28 + 1:02d}" if i >= items - 10 else f"2030-0{i % 9 + 1}-01"
            lines.append(f"- [ ] Item {i} for {owner} @{owner.split()[0]} 📅 {due} #task")
        (vault / f"m{m}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return vault


def test_a_board_of_several_pages_is_filtered_as_a_whole(browser: Any, tmp_path: Path) -> None:
    from conftest import build_vault

    built = build_vault(_board_vault(tmp_path, 230), tmp_path / "out")
    assert not built.aborted, built.log
    assert (built.site / "actions" / "_page-2" / "index.html").is_file()
    with _serving(built.site) as base, contextlib.closing(browser.new_context()) as context:
        page = context.new_page()
        page.goto(base + "actions/?owner=Cy+Dunn")
        page.wait_for_function(
            "() => document.querySelector('.ma-board').dataset.shown === '10'"
        )
        shown = _shown(page)
        assert len(shown) == 10 and all(r["owner"] == "Cy Dunn" for r in shown)
        assert _board_count(page) == (10, 230)
        assert not page.locator(".ma-pager").is_visible()  # the filter covers every page
        # a row from the second page links to its meeting from here
        link = page.locator(".ma-board tbody tr:not([hidden]) a[href*='#task-']").first
        href = str(link.get_attribute("href"))
        assert href.startswith(base + "meetings/"), href
        page.get_by_role("button", name="Clear filters").click()
        assert len(_shown(page)) == 200 and page.locator(".ma-pager").is_visible()


@pytest.mark.parametrize("width", [1280, 800, 412], ids=["desktop", "tablet", "phone"])
def test_the_board_does_not_move_when_its_filters_appear(
    browser: Any, served: Served, width: int
) -> None:
    """The filters are made by script after the page is shown: the board below them starts
    where it started without them (Lighthouse counts a jump as layout shift), at every width."""
    tops = []
    for script in (False, True):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, java_script_enabled=script
        )
        with contextlib.closing(context):
            page = context.new_page()
            page.goto(served.base + "actions/")
            if script:
                page.wait_for_selector(".ma-board[data-ready] ~ *, .ma-board[data-ready]")
                assert page.locator(".ma-board-filters").is_visible()
            tops.append(
                page.evaluate(
                    "() => document.querySelector('.ma-board table').getBoundingClientRect().top"
                )
            )
    assert abs(tops[1] - tops[0]) < 1, f"the board moved by {tops[1] - tops[0]:.1f}px"
