"""Issue 11, class by class, each class as a family of inputs rather than the one input that
found it: the cases that found the defects are kept aside and tried again with variations.

- Privacy: frontmatter keys in any case, values that do not clearly say "publish", two keys
  that differ only in case, a Markdown file of any extension case, symlinks into hidden or
  excluded folders, attachments that only private notes use (every channel), the note cache
  of `mkdocs serve` (an edit that keeps size and mtime); a property over key spellings ×
  value shapes × where the private mark is.
- Script-free pages: the plugin's own placeholder comments and stash tokens written by a note;
  a property over URL spellings a browser runs as script (judged by privacy_audit.audit_xss,
  which reads URLs as the WHATWG URL parser does); a property over private-use characters.
- One bad note never stops the build: named pipes, lists and quotes nested hundreds of levels,
  embed fan-out, a name with a newline in it.
- Wrong output: entity names that are also listing and index names, with listings long enough
  to have a second page; `index.md` as a person note (calendars); characters XML 1.0 forbids.

Every build is a real MkDocs build of a small vault written here. A build that could hang or
take the interpreter down (a named pipe, deep nesting, fan-out) runs in a child process with a
time limit, so that a hang fails its test instead of the suite; tests never assert timings.
Expected warnings use the phrases of DESIGN-NOTES, matched loosely (file, line where known,
key words).
"""

from __future__ import annotations

import json
import logging
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import icalendar
import pytest
import yaml
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser, LexborNode

import meeting_archive
from conftest import Built, build_vault, follow
from hypothesis_profiles import BUILD_EXAMPLES
from privacy_audit import (
    audit_privacy,
    audit_site,
    audit_xss,
    data_file_problems,
    is_markdown,
    private_parts,
)

TESTS = Path(__file__).resolve().parent
PLUGIN_ROOT = Path(meeting_archive.__file__).resolve().parents[1]
CHILD_TIMEOUT = 120.0
"""Seconds a child build may take: generous for a slow shared machine; a hang fails."""
CHILD_MEMORY = 4 * 1024**3
"""Address space a child build may use (a runaway expansion fails instead of swapping)."""
ONE_MB = 1_000_000
BUILD_SETTINGS = settings(
    max_examples=BUILD_EXAMPLES,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)
"""Properties whose examples are real builds: few examples, no shrinking (see
hypothesis_profiles.py)."""


# -- helpers -----------------------------------------------------------------------------------


def write(vault: Path, files: dict[str, str | bytes]) -> None:
    for rel, data in files.items():
        path = vault / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")


def front(**fields: Any) -> str:
    """A frontmatter block, dumped by YAML (keys keep their spelling, values their type)."""
    if not fields:
        return ""
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False) + "---\n"


def page_file(site: Path, page_path: str) -> Path | None:
    """The HTML file of a page path (every build here has directory URLs), or None."""
    candidate = site / page_path / "index.html" if page_path else site / "index.html"
    return candidate if candidate.is_file() else None


def article_of(site: Path, page_path: str) -> LexborNode:
    path = page_file(site, page_path)
    assert path is not None, f"no page at {page_path}/"
    node = LexborHTMLParser(path.read_text(encoding="utf-8")).css_first("article")
    assert node is not None, page_path
    return node


def links(node: LexborNode) -> list[str]:
    """The hrefs of a page's links, permalinks to its own headings left out."""
    return [
        a.attributes.get("href") or ""
        for a in node.css("a[href]")
        if "headerlink" not in (a.attributes.get("class") or "")
    ]


def files_holding(site: Path, needles: list[str]) -> dict[str, list[str]]:
    """For each needle (case-insensitive), the site files whose bytes hold it."""
    found: dict[str, list[str]] = {n: [] for n in needles}
    folded = [(n, n.casefold().encode()) for n in needles]
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes().lower()
        for needle, raw in folded:
            if raw in data:
                found[needle].append(path.relative_to(site).as_posix())
    return found


def warnings_about(messages: list[str], path: str) -> list[str]:
    return [m for m in messages if re.match(r"^meeting_archive: " + re.escape(path) + r"[:\s]", m)]


@dataclass
class Isolated:
    """A build run in a child process: whether it finished in time, and what it logged."""

    site: Path
    finished: bool
    returncode: int | None
    aborted: bool = False
    records: list[tuple[int, str, bool]] = field(default_factory=list)
    output: str = ""

    def messages(self, level: int = logging.WARNING) -> list[str]:
        return [m for lvl, m, _ in self.records if lvl >= level]

    def explain(self) -> str:
        state = "finished" if self.finished else f"did not finish within {CHILD_TIMEOUT:.0f} s"
        return (
            f"the build {state} (exit {self.returncode}); its output ends:\n{self.output[-3000:]}"
        )

    def assert_built(self) -> None:
        assert self.finished and self.returncode == 0 and not self.aborted, self.explain()
        tracebacks = [m for _, m, tb in self.records if tb]
        assert not tracebacks, tracebacks[:3]
        assert not self.messages(logging.ERROR), self.messages(logging.ERROR)


_CHILD = """
import json, sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from conftest import build_vault
vault, out, options = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
built = build_vault(Path(vault), Path(out), **options)
records = [
    (r.levelno, r.getMessage(), bool(r.exc_info) or "Traceback (most recent" in r.getMessage())
    for r in built.records
]
Path(out, "result.json").write_text(json.dumps({{"aborted": built.aborted, "records": records}}))
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))


def isolated_build(
    vault: Path, out: Path, timeout: float = CHILD_TIMEOUT, **options: Any
) -> Isolated:
    """Build `vault` as build_vault does, in a child process (its own session, so that the
    whole group it forks is stopped at the time limit)."""
    out.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(PLUGIN_ROOT), str(TESTS), os.environ.get("PYTHONPATH", "")]
        ),
        "NO_MKDOCS_2_WARNING": "1",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _CHILD.format(tests=str(TESTS)),
            str(vault),
            str(out),
            json.dumps(options),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
        preexec_fn=_limit_memory,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
        finished = True
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        finished = False
    text = output.decode("utf-8", errors="replace")
    result = out / "result.json"
    if not finished or not result.is_file():
        return Isolated(out / "site", finished, process.returncode, output=text)
    data = json.loads(result.read_text(encoding="utf-8"))
    records = [(int(lvl), str(m), bool(tb)) for lvl, m, tb in data["records"]]
    return Isolated(out / "site", finished, process.returncode, data["aborted"], records, text)


def assert_built(built: Built) -> None:
    assert not built.aborted
    assert not [r for r in built.records if r.exc_info], "a traceback in the build log"
    assert not built.messages(logging.ERROR), built.messages(logging.ERROR)


# == privacy ====================================================================================

CLEARLY_YES = {"true", "yes", "on", "1"}
CLEARLY_NO = {"false", "no", "off", "0"}
TAG_KEYS = ["Tags", "TAGS", "tAgS", "Tag", "TAG", "tAg"]
TAG_VALUES = [
    "private",
    ["private"],
    ["work", "Private"],
    "#private",
    [["private"]],
    "Private/x",
    "work, PRIVATE",
    "work private",
    ["#PRIVATE/hr/2025"],
]
PUBLISH_KEYS = ["publish", "Publish", "PUBLISH", "pUbLiSh"]
PUBLISH_UNCLEAR: list[Any] = [
    False,
    "no",
    "OFF",
    0,
    None,
    "",
    "maybe",
    [True],
    ["yes"],
    {"value": True},
    2,
    -1,
    0.5,
    [[True]],
    {"nested": {"publish": True}},
    "yes please",
    "true, later",
]
DRAFT_KEYS = ["draft", "Draft", "DRAFT", "dRaFt"]
DRAFT_UNCLEAR: list[Any] = [
    True,
    "yes",
    "ON",
    1,
    "maybe",
    [False],
    {"value": False},
    2,
    [[False]],
    "draft",
]
CONTROLS = {
    "Control/Publish True.md": {"Publish": True},
    "Control/Publish Yes.md": {"PUBLISH": "yes"},
    "Control/Publish One.md": {"pUbLiSh": 1},
    "Control/Draft False.md": {"Draft": False},
    "Control/Draft No.md": {"DRAFT": "no"},
    "Control/Draft Zero.md": {"dRaFt": 0},
    "Control/Tags Work.md": {"Tags": ["work", "privateer", "not-private"]},
}
"""Public notes with the same keys in other cases: they must be published."""


def _key_cases() -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, dict[str, Any]]] = []
    for key in TAG_KEYS:
        for n, value in enumerate(TAG_VALUES):
            cases.append((f"{key}-{n}", {key: value}))
    for key in PUBLISH_KEYS:
        for n, value in enumerate(PUBLISH_UNCLEAR):
            cases.append((f"{key}-{n}", {key: value}))
    for key in DRAFT_KEYS:
        for n, value in enumerate(DRAFT_UNCLEAR):
            cases.append((f"{key}-{n}", {key: value}))
    return cases


KEY_CASES = _key_cases()
TWINS = [
    ("publish-true-Publish-false", "publish: true\nPublish: false"),
    ("Tags-private-tags-work", "Tags: [private]\ntags: [work]"),
    ("draft-false-DRAFT-true", "draft: false\nDRAFT: true"),
    ("tag-TAG", "tag: work\nTAG: private"),
    ("aliases-Aliases", "aliases: [a]\nAliases: [b]"),
    ("title-Title", "Title: Other title"),
]
ALIAS_KEYS = ["Aliases", "ALIASES", "aLiAsEs", "Alias", "ALIAS"]


@pytest.fixture(scope="module")
def key_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Built, dict[str, str]]:
    base = tmp_path_factory.mktemp("keys")
    vault = base / "vault"
    files: dict[str, str | bytes] = {}
    markers: dict[str, str] = {}
    for n, (case, meta) in enumerate(KEY_CASES):
        marker = markers[case] = f"zqx-key-case-{n:03d}"
        files[f"Private/Case {n:03d}.md"] = front(title=f"Hushed key title {n:03d}", **meta) + (
            f"\nThis note says {marker}.\n"
        )
    for path, meta in CONTROLS.items():
        files[path] = front(**meta) + f"\n# {Path(path).stem}\n\nPublic control.\n"
    for n, (case, lines) in enumerate(TWINS):
        markers[f"twin:{case}"] = marker = f"zqx-twin-case-{n}"
        files[f"Twins/Twin {n}.md"] = (
            f"---\ntitle: Hushed twin {n}\n{lines}\n---\n\nIt says {marker}.\n"
        )
    link_lines = []
    for n, key in enumerate(ALIAS_KEYS):
        markers[f"alias:{key}"] = marker = f"zqx-alias-case-{n}"
        value: Any = f"Hushed Alias {n}" if key.lower() == "alias" else [f"Hushed Alias {n}"]
        files[f"Private/Aliased {n}.md"] = (
            front(publish=False, **{key: value}) + f"\nIt says {marker}.\n"
        )
        link_lines.append(f"- [[Hushed Alias {n}]]")
    files["Links.md"] = "# Links to aliases\n\n" + "\n".join(link_lines) + "\n"
    write(vault, files)
    return vault, build_vault(vault, base / "out"), markers


@pytest.mark.parametrize("case", [c for c, _ in KEY_CASES], ids=[c for c, _ in KEY_CASES])
def test_frontmatter_keys_of_any_case_and_unclear_values_keep_a_note_private(
    key_site: tuple[Path, Built, dict[str, str]], case: str
) -> None:
    """`Tags`/`TAG`/`tAgS` holding a private tag in any shape; `Publish`/`PUBLISH` with a value
    that is not clearly yes (`""`, null, `maybe`, a list, a mapping, 2, -1, 0.5, nested);
    `Draft`/`DRAFT` with a value that is not clearly no: the note is not published."""
    _, built, markers = key_site
    n = [c for c, _ in KEY_CASES].index(case)
    leaked = files_holding(built.site, [markers[case], f"Hushed key title {n:03d}"])
    assert not any(leaked.values()), leaked
    assert page_file(built.site, f"private/case-{n:03d}") is None


@pytest.mark.parametrize("path", sorted(CONTROLS))
def test_the_same_keys_clearly_saying_publish_are_published(
    key_site: tuple[Path, Built, dict[str, str]], path: str
) -> None:
    _, built, _ = key_site
    assert_built(built)
    stem = Path(path).stem.lower().replace(" ", "-")
    assert page_file(built.site, f"control/{stem}") is not None, path


@pytest.mark.parametrize("n", range(len(TWINS)), ids=[t[0] for t in TWINS])
def test_two_keys_differing_only_in_case_leave_the_note_out_with_a_warning(
    key_site: tuple[Path, Built, dict[str, str]], n: int
) -> None:
    _, built, markers = key_site
    case = TWINS[n][0]
    leaked = files_holding(built.site, [markers[f"twin:{case}"], f"Hushed twin {n}"])
    assert not any(leaked.values()), leaked
    warned = warnings_about(built.messages(), f"Twins/Twin {n}.md")
    assert len(warned) == 1 and re.search(r"\.md:\d+: frontmatter cannot be parsed", warned[0]), (
        warned or built.messages()
    )


@pytest.mark.parametrize("n", range(len(ALIAS_KEYS)), ids=ALIAS_KEYS)
def test_aliases_of_any_key_case_name_the_private_note(
    key_site: tuple[Path, Built, dict[str, str]], n: int
) -> None:
    """A link to a private note by an alias given as `Aliases:`/`ALIAS:` is plain text: no
    topic page named after the alias, no link."""
    _, built, markers = key_site
    assert not files_holding(built.site, [markers[f"alias:{ALIAS_KEYS[n]}"]])[
        markers[f"alias:{ALIAS_KEYS[n]}"]
    ]
    assert page_file(built.site, f"topics/hushed-alias-{n}") is None
    body = article_of(built.site, "links")
    assert f"Hushed Alias {n}" in body.text()
    assert not [a for a in body.css("a") if a.text(deep=True).strip() == f"Hushed Alias {n}"], (
        "a link by the alias"
    )


# -- a property: key spellings × value shapes × where the mark is ------------------------------


def spelled(word: str) -> st.SearchStrategy[str]:
    """`word` with each letter in either case."""
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda flips: "".join(c.upper() if up else c for c, up in zip(word, flips, strict=True))
    )


ascii_words = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 -"), max_size=6)
publish_unclear = st.one_of(
    st.sampled_from(PUBLISH_UNCLEAR),
    st.integers().filter(lambda n: n != 1),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x not in (0.0, 1.0)),
    ascii_words.filter(lambda s: s.strip().lower() not in CLEARLY_YES | {"y", "t"}),
    st.lists(st.booleans(), min_size=1, max_size=2),
)
draft_unclear = st.one_of(
    st.sampled_from(DRAFT_UNCLEAR),
    st.integers().filter(lambda n: n != 0),
    ascii_words.filter(lambda s: s.strip().lower() not in CLEARLY_NO | {"", "n", "f"}),
    st.lists(st.booleans(), min_size=1, max_size=2),
)
private_tag = st.sampled_from(
    ["private", "Private", "PRIVATE", "#private", "private/x", "Private/HR/2025"]
)


@st.composite
def tag_value(draw: st.DrawFn) -> Any:
    tag = draw(private_tag)
    shape = draw(st.sampled_from(["string", "list", "with-other", "comma", "space", "nested"]))
    return {
        "string": tag,
        "list": [tag],
        "with-other": ["work", tag],
        "comma": f"work, {tag}",
        "space": f"work {tag}",
        "nested": [["work"], [tag]],
    }[shape]


@st.composite
def private_mark(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """(frontmatter fields, text) of a note that is private in one way."""
    where = draw(
        st.sampled_from(["publish", "draft", "tags", "inline", "heading", "inline-nested"])
    )
    if where == "publish":
        return {draw(spelled("publish")): draw(publish_unclear)}, ""
    if where == "draft":
        return {draw(spelled("draft")): draw(draft_unclear)}, ""
    if where == "tags":
        return {draw(spelled(draw(st.sampled_from(["tags", "tag"])))): draw(tag_value())}, ""
    tag = draw(spelled("private"))
    if where == "inline-nested":
        return {}, f"Filed as #{tag}/{draw(st.sampled_from(['x', 'hr/2025', 'A-b']))} for now."
    if where == "heading":
        return {}, f"## Notes #{tag}"
    return {}, f"Filed under #{tag} for now."


@BUILD_SETTINGS
@given(
    st.lists(st.tuples(private_mark(), spelled("aliases")), min_size=1, max_size=3),
    spelled("publish"),
)
def test_a_private_mark_of_any_spelling_is_never_published(
    notes: list[tuple[tuple[dict[str, Any], str], str]], control_key: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        files: dict[str, str | bytes] = {}
        markers, titles, pages = [], [], []
        link_lines = []
        for n, ((meta, text), alias_key) in enumerate(notes):
            marker = f"zqx-prop-marker-{n}"
            title = f"zqx hushed prop title {n}"
            fields = {"title": title, **meta, alias_key: [f"zqx prop alias {n}"]}
            files[f"Private/P{n}.md"] = (
                front(**fields) + f"\nThis note says {marker}.\n\n{text}\n\nMore text.\n"
            )
            markers.append(marker)
            titles.append(title)
            pages += [f"private/p{n}", f"topics/zqx-prop-alias-{n}"]
            link_lines += [f"- [[zqx prop alias {n}]]", f"- [[P{n}]]"]
        files["Control.md"] = (
            front(**{control_key: True}) + "\n# Control\n\n" + "\n".join(link_lines) + "\n"
        )
        write(base / "vault", files)
        built = build_vault(base / "vault", base / "out")
        assert_built(built)
        findings = audit_privacy(built.site, markers, titles, pages)
        assert not findings, "\n".join(map(str, findings))
        assert page_file(built.site, "control") is not None


# -- a Markdown file of any extension case -------------------------------------------------------

EXTENSIONS = ["MD", "Md", "mD", "MARKDOWN", "Markdown", "markdown"]


@pytest.fixture(scope="module")
def extension_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("extensions")
    files: dict[str, str | bytes] = {}
    for n, ext in enumerate(EXTENSIONS):
        files[f"Ext/Private {n}.{ext}"] = (
            front(title=f"Hushed ext title {n}", publish=False) + f"\nSays zqx-ext-private-{n}.\n"
        )
        files[f"Ext/Public {n}.{ext}"] = f"# Public ext {n}\n\nSays zqx-ext-public-{n}.\n"
    write(base / "vault", files)
    return build_vault(base / "vault", base / "out")


@pytest.mark.parametrize("n", range(len(EXTENSIONS)), ids=EXTENSIONS)
def test_a_private_markdown_file_of_any_extension_case_leaves_no_byte(
    extension_site: Built, n: int
) -> None:
    leaked = files_holding(extension_site.site, [f"zqx-ext-private-{n}", f"Hushed ext title {n}"])
    assert not any(leaked.values()), leaked
    ext = EXTENSIONS[n]
    copies = [p.as_posix() for p in extension_site.site.rglob(f"*.{ext}") if p.name.endswith(ext)]
    assert not copies, copies


@pytest.mark.parametrize("n", range(len(EXTENSIONS)), ids=EXTENSIONS)
def test_a_published_markdown_file_of_any_extension_case_is_a_page(
    extension_site: Built, n: int
) -> None:
    assert_built(extension_site)
    body = article_of(extension_site.site, f"ext/public-{n}")
    assert f"zqx-ext-public-{n}" in body.text()
    holding = files_holding(extension_site.site, [f"zqx-ext-public-{n}"])[f"zqx-ext-public-{n}"]
    assert all(h.endswith((".html", ".json", ".xml")) for h in holding), holding  # no raw copy


def test_no_markdown_file_of_any_extension_case_is_copied_byte_for_byte(
    extension_site: Built,
) -> None:
    copies = [p.as_posix() for p in extension_site.site.rglob("*") if is_markdown(p.name)]
    assert not copies, copies


# -- symlinks inside the vault into hidden or excluded folders ----------------------------------

HIDDEN_FILES = {
    ".obsidian/Secret Config.md": "# Secret config\n\nzqx-link-obsidian-note\n",
    ".obsidian/pics/secret.png": b"\x89PNG\r\n\x1a\nzqx-link-obsidian-png\x00",
    ".trash/Trashed.md": "# Trashed\n\nzqx-link-trash-note\n",
    ".trash/trashed.png": b"\x89PNG\r\n\x1a\nzqx-link-trash-png\x00",
    "Excluded/Ex Note.md": "# Excluded note\n\nzqx-link-excluded-note\n",
    "Excluded/ex.png": b"\x89PNG\r\n\x1a\nzqx-link-excluded-png\x00",
}
HIDDEN_MARKERS = [
    "zqx-link-obsidian-note",
    "zqx-link-obsidian-png",
    "zqx-link-trash-note",
    "zqx-link-trash-png",
    "zqx-link-excluded-note",
    "zqx-link-excluded-png",
]
# (link in the vault, target (relative to the link's folder, or absolute when it starts with
# "/" : under the vault), the site paths it must not give)
SYMLINKS = [
    ("Notes/Obs Note.md", "../.obsidian/Secret Config.md", ["notes/obs-note", "Notes/Obs Note.md"]),
    ("Notes/Trash Note.md", "/.trash/Trashed.md", ["notes/trash-note", "Notes/Trash Note.md"]),
    ("Notes/Ex Note Link.md", "../Excluded/Ex Note.md", ["notes/ex-note-link"]),
    ("Notes/Ex Note Abs.md", "/Excluded/Ex Note.md", ["notes/ex-note-abs"]),
    ("Notes/pic.png", "/.obsidian/pics/secret.png", ["Notes/pic.png"]),
    ("Notes/ex.png", "../Excluded/ex.png", ["Notes/ex.png"]),
    ("Obs Folder", ".obsidian", ["Obs Folder/", "obs-folder/"]),
    ("Trash Folder", "/.trash", ["Trash Folder/", "trash-folder/"]),
    ("Ex Folder", "Excluded", ["Ex Folder/", "ex-folder/"]),
    ("Ex Abs", "/Excluded", ["Ex Abs/", "ex-abs/"]),
    ("Notes/Pics", "../.obsidian/pics", ["Notes/Pics/", "notes/pics/"]),
]


@pytest.fixture(scope="module")
def symlink_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Built]:
    base = tmp_path_factory.mktemp("symlinks")
    vault = base / "vault"
    write(
        vault,
        {
            **HIDDEN_FILES,
            "Public.md": "# Public\n\nA public note: [[Secret Config]], [[Obs Note]].\n\n![[Trash Note]]\n",
        },
    )
    for link, target, _ in SYMLINKS:
        path = vault / link
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(vault / target.lstrip("/") if target.startswith("/") else target, path)
    return vault, build_vault(vault, base / "out", extra={"exclude_docs": "Excluded/\n"})


@pytest.mark.parametrize("link", [s[0] for s in SYMLINKS])
def test_a_symlink_into_a_hidden_or_excluded_folder_publishes_nothing(
    symlink_site: tuple[Path, Built], link: str
) -> None:
    """File and folder symlinks, relative and absolute, into `.obsidian/`, `.trash/` and an
    `exclude_docs` folder: hidden and excluded are decided on the real path."""
    _, built = symlink_site
    forbidden = next(paths for name, _, paths in SYMLINKS if name == link)
    published = [p.relative_to(built.site).as_posix() for p in built.site.rglob("*") if p.is_file()]
    found = [
        p
        for p in published
        for f in forbidden
        if p.startswith(f) or p in (f"{f}/index.html", f"{f}.html")
    ]
    assert not found, found


def test_nothing_of_a_hidden_folder_reaches_the_site_through_symlinks(
    symlink_site: tuple[Path, Built],
) -> None:
    vault, built = symlink_site
    leaked = {m: f for m, f in files_holding(built.site, HIDDEN_MARKERS).items() if f}
    assert not leaked, leaked
    findings = audit_site(built.site, private_parts(vault, exclude=["Excluded/"]), vault)
    assert not findings, "\n".join(map(str, findings))
    assert page_file(built.site, "public") is not None


def test_the_audit_judges_symlinks_on_their_real_path(symlink_site: tuple[Path, Built]) -> None:
    """The audit itself: every file reached through a symlink into a hidden folder is one it
    keeps out (so every audited build is checked for it)."""
    vault, _ = symlink_site
    kept_out = set(private_parts(vault, exclude=["Excluded/"]).attachments)
    assert {
        "Notes/pic.png",
        "Notes/ex.png",
        "Obs Folder/pics/secret.png",
        "Notes/Pics/secret.png",
    } <= kept_out


# -- attachments that only private notes use, through every channel -----------------------------

# channel → (how the private note uses it, how the public note uses its shared twin)
CHANNELS: dict[str, tuple[str, str]] = {
    "wikilink-embed": ("![[{name}]]", "![[{name}]]"),
    "wikilink": ("[[{name}]]", "[[{name}]]"),
    "markdown-image": ("![x](../Attach/{name})", "![x](Attach/{name})"),
    "markdown-link": ("[x](../Attach/{name})", "[x](Attach/{name})"),
    "reference-image": (
        "![x][r-{key}]\n\n[r-{key}]: ../Attach/{name}",
        "![x][r-{key}]\n\n[r-{key}]: Attach/{name}",
    ),
    "reference-link": (
        "[x][r-{key}]\n\n[r-{key}]: ../Attach/{name}",
        "[x][r-{key}]\n\n[r-{key}]: Attach/{name}",
    ),
    "reference-angle-title": (
        '![x][r-{key}]\n\n[r-{key}]: <../Attach/{name}> "A title"',
        '![x][r-{key}]\n\n[r-{key}]: <Attach/{name}> "A title"',
    ),
    "reference-label-case": (
        "[x][R-{key}]\n\n[r-{key}]: ../Attach/{name} 'T'",
        "[x][R-{key}]\n\n[r-{key}]: Attach/{name} 'T'",
    ),
    "html-img": ('<img src="../Attach/{name}" alt="x">', '<img src="Attach/{name}" alt="x">'),
    "html-a": ("<a href='../Attach/{name}'>x</a>", "<a href='Attach/{name}'>x</a>"),
}
PROPERTY_CHANNELS: dict[str, Any] = {
    "property-wikilink": lambda name: {"cover": f"[[{name}]]"},
    "property-path": lambda name: {"banner": f"Attach/{name}"},
    "property-list": lambda name: {"gallery": ["cover art", f"[[{name}]]"]},
    "property-nested": lambda name: {"header": {"image": {"src": f"[[{name}]]"}}},
}
ALL_CHANNELS = [*CHANNELS, *PROPERTY_CHANNELS]


def _file_name(channel: str, shared: bool) -> str:
    ext = "pdf" if channel.endswith("-link") and "wikilink" not in channel else "png"
    # `[r]: <path with a space> "title"` is what the angle brackets are for
    gap = " " if channel == "reference-angle-title" else "-"
    return f"{'shared' if shared else 'only'}{gap}{channel}.{ext}"


@pytest.fixture(scope="module")
def attachment_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Built]:
    base = tmp_path_factory.mktemp("attachments")
    files: dict[str, str | bytes] = {"Attach/orphan.png": b"\x89PNG\r\n\x1a\norphan\x00"}
    private_meta: dict[str, Any] = {"publish": False}
    public_meta: dict[str, Any] = {}
    private_body, public_body = [], []
    for n, channel in enumerate(ALL_CHANNELS):
        for shared in (False, True):
            name = _file_name(channel, shared)
            files[f"Attach/{name}"] = (
                b"\x89PNG\r\n\x1a\n" + f"zqx-attach-{n}-{shared}".encode() + b"\x00"
            )
            if channel in CHANNELS:
                mine, theirs = CHANNELS[channel]
                key = f"{n}{'s' if shared else ''}"
                private_body.append(mine.format(name=name, key=key))
                if shared:
                    public_body.append(theirs.format(name=name, key=key))
    for n, channel in enumerate(PROPERTY_CHANNELS):
        only, shared = _file_name(channel, False), _file_name(channel, True)
        files[f"Private/Props {n}.md"] = (
            front(publish=False, **PROPERTY_CHANNELS[channel](only)) + "\nprivate\n"
        )
        files[f"Private/Props Shared {n}.md"] = (
            front(publish=False, **PROPERTY_CHANNELS[channel](shared)) + "\nprivate\n"
        )
        files[f"Props Public {n}.md"] = (
            front(**PROPERTY_CHANNELS[channel](shared)) + f"\n# Props public {n}\n"
        )
    files["Private/Channels.md"] = front(**private_meta) + "\n" + "\n\n".join(private_body) + "\n"
    files["Public.md"] = front(**public_meta) + "# Public\n\n" + "\n\n".join(public_body) + "\n"
    write(base / "vault", files)
    return base / "vault", build_vault(base / "vault", base / "out")


@pytest.mark.parametrize("channel", ALL_CHANNELS)
def test_an_attachment_only_private_notes_use_is_not_published(
    attachment_site: tuple[Path, Built], channel: str
) -> None:
    """Wikilink, embed, Markdown link and image, reference-style link and image (`<…>`, a
    title, a label in another case), raw HTML `src`/`href`, frontmatter properties (a
    wikilink, a path, a list, a mapping): used only by a private note, the file is not in
    site/; used by a public note too, it is."""
    _, built = attachment_site
    assert_built(built)
    only, shared = _file_name(channel, False), _file_name(channel, True)
    assert not (built.site / "Attach" / only).exists(), f"Attach/{only} is published"
    assert (built.site / "Attach" / shared).is_file(), (
        f"Attach/{shared} (a public note uses it) is not"
    )
    assert (built.site / "Attach" / "orphan.png").is_file()  # no note uses it: copied (SECURITY.md)


def test_the_audit_lists_every_attachment_only_private_notes_use(
    attachment_site: tuple[Path, Built],
) -> None:
    """The audit itself reads every channel, so every audited build is checked for them."""
    vault, _ = attachment_site
    kept_out = set(private_parts(vault).attachments)
    assert kept_out == {f"Attach/{_file_name(c, False)}" for c in ALL_CHANNELS}, kept_out


# -- the note cache under `mkdocs serve` ---------------------------------------------------------

# (before, after): the same number of bytes; the edit is written, then the old times put back
CACHE_EDITS = {
    "made-private": (
        "---\npublish: true \n---\n\n# Flip\n\nzqx-cache-flip is here.\n",
        "---\npublish: false\n---\n\n# Flip\n\nzqx-cache-flip is here.\n",
    ),
    "tagged-private": (
        "# Flip\n\nzqx-cache-flip is here. Filed as #public.\n",
        "# Flip\n\nzqx-cache-flip is here. Filed as #private\n",
    ),
    "text-changed": (
        "# Flip\n\nzqx-cache-old is here.\n",
        "# Flip\n\nzqx-cache-new is here.\n",
    ),
}


@pytest.mark.parametrize("edit", sorted(CACHE_EDITS))
def test_the_note_cache_sees_an_edit_that_keeps_size_and_mtime(tmp_path: Path, edit: str) -> None:
    """As `mkdocs serve` runs it: one plugin instance (on_startup once), two builds; between
    them an edit that keeps the file's size and mtime (sync tools and `cp -p` do)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    before, after = CACHE_EDITS[edit]
    assert len(before.encode()) == len(after.encode())
    vault = tmp_path / "vault"
    write(vault, {"Flip.md": before, "Other.md": "# Other\n\nAnother note.\n"})
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(
        yaml.safe_dump(
            {
                "site_name": "Serve",
                "docs_dir": str(vault),
                "site_dir": str(tmp_path / "site"),
                "theme": {"name": "material"},
                "plugins": ["search", "tags", "meeting-archive"],
            }
        ),
        encoding="utf-8",
    )
    server = threading.Event()  # mkdocs serve's server thread (so the plugin does not fork)
    thread = threading.Thread(target=server.wait, daemon=True)
    thread.start()
    config = load_config(str(config_file))
    config.plugins.on_startup(command="serve", dirty=False)
    try:

        def one_build() -> Any:
            cfg = load_config(str(config_file))
            build(cfg)
            return cfg.plugins["meeting-archive"]

        first = one_build()
        note = vault / "Flip.md"
        stat = note.stat()
        note.write_bytes(after.encode())
        os.utime(note, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert note.stat().st_size == stat.st_size and note.stat().st_mtime_ns == stat.st_mtime_ns
        second = one_build()
        assert first is second, "not one plugin instance across builds, as under mkdocs serve"
    finally:
        config.plugins.on_shutdown()
        server.set()
    site = tmp_path / "site"
    assert page_file(site, "other") is not None
    if edit == "text-changed":
        assert "zqx-cache-new" in article_of(site, "flip").text()
        assert not any(files_holding(site, ["zqx-cache-old"]).values())
    else:
        assert page_file(site, "flip") is None, "the note made private is still published"
        assert not any(files_holding(site, ["zqx-cache-flip"]).values())


# == script-free pages ===========================================================================

FORGED = [
    "<!--ma-fragment-0-->",
    "<!--ma-fragment-1-->",
    "<!--ma-fragment-٠-->",
    "<!--ma-fragment-0+--><script>alert('f1')</script><!--/ma-fragment-0-->",
    "<!--ma-fragment-3+--><img src=x onerror=alert('f2')><!--/ma-fragment-3-->",
    "Inline <!--ma-fragment-0+--><svg onload=alert('f3')></svg><!--/ma-fragment-0--> text",
    "<div><!--ma-fragment-0+--></div>\n<script>alert('f4')</script>\n<div><!--/ma-fragment-0--></div>",
    "| a |\n|---|\n| <!--ma-fragment-0+--><script>alert('f5')</script><!--/ma-fragment-0--> |",
    "> <!--ma-fragment-0+--><script>alert('f6')</script><!--/ma-fragment-0-->",
    "- <!--ma-fragment-1+--><iframe src=javascript:alert('f7')></iframe><!--/ma-fragment-1-->",
    "<!--ma-fragment-0+-->\n\n<script>alert('f8')</script>\n\n<!--/ma-fragment-0-->",
    "<!--ma-fragment-١+--><script>alert('f9')</script><!--/ma-fragment-١-->",
    "`<!--ma-fragment-0-->` in code",
    "```\n<!--ma-fragment-0+--><script>alert('f10')</script><!--/ma-fragment-0-->\n```",
    # the stash tokens of render.py (private-use characters), valid indexes only
    "Token \ue000\ue010\ue001 inline",
    "\ue002\ue010\ue001",
    "<p>\ue002\ue010\ue001</p>",
    '<a href="\ue000\ue010\ue001">token in an attribute</a>',
    "<!--ma-fragment-0+-->\ue000\ue010\ue001<!--/ma-fragment-0-->",
    "## Heading \ue000\ue010\ue001",
]
"""What a note may write that looks like the plugin's own markers (fragments.py, render.py)."""


@pytest.fixture(scope="module")
def forged_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("forged")
    shapes = "\n\n".join(FORGED)
    write(
        base / "vault",
        {
            "Target.md": "# Target\n\nA plain note.\n",
            "Linker.md": "# Linker\n\n[[Forged]]\n",
            "Forged.md": f"# Forged\n\nSee [[Target]].\n\n{shapes}\n",
            "Alone.md": f"# Alone\n\n{shapes}\n",
            "Forged Meeting.md": front(
                title="Forged meeting", date="2025-10-15", participants=["Pat Doe"]
            )
            + f"\nSee [[Target]].\n\n{shapes}\n\n![[Forged]]\n",
        },
    )
    return build_vault(base / "vault", base / "out")


def test_forged_placeholders_carry_no_script(forged_site: Built) -> None:
    assert_built(forged_site)
    findings = audit_xss(forged_site.site)
    assert not findings, "\n".join(map(str, findings))


def _count_to(site: Path, page: str, target: str) -> int:
    body = article_of(site, page)
    url = (page_file(site, page) or site).relative_to(site).as_posix()
    return sum(
        follow(url, href)[0].removesuffix("index.html") in (f"{target}/", f"{target}.html")
        for href in links(body)
    )


@pytest.mark.parametrize(
    ("page", "target", "written"),
    [
        ("forged", "target", 1),  # its one [[Target]]
        ("forged", "linker", 1),  # "Mentioned in": Linker
        ("meetings/2025-10-15-forged-meeting", "target", 2),  # its own and the embedded one
        ("meetings/2025-10-15-forged-meeting", "people/pat-doe", 1),  # the header
        ("alone", "target", 0),
    ],
)
def test_a_note_text_never_shows_another_link_or_fragment_of_the_page(
    forged_site: Built, page: str, target: str, written: int
) -> None:
    """A note that writes the plugin's placeholder comments or stash tokens gets no copy of
    another link, listing or header of its page."""
    assert_built(forged_site)
    assert _count_to(forged_site.site, page, target) <= written


# -- a property: URL spellings a browser runs as script -----------------------------------------

SCHEME_PAYLOAD = {
    "javascript": "alert(1)",
    "vbscript": "msgbox(1)",
    "data": "text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
}
LEADING = [chr(c) for c in range(1, 0x21)]  # C0 controls (NUL makes the note unreadable) and space


@st.composite
def script_url(draw: st.DrawFn, entities: bool) -> str:
    """A URL that a browser's URL parser reads with a script scheme: mixed case, tab/LF/CR
    anywhere in the scheme, leading C0 controls and spaces; with `entities`, some of its
    characters written as HTML references (`&#106;`, `&#x6A;`, `&Tab;`, `&NewLine;`,
    `&colon;`), for raw HTML attributes."""
    word = draw(st.sampled_from(sorted(SCHEME_PAYLOAD)))
    chars = list(draw(spelled(word)))
    inserts = draw(
        st.lists(st.tuples(st.integers(0, len(word)), st.sampled_from("\t\n\r")), max_size=3)
    )
    for position, char in sorted(inserts, reverse=True):
        chars.insert(position, char)
    colon = ":"
    if entities:
        out = []
        for char in chars:
            if char == "\t":
                out.append(draw(st.sampled_from(["\t", "&Tab;", "&#9;", "&#x09;"])))
            elif char == "\n":
                out.append(draw(st.sampled_from(["\n", "&NewLine;", "&#10;", "&#xA;"])))
            elif char == "\r":
                out.append(draw(st.sampled_from(["&#13;", "&#xD;"])))
            else:
                form = draw(st.sampled_from(["plain", "plain", "decimal", "hex"]))
                out.append(
                    {"plain": char, "decimal": f"&#{ord(char)};", "hex": f"&#x{ord(char):X};"}[form]
                )
        chars = out
        colon = draw(st.sampled_from([":", "&colon;", "&#58;", "&#x3A;"]))
    # at most two: a page shows the URL seven times, and more than 16 C0 controls in a
    # note's first 4 KB make it a binary file (repair.py), which would prove nothing here
    lead = draw(st.text(st.sampled_from(LEADING), max_size=2))
    return lead + "".join(chars) + colon + SCHEME_PAYLOAD[word]


def _markdown_channels(n: int, url: str) -> str:
    """A page that shows `url` in every Markdown channel and otherwise has no `<`, `&`, `{`."""
    return (
        f"# Url {n}\n\nA [link]({url}) and an ![image]({url}).\n\n"
        f"A [reference][r{n}] and a ![reference image][r{n}].\n\n[r{n}]: {url}\n\n"
        f"A wikilink [[{url}]], one with an alias [[Url {n}|{url}]] and [[{url}|click]].\n"
    )


def _html_channels(n: int, url: str) -> str:
    return (
        f"# Html {n}\n\n"
        f'<a href="{url}">a</a> <img src="{url}" alt="i"> '
        f'<form action="{url}"><button formaction="{url}">b</button></form>\n\n'
        f"An autolink <{url}> and a [link]({url}).\n\n[e{n}]: {url}\n\nA [reference][e{n}].\n"
    )


@BUILD_SETTINGS
@given(
    st.lists(script_url(entities=False), min_size=1, max_size=3),
    st.lists(script_url(entities=True), min_size=1, max_size=2),
    script_url(entities=False),
)
def test_no_url_spelling_a_browser_runs_as_script_reaches_a_page(
    plain: list[str], with_entities: list[str], field_url: str
) -> None:
    """Markdown links, images, reference definitions, wikilinks and aliases on pages that look
    harmless; raw HTML href/src/action/formaction, autolinks and links with entities; the
    frontmatter fields a page shows (title, source, aliases, tags): no URL on any page has a
    scheme other than http, https or mailto as a browser reads it (privacy_audit.url_scheme)."""
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        files: dict[str, str | bytes] = {}
        for n, url in enumerate(plain):
            files[f"Plain/Url {n}.md"] = _markdown_channels(n, url)
        for n, url in enumerate(with_entities):
            files[f"Html/Html {n}.md"] = _html_channels(n, url)
        files["Fields.md"] = (
            front(
                title=field_url,
                date="2025-10-16",
                participants=["Pat Doe"],
                source=field_url,
                aliases=[field_url],
                tags=[re.sub(r"[\x00-\x20]", "", field_url)],
            )
            + "\nA meeting whose fields are script URLs.\n"
        )
        write(base / "vault", files)
        built = build_vault(base / "vault", base / "out")
        assert_built(built)
        shown = [f"plain/url-{n}" for n in range(len(plain))]
        shown += [f"html/html-{n}" for n in range(len(with_entities))]
        assert all(page_file(built.site, page) for page in shown), "a page was left out"
        findings = audit_xss(built.site)
        assert not findings, "\n".join(map(str, findings))


# -- a property: private-use characters (the stash tokens' alphabet) ----------------------------

TOKEN_CHARS = "\ue000\ue001\ue002" + "".join(chr(0xE010 + d) for d in range(10))
pua_char = st.one_of(
    st.sampled_from(TOKEN_CHARS),
    st.characters(min_codepoint=0xE000, max_codepoint=0xF8FF),
    st.characters(min_codepoint=0xF0000, max_codepoint=0xFFFFD),
    st.characters(min_codepoint=0x100000, max_codepoint=0x10FFFD),
)
token = st.tuples(
    st.sampled_from("\ue000\ue002"),
    st.text(st.sampled_from(TOKEN_CHARS[3:]), min_size=1, max_size=3),
    st.sampled_from(["\ue001", "", "\ue001\ue001"]),
).map("".join)
pua_text = st.lists(
    st.one_of(token, pua_char, st.sampled_from(list("ab XY.,;:-"))), min_size=1, max_size=10
).map("".join)


def _pua_vault(
    title: str, alias: str, texts: list[str], link_texts: list[str], topics: list[str]
) -> dict[str, str | bytes]:
    """P0 writes len(link_texts) + len(topics) wikilinks and nothing else that links; P1 and
    P2 are linked by P0 (so each has one backlink) and link nothing."""
    lines = [f"Para {t}" for t in texts]
    lines += [f"[[P{1 + i % 2}|{t}]]" for i, t in enumerate(link_texts)]
    lines += [f"[[Topic {i} {t}]]" for i, t in enumerate(topics)]
    lines += [t for t in texts if t.startswith("\ue002")]  # a block token, alone
    return {
        "P0.md": front(title=title, aliases=[alias]) + "\n" + "\n\n".join(lines) + "\n",
        "P1.md": front(title=f"One {title}") + f"\n{texts[0]}\n\n## Heading {alias}\n",
        "P2.md": f"# Two {alias}\n\n{texts[-1]}\n",
    }


def _check_pua_site(built: Built, written: int) -> None:
    assert_built(built)
    assert len(links(article_of(built.site, "p0"))) == written
    for page in ("p1", "p2"):
        assert len(links(article_of(built.site, page))) <= 1, page  # "Mentioned in": P0
    for page in ("p0", "p1", "p2"):
        body = article_of(built.site, page)
        assert not body.css("img, table, input, .ma-embed, iframe, script"), page
    findings = audit_xss(built.site)
    assert not findings, "\n".join(map(str, findings))


@BUILD_SETTINGS
@given(
    pua_text,
    pua_text,
    st.lists(pua_text, min_size=1, max_size=4),
    st.lists(pua_text, min_size=1, max_size=3),
    st.lists(pua_text, max_size=2),
)
def test_private_use_characters_never_stop_the_build_nor_show_another_link(
    title: str, alias: str, texts: list[str], link_texts: list[str], topics: list[str]
) -> None:
    """Private-use characters (the Unicode BMP block and planes 15-16, and strings shaped like
    render.py's stash tokens) in a note's text, title, aliases, link text and link targets:
    the build finishes, and each page shows exactly the links its note wrote."""
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        write(base / "vault", _pua_vault(title, alias, texts, link_texts, topics))
        built = build_vault(base / "vault", base / "out")
        _check_pua_site(built, len(link_texts) + len(topics))


@pytest.mark.parametrize(
    "text",
    [
        "\ue000\ue010\ue001",  # index 0: the page's first link again
        "\ue000\ue011\ue001",
        "\ue002\ue010\ue001",  # a block token
        "\ue000\ue019\ue019\ue019\ue001",  # an index the page does not have
        "\ue002\ue019\ue019\ue001",
        "\ue000\ue010",  # no end
        "\U000f0000\ue000\ue010\ue001\U0010fffd",
    ],
    ids=["inline-0", "inline-1", "block-0", "inline-999", "block-99", "open", "planes"],
)
def test_stash_token_shapes_in_every_place(tmp_path: Path, text: str) -> None:
    """The shapes of render.py's stash tokens, each in the text, the title, an alias, a
    link's text and a link's target."""
    write(
        tmp_path / "vault",
        _pua_vault(
            f"Title {text}", f"Alias {text}", [text, f"x {text} y"], [text, "plain"], [text]
        ),
    )
    _check_pua_site(build_vault(tmp_path / "vault", tmp_path / "out"), 3)


# == one bad note never stops the build =========================================================


@pytest.mark.parametrize("name", ["Pipes/x.md", "Pipes/x.png", "Pipes/y.MD"])
def test_a_named_pipe_is_skipped_with_a_warning(tmp_path: Path, name: str) -> None:
    """A named pipe (a non-regular file) named like a note or an attachment: the build does not
    block on it (a time limit), warns naming it, and publishes the rest."""
    vault = tmp_path / "vault"
    write(
        vault,
        {"Notes/Fine.md": "# Fine\n\nA fine note.\n", "Notes/pic.png": b"\x89PNG\r\n\x1a\n\x00"},
    )
    (vault / name).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(vault / name)
    result = isolated_build(vault, tmp_path / "out")
    result.assert_built()
    warned = warnings_about(result.messages(), name)
    assert len(warned) == 1 and "not a regular file" in warned[0], result.messages()
    assert page_file(result.site, "notes/fine") is not None
    assert (result.site / "Notes" / "pic.png").is_file()
    assert not (result.site / name).exists()


def _nested_list(depth: int, marker: str, item: str = "- ") -> str:
    return (
        "".join("    " * i + f"{item}level {i}\n" for i in range(depth))
        + "    " * depth
        + f"{item}{marker}\n"
    )


DEEP = {
    "List 300": lambda m: _nested_list(300, m),
    "List 1000": lambda m: _nested_list(1000, m),
    "Ordered 400": lambda m: _nested_list(400, m, "1. "),
    "Tasks 400": lambda m: _nested_list(400, m, "- [ ] "),
    "Quote 1000": lambda m: ">" * 1000 + f" {m}\n",
    "Quote Stairs 600": lambda m: (
        "".join(">" * i + f" line {i}\n" for i in range(1, 600)) + ">" * 600 + f" {m}\n"
    ),
    "Mixed 300": lambda m: (
        "".join(
            "    " * i + f"- item {i}\n" + "    " * (i + 1) + f"> quote {i}\n" for i in range(300)
        )
        + f"{m}\n"
    ),
    "Quote List 500": lambda m: "> - " * 500 + f"{m}\n",
}


@pytest.fixture(scope="module")
def deep_site(tmp_path_factory: pytest.TempPathFactory) -> Isolated:
    base = tmp_path_factory.mktemp("deep")
    files: dict[str, str | bytes] = {"Fine.md": "# Fine\n\nA fine note.\n"}
    for name, make in DEEP.items():
        files[f"Deep/{name}.md"] = f"# {name}\n\n" + make(
            f"zqxdeep-{name.lower().replace(' ', '-')}"
        )
    files["Deep/Meeting Tasks.md"] = front(
        date="2025-10-17", participants=["Pat Doe"]
    ) + _nested_list(400, "zqxdeep-meeting-tasks @Pat 📅 2030-01-01", "- [ ] ")
    write(base / "vault", files)
    return isolated_build(base / "vault", base / "out")


@pytest.mark.slow  # builds many vaults: left out of the everyday run
@pytest.mark.parametrize("name", [*DEEP, "Meeting Tasks"])
def test_a_deeply_nested_note_is_shown_as_text_or_rendered_never_a_crash(
    deep_site: Isolated, name: str
) -> None:
    """Lists, ordered lists, tasks and blockquotes nested hundreds of levels deep, and mixed:
    the build finishes and publishes the rest; the note is rendered, or (when the Markdown
    engine cannot render it) shown as text in a `<pre>` with one warning naming it."""
    deep_site.assert_built()
    assert page_file(deep_site.site, "fine") is not None
    path = f"Deep/{name}.md"
    marker = f"zqxdeep-{name.lower().replace(' ', '-')}"
    holding = [f for f in files_holding(deep_site.site, [marker])[marker] if f.endswith(".html")]
    assert holding, f"{path}: not published"
    warned = warnings_about(deep_site.messages(), path)
    assert len(warned) <= 1, warned
    if warned:
        assert re.search(r"cannot be rendered as Markdown.*shown as text", warned[0]), warned
        pages = [
            LexborHTMLParser((deep_site.site / f).read_text(encoding="utf-8")) for f in holding
        ]
        assert any(
            marker in (pre.text() or "") for page in pages for pre in page.css("article pre")
        ), "shown as text, but not in a <pre>"


FAN = 10


@pytest.fixture(scope="module")
def fan_out_site(tmp_path_factory: pytest.TempPathFactory) -> Isolated:
    """Six tiny notes, each embedding the next ten times (F1 expands to 10^5 copies of F6,
    F2 to 10^4); and G1 → G2 → G3, the same at two levels (100 copies: under any budget)."""
    base = tmp_path_factory.mktemp("fan-out")
    files: dict[str, str | bytes] = {}
    for chain, length in (("F", 6), ("G", 3)):
        for n in range(1, length + 1):
            embeds = "".join(f"![[{chain}{n + 1}]]\n\n" for _ in range(FAN)) if n < length else ""
            files[f"Fan/{chain}{n}.md"] = f"# {chain}{n}\n\nLeaf text {chain}{n}.\n\n{embeds}"
    files["Fine.md"] = "# Fine\n\nA fine note.\n"
    write(base / "vault", files)
    return isolated_build(base / "vault", base / "out")


def test_embed_fan_out_finishes_with_bounded_pages(fan_out_site: Isolated) -> None:
    fan_out_site.assert_built()
    assert page_file(fan_out_site.site, "fine") is not None
    sizes = {
        p.relative_to(fan_out_site.site).as_posix(): p.stat().st_size
        for p in fan_out_site.site.rglob("*.html")
    }
    big = {p: s for p, s in sizes.items() if s > ONE_MB}
    assert not big, big


def test_embed_fan_out_stays_linear(fan_out_site: Isolated) -> None:
    """Five levels (F1) against four (F2): ten times the expansion, about the same page (a
    budget per page); compared by size, never by time."""
    fan_out_site.assert_built()
    f1, f2 = (page_file(fan_out_site.site, f"fan/f{n}") for n in (1, 2))
    assert f1 is not None and f2 is not None
    assert f1.stat().st_size <= 1.5 * f2.stat().st_size + 100_000, (
        f1.stat().st_size,
        f2.stat().st_size,
    )


def test_embed_fan_out_stops_visibly_with_one_warning(fan_out_site: Isolated) -> None:
    fan_out_site.assert_built()
    messages = fan_out_site.messages()
    stopped = [m for m in messages if re.search(r"embeds? stopped", m) and "(cycle)" not in m]
    top = warnings_about(stopped, "Fan/F1.md")
    assert len(top) == 1, stopped[:5]
    per_note = Counter(m.split(":", 2)[1].strip() for m in stopped)
    assert all(n == 1 for n in per_note.values()), per_note
    text = article_of(fan_out_site.site, "fan/f1").text()
    assert re.search(r"stopped|budget|truncated|too (large|much|many)", text, re.I), (
        "no visible marker"
    )


def test_embeds_under_the_budget_are_all_shown(fan_out_site: Isolated) -> None:
    fan_out_site.assert_built()
    assert article_of(fan_out_site.site, "fan/g1").text().count("Leaf text G3.") == FAN * FAN
    assert not [m for m in fan_out_site.messages() if re.match(r"^meeting_archive: Fan/G\d", m)]


@pytest.mark.parametrize(
    "meta",
    [
        {"participants": ["Ann\nLee", "Bo Kim"]},
        {"participants": ["Bo Kim"], "account": "Acme\nCorp"},
        {"participants": ["Bo\rKim"]},
        {"attendees": ["Line\u2028Separator"]},
    ],
    ids=["person-newline", "account-newline", "person-cr", "person-line-separator"],
)
def test_a_name_with_a_line_break_never_stops_the_build(
    tmp_path: Path, meta: dict[str, Any]
) -> None:
    """A name from a people or account field holding a newline (calendars, feeds and pages
    are written for it): the build finishes, the meeting is published."""
    write(
        tmp_path / "vault",
        {
            "Meeting.md": front(title="Break meeting", date="2025-10-18", **meta)
            + "\n- [ ] Follow up @Bo 📅 2030-01-02\n",
            "Fine.md": "# Fine\n\nA fine note.\n",
        },
    )
    built = build_vault(tmp_path / "vault", tmp_path / "out")
    assert_built(built)
    assert page_file(built.site, "meetings/2025-10-18-break-meeting") is not None
    assert not data_file_problems(built.site), data_file_problems(built.site)


# == wrong output ===============================================================================

SPECIAL_SLUGS = ["index", "readme", "page-2", "tags", "meetings"]
NAME_SETS = {
    "title-case": {
        "people": ["Index", "README", "Page 2", "Tags", "Meetings"],
        "accounts": ["Index.", "README.", "Page 2.", "Tags.", "Meetings."],
        "topics": ["Index!", "README!", "Page 2!", "Tags!", "Meetings!"],
    },
    "lower-case": {
        "people": ["index", "readme", "page-2", "tags", "meetings"],
        "accounts": ["index.", "readme.", "page-2.", "tags.", "meetings."],
        "topics": ["index!", "readme!", "page-2!", "tags!", "meetings!"],
    },
}
FILLERS = 205
"""More than a listing page holds (200), so that every listing has a second page."""


@pytest.fixture(scope="module", params=sorted(NAME_SETS))
def names_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Built]:
    names = NAME_SETS[request.param]
    base = tmp_path_factory.mktemp(f"names-{request.param}")
    people = names["people"] + [f"Person {n:03d}" for n in range(FILLERS)]
    accounts = names["accounts"] + [f"Account {n:03d}" for n in range(FILLERS)]
    topics = names["topics"] + [f"Topic {n:03d}" for n in range(FILLERS)]
    write(
        base / "vault",
        {
            "Meetings/Big.md": front(
                title="Big meeting", date="2025-01-01", participants=people, account=accounts
            )
            + "\n"
            + " ".join(f"[[{t}]]" for t in topics)
            + "\n",
        },
    )
    return request.param, build_vault(base / "vault", base / "out")


SECTIONS = [("people", "people"), ("accounts", "accounts"), ("topics", "topics")]


def _entity_urls(section: str, names: list[str]) -> dict[str, str]:
    fillers = {
        f"{section}/{section[:-1] if section != 'people' else 'person'}-{n:03d}/": ""
        for n in range(FILLERS)
    }
    special = {f"{section}/{slug}/": name for slug, name in zip(SPECIAL_SLUGS, names, strict=True)}
    return {**fillers, **special}


@pytest.mark.slow  # builds many vaults: left out of the everyday run
@pytest.mark.parametrize(("kind", "section"), SECTIONS)
def test_entities_named_like_index_and_listing_pages_keep_their_url(
    names_site: tuple[str, Built], kind: str, section: str
) -> None:
    """A person (account, topic) named `Index`, `README`, `Page 2`, `Tags`, `Meetings` (or
    `index`, `page-2`…) has its page at `<section>/<slug>/`, with its own title."""
    which, built = names_site
    assert_built(built)
    for slug, name in zip(SPECIAL_SLUGS, NAME_SETS[which][kind], strict=True):
        h1 = article_of(built.site, f"{section}/{slug}").css_first("h1")
        assert h1 is not None and h1.text(deep=True).replace("¶", "").strip() == name, (slug, name)


@pytest.mark.parametrize(("kind", "section"), SECTIONS)
def test_every_entity_is_reached_from_its_listing_pages(
    names_site: tuple[str, Built], kind: str, section: str
) -> None:
    """From `<section>/` through its further listing pages, every entity page is linked: no
    listing page took an entity's URL, nor an entity a listing page's."""
    which, built = names_site
    expected = _entity_urls(section, NAME_SETS[which][kind])
    found: set[str] = set()
    listings: set[str] = set()
    queue = [f"{section}/"]
    while queue and len(listings) < 20:
        url = queue.pop()
        if url in listings:
            continue
        listings.add(url)
        for href in links(article_of(built.site, url.rstrip("/"))):
            target = follow(url, href)[0]
            if not target.startswith(f"{section}/") or not target.endswith("/") or target == url:
                continue
            if target in expected:
                found.add(target)
            elif page_file(built.site, target.rstrip("/")) is not None:
                queue.append(target)
    assert len(listings) >= 2, "no second listing page"
    missing = sorted(set(expected) - found)
    assert not missing, missing[:10]


def test_no_two_pages_share_a_url(names_site: tuple[str, Built]) -> None:
    _, built = names_site
    docs = built.search_index()["docs"]
    locations = Counter(d["location"] for d in docs if "#" not in d["location"])
    assert not [loc for loc, n in locations.items() if n > 1]
    sitemap = ET.parse(built.site / "sitemap.xml").getroot()
    locs = Counter(e.text for e in sitemap.iter() if e.tag.endswith("loc"))
    assert not [loc for loc, n in locs.items() if n > 1]
    assert not [m for m in built.messages() if "conflicts with" in m or "has the path of" in m]


def _summaries(path: Path) -> set[str]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(c.get("SUMMARY", "")) for c in calendar.walk() if c.name in ("VEVENT", "VTODO")}


def test_an_index_note_that_is_a_person_keeps_the_archive_calendar(tmp_path: Path) -> None:
    """`index.md` with `type: person`: `actions.ics` is still every open dated item of the
    vault; that person's own calendar is at `people/<slug>/actions.ics`."""
    write(
        tmp_path / "vault",
        {
            "index.md": front(
                type="person", title="Quinn Harbor", aliases=["Quinn Harbor", "Quinn"]
            )
            + "\n# Quinn Harbor\n\nThe home page is a person.\n",
            "Meetings/Kickoff.md": front(
                title="Kickoff", date="2025-03-01", participants=["Quinn Harbor", "Other Person"]
            )
            + "\n- [ ] Task for quinn @Quinn 📅 2030-01-10\n- [ ] Task for other @Other 📅 2030-01-11\n"
            "- [ ] Undated task @Other\n",
            "Meetings/Review.md": front(
                title="Review", date="2025-03-02", participants=["Third Person"]
            )
            + "\n- [ ] Task for third @Third 📅 2030-01-12\n"
            "- [x] Done task @Third 📅 2030-01-13 ✅ 2025-03-03\n",
        },
    )
    built = build_vault(tmp_path / "vault", tmp_path / "out")
    assert_built(built)
    archive = _summaries(built.site / "actions.ics")
    assert {"Task for quinn", "Task for other", "Task for third"} == {s.strip() for s in archive}, (
        archive
    )
    own = {
        p.relative_to(built.site).as_posix(): {s.strip() for s in _summaries(p)}
        for p in built.site.glob("people/*/actions.ics")
    }
    quinn = [p for p, items in own.items() if items == {"Task for quinn"}]
    assert quinn, own


C0_BUT_WHITESPACE = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
"""Every C0 control XML 1.0 forbids (all but tab, LF and CR)."""
YAML_C0 = "".join(f"\\x{ord(c):02x}" for c in C0_BUT_WHITESPACE)
RAW_C0 = "\x01\x02\x07\x08\x0b\x0e\x1f"
"""Some of them raw in the text (more than 16 in a note's first 4 KB make it binary)."""
XML_MEETING = (
    "---\n"
    'title: "Xml ' + YAML_C0 + ' \\uFFFE \\uFFFF meeting"\n'
    "date: 2031-01-02\n"
    'participants: ["Esc\\ePerson", "Nul\\0Person", "Pat Doe"]\n'
    'account: "Form\\fFeed Account"\n'
    'aliases: ["Alias \\e esc"]\n'
    'tags: ["tag\\x07bell"]\n'
    "---\n\n"
    "# Heading \x1b with esc \x0c and ff\n\n"
    "- [ ] Task with " + RAW_C0 + " @Pat 📅 2031-01-03\n"
    "- [ ] Task with \x1b esc and \x0c form feed @Pat 📅 2031-01-05\n"
    "- [ ] Task \ufffe with \uffff nonchars @Esc 📅 2031-01-04\n"
)
"""A meeting whose title, names, alias, tag, heading and tasks hold them (in the
frontmatter as YAML escapes, every one of them in the title; in the text as raw characters,
NUL apart: a NUL byte makes a file binary)."""


def test_characters_xml_forbids_never_break_a_feed_or_data_file(tmp_path: Path) -> None:
    """Titles, names, aliases, tags and task text holding C0 controls (ESC, form feed, NUL,
    bell, backspace), U+FFFE and U+FFFF, and a note whose bytes are lone surrogates: feed.xml
    parses with xml.etree, every JSON file with json.loads (strict), every calendar with
    icalendar; the plugin's feed, calendars and data hold none of those characters."""
    write(
        tmp_path / "vault",
        {
            "Meetings/Xml.md": XML_MEETING.encode("utf-8"),
            "Meetings/Surrogate.md": b"---\ntitle: 'Lone \xed\xa0\x80 surrogate'\ndate: 2031-01-05\n"
            b"participants: [Pat Doe]\n---\n\n- [ ] Surrogate \xed\xb0\x80 task @Pat "
            + "📅 2031-01-06\n".encode(),
            "Plain.md": "# Plain \x1b title \x0c with controls\n\nText.\n",
        },
    )
    built = build_vault(tmp_path / "vault", tmp_path / "out")
    assert_built(built)
    assert (built.site / "feed.xml").is_file()
    published = [p.name for p in (built.site / "meetings").iterdir() if p.name[:4] == "2031"]
    assert len(published) == 2, published  # both meetings are notes, not binary files
    problems = data_file_problems(built.site)
    assert not problems, "\n".join(problems)
    for path in built.site.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"), strict=True)


def test_the_audits_accept_a_clean_build(tmp_path: Path) -> None:
    """The stricter audits (URL schemes on an allow-list, attachments by every channel, real
    paths) find nothing in a plain build: what they report is the vault's doing."""
    write(
        tmp_path / "vault",
        {
            "Note.md": "# Note\n\n[a link](https://example.com/) and [mail](mailto:a@example.com), "
            "![[pic.png]] and [[Other]].\n",
            "Other.md": front(cover="[[pic.png]]") + "\n# Other\n",
            "pic.png": b"\x89PNG\r\n\x1a\n\x00",
        },
    )
    built = build_vault(tmp_path / "vault", tmp_path / "out")
    assert not audit_site(built.site, private_parts(tmp_path / "vault"), tmp_path / "vault")
    assert not data_file_problems(built.site)
