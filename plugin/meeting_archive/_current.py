"""The archive of the build in progress, for mkdocs-gen-files scripts (like
`mkdocs_gen_files.FilesEditor.current()`): global, set in on_files, cleared after the build."""

from __future__ import annotations

from .model import Archive

_archive: Archive | None = None


def set(archive: Archive | None) -> None:
    global _archive
    _archive = archive


def get() -> Archive:
    if _archive is None:
        raise RuntimeError(
            "meeting_archive.current_archive() is only available during a MkDocs build "
            "with the meeting-archive plugin, from a mkdocs-gen-files script"
        )
    return _archive
