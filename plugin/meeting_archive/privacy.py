"""Whether a note may be published, decided once, before anything else reads it.

A note is private when its frontmatter says so (`publish` not clearly true, `draft` not clearly
false), or when it carries a private tag anywhere: in `tags`/`tag` (any letter case, any
nesting, as one string or a list), or inline, headings and comments included. When in doubt,
a note is not published.
"""

from __future__ import annotations

from typing import Any

from . import obsidian
from .properties import Properties, scalars

_YES = ("true", "yes", "on", "1")
_NO = ("false", "no", "off", "0")


def says_yes(value: Any) -> bool:
    """Whether a value clearly says yes (`true`, `yes`, `on`, `1`)."""
    if value is True:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int) and not isinstance(value, bool):
        return value == 1
    return isinstance(value, str) and value.strip().lower() in _YES


def says_no(value: Any) -> bool:
    """Whether a value clearly says no (`false`, `no`, `off`, `0`)."""
    if value is False:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value == 0
    return isinstance(value, str) and value.strip().lower() in _NO


def frontmatter_tags(props: Properties) -> list[str]:
    """Every tag the frontmatter gives, however it is written (`tags: a, b`, `tag: "#x"`, a
    list, a list in a list, a mapping)."""
    tags: list[str] = []
    for key in ("tags", "tag"):
        for text in scalars(props.get(key)):
            tags.extend(t.lstrip("#") for t in text.replace(",", " ").split() if t.lstrip("#"))
    return tags


def private_reason(props: Properties, body: str, private_tags: tuple[str, ...]) -> str | None:
    """Why the note must not be published, or None. `body` is the text after the frontmatter,
    comments included."""
    if props.has("publish") and not says_yes(props.get("publish")):
        return "publish is not true"
    if props.has("draft") and not says_no(props.get("draft")):
        return "draft is not false"
    tags = frontmatter_tags(props)
    folded_body = body.casefold()
    if any("#" + tag.casefold() in folded_body for tag in private_tags):
        # Any `#private` makes a note private, even one in a heading (Obsidian counts those)
        # or in a %%comment%%.
        tags += obsidian.inline_tags(body, in_headings=True)
    private = {t.casefold() for t in private_tags}
    for tag in tags:
        folded = tag.casefold()
        if folded in private or any(folded.startswith(p + "/") for p in private):
            return f"tag {tag}"
    return None
