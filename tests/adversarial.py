"""The adversarial vault: every case of SPEC's Privacy and Bad input sections and more, written
into a temporary folder (binary files, symlinks, a 5 MB note and UTF-16 are generated, not
committed). tests/fixtures/adversarial/README.md lists the cases.

Each case says which files it writes and which warning (if any) the build must give for it, so
the tests can check that every problem is reported once, naming the file, and that nothing
else is. Private notes carry unique marker strings that must never reach the site.
"""

from __future__ import annotations

import codecs
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

MARK = "zqx"
"""Every marker starts with this, so that a leak is easy to spot and never a false match."""


@dataclass(frozen=True)
class Case:
    id: str
    section: str
    """privacy, comments, outside, xss, embeds, names, bad-input, dates"""
    description: str
    files: tuple[str, ...] = ()
    warns: tuple[str, ...] = ()
    """Regexes: each must match exactly one warning of the build (the file is in it)."""
    may_warn: tuple[str, ...] = ()
    """Regexes of warnings the build may give or not (where SPEC and DESIGN-NOTES leave it
    open, e.g. whether a script URL that is dropped is also reported): allowed, never needed."""


@dataclass(frozen=True)
class PrivateNote:
    """A note that must leave no trace: its marker, title and would-be page path."""

    path: str
    marker: str
    title: str | None
    """A title that appears nowhere in public text (None when public notes write it)."""
    page: str | None
    """The page path it would have had if it were published."""


@dataclass
class AdversarialVault:
    root: Path
    outside: Path
    cases: list[Case] = field(default_factory=list)
    private: list[PrivateNote] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    """Markers that are not a private note's own: comments, outside files, private names."""
    exclude_docs: str = "Excluded/\n"
    draft_docs: str = "Drafts/\n"
    forbidden_pages: list[str] = field(default_factory=list)
    """Pages that must not exist though no private note would have had them (a topic page
    named after a private note's alias, which a public note links to)."""

    @property
    def config(self) -> dict[str, str]:
        """The mkdocs.yml settings the vault is built with."""
        return {"exclude_docs": self.exclude_docs, "draft_docs": self.draft_docs}

    @property
    def markers(self) -> list[str]:
        return [*(p.marker for p in self.private), *self.secrets]

    @property
    def private_titles(self) -> list[str]:
        return [p.title for p in self.private if p.title]

    @property
    def private_pages(self) -> list[str]:
        return [p.page for p in self.private if p.page is not None] + self.forbidden_pages

    def expected_warnings(self) -> list[tuple[str, str]]:
        return [(case.id, pattern) for case in self.cases for pattern in case.warns]

    def allowed_warnings(self) -> list[str]:
        return [pattern for case in self.cases for pattern in case.may_warn]


class _Writer:
    def __init__(self, vault: AdversarialVault) -> None:
        self.vault = vault
        self.files: list[str] = []

    def text(self, path: str, text: str, encoding: str = "utf-8") -> None:
        self.raw(path, text.encode(encoding))

    def raw(self, path: str, data: bytes) -> None:
        target = self.vault.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.files.append(path)

    def link(self, path: str, to: Path) -> None:
        target = self.vault.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(to, target)
        self.files.append(path)


def _front(**fields: str) -> str:
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in fields.items()) + "---\n"


def write_adversarial_vault(base: Path) -> AdversarialVault:
    """Write the vault under `base/vault` (and files it must not reach under `base/outside`)."""
    vault = AdversarialVault(base / "vault", base / "outside")
    vault.root.mkdir(parents=True)
    vault.outside.mkdir(parents=True)
    w = _Writer(vault)
    for section in _SECTIONS:
        section(vault, w)
    return vault


def _case(
    vault: AdversarialVault,
    w: _Writer,
    id: str,
    section: str,
    description: str,
    warns: tuple[str, ...] = (),
    may_warn: tuple[str, ...] = (),
) -> None:
    vault.cases.append(Case(id, section, description, tuple(w.files), warns, may_warn))
    w.files.clear()


def _private(
    vault: AdversarialVault, path: str, title: str | None, page: str | None, marker: str
) -> None:
    vault.private.append(PrivateNote(path, marker, title, page))


def _re(path: str) -> str:
    """A regex for a warning that names `path` at its start."""
    return "^meeting_archive: " + re.escape(path) + r"(:\d+)?: "


def _re_line(path: str) -> str:
    """A regex for a warning that names `path` and a line at its start."""
    return "^meeting_archive: " + re.escape(path) + r":\d+: "


# -- privacy --------------------------------------------------------------------------------


def _privacy(v: AdversarialVault, w: _Writer) -> None:
    def private_note(
        id: str,
        path: str,
        front: str,
        body_extra: str = "",
        *,
        title: str | None,
        page: str | None,
        description: str,
        encoding: str = "utf-8",
        bom: bytes = b"",
        newline: str = "\n",
        warns: tuple[str, ...] = (),
    ) -> None:
        marker = f"{MARK}-private-{id}"
        body = (
            f"\nThis note says {marker} and must never be published.\n\n"
            f"## Plans\n\nThe plan is {marker}-plans.\n\n"
            f"A paragraph with a block id {marker}-block. ^blk\n{body_extra}"
        )
        text = (front + body).replace("\n", newline)
        w.raw(path, bom + text.encode(encoding))
        _private(v, path, title, page, marker)
        _case(v, w, id, "privacy", description, warns)

    private_note(
        "publish-false",
        "Private/Publish False.md",
        _front(
            title="Hushed Title Alpha",
            publish="false",
            aliases="[Hushed Alias Alpha, '<b>hushed alias</b>']",
            tags=f"[{MARK}-tag-alpha]",
        ),
        f"\n- [ ] {MARK}-private-task @Owner Person 📅 2025-10-10\n",
        title="Hushed Title Alpha",
        page="private/publish-false",
        description="publish: false, with aliases, a heading, a block id, a task, a unique tag",
    )
    private_note(
        "draft-true",
        "Private/Draft Note.md",
        _front(title="Hushed Title Bravo", draft="true"),
        title="Hushed Title Bravo",
        page="private/draft-note",
        description="draft: true",
    )
    private_note(
        "tag-private",
        "Private/Tagged.md",
        _front(title="Hushed Title Tagged", tags="[work, private]"),
        title="Hushed Title Tagged",
        page="private/tagged",
        description="frontmatter tag `private`",
    )
    private_note(
        "tag-inline",
        "Private/Inline Tagged.md",
        _front(title="Hushed Title Inline"),
        "\nFiled under #private for now.\n",
        title="Hushed Title Inline",
        page="private/inline-tagged",
        description="inline `#private` tag",
    )
    private_note(
        "tag-nested",
        "Private/Nested Tag.md",
        _front(title="Hushed Title Nested", tags="[private/hr]"),
        title="Hushed Title Nested",
        page="private/nested-tag",
        description="nested tag `private/hr`",
    )
    private_note(
        "tag-case",
        "Private/Tag Case.md",
        _front(title="Hushed Title Case", tags="Work, PRIVATE"),
        title="Hushed Title Case",
        page="private/tag-case",
        description="tags as one comma-separated string, private in capitals",
    )
    private_note(
        "tag-hash",
        "Private/Tag Hash.md",
        _front(title="Hushed Title Hash", tag="'#private'"),
        title="Hushed Title Hash",
        page="private/tag-hash",
        description="singular `tag:` field written with its `#`",
    )
    private_note(
        "tag-nested-list",
        "Private/Tag Nested List.md",
        _front(title="Hushed Title Nested List", tags="[[private]]"),
        title="Hushed Title Nested List",
        page="private/tag-nested-list",
        description="`tags: [[private]]` (a list inside the list)",
    )
    private_note(
        "tag-in-heading",
        "Private/Heading Tag.md",
        _front(title="Hushed Title Heading Tag"),
        "\n## Filed #private\n",
        title="Hushed Title Heading Tag",
        page="private/heading-tag",
        description="the only `#private` tag is in a heading (Obsidian counts it)",
    )
    for id, value in (
        ("publish-no", "no"),
        ("publish-string", "'false'"),
        ("publish-zero", "0"),
        ("publish-empty", ""),
        ("draft-yes", None),
    ):
        name = id.replace("-", " ").title()
        front = (
            _front(title=f"Hushed Title {name}", draft="'yes'")
            if value is None
            else _front(title=f"Hushed Title {name}", publish=value)
        )
        private_note(
            id,
            f"Private/{name}.md",
            front,
            title=f"Hushed Title {name}",
            page=f"private/{id}",
            description=f"`{front.splitlines()[2]}`",
        )
    private_note(
        "meeting",
        "Private/Secret Meeting.md",
        _front(
            title="Hushed Meeting Charlie",
            date="2025-10-06",
            publish="false",
            participants=f"['[[{MARK.title()}person Hidden]]', Owner Person]",
            account=f"{MARK.title()}account Hidden",
            tags=f"[account/{MARK}-acct-hidden, {MARK}-meeting-tag]",
        ),
        f"\nWe discussed [[{MARK.title()}topic Hidden]].\n\n"
        f"- [ ] {MARK}-private-meeting-task @{MARK.title()}person 📅 2025-10-10\n\n"
        f"## Decisions\n\n- {MARK}-private-decision\n",
        title="Hushed Meeting Charlie",
        page="meetings/2025-10-06-hushed-meeting-charlie",
        description="a private meeting: its people, account, topic, tags, tasks and decisions "
        "get no page, no listing",
    )
    v.secrets += [
        f"{MARK.title()}person Hidden",
        f"{MARK.title()}account Hidden",
        f"{MARK.title()}topic Hidden",
        f"{MARK}-acct-hidden",
        f"{MARK}-meeting-tag",
        f"{MARK}-tag-alpha",
    ]
    private_note(
        "person",
        "Private/Hushed Person Delta.md",
        _front(type="person", publish="false", aliases="[Delta D.]"),
        title=None,
        page="people/hushed-person-delta",
        description="a private person note; a public meeting lists the person",
    )
    private_note(
        "markdown-ext",
        "Private/Long Extension.markdown",
        _front(title="Hushed Title Markdown Ext", publish="false"),
        title="Hushed Title Markdown Ext",
        page="private/long-extension",
        description="a `.markdown` file with publish: false",
    )
    private_note(
        "home",
        "index.md",
        _front(title="Hushed Home Echo", publish="false"),
        title="Hushed Home Echo",
        page=None,
        description="the vault's index.md is private: the dashboard is the home page",
    )
    private_note(
        "bom",
        "Private/Bom Private.md",
        _front(title="Hushed Title Bom", publish="false"),
        title="Hushed Title Bom",
        page="private/bom-private",
        bom=codecs.BOM_UTF8,
        description="UTF-8 byte-order mark before the frontmatter",
    )
    private_note(
        "utf16",
        "Private/Utf16 Private.md",
        _front(title="Hushed Title Utf16", publish="false"),
        title="Hushed Title Utf16",
        page="private/utf16-private",
        encoding="utf-16-le",
        bom=codecs.BOM_UTF16_LE,
        description="UTF-16 (with BOM) private note (no warning: nothing of it is published)",
    )
    private_note(
        "cp1252",
        "Private/Cp1252 Private.md",
        _front(title="Hushed Title Cp1252", publish="false"),
        "\nCaf\u00e9 \u201cquoted\u201d\n",
        title="Hushed Title Cp1252",
        page="private/cp1252-private",
        encoding="cp1252",
        description="Windows-1252 private note (no warning: nothing of it is published)",
    )
    private_note(
        "crlf",
        "Private/Crlf Private.md",
        _front(title="Hushed Title Crlf", publish="false"),
        title="Hushed Title Crlf",
        page="private/crlf-private",
        newline="\r\n",
        description="Windows line endings",
    )
    private_note(
        "cr",
        "Private/Cr Private.md",
        _front(title="Hushed Title Cr", publish="false"),
        title="Hushed Title Cr",
        page="private/cr-private",
        newline="\r",
        description="old Mac line endings (CR only)",
    )
    private_note(
        "malformed-yaml",
        "Private/Malformed.md",
        "---\ntitle: Hushed Title Malformed\npublish: false\nattendees: [unclosed, list\n---\n",
        title="Hushed Title Malformed",
        page="private/malformed",
        description="malformed YAML that also says publish: false: left out, warning file:line",
        warns=(_re("Private/Malformed.md") + "frontmatter cannot be parsed",),
    )
    private_note(
        "unclosed-frontmatter",
        "Private/Unclosed Frontmatter.md",
        "---\ntitle: Hushed Title Unclosed\npublish: false\n",
        title="Hushed Title Unclosed",
        page="private/unclosed-frontmatter",
        description="frontmatter with no closing `---`",
        warns=(_re("Private/Unclosed Frontmatter.md") + "frontmatter cannot be parsed",),
    )
    private_note(
        "duplicate-key",
        "Private/Duplicate Key.md",
        "---\ntitle: Hushed Title Duplicate Key\npublish: false\ntags: [x]\npublish: true\n---\n",
        title="Hushed Title Duplicate Key",
        page="private/duplicate-key",
        description="`publish: false` then `publish: true`: ambiguous, so left out",
        warns=(_re("Private/Duplicate Key.md") + "frontmatter cannot be parsed",),
    )
    private_note(
        "tab-indent",
        "Private/Tab Indent.md",
        "---\ntitle: Hushed Title Tab\npublish: false\ntags:\n\t- x\n---\n",
        title="Hushed Title Tab",
        page="private/tab-indent",
        description="a tab in the YAML indentation (invalid YAML)",
        warns=(_re("Private/Tab Indent.md") + "frontmatter cannot be parsed",),
    )
    # A symlink inside the vault to a private note is the same private content.
    w.link("Symlink To Private.md", Path("Private/Publish False.md"))
    _case(
        v,
        w,
        "symlink-to-private",
        "privacy",
        "a symlink inside the vault to a private note: private too",
    )
    v.private.append(
        PrivateNote(
            "Symlink To Private.md", f"{MARK}-private-publish-false", None, "symlink-to-private"
        )
    )
    # Folders MkDocs never publishes, and one the config excludes.
    w.text(".obsidian/workspace.json", f'{{"secret": "{MARK}-dot-obsidian"}}\n')
    w.text(".trash/Deleted.md", f"# Deleted\n\n{MARK}-dot-trash\n")
    w.text("Excluded/Hidden.md", f"# Hidden by exclude_docs\n\n{MARK}-excluded\n")
    w.text("Drafts/Work In Progress.md", f"# Hushed draft title\n\n{MARK}-draft-docs\n")
    v.secrets += [
        f"{MARK}-dot-obsidian",
        f"{MARK}-dot-trash",
        f"{MARK}-excluded",
        f"{MARK}-draft-docs",
        "Hushed draft title",
    ]
    _case(
        v,
        w,
        "dot-and-excluded",
        "privacy",
        "`.obsidian/`, `.trash/`, an `exclude_docs` folder and a `draft_docs` folder are never "
        "published; links to their notes show as text (a link into an excluded or a draft "
        "folder is a warning, as MkDocs gives one; into a dot-folder it is not)",
        warns=(
            _re("Links To Private.md") + r"\[\[Hidden\]\] is excluded from the site \(exclude_docs\)",
            _re("Links To Private.md") + r"\[\[Work In Progress\]\] is excluded from the site \(draft_docs\)",
            _re("Links To Private.md")
            + r"\[\[Drafts/Work In Progress\]\] is excluded from the site \(draft_docs\)",
        ),
    )

    names = [
        "Publish False",
        "Private/Publish False",
        "Private/Publish False.md",
        "publish false",
        "PUBLISH FALSE",
        "Hushed Alias Alpha",
        "<b>hushed alias</b>",
        "Publish False|custom text",
        "Publish False#Plans",
        "Publish False#^blk",
        "Draft Note",
        "Tagged",
        "Inline Tagged",
        "Nested Tag",
        "Tag Case",
        "Tag Hash",
        "Tag Nested List",
        "Heading Tag",
        "Publish No",
        "Publish String",
        "Publish Zero",
        "Publish Empty",
        "Draft Yes",
        "Secret Meeting",
        "Hushed Person Delta",
        "Delta D.",
        "Long Extension",
        "Long Extension.markdown",
        "Bom Private",
        "Utf16 Private",
        "Cp1252 Private",
        "Crlf Private",
        "Cr Private",
        "Malformed",
        "Unclosed Frontmatter",
        "Duplicate Key",
        "Tab Indent",
        "Symlink To Private",
        "Deleted",
        "Hidden",
        "Work In Progress",
        "Drafts/Work In Progress",
    ]
    body = ["# Links to private notes", "", "Every link below must render as plain text.", ""]
    body += [f"- [[{n}]]" for n in names]
    body += ["", "| link | in a table |", "|---|---|", "| a | [[Publish False\\|in table]] |", ""]
    body += [
        f"![[{n}]]"
        for n in (
            "Publish False",
            "Publish False#Plans",
            "Private/Publish False#^blk",
            "Draft Note",
            "Malformed",
            "Secret Meeting",
            "Symlink To Private",
        )
    ]
    body += [
        "",
        "A Markdown link: [markdown link](Private/Publish%20False.md).",
        "",
        "Transitively: ![[Embeds Private]]",
        "",
        "![[Embeds Private]]",
        "",
    ]
    w.text("Links To Private.md", "\n".join(body))
    w.text("Embeds Private.md", "# Embeds private\n\n![[Publish False]]\n\n![[Tagged#Plans]]\n")
    w.text(
        "Meetings/Public Meeting With Private Person.md",
        _front(
            title="Public meeting",
            date="2025-10-07",
            participants="['[[Hushed Person Delta]]', Owner Person]",
        )
        + "\nMet with [[Hushed Person Delta]].\n\n- [ ] Follow up @Owner 📅 2025-10-12\n",
    )
    _case(
        v,
        w,
        "links-to-private",
        "privacy",
        "a public note links to and embeds every private note by path, stem, alias, heading, "
        "block, in a table, by a Markdown link and transitively; a public meeting lists a "
        "private person",
    )


# -- comments -------------------------------------------------------------------------------


def _comments(v: AdversarialVault, w: _Writer) -> None:
    m = f"{MARK}-comment"
    secrets = [
        f"{m}-{n}"
        for n in (
            "inline",
            "block",
            "heading",
            "topic",
            "task",
            "tag",
            "unclosed",
            "section",
            "table",
            "callout",
            "embedded",
            "decision",
            "meeting-task",
            "title",
        )
    ]
    v.secrets += secrets
    w.text(
        "Comments/Inline Comment.md",
        f"# Inline comment\n\nVisible text %%{m}-inline%% more visible text.\n\n"
        f"| a | b |\n|---|---|\n| cell | %%{m}-table%% |\n\n"
        f"> [!note] Callout\n> Visible %%{m}-callout%%\n",
    )
    w.text(
        "Comments/Multiline Comment.md",
        f"%%\n# {m}-title\n%%\n\nVisible first line.\n\n%%\n{m}-block\n"
        f"[[{m.title()}-topic]]\n#{m}-tag\n- [ ] {m}-task @Owner 📅 2025-10-10\n%%\n\n"
        "Visible after the comment.\n",
    )
    w.text(
        "Comments/Unclosed Comment.md",
        f"# Unclosed comment\n\nVisible. %% {m}-unclosed runs to the end\n\nof the file\n",
    )
    w.text(
        "Comments/Comment Section.md",
        f"# Comment section\n\nVisible.\n\n%%\n## Hidden Section\n\n{m}-section\n%%\n\n"
        "## Shown Section\n\nShown.\n",
    )
    w.text(
        "Comments/Embedded Comment.md",
        f"# Embedded comment\n\nEmbedded visible %%{m}-embedded%% text.\n",
    )
    w.text(
        "Comments/Embedder.md",
        "# Embedder\n\n![[Embedded Comment]]\n\n![[Comment Section#Hidden Section]]\n\n"
        "![[Comment Section#Shown Section]]\n",
    )
    w.text(
        "Comments/Comment Meeting.md",
        _front(
            title="Comment meeting",
            date="2025-10-08",
            participants="[Owner Person]",
            account="Comment Account",
        )
        + f"\n- [ ] Visible task %%{m}-meeting-task%% @Owner 📅 2025-10-11\n\n"
        f"## Decisions\n\n- Visible decision %%{m}-decision%%\n",
    )
    # The heading inside the comment and its section is unknown to the page, as in Obsidian.
    _case(
        v,
        w,
        "comments",
        "comments",
        "%%comments%% inline, multi-line, unclosed, in a table, a callout, an embedded note, "
        "around a heading (title candidate and embedded section), a task, a tag, a link, a "
        "meeting task and a decision",
        warns=(_re("Comments/Embedder.md") + "heading 'Hidden Section'",),
    )


# -- leaving the vault -----------------------------------------------------------------------


def _outside(v: AdversarialVault, w: _Writer) -> None:
    m = f"{MARK}-outside"
    (v.outside / "secret.md").write_text(f"# Outside secret\n\n{m}-file\n", encoding="utf-8")
    (v.outside / "dir").mkdir()
    (v.outside / "dir" / "inner.md").write_text(f"# Inner\n\n{m}-dir\n", encoding="utf-8")
    (v.outside / "dir" / "other.md").write_text(f"# Other\n\n{m}-dir-2\n", encoding="utf-8")
    (v.outside / "dir" / "data.txt").write_text(f"{m}-dir-txt\n", encoding="utf-8")
    (v.outside / "leak.png").write_bytes(b"\x89PNG\r\n\x1a\n" + f"{m}-png".encode() + b"\x00" * 64)
    v.secrets += [
        f"{m}-file",
        f"{m}-dir",
        f"{m}-dir-2",
        f"{m}-dir-txt",
        f"{m}-png",
        "Outside secret",
    ]
    w.link("Linked Secret.md", v.outside / "secret.md")
    w.link("Linked Dir", v.outside / "dir")
    w.link("Attachments/leak.png", v.outside / "leak.png")
    w.link("Dangling.md", v.outside / "does-not-exist.md")
    secret = str(v.outside / "secret")
    targets = [
        "../outside/secret",
        "../../outside/secret",
        "/etc/passwd",
        secret,
        f"{secret}.md",
        "%2e%2e/outside/secret",
        "%2E%2E%2Foutside%2Fsecret",
        "..\\outside\\secret",
        "C:\\Windows\\win.ini",
        "file:///etc/passwd",
        "./../outside/secret",
        "Attachments/../../outside/secret",
        "Linked Secret",
        "Linked Dir/inner",
        "inner",
    ]
    body = ["# Escape attempts", ""]
    body += [f"- [[{t}]]" for t in targets]
    body += [
        "",
        *(f"![[{t}]]" for t in targets),
        "",
        "![[leak.png]]",
        "",
        "![[../outside/leak.png]]",
        "",
        "[md](../outside/secret.md) and "
        '![img](../outside/leak.png) and <img src="file:///etc/passwd">',
        "",
    ]
    w.text("Escape Attempts.md", "\n".join(body))
    path = _re("Escape Attempts.md")
    # A bare name stays a name (`%2E%2E%2F…` is a topic, as in Obsidian); what a symlink
    # brought in shows as text, like a private note (its symlink is the one warning).
    quiet = ("%2E%2E%2Foutside%2Fsecret", "Linked Secret", "Linked Dir/inner", "inner")
    unresolved = [
        t for t in [*targets, "../outside/leak.png", "../outside/secret.md"] if t not in quiet
    ]
    _case(
        v,
        w,
        "outside",
        "outside",
        "wikilinks, embeds and Markdown links that leave the vault (`../`, absolute, "
        "URL-encoded, Windows paths, file:), symlinks to a file, a folder and an image "
        "outside, a dangling symlink: one warning per symlink and per link",
        warns=(
            _re("Linked Secret.md") + "leads outside the vault",
            _re("Linked Dir/") + "leads outside the vault",
            _re("Attachments/leak.png") + "leads outside the vault",
            _re("Dangling.md") + "leads outside the vault",
            *(
                path
                + r"(linked note|linked file|embedded file|embedded note|image) (\[\[)?"
                + re.escape(t)
                + r"(\]\])? is not in"
                for t in unresolved
            ),
        ),
    )


# -- HTML and script in the vault's text --------------------------------------------------


XSS_TITLE = '<script>alert("zqx-xss-title")</script>'
XSS_PERSON = "<img src=x onerror=alert('person')>"
XSS_ATTR_PERSON = "Attr Evil { onclick=alert(1) }"
XSS_MARK_PERSON = "==mark=={ onclick=alert(2) }"
XSS_ACCOUNT = "<script>alert('account')</script>"
XSS_ALIAS = "<svg/onload=alert('alias')>"
XSS_TAG = "<script>alert('tag')</script>"
XSS_TOPIC = "<img src=x onerror=alert('topic')>"
XSS_FILE = "<img src=x onerror=alert('file')>"
XSS_PERSON_TITLE = '"><script>alert(22)</script>'
XSS_TASK = "<img src=x onerror=alert('task')> {: onclick=alert(3) }"


def _xss(v: AdversarialVault, w: _Writer) -> None:
    def q(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    w.text(
        "XSS/Html Title.md",
        "---\n"
        f"title: {q(XSS_TITLE)}\n"
        f"type: {q('<img src=x onerror=alert(type)>')}\n"
        f"source: {q('<svg onload=alert(source)>')}\n"
        "date: 2025-10-09\n"
        f"participants: [{q(XSS_PERSON)}, {q(XSS_ATTR_PERSON)}, {q(XSS_MARK_PERSON)}, Owner Person]\n"
        f"account: {q(XSS_ACCOUNT)}\n"
        f"aliases: [{q(XSS_ALIAS)}]\n"
        f"tags: [{q(XSS_TAG)}, '\"onmouseover=alert(6)']\n"
        f"slug: {q('<script>')}\n"
        'hide: ["<script>", toc]\n'
        "---\n\n"
        "<script>alert(7)</script>\n\n"
        '<a href="javascript:alert(8)">js link</a> <a href="JaVaScRiPt:alert(8)">js2</a> '
        '<a href="&#106;avascript:alert(8)">js3</a>\n\n'
        '<div onclick="alert(9)">div</div>\n\n'
        "[md link](javascript:alert(10)) ![md image](javascript:alert(11))\n\n"
        '<iframe src="javascript:alert(12)"></iframe><object data="x.swf"></object>'
        '<embed src="x.swf"><form action="javascript:alert(1)"><button formaction="javascript:alert(1)">b</button></form>\n\n'
        "## <img src=x onerror=alert(13)> heading\n\n"
        '## Attr heading { onclick="alert(14)" }\n\n'
        'A paragraph.\n{: onmouseover="alert(15)" }\n\n'
        "> [!note] <img src=x onerror=alert(16)>\n> callout body\n\n"
        f"- [ ] {XSS_TASK} @Owner 📅 2025-10-12\n"
        f"- [ ] second task [[{XSS_TOPIC}]] 📅 2025-10-13\n\n"
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(20)></style></mglyph></table></mtext></math>\n\n"
        '<svg><script>alert(21)</script></svg> <meta http-equiv="refresh" content="0;url=javascript:alert(22)">\n'
        '<base href="javascript:alert(23)//"> <style>body{background:url(javascript:alert(24))}</style>\n\n'
        "==highlight=={ onclick=alert(25) } ~~struck~~{ onclick=alert(26) }\n\n"
        "## Decisions\n\n- <script>alert(18)</script> decision { onclick=alert(27) }\n",
    )
    w.text(
        "XSS/Person Evil.md",
        "---\ntype: person\n"
        f"title: {q(XSS_PERSON_TITLE)}\n"
        f"aliases: [{q(XSS_ALIAS + ' two')}]\n---\n\nA person with a hostile title.\n",
    )
    w.text(f"XSS/{XSS_FILE}.md", "No frontmatter, no heading: the title is the file name.\n")
    w.text("XSS/Links.md", f"# XSS links\n\n[[{XSS_FILE}]] [[Person Evil]] [[{XSS_TOPIC}|shown]]\n")
    _case(
        v,
        w,
        "xss",
        "xss",
        "HTML and script in a title, type, source, participant names, an account, an alias, "
        "tags, a slug, a file name, a topic, task text, a decision, raw HTML, attr_list "
        "attributes, a callout title, javascript: links (raw HTML that names a file the vault "
        "lacks is warned about, as a Markdown link would be)",
        warns=(
            _re("XSS/Html Title.md") + r"linked file x\.swf is not in the vault",
            _re("XSS/Html Title.md") + r"linked file x is not in the vault",
        ),
    )


# -- embeds -----------------------------------------------------------------------------------


def _embeds(v: AdversarialVault, w: _Writer) -> None:
    w.text("Embeds/Self.md", "# Self\n\n![[Self]]\n")
    w.text("Embeds/Ping.md", "# Ping\n\n![[Pong]]\n")
    w.text("Embeds/Pong.md", "# Pong\n\n![[Ping]]\n")
    w.text("Embeds/Tri A.md", "# Tri A\n\n![[Tri B]]\n")
    w.text("Embeds/Tri B.md", "# Tri B\n\n![[Tri C]]\n")
    w.text("Embeds/Tri C.md", "# Tri C\n\n![[Tri A]]\n")
    w.text("Embeds/Cycle Viewer.md", "# Cycle viewer\n\n![[Ping]]\n\n![[Tri B]]\n\n![[Self]]\n")
    _case(
        v,
        w,
        "embed-cycles",
        "embeds",
        "embed cycles of length 1, 2 and 3",
        warns=(
            _re("Embeds/Self.md") + r"embed stopped \(cycle\)",
            r"^meeting_archive: Embeds/P[io]ng.md(:\d+)?: embed stopped \(cycle\)",
            r"^meeting_archive: Embeds/Tri [ABC].md(:\d+)?: embed stopped \(cycle\)",
        ),
    )
    for n in range(1, 51):
        nxt = f"\n![[Chain {n + 1:02d}]]\n" if n < 50 else "\nThe end of the chain.\n"
        w.text(f"Chain/Chain {n:02d}.md", f"# Chain {n:02d}\n\nLevel {n}.\n{nxt}")
    _case(
        v,
        w,
        "embed-chain",
        "embeds",
        "an embed chain 50 deep",
        warns=(r"^meeting_archive: Chain/Chain \d\d.md(:\d+)?: embed stopped \(more than 10 levels\)",),
    )


# -- names --------------------------------------------------------------------------------------


ODD_NAMES = [
    "With Spaces",
    "Hash#Name",
    "Percent%Name",
    "Percent%20Encoded",
    "Question?",
    "Amp & Ersand",
    "Accénted Ñame",
    "Emoji 🚀 Launch",
    "🚀",
    "Quote'Name",
    "Semi;colon",
    "Plus+Name",
    "Caret^Name",
    "Dollar$Name",
    "Equals=Name",
    "Comma, Name",
    "Tilde~Name",
    "Back`tick",
]


def _names(v: AdversarialVault, w: _Writer) -> None:
    w.text("Dupes/A/Same Name.md", "# Same name A\n\nIn folder A.\n")
    w.text("Dupes/B/Same Name.md", "# Same name B\n\nIn folder B.\n")
    w.text("Dupes/Linker.md", "# Dupes linker\n\n[[Same Name]] and [[B/Same Name]]\n")
    _case(v, w, "same-name", "names", "two notes with one name in different folders")
    w.text("Case/Report.md", "# Report title\n\nMixed case.\n")
    w.text("Case/REPORT.md", "# REPORT title\n\nUpper case.\n")
    w.text("Case/Case Linker.md", "# Case linker\n\n[[report]] [[Report]] [[REPORT]]\n")
    _case(v, w, "case-names", "names", "file names differing only in case")
    nfc = unicodedata.normalize("NFC", "Café")
    nfd = unicodedata.normalize("NFD", "Café")
    w.text(f"Unicode/{nfc}.md", "# Café composed\n\nNFC name.\n")
    w.text(f"Unicode/{nfd} Menu.md", "# Café menu decomposed\n\nNFD name.\n")
    w.text(
        "Unicode/Unicode Linker.md",
        f"# Unicode linker\n\n[[{nfd}]] [[{nfc}]] [[{nfc} Menu]] [[{nfd} menu]]\n",
    )
    _case(v, w, "unicode-names", "names", "file names differing in Unicode normalisation")
    body = ["# Odd names", ""]
    for name in ODD_NAMES:
        w.text(f"Odd/{name}.md", f"# Odd {name}\n\nA note named {name}.\n")
        if "#" not in name:
            body.append(f"- [[{name}]]")
    body.append("- [hash](Odd/Hash%23Name.md)")
    w.raw("Odd/Pic & Co 🚀.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    body += ["", "![[Pic & Co 🚀.png]]", ""]
    w.text("Odd Names.md", "\n".join(body))
    w.text("Meetings.md", "# A note where the meetings index lives\n")
    w.text("Tags/index.md", "# A note where the tags index lives\n")
    _case(
        v,
        w,
        "odd-names",
        "names",
        "file names with spaces, #, %, ?, &, accents, emoji, quotes and punctuation; notes "
        "at the generated index pages' paths",
    )


# -- bad input ------------------------------------------------------------------------------


def _bad_input(v: AdversarialVault, w: _Writer) -> None:
    def bad(id: str, path: str, data: bytes, description: str, *warns: str) -> None:
        w.raw(path, data)
        _case(v, w, id, "bad-input", description, tuple(_re(path) + x for x in warns))

    bad(
        "binary",
        "Bad/Binary.md",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
        "a binary file named .md",
        "contains NUL bytes",
    )
    bad(
        "control",
        "Bad/Control.md",
        bytes(range(1, 9)) * 40,
        "a file of control characters",
        "is mostly control characters",
    )
    bad(
        "cp1252",
        "Bad/Windows 1252.md",
        "# Caf\u00e9 \u201cquoted\u201d \u2013 na\u00efve\n\nWindows-1252 text.\n".encode("cp1252"),
        "a Windows-1252 file",
        "is not valid UTF-8",
    )
    bad(
        "utf16",
        "Bad/Utf16.md",
        codecs.BOM_UTF16_LE + "# UTF-16 title ✓\n\nText.\n".encode("utf-16-le"),
        "a UTF-16 LE file with BOM",
        "is UTF-16",
    )
    bad(
        "utf16be",
        "Bad/Utf16 Be.md",
        codecs.BOM_UTF16_BE + _front(title="UTF-16 BE title").encode("utf-16-be"),
        "a UTF-16 BE file with BOM (frontmatter only)",
        "is UTF-16",
    )
    bad(
        "bom",
        "Bad/Bom.md",
        codecs.BOM_UTF8 + (_front(title="'BOM title'") + "\nText.\n").encode(),
        "a UTF-8 BOM file with frontmatter",
    )
    bad("empty", "Bad/Empty.md", b"", "an empty file")
    bad("blank", "Bad/Blank.md", b"\n \n\t\n", "a file of blank lines")
    bad(
        "frontmatter-only",
        "Bad/Frontmatter Only.md",
        _front(title="Only frontmatter").encode(),
        "a frontmatter-only file",
    )
    bad(
        "frontmatter-only-eof",
        "Bad/Frontmatter No Newline.md",
        b"---\ntitle: No newline\n---",
        "frontmatter only, no newline at the end",
    )
    bad(
        "empty-frontmatter", "Bad/Empty Frontmatter.md", b"---\n---\n", "an empty frontmatter block"
    )
    bad(
        "frontmatter-list",
        "Bad/Frontmatter List.md",
        b"---\n- a\n- b\n---\nText.\n",
        "frontmatter that is a list, not a mapping",
        "frontmatter cannot be parsed",
    )
    bad(
        "frontmatter-scalar",
        "Bad/Frontmatter Scalar.md",
        b"---\njust text\n---\nText.\n",
        "frontmatter that is a string",
        "frontmatter cannot be parsed",
    )
    bad(
        "python-tag",
        "Bad/Python Tag.md",
        b"---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\n",
        "a YAML python tag (must not run)",
        "frontmatter cannot be parsed",
    )
    bad(
        "yaml-bomb",
        "Bad/Yaml Bomb.md",
        (
            "---\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
            + "".join(
                f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
                for p, c in zip("abcdefgh", "bcdefghi", strict=True)
            )
            + "title: *i\ntype: *i\ndate: *i\nslug: *i\naliases: *i\ntags: *i\n"
            "participants: *i\n---\nBody.\n"
        ).encode(),
        "a YAML alias bomb (billion laughs) used as title, type, date, aliases, tags, people",
        "date: a list is not a date",
    )
    bad(
        "odd-values",
        "Bad/Odd Values.md",
        b"---\ntitle: [a, b]\naliases: {x: y}\ntags: 42\ntype: {k: v}\nparticipants: [null, 3, [x]]\n"
        b"1: numeric key\npublish: true\n---\nText.\n",
        "frontmatter values of the wrong type",
    )
    bad(
        "metadata-lines",
        "Bad/Metadata Lines.md",
        b"Agenda: budget\nTitle: not metadata\n\nText.\n",
        "MultiMarkdown-style lines stay text",
    )
    bad(
        "mojibake",
        "Bad/Mojibake.md",
        "# Apollo’s plan\n\nDue 📅 soon.\n".encode().decode("mac_roman").encode(),
        "Mac Roman mojibake (repaired, info line)",
    )
    # A transcript: plain speech, with a link, a tag and code now and then.
    speech = "Speaker two: so the timeline we agreed on still holds, give or take a week. " * 12
    big = (speech + "\n\n") * 40 + "See [[Big Target]] and #bigtag with `code`.\n\n"
    bad(
        "big",
        "Bad/Big.md",
        ("# Big note\n\n" + big * (5 * 1024 * 1024 // len(big) + 1)).encode(),
        "a 5 MB note",
    )
    line = ("word [[Long Target]] **bold** `code` #longtag [x](y.md) " * 2000)[:100_000]
    bad(
        "long-line",
        "Bad/Long Line.md",
        ("# Long line\n\n" + line + "\n").encode(),
        "a 100,000-character line (its 2,000 broken links are one warning)",
        r"linked file y\.md is not in the vault",
    )
    bad(
        "long-title",
        "Bad/Long Title Meeting.md",
        (
            _front(title="word " * 300, date="2025-10-06", participants="[Owner Person]")
            + "Text.\n"
        ).encode(),
        "a meeting with a 1,500-character title (longer than a file name may be)",
    )
    bad(
        "long-link",
        "Bad/Long Link.md",
        f"# Long link\n\n[[{'Topic ' * 80}]]\n".encode(),
        "a link to a topic whose name is longer than a file name may be",
    )


# -- dates --------------------------------------------------------------------------------------


def _dates(v: AdversarialVault, w: _Writer) -> None:
    def meeting(id: str, value: str, description: str, *warns: str) -> None:
        path = f"Dates/Date {id}.md"
        w.text(
            path,
            _front(title=f"Date {id}", date=value, participants="[Date Tester]") + "\nA meeting.\n",
        )
        _case(v, w, f"date-{id}", "dates", description, tuple(_re(path) + x for x in warns))

    meeting("yaml", "2025-10-06", "a YAML date")
    meeting("quoted", "'2025-10-06'", "a quoted date")
    meeting("t", "2025-10-06T14:00", "`2025-10-06T14:00`")
    meeting("space", "'2025-10-06 14:00'", "`2025-10-06 14:00`")
    meeting("datetime", "2025-10-06 14:00:00", "a YAML datetime")
    meeting("tz", "2025-10-06T14:00:00+02:00", "a YAML datetime with a time zone")
    meeting("impossible", "2025-02-30", "an impossible date, unquoted", r"date: '2025-02-30'")
    meeting(
        "impossible-quoted", "'2025-02-30'", "an impossible date, quoted", r"date: '2025-02-30'"
    )
    meeting("slash", "06/10/2025", "a date in another form", r"date: '06/10/2025'")
    meeting("number", "20251006", "a number", r"date: '20251006'")
    meeting("empty", "", "an empty date (not a meeting)")


# -- privacy, round two (issue 11) ----------------------------------------------------------


def _hushed(
    v: AdversarialVault,
    w: _Writer,
    id: str,
    path: str,
    front: str,
    *,
    page: str,
    description: str,
    warns: tuple[str, ...] = (),
) -> None:
    """A private note whose frontmatter block is `front` (lines without the `---`): a unique
    marker in its text and title, a heading, a block id, a task."""
    marker = f"{MARK}-private-{id}"
    title = f"Hushed Title {id.replace('-', ' ').title()}"
    text = (
        f"---\ntitle: {title}\n{front}\n---\n\nThis note says {marker} and must never be "
        f"published.\n\n## Plans\n\nThe plan is {marker}-plans. ^blk\n\n"
        f"- [ ] {marker}-task @Owner Person 📅 2025-10-10\n"
    )
    w.text(path, text)
    _private(v, path, title, page, marker)
    _case(v, w, id, "privacy", description, warns)


KEY_CASES = [
    ("key-tags-capital", "Tags: [work, private]", "`Tags:` (capital T) holding `private`"),
    ("key-tag-upper", "TAG: private", "`TAG: private`"),
    ("key-tags-mixed", "tAgS: [Private/x]", "`tAgS:` holding a nested `Private/x`"),
    ("key-tag-capital-hash", "Tag: '#private'", "`Tag: '#private'`"),
    ("key-tags-capital-nested", "Tags: [[private]]", "`Tags: [[private]]`"),
    ("key-tags-capital-string", "Tags: work, PRIVATE", "`Tags:` as one string"),
    ("key-publish-capital", "Publish: false", "`Publish: false`"),
    ("key-publish-upper", "PUBLISH: no", "`PUBLISH: no`"),
    ("key-publish-mixed", "pUbLiSh: 'off'", "`pUbLiSh: 'off'`"),
    ("key-draft-upper", "DRAFT: true", "`DRAFT: true`"),
    ("key-draft-capital", "Draft: 'yes'", "`Draft: 'yes'`"),
]
VALUE_CASES = [
    ("publish-quoted-empty", "publish: ''"),
    ("publish-null", "publish: null"),
    ("publish-tilde", "publish: ~"),
    ("publish-maybe", "publish: maybe"),
    ("publish-list", "publish: [true]"),
    ("publish-mapping", "publish: {value: true}"),
    ("publish-two", "publish: 2"),
    ("publish-minus-one", "publish: -1"),
    ("publish-half", "publish: 0.5"),
    ("publish-nested", "publish: [[yes]]"),
    ("publish-sentence", "publish: 'true, later'"),
    ("draft-maybe", "draft: maybe"),
    ("draft-list", "draft: [false]"),
    ("draft-mapping", "draft: {value: false}"),
    ("draft-two", "draft: 2"),
    ("draft-capital-nested", "Draft: [[no]]"),
]
TWIN_KEY_CASES = [
    ("twin-publish", "publish: true\nPublish: false", "`publish: true` and `Publish: false`"),
    ("twin-tags", "tags: [work]\nTags: [private]", "`tags: [work]` and `Tags: [private]`"),
    ("twin-draft", "Draft: false\nDRAFT: true", "`Draft: false` and `DRAFT: true`"),
    ("twin-aliases", "aliases: [a]\nALIASES: [b]", "`aliases` and `ALIASES` (no privacy key)"),
]
EXTENSION_CASES = [
    ("ext-upper", "Private/Ext/Upper Ext.MD"),
    ("ext-capital", "Private/Ext/Capital Ext.Md"),
    ("ext-odd", "Private/Ext/Odd Ext.mD"),
    ("ext-markdown-upper", "Private/Ext/Shout Ext.MARKDOWN"),
    ("ext-markdown-capital", "Private/Ext/Camel Ext.Markdown"),
]
ALIAS_CASES = [
    ("key-aliases-capital", "publish: false\nAliases: [Hushed Alias Kilo]", "Hushed Alias Kilo"),
    ("key-alias-upper", "PUBLISH: 'no'\nALIAS: Hushed Alias Lima", "Hushed Alias Lima"),
]


def _privacy_round_two(v: AdversarialVault, w: _Writer) -> None:
    def page(path: str) -> str:
        from meeting_archive.urls import vault_page_path

        return vault_page_path(path)

    for id, front, description in KEY_CASES:
        path = f"Private/Keys/{id.replace('-', ' ').title()}.md"
        _hushed(
            v, w, id, path, front, page=page(path), description=f"{description} (keys in any case)"
        )
    for id, front in VALUE_CASES:
        path = f"Private/Values/{id.replace('-', ' ').title()}.md"
        _hushed(
            v,
            w,
            id,
            path,
            front,
            page=page(path),
            description=f'`{front}`: not clearly "publish", so private',
        )
    for id, front, description in TWIN_KEY_CASES:
        path = f"Private/Twins/{id.replace('-', ' ').title()}.md"
        _hushed(
            v,
            w,
            id,
            path,
            front,
            page=page(path),
            description=f"{description}: two keys differing only in case, left out with "
            "a warning naming file and line",
            warns=(_re_line(path) + "frontmatter cannot be parsed",),
        )
    for id, path in EXTENSION_CASES:
        _hushed(
            v,
            w,
            id,
            path,
            "publish: false",
            page=page(path),
            description=f"a `{path.rsplit('.', 1)[1]}` file with publish: false: withheld, "
            "never copied byte for byte",
        )
    for id, front, alias in ALIAS_CASES:
        path = f"Private/Keys/{id.replace('-', ' ').title()}.md"
        _hushed(
            v,
            w,
            id,
            path,
            front,
            page=page(path),
            description=f"{front.splitlines()[1].split(':')[0]}: a private note's alias in "
            "another key case; a public note links to it by that alias",
        )
        v.forbidden_pages.append(f"topics/{alias.lower().replace(' ', '-')}")
    w.text(
        "Links To Private Aliases.md",
        "# Links to private aliases\n\n"
        + "".join(f"- [[{alias}]]\n" for _, _, alias in ALIAS_CASES)
        + "".join(f"- [[{id.replace('-', ' ').title()}]]\n" for id, _, _ in KEY_CASES)
        + "".join(
            f"- [[{path.rsplit('/', 1)[1].rsplit('.', 1)[0]}]]\n" for _, path in EXTENSION_CASES
        ),
    )
    _case(
        v,
        w,
        "links-to-private-aliases",
        "privacy",
        "a public note links to the notes above by name and by an alias given under "
        "`Aliases:`/`ALIAS:`: plain text, no topic page",
    )

    # Attachments that only a private note uses, through every channel a note has.
    def attachment(name: str) -> str:
        marker = f"{MARK}-attachment-{name.rsplit('.', 1)[0].replace(' ', '-')}"
        head = b"%PDF-1.4\n" if name.endswith(".pdf") else b"\x89PNG\r\n\x1a\n"
        w.raw(f"Attach/{name}", head + marker.encode() + b"\x00" * 16)
        v.secrets.append(marker)
        return name

    names = {
        channel: attachment(name)
        for channel, name in (
            ("cover", "zqx cover.png"),
            ("banner", "zqx-banner.png"),
            ("gallery-wiki", "zqx-gallery-one.png"),
            ("gallery-path", "zqx-gallery-two.png"),
            ("nested", "zqx-nested.png"),
            ("md-image", "zqx-md-image.png"),
            ("ref-image", "zqx-ref-image.png"),
            ("ref-angle", "zqx ref link.pdf"),
            ("ref-titled", "zqx-ref-titled.png"),
            ("ref-upper", "zqx-ref-upper.png"),
            ("html-img", "zqx-html-img.png"),
            ("html-single", "zqx-html-single.png"),
            ("html-link", "zqx-html-link.pdf"),
        )
    }
    for shared in ("shared-by-ref.png", "shared-by-cover.png"):
        w.raw(f"Attach/{shared}", b"\x89PNG\r\n\x1a\n" + shared.encode() + b"\x00" * 16)
    marker = f"{MARK}-private-attachment-channels"
    w.text(
        "Private/Attachment Channels.md",
        "---\ntitle: Hushed Title Attachment Channels\npublish: false\n"
        f'cover: "[[{names["cover"]}]]"\n'
        f"banner: Attach/{names['banner']}\n"
        f'gallery: ["[[{names["gallery-wiki"]}]]", Attach/{names["gallery-path"]}]\n'
        f'header: {{image: {{src: "[[{names["nested"]}]]"}}}}\n'
        'thumbnail: "[[shared-by-cover.png]]"\n'
        f"---\n\nThis note says {marker}.\n\n"
        f"![alt text](../Attach/{names['md-image']})\n\n"
        "A reference image ![ref image][r1], a reference link [ref link][r2], a titled one "
        "![titled][r3] and one whose label differs in case ![upper][r4]; and [shared][r5].\n\n"
        f"[r1]: ../Attach/{names['ref-image']}\n"
        f'[r2]: <../Attach/{names["ref-angle"]}> "A title"\n'
        f"[r3]: ../Attach/{names['ref-titled']} 'Single title'\n"
        f"[R4]: ../Attach/{names['ref-upper']} (Paren title)\n"
        "[r5]: ../Attach/shared-by-ref.png\n\n"
        f'<img src="../Attach/{names["html-img"]}" alt="x"> '
        f"<img src='../Attach/{names['html-single']}'> "
        f'<a href="../Attach/{names["html-link"]}">a pdf</a>\n',
    )
    _private(
        v,
        "Private/Attachment Channels.md",
        "Hushed Title Attachment Channels",
        "private/attachment-channels",
        marker,
    )
    w.text(
        "Attach Public.md",
        '---\ncover: "[[shared-by-cover.png]]"\n---\n\n# Attachments in public\n\n'
        "![[shared-by-ref.png]]\n",
    )
    _case(
        v,
        w,
        "attachment-channels",
        "privacy",
        'attachments only a private note uses, by frontmatter properties (`cover: "[[x]]"`, a '
        "path, a list, a nested mapping), a Markdown image, reference-style links and images "
        "(`<…>`, titles, a label in another case) and raw HTML `src`/`href`: none published; "
        "two it shares with a public note (an embed, a property) are",
    )


# -- script, round two (issue 11) ------------------------------------------------------------


SCRIPT_URLS = [
    "jav\nascript:alert(1)",
    "j\nav\nascript:alert(2)",
    "JaVa\nScRiPt:alert(3)",
    "\x01 jav\nascript:alert(4)",
    "\x1f\x02javascript:alert(5)",
    "JAVASCRIPT:alert(6)",
    "vb\nscript:msgbox(7)",
    "VbScRiPt:msgbox(8)",
    "dat\na:text/html;base64,PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==",
    "DaTa:text/html;base64,PHNjcmlwdD5hbGVydCgxMCk8L3NjcmlwdD4=",
]
"""URLs a browser runs as script once its URL parser has read them (a newline inside the
scheme is removed, leading C0 controls and spaces are stripped, case does not count); none
has `<`, `&`, `{`, a quote or a tab (Python-Markdown expands tabs: what it leaves of one is a
relative URL, not script)."""
SCRIPT_URLS_WITH_ENTITIES = [
    "&#106;avascript:alert(11)",
    "&#x6A;avascript:alert(12)",
    "&#X6a;AVASCRIPT:alert(13)",
    "java&Tab;script:alert(14)",
    "java&NewLine;script:alert(15)",
    "javascript&colon;alert(16)",
    "&#x20;javascript:alert(17)",
    "&#1;javascript:alert(18)",
    "jav&#x09;ascript:alert(19)",
    "vb&#x0A;script:msgbox(20)",
]
"""Script URLs once the HTML parser has decoded their entities (raw HTML attributes)."""
FORGED_SHAPES = [
    "<!--ma-fragment-0-->",
    "<!--ma-fragment-1-->",
    "<!--ma-fragment-٠-->",
    "<!--ma-fragment-0+--><script>alert('forged-1')</script><!--/ma-fragment-0-->",
    "<!--ma-fragment-3+--><img src=x onerror=alert('forged-2')><!--/ma-fragment-3-->",
    "Inline <!--ma-fragment-0+--><svg onload=alert('forged-3')></svg><!--/ma-fragment-0--> text",
    "<div><!--ma-fragment-0+--></div>\n<script>alert('forged-4')</script>\n<div><!--/ma-fragment-0--></div>",
    "| a |\n|---|\n| <!--ma-fragment-0+--><script>alert('forged-5')</script><!--/ma-fragment-0--> |",
    "> <!--ma-fragment-0+--><script>alert('forged-6')</script><!--/ma-fragment-0-->",
    "- <!--ma-fragment-1+--><iframe src=javascript:alert('forged-7')></iframe><!--/ma-fragment-1-->",
    "<!--ma-fragment-0+-->\n\n<script>alert('forged-8')</script>\n\n<!--/ma-fragment-0-->",
    "<!--ma-fragment-١+--><script>alert('forged-9')</script><!--/ma-fragment-١-->",
    "<!--ma-fragment-99+--><object data=x></object><!--/ma-fragment-99-->",
    "```\n<!--ma-fragment-0+--><script>alert('forged-code')</script><!--/ma-fragment-0-->\n```",
]
"""Notes writing the plugin's own placeholder comments (fragments.py) around script."""


def _xss_round_two(v: AdversarialVault, w: _Writer) -> None:
    # One page per spelling: whether a page looks harmless (and skips work) is decided page
    # by page, so a page must not be made suspicious by another spelling.
    paths = []
    for n, url in enumerate(SCRIPT_URLS):
        path = f"XSS/Url Spelling {n}.md"
        paths.append(path)
        body = [
            f"# Url spelling {n}",
            "",
            f"A [link]({url}), an ![image]({url}) and a [[Url Spelling {n}|wikilink]].",
            "",
        ]
        if "\n" not in url:  # a reference definition ends at the line's end
            body += [
                f"A [reference][r{n}] and a ![reference image][r{n}].",
                "",
                f"[r{n}]: {url}",
                "",
            ]
        w.text(path, "\n".join(body))

    def q(text: str) -> str:
        """A YAML double-quoted string (its escapes spell the control characters)."""
        return '"' + text.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'

    tab = "jav\tascript:alert(21)"
    w.text(
        "XSS/Url Meeting.md",
        "---\n"
        f"title: {q(tab)}\n"
        "date: 2025-10-14\n"
        f"participants: [{q(tab)}, {q(SCRIPT_URLS[4])}, Owner Person]\n"
        f"source: {q(SCRIPT_URLS[5])}\n"
        f"aliases: [{q(tab)}]\n"
        f"tags: [{q('javascript:alert(22)')}]\n"
        "---\n\nA meeting whose fields look like script URLs.\n",
    )
    html_body = ["# Url spellings in HTML", ""]
    for n, url in enumerate(SCRIPT_URLS + SCRIPT_URLS_WITH_ENTITIES):
        html_body += [
            f'<a href="{url}">a {n}</a> <img src="{url}" alt="i {n}"> '
            f'<form action="{url}"><button formaction="{url}">b {n}</button></form>',
            "",
        ]
    html_path = "XSS/Url Spellings Html.md"
    w.text(html_path, "\n".join(html_body))
    _case(
        v,
        w,
        "xss-url-spellings",
        "xss",
        "script URLs as a browser reads them (a newline inside the scheme, C0 controls and "
        "spaces before it, any case, vbscript:, data:) in Markdown links, images and reference "
        "definitions, one per page, pages with no `<`, `&` or `{`; in a meeting's title, "
        "attendee, source, alias and tag (with a tab); with entities (`&#106;`, `&#x6A;`, "
        "`&Tab;`, `&NewLine;`, `&colon;`) in raw HTML href/src/action/formaction",
        may_warn=(*map(_re, paths), _re(html_path)),
    )
    w.text("XSS/Forged Target.md", "# Forged target\n\nA plain note.\n")
    w.text("XSS/Forged Linker.md", "# Forged linker\n\n[[Forged Placeholders]]\n")
    forged = "\n\n".join(FORGED_SHAPES)
    w.text(
        "XSS/Forged Placeholders.md",
        f"# Forged placeholders\n\nSee [[Forged Target]].\n\n{forged}\n",
    )
    w.text("XSS/Forged Alone.md", f"# Forged alone\n\n{forged}\n")
    w.text(
        "XSS/Forged Meeting.md",
        _front(title="Forged meeting", date="2025-10-15", participants="[Owner Person]")
        + f"\n{forged}\n\n![[Forged Placeholders]]\n",
    )
    _case(
        v,
        w,
        "xss-forged-placeholders",
        "xss",
        "notes that write the plugin's placeholder comments (`<!--ma-fragment-N-->`, the "
        "`+`…`/` pair, Arabic-Indic digits) around script: on a page with fragments "
        "(backlinks, a meeting header), on one with none, embedded (their `<img src=x>` names "
        "a file the vault lacks: a warning, as a Markdown image's would be)",
        warns=tuple(
            _re(f"XSS/Forged {n}.md") + r"linked file x is not in the vault"
            for n in ("Placeholders", "Alone", "Meeting")
        ),
    )


# -- characters XML 1.0 forbids (issue 11) ----------------------------------------------------


def _xml_forbidden(v: AdversarialVault, w: _Writer) -> None:
    path = "Bad/Xml Forbidden.md"
    w.raw(
        path,
        (
            "---\n"
            'title: "Xml \\e esc \\f ff \\a bell \\0 nul \\x01 soh \\uFFFE \\uFFFF meeting"\n'
            "date: 2031-01-02\n"
            'participants: ["Esc\\ePerson", Owner Person]\n'
            'account: "Form\\fFeed Account"\n'
            "---\n\n"
            "# Heading \x1b with esc \x0c and ff\n\n"
            "- [ ] Task with \x1b esc, \x0c ff and \x01 soh @Owner 📅 2031-01-03\n"
            "- [ ] Task \ufffe with \uffff nonchars @Owner 📅 2031-01-04\n"
        ).encode("utf-8"),
    )
    _case(
        v,
        w,
        "xml-forbidden",
        "bad-input",
        "a meeting whose title, attendee, account, heading and tasks hold characters XML 1.0 "
        "forbids (ESC, form feed, NUL, C0 controls, U+FFFE, U+FFFF): feed.xml, actions.ics and "
        "every JSON file still parse",
        may_warn=(_re(path),),  # whether stripping them is reported is left open
    )
    surrogate = "Bad/Xml Surrogate.md"
    w.raw(
        surrogate,
        b"---\ntitle: 'Lone \xed\xa0\x80 surrogate meeting'\ndate: 2031-01-05\n"
        b"participants: [Owner Person]\n---\n\n- [ ] Surrogate \xed\xb0\x80 task @Owner "
        + "📅 2031-01-06\n".encode(),
    )
    _case(
        v,
        w,
        "xml-surrogate",
        "bad-input",
        "a meeting with the bytes of lone surrogates (U+D800, U+DC00) in its title and a task",
        warns=(_re(surrogate) + "is not valid UTF-8",),
    )


_SECTIONS: list[Callable[[AdversarialVault, _Writer], None]] = [
    _privacy,
    _comments,
    _outside,
    _xss,
    _embeds,
    _names,
    _bad_input,
    _dates,
    _privacy_round_two,
    _xss_round_two,
    _xml_forbidden,
]


SECTION_TITLES = {
    "privacy": "Privacy",
    "comments": "Comments",
    "outside": "Leaving the vault",
    "xss": "HTML and script",
    "embeds": "Embeds",
    "names": "Names",
    "bad-input": "Bad input",
    "dates": "Dates",
}


def readme(vault: AdversarialVault) -> str:
    """tests/fixtures/adversarial/README.md: the list of cases (`python tests/adversarial.py`)."""
    out = [
        "# The adversarial vault",
        "",
        "Written by `tests/adversarial.py` into a temporary folder on each run (binary files, "
        "symlinks, a 5 MB note and UTF-16 are generated rather than committed) and built by "
        "`tests/test_adversarial.py` under both `use_directory_urls` settings, the second with "
        "`--strict`. Every private note carries a unique marker string (`zqx-…`); after each "
        "build `tests/privacy_audit.py` checks that no marker, no private title and no link to "
        "a private note's would-be URL is anywhere under `site/`, that no file in `site/` came "
        "from outside the vault, and that no page carries script the vault's text produced.",
        "",
        "Each case names the warnings it must give: each must appear exactly once, naming the "
        "file (and line where known), and no other warning may appear, but for those a case "
        "says it may give (where DESIGN-NOTES leaves it open). A new case is a new "
        "entry in `tests/adversarial.py`; regenerate this list with "
        "`python tests/adversarial.py > tests/fixtures/adversarial/README.md` (a test checks "
        "that it is current).",
        "",
    ]
    for section, title in SECTION_TITLES.items():
        out += [f"## {title}", "", "| case | what | warnings |", "|---|---|---:|"]
        out += [
            f"| `{c.id}` | {c.description.replace('|', chr(92) + '|')} | {len(c.warns)}"
            + (" (+ optional)" if c.may_warn else "")
            + " |"
            for c in vault.cases
            if c.section == section
        ]
        out.append("")
    out.append(
        f"{len(vault.cases)} cases, {len(vault.private)} private notes, "
        f"{len(vault.markers)} markers."
    )
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        sys.stdout.write(readme(write_adversarial_vault(Path(folder))))
