"""MkDocs glue: a complete search index after `mkdocs serve --dirty`.

MkDocs' search plugin indexes the pages a build renders; a dirty build renders only the pages
that changed, so its index would hold only those. After each build this merges the index just
written with the last complete one: entries of the pages rendered now replace theirs, entries
of pages that are gone are dropped, the others are kept.
"""

from __future__ import annotations

import json
import os
from typing import Any

INDEX = os.path.join("search", "search_index.json")


def _page(location: str) -> str:
    return location.split("#", 1)[0]


def merge_index(
    site_dir: str,
    previous: dict[str, Any] | None,
    rendered: set[str],
    pages: list[str],
    dirty: bool,
) -> dict[str, Any] | None:
    """Write the merged index; return it (the next build's `previous`). `rendered` are the URLs
    of the pages rendered in this build, `pages` every page's URL in the order MkDocs builds
    them (the order of a complete index)."""
    path = os.path.join(site_dir, INDEX)
    try:
        with open(path, encoding="utf-8") as f:
            current: dict[str, Any] = json.load(f)
    except (OSError, ValueError):
        return previous
    if not dirty or previous is None:
        return current
    by_page: dict[str, list[Any]] = {}
    for doc in previous.get("docs", []):
        url = _page(doc.get("location", ""))
        if url not in rendered:
            by_page.setdefault(url, []).append(doc)
    for doc in current.get("docs", []):
        by_page.setdefault(_page(doc.get("location", "")), []).append(doc)
    merged = {**current, "docs": [doc for url in pages for doc in by_page.get(url, [])]}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(merged, f, separators=(",", ":"), default=str)
    return merged
