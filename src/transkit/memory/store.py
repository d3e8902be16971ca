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

from ..exchange import Bitext
from ..unit import TRANSLATED, Unit

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


# --- the memory's projection of units: the one mapping between `Unit` and the rows ------

def from_units(bitexts: Iterable[Bitext], origin: str = IMPORTED) -> Iterator[Entry]:
    """What the memory learns of units read from an exchange file: every translated unit
    (`Unit.state`, no problem, a source, no plural) is an entry of its source
    (`bitext.source`, msgid) and its translation (`bitext.target`, msgstr), both with the
    bitext's doc, its dates and origin (else `origin`); the unit's translator comments
    are the translation's note, its extracted comments the source's. Consecutive units
    of one source text read at one line (a TMX <tu> of several languages) make one
    entry."""
    last: Entry | None = None
    line = 0
    for bitext in bitexts:
        kind = bitext.origin or origin
        doc = bitext.doc or None
        for index, unit in enumerate(bitext.units):
            if (unit.state != TRANSLATED or not unit.msgid or unit.msgid_plural is not None
                    or index in bitext.problems):
                continue
            notes = unit.translator_comments
            target = Variant(bitext.target, unit.msgstr, kind, doc, bitext.date, None,
                             "; ".join(notes) if notes else None)
            head = last.variants[0] if last is not None else None
            if (last is not None and head is not None and unit.line and unit.line == line
                    and head.lang == bitext.source and head.text == unit.msgid
                    and head.doc == doc):
                last.variants.append(target)
                continue
            if last is not None:
                yield last
            line = unit.line
            notes = unit.extracted_comments
            last = Entry([Variant(bitext.source, unit.msgid, kind, doc,
                                  bitext.source_date or bitext.date, None,
                                  "; ".join(notes) if notes else None), target])
    if last is not None:
        yield last


_RANK = {SOURCE: 0, HUMAN: 1, IMPORTED: 2}


def to_units(groups: Iterable[list[Variant]], langs: tuple[str, ...] | None = None
             ) -> Iterator[Bitext]:
    """The memory as units, every language of each of its units: per language, the
    source variant first, else a human translation, else an imported one, else any;
    the source is the unit's source variant's language (else its first language), and
    each other language is a Bitext of one unit (its variant's doc, date, origin; its
    note the unit's translator comment, the source's note its extracted comment; machine
    and fuzzy variants are fuzzy units)."""
    for group in groups:
        chosen: dict[str, Variant] = {}
        for variant in group:
            if langs and variant.lang not in langs:
                continue
            best = chosen.get(variant.lang)
            if best is None or _RANK.get(variant.origin, 9) < _RANK.get(best.origin, 9):
                chosen[variant.lang] = variant
        if len(chosen) < 2:
            continue
        src = next((v.lang for v in group if v.origin == SOURCE and v.lang in chosen),
                   next(iter(chosen)))
        source = chosen[src]
        for lang in sorted(chosen):
            if lang == src:
                continue
            variant = chosen[lang]
            yield Bitext(src, lang, [_unit(source, variant)], doc=variant.doc or "",
                         date=variant.date, source_date=source.date, origin=variant.origin)


def pair_units(groups: Iterable[list[Variant]], source: str, target: str) -> Bitext:
    """The memory's `source`→`target` translations a person made or imported, one unit
    per memory unit (its source variant first, else a human or imported text in
    `source`; a human translation before an imported one)."""
    bitext = Bitext(source, target, doc="memory", original="transkit translation memory")
    for group in groups:
        src = _best(group, source, (SOURCE, HUMAN, IMPORTED))
        tgt = _best(group, target, TRUSTED)
        if src is not None and tgt is not None:
            bitext.units.append(_unit(src, tgt))
    return bitext


def _best(group: list[Variant], lang: str, origins: tuple[str, ...]) -> Variant | None:
    found = [v for v in group if v.lang == lang and v.origin in origins and v.text]
    found.sort(key=lambda v: origins.index(v.origin))
    return found[0] if found else None


def _unit(source: Variant, variant: Variant) -> Unit:
    unit = Unit(source.text, variant.text,
                translator_comments=[variant.note] if variant.note else [],
                extracted_comments=[source.note] if source.note else [])
    unit.set_fuzzy(variant.origin in (MACHINE, FUZZY))
    return unit


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
