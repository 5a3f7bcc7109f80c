"""Property tests (hypothesis): the parser, the resolver and the reader never crash, never leave
the vault and never let a private note through, whatever the text.

Profiles in hypothesis_profiles.py: 2,000 examples per property by default (`ci`), 50,000 with
HYPOTHESIS_PROFILE=long.
"""

from __future__ import annotations

import codecs
import datetime as dt
import posixpath
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

import hypothesis_profiles  # noqa: F401  (registers and loads the profile)
from meeting_archive import obsidian, urls
from meeting_archive.markup import escape_md
from meeting_archive.model import Problem
from meeting_archive.pipeline import build_site
from meeting_archive.resolve import Resolver
from meeting_archive.vault import Note, ReadOptions, Withheld, read_note

# -- strategies --------------------------------------------------------------------------------

# Characters that make names hard: case pairs that fold oddly (ß/ẞ, İ/ı, K/Kelvin sign), an
# accent composed and decomposed (U+E000 stands for "e" + combining acute), spaces, dots, URL
# escapes, emoji, the wikilink syntax itself. Drawn as whole strings: hypothesis is fast so.
HARD_CHARS = "aAbBzZ09 ._-%#?&'!~^|[]\\/:éÉßẞİıK\u212a🚀\u00a0\tﬁ\ue000"


def _hard_text(alphabet: str, min_size: int = 1, max_size: int = 8) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=min_size, max_size=max_size).map(
        lambda s: s.replace("\ue000", "e\u0301")
    )


name_part = _hard_text(HARD_CHARS)
safe_segment = _hard_text("".join(c for c in HARD_CHARS if c not in "/\\|[]#^\t")).filter(
    lambda s: s.strip() not in ("", ".", "..")  # a link's target is stripped: ". " is "."
)


def _vault_path(text: str) -> str:
    """A vault path of up to three folders from any text of safe characters: empty, `.` and
    `..` segments become `x` (a link's target is stripped, so ". " is "." too)."""
    parts = [p if p.strip() not in ("", ".", "..") else "x" for p in text.split("/")][:3]
    path = "/".join(parts)
    # `C:…` is a Windows drive, never a vault path (Obsidian allows no `:` in a file name).
    return (
        "x" + path if re.match(r"[A-Za-z]:", unicodedata.normalize("NFC", path).strip()) else path
    )


vault_path = _hard_text("".join(c for c in HARD_CHARS if c not in "\\|[]#^\t"), 1, 20).map(
    _vault_path
)
link_text = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="[]\n"), max_size=40
)


WALK = st.tuples(
    st.sampled_from(["", "/", "./", "../", "../../", "\\", "..\\", "C:/", "%2e%2e/"]),
    st.lists(safe_segment | st.sampled_from(["..", ".", "%2e%2e", "~"]), min_size=1, max_size=4),
    st.sampled_from(["/", "\\"]),
).map(lambda t: t[0] + t[2].join(t[1]))
# (which known path, how many folders dropped, upper case, extension, Unicode form, spaces)
VARIANT = st.tuples(
    st.integers(0, 63),
    st.integers(0, 2),
    st.booleans(),
    st.sampled_from(["", ".md", ".MD"]),
    st.sampled_from(["NFC", "NFD"]),
    st.booleans(),
)
TARGETS = st.one_of(VARIANT, WALK, name_part, link_text)
"""Targets a link could be written with: a known path or a suffix of it (in another case or
Unicode form), a walk with `..`, `./` or a leading `/`, or anything at all."""


def link_target(drawn: str | tuple[Any, ...], paths: list[str]) -> str:
    if isinstance(drawn, str):
        return drawn
    index, drop, upper, suffix, form, spaces = drawn
    path = paths[index % len(paths)]
    stem = path[:-3] if path.endswith(".md") else path
    text = "/".join(stem.split("/")[drop:]) + (suffix if path.endswith(".md") else "")
    text = unicodedata.normalize(form, text.upper() if upper else text)
    return f"  {text} " if spaces else text


def leaves_vault(target: str, from_path: str) -> bool:
    """Whether a target climbs above the vault root, judged on its text alone."""
    raw = target.strip().replace("\\", "/")
    if raw.startswith(("./", "../")):
        raw = posixpath.join(posixpath.dirname(from_path), raw)
    normal = posixpath.normpath(raw.lstrip("/")) if raw.strip("/") else "."
    return normal == ".." or normal.startswith("../")


# -- the parser ----------------------------------------------------------------------------------


@given(st.text(max_size=80), st.booleans())
def test_parse_wikilink_never_fails(inner: str, embed: bool) -> None:
    link = obsidian.parse_wikilink(inner, embed=embed)
    assert "#" not in link.target and "|" not in link.target
    assert link.target == link.target.strip()
    assert all(h and h == h.strip() and "#" not in h for h in link.headings)
    assert link.embed is embed
    assert isinstance(link.display, str) and isinstance(link.source(), str)


target_text = (
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="[]#|\n^"), max_size=20)
    .map(str.strip)
    .filter(lambda s: not s.endswith("\\"))
)
heading_text = (
    st.text(
        st.characters(exclude_categories=("Cs",), exclude_characters="[]#|\n"),
        min_size=1,
        max_size=15,
    )
    .map(str.strip)
    .filter(bool)
)
block_id = st.text(st.sampled_from("abcXYZ019-"), min_size=1, max_size=8)
alias_text = st.none() | st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="[]\n"), max_size=20
)


@st.composite
def wikilinks(draw: st.DrawFn) -> obsidian.Wikilink:
    target = draw(target_text)
    if draw(st.booleans()):
        headings: tuple[str, ...] = ()
        block: str | None = draw(block_id)
    else:
        headings = tuple(draw(st.lists(heading_text, max_size=3)))
        assume(not headings or not headings[0].startswith("^"))
        block = None
    alias = draw(alias_text)
    return obsidian.Wikilink(target, headings, block, alias, draw(st.booleans()))


@given(
    wikilinks(),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="[]`\n"), max_size=10),
)
def test_wikilink_source_round_trips(link: obsidian.Wikilink, before: str) -> None:
    """A link written back as Obsidian syntax parses to the same link, and is found as one link
    in a line of prose."""
    source = link.source()
    match = obsidian.WIKILINK.fullmatch(source)
    assert match is not None
    assert obsidian.parse_wikilink(match.group(2), embed=bool(match.group(1))) == link
    line = f"{before} {source} after"
    found = [m for m in obsidian.INLINE.finditer(line) if m.group("link")]
    assert len(found) == 1 and found[0].group("link") == source


_MARKDOWN = markdown.Markdown(
    extensions=[
        "attr_list",
        "md_in_html",
        "tables",
        "footnotes",
        "admonition",
        "pymdownx.mark",
        "pymdownx.tilde",
        "pymdownx.superfences",
        "pymdownx.details",
    ]
)


@given(st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=40))
def test_escaped_text_renders_as_written(text: str) -> None:
    """What the plugin writes from a note (a title, a name, a link's text) is escaped so that,
    rendered by Python-Markdown with the extensions the plugin uses, it shows exactly as
    written: no markup, no element, no attribute (attr_list's `{ onclick=… }`) comes of it."""
    text = " ".join(text.split())
    assume(text and not re.search(r"==|~~", text))  # highlight marks stay formatting
    for markup in (
        f"# {escape_md(text)}",
        f'<a href="x">{escape_md(text)}</a>',
        f"| a |\n|---|\n| {escape_md(text)} |",
    ):
        _MARKDOWN.reset()
        tree = LexborHTMLParser(_MARKDOWN.convert(markup))
        element = tree.css_first("h1, a, td")
        assert element is not None, markup
        assert element.text(deep=True).strip() == text, markup
        assert not [n for n in tree.css("*") if any(k.startswith("on") for k in n.attributes)]


# -- the resolver ------------------------------------------------------------------------------


@st.composite
def note_trees(draw: st.DrawFn) -> tuple[list[str], list[str], list[str], dict[str, list[str]]]:
    """(published notes, attachments, withheld notes, aliases): distinct paths in a small tree."""
    paths = draw(st.lists(vault_path, min_size=1, max_size=10, unique_by=urls.note_key))
    notes = [p + ".md" for p in paths[: max(1, len(paths) * 2 // 3)]]
    rest = paths[len(notes) :]
    attachments = [p + ".png" for p in rest[: len(rest) // 2]]
    withheld = [p + ".md" for p in rest[len(rest) // 2 :]]
    names = draw(st.lists(name_part, max_size=4))
    aliases = {notes[i % len(notes)]: [name] for i, name in enumerate(names)}
    return notes, attachments, withheld, aliases


@given(note_trees(), st.integers(0, 63), TARGETS)
def test_resolver_stays_in_the_vault(tree: Any, source: int, drawn: Any) -> None:
    notes, attachments, withheld, aliases = tree
    resolver = Resolver(notes, attachments, aliases, dict.fromkeys(withheld, "private"))
    known = set(notes) | set(attachments)
    from_path = ["", *notes][source % (len(notes) + 1)]
    target = link_target(drawn, notes + attachments + withheld)
    found = resolver.resolve(target, from_path)
    assert found.path is None or found.path in known
    assert not (found.withheld and found.path)
    assert set(found.ambiguous) <= known
    if leaves_vault(target, from_path):
        assert found.path is None and not found.withheld, (target, from_path, found)


@given(note_trees(), st.integers(0, 63), st.integers(0, 63), st.sampled_from(["NFC", "NFD"]))
def test_resolver_finds_every_note_by_its_path(
    tree: Any, which: int, source: int, form: str
) -> None:
    """A note's own vault path (without `.md`, in any case or Unicode form) leads to it, or to
    the note whose path differs from it only in case or normalisation."""
    notes, attachments, withheld, aliases = tree
    resolver = Resolver(notes, attachments, aliases, dict.fromkeys(withheld, "private"))
    path = notes[which % len(notes)]
    found = resolver.resolve(unicodedata.normalize(form, path[:-3]), notes[source % len(notes)])
    assert found.path is not None and urls.note_key(found.path) == urls.note_key(path)


# -- the reader ----------------------------------------------------------------------------------


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.dates(),
    st.datetimes(),
    st.sampled_from(
        [
            "false",
            "no",
            "Private",
            "#private",
            "[[private]]",
            "2025-02-30",
            "0",
            "<script>alert(1)</script>",
            "%%",
            "---",
            "{ onclick=x }",
        ]
    ),
)
# Lists, lists of lists and mappings, but no deeper: hypothesis draws recursive data slowly.
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=4),
    st.lists(st.lists(scalars, max_size=2), max_size=2),
    st.dictionaries(st.text(max_size=6), scalars, max_size=3),
)
keys = st.sampled_from(
    [
        "title",
        "date",
        "tags",
        "tag",
        "aliases",
        "alias",
        "publish",
        "draft",
        "participants",
        "attendees",
        "account",
        "accounts",
        "type",
        "slug",
        "source",
        "hide",
        "search",
        "Publish",
        "x",
    ]
)
frontmatter = st.dictionaries(keys | st.sampled_from(["", "1", "é", "<b>"]), values, max_size=4)
PRIVATE = st.sampled_from(
    [
        {"publish": False},
        {"publish": "false"},
        {"publish": "no"},
        {"publish": 0},
        {"publish": None},
        {"draft": True},
        {"draft": "yes"},
        {"draft": "true"},
        {"tags": ["private"]},
        {"tags": "work, private"},
        {"tags": "#private"},
        {"tags": ["Private/x"]},
        {"tags": [["private"]]},
        {"tag": "private"},
        {"tags": ["a", "PRIVATE"]},
    ]
)
MARKER = "zqx-property-marker"


def _note_bytes(meta: dict[str, Any], body: str, newline: str, bom: bytes) -> bytes:
    dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return bom + ("---\n" + dumped + "---\n" + body).replace("\n", newline).encode("utf-8")


encodings = st.tuples(
    st.sampled_from(["\n", "\r\n", "\r"]), st.sampled_from([b"", codecs.BOM_UTF8])
)


@given(frontmatter, PRIVATE, st.text(max_size=200), st.booleans(), encodings)
def test_private_stays_private(
    meta: dict[str, Any],
    private: dict[str, Any],
    body: str,
    inline_only: bool,
    encoding: tuple[str, bytes],
) -> None:
    """Whatever else the frontmatter says, a note marked private (or whose frontmatter cannot be
    read) is never published, and nothing of its text is kept."""
    meta = {k: v for k, v in meta.items() if k not in ("publish", "draft", "tags", "tag")}
    if inline_only:
        body = f"{body}\n\nFiled as #private.\n"
    else:
        meta.update(private)
    text = f"{body}\n{MARKER}\n"
    item, problems = read_note("Folder/Note.md", _note_bytes(meta, text, *encoding), ReadOptions())
    assert isinstance(item, Withheld), meta
    assert item.reason in ("private", "unreadable")
    assert MARKER not in repr(item) and not any(MARKER in str(p) for p in problems)


@given(frontmatter, st.text(max_size=300), encodings)
def test_reader_never_fails_on_frontmatter(
    meta: dict[str, Any], body: str, encoding: tuple[str, bytes]
) -> None:
    item, problems = read_note("A/B.md", _note_bytes(meta, body, *encoding), ReadOptions())
    assert all(isinstance(p, Problem) and p.path == "A/B.md" for p in problems)
    if isinstance(item, Note):
        assert isinstance(item.title, str) and item.title
        assert item.date is None or isinstance(item.date, dt.date)
        assert all(isinstance(t, str) and t for t in item.tags)


@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.lists(
            st.sampled_from([*"-: \n\t[]{}'\"#%&*!|>?@`,éa", "publish", "false"]), max_size=60
        ).map(lambda t: ("---\n" + "".join(t) + "\n---\nbody").encode()),
    )
)
def test_reader_never_fails_on_any_bytes(raw: bytes) -> None:
    item, problems = read_note("x.md", raw, ReadOptions())
    assert isinstance(item, Note | Withheld)
    assert all(p.path == "x.md" for p in problems)


# -- the whole pipeline, without MkDocs ------------------------------------------------------


# Names that are hard to tell apart or to print, and the lines a note is made of ("{}" is
# another note's name): links and embeds of every form, sections, block ids, tasks, comments,
# code, callouts, attr_list and raw HTML. Drawn from fixed lists, which hypothesis does fast.
NAMES = [
    "Alpha",
    "alpha",
    "Café",
    "Cafe\u0301",
    "Émoji 🚀",
    "a  b",
    "Q&A",
    "50%",
    "x.y",
    "<b>bold</b>",
    "İstanbul",
    "straße",
    "STRASSE",
    "\u212aelvin",
    "ﬁle",
    "Ann",
]
LINES = [
    "[[{}]]",
    "![[{}]]",
    "[[{}#H]]",
    "![[{}#H]]",
    "[[{}#^b]]",
    "![[{}#^b]]",
    "[[{}|alias]]",
    "[[Sub/{}]]",
    "![[Sub/{}#H]]",
    "[[../{}]]",
    "[[{}.md]]",
    "[x]({}.md)",
    "## H",
    "text ^b",
    "- [ ] task @{} 📅 2025-10-10",
    "%% [[{}]] %%",
    "#tag/{}",
    "`[[{}]]`",
    "> [!note] <b>{}</b>",
    "==hi=={{ onclick=x }}",
    "<script>x</script>",
    "## Decisions",
    "- decided {}",
]
META = [
    {},
    {"type": "person"},
    {"type": "account", "aliases": ["The {}"]},
    {"aliases": ["{}"]},
    {"title": "<script>x</script> {}"},
    {"tags": ["account/{}"]},
    {"date": "2025-10-06", "participants": ["Ann", "[[{}]]"]},
    {"date": "2025-10-06", "account": "[[{}]]", "attendees": "Ann"},
]
NOTE = st.tuples(
    st.sampled_from(NAMES),
    st.booleans(),
    st.sampled_from(META),
    st.integers(0, 15),
    st.lists(st.tuples(st.sampled_from(LINES), st.integers(0, 15)), max_size=5),
)
"""(name, in a subfolder, frontmatter, a name for it, lines with a name for each)"""
PRIVATE_OR_NOT = st.lists(PRIVATE | st.none(), min_size=6, max_size=6)


def _vault(notes: list[tuple[Any, ...]], privacy: list[dict[str, Any] | None]) -> dict[str, bytes]:
    """The files of a small vault; a private note carries MARKER and a title of its own."""
    names = [n[0] for n in notes]
    files = {}
    for i, (name, sub, meta, who, lines) in enumerate(notes):
        fill = {
            k: (
                v.format(names[who % len(names)])
                if isinstance(v, str)
                else [x.format(names[who % len(names)]) for x in v]
            )
            for k, v in meta.items()
        }
        body = [line.format(names[n % len(names)]) for line, n in lines]
        if privacy[i] is not None:
            fill.update(privacy[i], title=f"zqx-title-{i}")
            body.append(MARKER)
        files[f"{'Sub/' if sub else ''}{name}.md"] = _note_bytes(fill, "\n".join(body), "\n", b"")
    return files


@pytest.mark.slow  # builds many vaults: left out of the everyday run
@given(
    st.lists(NOTE, min_size=1, max_size=5, unique_by=lambda n: urls.note_key(n[0])), PRIVATE_OR_NOT
)
def test_pipeline_publishes_nothing_private(
    notes: list[tuple[Any, ...]], privacy: list[dict[str, Any] | None]
) -> None:
    """Read, model, resolve and render a random small vault as the plugin does: no exception,
    and no private note's marker or title in any page, listing or generated page."""
    files = _vault(notes, privacy)
    with tempfile.TemporaryDirectory() as vault:
        for path, raw in files.items():
            target = Path(vault, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(raw)
        _, pages = build_site(vault)
    for src, filled in pages.items():
        assert MARKER not in filled and "zqx-title" not in filled, src
        if src not in files:  # generated: every string from a note escaped
            assert "<script" not in filled, src
