"""What every indexed backend shares: candidate selection by the rarest index terms and
the lookup itself, so that SQLite and PostgreSQL give the same matches and scores.

A backend supplies a handful of primitives (term frequencies, the texts that hold
at least k of some terms, token codes, rows by id); the reasoning about which
candidates can reach a threshold, and all scoring, lives here once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from rapidfuzz.distance import Levenshtein

from ..text import Token, adapt, index_terms, score, tokenize
from .store import TRUSTED, Match, Variant

EXTRA_TERMS = 2  # terms read beyond the edit budget: a candidate must have this many

Target = tuple[str, str, str | None, str | None, str | None]  # text, origin, doc, date, ctx


HISTORY = "#history"


def history_key(file: str) -> str:
    """Where a person's translations live once the file that taught them no longer does:
    kept with their date, document and file of origin, never forgotten by learning."""
    return file if file.endswith(HISTORY) else file + HISTORY


def grouped(rows: Iterable[Sequence[Any]], langs: tuple[str, ...] | None = None
            ) -> Iterator[list[Variant]]:
    """Rows (unit, lang, text, origin, …Variant fields), ordered by unit, as one list of
    variants per unit (only `langs`, when given)."""
    unit: Any = None
    group: list[Variant] = []
    for row in rows:
        if row[0] != unit:
            if group:
                yield group
            unit, group = row[0], []
        if langs is None or row[1] in langs:
            group.append(Variant(*row[1:]))
    if group:
        yield group


def by_unit(rows: Iterable[Sequence[Any]]) -> list[tuple[int, list[Variant]]]:
    """Rows (unit, …Variant fields) as (unit id, its variants), in row order."""
    units: dict[int, list[Variant]] = {}
    for row in rows:
        units.setdefault(int(row[0]), []).append(Variant(*row[1:]))
    return list(units.items())


class IndexedStore:
    """Lookup over a term index; subclasses implement the primitives below."""

    _depth = 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (nested calls join the outer one)."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with self._write():
            self._depth = 1
            try:
                yield
            finally:
                self._depth = 0

    def _write(self) -> AbstractContextManager[None]:
        """The backend's outermost write transaction: commit on success, else roll back."""
        raise NotImplementedError

    def preload(self, lang: str) -> None:
        """Warm whatever makes many lookups in `lang` faster (nothing by default)."""

    # -- primitives ------------------------------------------------------------------------

    def _has_index(self, lang: str) -> bool:
        raise NotImplementedError

    def _frequencies(self, lang: str, terms: list[str]) -> dict[str, int]:
        """Document frequency (> 0) of each of `terms` that the TM holds in `lang`."""
        raise NotImplementedError

    def _with_terms(self, lang: str, terms: list[str], need: int, low: int, high: int
                    ) -> list[tuple[int, str]]:
        """(variant id, token code) of indexed `lang` texts holding at least `need` of
        `terms`, with a token count in [low, high]."""
        raise NotImplementedError

    def _exact_units(self, lang: str, text: str) -> list[int]:
        raise NotImplementedError

    def _targets(self, unit: int, lang: str, origins: tuple[str, ...]) -> list[Target]:
        """A unit's `lang` variants of these origins, best first (human, newest)."""
        raise NotImplementedError

    def _rows(self, ids: Sequence[int]) -> dict[int, tuple[int, str]]:
        """variant id -> (unit, text)."""
        raise NotImplementedError

    def _encode(self, keys: list[str], learn: bool) -> str:
        """Token keys as one character each (equal keys, equal characters)."""
        raise NotImplementedError

    # -- shared logic ----------------------------------------------------------------------

    def candidates(self, text: str, lang: str, threshold: int) -> list[tuple[int, str]]:
        """(variant id, token code) of TM texts in `lang` that may score ≥ threshold.

        Count filtering on the rarest terms: a text that can reach the threshold
        lacks at most d = (1 − T)·n of the query's distinct terms, so among the
        query's d + 2 rarest terms it has at least 2 (minus the terms the TM has
        never seen). Only those terms' posting lists are read, and a length filter
        drops texts too short or too long to reach the threshold.
        """
        if not self._has_index(lang):
            return []
        all_terms, n = index_terms(text)
        terms = sorted(set(all_terms))
        if not terms:
            return []
        ratio = max(threshold, 1) / 100
        # Query tokens an alignment leaves unmatched (deleted or substituted) number at
        # most (1 − T)·n: if the text is no longer than the query, all edits are bounded
        # so; if it is longer, L − n of its edits are insertions and the rest are at most
        # (1 − T)·L − (L − n) < (1 − T)·n.
        allowed = int((1 - ratio) * n + 1e-9)
        df = self._frequencies(lang, terms)
        present = sorted((t for t in terms if t in df), key=lambda t: (df[t], t))
        unseen = len(terms) - len(present)
        budget = allowed - unseen  # edits left for terms the TM knows
        if budget < 0 or not present:
            return []
        chosen = present[: budget + EXTRA_TERMS]
        need = max(1, len(chosen) - budget)
        low, high = int(n * ratio), int(n / ratio) + 1
        return self._with_terms(lang, chosen, need, low, high)

    def lookup(self, text: str, source_lang: str, target_lang: str, threshold: int = 75,
               limit: int = 5, context: str | None = None,
               origins: tuple[str, ...] = TRUSTED) -> list[Match]:
        matches: list[Match] = []
        seen: set[tuple[str, str]] = set()
        exact_units = self._exact_units(source_lang, text)
        for unit in exact_units:
            for target, origin, doc, when, ctx in self._targets(unit, target_lang, origins):
                if (text, target) in seen:
                    continue
                seen.add((text, target))
                exact = 101 if context is not None and ctx == context else 100
                matches.append(Match(exact, text, target, target, origin, doc, when,
                                     ["in context" if exact == 101 else "identical"]))
        query_tokens: list[Token] = tokenize(text)
        # Integer edit budget, checked in C on the stored token codes before any
        # tokenizing or explaining: raw ≥ T  ⇔  distance ≤ (1 − T)·longer token count.
        share = 1 - threshold / 100
        query_code = self._encode([t.key for t in query_tokens], learn=False)
        near = []
        for variant_id, code in self.candidates(text, source_lang, threshold):
            budget = int(share * max(len(query_code), len(code)) + 1e-9)
            if Levenshtein.distance(query_code, code, score_cutoff=budget) <= budget:
                near.append(variant_id)
        rows = self._rows(near) if near else {}
        scored = []
        for variant_id in near:
            unit, candidate = rows[variant_id]
            if candidate == text or unit in exact_units:
                continue
            result = score(text, candidate, source_lang, query_tokens, tokenize(candidate))
            if result.score >= threshold:
                scored.append((result.score, unit, candidate, result))
        scored.sort(key=lambda item: (-item[0], item[2], item[1]))
        for value, unit, candidate, result in scored:
            if len(matches) >= limit * 3:
                break
            for target, origin, doc, when, _ in self._targets(unit, target_lang, origins)[:1]:
                if (candidate, target) in seen:
                    continue
                seen.add((candidate, target))
                proposal, notes = adapt(target, result, target_lang) if result.numbers else (
                    target, [])
                matches.append(Match(value, candidate, target, proposal, origin, doc, when,
                                     result.explanation, result.penalties, notes))
        # Stable: for one source, the order of `_targets` (current before history) stays.
        matches.sort(key=lambda m: (-m.score, m.origin != "human", m.source))
        return matches[:limit]
