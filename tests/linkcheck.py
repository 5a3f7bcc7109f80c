"""Check every internal link of a built site: each href/src names a file, each #fragment an id.

Reusable from tests and by hand (`python tests/linkcheck.py site/`). It reads the site as a
static host serves it: `x/` is `x/index.html`, `x.html` is that file, `/x` is relative to the
site root, and URLs are percent-decoded before they are looked up on disk. Links that leave
the site (https:, protocol-relative, mailto:, an app's scheme such as obsidian:) are counted,
not followed, and so are `data:` URLs; `file:` and `javascript:` links are problems, since they
cannot work on a published site (Material's own `javascript:void(0)` share button excepted).
What a page loads from another host (a stylesheet, a script, a preconnect) is listed apart.

Every page is parsed once with Lexbor (selectolax); the ids of each page are kept, so a
fragment check is a set lookup and a whole 2,000-note site takes seconds.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

# Attributes that load or link a resource; srcset is a comma-separated list of "url size".
LINK_ATTRIBUTES = ("href", "src", "data", "poster", "action")
IGNORED_SCHEMES = {"data", "blob"}
# Links that lead to the reader's own disk or run code: they cannot work on a published site
# (the plugin's sanitizer should have removed them). Any other scheme (https:, mailto:, an app
# such as obsidian:) leaves the site and is counted as external.
BROKEN_SCHEMES = {"file", "javascript", "vbscript"}
# Material's search "Share" button: a placeholder its script handles, not a navigation.
SCRIPT_PLACEHOLDERS = {"javascript:void(0)"}
HTML_SUFFIXES = {".html", ".htm"}
# <link rel=…> kinds that make the browser contact the URL while loading the page.
LOADING_RELS = {
    "stylesheet",
    "icon",
    "preconnect",
    "dns-prefetch",
    "preload",
    "prefetch",
    "modulepreload",
    "manifest",
    "apple-touch-icon",
}


@dataclass(frozen=True)
class Link:
    """One URL as written on a page: the page's site path, the element and the URL."""

    page: str
    tag: str
    attribute: str
    url: str
    loads: bool = False
    """The browser fetches it with the page (a script, a stylesheet, an image, a preconnect),
    rather than when the reader follows it."""


@dataclass(frozen=True)
class LinkProblem:
    """A link that does not work, and why."""

    link: Link
    reason: str

    def __str__(self) -> str:
        link = self.link
        return f"{link.page}: <{link.tag} {link.attribute}={link.url!r}> {self.reason}"


@dataclass
class LinkReport:
    """What `check_links` found: counts of what it looked at, and every broken link."""

    pages: int = 0
    links: int = 0
    internal: int = 0
    fragments: int = 0
    external: int = 0
    problems: list[LinkProblem] = field(default_factory=list)
    external_resources: list[Link] = field(default_factory=list)
    """What a page loads (not links to) from another host: scripts, styles, fonts, images."""

    def summary(self) -> str:
        return (
            f"{self.pages} pages, {self.links} links ({self.internal} internal, "
            f"{self.fragments} with a fragment, {self.external} external): "
            f"{len(self.problems)} problems"
        )


@dataclass
class _Page:
    ids: set[str]
    links: list[Link]


def _links_of(tree: LexborHTMLParser, page: str) -> Iterator[Link]:
    selector = ", ".join(f"[{a}]" for a in (*LINK_ATTRIBUTES, "srcset"))
    seen: set[int] = set()
    for node in tree.css(selector):
        if node.mem_id in seen:  # a node matching two of the selectors comes twice
            continue
        seen.add(node.mem_id)
        attrs = node.attributes
        loads = node.tag not in ("a", "form") and (
            node.tag != "link" or bool(set((attrs.get("rel") or "").lower().split()) & LOADING_RELS)
        )
        for attribute in LINK_ATTRIBUTES:
            value = attrs.get(attribute)
            if value is None or (attribute == "data" and node.tag != "object"):
                continue
            if attribute == "action" and node.tag != "form":
                continue
            yield Link(page, node.tag, attribute, value.strip(), loads)
        srcset = attrs.get("srcset")
        if srcset:
            for candidate in srcset.split(","):
                if candidate.strip():
                    yield Link(page, node.tag, "srcset", candidate.split()[0], loads)


def _parse(path: Path, page: str) -> _Page:
    tree = LexborHTMLParser(path.read_bytes())
    ids = {node.attributes["id"] or "" for node in tree.css("[id]")}
    ids |= {node.attributes["name"] or "" for node in tree.css("a[name]")}
    return _Page(ids, list(_links_of(tree, page)))


def _target(site_path: str, url_path: str, files: set[str]) -> str | None:
    """The site file a URL path names from `site_path`, or None when there is none."""
    base = PurePosixPath("/" + site_path).parent
    joined = PurePosixPath(url_path) if url_path.startswith("/") else base / url_path
    parts: list[str] = []
    for part in joined.parts[1:]:
        if part == "..":
            if not parts:
                return None  # above the site root
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    resolved = "/".join(parts)
    if url_path.endswith("/") or not resolved:
        candidates = [f"{resolved}/index.html".lstrip("/")]
    else:
        # A directory named without its slash is redirected by every static host.
        candidates = [resolved, f"{resolved}/index.html"]
    return next((c for c in candidates if c in files), None)


def check_links(site_dir: Path | str) -> LinkReport:
    """Check every internal href/src (and fragment) of every HTML page under `site_dir`."""
    site = Path(site_dir)
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    pages = {
        rel: _parse(site / rel, rel)
        for rel in sorted(files)
        if PurePosixPath(rel).suffix in HTML_SUFFIXES
    }
    report = LinkReport(pages=len(pages))
    for page in pages.values():
        for link in page.links:
            report.links += 1
            reason = _check(link, pages, files, report)
            if reason:
                report.problems.append(LinkProblem(link, reason))
    return report


def _check(link: Link, pages: dict[str, _Page], files: set[str], report: LinkReport) -> str | None:
    url = link.url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in IGNORED_SCHEMES or url in SCRIPT_PLACEHOLDERS:
        return None
    if scheme in BROKEN_SCHEMES:
        return f"uses the {scheme}: scheme, which does not work on a published site"
    # One letter before the colon is a Windows drive (C:\...), not a scheme.
    if url.startswith("//") or len(scheme) > 1:
        report.external += 1
        if link.loads:
            report.external_resources.append(link)
        return None
    report.internal += 1
    path = unquote(parts.path)
    target = link.page if not path else _target(link.page, path, files)
    if target is None:
        return "names no file in the site"
    if not parts.fragment or PurePosixPath(target).suffix not in HTML_SUFFIXES:
        return None
    report.fragments += 1
    fragment = unquote(parts.fragment)
    if fragment in pages[target].ids or fragment.lower() == "top" or fragment.startswith(":~:"):
        return None
    return f"#{fragment} is no id on {target}"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: linkcheck.py SITE_DIR", file=sys.stderr)
        return 2
    report = check_links(argv[1])
    for problem in report.problems:
        print(problem)
    print(report.summary())
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
