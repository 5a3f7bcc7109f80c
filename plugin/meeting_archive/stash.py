"""Finished HTML kept out of Python-Markdown's way, behind markers a note cannot forge.

A page's Markdown carries a token where the plugin's own HTML goes (a link, a task's fields, a
listing); the token is plain text to Markdown and to the sanitizer, and is replaced by the HTML
once the note's own HTML has been sanitized. Each page draws a random secret, and every token
of the page spells it: a note cannot know it, so nothing a note writes is ever taken for one.

Three kinds of marker, each with its secret:
- inline and block tokens (`Stash`), replaced right after sanitizing;
- fill placeholders (HTML comments), replaced when the page is written, after the search index
  has read the page (listings are not searched);
- late fragments (`#ma-f…` in an href), replaced when the page is written, once every page's
  headings are known.
"""

from __future__ import annotations

import re
import secrets

_OPEN, _BLOCK, _CLOSE = "\ue000", "\ue002", "\ue001"
_DIGITS = "".join(chr(0xE010 + i) for i in range(16))


def _spell(number: int) -> str:
    return "".join(_DIGITS[int(c, 16)] for c in f"{number:x}")


def _read(spelled: str) -> int:
    return int("".join(f"{ord(c) - 0xE010:x}" for c in spelled), 16)


_TOKEN = re.compile(
    f"<p>{_BLOCK}([{_DIGITS}]{{16}})([{_DIGITS}]+){_CLOSE}</p>"
    f"|[{_OPEN}{_BLOCK}]([{_DIGITS}]{{16}})([{_DIGITS}]+){_CLOSE}"
)


class Stash:
    """The tokens of one page."""

    def __init__(self) -> None:
        self.secret = secrets.token_hex(8)
        self._secret = "".join(_DIGITS[int(c, 16)] for c in self.secret)
        self.kept: list[str] = []

    def inline(self, finished_html: str) -> str:
        """A token for HTML that stands inside a line of text."""
        self.kept.append(finished_html)
        return f"{_OPEN}{self._secret}{_spell(len(self.kept) - 1)}{_CLOSE}"

    def block(self, finished_html: str) -> str:
        """A token that stands alone as a paragraph: its HTML replaces the whole paragraph."""
        self.kept.append(finished_html)
        return f"{_BLOCK}{self._secret}{_spell(len(self.kept) - 1)}{_CLOSE}"

    def unstash(self, html: str) -> str:
        return _TOKEN.sub(self._replace, html) if self.kept else html

    def plain(self, text: str) -> str:
        """`text` with the page's tokens removed (what a heading's id is made from)."""
        return _TOKEN.sub(self._remove, text) if self.kept else text

    def _own(self, match: re.Match[str]) -> int | None:
        """The number of one of this page's tokens; None for anything else (a token a note
        wrote lacks the secret)."""
        secret, number = match.group(1, 2) if match.group(1) else match.group(3, 4)
        if secret != self._secret:
            return None
        n = _read(number)
        return n if n < len(self.kept) else None

    def _replace(self, match: re.Match[str]) -> str:
        n = self._own(match)
        return match.group() if n is None else self.kept[n]

    def _remove(self, match: re.Match[str]) -> str:
        return match.group() if self._own(match) is None else ""


class Fills:
    """Placeholders for HTML put into a page when it is written (see the module docstring)."""

    def __init__(self, secret: str | None = None) -> None:
        self.secret = secret or secrets.token_hex(8)
        self.made: list[str] = []

    def placeholder(self, html: str, indexed: str = "") -> str:
        """The HTML comment that `html` replaces when the page is written; `indexed` stands in
        its place for the search index until then."""
        self.made.append(html)
        n = len(self.made) - 1
        if not indexed:
            return f"<!--ma-{self.secret}-{n}-->"
        return f"<!--ma-{self.secret}-{n}+-->{indexed}<!--/ma-{self.secret}-{n}-->"


_FILL = re.compile(
    r"<!--ma-([0-9a-f]{16})-(\d+)-->|<!--ma-([0-9a-f]{16})-(\d+)\+-->.*?<!--/ma-\3-\4-->",
    re.DOTALL,
)


def fill(html: str, secret: str, made: tuple[str, ...] | list[str]) -> str:
    """The page's HTML with each placeholder of `secret` replaced by its fill."""
    if not made or "<!--ma-" not in html:
        return html

    def replace(match: re.Match[str]) -> str:
        found, number = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
        if found != secret:
            return match.group()
        n = int(number)
        return made[n] if n < len(made) else ""

    return _FILL.sub(replace, html)


def fragment_token(secret: str, number: int) -> str:
    """The fragment that a late-bound heading link carries until the page is written."""
    return f"ma-f{secret}-{number}"


def fragment_tokens(secret: str) -> re.Pattern[str]:
    return re.compile(f"#ma-f{secret}-(\\d+)")
