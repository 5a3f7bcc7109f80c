"""Activity charts: meetings per month as an inline SVG, drawn at build time.

No script is needed to see one. Each chart has a `<title>` and a `<desc>` (named by
`aria-labelledby`), each bar is a link to its month on meetings/ with its own title
("March 2025: 2 meetings"), and the colours come from classes that the plugin's stylesheet
maps to Material's palette variables, so the chart follows the light and dark schemes
(`fill="currentColor"` keeps it visible where that stylesheet is missing).
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .model import Archive, Note

XLINK = "http://www.w3.org/1999/xlink"
"""Links in the SVG pictures are `xlink:href`, not `href`: every browser follows both, but
Material's instant navigation rewrites each `[href]` element's `.href` property, which an SVG
`<a>` has only as a read-only getter, and the error stops it halfway through the page."""

MonthHref = Callable[[str], str | None]
"""`YYYY-MM` → the href of that month on meetings/ (None: the bar is not a link)."""


def month_span(archive: Archive) -> list[str]:
    """Every month (`YYYY-MM`) from the archive's first dated meeting to its last."""
    dates = [m.date for m in archive.meetings if m.date is not None]
    if not dates:
        return []
    first, last = min(dates), max(dates)
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def per_month(meetings: Iterable[Note]) -> Counter[str]:
    """Meetings per month (`YYYY-MM`); undated meetings are not counted."""
    return Counter(f"{m.date:%Y-%m}" for m in meetings if m.date is not None)


def month_name(month: str) -> str:
    return dt.date(int(month[:4]), int(month[5:7]), 1).strftime("%B %Y")


@dataclass(frozen=True)
class ChartSize:
    width: int
    height: int
    left: int = 28
    """Room for the scale on the left."""
    bottom: int = 16
    """Room for the year labels."""
    top: int = 6


ENTITY_CHART = ChartSize(640, 96)
MAX_BAR = 28.0
"""Widest bar (a short archive has few months: its bars stay bars, not blocks)."""
HOME_CHART = ChartSize(800, 180)


def activity_svg(
    counts: Mapping[str, int],
    months: list[str],
    month_href: MonthHref,
    *,
    title: str,
    ident: str,
    size: ChartSize = ENTITY_CHART,
) -> str:
    """Meetings per month over `months` (the archive's span), one bar per month with a
    meeting. `ident` makes the ids of the title and description unique on the page."""
    total = sum(counts.get(m, 0) for m in months)
    desc = describe(counts, months)
    t_id, d_id = f"{ident}-title", f"{ident}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="{XLINK}" class="ma-chart" '
        f'viewBox="0 0 {size.width} '
        f'{size.height}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="{t_id} {d_id}" data-months="{len(months)}" data-total="{total}">',
        f'<title id="{t_id}">{html.escape(title)}</title>',
        f'<desc id="{d_id}">{html.escape(desc)}</desc>',
    ]
    if months:
        out += _bars(counts, months, month_href, size)
    out.append("</svg>")
    return "".join(out)


def describe(counts: Mapping[str, int], months: list[str]) -> str:
    """The chart in words (its `<desc>`, also shown under it as a caption)."""
    if not months:
        return "No dated meetings in the archive."
    total = sum(counts.get(m, 0) for m in months)
    span = f"from {month_name(months[0])} to {month_name(months[-1])}"
    if not total:
        return f"No meetings {span}."
    busiest = max(months, key=lambda m: (counts.get(m, 0), m))
    active = sum(1 for m in months if counts.get(m, 0))
    plural = "s" if total != 1 else ""
    return (
        f"{total} meeting{plural} {span}, in {active} of {len(months)} months; "
        f"busiest: {month_name(busiest)} ({counts[busiest]})."
    )


def _bars(
    counts: Mapping[str, int], months: list[str], month_href: MonthHref, size: ChartSize
) -> list[str]:
    plot_w = size.width - size.left - 4
    plot_h = size.height - size.top - size.bottom
    base = size.top + plot_h
    peak = max((counts.get(m, 0) for m in months), default=0) or 1
    step = plot_w / len(months)
    gap = max(min(2.0, step * 0.2), step - MAX_BAR)
    out = [
        f'<line class="ma-axis" x1="{size.left}" y1="{base}" x2="{size.width - 4}" y2="{base}" '
        'stroke="currentColor" stroke-opacity="0.3"/>',
        f'<text class="ma-scale" x="{size.left - 4}" y="{size.top + 8}" text-anchor="end" '
        f'font-size="10" fill="currentColor">{peak}</text>',
        f'<text class="ma-scale" x="{size.left - 4}" y="{base}" text-anchor="end" '
        'font-size="10" fill="currentColor">0</text>',
    ]
    every = _year_label_step(len(months), plot_w)
    first_january = next((i for i, m in enumerate(months) if m.endswith("-01")), len(months))
    for i, month in enumerate(months):
        x = size.left + i * step
        january = month.endswith("-01") and int(month[:4]) % every == 0
        # The first month is labelled too, unless a January label follows too close.
        if january or (i == 0 and first_january * step >= 30):
            out.append(
                f'<text class="ma-year" x="{x:.1f}" y="{size.height - 3}" font-size="10" '
                f'fill="currentColor">{month[:4]}</text>'
            )
        count = counts.get(month, 0)
        if not count:
            continue
        h = max(1.5, plot_h * count / peak)
        label = f"{month_name(month)}: {count} meeting{'s' if count != 1 else ''}"
        rect = (
            f'<rect class="ma-bar" x="{x + gap / 2:.1f}" y="{base - h:.1f}" '
            f'width="{max(step - gap, 0.8):.1f}" height="{h:.1f}" fill="currentColor" '
            f'data-month="{month}" data-count="{count}"/>'
        )
        href = month_href(month)
        if href is None:
            out.append(f"<g><title>{label}</title>{rect}</g>")
        else:
            out.append(
                f'<a xlink:href="{html.escape(href)}" aria-label="{label}"><title>{label}</title>'
                f"{rect}</a>"
            )
    return out


def _year_label_step(months: int, plot_w: float) -> int:
    """Label every year, or every 2nd, 5th, … when years would be narrower than a label."""
    years = max(1, months / 12)
    for step in (1, 2, 5, 10, 20, 50):
        if plot_w / years * step >= 30:
            return step
    return 100
