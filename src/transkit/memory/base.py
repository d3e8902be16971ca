"""What every indexed backend shares: candidate selection and the lookup itself, so that
SQLite and PostgreSQL give the same matches and scores.

A backend supplies a handful of primitives (term frequencies, the texts of a length
window, the texts that hold at least k of some terms, rows by id); which candidates can
reach a threshold, their verification and all scoring live here once. For long jobs,
`preload` builds a `MemoryIndex` of one language that answers the same primitives from
arrays in memory.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import mmap
import os
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel

from ..text import Indexed, Token, adapt, indexed, score, tokenize
from .store import TRUSTED, Match, Variant

# A length window this small is scanned whole (every text in it scored in C, ~20 ns each):
# exact, and cheaper than reading posting lists.
SCAN_LIMIT = 20_000
# Texts from which `tm lookup` builds and saves an index for the lookups after it
# (smaller memories answer fast from the database alone).
SAVE_FROM = 20_000
# Queries of fewer words than this are matched by scanning (when the window is small):
# their matches are the most likely to share letters rather than whole words.
SHORT_TEXT = 8
# The term filter asks for this many shared terms when the bound allows it: each one more
# reads one more posting list and divides the texts left to verify.
SHARED_TERMS = 4
# Share of a missing word's characters that the alignment may still match elsewhere (the
# letters a word shares with its neighbours by chance): the filter's safety margin.
SLACK = 0.25

# Characters of a compared form are counted in this many classes (code point modulo it)
# for the count bound of scanned windows (`letter_counts`).
CLASSES = 32

Target = tuple[str, str, str | None, str | None, str | None]  # text, origin, doc, date, ctx
Found = tuple[Sequence[int], list[str]]  # variant ids and their compared forms


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


class Plan(NamedTuple):
    """How to find the texts of one band of lengths that may reach a threshold: texts
    whose compared form is [low, high] long, and (when there are too many of them to
    scan) terms of which a candidate holds `need`."""

    low: int
    high: int
    terms: list[str]
    need: int


# Bands of candidate length, as shares of the query's: the longer the candidate, the fewer
# of the query's characters it may leave unmatched, and the fewer terms the filter reads.
BANDS = (0.8, 1.0, 1.25)


def plan(query: Indexed, threshold: int, frequency: dict[str, int]) -> list[Plan]:
    """The candidate filter for `query` at `threshold`, one Plan per band of lengths.

    Let L be the length of the query's compared form, ℓ a text's, and T the threshold
    less the rounding (a score of T − 0.5 rounds to T). raw ≥ T means 2·C ≥ T·(L + ℓ)
    with C ≤ min(L, ℓ) the characters in common, so T·L/(2 − T) ≤ ℓ ≤ L·(2 − T)/T: the
    length window, exact. For a text at least a long, C ≥ T·(L + a)/2, so the query's
    characters left unmatched number at most U = L − T·(L + a)/2; the window is cut into
    bands (BANDS) so that longer texts get the smaller U of their band.

    Terms: a word the text lacks (no word of the text shares its first letters) leaves
    its letters unmatched, but for those the alignment finds elsewhere; counting that
    share as SLACK, the words the text lacks weigh at most B = U / (1 − SLACK), less the
    weight of query words the memory has never seen (no text has them). Taking the
    query's terms rarest first, a text reaching the threshold holds at least
    need = |P| − (most terms of P whose weights fit in B) of the first |P| terms; P grows
    until need reaches SHARED_TERMS. When no P gives need ≥ 1 (the words cannot rule any
    text out), the band has no terms and is scanned whole. Texts matching through
    fragments of different words rather than shared words (single words, names,
    identifiers) are short, and short queries scan bands of few texts whole, so they are
    not lost to the margin. A scan is exact too: with an index in memory it scores only
    the texts whose letter counts allow the threshold (`may_reach`).
    """
    ratio = max(threshold - 0.5, 0.5) / 100  # (as the verification: threshold 1 is 0.5)
    length = len(query.form)
    low = math.ceil(length * ratio / (2 - ratio) - 1e-9)
    high = math.floor(length * (2 - ratio) / ratio + 1e-9)
    weight: Counter[str] = Counter()
    for term, w in zip(query.terms, query.weights, strict=True):
        weight[term] += w
    unseen = sum(w for term, w in weight.items() if term not in frequency)
    present = sorted((t for t in weight if t in frequency), key=lambda t: (frequency[t], t))
    edges = [low] + [e for e in (math.ceil(length * f) for f in BANDS) if low < e <= high]
    # Below 75, matches are made more of scattered letters: the margin grows with it.
    slack = SLACK + max(0.0, 0.75 - ratio) * 2 / 3
    plans = []
    for start, end in zip(edges, edges[1:] + [high + 1], strict=True):
        unmatched = length - ratio * (length + start) / 2
        budget = unmatched / (1 - slack) - unseen
        if budget < 0:  # more unseen words than a match may lack: none by words
            plans.append(Plan(start, end - 1, [], -1))  # (scanned if small, for letters)
            continue
        if not present:  # no words to filter with (numbers, codes, punctuation): scanned
            plans.append(Plan(start, end - 1, [], 0))
            continue
        chosen: list[str] = []
        weights: list[int] = []  # of the chosen terms, ascending
        need = 0
        for term in present:
            chosen.append(term)
            bisect.insort(weights, weight[term])
            # The most chosen terms a text may lack: the lightest, while they fit.
            fits = bisect.bisect_right(list(itertools.accumulate(weights)), budget + 1e-9)
            need = len(chosen) - fits
            if need >= SHARED_TERMS:
                break
        # need 0: every text of the band could lack all the terms; the band is scanned.
        plans.append(Plan(start, end - 1, chosen if need else [], need))
    return plans


def at_least(lists: list[np.ndarray[Any, Any]], need: int) -> np.ndarray[Any, Any]:
    """The values found in at least `need` of `lists` (each without repeats), ascending."""
    if len(lists) < max(need, 1):
        return np.zeros(0, dtype=np.int64)
    merged = np.concatenate(lists)
    merged.sort()
    if need > 1:
        # A value held by `need` lists appears `need` times in a row once sorted.
        merged = merged[need - 1:][merged[need - 1:] == merged[:len(merged) - need + 1]]
    return merged[np.concatenate(([True], merged[1:] != merged[:-1]))] if len(
        merged) else merged


def _class_counts(forms: Sequence[str]) -> np.ndarray[Any, Any]:
    codes = np.frombuffer("".join(forms).encode("utf-32-le"), dtype=np.uint32)
    cells = np.repeat(np.arange(0, len(forms) * CLASSES, CLASSES, dtype=np.int64),
                      np.fromiter(map(len, forms), dtype=np.int64, count=len(forms)))
    cells += codes % CLASSES
    counts = np.bincount(cells, minlength=len(forms) * CLASSES)
    return counts.reshape(len(forms), CLASSES)


CHUNK = 2_000_000  # characters counted at once (bounds the temporary arrays: ~40 MB)


def letter_counts(forms: Sequence[str]) -> np.ndarray[Any, Any]:
    """Each form's characters counted by class (code point modulo CLASSES): one row per
    class, one column per form (a window's counts are a slice of each row, summed over
    rows as whole vectors); a count of 255 means 255 or more."""
    table = np.zeros((CLASSES, len(forms)), dtype=np.uint8)
    ends = np.cumsum(np.fromiter(map(len, forms), dtype=np.int64, count=len(forms)))
    start = 0
    while start < len(forms):
        # Forms up to CHUNK more characters, and at least one.
        reached = int(ends[start - 1]) if start else 0
        end = max(int(ends.searchsorted(reached + CHUNK, "right")), start + 1)
        table[:, start:end] = np.minimum(_class_counts(forms[start:end]), 255).T
        start = end
    return table


def may_reach(counts: np.ndarray[Any, Any], lengths: np.ndarray[Any, Any], form: str,
              ratio: float) -> np.ndarray[Any, Any]:
    """Positions of the texts (their `letter_counts` columns and lengths) whose raw score
    against `form` can reach `ratio`: exact, never leaves out a text that does.

    The characters two forms have in common in order (C) are at most those they have in
    common in any order: per class, the smaller of the two counts, summed (a class merges
    characters, which can only raise that sum). raw ≥ ratio needs 2·C ≥ ratio·(L + ℓ).
    A row's 255 stands for 255 or more: the smaller count is still exact while the
    query's counts are at most 255; a query with more is not filtered."""
    query = _class_counts([form])[0]
    if query.max(initial=0) > 255:
        return np.arange(len(lengths))
    present = np.flatnonzero(query)  # (a class the query lacks adds nothing)
    common = np.minimum(counts[present], query[present, None].astype(np.uint8)).sum(
        axis=0, dtype=np.int32)
    return np.flatnonzero(2.0 * common >= ratio * (len(form) + lengths) - 1e-9)


class MemoryIndex:
    """One language's matchable texts in arrays, for long jobs: texts ordered by length
    (a length window is a slice), and for each term the positions of the texts holding
    it, ascending (a posting list cut to a window is a slice too).

    Saved beside an SQLite memory (`save`) and opened again memory-mapped (`load`), so a
    new process answers its first lookup without reading the memory; the folder records
    the memory's generation it was built at, and any other generation is ignored."""

    ARRAYS = ("ids", "lengths", "postings", "starts", "offsets", "counts")
    DTYPES = {"ids": "int64", "lengths": "int32", "postings": "int32", "starts": "int64",
              "offsets": "int64", "counts": "uint8"}
    FORMAT = "2"

    def __init__(self, arrays: dict[str, np.ndarray[Any, Any]], forms: list[str] | None,
                 blob: bytes | mmap.mmap | None = None):
        # Plain arrays over the mapped pages: a numpy memmap's slices are memmaps too,
        # each several microseconds dearer, and a lookup slices hundreds of times.
        self.ids = np.asarray(arrays["ids"])
        self.lengths = np.asarray(arrays["lengths"])
        self.postings = np.asarray(arrays["postings"])
        self.starts = np.asarray(arrays["starts"])
        self.counts = np.asarray(arrays["counts"])  # letter_counts: a column per text
        offsets = arrays.get("offsets")
        self._offsets = None if offsets is None else np.asarray(offsets)
        self._forms = forms  # built here: the forms as strings
        self._blob = blob  # loaded: the forms as UTF-8, cut at `offsets`
        self.stamp: str | None = None  # the memory's generation it holds (set by preload)

    @classmethod
    def build(cls, rows: Iterable[tuple[int, str, bytes]]) -> MemoryIndex:
        table = list(rows)
        ids = np.fromiter((r[0] for r in table), dtype=np.int64, count=len(table))
        lengths = np.fromiter((len(r[1]) for r in table), dtype=np.int32, count=len(table))
        order = np.argsort(lengths, kind="stable")
        ordered = [table[i] for i in order.tolist()]
        del table
        counts = np.fromiter((len(r[2]) // 4 for r in ordered), dtype=np.int64,
                             count=len(ordered))
        flat = np.frombuffer(b"".join(r[2] for r in ordered), dtype=np.int32)
        owner = np.repeat(np.arange(len(ordered), dtype=np.int32), counts)
        by_term = np.argsort(flat, kind="stable")  # stable: positions stay ascending
        size = int(flat.max()) + 2 if len(flat) else 1
        starts: np.ndarray[Any, Any] = np.concatenate(
            ([0], np.cumsum(np.bincount(flat, minlength=size))))
        forms = [r[1] for r in ordered]
        arrays: dict[str, np.ndarray[Any, Any]] = {
            "ids": ids[order], "lengths": lengths[order], "postings": owner[by_term],
            "starts": starts, "counts": letter_counts(forms)}
        return cls(arrays, forms)

    def save(self, folder: Path, stamp: str) -> None:
        """Write the index to `folder` as a whole: a new folder renamed into place."""
        import shutil

        forms = self._forms_range(0, len(self.ids))
        encoded = [f.encode() for f in forms]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        arrays = {"ids": self.ids, "lengths": self.lengths, "postings": self.postings,
                  "starts": self.starts, "offsets": offsets, "counts": self.counts}
        staging = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            files = {f"{name}.npy": array for name, array in arrays.items()}
            for name, data in [*files.items(), ("forms.bin", b"".join(encoded)),
                               ("stamp", f"{self.FORMAT} {stamp}".encode())]:
                with open(staging / name, "wb") as handle:
                    if isinstance(data, bytes):
                        handle.write(data)
                    else:
                        np.save(handle, np.ascontiguousarray(data))
                    handle.flush()
                    os.fsync(handle.fileno())  # whole on disk before the rename
            old = folder.with_name(f".{folder.name}.{os.getpid()}.old")
            if folder.exists():
                os.replace(folder, old)
            os.replace(staging, folder)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path, stamp: str) -> MemoryIndex | None:
        """The index saved in `folder` at generation `stamp`, memory-mapped; None when it
        is missing, of another generation or unreadable (then it is built again)."""
        try:
            if (folder / "stamp").read_text("utf-8") != f"{cls.FORMAT} {stamp}":
                return None
            arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r",
                                    allow_pickle=False) for name in cls.ARRAYS}
            with open(folder / "forms.bin", "rb") as handle:
                blob: bytes | mmap.mmap = (mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                                           if os.fstat(handle.fileno()).st_size else b"")
            if not cls._whole(arrays, len(blob)) or \
                    (folder / "stamp").read_text("utf-8") != f"{cls.FORMAT} {stamp}":
                return None  # (a stamp changed while reading: another process saved anew)
        except Exception:  # a cache: whatever is wrong with it, it is built again
            return None
        return cls(arrays, None, blob)

    @classmethod
    def _whole(cls, arrays: dict[str, np.ndarray[Any, Any]], blob: int) -> bool:
        """Arrays that hold together: types, shapes, and every offset, length and position
        in range (one pass over each; a damaged index is rebuilt, never read)."""
        if {name: str(arrays[name].dtype) for name in cls.ARRAYS} != cls.DTYPES or \
                [arrays[name].ndim for name in cls.ARRAYS] != [1, 1, 1, 1, 1, 2]:
            return False
        ids, lengths, postings, starts, offsets = (
            arrays[name] for name in ("ids", "lengths", "postings", "starts", "offsets"))
        n = len(ids)
        return bool(
            len(lengths) == n and len(offsets) == n + 1 and arrays["counts"].shape == (
                CLASSES, n) and len(starts) >= 1 and int(starts[0]) == 0
            and int(starts[-1]) == len(postings) and int(offsets[0]) == 0
            and int(offsets[-1]) == blob and np.all(np.diff(starts) >= 0)
            and (n == 0 or int(lengths[0]) >= 0) and np.all(np.diff(lengths) >= 0)
            # (a character is 1 to 4 bytes of UTF-8)
            and np.all(np.diff(offsets) >= lengths) and np.all(np.diff(offsets) <= 4 * lengths)
            and (len(postings) == 0 or (int(postings.min()) >= 0 and int(postings.max()) < n)))

    def _forms_range(self, start: int, end: int) -> list[str]:
        if self._forms is not None:
            return self._forms[start:end]
        return self._forms_at(range(start, end))

    def _forms_at(self, positions: Iterable[int]) -> list[str]:
        if self._forms is not None:
            return [self._forms[i] for i in positions]
        assert self._blob is not None and self._offsets is not None
        at = np.fromiter(positions, dtype=np.int64)
        # (only the offsets asked for: a whole million-entry list costs tens of ms)
        starts, ends = self._offsets[at].tolist(), self._offsets[at + 1].tolist()
        blob = self._blob
        return [blob[a:b].decode(errors="replace") for a, b in zip(starts, ends, strict=True)]

    def materialize(self) -> None:
        """Every form as a string now (one decode): for a long job on a saved index."""
        if self._forms is None and self._blob is not None:
            text = self._blob[:].decode(errors="replace")
            cuts = [0, *itertools.accumulate(self.lengths.tolist())]
            self._forms = [text[cuts[i]:cuts[i + 1]] for i in range(len(cuts) - 1)]

    def frequency(self, term: int) -> int:
        if term + 1 >= len(self.starts):
            return 0
        return int(self.starts[term + 1] - self.starts[term])

    def _window(self, low: int, high: int) -> tuple[int, int]:
        # numpy scalars of the arrays' own type: a Python int would make searchsorted
        # convert the whole array first.
        return (int(self.lengths.searchsorted(np.int32(max(low, 0)), "left")),
                int(self.lengths.searchsorted(np.int32(min(high, 2**31 - 1)), "right")))

    def window_size(self, low: int, high: int) -> int:
        start, end = self._window(low, high)
        return end - start

    def window(self, low: int, high: int, form: str, ratio: float) -> Found:
        """The texts of a length window whose letters can reach `ratio` (`may_reach`)."""
        start, end = self._window(low, high)
        chosen = may_reach(self.counts[:, start:end], self.lengths[start:end], form, ratio)
        chosen += start
        ids: list[int] = self.ids[chosen].tolist()
        return ids, self._forms_at(chosen.tolist())

    def with_terms(self, terms: list[int], need: int, low: int, high: int) -> Found:
        start, end = self._window(low, high)
        first, last = np.int32(start), np.int32(end)
        lists = []
        for term in terms:
            if term + 1 >= len(self.starts):
                continue
            posting = self.postings[self.starts[term]:self.starts[term + 1]]
            lists.append(posting[posting.searchsorted(first):posting.searchsorted(last)])
        chosen = at_least(lists, need)
        ids: list[int] = self.ids[chosen].tolist()
        return ids, self._forms_at(chosen.tolist())


class IndexedStore:
    """Lookup over a term index; subclasses implement the primitives below."""

    _depth = 0
    _changed = False
    _memory: dict[str, MemoryIndex]

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
            self._changed = False
            try:
                yield
                if self._changed:
                    self._stamp()
            finally:
                self._depth = 0

    def _write(self) -> AbstractContextManager[None]:
        """The backend's outermost write transaction: commit on success, else roll back."""
        raise NotImplementedError

    def preload(self, lang: str, build: bool = True, save: bool = False) -> None:
        """Index `lang`'s texts in memory for many lookups: the saved index of this
        generation of the memory when there is one (memory-mapped, instant), else (with
        `build`) one built from a read of the store, and with `save` (and SAVE_FROM
        texts or more) saved for the next process. Learning in this process drops it.

        A job that learns when it ends (pretranslate) does not save: its learning would
        make the saved index stale at once. `tm lookup` does, for the lookups after it."""
        if not hasattr(self, "_memory"):
            self._memory = {}
        if lang in self._memory:
            return
        folder = self._index_folder(lang)
        stamp = self.get_meta("generation") or "0"  # read before the rows: see _stamp
        index = MemoryIndex.load(folder, stamp) if folder else None
        if index is not None and build:
            index.materialize()  # a long job: strings once rather than at every lookup
        if index is None and build:
            index = MemoryIndex.build(self._index_rows(lang))
            if save and folder is not None and len(index.ids) >= SAVE_FROM:
                try:
                    index.save(folder, stamp)
                except OSError:
                    pass  # a cache: the next process builds it again
        if index is not None:
            index.stamp = stamp
            self._memory[lang] = index

    def refresh(self) -> None:
        """For a process that stays open (`tm lookup --stdin`): indexes of an older
        generation of the memory are dropped (another process learned or forgot texts)."""
        memory = getattr(self, "_memory", {})
        if memory:
            stamp = self.get_meta("generation") or "0"
            for lang in [lang for lang, index in memory.items() if index.stamp != stamp]:
                del memory[lang]

    def preloaded(self) -> dict[str, MemoryIndex]:
        """The indexes `preload` made, for worker processes forked from this one."""
        return dict(getattr(self, "_memory", {}))

    def adopt(self, indexes: dict[str, MemoryIndex]) -> None:
        """Use indexes another process built (inherited by fork: no copy, no rebuild),
        each only if the memory is still at the generation it was built at."""
        if not hasattr(self, "_memory"):
            self._memory = {}
        stamp = self.get_meta("generation") or "0"
        for lang, index in indexes.items():
            if index.stamp == stamp:
                self._memory.setdefault(lang, index)

    def prepare_lookups(self, lang: str) -> None:
        """For a command that looks up a few texts (`tm lookup`): the saved index when it
        is current; a memory of SAVE_FROM texts or more without one gets it built and
        saved now, for the lookups after this one (an editor asks many). Only a memory
        that can keep an index beside it (SQLite) does."""
        self.preload(lang, build=False)
        if lang not in self._memory and self._index_folder(lang) is not None and \
                self._window_size(lang, 0, 2**31 - 1) >= SAVE_FROM:
            self.preload(lang, save=True)  # (a server's memory is searched in the server)

    def _index_folder(self, lang: str) -> Path | None:
        """Where the index of `lang` is saved (None: not saved, built in each process)."""
        return None

    def get_meta(self, key: str) -> str | None:
        raise NotImplementedError

    def set_meta(self, key: str, value: str) -> None:
        raise NotImplementedError

    def _stamp(self) -> None:
        """A new generation: every committed transaction that added or removed texts
        changes it, so an index saved at an older one is never used. A random token, not
        a counter: a memory deleted and made again must not meet its old index's stamp."""
        self.set_meta("generation", uuid.uuid4().hex)

    def _forget_memory(self) -> None:
        if hasattr(self, "_memory"):
            self._memory.clear()

    def _texts_changed(self) -> None:
        """Texts were added or removed in this transaction: the indexes built or saved
        before it no longer hold (the generation advances when it commits)."""
        self._changed = True
        self._forget_memory()

    # -- primitives ------------------------------------------------------------------------

    def _has_index(self, lang: str) -> bool:
        raise NotImplementedError

    def _new_lookup(self) -> None:
        """A lookup starts: whatever the backend remembered for the last one goes."""

    def _term_ids(self, lang: str, terms: list[str]) -> dict[str, tuple[int, int]]:
        """term -> (id, document frequency > 0), for those of `terms` the TM holds."""
        raise NotImplementedError

    def _window_size(self, lang: str, low: int, high: int) -> int:
        """How many indexed `lang` texts have a compared form of length in [low, high]."""
        raise NotImplementedError

    def _window(self, lang: str, low: int, high: int) -> Found:
        """Those texts: ids and compared forms."""
        raise NotImplementedError

    def _with_terms(self, lang: str, terms: list[int], need: int, low: int, high: int
                    ) -> Found:
        """Indexed `lang` texts holding at least `need` of the term ids `terms`, with a
        compared form of length in [low, high]."""
        raise NotImplementedError

    def _index_rows(self, lang: str) -> Iterator[tuple[int, str, bytes]]:
        """Every indexed `lang` text: (id, compared form, term ids as native int32s)."""
        raise NotImplementedError

    def _exact_units(self, lang: str, text: str) -> list[int]:
        raise NotImplementedError

    def _targets(self, unit: int, lang: str, origins: tuple[str, ...]) -> list[Target]:
        """A unit's `lang` variants of these origins, best first (human, newest)."""
        raise NotImplementedError

    def _rows(self, ids: Sequence[int]) -> dict[int, tuple[int, str]]:
        """variant id -> (unit, text)."""
        raise NotImplementedError

    # -- shared logic ----------------------------------------------------------------------

    def candidates(self, query: Indexed, lang: str, threshold: int) -> Found:
        """Ids and compared forms of the `lang` texts that may score ≥ threshold (`plan`
        says why no other can): for each band of lengths, all its texts when they are
        few (in memory, those whose letter counts allow it), else those holding enough
        of the query's rarest terms."""
        if not self._has_index(lang):
            return [], []
        self._new_lookup()
        known = self._term_ids(lang, sorted(set(query.terms)))
        memory: MemoryIndex | None = getattr(self, "_memory", {}).get(lang)
        frequency = {t: (memory.frequency(i) if memory else df) for t, (i, df) in known.items()}
        frequency = {t: f for t, f in frequency.items() if f > 0}
        ids: list[int] = []
        forms: list[str] = []
        ratio = max(threshold - 0.5, 0) / 100  # what the verification asks of raw
        for band in plan(query, threshold, frequency):
            low, high = band.low, band.high
            size = memory.window_size(low, high) if memory else self._window_size(lang, low,
                                                                                  high)
            if not size:
                continue
            # A query whose words cannot rule a text out, or a band of few texts with no
            # match by words or for a short query: every text of the band is scored
            # (exact; for short queries no dearer than the index).
            if band.need == -1 and size > SCAN_LIMIT:
                continue
            if not band.terms or (size <= SCAN_LIMIT and len(query.terms) < SHORT_TEXT):
                found = memory.window(low, high, query.form, ratio) if memory else \
                    self._window(lang, low, high)
            elif memory:
                found = memory.with_terms([known[t][0] for t in band.terms], band.need,
                                          low, high)
            else:
                found = self._with_terms(lang, [known[t][0] for t in band.terms], band.need,
                                         low, high)
            ids += found[0]
            forms += found[1]
        return ids, forms

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
        query = indexed(text)
        ids, forms = self.candidates(query, source_lang, threshold)
        # The raw score of every candidate, in C; penalties only lower it, so a candidate
        # below the threshold here is below it after them.
        near = process.extract(query.form, forms, scorer=Indel.normalized_similarity,
                               score_cutoff=max(threshold - 0.5, 0) / 100, limit=None)
        near.sort(key=lambda hit: -hit[1])
        wanted = limit * 3
        query_tokens: list[Token] = tokenize(text)
        scored: list[tuple[int, int, str, Any]] = []
        targets: dict[int, list[Target]] = {}

        def targets_of(unit: int) -> list[Target]:
            if unit not in targets:
                targets[unit] = self._targets(unit, target_lang, origins)
            return targets[unit]

        # The `wanted` best scores of the matches that have a translation (a min-heap:
        # its first is the wanted-th best), fed with the matches scored since the last
        # batch; sorting every score again at each batch was quadratic in the candidates
        # (80,000 near-duplicates of the query: 13 s).
        best: list[int] = []
        counted = 0
        for start in range(0, len(near), 64):
            batch = near[start:start + 64]
            # Scores never exceed raw: once `wanted` matches that have a translation beat
            # the best raw left, the rest cannot enter the answer.
            if len(scored) >= wanted:
                for value, unit, _, _ in scored[counted:]:
                    if len(best) == wanted and value <= best[0]:
                        continue  # (cannot enter: its translations need not be read)
                    if targets_of(unit):
                        if len(best) < wanted:
                            heapq.heappush(best, value)
                        elif value > best[0]:
                            heapq.heapreplace(best, value)
                counted = len(scored)
                if len(best) >= wanted and best[0] > round(100 * batch[0][1] + 0.5):
                    break
            rows = self._rows([ids[i] for _, _, i in batch])
            for _, _, i in batch:
                if ids[i] not in rows:
                    continue  # removed by another process since the index was read
                unit, candidate = rows[ids[i]]
                if candidate == text or unit in exact_units:
                    continue
                result = score(text, candidate, source_lang, query_tokens, tokenize(candidate))
                if result.score >= threshold:
                    scored.append((result.score, unit, candidate, result))
        scored.sort(key=lambda item: (-item[0], item[2], item[1]))
        for value, unit, candidate, result in scored:
            if len(matches) >= wanted:
                break
            for target, origin, doc, when, _ in targets_of(unit)[:1]:
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
