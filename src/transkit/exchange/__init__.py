"""Exchange formats behind the one unit model: what a CAT tool, another memory or a PO
compendium reads and writes, as `Unit`s.

A format is one module with one class, registered under the `transkit.formats` entry
points (the built-ins too, in `pyproject.toml`; `exchange.registry` lists and loads them):

    class Format:
        name: str                      # "tmx", chosen with --format
        suffixes: tuple[str, ...]      # (".tmx",), chosen by the file's name
        description: str               # one line, for --help
        def read(self, path, source_lang=None) -> Iterable[Bitext]: ...
        def write(self, bitexts, path, **options) -> int: ...   # units written

`read` gives the file's units in batches of one language pair (`Bitext`); `source_lang`
is the sources' language when the user gave one (`tm import --source-lang`), for files
that may not say it; a Bitext whose `source` is "" is in the project's source language.
`write` writes them atomically (`fsutil.atomic_write_bytes`) and returns how many units
it wrote; options a format does not know are ignored (`markup`, what placeholders stand
for; `fingerprints`; `source_lang`). A format of every language at once (TMX) says
`multilingual = True`; others are given one language pair. Bad input is
`InputError(message, path, line)`; a parser never resolves an entity nor reaches the
network.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..unit import Unit


@dataclass
class Code:
    """What a placeholder stands for: its kind (`g` paired, `x` empty), the element's
    name and its original markup (`<a href="…">` and `</a>`; the whole element for `x`)."""

    kind: str
    tag: str = ""
    start: str = ""
    end: str = ""


# What the placeholders of a source text stand for, given its document and text.
Markup = Callable[[str, str], "dict[int, Code] | None"]


@dataclass
class Suggestion:
    """A translation memory match offered with an empty unit."""

    score: int
    source: str
    target: str
    origin: str


@dataclass
class Bitext:
    """Units of one language pair as an exchange file holds them: each unit's `msgid` is
    in `source`, its `msgstr` in `target`, its state the unit's own (`Unit.state`).

    `doc` names the document they belong to (an XLIFF <file>, a TMX `x-transkit-doc`
    property), `original` the file it was made from, `date` (YYYY-MM-DD) when the
    translations were made (`source_date`: the sources) and `origin` who made them
    (the memory's provenance words: human, imported, machine, fuzzy; "" when the file
    does not say), `line` where the batch starts. Per unit, by index in `units`: `ids`
    the format's own ids, `fingerprints` what the entry held at export (XLIFF),
    `problems` why a read unit cannot be used, `matches` memory matches to offer with it.
    """

    source: str
    target: str
    units: list[Unit] = field(default_factory=list)
    doc: str = ""
    original: str = ""
    date: str | None = None
    source_date: str | None = None
    origin: str = ""
    line: int = 0
    ids: list[str] = field(default_factory=list)
    fingerprints: dict[int, str] = field(default_factory=dict)
    problems: dict[int, str] = field(default_factory=dict)
    matches: dict[int, list[Suggestion]] = field(default_factory=dict)


class Format(Protocol):
    """The shape of an exchange format (see the module's docstring)."""

    name: str
    suffixes: tuple[str, ...]
    description: str

    def read(self, path: Path, source_lang: str | None = None) -> Iterable[Bitext]: ...

    def write(self, bitexts: Iterable[Bitext], path: Path, **options: Any) -> int: ...


# --- the placeholder legend of a PO entry --------------------------------------------------

_LEGEND = re.compile(r"^<(?:g(\d+)>|x(\d+)/>) = (<([A-Za-z][\w.-]*).*)$", re.DOTALL)


def is_legend(note: str) -> bool:
    """Whether an extracted comment is a line of the placeholder legend."""
    return _LEGEND.match(note) is not None


def legend_codes(unit: Unit) -> dict[int, Code]:
    """The codes as the unit's legend tells them (`<g1> = <a href="…">`)."""
    codes: dict[int, Code] = {}
    for note in unit.extracted_comments:
        found = _LEGEND.match(note)
        if found is None:
            continue
        paired, empty, markup, tag = found.groups()
        if paired:
            codes[int(paired)] = Code("g", tag, markup, f"</{tag}>")
        else:
            codes[int(empty)] = Code("x", tag, markup)
    return codes
