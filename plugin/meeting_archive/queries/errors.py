"""The one error the query engines raise: a query that cannot be parsed or evaluated.

Touches nothing: a plain exception with the position of the problem in the query text, so
that the caller can warn with file, line and column and render the block as code.
"""

from __future__ import annotations


class QueryError(Exception):
    """A query that cannot be parsed or evaluated.

    `line` and `column` are 1-based, within the query text (not the note holding it).
    """

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message, line, column)
        self.message = message
        self.line = line or 1
        self.column = column or 1
        self.located = line is not None
        """Whether the position was given (an engine adds it where the error is caught)."""

    def at(self, line: int, column: int) -> QueryError:
        """This error, placed at `line`, `column` unless it already has a place."""
        return self if self.located else QueryError(self.message, line, column)

    def __str__(self) -> str:
        return f"{self.message} (line {self.line}, column {self.column})"


def position_of(text: str, offset: int) -> tuple[int, int]:
    """(line, column), both 1-based, of a character offset in `text`."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column
