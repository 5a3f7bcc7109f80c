"""Case folders: each `tests/cases/<case>/` holds a `vault/` and an `expected.yml` saying what
building that vault must produce. One test id per case and URL style; the vault is built for
real into tmp_path and every check the case states is made, plus the automatic ones (no
warning the case does not expect, no broken internal link, no `[[` left in prose, the vault
left unchanged). The format is documented in tests/cases/README.md.

Every failed check of a case is reported at once, each naming the case, the page, the check
and what the build produced instead, so that one run shows all that is wrong."""

from __future__ import annotations

import html
import logging
import re
import shutil
import traceback
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser, LexborNode

from conftest import Built, build_vault, follow
from linkcheck import check_links

CASES = Path(__file__).resolve().parent / "cases"
STYLES = {"both": ("directory", "file"), "directory": ("directory",), "file": ("file",)}
DEFAULT_NO_RAW = ["[["]
TAG = re.compile(r"<[^<>]*>")

# -- the format -----------------------------------------------------------------------------

Check = Callable[[Any], str | None]


def _is_str(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _is_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _is_mapping(value: Any) -> str | None:
    return None if isinstance(value, dict) else "must be a mapping"


def _is_strings(value: Any) -> str | None:
    ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    return None if ok else "must be a list of strings"


def _is_regexes(value: Any) -> str | None:
    if _is_strings(value):
        return "must be a list of regexes (strings)"
    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as err:
            return f"{pattern!r} is not a regex ({err})"
    return None


def _one_of(*choices: str) -> Check:
    return lambda value: None if value in choices else f"must be one of {', '.join(choices)}"


def _keys(schema: dict[str, Check], required: tuple[str, ...] = ()) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, dict):
            return "must be a mapping"
        errors = [f"unknown key {k!r} (known: {', '.join(schema)})" for k in value if k not in schema]
        errors += [f"{k!r} is required" for k in required if k not in value]
        for key, sub in value.items():
            if key in schema and (error := schema[key](sub)):
                errors.append(f"{key}: {error}")
        return "; ".join(errors) or None

    return check


def _list_of(item: Check) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, list):
            return "must be a list"
        errors = [f"[{i}] {e}" for i, v in enumerate(value) if (e := item(v))]
        return "; ".join(errors) or None

    return check


def _map_of(item: Check) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, dict):
            return "must be a mapping"
        errors = [f"{k!r}: {e}" for k, v in value.items() if (e := item(v))]
        return "; ".join(errors) or None

    return check


COUNT = re.compile(r"(>=|<=)?\s*(\d+)")


def _is_count(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    ok = ok or (isinstance(value, str) and COUNT.fullmatch(value.strip()) is not None)
    return None if ok else "must be a count: an integer ≥ 0, or '>= N' / '<= N'"


def count_holds(want: int | str, found: int) -> bool:
    if isinstance(want, int):
        return found == want
    match = COUNT.fullmatch(want.strip())
    assert match is not None
    bound = int(match[2])
    return {">=": found >= bound, "<=": found <= bound, None: found == bound}[match[1]]


LINK = _keys(
    {"text": _is_str, "to": _is_str, "fragment": _is_str, "file": _is_bool,
     "match": _one_of("every", "some")},
    required=("to",),
)
IMAGE = _keys({"src": _is_str, "width": _is_str}, required=("src",))
PAGE = _keys({
    "scope": _one_of("article", "page"),
    "title": _is_str,
    "contains": _is_strings,
    "lacks": _is_strings,
    "order": _is_strings,
    "html_contains": _is_strings,
    "html_lacks": _is_strings,
    "count": _map_of(_is_count),
    "links": _list_of(LINK),
    "images": _list_of(IMAGE),
    "ids": _is_strings,
    "within": _map_of(_is_strings),
    "unresolved": _is_strings,
})
EXPECTED = _keys(
    {
        "description": _is_str,
        "mkdocs": _is_mapping,
        "plugin": _is_mapping,
        "url_styles": _one_of(*STYLES),
        "strict": _is_bool,
        "warnings": _is_regexes,
        "infos": _is_regexes,
        "pages": _map_of(PAGE),
        "absent": _is_strings,
        "files": _is_strings,
        "no_files": _is_strings,
        "search": _keys({"contains": _is_strings, "lacks": _is_strings}),
        "nav": _keys({"contains": _is_strings, "lacks": _is_strings}),
        "reachable": _is_bool,
        "no_raw": _is_strings,
        "broken_links": _is_regexes,
    },
    required=("description",),
)


# -- reading a built site ---------------------------------------------------------------------

BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl",
    "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
}
NOT_SHOWN = {"script", "style", "template", "noscript", "-comment"}


def squash(text: str) -> str:
    """NFC, and every run of whitespace one space: how text is compared here."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def visible_text(node: LexborNode, *, skip_code: bool = False) -> str:
    """The text a reader sees in `node`: block elements and <br> separate words, scripts and
    the headings' permalink signs do not count; with `skip_code`, neither does code."""
    parts: list[str] = []
    skip = NOT_SHOWN | ({"code", "pre", "kbd", "samp"} if skip_code else set())
    stack: list[LexborNode | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        for child in reversed(list(item.iter(include_text=True))):
            if child.tag == "-text":
                stack.append(child.text_content or "")
            elif child.tag in skip or "headerlink" in (child.attributes.get("class") or "").split():
                continue
            elif child.tag in BLOCKS:
                stack.extend(["\n", child, "\n"])
            else:
                stack.append(child)
    return squash("".join(parts))


def page_files(page: str, style: str) -> list[str]:
    """The site files a page path may be written to, the usual first: `x` a note's page, `x/`
    a folder's or section's index page, `` the home page (see tests/cases/README.md). Under
    file URLs an index page may be `x/index.html` (as MkDocs writes `x/index.md`) or `x.html`
    (as it writes a folder's `README.md` turned into `x.md`); either is right."""
    if page == "":
        return ["index.html"]
    if page.endswith("/"):
        return [page + "index.html"] + ([page[:-1] + ".html"] if style == "file" else [])
    return [page + "/index.html" if style == "directory" else page + ".html"]


@dataclass
class Site:
    built: Built
    style: str
    _parsed: dict[str, LexborHTMLParser] = field(default_factory=dict)

    def tree(self, file: str) -> LexborHTMLParser | None:
        if file not in self._parsed:
            path = self.built.site / file
            if not path.is_file():
                return None
            self._parsed[file] = LexborHTMLParser(path.read_text(encoding="utf-8"))
        return self._parsed[file]

    def article(self, file: str) -> LexborNode | None:
        tree = self.tree(file)
        return None if tree is None else tree.css_first("article")

    def body(self, file: str) -> LexborNode | None:
        tree = self.tree(file)
        return None if tree is None else tree.body

    def page_file(self, page: str) -> str:
        """The site file of a page path: the first of its possible files that exists."""
        files = page_files(page, self.style)
        return next((f for f in files if (self.built.site / f).is_file()), files[0])

    def html_files(self) -> list[str]:
        site = self.built.site
        return sorted(
            p.relative_to(site).as_posix() for p in site.rglob("*.html") if "assets" not in p.parts
        )


def short(text: str, limit: int = 240) -> str:
    return repr(text if len(text) <= limit else text[:limit] + f"…[{len(text)} chars]")


def around(haystack: str, needle: str, width: int = 90) -> str:
    """Where in `haystack` a missing `needle` would have been: the context of its longest
    leading part that is there, else the start of the text."""
    for size in (len(needle), 24, 12, 6):
        at = haystack.find(needle[:size])
        if at >= 0 and size <= len(needle):
            return f"…{haystack[max(0, at - width // 3):at + width]}… ({len(haystack)} chars)"
    return short(haystack)


# -- the checks ---------------------------------------------------------------------------------


@dataclass
class Report:
    case: str
    style: str
    failures: list[str] = field(default_factory=list)

    def fail(self, where: str, check: str, message: str) -> None:
        self.failures.append(f"{where} — {check}: {message}")


def check_records(report: Report, built: Built, expected: dict[str, Any]) -> None:
    warnings = [r.getMessage() for r in built.records if r.levelno >= logging.WARNING]
    infos = [r.getMessage() for r in built.records if r.levelno == logging.INFO]
    patterns = expected.get("warnings", [])
    for pattern in patterns:
        hits = [w for w in warnings if re.search(pattern, w)]
        if not hits:
            found = "no warning of the build does" if warnings else "the build gave no warning at all"
            report.fail("log", f"warning /{pattern}/", f"expected once; {found}")
        elif len(hits) > 1:
            shown = "\n      ".join(hits)
            report.fail("log", f"warning /{pattern}/", f"expected once, matches {len(hits)}:\n      {shown}")
    for message in warnings:
        if not any(re.search(p, message) for p in patterns):
            report.fail("log", "unexpected warning", message)
    for pattern in expected.get("infos", []):
        if not any(re.search(pattern, m) for m in infos):
            plugin_infos = "\n      ".join(m for m in infos if "meeting_archive" in m) or "none"
            report.fail("log", f"info /{pattern}/", f"no info line matches; plugin infos:\n      {plugin_infos}")


def check_page(report: Report, site: Site, page: str, checks: dict[str, Any]) -> None:
    where = f"page {page!r}"
    file = site.page_file(page)
    body = site.article(file) if checks.get("scope", "article") == "article" else site.body(file)
    if body is None:
        top = page.split("/")[0]
        near = [f for f in site.html_files() if f.split("/")[0] == top][:12] or site.html_files()[:12]
        tried = " or ".join(page_files(page, site.style))
        report.fail(where, "exists", f"no {tried} in the site; pages there: {near}")
        return
    text = visible_text(body)
    markup = body.html or ""
    if "title" in checks:
        h1 = body.css_first("h1")
        found = visible_text(h1) if h1 is not None else None
        if found != squash(checks["title"]):
            report.fail(where, "title", f"expected {checks['title']!r}, h1 is {found!r}")
    for needle in checks.get("contains", []):
        if squash(needle) not in text:
            report.fail(where, f"contains {needle!r}", f"not in the text: {around(text, squash(needle))}")
    for needle in checks.get("lacks", []):
        if (at := text.find(squash(needle))) >= 0:
            report.fail(where, f"lacks {needle!r}", f"found: …{text[max(0, at - 60):at + 120]}…")
    at = 0
    for needle in checks.get("order", []):
        pos = text.find(squash(needle), at)
        if pos < 0:
            before = text.find(squash(needle))
            where_else = f"it is at {before}, before {at}" if before >= 0 else "it is not in the text"
            report.fail(where, f"order {needle!r}", f"not after the previous item ({where_else}): {short(text, 400)}")
            break
        at = pos + len(squash(needle))
    for needle in checks.get("html_contains", []):
        if needle not in markup:
            report.fail(where, f"html_contains {needle!r}", f"not in the HTML: {around(markup, needle)}")
    for needle in checks.get("html_lacks", []):
        if (at := markup.find(needle)) >= 0:
            report.fail(where, f"html_lacks {needle!r}", f"found: …{markup[max(0, at - 80):at + 160]}…")
    for selector, want in checks.get("count", {}).items():
        nodes = body.css(selector)
        if not count_holds(want, len(nodes)):
            sample = [short(n.html or "", 120) for n in nodes[:4]]
            report.fail(where, f"count {selector!r}", f"expected {want}, found {len(nodes)} {sample}")
    ids = {n.attributes.get("id") or "" for n in body.css("[id]")}
    for wanted in checks.get("ids", []):
        if wanted not in ids:
            report.fail(where, f"id {wanted!r}", f"no such id; ids: {sorted(ids)[:30]}")
    for selector, needles in checks.get("within", {}).items():
        texts = [visible_text(n) for n in body.css(selector)]
        for needle in needles:
            if not any(squash(needle) in t for t in texts):
                report.fail(where, f"within {selector!r} {needle!r}",
                            f"in none of {len(texts)} element(s): {[short(t, 100) for t in texts[:6]]}")
    marked = [visible_text(n) for n in body.css(".ma-unresolved")]
    for wanted in checks.get("unresolved", []):
        if squash(wanted) not in marked:
            report.fail(where, f"unresolved {wanted!r}", f"not marked unresolved; marked: {marked}")
    for link in checks.get("links", []):
        check_link(report, site, page, file, body, link)
    for image in checks.get("images", []):
        check_image(report, site, page, file, body, image)


def _target_file(path: str) -> str:
    return path + "index.html" if path.endswith("/") or path == "" else path


def check_link(report: Report, site: Site, page: str, file: str, body: LexborNode,
               link: dict[str, Any]) -> None:
    where = f"page {page!r}"
    label = repr(link["text"]) if "text" in link else "(any text)"
    check = f"link {label} → {link['to']}" + (f"#{link['fragment']}" if "fragment" in link else "")
    want = link["to"] if link.get("file") else site.page_file(link["to"])
    want_fragment = link.get("fragment", "")

    def lands(target: tuple[str, str]) -> bool:
        return target[0] == want and want_fragment in ("*", target[1])

    def leads(a: LexborNode) -> tuple[str, str]:
        path, fragment = follow(file, a.attributes.get("href") or "")
        return _target_file(path), fragment

    def shown(target: tuple[str, str]) -> str:
        return f"{target[0]}#{target[1]}" if target[1] else target[0]

    if "text" in link:
        text = squash(link["text"])
        anchors = [a for a in body.css("a[href]") if visible_text(a) == text]
        if not anchors:
            first = text.split(" ")[0].lower()
            similar = sorted({visible_text(a) for a in body.css("a") if first in visible_text(a).lower()})
            report.fail(where, check, f"no <a> with this text; similar: {similar[:10]}")
            return
        targets = [leads(a) for a in anchors]
        every = link.get("match", "every") == "every"
        if not any(map(lands, targets)) or (every and not all(map(lands, targets))):
            report.fail(where, check, f"<a> with this text lead to {[shown(t) for t in targets]}")
            return
    else:
        # no text given: some <a> leads there
        targets = [leads(a) for a in body.css("a[href]") if internal(a.attributes.get("href") or "")]
        if not any(map(lands, targets)):
            near = sorted({shown(t) for t in targets if t[0] == want}) or sorted({t[0] for t in targets})
            report.fail(where, check, f"no <a> leads there; it links to: {near[:20]}")
            return
    if not (site.built.site / want).is_file():
        report.fail(where, check, f"{want} is not in the site")
    elif want_fragment not in ("", "*") and want.endswith(".html"):
        target = site.article(want)
        if target is None or target.css_first(f'[id="{want_fragment}"]') is None:
            report.fail(where, check, f"#{want_fragment} is no id on {want}")


def check_image(report: Report, site: Site, page: str, file: str, body: LexborNode,
                image: dict[str, Any]) -> None:
    found = [(follow(file, i.attributes.get("src") or "")[0], i.attributes.get("width"))
             for i in body.css("img")]
    if (image["src"], image.get("width")) not in found:
        report.fail(f"page {page!r}", f"image {image['src']} width={image.get('width')}",
                    f"images on the page (src, width): {found}")
    elif not (site.built.site / image["src"]).is_file():
        report.fail(f"page {page!r}", f"image {image['src']}", "not in the site")


def check_site(report: Report, site: Site, expected: dict[str, Any]) -> None:
    root = site.built.site
    for page in expected.get("absent", []):
        for built in page_files(page, site.style):
            if (root / built).exists():
                report.fail(f"page {page!r}", "absent", f"{built} was built")
    for name in expected.get("files", []):
        if not (root / name).is_file():
            near = sorted(p.name for p in (root / name).parent.glob("*"))[:12] if (root / name).parent.is_dir() else []
            report.fail(f"file {name!r}", "exists", f"not in the site; beside it: {near}")
    for name in expected.get("no_files", []):
        if (root / name).exists():
            report.fail(f"file {name!r}", "absent", "is in the site")
    if "search" in expected:
        check_search(report, site, expected["search"])
    if "nav" in expected:
        check_nav(report, site, expected["nav"])
    if expected.get("reachable"):
        unreached = sorted(set(site.html_files()) - reachable(site) - {"404.html"})
        if unreached:
            report.fail("site", "reachable from home", f"{len(unreached)} page(s) no link leads to: {unreached[:20]}")
    for name in site.html_files():
        body = site.article(name)
        if body is None:
            continue
        prose = visible_text(body, skip_code=True)
        for raw in expected.get("no_raw", DEFAULT_NO_RAW):
            if (at := prose.find(raw)) >= 0:
                report.fail(f"file {name!r}", f"no raw {raw!r} in prose", f"found: …{prose[max(0, at - 60):at + 100]}…")
    allowed = expected.get("broken_links", [])
    problems = [str(p) for p in check_links(root).problems]
    unexpected = [p for p in problems if not any(re.search(a, p) for a in allowed)]
    for problem in unexpected[:6]:
        report.fail("site", "broken link", problem)
    if len(unexpected) > 6:
        report.fail("site", "broken link", f"… and {len(unexpected) - 6} more")
    for pattern in allowed:
        if not any(re.search(pattern, p) for p in problems):
            report.fail("site", f"broken link /{pattern}/", "no broken link matches (fixed? then drop it)")


def check_search(report: Report, site: Site, expected: dict[str, list[str]]) -> None:
    docs = site.built.search_index()["docs"]
    entries = [
        (d["location"], squash(html.unescape(TAG.sub("", f"{d.get('title', '')} {d.get('text', '')}"))))
        for d in docs
    ]
    for needle in expected.get("contains", []):
        if not any(squash(needle) in text for _, text in entries):
            report.fail("search index", f"contains {needle!r}", f"in none of its {len(entries)} entries")
    for needle in expected.get("lacks", []):
        hits = [(loc, text) for loc, text in entries if squash(needle) in text]
        if hits:
            loc, text = hits[0]
            at = text.find(squash(needle))
            report.fail("search index", f"lacks {needle!r}",
                        f"in {len(hits)} entries, e.g. {loc!r}: …{text[max(0, at - 60):at + 100]}…")


def check_nav(report: Report, site: Site, expected: dict[str, list[str]]) -> None:
    tree = site.tree("index.html")
    # the page's own table of contents, which Material may show inside the sidebar, is no entry
    entries = [] if tree is None else [
        visible_text(n) for n in tree.css("nav.md-nav--primary .md-nav__link")
        if not any(p.tag == "nav" and "md-nav--secondary" in (p.attributes.get("class") or "")
                   for p in _ancestors(n))
    ]
    entries = list(dict.fromkeys(e for e in entries if e))
    for wanted in expected.get("contains", []):
        if squash(wanted) not in entries:
            report.fail("sidebar", f"contains {wanted!r}", f"entries: {entries}")
    for unwanted in expected.get("lacks", []):
        if squash(unwanted) in entries:
            report.fail("sidebar", f"lacks {unwanted!r}", f"entries: {entries}")


def internal(href: str) -> bool:
    """Whether a link stays in the site (no scheme, not protocol-relative)."""
    href = href.strip()
    return bool(href) and not urlsplit(href).scheme and not href.startswith("//")


def _ancestors(node: LexborNode) -> Iterator[LexborNode]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def reachable(site: Site) -> set[str]:
    """Every HTML page a reader reaches from the home page by following the site's links."""
    seen, queue = {"index.html"}, deque(["index.html"])
    while queue:
        current = queue.popleft()
        tree = site.tree(current)
        for a in [] if tree is None else tree.css("a[href]"):
            href = (a.attributes.get("href") or "").strip()
            if not internal(href):
                continue
            target = _target_file(follow(current, href)[0])
            if target.endswith(".html") and target not in seen and (site.built.site / target).is_file():
                seen.add(target)
                queue.append(target)
    return seen


def check_vault_unchanged(report: Report, original: Path, copy: Path) -> None:
    """The plugin never writes into the vault (that would retrigger `mkdocs serve`)."""
    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    before, after = files(original), files(copy)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if changed:
        report.fail("vault", "left unchanged", f"the build changed or added {changed[:10]}")


def check_nothing_from_beside(report: Report, beside: Path, site: Path) -> None:
    """Nothing outside the vault is read: no site file has the bytes of a file beside it."""
    outside = {p.read_bytes(): p.relative_to(beside).as_posix() for p in beside.rglob("*") if p.is_file()}
    for path in site.rglob("*"):
        if path.is_file() and (name := outside.get(path.read_bytes())):
            report.fail("site", "nothing read from outside the vault",
                        f"{path.relative_to(site).as_posix()} is the file {name} from beside the vault")


# -- the test -------------------------------------------------------------------------------------


def _params() -> Iterator[Any]:
    for folder in sorted(p for p in CASES.iterdir() if (p / "expected.yml").is_file()):
        try:
            data = yaml.safe_load((folder / "expected.yml").read_text(encoding="utf-8"))
        except yaml.YAMLError:
            data = None  # reported by the test itself
        style = data.get("url_styles", "both") if isinstance(data, dict) else "both"
        for name in STYLES.get(style, STYLES["both"]):
            yield pytest.param(folder.name, name, id=f"{folder.name}-{name}-urls")


@pytest.mark.parametrize(("case", "style"), list(_params()))
def test_case(case: str, style: str, tmp_path: Path) -> None:
    folder = CASES / case
    try:
        expected = yaml.safe_load((folder / "expected.yml").read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        pytest.fail(f"case {case}: expected.yml cannot be read: {err}", pytrace=False)
    if error := EXPECTED(expected):
        pytest.fail(f"case {case}: expected.yml: {error}", pytrace=False)
    if not (folder / "vault").is_dir():
        pytest.fail(f"case {case}: no vault/ folder", pytrace=False)

    vault = tmp_path / "vault"
    shutil.copytree(folder / "vault", vault, symlinks=True)
    if (folder / "beside").is_dir():  # files next to the vault, that the build must not read
        shutil.copytree(folder / "beside", tmp_path, dirs_exist_ok=True)
    options: dict[str, Any] = {"plugin": expected.get("plugin"), "extra": expected.get("mkdocs")}
    try:
        built = build_vault(vault, tmp_path / "out", use_directory_urls=style == "directory", **options)
    except Exception:  # a traceback is a failure of its own; the rest cannot be checked
        pytest.fail(f"case {case} [{style} URLs]: the build raised\n{traceback.format_exc()}", pytrace=False)

    report = Report(case, style)
    if built.aborted:
        report.fail("build", "finished", "the build aborted")
    check_records(report, built, expected)
    site = Site(built, style)
    for page, checks in (expected.get("pages") or {}).items():
        check_page(report, site, page, checks or {})
    check_site(report, site, expected)
    check_vault_unchanged(report, folder / "vault", vault)
    if (folder / "beside").is_dir():
        check_nothing_from_beside(report, folder / "beside", built.site)
    if expected.get("strict") and style == STYLES[expected.get("url_styles", "both")][0]:
        strict = build_vault(vault, tmp_path / "strict", use_directory_urls=style == "directory",
                             strict=True, **options)
        should_abort = bool(expected.get("warnings"))
        if strict.aborted != should_abort:
            report.fail("build --strict", "aborts iff warnings are expected",
                        f"{'aborted' if strict.aborted else 'finished'}; warnings: {strict.messages()}")

    if report.failures:
        lines = "\n  ".join(report.failures)
        pytest.fail(f"case {case} [{style} URLs]: {len(report.failures)} check(s) failed\n  {lines}",
                    pytrace=False)
