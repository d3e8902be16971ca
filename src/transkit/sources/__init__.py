"""Bulletin formats: a page read into a skeleton and units, and written back with
translations. Formats are plug-ins of the `transkit.sources` entry-point group, named by
the file suffix they read (`html = "transkit.sources.html:HtmlSource"`), so the
suffixes are known without importing any adapter (status never loads lxml). HTML is the
one built-in (`html.py`).

An adapter is a class built without arguments, with
`read(path, name, ref_path, config, default_language, source_language=None) ->
Document`: the page's units (`Document.units()`) and the skeleton the build writes the
translations into, with `source_hash` the `text.source_digest` of the file's bytes. An
adapter of a format that converts to HTML hands the page to
`html.document_from_html(page, path, …, original=file_bytes)`."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..plugins import SOURCES, guarded, installed, load, names

if TYPE_CHECKING:
    from ..config import ExtractConfig
    from .html import Document


@cache
def suffixes() -> tuple[str, ...]:
    """The suffixes of bulletins, lower case with the dot (`.html`)."""
    return tuple("." + name.lower() for name in names(SOURCES))


def is_source(path: Path | str) -> bool:
    return os.path.splitext(str(path))[1].lower() in suffixes()


def stem(file_name: str) -> str:
    """A bulletin's document name: its file name without the suffix."""
    return os.path.splitext(file_name)[0] if is_source(file_name) else file_name


def file_name(folder: Path, name: str) -> str:
    """The file name of document `name` in `folder` (the first suffix that exists; the
    first suffix when none does, for messages about a missing bulletin)."""
    for suffix in suffixes():
        if os.path.isfile(folder / (name + suffix)):
            return name + suffix
    return name + (suffixes() or (".html",))[0]


@cache
def _adapter(suffix: str) -> Any:
    name = suffix.lstrip(".")
    point = installed(SOURCES).get(name)
    if point is None:
        raise InputError(f"no bulletin format reads {suffix} files (installed: "
                         f"{', '.join(suffixes())})")
    # A plug-in that cannot be imported, of the wrong shape or failing is one line.
    cls = load(SOURCES, name, "bulletin format")
    if not isinstance(cls, type) or not callable(getattr(cls, "read", None)):
        raise InputError(f"bulletin format {name!r} ({point.value}) is not an adapter class "
                         "with a read method")
    return guarded(cls, f"bulletin format {name!r}")


def read(path: Path, name: str, ref_path: str, config: ExtractConfig,
         default_language: str, source_language: str | None = None) -> Document:
    """The document a bulletin holds, read by the adapter of its suffix."""
    try:
        document: Document = _adapter(path.suffix.lower()).read(
            path, name, ref_path, config, default_language, source_language)
    except InputError as exc:
        if exc.path is None:  # a format that cannot be loaded: the bulletin it was for
            exc.path = str(path)
        raise
    return document
