"""What `status` needs of one catalogue, from the one parser: counts, the headers status
reads, the units still to translate, the merge conflicts left. Kept small for the cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .model import SOURCE_HEADER, SOURCE_LANG_HEADER, TEMPLATE_HEADER

# Headers status needs; the others are not kept in the statistics cache.
STATUS_HEADERS = frozenset({"Language", TEMPLATE_HEADER, SOURCE_HEADER, SOURCE_LANG_HEADER})


class FileStats:
    """Counts of one catalogue (as `msgfmt --statistics` counts), with words."""

    __slots__ = ("units", "words", "translated", "translated_words", "fuzzy", "fuzzy_words",
                 "headers", "missing", "conflicts")

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

    def to_json(self) -> list[Any]:
        return [self.units, self.words, self.translated, self.translated_words, self.fuzzy,
                self.fuzzy_words, self.headers, self.missing, self.conflicts]

    @classmethod
    def from_json(cls, data: list[Any]) -> FileStats:
        return cls(data[0], data[1], data[2], data[3], data[4], data[5], headers=dict(data[6]),
                   missing=[(int(m[0]), str(m[1]), bool(m[2])) for m in data[7]],
                   conflicts=[int(n) for n in data[8]] if len(data) > 8 else [])


def scan(path: Path | str) -> FileStats:
    """Read a catalogue with the strict parser and count it."""
    from .merge import conflict_lines
    from .po import read

    catalogue = read(Path(path))
    figures = catalogue.figures()
    headers = {k: v for k, v in catalogue.metadata.items() if k in STATUS_HEADERS}
    return FileStats(figures.units, figures.words, figures.translated,
                     figures.translated_words, figures.fuzzy, figures.fuzzy_words, headers,
                     figures.missing, conflict_lines(catalogue))
