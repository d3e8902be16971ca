"""The translation memory's model and the protocol every storage backend implements.

An entry is multilingual: one unit with a variant per language (the source
text and its translations), each with its provenance. The SQLite backend is
the embedded default; a server backend implements the same protocol.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

# Provenance of a variant. Only "human" and "imported" can be exact matches;
# "fuzzy" (unreviewed PO entries) and "machine" (MT drafts) are kept apart.
SOURCE, HUMAN, IMPORTED, MACHINE, FUZZY = "source", "human", "imported", "machine", "fuzzy"
TRUSTED = (HUMAN, IMPORTED)
MATCHABLE_SIDES = (SOURCE, HUMAN, IMPORTED)


@dataclass
class Variant:
    lang: str
    text: str
    origin: str
    doc: str | None = None
    date: str | None = None
    context: str | None = None  # hash of the neighbouring units where it was learnt
    note: str | None = None
    file: str | None = None  # the file that taught it (set when copying a memory)


@dataclass
class Entry:
    """One multilingual unit to learn: its variants, the first one being the source."""

    variants: list[Variant]


@dataclass
class Match:
    score: int
    source: str  # the TM's text in the query language
    target: str  # the TM's translation, as stored
    proposal: str  # the translation adapted to the query (numbers)
    origin: str
    doc: str | None
    date: str | None
    explanation: list[str] = field(default_factory=list)
    penalties: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        parts = list(self.explanation[:3])
        parts += [f"{label} (-{points})" for label, points in self.penalties[:3]]
        parts += self.notes
        return "; ".join(parts) or "identical"


class Store(Protocol):
    locator: str  # the path or URL it was opened from (for worker processes)

    def transaction(self) -> AbstractContextManager[None]: ...

    def learn(self, entries: Iterable[Entry], file: str | None = None) -> int: ...

    def forget_file(self, file: str) -> int: ...

    def file_hash(self, file: str) -> str | None: ...

    def file_state(self, file: str) -> tuple[str, int | None, int | None] | None:
        """(sha256, mtime_ns, size) recorded when the file was last learnt."""
        ...

    def set_file_hash(self, file: str, digest: str, mtime: int | None = None,
                      size: int | None = None) -> None: ...

    def lookup(self, text: str, source_lang: str, target_lang: str, threshold: int = 75,
               limit: int = 5, context: str | None = None,
               origins: tuple[str, ...] = TRUSTED) -> list[Match]: ...

    def machine(self, text: str, source_lang: str, target_lang: str,
                settings: str) -> str | None: ...

    def stats(self) -> list[tuple[str, str, str, int]]: ...

    def entries(self, langs: tuple[str, ...] | None = None) -> Iterator[list[Variant]]: ...

    def units_after(self, after: int, limit: int) -> list[tuple[int, list[Variant]]]:
        """Whole units (every variant, every provenance, with its file) with an id
        greater than `after`, by id: what `tm migrate` copies, batch by batch."""
        ...

    def history_units(self) -> list[tuple[int, list[Variant]]]:
        """Whole units (as `units_after`) that hold a translation kept as history."""
        ...

    def file_states(self) -> list[tuple[str, str, int | None, int | None]]: ...

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    def preload(self, lang: str, build: bool = True, save: bool = False) -> None: ...

    def prepare_lookups(self, lang: str) -> None: ...

    def refresh(self) -> None: ...

    def preloaded(self) -> dict[str, Any]: ...

    def adopt(self, indexes: dict[str, Any]) -> None: ...

    def clear(self) -> None: ...

    def close(self) -> None: ...
