"""Markdown → HTML for the plugin's pages, with the site's own Markdown configuration.

The plugin converts its pages itself, with the extensions and settings `mkdocs.yml` gives
(Python-Markdown, as MkDocs does), so that a page is a value: its HTML and table of contents
can be made once and used again while its inputs stay the same, and a note the engine cannot
convert (a list nested five hundred levels deep makes Python-Markdown recurse past Python's
limit) is reported and shown as text instead of stopping the build.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from typing import Any

import markdown

TocToken = dict[str, Any]
"""Python-Markdown's toc token: level, id, name, children (what MkDocs' get_toc reads)."""


class RenderFailure(Exception):
    """The Markdown engine could not convert a text."""


@dataclass(frozen=True)
class Converted:
    html: str
    toc: tuple[TocToken, ...]


class MarkdownEngine:
    """One Python-Markdown instance for a build, reset between pages."""

    def __init__(self, extensions: list[Any], configs: dict[str, Any]) -> None:
        self.extensions = extensions
        self.configs = configs
        self._md: markdown.Markdown | None = None
        self.fingerprint = hashlib.blake2b(
            repr((_names(extensions), _stable(configs))).encode("utf-8"), digest_size=12
        ).hexdigest()
        """Changes when the configuration does: cached pages made with another are stale."""

    def convert(self, text: str) -> Converted:
        md = self._md
        if md is None:
            md = self._md = markdown.Markdown(
                extensions=self.extensions, extension_configs=self.configs
            )
        try:
            out = md.reset().convert(text)
        except RecursionError as err:
            self._md = None
            raise RenderFailure("nesting too deep") from err
        except Exception as err:  # an extension's bug on odd input must not stop the build
            self._md = None
            raise RenderFailure(f"{type(err).__name__}: {err}") from err
        return Converted(out, tuple(getattr(md, "toc_tokens", [])))


def as_text(text: str) -> str:
    """What a note the engine cannot convert shows: its text, escaped, as written."""
    return f'<pre class="ma-unrendered"><code>{html.escape(text)}</code></pre>'


def _names(extensions: list[Any]) -> list[str]:
    return [
        e if isinstance(e, str) else f"{type(e).__module__}.{type(e).__name__}" for e in extensions
    ]


def _stable(value: Any) -> Any:
    """A repr-able form of extension settings that does not change from run to run (callables
    by their qualified name, not their address)."""
    if isinstance(value, dict):
        return sorted((str(k), _stable(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_stable(v) for v in value]
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(value))}"
    return value
