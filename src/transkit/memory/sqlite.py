"""The embedded translation memory: SQLite under .transkit/. Each matchable text keeps its
compared form and its index terms (ids); one FTS5 index of term ids per language answers
"texts holding k of these terms"; the lookup and the scoring are tm/base.py's."""

from __future__ import annotations

import os
import re
import sqlite3
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..text import indexed
from .base import (
    HISTORY,
    Found,
    IndexedStore,
    Target,
    at_least,
    by_unit,
    grouped,
    history_key,
)
from .store import (
    FUZZY,
    IMPORTED,
    MACHINE,
    MATCHABLE_SIDES,
    SOURCE,
    TRUSTED,
    Entry,
    Variant,
)

SCHEMA_VERSION = 3
_LANG = re.compile(r"^[a-z]{2,3}$")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units(id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS variants(
    id INTEGER PRIMARY KEY,
    unit INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    text TEXT NOT NULL,
    origin TEXT NOT NULL,
    doc TEXT, file TEXT, date TEXT, context TEXT, note TEXT,
    flen INTEGER NOT NULL DEFAULT -1,  -- length of the compared form; -1: not matchable
    form TEXT NOT NULL DEFAULT '',     -- the compared form (text.py), what the score reads
    terms BLOB,                        -- its index term ids, distinct, int32 each
    UNIQUE(unit, lang, text, origin)
);
CREATE INDEX IF NOT EXISTS variants_text ON variants(lang, text);
CREATE INDEX IF NOT EXISTS variants_unit ON variants(unit, lang);
CREATE INDEX IF NOT EXISTS variants_file ON variants(file);
CREATE INDEX IF NOT EXISTS variants_length ON variants(lang, flen);
CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, sha256 TEXT NOT NULL,
    mtime INTEGER, size INTEGER);
-- Index terms with their document frequency: picks the rarest terms of a query without
-- walking FTS5 posting lists (fts5vocab counts them, which costs as much as a scan).
CREATE TABLE IF NOT EXISTS terms(id INTEGER PRIMARY KEY, lang TEXT NOT NULL,
    term TEXT NOT NULL, df INTEGER NOT NULL, UNIQUE(lang, term));
"""
# A memory of schema 2 (token codes) gets the columns of 3 and is indexed again.
UPGRADE_2 = """
ALTER TABLE variants RENAME COLUMN keys TO form;
ALTER TABLE variants RENAME COLUMN ntok TO flen;
ALTER TABLE variants ADD COLUMN terms BLOB;
DROP TABLE IF EXISTS symbols;
DROP TABLE IF EXISTS terms;
"""


def _fts(lang: str) -> str:
    if not _LANG.match(lang):
        raise InputError(f"unknown language code {lang!r}")
    return f"fts_{lang}"


class SQLiteStore(IndexedStore):
    """TM in one SQLite file. Writes happen in transactions; readers never block writers
    (WAL), and a crash mid-import leaves the previous state."""

    def __init__(self, path: Path | str):
        self.path = self.locator = str(path)
        if self.path != ":memory:":
            if Path(self.path).is_dir():
                raise InputError("is a folder, expected the translation memory's file (move "
                                 "it away: transkit recreates the memory from the project)",
                                 self.path)
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            # Memory-mapped reads: lookups touch rows all over a large file.
            self.db.execute("PRAGMA mmap_size=1073741824")
            self.db.execute("PRAGMA cache_size=-262144")
            version = self._schema_version()
            if version not in (None, "2", str(SCHEMA_VERSION)):
                raise sqlite3.DatabaseError(f"schema version {version}, "
                                            f"expected {SCHEMA_VERSION}")
            self._fts_known: set[str] = {
                row[0][4:] for row in self.db.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE "
                    "'CREATE VIRTUAL TABLE%fts5(%'")}
            self._term_cache: dict[tuple[str, str], int] | None = None
            self._postings: dict[tuple[str, int], np.ndarray[Any, Any]] = {}
            self._identity = self._file_identity() if self.path != ":memory:" else None
            if version == str(SCHEMA_VERSION):
                self.db.executescript(SCHEMA)
            else:
                self._create(upgrade=version == "2")
            columns = {row[1] for row in self.db.execute("PRAGMA table_info(files)")}
            for column in ("mtime", "size"):
                if column not in columns:  # a memory made before these columns existed
                    self.db.execute(f"ALTER TABLE files ADD COLUMN {column} INTEGER")
        except sqlite3.DatabaseError as exc:
            raise InputError(f"cannot open the translation memory: {exc} "
                             "(`transkit tm rebuild` recreates it)", self.path) from None

    def _create(self, upgrade: bool) -> None:
        """A new memory's tables, or a schema-2 memory brought to this schema and indexed
        again; in one transaction, so an interrupted upgrade leaves the old memory."""
        with self.transaction():
            if self._schema_version() == str(SCHEMA_VERSION):
                return  # another process created or upgraded it meanwhile
            script = (UPGRADE_2 if upgrade else "") + SCHEMA
            for statement in script.split(";\n"):
                if statement.strip():
                    self.db.execute(statement)
            if upgrade:
                self._reindex()
            self.set_meta("schema", str(SCHEMA_VERSION))

    def _schema_version(self) -> str | None:
        if not self.db.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone():
            return None
        row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        return str(row[0]) if row else None

    # -- plumbing ------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            self._term_cache = None  # terms added in the transaction are gone too
            raise
        self.db.execute("COMMIT")

    def _ensure_fts(self, lang: str) -> str:
        name = _fts(lang)
        if lang not in self._fts_known:
            self.db.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5(terms, content='', "
                "tokenize=\"unicode61 remove_diacritics 0\")")
            self._fts_known.add(lang)
        return name

    def close(self) -> None:
        self.db.close()

    def _terms(self) -> dict[tuple[str, str], int]:
        """(language, term) -> id of every index term, read once."""
        if self._term_cache is None:
            self._term_cache = {(str(lg), str(t)): int(i) for i, lg, t in
                                self.db.execute("SELECT id, lang, term FROM terms")}
        return self._term_cache

    def _term_id(self, lang: str, term: str) -> int:
        """The id of an index term, created on first use (inside a write transaction)."""
        cache = self._terms()
        found = cache.get((lang, term))
        if found is None:
            cursor = self.db.execute("INSERT INTO terms(lang, term, df) VALUES(?, ?, 0)",
                                     (lang, term))
            found = cache[(lang, term)] = int(cursor.lastrowid or 0)
        return found

    def _reindex(self) -> None:
        """Compared forms, terms, FTS tables and frequencies made anew from the texts."""
        self._texts_changed()
        for lang in list(self._fts_known):
            self.db.execute(f"DROP TABLE IF EXISTS {_fts(lang)}")
        self._fts_known.clear()
        self.db.execute("DELETE FROM terms")
        self._term_cache = None
        marks = ",".join("?" * len(MATCHABLE_SIDES))
        self.db.execute(f"UPDATE variants SET flen=-1, form='', terms=NULL "
                        f"WHERE origin NOT IN ({marks})", MATCHABLE_SIDES)
        rows = self.db.execute(f"SELECT id, lang, text FROM variants WHERE origin IN ({marks})",
                               MATCHABLE_SIDES).fetchall()
        frequencies: Counter[int] = Counter()
        pending: dict[str, list[tuple[int, str]]] = {}
        for variant_id, lang, text in rows:
            form, ids = self._index(str(lang), str(text))
            self.db.execute("UPDATE variants SET form=?, flen=?, terms=? WHERE id=?",
                            (form, len(form), array("i", ids).tobytes(), variant_id))
            if ids:
                pending.setdefault(str(lang), []).append(
                    (int(variant_id), " ".join(map(str, ids))))
            frequencies.update(ids)
        self._fts_flush(pending)
        self.db.executemany("UPDATE terms SET df=? WHERE id=?",
                            [(n, term) for term, n in frequencies.items()])

    def _index(self, lang: str, text: str) -> tuple[str, list[int]]:
        """A text's compared form and its distinct index term ids."""
        found = indexed(text)
        cache = self._terms()
        ids = set()
        for term in set(found.terms):
            known = cache.get((lang, term))
            ids.add(known if known is not None else self._term_id(lang, term))
        return found.form, sorted(ids)

    def _fts_flush(self, pending: dict[str, list[tuple[int, str]]]) -> None:
        for lang, rows in pending.items():
            self.db.executemany(f"INSERT INTO {self._ensure_fts(lang)}(rowid, terms) "
                                "VALUES(?, ?)", rows)
        pending.clear()

    def clear(self) -> None:
        with self.transaction():
            for lang in list(self._fts_known):
                self.db.execute(f"DROP TABLE IF EXISTS {_fts(lang)}")
            self._fts_known.clear()
            self.db.execute("DELETE FROM variants")
            self.db.execute("DELETE FROM units")
            self.db.execute("DELETE FROM files")
            self.db.execute("DELETE FROM terms")
            self.db.execute("DELETE FROM meta WHERE key NOT IN ('schema', 'generation')")
            self._term_cache = None
            self._texts_changed()

    # -- learning ------------------------------------------------------------------------

    def file_hash(self, file: str) -> str | None:
        row = self.db.execute("SELECT sha256 FROM files WHERE path=?", (file,)).fetchone()
        return str(row[0]) if row else None

    def file_state(self, file: str) -> tuple[str, int | None, int | None] | None:
        row = self.db.execute("SELECT sha256, mtime, size FROM files WHERE path=?",
                              (file,)).fetchone()
        return (str(row[0]), row[1], row[2]) if row else None

    def set_file_hash(self, file: str, digest: str, mtime: int | None = None,
                      size: int | None = None) -> None:
        self.db.execute("INSERT INTO files VALUES(?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET "
                        "sha256=excluded.sha256, mtime=excluded.mtime, size=excluded.size",
                        (file, digest, mtime, size))

    def forget_file(self, file: str) -> int:
        """Drop what one file taught (its translations); shared sources stay. A person's
        translations are kept as the file's history (`history_key`): they go on answering
        lookups and exports, whatever became of the file."""
        with self.transaction():
            self.db.execute(f"UPDATE OR IGNORE variants SET file=? WHERE file=? AND origin IN "
                            f"({','.join('?' * len(TRUSTED))})",
                            (history_key(file), file, *TRUSTED))
            rows = self.db.execute(
                "SELECT id, lang, terms FROM variants WHERE file=? AND origin != ?",
                (file, SOURCE)).fetchall()
            gone: Counter[int] = Counter()
            for variant_id, lang, blob in rows:
                if blob:
                    ids = array("i", blob).tolist()
                    # A contentless FTS5 index forgets a row when told the terms it indexed.
                    name = self._ensure_fts(lang)
                    self.db.execute(f"INSERT INTO {name}({name}, rowid, terms) "
                                    "VALUES('delete', ?, ?)", (variant_id, " ".join(map(str, ids))))
                    gone.update(ids)
            self.db.executemany("UPDATE terms SET df = df - ? WHERE id=?",
                                [(n, term) for term, n in gone.items()])
            if rows:
                self._texts_changed()
            self.db.execute("DELETE FROM variants WHERE file=? AND origin != ?", (file, SOURCE))
            self.db.execute("DELETE FROM files WHERE path=?", (file,))
        return len(rows)

    def _unit_for(self, source: Variant) -> tuple[int, bool]:
        """The unit holding `source` (and True), or a new one (and False)."""
        row = self.db.execute(
            "SELECT unit FROM variants WHERE lang=? AND text=? AND origin IN (?, ?, ?) LIMIT 1",
            (source.lang, source.text, *MATCHABLE_SIDES)).fetchone()
        if row:
            return int(row[0]), True
        cursor = self.db.execute("INSERT INTO units DEFAULT VALUES")
        return int(cursor.lastrowid or 0), False

    def learn(self, entries: Iterable[Entry], file: str | None = None) -> int:
        """Add entries; identical variants are merged. Returns the variants added."""
        added = 0
        today = date.today().isoformat()
        frequencies: Counter[int] = Counter()
        insert = ("INSERT OR IGNORE INTO variants(unit, lang, text, origin, doc, file, date, "
                  "context, note, flen, form, terms) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)")
        execute = self.db.execute
        pending: dict[str, list[tuple[int, str]]] = {}  # FTS rows, inserted in batches
        with self.transaction():
            for entry in entries:
                if not entry.variants:
                    continue
                unit, known = self._unit_for(entry.variants[0])
                for variant in entry.variants:
                    # Only a unit that was there before can already hold the variant.
                    if known and variant.origin == IMPORTED and execute(
                            "SELECT 1 FROM variants WHERE unit=? AND lang=? AND text=? AND "
                            "origin IN (?, ?, ?) LIMIT 1",
                            (unit, variant.lang, variant.text, *MATCHABLE_SIDES)).fetchone():
                        continue  # already known: importing an export adds nothing
                    matchable = variant.origin in MATCHABLE_SIDES
                    form, ids = self._index(variant.lang, variant.text) if matchable else ("", [])
                    cursor = execute(insert, (
                        unit, variant.lang, variant.text, variant.origin, variant.doc,
                        variant.file or file, variant.date or today, variant.context,
                        variant.note, len(form) if matchable else -1, form,
                        array("i", ids).tobytes() if matchable else None))
                    if cursor.rowcount and matchable:
                        if ids:
                            pending.setdefault(variant.lang, []).append(
                                (int(cursor.lastrowid or 0), " ".join(map(str, ids))))
                        frequencies.update(ids)
                    added += cursor.rowcount
                if sum(map(len, pending.values())) >= 5000:
                    self._fts_flush(pending)
            self._fts_flush(pending)
            self.db.executemany("UPDATE terms SET df = df + ? WHERE id=?",
                                [(n, term) for term, n in frequencies.items()])
            if added:
                self._texts_changed()
        return added

    # -- matching ------------------------------------------------------------------------

    def _targets(self, unit: int, lang: str, origins: tuple[str, ...]) -> list[Target]:
        marks = ",".join("?" * len(origins))
        rows = self.db.execute(
            f"SELECT text, origin, doc, date, context FROM variants WHERE unit=? AND lang=? "
            # The current translation first; those kept as history after it.
            f"AND origin IN ({marks}) ORDER BY coalesce(file, '') LIKE '%#history', "
            "origin='human' DESC, date DESC, id DESC", (unit, lang, *origins)).fetchall()
        return [(str(r[0]), str(r[1]), r[2], r[3], r[4]) for r in rows]

    def _has_index(self, lang: str) -> bool:
        return True  # (texts without words have no FTS rows but are found by length)

    def _new_lookup(self) -> None:
        self._postings.clear()

    def _file_identity(self) -> tuple[int, int] | None:
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        return found.st_dev, found.st_ino

    def refresh(self) -> None:
        """As IndexedStore.refresh, and first: the memory is still the file this store
        opened (a memory deleted or replaced meanwhile is not read from the old one)."""
        if self.path != ":memory:" and self._file_identity() != self._identity:
            raise InputError("the translation memory was removed or replaced while this "
                             "process had it open: start it again", self.path)
        super().refresh()

    def _index_folder(self, lang: str) -> Path | None:
        if self.path == ":memory:":
            return None
        path = Path(self.path)
        return path.with_name(f"{path.name}.index-{_fts(lang)[4:]}")

    def _term_ids(self, lang: str, terms: list[str]) -> dict[str, tuple[int, int]]:
        marks = ",".join("?" * len(terms))
        return {str(t): (int(i), int(df)) for t, i, df in self.db.execute(
            f"SELECT term, id, df FROM terms WHERE lang=? AND term IN ({marks}) AND df > 0",
            (lang, *terms))}

    def _window_size(self, lang: str, low: int, high: int) -> int:
        row = self.db.execute("SELECT count(*) FROM variants WHERE lang=? AND flen BETWEEN ? "
                              "AND ?", (lang, max(low, 0), high)).fetchone()
        return int(row[0])

    def _window(self, lang: str, low: int, high: int) -> Found:
        ids: list[int] = []
        forms: list[str] = []
        for variant_id, form in self.db.execute(
                "SELECT id, form FROM variants WHERE lang=? AND flen BETWEEN ? AND ?",
                (lang, max(low, 0), high)):
            ids.append(int(variant_id))
            forms.append(str(form))
        return ids, forms

    def _with_terms(self, lang: str, terms: list[int], need: int, low: int, high: int
                    ) -> Found:
        # Each term's posting list read once from FTS5 (remembered for the other bands of
        # the same lookup) and the texts holding `need` of them counted in numpy: an OR of
        # ANDs would read every list once per group it is in.
        name = _fts(lang)
        lists = []
        for term in terms:
            key = (lang, term)
            if key not in self._postings:
                self._postings[key] = np.fromiter(
                    (row[0] for row in self.db.execute(
                        f"SELECT rowid FROM {name} WHERE {name} MATCH ?", (f'"{term}"',))),
                    dtype=np.int64)
            lists.append(self._postings[key])
        found = at_least(lists, need).tolist()
        ids: list[int] = []
        forms: list[str] = []
        for start in range(0, len(found), 500):
            chunk = ",".join(map(str, found[start:start + 500]))
            for variant_id, form in self.db.execute(
                    f"SELECT id, form FROM variants WHERE id IN ({chunk}) AND flen BETWEEN ? "
                    "AND ?", (low, high)):
                ids.append(int(variant_id))
                forms.append(str(form))
        return ids, forms

    def _index_rows(self, lang: str) -> Iterator[tuple[int, str, bytes]]:
        return iter(self.db.execute(
            "SELECT id, form, coalesce(terms, x'') FROM variants WHERE lang=? AND flen >= 0",
            (lang,)))

    def _exact_units(self, lang: str, text: str) -> list[int]:
        return [int(r[0]) for r in self.db.execute(
            "SELECT DISTINCT unit FROM variants WHERE lang=? AND text=? AND origin IN (?,?,?) "
            "ORDER BY unit", (lang, text, *MATCHABLE_SIDES))]

    def _rows(self, ids: Sequence[int]) -> dict[int, tuple[int, str]]:
        found: dict[int, tuple[int, str]] = {}
        for start in range(0, len(ids), 500):
            chunk = ",".join(map(str, ids[start:start + 500]))
            for i, unit, text in self.db.execute(
                    f"SELECT id, unit, text FROM variants WHERE id IN ({chunk})"):
                found[int(i)] = (int(unit), str(text))
        return found

    def machine(self, text: str, source_lang: str, target_lang: str,
                settings: str) -> str | None:
        """A machine translation of `text` made with the same settings, if one is kept."""
        row = self.db.execute(
            "SELECT t.text FROM variants s JOIN variants t ON t.unit = s.unit AND t.lang = ? "
            "AND t.origin = ? AND t.note = ? WHERE s.lang = ? AND s.text = ? "
            "ORDER BY t.id DESC LIMIT 1",
            (target_lang, MACHINE, settings, source_lang, text)).fetchone()
        return str(row[0]) if row else None

    # -- reporting and export --------------------------------------------------------------

    def stats(self) -> list[tuple[str, str, str, int]]:
        """(source language, target language, origin, entries) for every pair."""
        rows = self.db.execute(
            "SELECT s.lang, t.lang, t.origin, COUNT(DISTINCT t.id) FROM variants t "
            "JOIN variants s ON s.unit = t.unit AND s.origin IN (?, ?) AND s.lang != t.lang "
            "WHERE t.origin != ? GROUP BY s.lang, t.lang, t.origin ORDER BY 1, 2, 3",
            (SOURCE, "imported", SOURCE)).fetchall()
        return [(str(a), str(b), str(c), int(d)) for a, b, c, d in rows]

    def entries(self, langs: tuple[str, ...] | None = None) -> Iterator[list[Variant]]:
        yield from grouped(self.db.execute(
            "SELECT unit, lang, text, origin, doc, date, context, note FROM variants "
            "WHERE origin NOT IN (?, ?) ORDER BY unit, origin != 'source', lang, id",
            (MACHINE, FUZZY)), langs)

    # -- copying -------------------------------------------------------------------------

    def units_after(self, after: int, limit: int) -> list[tuple[int, list[Variant]]]:
        return by_unit(self.db.execute(
            "SELECT unit, lang, text, origin, doc, date, context, note, file FROM variants "
            "WHERE unit IN (SELECT id FROM units WHERE id > ? ORDER BY id LIMIT ?) "
            "ORDER BY unit, id", (after, limit)))

    def history_units(self) -> list[tuple[int, list[Variant]]]:
        return by_unit(self.db.execute(
            "SELECT unit, lang, text, origin, doc, date, context, note, file FROM variants "
            "WHERE unit IN (SELECT unit FROM variants WHERE file LIKE ?) ORDER BY unit, id",
            (f"%{HISTORY}",)))

    def file_states(self) -> list[tuple[str, str, int | None, int | None]]:
        return [(str(p), str(h), m, z) for p, h, m, z in
                self.db.execute("SELECT path, sha256, mtime, size FROM files ORDER BY path")]

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO meta VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET "
                        "value=excluded.value", (key, value))
