"""Activity charts: the inline SVG on person and account pages and the home dashboard parses as
XML, is accessible (title, description), follows the palette (classes mapped to Material's
variables), and has one bar per month with a meeting, whose count is that month's meetings and
whose link leads to that month on meetings/ (a heading there, or its own page when meetings/
lists months only)."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import pytest

from conftest import FIXTURES, Built, build_vault, follow
from meeting_archive import charts

SVG = "{http://www.w3.org/2000/svg}"
HREF = "{http://www.w3.org/1999/xlink}href"  # see charts.XLINK
# Meetings per month in the `archive` fixture, counted from its files by hand.
ALL = {"2024-12": 1, "2025-01": 1, "2025-03": 1, "2025-06": 1}
SPAN = ["2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
PER_PAGE = {
    "people/jai-menon/": {"2024-12": 1, "2025-01": 1, "2025-06": 1},
    "people/priya-raman/": {"2025-01": 1, "2025-03": 1},
    "people/sam-okafor/": {"2025-06": 1},
    "accounts/globex/": {"2025-01": 1, "2025-06": 1},  # one of them as '[[GX]]'
    "accounts/initech/": {"2025-03": 1},  # from the account/initech tag
    "": ALL,
}


@pytest.fixture(scope="module", params=[True, False], ids=["directory-urls", "file-urls"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    tmp = tmp_path_factory.mktemp("charts")
    shutil.copytree(FIXTURES / "archive" / "vault", tmp / "vault")
    return build_vault(tmp / "vault", tmp, use_directory_urls=request.param)


def chart(html: str) -> ET.Element:
    """The page's activity chart, parsed as XML (it must be well-formed)."""
    found = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg"[^>]* class="ma-chart".*?</svg>', html, re.S)
    assert len(found) == 1, f"{len(found)} charts"
    return ET.fromstring(found[0])


def bars(svg: ET.Element) -> dict[str, int]:
    rects = svg.iter(f"{SVG}rect")
    out = {}
    for rect in rects:
        assert rect.get("class") == "ma-bar"
        out[rect.attrib["data-month"]] = int(rect.attrib["data-count"])
    return out


@pytest.mark.parametrize("page", list(PER_PAGE))
def test_bars_count_the_meetings_per_month(site: Built, page: str) -> None:
    svg = chart(site.html(site.url(page.rstrip("/"))))
    assert bars(svg) == PER_PAGE[page]
    assert svg.get("data-months") == str(len(SPAN))
    assert svg.get("data-total") == str(sum(PER_PAGE[page].values()))
    # taller bars for busier months, none below the axis
    heights = {r.attrib["data-month"]: float(r.attrib["height"]) for r in svg.iter(f"{SVG}rect")}
    assert all(h > 0 for h in heights.values())


@pytest.mark.parametrize("page", list(PER_PAGE))
def test_chart_is_accessible(site: Built, page: str) -> None:
    svg = chart(site.html(site.url(page.rstrip("/"))))
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert title is not None and title.text and "Meetings per month" in title.text
    assert desc is not None and desc.text
    total = sum(PER_PAGE[page].values())
    assert desc.text.startswith(f"{total} meeting{'s' if total != 1 else ''} from December 2024 to June 2025")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # every bar is a link with a name that says what it counts
    for link in svg.iter(f"{SVG}a"):
        rect = link.find(f"{SVG}rect")
        assert rect is not None
        count = int(rect.attrib["data-count"])
        assert link.attrib["aria-label"] == (
            f"{charts.month_name(rect.attrib['data-month'])}: {count} meeting{'s' if count != 1 else ''}"
        )


@pytest.mark.parametrize("page", list(PER_PAGE))
def test_bars_link_to_their_month_on_meetings(site: Built, page: str) -> None:
    url = site.url(page.rstrip("/"))
    svg = chart(site.html(url))
    # generated index pages are placed by their source, meetings/index.md
    index = "meetings/" if site.use_directory_urls else "meetings/index.html"
    meetings = site.html(index)
    links = list(svg.iter(f"{SVG}a"))
    assert len(links) == len(PER_PAGE[page])
    for link in links:
        month = link.find(f"{SVG}rect").attrib["data-month"]  # type: ignore[union-attr]
        path, fragment = follow(url, link.attrib[HREF])
        assert path == index and fragment == month
        assert f'id="{month}"' in meetings


def test_chart_follows_the_palette() -> None:
    css = (resources.files("meeting_archive") / "assets" / "meeting-archive.css").read_text("utf-8")
    assert re.search(r"\.ma-chart \.ma-bar \{\s*fill: var\(--md-primary-fg-color\)", css)
    assert re.search(r"a:hover \.ma-bar,[^{]*\{\s*fill: var\(--md-accent-fg-color\)", css)


def test_topic_pages_have_no_chart(site: Built) -> None:
    assert 'class="ma-chart"' not in site.html(site.url("topics/project-nimbus"))


def test_many_meetings_link_to_month_pages(tmp_path: Path) -> None:
    """Above 400 meetings meetings/ lists months, and each month has its own page: the bars
    lead there."""
    vault = tmp_path / "vault"
    vault.mkdir()
    for n in range(401):
        month = 1 + n % 12
        (vault / f"m{n}.md").write_text(
            f"---\ndate: 2024-{month:02d}-{1 + n % 28:02d}\naccount: Acme\nparticipants: [Ann]\n---\n",
            encoding="utf-8",
        )
    built = build_vault(vault, tmp_path)
    svg = chart(built.html("accounts/acme/"))
    counts = bars(svg)
    assert sum(counts.values()) == 401 and len(counts) == 12
    for link in svg.iter(f"{SVG}a"):
        month = link.find(f"{SVG}rect").attrib["data-month"]  # type: ignore[union-attr]
        path, fragment = follow("accounts/acme/", link.attrib[HREF])
        assert (path, fragment) == (f"meetings/{month}/", "")
        assert (built.site / path / "index.html").is_file()


# -- the pure functions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "months", "bars_expected"),
    [
        ({}, [], {}),
        ({"2025-01": 2}, ["2025-01"], {"2025-01": 2}),
        ({"2024-11": 1, "2025-02": 3}, ["2024-11", "2024-12", "2025-01", "2025-02"],
         {"2024-11": 1, "2025-02": 3}),
        ({"2020-01": 5, "2019-12": 9}, ["2020-01"], {"2020-01": 5}),  # outside the span: left out
    ],
)
def test_activity_svg(counts: dict[str, int], months: list[str], bars_expected: dict[str, int]) -> None:
    svg = ET.fromstring(
        charts.activity_svg(counts, months, lambda m: f"m/#{m}", title="T <&>", ident="x")
    )
    assert bars(svg) == bars_expected
    assert svg.find(f"{SVG}title").text == "T <&>"  # type: ignore[union-attr]
    hrefs = {a.attrib[HREF] for a in svg.iter(f"{SVG}a")}
    assert hrefs == {f"m/#{m}" for m in bars_expected}


def test_bars_without_a_link() -> None:
    svg = ET.fromstring(charts.activity_svg({"2025-01": 1}, ["2025-01"], lambda m: None, title="t", ident="x"))
    assert bars(svg) == {"2025-01": 1}
    assert not list(svg.iter(f"{SVG}a"))


def test_describe() -> None:
    assert charts.describe({}, []) == "No dated meetings in the archive."
    assert charts.describe({}, ["2025-01", "2025-02"]) == "No meetings from January 2025 to February 2025."
    assert charts.describe({"2025-02": 2, "2025-01": 1}, ["2025-01", "2025-02"]) == (
        "3 meetings from January 2025 to February 2025, in 2 of 2 months; busiest: February 2025 (2)."
    )
