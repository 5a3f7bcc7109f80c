"""Strip script from the HTML of note pages, as Obsidian does when it renders a note.

Notes may carry raw HTML (Markdown passes it through). The rendered page body is cleaned
with nh3 (bindings to the Rust `ammonia` sanitizer, which is maintained and fast) against an
allow-list that covers everything Python-Markdown, pymdown-extensions and this plugin emit:
no `<script>`, no `on*=` handler, no `javascript:` URL survives.
"""

from __future__ import annotations

from collections.abc import Callable

import nh3

from .markup import url_scheme

_TAGS = set(nh3.ALLOWED_TAGS) | {
    "input",
    "label",
    "details",
    "summary",
    "div",
    "span",
    "mark",
    "del",
    "ins",
    "sup",
    "sub",
    "figure",
    "figcaption",
    "abbr",
    "kbd",
    "small",
    "s",
    "u",
    "dl",
    "dt",
    "dd",
    "caption",
    "colgroup",
    "col",
    "section",
    "aside",
    "time",
}
_COMMON = {"class", "id", "title", "lang", "dir", "data-due", "style", "aria-hidden", "aria-label"}
_ATTRIBUTES: dict[str, set[str]] = {
    "*": _COMMON,
    "a": _COMMON | {"href", "name", "rel"},
    "img": _COMMON | {"src", "alt", "width", "height", "loading"},
    "input": _COMMON | {"type", "checked", "disabled"},
    "details": _COMMON | {"open"},
    "td": _COMMON | {"colspan", "rowspan", "align"},
    "th": _COMMON | {"colspan", "rowspan", "align"},
    "ol": _COMMON | {"start", "type"},
    "code": _COMMON,
    "time": _COMMON | {"datetime"},
}
_STYLES = {"text-align", "width", "height"}
URL_SCHEMES = {"http", "https", "mailto"}


_URL_ATTRIBUTES = {"href", "src", "poster", "action", "formaction", "cite", "data"}


def clean_html(html: str, urls: frozenset[str] | set[str] | None = None) -> str:
    """The same HTML, with anything that could run script removed. With `urls`, a relative URL
    must also be one of them (the plugin's own, resolved from the vault): one that
    Python-Markdown made from text the plugin did not read as a link leads nowhere on the
    site, so the link keeps its text and loses its URL. Fragments and http, https and mailto
    URLs stay."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        link_rel=None,
        filter_style_properties=_STYLES,
        strip_comments=True,
        url_schemes=URL_SCHEMES,
        attribute_filter=None if urls is None else _only(urls),
    )


def _only(urls: frozenset[str] | set[str]) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute not in _URL_ATTRIBUTES or value.startswith("#") or url_scheme(value):
            return value
        return value if value in urls else None

    return keep
