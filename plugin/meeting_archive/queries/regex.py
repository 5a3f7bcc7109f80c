"""Regular expressions written for JavaScript (as all three query languages take them),
compiled once for Python's `re`, with a guard against patterns that can take exponential
time to match (a query runs on every build; a note must not be able to stall it).

Pure functions; callers compile a pattern once per query, never once per row.
"""

from __future__ import annotations

import re

from .errors import QueryError

_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "u": 0, "g": 0, "y": 0, "d": 0}
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,\d*\})\)(?:[+*]|\{\d*,)")
"""A group that repeats something and is itself repeated, `(a+)+`: the classic pattern of
catastrophic backtracking."""
_MAX_PATTERN = 1_000


def compile_js(source: str, flags: str = "") -> re.Pattern[str]:
    """A JavaScript pattern and its flags, compiled; QueryError if it cannot be, or if it is
    a pattern whose matching can take exponential time."""
    unknown = sorted(set(flags) - set(_FLAGS))
    if unknown:
        raise QueryError(f"unknown regex flag '{''.join(unknown)}' in /{source}/{flags}")
    if len(source) > _MAX_PATTERN:
        raise QueryError(f"regex is longer than {_MAX_PATTERN} characters")
    if _NESTED_QUANTIFIER.search(source):
        raise QueryError(f"regex /{source}/ repeats a repetition, which can take forever to match")
    python = re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", source)
    python = re.sub(r"\\k<([A-Za-z_]\w*)>", r"(?P=\1)", python)
    compiled = 0
    for flag in flags:
        compiled |= _FLAGS[flag]
    try:
        return re.compile(python, compiled)
    except (re.error, OverflowError, RecursionError) as error:
        raise QueryError(f"cannot read regex /{source}/{flags}: {error}") from None


def js_replacement(replacement: str) -> str:
    """A JavaScript replacement string (`$1`, `$&`, `$$`) for `re.sub`."""
    out: list[str] = []
    index = 0
    while index < len(replacement):
        char = replacement[index]
        following = replacement[index + 1 : index + 2]
        if char == "$" and following.isdigit():
            out.append(f"\\g<{following}>")
            index += 2
        elif char == "$" and following == "&":
            out.append("\\g<0>")
            index += 2
        elif char == "$" and following == "$":
            out.append("$")
            index += 2
        else:
            out.append("\\\\" if char == "\\" else char)
            index += 1
    return "".join(out)
