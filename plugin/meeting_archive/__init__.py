"""mkdocs-meeting-archive: publish an Obsidian-style vault of meeting notes with MkDocs.

The model (notes, people, accounts, topics, action items, decisions) is plain data; a
mkdocs-gen-files script can read it with `current_archive()` to add pages of its own.
"""

from __future__ import annotations

__version__ = "0.2.0"

from . import _current
from .model import Archive, Decision, Entity, Note, Task

__all__ = ["Archive", "Decision", "Entity", "Note", "Task", "__version__", "current_archive"]


def current_archive() -> Archive:
    """The archive of the MkDocs build in progress (raises outside a build)."""
    return _current.get()
