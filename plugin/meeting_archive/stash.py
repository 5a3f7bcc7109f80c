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


class Stash:
    """The tokens of one page."""

    def __init__(self) -> None:
        self.secret = secrets.token_hex(8)
        self._secret = "".join(_DIGITS[int(c, 16)] for c in self.secret)
        self.kept: list[str] = []
        self._token = re.compile(
            f"<p>{_BLOCK}{self._secret}([{_DIGITS}]+){_CLOSE}</p>"
            f"|[{_OPEN}{_BLOCK}]{self._secret}([{_DIGITS}]+){_CLOSE}"
        )

    def inline(self, finished_html: str) -> str:
        """A token for HTML that stands inside a line of text."""
        self.kept.append(finished_html)
        return f"{_OPEN}{self._secret}{_spell(len(self.kept) - 1)}{_CLOSE}"

    def block(self, finished_html: str) -> str:
        """A token that stands alone as a paragraph: its HTML replaces the whole paragraph."""
        self.kept.append(finished_html)
        return f"{_BLOCK}{self._secret}{_spell(len(self.kept) - 1)}{_CLOSE}"

    def unstash(self, html: str) -> str:
        if not self.kept:
            return html
        kept = self.kept
        return self._token.sub(lambda m: kept[_read(m.group(1) or m.group(2))], html)

    def plain(self, text: str) -> str:
        """`text` with tokens removed (what a heading's id is made from)."""
        return self._token.sub("", text)


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


def fill(html: str, secret: str, made: tuple[str, ...] | list[str]) -> str:
    """The page's HTML with each placeholder of `secret` replaced by its fill."""
    if not made:
        return html
    pattern = re.compile(
        f"<!--ma-{secret}-(\\d+)-->|<!--ma-{secret}-(\\d+)\\+-->.*?<!--/ma-{secret}-\\2-->",
        re.DOTALL,
    )

    def replace(match: re.Match[str]) -> str:
        n = int(match.group(1) or match.group(2))
        return made[n] if n < len(made) else ""

    return pattern.sub(replace, html)


def fragment_token(secret: str, number: int) -> str:
    """The fragment that a late-bound heading link carries until the page is written."""
    return f"ma-f{secret}-{number}"


def fragment_tokens(secret: str) -> re.Pattern[str]:
    return re.compile(f"#ma-f{secret}-(\\d+)")
