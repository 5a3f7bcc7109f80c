"""Oracles that hold for any vault: nothing lost, nothing broken, nothing raw, everything
reachable, no page too heavy, an honest log.

Each oracle takes the vault folder, the built site folder and the build's log records and
returns a list of `Finding`s (empty: clean), so that a failing test shows every problem at
once. None needs a hand-written expectation, and none reads the plugin's code:

- which notes are published is decided by a small reader of this module's own
  (`read_vault`: hidden and excluded paths, `publish`/`draft`/private tags with keys read
  case-insensitively, unreadable frontmatter), as DESIGN-NOTES states the rules;
- a note's page is the page whose "Edit this page" link names the note's vault path. MkDocs
  computes that link from `page.file.src_uri`, so build with `edit_link_config()` merged into
  the configuration. A note that no page names is a finding, not something to work around;
- what counts as prose is read from the Markdown as Obsidian reads it (`prose_runs`):
  frontmatter, `%%comments%%` (a `%%` outside code runs to the next `%%`, code fences inside
  included), code, math, tables, HTML, link and embed syntax, callout markers, tags, block ids
  and Obsidian Tasks fields are not prose. What remains is cut into chunks of a few words, and
  each chunk must appear in the text of the note's page (both sides normalised: whitespace
  collapsed, emphasis marks removed; the source HTML-unescaped).

Every HTML page is parsed once (selectolax/Lexbor) into a `PageScan` and every note read once
into a `NoteScan`; a `Gauntlet` holds both for one build, and the oracles (its methods; the
module-level functions are shortcuts) work with set and substring lookups, so a 2,000-note
site is checked in about ten seconds. `run_oracles` runs them all into a `Report`.
"""

from __future__ import annotations

import html
import logging
import os
import re
import stat
import unicodedata
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote

import pathspec
import yaml
from selectolax.lexbor import LexborHTMLParser

REPO_URL = "https://example.invalid/vault/"
EDIT_URI = "edit/main/"
EDIT_PREFIX = REPO_URL + EDIT_URI
MAX_PAGE_BYTES = 1_000_000
"""(e): no HTML page over 1 MB."""

NOTE_SUFFIXES = (".md", ".markdown")
# MkDocs' own default exclusions (mkdocs.structure.files._default_exclude).
DEFAULT_EXCLUDE = (".*", "/templates/")
PRIVATE_TAGS = ("private",)

CHUNK_WEIGHT = 5
"""A prose chunk is about this many words (a CJK character counts half a word)."""
MIN_RUN_WEIGHT = 3
"""Runs of prose shorter than this (a word or two between two links) prove too little."""


@dataclass(frozen=True)
class Finding:
    """One problem an oracle found: which oracle, where (a page, a note, a logger), what."""

    oracle: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def edit_link_config(theme: dict[str, Any] | None = None) -> dict[str, Any]:
    """Configuration to merge into a build so that every page links its source path.

    `theme` is the build's theme mapping (default: plain Material); the edit-link feature is
    added to its features.
    """
    theme = dict(theme or {"name": "material"})
    features = list(theme.get("features") or [])
    if "content.action.edit" not in features:
        features.append("content.action.edit")
    theme["features"] = features
    return {"repo_url": REPO_URL, "edit_uri": EDIT_URI, "theme": theme}


# ---------------------------------------------------------------------------------------
# The vault: which notes are published, and their prose


@dataclass(frozen=True)
class NoteScan:
    """A Markdown file of the vault, as this module reads it."""

    path: str
    """Vault path (POSIX), as MkDocs names the source (`src_uri`)."""
    published: bool
    reason: str = ""
    """Why it is not published: hidden, excluded, outside, not-regular, binary, private,
    unreadable."""
    runs: tuple[str, ...] = ()
    """The note's runs of plain prose, normalised (see `normalise`)."""
    literal_brackets: bool = False
    """The source may show a literal `[[`: escaped, inside code, or never closed."""


def read_vault(
    vault: Path,
    exclude: str | Iterable[str] = (),
    private_tags: Iterable[str] = PRIVATE_TAGS,
) -> dict[str, NoteScan]:
    """Every Markdown file of `vault` (any extension case), by vault path.

    `exclude` is the build's `exclude_docs` (gitignore lines); MkDocs' defaults are added.
    """
    lines = tuple(exclude.splitlines() if isinstance(exclude, str) else exclude)
    private = frozenset(t.casefold().lstrip("#") for t in private_tags)
    files = list(_vault_markdown(vault))
    fingerprint = tuple((rel, _stat(full)) for rel, full, _ in files)
    key = (str(Path(vault).resolve()), lines, private)
    cached = _NOTES.get(key)
    if cached and cached[0] == fingerprint:
        return cached[1]
    spec = pathspec.GitIgnoreSpec.from_lines([*DEFAULT_EXCLUDE, *lines])
    notes = {rel: _read_note(full, rel, real_rel, spec, private) for rel, full, real_rel in files}
    _NOTES[key] = (fingerprint, notes)
    return notes


_NOTES: dict[tuple[str, tuple[str, ...], frozenset[str]], tuple[object, dict[str, NoteScan]]] = {}


def _stat(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_size, st.st_mtime_ns)


def _vault_markdown(vault: Path) -> Iterable[tuple[str, str, str | None]]:
    """(vault path, file path, real vault path or None when it leads outside) of every
    Markdown file, following symlinks as MkDocs does, without loops."""
    root = os.path.realpath(vault)
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(vault, followlinks=True):
        real_dir = os.path.realpath(dirpath)
        if real_dir in seen:
            dirnames[:] = []
            continue
        seen.add(real_dir)
        dirnames.sort()
        for name in sorted(filenames):
            if not name.lower().endswith(NOTE_SUFFIXES):
                continue
            full = os.path.join(dirpath, name)
            rel = Path(os.path.relpath(full, vault)).as_posix()
            real = os.path.realpath(full) if os.path.islink(full) else os.path.join(real_dir, name)
            inside = real == root or real.startswith(root + os.sep)
            yield rel, full, (Path(os.path.relpath(real, root)).as_posix() if inside else None)


def _read_note(
    full: str, rel: str, real_rel: str | None, spec: pathspec.GitIgnoreSpec, private: frozenset[str]
) -> NoteScan:
    if real_rel is None:
        return NoteScan(rel, False, "outside")
    paths = {rel, real_rel}
    if any(part.startswith(".") for p in paths for part in p.split("/")):
        return NoteScan(rel, False, "hidden")
    if any(spec.match_file(p) for p in paths):
        return NoteScan(rel, False, "excluded")
    try:
        if not stat.S_ISREG(os.stat(full).st_mode):
            return NoteScan(rel, False, "not-regular")
        data = Path(full).read_bytes()
    except OSError:
        return NoteScan(rel, False, "not-regular")
    if b"\0" in data:
        return NoteScan(rel, False, "binary")  # published or left out: either is fair
    text = _decode(data)
    frontmatter, body = split_frontmatter(text)
    meta = _frontmatter(frontmatter)
    if meta is None:
        return NoteScan(rel, False, "unreadable")
    prose = prose_runs(_without_restated_fields(body, meta))
    if _is_private(meta, prose.tags, private):
        return NoteScan(rel, False, "private")
    return NoteScan(rel, True, "", tuple(prose.runs), prose.literal_brackets)


# `**Date**: 2025-10-06`, `Attendees: [[A]], [[B]]`: a transcript pipeline's lines that say what
# the frontmatter says. The plugin shows these facts in a meeting's header instead (issue 14);
# a line that restates a field the note has is not counted as prose.
_FACT_LINE = re.compile(
    r"^\s*(?:[-*]\s+)?(?:\*\*|__)?(?P<label>[A-Za-z ]{2,20}?)(?::(?:\*\*|__)|(?:\*\*|__)?:)\s*\S"
)
_FACT_FIELDS = {
    "date": ("date",),
    "type": ("type",),
    "source": ("source",),
    "account": ("account", "accounts", "org", "company"),
    "accounts": ("account", "accounts", "org", "company"),
    "attendees": ("attendees", "participants", "people"),
    "participants": ("attendees", "participants", "people"),
    "people": ("attendees", "participants", "people"),
}


def _without_restated_fields(body: str, meta: dict[str, Any] | None) -> str:
    keys = {str(k).casefold() for k in (meta or {})}
    if "date" not in keys:
        return body
    lines = body.split("\n")
    for i, line in enumerate(lines[:40]):
        match = _FACT_LINE.match(line)
        if match and keys & set(_FACT_FIELDS.get(match.group("label").strip().casefold(), ())):
            lines[i] = ""
    return "\n".join(lines)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NON_ASCII.sub(_unmojibake, text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]{2,}")


def _unmojibake(match: re.Match[str]) -> str:
    """UTF-8 once decoded as Mac Roman or Windows-1252 (`‚Äô`, `Ã©`) back to what was
    meant, as the plugin repairs it (SPEC, Text repair); any other run is left as it is."""
    run = match.group()
    for codec in ("mac_roman", "cp1252"):
        try:
            return run.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return run


def split_frontmatter(text: str) -> tuple[str | None, str]:
    """(frontmatter YAML or None, body). Frontmatter opens on the first line with `---` and
    closes at the next `---` or `...` line; without a closing line there is none."""
    if not text.startswith("---"):
        return None, text
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None, text
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1 :])
    return None, text


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _frontmatter(source: str | None) -> dict[str, Any] | None:
    """The frontmatter with case-folded keys, `{}` when there is none, None when unreadable
    (bad YAML, not a mapping, or two keys that differ only in case)."""
    if source is None:
        return {}
    try:
        data = yaml.load(source, Loader=_YAML_LOADER)
    except yaml.YAMLError:
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        return None
    folded: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key).casefold()
        if name in folded:
            return None
        folded[name] = value
    return folded


_YES = {"true", "yes", "on", "1"}
_NO = {"false", "no", "off", "0"}


def _clearly(value: Any, words: set[str]) -> bool:
    if isinstance(value, bool):
        return value is (words is _YES)
    if isinstance(value, (int, str)):
        return str(value).strip().casefold() in words
    return False


def _is_private(meta: dict[str, Any], body_tags: set[str], private: frozenset[str]) -> bool:
    if "publish" in meta and not _clearly(meta["publish"], _YES):
        return True
    if "draft" in meta and not _clearly(meta["draft"], _NO):
        return True
    tags = set(body_tags)
    for key in ("tags", "tag"):
        value = meta.get(key)
        items = re.split(r"[,\s]+", value) if isinstance(value, str) else value
        if isinstance(items, list):
            tags |= {str(t).strip().lstrip("#").casefold() for t in items if t is not None}
    return bool(tags & private)


# --- Obsidian Markdown → runs of prose --------------------------------------------------

SEP = "\x00"
"""Stands where something that is not prose was: runs never span it."""
_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_ESCAPED = {c: chr(0xF0000 + ord(c)) for c in _PUNCTUATION}
_UNESCAPE = str.maketrans({v: k for k, v in _ESCAPED.items()})
_INLINE_TOKEN = re.compile(r"\\[!-/:-@\[-`{-~]|`+|%%")
_CONTAINER = re.compile(r"^[ \t]*((?:>[ \t]?)*)")
_FENCE_OPEN = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
_HTML_START = re.compile(r"^[ \t]*<(!--|/?[A-Za-z][\w-]*)(?=[\s/>]|$)")
_HTML_RAW = {"script", "pre", "style", "textarea"}
_DELIMITER_ROW = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_REF_DEFINITION = re.compile(r"^[ \t]{0,3}\[([^\]\^][^\]]*)\]:[ \t]*\S")
_RULE = re.compile(r"^[ \t]*([-*_=])([ \t]*\1){2,}[ \t]*$")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$")
_CALLOUT = re.compile(r"^[ \t]*\[![^\]]*\][+-]?[ \t]*(.*)$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)(.*)$")
_TASK_BOX = re.compile(r"^\[.\](?:[ \t]+|$)(.*)$")
_FOOTNOTE_DEFINITION = re.compile(r"^[ \t]{0,3}\[\^[^\]]+\]:[ \t]*(.*)$")
_BLOCK_ID = re.compile(r"(?:^|[ \t])\^[\w-]+[ \t]*$")
# Obsidian Tasks' field signifiers (due, scheduled, start, done, created, cancelled, priority,
# recurrence, id, depends on, on completion): a task's description ends at the first.
_TASK_FIELD = re.compile(
    "[\U0001f4c5\U0001f4c6\U0001f5d3\u23f3\U0001f6eb\u2705\u2795\u274c"
    "\U0001f53a\u23eb\U0001f53c\U0001f53d\u23ec\U0001f501\U0001f194"
    "\u26d4\U0001f3c1]"
)
_OWNER = re.compile(r"(?<![\w@])@[\w.-]+")
_ATTRIBUTE_LIST = re.compile(
    r"\{:[^{}\n]*\}"
    r"|\{[ \t]*(?:[.#][\w-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+))"
    r"(?:[ \t]+(?:[.#][\w-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+)))*[ \t]*\}"
)
"""An attribute list (`{ .x }`, `{: .x}`, `{ #id }`, `{ key="v" }`): not prose in a note
(Obsidian shows it, the site must not: see `nothing_raw`)."""
_NOT_PROSE = re.compile(
    r"""
      \x00
    | (?:"""
    + _ATTRIBUTE_LIST.pattern
    + r""")                # attribute list
    | !?\[\[[^\[\]\n]*\]\]                                  # wikilink, embed
    | !?\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]                   # Markdown link or image:
      \((?:<[^>\n]*>|[^()\n]*(?:\([^()\n]*\)[^()\n]*)*)\)  #   its URL and title
                                    # (with spaces too: Python-Markdown and Obsidian take them)
    | \[[^\[\]\n]*\]\[[^\[\]\n]*\]                          # reference link
    | \[\^[^\[\]\n]+\]                                      # footnote reference
    | \[[^\[\]\n]*::[^\[\]\n]*\] | \([^()\n]*::[^()\n]*\)   # Dataview inline field
    | (?P<shortcut>\[(?P<label>[^\[\]\n]+)\])              # shortcut reference link?
    | <(?:https?|mailto|ftp):[^>\n]*> | <[^\s<>@]+@[^\s<>@]+>  # autolink, email autolink
    | (?:https?|ftp)://[^\s<>]+                             # bare URL
    | <!--.*?-->                                            # HTML comment
    | </?[A-Za-z][\w-]*(?:\s[^<>\n]*)?/?>                   # inline HTML tag
    | (?P<tag>(?<![\w&\#/\]])\#[\w/-]*[^\W\d_][\w/-]*)      # tag
    | \$\$.+?\$\$                                           # math
    | (?<![\\$\w])\$(?:[^\s$]|[^\s$][^$\n]*?[^\s\\$])\$(?![\w$])
    """,
    re.VERBOSE,
)


@dataclass
class Prose:
    """What `prose_runs` reads from a note's body."""

    runs: list[str] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    """Inline tags in prose (case-folded, without `#`)."""
    literal_brackets: bool = False


class _Scanner:
    """Code, math and comments out of a body, line by line (comment state spans lines)."""

    def __init__(self) -> None:
        self.in_comment = False
        self.literal_brackets = False

    def lines(self, body: str) -> list[str | None]:
        """Each line with inline code and comments replaced by SEP and escapes by
        placeholders; None for a line that holds no prose (code, math, comment)."""
        out: list[str | None] = []
        fence: tuple[str, int] | None = None
        math = False
        for line in body.split("\n"):
            if self.in_comment:
                rest = self._inline(line)
                out.append(rest if rest.strip(SEP + " \t") else None)
                continue
            stripped = line[_CONTAINER.match(line).end() :]  # type: ignore[union-attr]
            if fence is not None:
                close = re.match(r"^[ \t]*(`+|~+)[ \t]*$", stripped)
                if close and close.group(1)[0] == fence[0] and len(close.group(1)) >= fence[1]:
                    fence = None
                self.literal_brackets |= "[[" in line
                out.append(None)
                continue
            if math:
                math = "$$" not in line
                out.append(None)
                continue
            opening = _FENCE_OPEN.match(stripped)
            if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
                fence = (opening.group(1)[0], len(opening.group(1)))
                out.append(None)
                continue
            if stripped.lstrip().startswith("$$"):
                math = stripped.count("$$") < 2
                out.append(None)
                continue
            out.append(self._inline(line))
        return out

    def _inline(self, line: str) -> str:
        parts: list[str] = []
        position = 0
        while position < len(line):
            if self.in_comment:
                end = line.find("%%", position)
                if end < 0:
                    parts.append(SEP)
                    return "".join(parts)
                self.in_comment = False
                parts.append(SEP)
                position = end + 2
                continue
            token = _INLINE_TOKEN.search(line, position)
            if token is None:
                parts.append(line[position:])
                break
            parts.append(line[position : token.start()])
            text = token.group()
            position = token.end()
            if text == "%%":
                self.in_comment = True
            elif text.startswith("\\"):
                parts.append(_ESCAPED[text[1]])
                if text[1] == "[" and line.startswith(("[", "\\["), position):
                    self.literal_brackets = True
            else:  # a run of backticks: code to the next run of the same length
                close = re.compile(rf"(?<!`){text}(?!`)").search(line, position)
                if close is None:
                    parts.append(text)
                else:
                    self.literal_brackets |= "[[" in line[position : close.start()]
                    parts.append(SEP)
                    position = close.end()
        return "".join(parts)


def prose_runs(body: str) -> Prose:
    """The runs of plain prose of a note's body (frontmatter already split off), normalised,
    as Obsidian would show them; with the note's inline tags."""
    scanner = _Scanner()
    lines = scanner.lines(body)
    prose = Prose(literal_brackets=scanner.literal_brackets)
    references = {
        m.group(1).strip().casefold()
        for line in lines
        if line is not None and (m := _REF_DEFINITION.match(line))
    }
    for block in _blocks(lines):
        prose.literal_brackets |= bool(re.search(r"\[\[(?![^\n]*\]\])", block))

        def not_prose(match: re.Match[str]) -> str:
            if match.group("shortcut"):
                label = match.group("label")
                if label.strip().casefold() in references:
                    return SEP
                return "[" + _NOT_PROSE.sub(not_prose, label) + "]"
            if match.group("tag"):
                prose.tags.add(match.group("tag")[1:].casefold())
            return SEP

        for run in _NOT_PROSE.sub(not_prose, block).split(SEP):
            text = normalise(html.unescape(run.translate(_UNESCAPE)))
            if text and _weight(text) >= MIN_RUN_WEIGHT:
                prose.runs.append(text)
    return prose


def _blocks(lines: list[str | None]) -> Iterable[str]:
    """Lines of prose grouped into blocks (paragraphs, list items, headings, callout titles),
    each still with its inline syntax; tables, HTML blocks, rules and definitions left out."""
    current: list[str] = []
    html_end: str | None = None  # "" : a blank line ends the HTML block
    in_table = False
    depth = 0

    def flush() -> Iterable[str]:
        if current:
            yield " ".join(current)
            current.clear()

    for index, line in enumerate(lines):
        if line is None:
            yield from flush()
            continue
        container = _CONTAINER.match(line)
        assert container is not None
        content = line[container.end() :]
        level = container.group(1).count(">")
        blank = not content.strip(" \t" + SEP)
        if html_end is not None:
            if (html_end == "" and blank) or (html_end and html_end in line.lower()):
                html_end = None
            continue
        if blank:
            yield from flush()
            in_table = False
            continue
        if level != depth:
            yield from flush()
            depth = level
        if in_table and "|" in content:
            continue
        in_table = False
        following = lines[index + 1] if index + 1 < len(lines) else None
        if following is not None and "|" in content:
            next_content = following[_CONTAINER.match(following).end() :]  # type: ignore[union-attr]
            if "|" in next_content and _DELIMITER_ROW.match(next_content):
                yield from flush()
                in_table = True
                continue
        start = _HTML_START.match(content)
        if start:
            yield from flush()
            name = start.group(1).lower()
            if name == "!--":
                html_end = None if "-->" in content else "-->"
            elif name in _HTML_RAW:
                html_end = None if f"</{name}>" in content.lower() else f"</{name}>"
            else:
                html_end = ""
            continue
        if _REF_DEFINITION.match(content) or _RULE.match(content):
            yield from flush()
            continue
        content = _BLOCK_ID.sub("", content)
        if heading := _HEADING.match(content):
            yield from flush()
            current.append(heading.group(1))
            yield from flush()
        elif callout := _CALLOUT.match(content):
            yield from flush()
            current.append(callout.group(1))
            yield from flush()
        elif item := _LIST_ITEM.match(content):
            yield from flush()
            text = item.group(1)
            if task := _TASK_BOX.match(text):
                # A task's fields (Tasks' emoji fields, the `@owner` the plugin links).
                text = _OWNER.sub(SEP, _TASK_FIELD.split(task.group(1), maxsplit=1)[0])
            current.append(text)
        elif footnote := _FOOTNOTE_DEFINITION.match(content):
            yield from flush()
            current.append(footnote.group(1))
        else:
            current.append(content)
    yield from flush()


_UNDERSCORES = re.compile(r"_+")


def _edge_underscores(match: re.Match[str]) -> str:
    """`_` at a word's edge is emphasis; inside a word (`snake_case`) it is a letter."""
    text, start, end = match.string, match.start(), match.end()
    inside = start > 0 and text[start - 1].isalnum() and end < len(text) and text[end].isalnum()
    return match.group() if inside else ""


_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text as both sides are compared: NFC, emphasis marks (`*`, `_` at a word's edge,
    `==`, `~~`) removed, whitespace collapsed."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("*", "").replace("==", "").replace("~~", "")
    if "_" in text:
        text = _UNDERSCORES.sub(_edge_underscores, text)
    return _SPACE.sub(" ", text).strip()


_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_TOKEN = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+")
_WORDLIKE = re.compile(r"[^\W_]")


def _tokens(text: str) -> list[tuple[int, int, float]]:
    """(start, end, weight) of each word (a CJK character: half a word; punctuation: 0)."""
    out = []
    for m in _TOKEN.finditer(text):
        token = m.group()
        if not _WORDLIKE.search(token):
            weight = 0.0
        elif len(token) == 1 and re.match(rf"[{_CJK}]", token):
            weight = 0.5
        else:
            weight = 1.0
        out.append((m.start(), m.end(), weight))
    return out


def _weight(text: str) -> float:
    return sum(w for _, _, w in _tokens(text))


def chunks(run: str) -> list[str]:
    """A run of prose cut into chunks of about CHUNK_WEIGHT words that cover all of it (the
    last one reaches back so that it is as long as the others)."""
    tokens = _tokens(run)
    out: list[str] = []
    first, weight = 0, 0.0
    for index, (_, end, w) in enumerate(tokens):
        weight += w
        if weight >= CHUNK_WEIGHT:
            out.append(run[tokens[first][0] : end])
            first, weight = index + 1, 0.0
    if weight > 0:
        start, weight = len(tokens), 0.0
        while start > 0 and weight < CHUNK_WEIGHT:
            start -= 1
            weight += tokens[start][2]
        out.append(run[tokens[start][0] : tokens[-1][1]])
    return out


# ---------------------------------------------------------------------------------------
# The site: every HTML page parsed once

LINK_ATTRIBUTES = ("href", "src", "poster", "data")
NAVIGATION_TAGS = {"a", "area"}
# A space goes before each block-level tag, so that the text of `<p>a</p><p>b</p>` and of
# `a<br>b` is "a b"; inline tags (`<em>`) add none.
_BLOCK_TAG = re.compile(
    r"<(?=/?(?:p|div|li|ul|ol|dl|dt|dd|h[1-6]|br|hr|td|th|tr|table|thead|tbody|blockquote|pre"
    r"|details|summary|section|article|aside|header|footer|nav|figure|figcaption|img|label"
    r"|button|input|option|main)\b)",
    re.IGNORECASE,
)
_NOT_VISIBLE = "code, pre, kbd, samp, script, style, textarea, svg, template"


@dataclass(frozen=True)
class PageScan:
    """What the oracles need of one HTML page."""

    path: str
    size: int
    links: tuple[tuple[str, str, str], ...]
    """(tag, attribute, URL) of every href/src/srcset/poster/data."""
    ids: frozenset[str]
    edit_source: str | None
    """The vault path its "Edit this page" link names."""
    text: str
    """The article's text, normalised (code included: a chunk found there is not lost)."""
    visible: str
    """The article's visible text outside code, pre, kbd, script, style; whitespace
    collapsed."""


class Resolved(NamedTuple):
    """A link of a page, resolved: the site file it names (None: none) and its fragment."""

    tag: str
    attribute: str
    url: str
    file: str | None
    fragment: str


@dataclass
class SiteScan:
    site: Path
    files: set[str]
    pages: dict[str, PageScan]
    _targets: dict[tuple[str, str], tuple[str | None, str] | None] = field(default_factory=dict)
    _resolved: dict[str, list[Resolved]] = field(default_factory=dict)

    def links(self, page: str) -> list[Resolved]:
        """The relative links of a page, resolved (external ones left out), once per page."""
        found = self._resolved.get(page)
        if found is None:
            found = []
            for tag, attribute, url in self.pages[page].links:
                target = self.target(page, url)
                if target is not None:
                    found.append(Resolved(tag, attribute, url, *target))
            self._resolved[page] = found
        return found

    def target(self, page: str, url: str) -> tuple[str | None, str] | None:
        """Where a URL on `page` leads: (the site file, or None when it names none;
        fragment), or None for an external URL. As a static host serves the site: a folder
        URL is its index.html, a folder named without its slash too (hosts redirect), the
        path percent-decoded, the query string dropped."""
        if not url or url.startswith("#"):
            return page, unquote(url[1:])
        # Pages of one folder share their sidebar's links: resolve each (folder, URL) once.
        key = (page.rpartition("/")[0], url)
        if key not in self._targets:
            self._targets[key] = self._target(key[0], url)
        return self._targets[key]

    def _target(self, folder: str, url: str) -> tuple[str | None, str] | None:
        if _SCHEME.match(url) or url.startswith("//"):
            return None
        path, _, fragment = url.partition("#")
        path = path.partition("?")[0]
        if "%" in path or "%" in fragment:
            path, fragment = unquote(path), unquote(fragment)
        segments = [] if path.startswith("/") or not folder else folder.split("/")
        for segment in path.split("/"):
            if segment == "..":
                if not segments:
                    return None, fragment  # above the site's root
                segments.pop()
            elif segment not in ("", "."):
                segments.append(segment)
        resolved = "/".join(segments)
        if not resolved or path.endswith(("/", "/.")) or path == ".":
            candidates = [f"{resolved}/index.html".lstrip("/")]
        else:
            candidates = [resolved, f"{resolved}/index.html"]
        return next((c for c in candidates if c in self.files), None), fragment


# A scheme of two letters or more (one letter is a Windows drive, C:\\, not a scheme).
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")


_SCANS: dict[str, tuple[object, SiteScan]] = {}


def scan_site(site: Path) -> SiteScan:
    """Parse every HTML page of `site` once (kept while the site's files are unchanged)."""
    files: set[str] = set()
    fingerprint = []
    for dirpath, _, filenames in os.walk(site):
        for name in filenames:
            full = os.path.join(dirpath, name)
            rel = Path(os.path.relpath(full, site)).as_posix()
            files.add(rel)
            if name.endswith((".html", ".htm")):
                st = os.stat(full)
                fingerprint.append((rel, st.st_size, st.st_mtime_ns))
    key = str(Path(site).resolve())
    token = tuple(sorted(fingerprint))
    cached = _SCANS.get(key)
    if cached and cached[0] == token:
        return cached[1]
    pages = {rel: _scan_page(site / rel, rel) for rel, _, _ in token}
    scan = SiteScan(Path(site), files, pages)
    _SCANS[key] = (token, scan)
    return scan


def _scan_page(path: Path, rel: str) -> PageScan:
    data = path.read_bytes()
    source = data.decode("utf-8", errors="replace")
    # A space before each block-level tag, so that the text of `<p>a</p><p>b</p>` and of
    # `a<br>b` is "a b"; inline tags (`<em>`) add none.
    start = source.find("<article")
    end = source.rfind("</article>")
    if 0 <= start < end:  # the theme's chrome around the article needs no spaces
        source = source[:start] + _BLOCK_TAG.sub(" <", source[start:end]) + source[end:]
    tree = LexborHTMLParser(source)
    links: list[tuple[str, str, str]] = []
    seen: set[int] = set()
    for node in tree.css("[href], [src], [srcset], [poster], object[data]"):
        if node.mem_id in seen:  # a node that matches two of the selectors comes twice
            continue
        seen.add(node.mem_id)
        attrs = node.attributes
        tag = node.tag or ""
        for attribute in LINK_ATTRIBUTES:
            value = attrs.get(attribute)
            if value is not None and (attribute != "data" or tag == "object"):
                links.append((tag, attribute, value.strip()))
        for candidate in (attrs.get("srcset") or "").split(","):
            if candidate.strip():
                links.append((tag, "srcset", candidate.split()[0]))
    ids = {node.attributes.get("id") or "" for node in tree.css("[id]")}
    ids |= {node.attributes.get("name") or "" for node in tree.css("a[name]")}
    edit_source = None
    for node in tree.css("a[href]"):
        href = node.attributes.get("href") or ""
        if "edit" in (node.attributes.get("rel") or "").split() and href.startswith(EDIT_PREFIX):
            edit_source = unquote(href[len(EDIT_PREFIX) :])
            break
    article = tree.css_first("article.md-content__inner") or tree.css_first("article")
    text = visible = ""
    if article is not None:
        text = normalise(article.text(deep=True))
        hidden = article.css(_NOT_VISIBLE)
        hidden_ids = {node.mem_id for node in hidden}
        for node in hidden:  # the outermost only: a <code> in a <pre> goes with it
            if not _has_ancestor(node, hidden_ids, article.mem_id):
                node.decompose()
        visible = _SPACE.sub(" ", article.text(deep=True))
    return PageScan(rel, len(data), tuple(links), frozenset(ids), edit_source, text, visible)


def _has_ancestor(node: Any, ids: set[int], stop: int) -> bool:
    parent = node.parent
    while parent is not None and parent.mem_id != stop:
        if parent.mem_id in ids:
            return True
        parent = parent.parent
    return False


# ---------------------------------------------------------------------------------------
# Notes and their pages


def note_pages(
    notes: dict[str, NoteScan], scan: SiteScan
) -> tuple[dict[str, list[str]], list[Finding]]:
    """The pages of each published note (by its edit link), and a finding for each published
    note that no page names."""
    by_source: dict[str, list[str]] = {}
    for page in scan.pages.values():
        if page.edit_source is not None:
            by_source.setdefault(unicodedata.normalize("NFC", page.edit_source), []).append(
                page.path
            )
    pages: dict[str, list[str]] = {}
    missing: list[Finding] = []
    for path, note in notes.items():
        if not note.published:
            continue
        found = by_source.get(unicodedata.normalize("NFC", path))
        if found:
            pages[path] = sorted(found)
        else:
            missing.append(Finding("lost", path, "published, but no page's edit link names it"))
    return pages, missing


@dataclass
class ProseResult:
    kept: int = 0
    total: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.kept / self.total if self.total else 100.0


_HIGHLIGHT = re.compile(r"(?<!=)==(?=[^\s=])[^=\n]*?(?<=[^\s=])==(?!=)")
# `path:line: message` or `path:line:col: message`, after the plugin logger's `name: ` prefix.
_LOCATED = re.compile(r"^(?:[\w.-]+: )?(?P<path>[^:\n]*?[^:\s]):(?P<line>\d+)(?::\d+)?: \S")


class Gauntlet:
    """One build, read once: the vault's notes, the site's pages, the log; each oracle a
    method returning its findings."""

    def __init__(
        self,
        vault: Path,
        site: Path,
        records: Sequence[logging.LogRecord] = (),
        *,
        exclude: str | Iterable[str] = (),
        private_tags: Iterable[str] = PRIVATE_TAGS,
    ) -> None:
        self.vault = Path(vault)
        self.notes = read_vault(self.vault, exclude, private_tags)
        self.scan = scan_site(Path(site))
        self.records = list(records)
        self.pages, self.missing = note_pages(self.notes, self.scan)

    def prose(self) -> ProseResult:
        """(a) with its figures: chunks kept of all chunks, one finding per note that lost
        any (and one per published note that no page names)."""
        result = ProseResult(findings=list(self.missing))
        for path, page_paths in sorted(self.pages.items()):
            texts = [self.scan.pages[p].text for p in page_paths]
            lost: list[str] = []
            total = 0
            for run in self.notes[path].runs:
                for chunk in chunks(run):
                    total += 1
                    if not any(chunk in text for text in texts):
                        lost.append(chunk)
            result.total += total
            result.kept += total - len(lost)
            if lost:
                shown = "; ".join(repr(c) for c in lost[:8]) + (" …" if len(lost) > 8 else "")
                result.findings.append(
                    Finding(
                        "lost",
                        f"{path} → {page_paths[0]}",
                        f"{total - len(lost)}/{total} chunks kept "
                        f"({100 * (total - len(lost)) / total:.1f}%); lost {len(lost)}: {shown}",
                    )
                )
        return result

    def lost(self) -> list[Finding]:
        """(a) Every chunk of plain prose of every published note is in the text of its page."""
        return self.prose().findings

    def broken(self) -> list[Finding]:
        """(b) Every relative href/src lands on a file of the site, every fragment on an id."""
        findings = []
        for page in self.scan.pages.values():
            for link in self.scan.links(page.path):
                shown = f"<{link.tag} {link.attribute}={link.url!r}>"
                if link.file is None:
                    findings.append(Finding("broken", page.path, f"{shown} names no file"))
                    continue
                fragment = link.fragment
                if not fragment or fragment.casefold() == "top" or fragment.startswith(":~:"):
                    continue
                target = self.scan.pages.get(link.file)
                if target is not None and fragment not in target.ids:
                    findings.append(
                        Finding("broken", page.path, f"{shown}: no id {fragment!r} on {link.file}")
                    )
        return findings

    def raw(self) -> list[Finding]:
        """(c) No attribute list, `%%`, `==highlight==` or unescaped `[[` in any article's
        visible text (outside code, pre, kbd, script, style)."""
        literal = {
            page
            for path, page_paths in self.pages.items()
            if self.notes[path].literal_brackets
            for page in page_paths
        }
        findings = []
        for page in self.scan.pages.values():
            text = page.visible
            hits = [("attribute list", m) for m in _ATTRIBUTE_LIST.finditer(text)]
            hits += [("%%", m) for m in re.finditer("%%", text)]
            hits += [("==highlight==", m) for m in _HIGHLIGHT.finditer(text)]
            if page.path not in literal:
                hits += [("[[", m) for m in re.finditer(r"\[\[", text)]
            for what, m in sorted(hits, key=lambda h: h[1].start()):
                context = text[max(0, m.start() - 40) : m.end() + 40].strip()
                findings.append(Finding("raw", page.path, f"{what} {m.group()!r} in …{context}…"))
        return findings

    def unreachable(self) -> list[Finding]:
        """(d) Every published note's page can be reached from index.html by following
        links (breadth-first over the HTML pages; the sidebar is links too)."""
        if "index.html" not in self.scan.pages:
            return [Finding("unreachable", "index.html", "the site has no home page")]
        reached = {"index.html"}
        queue = deque(["index.html"])
        while queue:
            for link in self.scan.links(queue.popleft()):
                if link.tag not in NAVIGATION_TAGS or link.attribute != "href":
                    continue
                if link.file in self.scan.pages and link.file not in reached:
                    reached.add(link.file)
                    queue.append(link.file)
        return [
            Finding("unreachable", path, f"{page_paths[0]} is linked from no reachable page")
            for path, page_paths in sorted(self.pages.items())
            if not reached.intersection(page_paths)
        ]

    def heavy(self) -> list[Finding]:
        """(e) No HTML page over 1 MB."""
        return [
            Finding("heavy", page.path, f"{page.size:,} bytes (over {MAX_PAGE_BYTES:,})")
            for page in self.scan.pages.values()
            if page.size > MAX_PAGE_BYTES
        ]

    def log(self) -> list[Finding]:
        """(f) No traceback in the log, and every warning names a file of the vault and a
        line (MkDocs' own configuration warnings, which have no file, excepted)."""
        findings = []
        for record in self.records:
            message = record.getMessage()
            first = message.splitlines()[0] if message else ""
            if record.exc_info or record.exc_text or "Traceback (most recent call" in message:
                findings.append(Finding("log", record.name, f"traceback: {first}"))
                continue
            if record.levelno < logging.WARNING or record.name.startswith("mkdocs.config"):
                continue
            located = _LOCATED.match(message)
            if located is None:
                what = f"warning without path:line: {first}"
            elif int(located.group("line")) < 1:
                what = f"warning at line 0: {first}"
            elif not os.path.lexists(self.vault / located.group("path")):
                what = f"warning names no file of the vault: {first}"
            else:
                continue
            findings.append(Finding("log", record.name, what))
        return findings

    def report(self) -> Report:
        """Every oracle's findings, with the figures of a summary line."""
        prose = self.prose()
        findings = {"lost": prose.findings}
        findings.update((name, getattr(self, name)()) for name in ORACLES if name != "lost")
        sizes = [(p.path, p.size) for p in self.scan.pages.values()]
        return Report(
            findings,
            pages=len(self.scan.pages),
            notes=sum(n.published for n in self.notes.values()),
            kept=prose.kept,
            total=prose.total,
            largest=max(sizes, key=lambda x: x[1], default=("-", 0)),
            warnings=sum(r.levelno >= logging.WARNING for r in self.records),
        )


def nothing_lost(
    vault: Path, site: Path, records: Sequence[logging.LogRecord] = (), **options: Any
) -> list[Finding]:
    """(a) Every chunk of plain prose of every published note is in the text of its page."""
    return Gauntlet(vault, site, records, **options).lost()


def prose_check(
    vault: Path, site: Path, records: Sequence[logging.LogRecord] = (), **options: Any
) -> ProseResult:
    """(a) with its figures (chunks kept of all chunks)."""
    return Gauntlet(vault, site, records, **options).prose()


def nothing_broken(
    vault: Path, site: Path, records: Sequence[logging.LogRecord] = (), **options: Any
) -> list[Finding]:
    """(b) Every relative href/src lands on a file of the site, every fragment on an id."""
    return Gauntlet(vault, site, records, **options).broken()


def nothing_raw(
    vault: Path, site: Path, records: Sequence[logging.LogRecord] = (), **options: Any
) -> list[Finding]:
    """(c) No attribute list, `%%`, `==highlight==` or unescaped `[[` in visible text."""
    return Gauntlet(vault, site, records, **options).raw()


def everything_reachable(
    vault: Path, site: Path, records: Sequence[logging.LogRecord] = (), **options: Any
) -> list[Finding]:
    """(d) Every published note's page can be reached from the home page by links."""
    return Gauntlet(vault, site, records, **options).unreachable()


def no_heavy_page(
    vault: Path, site: Path, records: Sequence[logging.LogRecord] = (), **options: Any
) -> list[Finding]:
    """(e) No HTML page over 1 MB."""
    return Gauntlet(vault, site, records, **options).heavy()


def honest_log(
    vault: Path, site: Path, records: Sequence[logging.LogRecord] = (), **options: Any
) -> list[Finding]:
    """(f) No traceback in the log; every warning names a file of the vault and a line."""
    return Gauntlet(vault, site, records, **options).log()


ORACLES = {
    "lost": nothing_lost,
    "broken": nothing_broken,
    "raw": nothing_raw,
    "unreachable": everything_reachable,
    "heavy": no_heavy_page,
    "log": honest_log,
}
"""Each oracle by the name of its `Gauntlet` method (and of its key in `Report.findings`)."""


@dataclass
class Report:
    """Every oracle's findings for one build, with the figures of a summary line."""

    findings: dict[str, list[Finding]]
    pages: int
    notes: int
    kept: int
    total: int
    largest: tuple[str, int]
    warnings: int

    def summary(self, name: str, seconds: float) -> str:
        percent = 100.0 * self.kept / self.total if self.total else 100.0
        f = self.findings
        return (
            f"{name}: {self.pages} pages ({self.notes} published notes), prose kept "
            f"{self.kept}/{self.total} ({percent:.1f}%), {len(f['lost'])} notes losing prose, "
            f"{len(f['broken'])} broken refs, {len(f['raw'])} raw, "
            f"{len(f['unreachable'])} unreachable, largest page {self.largest[0]} "
            f"{self.largest[1] / 1000:.0f} KB ({len(f['heavy'])} over 1 MB), "
            f"{self.warnings} warnings ({len(f['log'])} log findings), build {seconds:.1f} s"
        )


def run_oracles(
    vault: Path, site: Path, records: Sequence[logging.LogRecord] = (), **options: Any
) -> Report:
    """Run every oracle on one build (`exclude`: its exclude_docs; `private_tags`)."""
    return Gauntlet(vault, site, records, **options).report()
