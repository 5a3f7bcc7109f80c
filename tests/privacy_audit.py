"""Audit a built site for what must never be in it: the reusable checks every fixture build runs.

`audit_privacy` looks through every file under site/ (pages, the search index, the sitemap, any
JSON or JS) for private markers and private titles, follows every href and src to see that none
points at a private note's would-be page, and checks that no file in site/ came from outside
the vault. `audit_xss` parses every page with lexbor and reports script that the vault's text
produced: script elements and event-handler attributes that are not the theme's, and
`javascript:` URLs. Both return findings (an empty list is a clean site), so a test can show
all of them at once.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import logging
import multiprocessing
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

TEXT_SUFFIXES = {".html", ".json", ".js", ".xml", ".txt", ".css", ".svg", ".map", ".md", ".ics"}
URL_ATTRIBUTES = (
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "xlink:href",
    "background",
    "cite",
    "srcset",
)
# Material's own inline scripts: its scope/storage helpers, the palette and hash restorers, and
# the JSON config. A script the vault's text produced would be none of these.
THEME_INLINE_SCRIPTS = (
    re.compile(r"^__md_scope=new URL\("),
    re.compile(r"^var palette=__md_get\(\"__palette\"\)"),
    re.compile(r"^var target=document\.getElementById\(location\.hash\.slice\(1\)\)"),
    re.compile(r"^document\.body\.setAttribute\(\"data-md-color-"),
)
THEME_SCRIPT_PREFIX = "assets/"
"""Scripts with a src in site/assets/ are the theme's and the plugin's own."""
ACTIVE_ELEMENTS = ("iframe", "object", "embed", "base", "frame", "frameset", "applet")
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Finding:
    kind: str
    """marker, title, link, page, foreign-file, script, handler, js-url, active-element"""
    file: str
    """Path of the file in site/ (posix)."""
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.file}: {self.detail}"


# -- what is private in a vault ------------------------------------------------------------


@dataclass(frozen=True)
class Secrets:
    """What of a vault's private notes must not reach its site (see `private_parts`)."""

    markers: list[str]
    titles: list[str]
    pages: list[str]


_PHRASE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,.;:()-]{14,}[A-Za-z0-9]")


def private_parts(vault: Path, extra_markers: Iterable[str] = ()) -> Secrets:
    """The secrets of any vault, found with the plugin's own reader: each note it leaves out
    (private, or unreadable frontmatter) and each note in a dot-folder gives its plain-text
    phrases of 16+ characters, its title and its would-be page path, less whatever a published
    note also has (a phrase it also says, a title it also shows, a page it takes)."""
    from meeting_archive.repair import NotText, decode_note
    from meeting_archive.vault import Note, ReadOptions, read_note

    hidden: list[tuple[str, str, str]] = []
    public_text: list[str] = []
    public_pages: set[str] = set()
    for path in sorted(p for p in vault.rglob("*") if p.suffix in (".md", ".markdown")):
        rel = path.relative_to(vault).as_posix()
        try:
            raw = path.read_bytes()
            text = decode_note(raw).text
        except (OSError, NotText):
            continue
        item, _ = read_note(rel, raw, ReadOptions())
        if isinstance(item, Note) and not any(part.startswith(".") for part in rel.split("/")):
            public_text.append(text.casefold())
            public_pages.add(item.page_path or _would_be_page(item.meta, item.title, rel))
        else:
            meta = _meta(text)
            title = str(meta.get("title") or "") or _heading(text) or path.stem
            hidden.append((text, title, _would_be_page(meta, title, rel)))
    everything_public = "\n".join(public_text)
    markers = set(extra_markers)
    titles, pages = set(), set()
    for text, title, page in hidden:
        markers.update(p for p in _PHRASE.findall(text) if p.casefold() not in everything_public)
        if title.casefold() not in everything_public:
            titles.add(title)
        if page not in public_pages:
            pages.add(page)
    return Secrets(sorted(markers), sorted(titles), sorted(pages))


def _meta(text: str) -> dict[str, Any]:
    from meeting_archive.vault import FrontmatterError, split_frontmatter

    try:
        return split_frontmatter(text)[0]
    except FrontmatterError:
        return {}


def _heading(text: str) -> str | None:
    heading = re.search(r"^# (.+)$", text, re.MULTILINE)
    return heading.group(1).strip() if heading else None


def _would_be_page(meta: dict[str, Any], title: str, rel: str) -> str:
    """Where the plugin would publish the note (before any `-2` for a collision)."""
    from meeting_archive.urls import slugify, vault_page_path
    from meeting_archive.vault import parse_date

    date, _ = parse_date(meta.get("date"))
    people = any(meta.get(k) for k in ("participants", "attendees", "account", "accounts"))
    kind = str(meta.get("type", "")).lower()
    stem = posixpath.splitext(posixpath.basename(rel))[0]
    if date is not None and people:
        return f"meetings/{date.isoformat()}-{slugify(str(meta.get('slug') or title))}"
    if kind in ("person", "account"):
        return f"{'people' if kind == 'person' else 'accounts'}/{slugify(stem)}"
    return vault_page_path(rel)


# -- privacy -------------------------------------------------------------------------------


def audit_site(site: Path, secrets: Secrets, vault: Path | None = None) -> list[Finding]:
    """Both audits: the privacy of `secrets` (see audit_privacy) and script (audit_xss)."""
    return [
        *audit_privacy(site, secrets.markers, secrets.titles, secrets.pages, vault=vault),
        *audit_xss(site),
    ]


def audit_privacy(
    site: Path,
    markers: Iterable[str],
    titles: Iterable[str] = (),
    pages: Iterable[str] = (),
    vault: Path | None = None,
) -> list[Finding]:
    """Everything of a private note that reached `site`.

    - `markers`: strings that must appear in no file (case-insensitive; gzip files opened);
    - `titles`: private notes' titles, which must appear in no page, listing, search entry or
      sitemap (as text, after HTML unescaping; pass only titles no public note writes);
    - `pages`: private notes' would-be page paths (`private/x`, as the plugin would have
      published them): no page may exist there and no href or src may point there;
    - `vault`: when given, every file in site/ that is not a page or a known generated file
      must have the content of a file inside the vault, the theme or the plugin (so nothing
      reached through a symlink out of the vault was copied).
    """
    findings: list[Finding] = []
    needles = _any_of({m.casefold() for m in markers if m})
    wanted_titles = [t.casefold() for t in titles if t]
    forbidden = _page_forms(pages)
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8", errors="replace")
        folded = text.casefold()
        findings += [Finding("marker", rel, m) for m in sorted(set(needles.findall(folded)))]
        tree = LexborHTMLParser(text) if rel.endswith(".html") else None
        if _is_text(rel) and wanted_titles:
            shown = _shown_text(rel, text, tree).casefold()
            findings += [Finding("title", rel, t) for t in wanted_titles if t in shown]
        if tree is not None and forbidden:
            findings += _links_to(rel, tree, forbidden)
        if forbidden and tree is None and _is_text(rel) and not rel.endswith((".js", ".css")):
            findings += _listed_urls(rel, text, forbidden)
    for form in sorted(forbidden):
        target = site / form
        if form and not form.endswith("/") and target.is_file():
            findings.append(Finding("page", form, "a private note's page exists"))
    if vault is not None:
        findings += foreign_files(site, vault)
    return findings


def _any_of(words: set[str]) -> re.Pattern[str]:
    """One pattern that finds any of `words`, built as a trie (`ab(?:c|d)`) so that the regex
    engine rejects most positions at the first character: a plain alternation of hundreds of
    phrases is tried phrase by phrase at every position of every file. A longer word wins over
    its own prefix (`private-12` is not reported as `private-1`)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(c) + pattern(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(pattern(trie) or "(?!)")


def _page_forms(pages: Iterable[str]) -> set[str]:
    """Every site path a page path can be reached by, under either URL style."""
    forms: set[str] = set()
    for page in pages:
        page = page.strip("/")
        if not page:
            continue
        forms |= {page, page + "/", page + "/index.html", page + ".html"}
    return forms


def _is_text(rel: str) -> bool:
    return posixpath.splitext(rel.removesuffix(".gz"))[1] in TEXT_SUFFIXES


def _shown_text(rel: str, text: str, tree: LexborHTMLParser | None) -> str:
    """What a reader (or a search box) sees of a file: a page's text and attributes, JSON's
    strings, XML's text, each with HTML entities decoded."""
    if tree is not None:
        parts = [tree.text(separator=" ")]
        for node in tree.css("[title], [alt], [aria-label], [content]"):
            parts += [
                v or ""
                for k, v in node.attributes.items()
                if k in ("title", "alt", "aria-label", "content")
            ]
        return html.unescape(" ".join(parts))
    if rel.endswith(".json"):
        try:
            strings = list(_json_strings(json.loads(text)))
        except ValueError:
            return html.unescape(text)
        # The search index holds HTML: its text is what the search shows.
        return " ".join(
            html.unescape(LexborHTMLParser(s).text(separator=" ")) if "<" in s else html.unescape(s)
            for s in strings
        )
    return html.unescape(text)


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v)


def site_path(page_rel: str, url: str) -> str | None:
    """The site path (posix, no leading '/') a URL on the page at `page_rel` leads to; None for
    a URL that leaves the site (another scheme or host)."""
    parts = urlsplit(url.strip())
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path:
        return page_rel
    base = posixpath.dirname(page_rel)
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(base, path)
    normal = posixpath.normpath(joined) if joined else ""
    if normal == ".":
        normal = ""
    if path.endswith("/") and normal:
        normal += "/"
    return normal


def _links_to(rel: str, tree: LexborHTMLParser, forbidden: set[str]) -> list[Finding]:
    found = []
    for node, attribute, url in _urls(tree):
        target = site_path(rel, url)
        if target is not None and target in forbidden:
            found.append(Finding("link", rel, f"<{node.tag} {attribute}={url!r}> → {target}"))
    return found


def _listed_urls(rel: str, text: str, forbidden: set[str]) -> list[Finding]:
    """URLs in the site's data files (the search index, the sitemap, feeds, any JSON: every
    string; XML and iCalendar: every text and attribute value) that lead to a private page.
    They are written relative to the site root, or absolute with the site's URL."""
    if rel.endswith(".json"):
        try:
            urls = list(_json_strings(json.loads(text)))
        except ValueError:
            return []
    else:
        urls = [a or b or c for a, b, c in re.findall(r">([^<>]+)<|=\"([^\"]*)\"|:(\S+)", text)]
    found = []
    for url in urls:
        if len(url) > 500 or "\n" in url:
            continue
        path = unquote(urlsplit(url.strip()).path).lstrip("/").removeprefix("./")
        parts = path.split("/")  # an absolute URL has the site's own path in front
        if path and any("/".join(parts[i:]) in forbidden for i in range(len(parts))):
            found.append(Finding("link", rel, f"lists {url}"))
    return found


def _urls(tree: LexborHTMLParser) -> Iterator[tuple[LexborNode, str, str]]:
    for node in tree.css("*"):
        for attribute, value in node.attributes.items():
            if value is None or attribute not in URL_ATTRIBUTES:
                continue
            if attribute == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        yield node, attribute, candidate.split()[0]
            else:
                yield node, attribute, value


# -- files from outside the vault -------------------------------------------------------------


def foreign_files(site: Path, vault: Path) -> list[Finding]:
    """Files in site/ that MkDocs copied from a vault path (a file or a symlink of that name is
    in the vault) whose content is not that of any file really inside the vault: what a symlink
    out of the vault brought in. Files the theme or the plugin generate have no vault path;
    the marker check covers them."""
    inside = _content_hashes(_inside_files(vault))
    findings = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        if rel.endswith(".html") or not os.path.lexists(vault / rel):
            continue
        if _digest(path.read_bytes()) not in inside:
            findings.append(Finding("foreign-file", rel, "content not from inside the vault"))
    return findings


def _inside_files(vault: Path) -> Iterator[Path]:
    """Files whose real path is inside the vault (a symlink out of it does not count)."""
    root = os.path.realpath(vault)
    for folder, _, names in os.walk(vault, followlinks=False):
        for name in names:
            path = Path(folder) / name
            real = os.path.realpath(path)
            if real.startswith(root + os.sep) and os.path.isfile(real):
                yield path


def _content_hashes(paths: Iterable[Path]) -> set[str]:
    return {_digest(p.read_bytes()) for p in paths}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- script ----------------------------------------------------------------------------------


def audit_xss(site: Path) -> list[Finding]:
    """Script in the site that the theme did not put there: on every page, script elements
    without a src under assets/ (or not one of Material's inline scripts), any on* attribute,
    any javascript:/vbscript: URL, frames and objects; and HTML with any of these in the
    search index, which Material's search shows as HTML."""
    findings: list[Finding] = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        tree = LexborHTMLParser(path.read_text(encoding="utf-8", errors="replace"))
        findings += _script_findings(rel, tree, page=True)
    index = site / "search" / "search_index.json"
    if index.is_file():
        docs = json.loads(index.read_text(encoding="utf-8")).get("docs", [])
        for doc in docs:
            for key in ("title", "text"):
                value = str(doc.get(key, ""))
                if "<" in value:
                    where = f"search/search_index.json#{doc.get('location', '')}:{key}"
                    findings += _script_findings(where, LexborHTMLParser(value), page=False)
    return findings


def _script_findings(rel: str, tree: LexborHTMLParser, *, page: bool) -> list[Finding]:
    found: list[Finding] = []
    for node in tree.css("script"):
        if not (page and _theme_script(rel, node)):
            found.append(Finding("script", rel, _outer(node)))
    for tag in ACTIVE_ELEMENTS:
        for node in tree.css(tag):
            found.append(Finding("active-element", rel, _outer(node)))
    for node in tree.css("meta[http-equiv]"):
        if (node.attributes.get("http-equiv") or "").lower() == "refresh":
            # The plugin's own redirects (from a URL a page moved from) go to a page of the
            # site; one to anywhere else, or to script, is not the plugin's.
            content = node.attributes.get("content") or ""
            url = content.split("url=", 1)[1] if "url=" in content.lower() else ""
            if not url or _script_url(url) or re.match(r"^\s*([a-z][a-z0-9+.-]*:|//)", url, re.I):
                found.append(Finding("active-element", rel, _outer(node)))
    for node in tree.css("*"):
        for attribute, value in node.attributes.items():
            name = attribute.lower()
            if name.startswith("on"):
                found.append(Finding("handler", rel, f"<{node.tag} {attribute}={value!r}>"))
            elif (
                name in URL_ATTRIBUTES
                and value
                and _script_url(value)
                and not (page and _theme_placeholder(node, value))
            ):
                found.append(Finding("js-url", rel, f"<{node.tag} {attribute}={value!r}>"))
            elif name == "style" and value and re.search(r"expression\(|javascript:", value, re.I):
                found.append(Finding("js-url", rel, f"<{node.tag} style={value!r}>"))
    return found


def _theme_script(rel: str, node: LexborNode) -> bool:
    src = node.attributes.get("src")
    if src:
        target = site_path(rel, src)
        return target is not None and target.startswith(THEME_SCRIPT_PREFIX)
    if (
        node.attributes.get("id") == "__config"
        and node.attributes.get("type") == "application/json"
    ):
        return True
    text = (node.text() or "").strip()
    return any(p.match(text) for p in THEME_INLINE_SCRIPTS)


def _theme_placeholder(node: LexborNode, value: str) -> bool:
    """Material's search "Share" button: `javascript:void(0)` that its script handles."""
    return (
        value == "javascript:void(0)" and node.attributes.get("data-md-component") == "search-share"
    )


def _script_url(value: str) -> bool:
    """Whether a URL runs script, read as browsers read it (the URL standard): leading and
    trailing control characters and spaces dropped, tabs and newlines anywhere removed
    ("java\tscript:" is javascript:, "java script:" is a relative path)."""
    cleaned = html.unescape(value).strip("".join(map(chr, range(0x21))))
    cleaned = re.sub(r"[\t\n\r]", "", cleaned).lower()
    return cleaned.startswith(("javascript:", "vbscript:", "data:text/html"))


def _outer(node: LexborNode) -> str:
    return (node.html or "")[:200]


# -- running builds -----------------------------------------------------------------------


@dataclass(frozen=True)
class BuildLog:
    """What a test needs of a build done in another process: its site, log and time."""

    site: Path
    aborted: bool
    seconds: float
    records: tuple[tuple[int, str, bool], ...]
    """(level, message, carries a traceback) of each log record."""

    def messages(self, level: int = logging.WARNING) -> list[str]:
        return [message for levelno, message, _ in self.records if levelno >= level]

    @classmethod
    def of(cls, built: Any, seconds: float) -> BuildLog:
        """From conftest's Built."""
        return cls(
            built.site,
            built.aborted,
            seconds,
            tuple(
                (
                    r.levelno,
                    r.getMessage(),
                    bool(r.exc_info) or "Traceback (most recent" in r.getMessage(),
                )
                for r in built.records
            ),
        )


def in_parallel(run: Callable[[T], R], jobs: list[T]) -> list[R]:
    """`run` over `jobs`, each in a forked process (a build is CPU-bound and holds the GIL,
    and CI has two cores); one after the other where fork is not available. `run` must be a
    module-level function and its results picklable."""
    if len(jobs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [run(job) for job in jobs]
    with multiprocessing.get_context("fork").Pool(min(len(jobs), os.cpu_count() or 2)) as pool:
        return pool.map(run, jobs)
