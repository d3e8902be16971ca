"""What `status` needs of one catalogue, from the one reader: counts, the headers status
reads, the units still to translate, the merge conflicts left. Kept small for the cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .model import SOURCE_HEADER, SOURCE_LANG_HEADER, TEMPLATE_HEADER

# Headers status needs; the others are not kept in the statistics cache.
STATUS_HEADERS = frozenset({"Language", TEMPLATE_HEADER, SOURCE_HEADER, SOURCE_LANG_HEADER})
# The fields of a `FileStats` record, as the cache holds it (`to_json`).
FIELDS = ("units", "words", "translated", "translated_words", "fuzzy", "fuzzy_words",
          "headers", "missing", "conflicts")


class FileStats:
    """Counts of one catalogue (as `msgfmt --statistics` counts), with words."""

    __slots__ = FIELDS

    def __init__(self, units: int = 0, words: int = 0, translated: int = 0,
                 translated_words: int = 0, fuzzy: int = 0, fuzzy_words: int = 0,
                 headers: dict[str, str] | None = None,
                 missing: list[tuple[int, str, bool]] | None = None,
                 conflicts: list[int] | None = None):
        self.units, self.words = units, words
        self.translated, self.translated_words = translated, translated_words
        self.fuzzy, self.fuzzy_words = fuzzy, fuzzy_words
        self.headers = headers if headers is not None else {}
        self.missing = missing if missing is not None else []  # line, source, fuzzy
        self.conflicts = conflicts if conflicts is not None else []  # lines of merge conflicts

    def to_json(self) -> dict[str, Any]:
        """The record as plain data, one named field each (`FIELDS`)."""
        return {name: getattr(self, name) for name in FIELDS}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileStats:
        """The record `to_json` made; `TypeError` or `KeyError` for anything else (a
        cache of another shape, which the caller then rebuilds)."""
        return cls(int(data["units"]), int(data["words"]), int(data["translated"]),
                   int(data["translated_words"]), int(data["fuzzy"]),
                   int(data["fuzzy_words"]), headers=dict(data["headers"]),
                   missing=[(int(m[0]), str(m[1]), bool(m[2])) for m in data["missing"]],
                   conflicts=[int(n) for n in data["conflicts"]])


def scan(path: Path | str, want_missing: bool = True) -> FileStats:
    """Read a catalogue with the strict reader and count it (`missing` left empty unless
    `want_missing`)."""
    from ..fsutil import read_bytes

    return stats_of(read_bytes(Path(path)), path, want_missing)


def stats_of(data: bytes, path: Path | str, want_missing: bool = True,
             fast: bool = True) -> FileStats:
    """The figures of a catalogue's bytes. Counted without building its units where the
    reader can (`po.tally`: gettext's and transkit's layouts, no merge conflict left);
    anything else, and every file it refuses, is read whole (`fast=False`: always)."""
    from .merge import CONFLICT_MARK, conflict_lines
    from .po import parse, tally

    # A file with a merge conflict left is read whole: `conflict_lines` says where.
    counted = tally(data, path, CONFLICT_MARK, want_missing) if fast else None
    if counted is not None:
        figures, metadata, conflicts = counted.figures, counted.metadata, []
    else:
        catalogue = parse(data, path)
        figures, metadata = catalogue.figures(), catalogue.metadata
        conflicts = conflict_lines(catalogue)
    headers = {k: v for k, v in metadata.items() if k in STATUS_HEADERS}
    return FileStats(figures.units, figures.words, figures.translated,
                     figures.translated_words, figures.fuzzy, figures.fuzzy_words, headers,
                     figures.missing if want_missing else [], conflicts)
