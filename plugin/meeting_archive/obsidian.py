"""Obsidian-flavoured Markdown syntax: finding wikilinks, tags, headings, block ids, comments
and callouts, with fenced and inline code left alone. Pure text functions; what a link
points to is decided in resolve.py and what it becomes in render.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]*?)\]\]")
_FENCE_LINE = re.compile(r"^(\s*(?:>\s?)*)(`{3,}|~{3,})(.*)$")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
HEADING_LINES = re.compile(_HEADING.pattern, re.MULTILINE)
"""Every line of a text that `heading` reads as a heading (in code or not)."""
_BLOCK_ID = re.compile(r"(?:^|[ \t]|(?<=\]\])|(?<=\)))\^([A-Za-z0-9-]+)[ \t]*$")
_COMMENT = re.compile(r"%%.*?(?:%%|\Z)", re.DOTALL)
_CALLOUT = re.compile(r"^(\s*)>\s?\[!([^\]\s]*)\]([+-]?)[ \t]*(.*)$")
_ATTR_ID = re.compile(r"\{[^}]*#([\w:.-]+)[^}]*\}\s*$")
_PLACEHOLDER = "\x00{}\x00"
MARKDOWN_LINK = re.compile(
    r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*(<[^>\n]*>|[^)\s]+)(\s+\"[^\"\n]*\")?\s*\)"
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

# Everything inline that the plugin converts, in one pattern, so that one left-to-right pass
# over a prose segment settles which wins where they overlap: a code span that opens first
# hides a wikilink; a wikilink that opens first keeps its code (`[[#`move`|move]]`).
INLINE = re.compile(
    r"(?P<link>(?P<bang>!?)\[\[(?P<inner>[^\[\]\n]*?)\]\])"
    r"|(?P<code>(?<!`)(?P<ticks>`+)(?!`)[^\n]+?(?<!`)(?P=ticks)(?!`))"
    r"|(?P<md>(?P<mdbang>!?)\[(?P<mdtext>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]"
    r"\(\s*(?P<mdurl><[^>\n]*>|[^)\s]+)(?P<mdtitle>\s+\"[^\"\n]*\")?\s*\))"
    r"|(?P<tag>(?:(?<=[\s,;])|^)#(?P<tagname>[\w/-]*[^\W\d][\w/-]*))",
    re.MULTILINE,
)
LONE_EMBED = re.compile(
    r"^(?P<indent>[ \t]*)!\[\[(?P<inner>[^\[\]\n]*)\]\](?:[ \t]*\^(?P<block>[A-Za-z0-9-]+))?[ \t]*$",
    re.MULTILINE,
)
BLOCK_ID = re.compile(r"(?:^|[ \t]|(?<=\]\])|(?<=\)))\^(?P<id>[A-Za-z0-9-]+)[ \t]*$", re.MULTILINE)
_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")


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


def local_target(url: str) -> tuple[str, str] | None:
    """(path, fragment) of a Markdown link's URL when it points into the vault; None for
    external URLs, `mailto:` and the like, and links to a fragment of the same page."""
    url = url.strip("<>")
    if not url or url.startswith(("#", "/", "\\")) or _SCHEME.match(url):
        return None
    path, _, fragment = url.partition("#")
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


def iter_lines(text: str) -> Iterator[tuple[int, str, bool]]:
    """(index, line, in_code) for each line; fence lines themselves count as code."""
    fence: tuple[str, int] | None = None
    for index, line in enumerate(text.split("\n")):
        match = _FENCE_LINE.match(line)
        if fence is None:
            if match:
                fence = (match.group(2)[0], len(match.group(2)))
                yield index, line, True
                continue
            yield index, line, False
        else:
            if (
                match
                and match.group(2)[0] == fence[0]
                and len(match.group(2)) >= fence[1]
                and not match.group(3).strip()
            ):
                fence = None
            yield index, line, True


def _mask_code(line: str, spans: list[str]) -> str:
    """Replace the line's code spans by placeholders (kept in `spans`), left to right: a
    wikilink that opens first keeps the code inside it."""
    out: list[str] = []
    position = 0
    while True:
        code = _CODE_SPAN.search(line, position)
        if code is None:
            break
        link = WIKILINK.search(line, position)
        if link is not None and link.start() <= code.start():
            out.append(line[position : link.end()])
            position = link.end()
            continue
        out.append(line[position : code.start()])
        spans.append(code.group())
        out.append(_PLACEHOLDER.format(len(spans) - 1))
        position = code.end()
    out.append(line[position:])
    return "".join(out)


def _unmask(text: str, spans: list[str]) -> str:
    return re.sub("\x00(\\d+)\x00", lambda m: spans[int(m.group(1))], text) if spans else text


def strip_comments(text: str) -> str:
    """Remove `%%comments%%` outside code, keeping line numbers (a removed line stays blank)."""
    if "%%" not in text:
        return text
    out: list[str] = []
    prose: list[str] = []
    spans: list[str] = []

    def flush() -> None:
        if prose:
            block = "\n".join(prose)
            block = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), block)
            out.append(_unmask(block, spans))
            prose.clear()

    for _, line, in_code in iter_lines(text):
        if in_code:
            flush()
            out.append(line)
        else:
            prose.append(_mask_code(line, spans) if "`" in line else line)
    flush()
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


def link_targets(text: str) -> list[tuple[bool, str]]:
    """Every link and embed target in `text`, code and comments included: (is a wikilink,
    target as written: a wikilink's note or file name, a Markdown link's local path)."""
    found: list[tuple[bool, str]] = []
    for match in INLINE.finditer(text):
        if match.group("link") is not None:
            target = parse_wikilink(match.group("inner")).target
            if target:
                found.append((True, target))
        elif match.group("md") is not None:
            local = local_target(match.group("mdurl"))
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
    """The text a heading shows, as the toc extension sees it when making its id."""
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

    Line numbers are kept: each callout line becomes one admonition line.
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
        title = title.replace('"', "'").strip()
        out.append(f'{indent}{marker} {kind} "{title}"' if title else f"{indent}{marker} {kind}")
        if body:
            converted = convert_callouts("\n".join(body)).split("\n")
            out.extend(f"{indent}    {b}" if b.strip() else "" for b in converted)
    return "\n".join(out)
