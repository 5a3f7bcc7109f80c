"""Audit a built site for what must never be in it: the reusable checks every fixture build runs.

`audit_privacy` looks through every file under site/ (pages, the search index, the sitemap, any
JSON or JS) for private markers and private titles, follows every href and src to see that none
points at a private note's would-be page, and checks that no file in site/ came from outside
the vault, and that no attachment only hidden notes use was copied. `audit_xss` parses every
page with lexbor and reports script that the vault's text produced: script elements and
event-handler attributes that are not the theme's, and every URL whose scheme, read as a
browser's WHATWG URL parser reads it, is not on the allow-list (http, https, mailto, none).
Both return findings (an empty list is a clean site), so a test can show all of them at once.

What is hidden is judged here on its own, not only by the plugin's reader: frontmatter keys in
any case, a `publish` that does not clearly say yes, a `draft` that does not clearly say no, a
Markdown file of any extension case, and a file whose real path (through symlinks) is in a
dot-folder, an excluded folder or outside the vault.
"""

from __future__ import annotations

import datetime as dt
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
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

TEXT_SUFFIXES = {".html", ".json", ".js", ".xml", ".txt", ".css", ".svg", ".map", ".md", ".ics"}
MARKDOWN_SUFFIXES = (".md", ".markdown")
"""Matched case-insensitively: `.MD`, `.Markdown` are notes too."""
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
    "ping",
    "longdesc",
    "manifest",
    "codebase",
    "usemap",
    "icon",
    "lowsrc",
    "dynsrc",
)
ALLOWED_SCHEMES = {"http", "https", "mailto"}
"""The only schemes a URL on a page may have (besides none: a relative URL)."""
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
    attachments: list[str] = dataclass_field(default_factory=list)
    """Vault paths of attachments that only hidden notes use (or that are hidden themselves):
    none may be in site/."""


_PHRASE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,.;:()-]{14,}[A-Za-z0-9]")


def is_markdown(name: str) -> bool:
    return name.lower().endswith(MARKDOWN_SUFFIXES)


def private_parts(
    vault: Path, extra_markers: Iterable[str] = (), exclude: Iterable[str] = ()
) -> Secrets:
    """The secrets of any vault: each note left out — by the plugin's own reader (private, or
    unreadable frontmatter), by this module's own judgement (`judged_private`), or because
    its real path is hidden (`hidden_path`; `exclude` is exclude_docs, gitignore lines) —
    gives its plain-text phrases of 16+ characters, its title and its would-be page path, less
    whatever a published note also has (a phrase it also says, a title it also shows, a page
    it takes); and each attachment that only such notes use (any channel: wikilink, Markdown
    link or image, reference definition, raw HTML, frontmatter property), or that is hidden
    itself, is listed."""
    from meeting_archive.repair import NotText, decode_note
    from meeting_archive.vault import Note, ReadOptions, read_note

    spec = _exclude_spec(exclude)
    hidden: list[tuple[str, str, str]] = []
    hidden_refs: set[str] = set()
    public_text: list[str] = []
    public_pages: set[str] = set()
    attachments: list[tuple[str, bool]] = []
    for rel, path, real in vault_files(vault):
        concealed = hidden_path(rel, real, spec)
        if not is_markdown(rel):
            attachments.append((rel, concealed))
            continue
        try:
            raw = path.read_bytes()
            text = decode_note(raw).text
        except (OSError, NotText):
            continue
        item, _ = read_note(rel, raw, ReadOptions())
        meta, body = _meta_and_body(text)
        if isinstance(item, Note) and not concealed and not judged_private(meta, body):
            public_text.append(text.casefold())
            if "%" in text:  # a file name written URL-encoded (`x%20y.png`) names it too
                public_text.append(unquote(text).casefold())
            public_pages.add(item.page_path or _would_be_page(item.meta, item.title, rel))
        else:
            stem = posixpath.splitext(posixpath.basename(rel))[0]
            title = _one_value(meta.get("title")) or _heading(text) or stem
            hidden.append((text, title, _would_be_page(meta, title, rel)))
            hidden_refs.update(used_names(text, meta))
    everything_public = "\n".join(public_text)
    markers = set(extra_markers)
    titles, pages = set(), set()
    for text, title, page in hidden:
        markers.update(p for p in _PHRASE.findall(text) if p.casefold() not in everything_public)
        if title.casefold() not in everything_public:
            titles.add(title)
        if page not in public_pages:
            pages.add(page)
    kept_out = sorted(
        rel
        for rel, concealed in attachments
        if concealed
        or (
            posixpath.basename(rel).casefold() in hidden_refs
            and posixpath.basename(rel).casefold() not in everything_public
        )
    )
    return Secrets(sorted(markers), sorted(titles), sorted(pages), kept_out)


def vault_files(vault: Path) -> Iterator[tuple[str, Path, str | None]]:
    """(vault path, path, real path relative to the vault or None if it is outside) of every
    file, as MkDocs lists them: symlinked folders followed (a folder reached again through a
    symlink loop is not entered twice on one walk)."""
    root = os.path.realpath(vault)
    for folder, dirs, names in os.walk(vault, followlinks=True):
        here = Path(folder)
        real_folder = os.path.realpath(folder)
        chain = {os.path.realpath(p) for p in here.parents if p.is_relative_to(vault)}
        chain.add(real_folder)
        dirs[:] = [d for d in dirs if os.path.realpath(here / d) not in chain]
        for name in sorted(names):
            path = here / name
            rel = path.relative_to(vault).as_posix()
            real = os.path.realpath(path) if path.is_symlink() else os.path.join(real_folder, name)
            inside = real.startswith(root + os.sep)
            yield rel, path, (Path(real).relative_to(root).as_posix() if inside else None)


def _exclude_spec(lines: Iterable[str]) -> Any:
    import pathspec

    lines = [line for line in lines if line.strip()]
    return pathspec.GitIgnoreSpec.from_lines(lines) if lines else None


def hidden_path(rel: str, real: str | None, spec: Any = None) -> bool:
    """Whether a vault file is never published by where it is: a dot-folder (or dot-file), an
    excluded path, or outside the vault, judged on the path it is listed by and on its real
    path alike."""
    if real is None:
        return True
    for path in (rel, real):
        if any(part.startswith(".") for part in path.split("/")):
            return True
        if spec is not None and spec.match_file(path):
            return True
    return False


_CLEARLY_YES = {"true", "yes", "on", "1"}
_CLEARLY_NO = {"false", "no", "off", "0"}
_MISSING = object()


def _clearly(value: Any, words: set[str], boolean: bool) -> bool:
    """Whether a frontmatter value clearly says `boolean` (read leniently: any case, spaces
    around, YAML booleans, the numbers 1 and 0)."""
    if isinstance(value, bool):
        return value is boolean
    if isinstance(value, (int, float)):
        return value == (1 if boolean else 0)
    if isinstance(value, str):
        return value.strip().lower() in words
    return False


def judged_private(
    meta: dict[str, Any], body: str, private_tags: Iterable[str] = ("private",)
) -> bool:
    """This module's own reading of SPEC's Privacy (DESIGN-NOTES): keys in any case; two keys
    that differ only in case make the frontmatter unreadable; a `publish` that is not clearly
    yes, a `draft` that is not clearly no (an empty `draft:` is let pass), or a private tag in
    `tags`/`tag` (any key case, nested lists, `#`) or in the text (headings included, code
    not) keeps a note out. Lenient wherever DESIGN-NOTES leaves room, so that it never calls
    private a note that a correct plugin may publish."""
    folded: dict[str, list[str]] = {}
    for key in meta:
        folded.setdefault(str(key).casefold(), []).append(key)
    if any(len(keys) > 1 for keys in folded.values()):
        return True

    def get(name: str) -> Any:
        keys = folded.get(name)
        return meta[keys[0]] if keys else _MISSING

    publish = get("publish")
    if publish is not _MISSING and not _clearly(publish, _CLEARLY_YES, True):
        return True
    draft = get("draft")
    if draft not in (_MISSING, None, "") and not _clearly(draft, _CLEARLY_NO, False):
        return True
    private = {t.casefold() for t in private_tags}

    def is_private(tag: str) -> bool:
        tag = tag.lstrip("#").casefold()
        return tag in private or any(tag.startswith(p + "/") for p in private)

    for key in ("tags", "tag"):
        if any(is_private(t) for t in _tag_strings(get(key))):
            return True
    folded_body = body.casefold()
    if not any("#" + p in folded_body for p in private):
        return False
    return any(is_private(t) for t in inline_tags(body))


def _tag_strings(value: Any, depth: int = 0) -> list[str]:
    """Strings of a tags value: a string (split at commas and spaces) or lists of them, three
    levels deep at most and a thousand items at most (a YAML alias bomb costs nothing)."""
    if isinstance(value, str):
        return [p for p in re.split(r"[,\s]+", value) if p]
    if isinstance(value, list) and depth < 3:
        out: list[str] = []
        for item in value[:1000]:
            out += _tag_strings(item, depth + 1)
        return out
    return []


_FENCE_LINE = re.compile(r"^\s*(?:>\s*)*(```|~~~)")
_CODE_SPAN = re.compile(r"(`+).*?\1")
_INLINE_TAG = re.compile(r"(?:^|(?<=\s))#([^\W\d][\w/-]*|\d+[^\W\d][\w/-]*)")


def inline_tags(body: str) -> list[str]:
    """`#tags` in a note's text (without its frontmatter) outside code (headings and
    %%comments%% count)."""
    if "#" not in body:
        return []
    found, fence = [], None
    for line in body.split("\n"):
        opening = _FENCE_LINE.match(line)
        if fence is not None:
            if opening and opening.group(1) == fence:
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        found += _INLINE_TAG.findall(_CODE_SPAN.sub(" ", line).replace("%%", " "))
    return found


_WIKI_TARGET = re.compile(r"!?\[\[([^\[\]|#^\n]+)")
_MD_TARGET = re.compile(r"\]\(\s*(?:<([^>\n]*)>|([^)\s]+))")
_REF_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*(?:<([^>\n]*)>|(\S+))", re.MULTILINE)
_HTML_URL = re.compile(
    r"""(?:src|href|data|poster)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I
)


def used_names(text: str, meta: dict[str, Any]) -> set[str]:
    """The file names (case-folded) a note uses, by every channel: wikilinks and embeds,
    Markdown links and images, reference definitions (`[r]: path`, `[r]: <a b.png> "t"`),
    raw HTML `src`/`href`, and frontmatter properties (`cover: "[[x.png]]"`, `banner:
    img/x.png`, lists and mappings of them)."""
    targets = [m.group(1) for m in _WIKI_TARGET.finditer(text)]
    for pattern in (_MD_TARGET, _REF_DEFINITION, _HTML_URL):
        targets += [next(g for g in m.groups() if g is not None) for m in pattern.finditer(text)]
    for value in _property_strings(meta):
        wiki = _WIKI_TARGET.findall(value)
        targets += wiki or [value]
    names = set()
    for target in targets:
        path = unquote(html.unescape(target)).split("#")[0].split("?")[0].strip()
        name = path.replace("\\", "/").rsplit("/", 1)[-1].strip()
        if name:
            names.add(name.casefold())
    return names


def _property_strings(value: Any, budget: list[int] | None = None) -> Iterator[str]:
    """Every string in a frontmatter value, at most a few thousand (YAML aliases can nest)."""
    budget = budget if budget is not None else [5000]
    if budget[0] <= 0:
        return
    budget[0] -= 1
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _property_strings(item, budget)
    elif isinstance(value, list):
        for item in value:
            yield from _property_strings(item, budget)


def _meta_and_body(text: str) -> tuple[dict[str, Any], str]:
    from meeting_archive.vault import FrontmatterError, split_frontmatter

    try:
        meta, body, _ = split_frontmatter(text)
        return meta, body
    except FrontmatterError:
        return {}, text


def _heading(text: str) -> str | None:
    heading = re.search(r"^# (.+)$", text, re.MULTILINE)
    return heading.group(1).strip() if heading else None


def _one_value(value: Any) -> str:
    """A frontmatter value as text when it is one value; "" for a list or mapping (never
    turned into text: a YAML alias bomb expands to gigabytes)."""
    return str(value).strip() if isinstance(value, (str, int, float, dt.date)) else ""


def _would_be_page(meta: dict[str, Any], title: str, rel: str) -> str:
    """Where the plugin would publish the note (before any `-2` for a collision)."""
    from meeting_archive.urls import slugify, vault_page_path
    from meeting_archive.vault import parse_date

    date, _ = parse_date(meta.get("date"))
    people = any(meta.get(k) for k in ("participants", "attendees", "account", "accounts"))
    kind = _one_value(meta.get("type")).lower()
    stem = posixpath.splitext(posixpath.basename(rel))[0]
    if date is not None and people:
        return f"meetings/{date.isoformat()}-{slugify(_one_value(meta.get('slug')) or title)}"
    if kind in ("person", "account"):
        return f"{'people' if kind == 'person' else 'accounts'}/{slugify(stem)}"
    return vault_page_path(rel)


# -- privacy -------------------------------------------------------------------------------


def audit_site(site: Path, secrets: Secrets, vault: Path | None = None) -> list[Finding]:
    """Both audits: the privacy of `secrets` (see audit_privacy) and script (audit_xss)."""
    return [
        *audit_privacy(
            site,
            secrets.markers,
            secrets.titles,
            secrets.pages,
            vault=vault,
            attachments=secrets.attachments,
        ),
        *audit_xss(site),
    ]


def audit_privacy(
    site: Path,
    markers: Iterable[str],
    titles: Iterable[str] = (),
    pages: Iterable[str] = (),
    vault: Path | None = None,
    attachments: Iterable[str] = (),
) -> list[Finding]:
    """Everything of a private note that reached `site`.

    - `markers`: strings that must appear in no file (case-insensitive; gzip files opened);
    - `titles`: private notes' titles, which must appear in no page, listing, search entry or
      sitemap (as text, after HTML unescaping; pass only titles no public note writes);
    - `pages`: private notes' would-be page paths (`private/x`, as the plugin would have
      published them): no page may exist there and no href or src may point there;
    - `vault`: when given, every file in site/ that is not a page or a known generated file
      must have the content of a file inside the vault, the theme or the plugin (so nothing
      reached through a symlink out of the vault was copied);
    - `attachments`: vault paths of files that only hidden notes use (or hidden themselves):
      none may be in site/, at its own path or (when its content is its own) under any other.
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
    findings += _kept_out_attachments(site, list(attachments), vault)
    return findings


def _kept_out_attachments(site: Path, attachments: list[str], vault: Path | None) -> list[Finding]:
    """Attachments that must not be in site/: at their own path, or (when the vault is known
    and no other vault file has the same bytes) copied under another name."""
    if not attachments:
        return []
    findings = [
        Finding("attachment", rel, "used only by unpublished notes (or hidden), yet published")
        for rel in attachments
        if (site / rel).is_file()
    ]
    if vault is None:
        return findings
    kept_out = set(attachments)
    own: dict[str, str] = {}
    shared: set[str] = set()
    for rel, path, real in vault_files(vault):
        if real is None or not path.is_file():
            continue
        digest = _digest(path.read_bytes())
        if rel in kept_out:
            own[digest] = rel
        else:
            shared.add(digest)
    wanted = {d: rel for d, rel in own.items() if d not in shared}
    if not wanted:
        return findings
    reported = {f.file for f in findings}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        if rel in reported or rel.endswith(".html"):
            continue
        source = wanted.get(_digest(path.read_bytes()))
        if source is not None:
            findings.append(Finding("attachment", rel, f"a copy of {source}"))
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
    any URL whose scheme (`url_scheme`, as a browser reads it) is not http, https or mailto,
    frames and objects; and HTML with any of these in the search index, which Material's
    search shows as HTML."""
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
            if not url or url_scheme(url) is not None or url.strip().startswith("//"):
                found.append(Finding("active-element", rel, _outer(node)))
    for node in tree.css("*"):
        for attribute, value in node.attributes.items():
            name = attribute.lower()
            if name.startswith("on"):
                found.append(Finding("handler", rel, f"<{node.tag} {attribute}={value!r}>"))
            elif name in URL_ATTRIBUTES and value:
                for url in _srcset(value) if name == "srcset" else [value]:
                    scheme = url_scheme(url)
                    if scheme in (None, *ALLOWED_SCHEMES) or (
                        page and _theme_placeholder(node, url)
                    ):
                        continue
                    found.append(
                        Finding("js-url", rel, f"<{node.tag} {attribute}={url!r}> ({scheme}:)")
                    )
            elif name == "style" and value and re.search(r"expression\(|javascript:", value, re.I):
                found.append(Finding("js-url", rel, f"<{node.tag} style={value!r}>"))
    return found


def _srcset(value: str) -> list[str]:
    return [c.split()[0] for c in value.split(",") if c.split()]


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


_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def url_scheme(value: str) -> str | None:
    """A URL's scheme as a browser's WHATWG URL parser reads it, lower-cased; None for a
    relative URL. The attribute value is taken as the HTML parser gave it (entities already
    decoded, once); leading and trailing C0 controls and spaces are stripped and every ASCII
    tab and newline removed, then the scheme is what comes before the first `:` if it is a
    letter followed by letters, digits, `+`, `-` and `.` ("java\tscript:" is javascript:,
    "java script:" and "&#106;avascript:" as text are relative paths)."""
    cleaned = re.sub(r"[\t\n\r]", "", value.strip(_C0_OR_SPACE))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def _outer(node: LexborNode) -> str:
    return (node.html or "")[:200]


# -- data files --------------------------------------------------------------------------------


XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 does not allow (C0 controls but tab, LF and CR; surrogates; U+FFFE/F)."""
PLUGIN_DATA_FILES = ("feed.xml", "archive.json", "graph.json")
"""The plugin's own feed and data files (with every `*.ics`): DESIGN-NOTES has the characters
XML 1.0 forbids stripped from them."""


def data_file_problems(site: Path) -> list[str]:
    """Each data file of `site` that a strict reader refuses: XML that `xml.etree` cannot
    parse, JSON that `json.loads` (strict) cannot, an iCalendar file `icalendar` cannot; and
    a character XML 1.0 forbids in the plugin's own feed, calendars and data."""
    import xml.etree.ElementTree as ET

    import icalendar

    problems = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        if path.suffix not in (".xml", ".json", ".ics"):
            continue
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            problems.append(f"{rel}: not UTF-8 ({err})")
            continue
        try:
            if path.suffix == ".xml":
                ET.fromstring(data)
            elif path.suffix == ".json":
                value = json.loads(text)
                if rel in PLUGIN_DATA_FILES:
                    text = "\n".join(_json_strings(value))
            else:
                icalendar.Calendar.from_ical(data)
        except Exception as err:
            problems.append(f"{rel}: does not parse ({type(err).__name__}: {err})"[:300])
            continue
        if rel in PLUGIN_DATA_FILES or path.suffix == ".ics":
            bad = sorted({f"U+{ord(c):04X}" for c in XML_FORBIDDEN.findall(text)})
            if bad:
                problems.append(f"{rel}: holds characters XML 1.0 forbids: {', '.join(bad)}")
    return problems


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
