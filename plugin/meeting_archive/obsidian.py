"""Obsidian-flavoured Markdown syntax: wikilinks, Markdown links, tags, headings, block ids,
comments and callouts, found as Obsidian finds them, with fenced and inline code left alone.

Pure text functions. What a link points to is decided in resolve.py, what it becomes on a page
in the render modules.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]*?)\]\]")
_FENCE_LINE = re.compile(r"^(\s*(?:>\s*)*)(`{3,}|~{3,})(.*)$")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
HEADING_LINES = re.compile(_HEADING.pattern, re.MULTILINE)
"""Every line of a text that `heading` reads as a heading (in code or not)."""
_BLOCK_ID = re.compile(r"(?:^|[ \t]|(?<=\]\])|(?<=\)))\^([A-Za-z0-9-]+)[ \t]*$")
_CALLOUT = re.compile(r"^(\s*)>\s?\[!([^\]\s]*)\]([+-]?)[ \t]*(.*)$")
_ATTR_ID = re.compile(r"\{[^}]*#([\w:.-]+)[^}]*\}\s*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
MARKDOWN_LINK = re.compile(
    r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*(<[^>\n]*>|[^)\s]+)(\s+\"[^\"\n]*\")?\s*\)"
)
REFERENCE_DEFINITION = re.compile(
    r"^ {0,3}\[(?P<label>(?!\^)[^\]\n]+)\]:[ \t]*(?P<url><[^>\n]*>|\S+)(?P<title>[ \t]+.*)?$",
    re.MULTILINE,
)
REFERENCE_USE = re.compile(r"(?P<bang>!?)\[(?P<text>[^\[\]\n]*)\]\[(?P<label>[^\[\]\n]*)\]")
_HTML_URL = re.compile(
    r"""<[A-Za-z][^<>]*?\s(?:src|href|srcset|poster|data)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""",
    re.IGNORECASE,
)

# Everything inline that the plugin converts, in one pattern, so that one left-to-right pass
# over a prose segment settles which wins where they overlap: a code span that opens first
# hides a wikilink; a wikilink that opens first keeps its code (`[[#`move`|move]]`); a
# backslash escape (`\[[`, `\#`) makes what follows it text.
INLINE = re.compile(
    r"(?P<link>(?P<bang>!?)\[\[(?P<inner>[^\[\]\n]*?)\]\])"
    r"|(?P<code>(?<!`)(?P<ticks>`+)(?!`)[^\n]+?(?<!`)(?P=ticks)(?!`))"
    r"|(?P<md>(?P<mdbang>!?)\[(?P<mdtext>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]"
    r"\(\s*(?P<mdurl><[^>\n]*>|[^)\s]+)(?P<mdtitle>\s+\"[^\"\n]*\")?\s*\))"
    r"|(?P<tag>(?:(?<=[\s,;])|^)#(?P<tagname>[\w/-]*[^\W\d][\w/-]*))"
    r"|(?P<escape>\\[^\n])"
    r"|(?P<html></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?>)",
    re.MULTILINE,
)
HTML_URL_ATTRIBUTE = re.compile(
    r"""(?P<before>\s(?:src|href|poster)\s*=\s*)(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>"']+))""",
    re.IGNORECASE,
)


def html_urls(tag: str) -> list[tuple[re.Match[str], str]]:
    """The URL attributes of a raw HTML tag (`<img src=…>`, `<a href=…>`): (match, value)."""
    found = []
    for m in HTML_URL_ATTRIBUTE.finditer(tag):
        value = next(v for v in (m.group("dq"), m.group("sq"), m.group("bare")) if v is not None)
        found.append((m, html.unescape(value)))  # as the browser reads the attribute
    return found


LONE_EMBED = re.compile(
    r"^(?P<indent>[ \t]*)!\[\[(?P<inner>[^\[\]\n]*)\]\](?:[ \t]*\^(?P<block>[A-Za-z0-9-]+))?[ \t]*$",
    re.MULTILINE,
)
BLOCK_ID = re.compile(r"(?:^|[ \t]|(?<=\]\])|(?<=\)))\^(?P<id>[A-Za-z0-9-]+)[ \t]*$", re.MULTILINE)
_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
# A list item that may interrupt a paragraph (CommonMark): not empty, and an ordered one
# starts with 1.
_INTERRUPTING_ITEM = re.compile(r"^(?:[-*+]|1[.)])[ \t]+\S")
_TABLE_ROW = re.compile(r"^\s*\|")


@dataclass(frozen=True)
class Wikilink:
    """`[[target#heading#sub|alias]]` or `![[…]]`, parsed."""

    target: str
    headings: tuple[str, ...] = ()
    block: str | None = None
    alias: str | None = None
    embed: bool = False

    @property
    def display(self) -> str:
        """The text Obsidian shows for the link."""
        if self.alias:
            return self.alias
        parts = [self.target] if self.target else []
        if self.block:
            parts.append("^" + self.block)
        parts.extend(self.headings)
        return " > ".join(parts) if parts else ""

    def source(self) -> str:
        """The link as Obsidian syntax again (parse(source()) round-trips)."""
        inner = self.target
        if self.block:
            inner += "#^" + self.block
        for heading in self.headings:
            inner += "#" + heading
        if self.alias is not None:
            inner += "|" + self.alias
        return ("!" if self.embed else "") + "[[" + inner + "]]"


def parse_wikilink(inner: str, embed: bool = False) -> Wikilink:
    """Parse the text between `[[` and `]]`. A `\\|` (escaped for a table) counts as `|`."""
    alias: str | None = None
    if "|" in inner:
        inner, alias = inner.split("|", 1)
        inner = inner.removesuffix("\\")
    target, _, fragment = inner.partition("#")
    headings: tuple[str, ...] = ()
    block = None
    if fragment.startswith("^"):
        block = fragment[1:].strip() or None
    elif fragment:
        headings = tuple(h.strip() for h in fragment.split("#") if h.strip())
    return Wikilink(target.strip(), headings, block, alias, embed)


LinkKind = Literal["wikilink", "embed", "markdown", "image", "reference", "html"]


@dataclass(frozen=True)
class LinkRef:
    """One link as a note writes it. `written` is the key a link table knows it by: the
    wikilink's inner text, or a Markdown link's URL as written."""

    kind: LinkKind
    written: str
    target: str
    """The note or file part: a wikilink's target, a local URL's path (percent-decoded)."""
    line: int
    """0-based line within the text scanned."""


def local_target(url: str) -> tuple[str, str] | None:
    """(path, fragment) of a Markdown link's URL when it points into the vault; None for
    external URLs, `mailto:` and the like, and links to a fragment of the same page."""
    url = url.strip().strip("<>").strip()
    if not url or url.startswith(("#", "/", "\\")) or _SCHEME.match(url):
        return None
    path, _, fragment = url.partition("#")
    path = path.partition("?")[0]
    return unquote(path), unquote(fragment)


def split_names(value: str) -> list[str]:
    """Names in one frontmatter value: `[[A]], [[B|b]]` → [A, B]; `Jai Menon` → [Jai Menon]."""
    links = WIKILINK.findall(value)
    if links:
        return [parse_wikilink(inner).target for _, inner in links]
    return [value.strip()]


def segments(text: str) -> list[tuple[bool, int, str]]:
    """The text cut into runs of prose and of fenced code: (is code, first line, text).
    Joined with newlines they give the text back."""
    if "```" not in text and "~~~" not in text:
        return [(False, 0, text)]
    runs: list[tuple[bool, int, list[str]]] = []
    for index, line, in_code in iter_lines(text):
        if runs and runs[-1][0] == in_code:
            runs[-1][2].append(line)
        else:
            runs.append((in_code, index, [line]))
    return [(code, start, "\n".join(lines)) for code, start, lines in runs]


def on_heading_line(text: str, position: int) -> bool:
    start = text.rfind("\n", 0, position) + 1
    return bool(_HEADING_LINE.match(text, start))


class _Fences:
    """Fence state over consecutive lines: `step(line)` says whether the line is code (fence
    lines themselves count as code)."""

    def __init__(self) -> None:
        self.fence: tuple[str, int] | None = None

    def step(self, line: str) -> bool:
        match = _FENCE_LINE.match(line)
        if self.fence is None:
            if match:
                self.fence = (match.group(2)[0], len(match.group(2)))
                return True
            return False
        if (
            match
            and match.group(2)[0] == self.fence[0]
            and len(match.group(2)) >= self.fence[1]
            and not match.group(3).strip()
        ):
            self.fence = None
        return True


def iter_lines(text: str) -> Iterator[tuple[int, str, bool]]:
    """(index, line, in_code) for each line; fence lines themselves count as code."""
    fences = _Fences()
    for index, line in enumerate(text.split("\n")):
        yield index, line, fences.step(line)


def _code_span_ranges(line: str) -> list[tuple[int, int]]:
    """Where a line's code spans are, left to right: a wikilink that opens first keeps the
    code inside it (`[[#`x`]]`)."""
    ranges: list[tuple[int, int]] = []
    position = 0
    while True:
        code = _CODE_SPAN.search(line, position)
        if code is None:
            return ranges
        link = WIKILINK.search(line, position)
        if link is not None and link.start() <= code.start():
            position = link.end()
            continue
        ranges.append((code.start(), code.end()))
        position = code.end()


def _find_comment_mark(line: str, start: int) -> int:
    """The first `%%` of the line from `start` that is not inside a code span, or -1."""
    spans = _code_span_ranges(line) if "`" in line else []
    position = start
    while True:
        at = line.find("%%", position)
        if at < 0:
            return -1
        inside = next((end for begin, end in spans if begin <= at < end), None)
        if inside is None:
            return at
        position = inside


def strip_comments(text: str) -> str:
    """Remove `%%comments%%` as Obsidian reads them, keeping line numbers (a removed line stays
    blank): a `%%` outside code opens a comment that runs to the next `%%`, whatever lies
    between (fenced code included: Kanban boards and Excalidraw drawings hide their data so);
    an unclosed one runs to the end of the note."""
    if "%%" not in text:
        return text
    out: list[str] = []
    fences = _Fences()
    in_comment = False
    for line in text.split("\n"):
        kept: list[str] = []
        position = 0
        if in_comment:
            close = line.find("%%")
            if close < 0:
                out.append("")
                continue
            in_comment = False
            position = close + 2
        elif fences.fence is not None or _FENCE_LINE.match(line):
            fences.step(line)
            out.append(line)
            continue
        while True:
            opening = _find_comment_mark(line, position)
            if opening < 0:
                kept.append(line[position:])
                break
            kept.append(line[position:opening])
            close = line.find("%%", opening + 2)
            if close < 0:
                in_comment = True
                break
            position = close + 2
        out.append("".join(kept))
    return "\n".join(out)


def inline_tags(text: str, in_headings: bool = False) -> list[str]:
    """`#tags` in prose (not in code or links; in headings only if asked), in order."""
    if "#" not in text:
        return []
    found: list[str] = []
    for in_code, _, segment in segments(text):
        if in_code or "#" not in segment:
            continue
        for match in INLINE.finditer(segment):
            name = match.group("tagname")
            if name and (in_headings or not on_heading_line(segment, match.start())):
                found.append(name.rstrip("/-"))
    return list(dict.fromkeys(t for t in found if t))


def scan_links(text: str) -> list[LinkRef]:
    """Every link a note's text makes, in order: wikilinks and embeds, Markdown links and
    images, reference-style links (through their definitions), outside code. `text` has its
    comments removed already."""
    found: list[LinkRef] = []
    for in_code, first_line, segment in segments(text):
        if in_code or ("[" not in segment and "<" not in segment):
            continue
        for match in INLINE.finditer(segment):
            line = first_line + segment.count("\n", 0, match.start())
            if match.group("link") is not None:
                inner = match.group("inner")
                link = parse_wikilink(inner)
                if link.target or link.headings or link.block:
                    kind: LinkKind = "embed" if match.group("bang") else "wikilink"
                    found.append(LinkRef(kind, inner, link.target, line))
            elif match.group("md") is not None:
                local = local_target(match.group("mdurl"))
                if local is not None and local[0]:
                    kind = "image" if match.group("mdbang") else "markdown"
                    found.append(LinkRef(kind, match.group("mdurl"), local[0], line))
            elif match.group("html") is not None:
                for _, url in html_urls(match.group("html")):
                    local = local_target(url)
                    if local is not None and local[0]:
                        found.append(LinkRef("html", url, local[0], line))
        if "]:" in segment:
            for definition in REFERENCE_DEFINITION.finditer(segment):
                local = local_target(definition.group("url"))
                if local is not None and local[0]:
                    line = first_line + segment.count("\n", 0, definition.start())
                    found.append(LinkRef("reference", definition.group("url"), local[0], line))
    return found


def used_paths(text: str) -> list[tuple[bool, str]]:
    """Every way a text can use a file, code and comments included, for notes that are not
    published (what only they use is not published either): (is a wikilink, target as
    written) for wikilinks, Markdown links and images, reference definitions and the URLs of
    raw HTML (`<img src>`, `<a href>`)."""
    found: list[tuple[bool, str]] = []
    for match in WIKILINK.finditer(text):
        target = parse_wikilink(match.group(2)).target
        if target:
            found.append((True, target))
    for match in MARKDOWN_LINK.finditer(text):
        local = local_target(match.group(3))
        if local is not None and local[0]:
            found.append((False, local[0]))
    for match in REFERENCE_DEFINITION.finditer(text):
        local = local_target(match.group("url"))
        if local is not None and local[0]:
            found.append((False, local[0]))
    if "<" in text:
        for match in _HTML_URL.finditer(text):
            for url in (match.group(1) or match.group(2) or match.group(3) or "").split(","):
                local = local_target(url.strip().split(" ")[0])
                if local is not None and local[0]:
                    found.append((False, local[0]))
    return found


def block_id(line: str) -> tuple[str, str] | None:
    """A trailing `^block-id`: (line without it, id)."""
    match = _BLOCK_ID.search(line)
    if not match:
        return None
    return line[: match.start()].rstrip(), match.group(1)


def heading(line: str) -> tuple[int, str] | None:
    match = _HEADING.match(line)
    if not match:
        return None
    return len(match.group(1)), (match.group(2) or "").strip()


def first_heading(text: str) -> str | None:
    """The first level-1 heading's text (a title candidate)."""
    for _, line, in_code in iter_lines(text):
        if in_code:
            continue
        found = heading(line)
        if found and found[0] == 1 and found[1]:
            return plain_text(found[1])
    return None


def explicit_id(heading_text: str) -> str | None:
    """An attr_list id on a heading (`## Title { #custom }`)."""
    match = _ATTR_ID.search(heading_text)
    return match.group(1) if match else None


def plain_text(markdown: str) -> str:
    """The text a heading or a task shows, without its markup (links as their text)."""
    text = _ATTR_ID.sub("", markdown)
    text = WIKILINK.sub(
        lambda m: parse_wikilink(m.group(2)).display if not m.group(1) else "", text
    )
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(\*\*|__|~~|==|\*|`)", "", text)
    return text.strip()


def convert_callouts(text: str) -> str:
    """Turn Obsidian callouts (`> [!tip]- Title`) into Material admonitions (`??? tip "Title"`).

    Line numbers are kept: each callout line becomes one admonition line. A title keeps its
    double quotes (the admonition extension reads the title up to the last one).
    """
    if "[!" not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    code = {index for index, _, in_code in iter_lines(text) if in_code}
    while i < len(lines):
        match = None if i in code else _CALLOUT.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        indent, kind, fold, title = match.groups()
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].startswith(indent + ">"):
            body.append(re.sub(r"^>\s?", "", lines[i][len(indent) :]))
            i += 1
        marker = {"": "!!!", "-": "???", "+": "???+"}[fold]
        kind = re.sub(r"[^a-z0-9-]", "", kind.lower()) or "note"
        title = title.strip()
        out.append(f'{indent}{marker} {kind} "{title}"' if title else f"{indent}{marker} {kind}")
        if body:
            converted = convert_callouts("\n".join(body)).split("\n")
            out.extend(f"{indent}    {b}" if b.strip() else "" for b in converted)
    return "\n".join(out)


def separate_lists(text: str) -> str:
    """A blank line between a paragraph line and a list item that follows it, as CommonMark
    (and Obsidian) start a list there and Python-Markdown does not. Line numbers change: use
    it on text whose lines are no longer counted. Code is left alone."""
    if "\n" not in text:
        return text
    out: list[str] = []
    previous = ""
    for _, line, in_code in iter_lines(text):
        if (
            not in_code
            and _INTERRUPTING_ITEM.match(line)
            and previous.strip()
            and not _LIST_ITEM.match(previous)
            and not previous.startswith((" ", "\t"))
            and not _HEADING_LINE.match(previous)
            and not _TABLE_ROW.match(previous)
            and not _FENCE_LINE.match(previous)
            and not previous.lstrip().startswith((">", "<", "!!!", "???"))
        ):
            out.append("")
        out.append(line)
        previous = "" if in_code else line
    return "\n".join(out)
