"""The embedded translation memory: SQLite under .transkit/, with one FTS5 index of
terms per language for candidate retrieval; scoring is match.py's."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from itertools import combinations
from pathlib import Path

from ..errors import InputError
from ..text import index_terms, tokenize
from .base import HISTORY, IndexedStore, Target, by_unit, grouped, history_key
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

SCHEMA_VERSION = 2
MAX_GROUPS = 64  # term combinations one FTS query may hold
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
    ntok INTEGER NOT NULL DEFAULT 0,
    keys TEXT NOT NULL DEFAULT '',  -- the text's token keys, one character each (symbols)
    UNIQUE(unit, lang, text, origin)
);
CREATE INDEX IF NOT EXISTS variants_text ON variants(lang, text);
CREATE INDEX IF NOT EXISTS variants_unit ON variants(unit, lang);
CREATE INDEX IF NOT EXISTS variants_file ON variants(file);
CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, sha256 TEXT NOT NULL,
    mtime INTEGER, size INTEGER);
-- Document frequency of each index term: picks the rarest terms of a query without
-- walking FTS5 posting lists (fts5vocab counts them, which costs as much as a scan).
-- Token keys as single characters: the token edit distance of two texts is then the
-- edit distance of two short strings, computed in C without tokenizing either.
CREATE TABLE IF NOT EXISTS symbols(key TEXT PRIMARY KEY, code INTEGER NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS terms(lang TEXT NOT NULL, term TEXT NOT NULL, df INTEGER NOT NULL,
    PRIMARY KEY(lang, term)) WITHOUT ROWID;
"""


def _char(code: int) -> str:
    """The character for symbol number `code` (from U+0100, skipping surrogates)."""
    code += 0x100
    if code >= 0xD800:
        code += 0x800
    return chr(code)


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
            self.db.execute("PRAGMA cache_size=-65536")
            self.db.executescript(SCHEMA)
            columns = {row[1] for row in self.db.execute("PRAGMA table_info(files)")}
            for column in ("mtime", "size"):
                if column not in columns:  # a memory made before these columns existed
                    self.db.execute(f"ALTER TABLE files ADD COLUMN {column} INTEGER")
            self.db.execute("INSERT OR IGNORE INTO meta VALUES('schema', ?)",
                            (str(SCHEMA_VERSION),))
            version = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if version is None or version[0] != str(SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"schema version {version and version[0]}, "
                                            f"expected {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise InputError(f"cannot open the translation memory: {exc} "
                             "(`transkit tm rebuild` recreates it)", self.path) from None
        self._fts_known: set[str] = {
            row[0][4:] for row in self.db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE "
                "'CREATE VIRTUAL TABLE%fts5(%'")}
        self._symbols: dict[str, str] | None = None
        self._codes: dict[str, dict[int, str]] = {}

    # -- plumbing ------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            self._symbols = None  # symbols added in the transaction are gone too
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

    def _encode(self, keys: list[str], learn: bool) -> str:
        """Token keys as a string of symbol characters. Unknown keys get new symbols when
        learning; in a query they get characters that match nothing stored."""
        if self._symbols is None:
            self._symbols = {str(k): _char(int(c)) for k, c in
                             self.db.execute("SELECT key, code FROM symbols")}
        symbols = self._symbols
        out = []
        unknown = 0
        for key in keys:
            char = symbols.get(key)
            if char is None:
                if learn:
                    code = len(symbols)
                    self.db.execute("INSERT INTO symbols VALUES(?, ?)", (key, code))
                    char = symbols[key] = _char(code)
                else:
                    unknown += 1
                    char = chr(0x10FFFF - unknown)
            out.append(char)
        return "".join(out)

    def clear(self) -> None:
        with self.transaction():
            for lang in list(self._fts_known):
                self.db.execute(f"DROP TABLE IF EXISTS {_fts(lang)}")
            self._fts_known.clear()
            self.db.execute("DELETE FROM variants")
            self.db.execute("DELETE FROM units")
            self.db.execute("DELETE FROM files")
            self.db.execute("DELETE FROM terms")
            self.db.execute("DELETE FROM symbols")
            self.db.execute("DELETE FROM meta WHERE key != 'schema'")
            self._symbols = None

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
                "SELECT id, lang, origin, text FROM variants WHERE file=? AND origin != ?",
                (file, SOURCE)).fetchall()
            gone: Counter[tuple[str, str]] = Counter()
            for variant_id, lang, origin, text in rows:
                terms = index_terms(text)[0]
                if origin in MATCHABLE_SIDES and terms:
                    # A contentless FTS5 index forgets a row when told the terms it indexed.
                    name = self._ensure_fts(lang)
                    self.db.execute(f"INSERT INTO {name}({name}, rowid, terms) "
                                    "VALUES('delete', ?, ?)", (variant_id, " ".join(terms)))
                    gone.update((lang, term) for term in set(terms))
            self.db.executemany("UPDATE terms SET df = df - ? WHERE lang=? AND term=?",
                                [(n, lang, term) for (lang, term), n in gone.items()])
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
        frequencies: Counter[tuple[str, str]] = Counter()
        with self.transaction():
            for entry in entries:
                if not entry.variants:
                    continue
                unit, known = self._unit_for(entry.variants[0])
                for variant in entry.variants:
                    # Only a unit that was there before can already hold the variant.
                    if known and variant.origin == IMPORTED and self.db.execute(
                            "SELECT 1 FROM variants WHERE unit=? AND lang=? AND text=? AND "
                            "origin IN (?, ?, ?) LIMIT 1",
                            (unit, variant.lang, variant.text, *MATCHABLE_SIDES)).fetchone():
                        continue  # already known: importing an export adds nothing
                    terms, ntok = index_terms(variant.text)
                    code = self._encode([t.key for t in tokenize(variant.text)], learn=True) \
                        if variant.origin in MATCHABLE_SIDES else ""
                    cursor = self.db.execute(
                        "INSERT OR IGNORE INTO variants(unit, lang, text, origin, doc, file, date,"
                        " context, note, ntok, keys) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                        (unit, variant.lang, variant.text, variant.origin, variant.doc,
                         variant.file or file,
                         variant.date or today, variant.context, variant.note, ntok, code))
                    if cursor.rowcount and variant.origin in MATCHABLE_SIDES and terms:
                        self.db.execute(
                            f"INSERT INTO {self._ensure_fts(variant.lang)}(rowid, terms) "
                            "VALUES(?, ?)", (cursor.lastrowid, " ".join(terms)))
                        frequencies.update((variant.lang, term) for term in set(terms))
                    added += cursor.rowcount
            self.db.executemany(
                "INSERT INTO terms VALUES(?, ?, ?) ON CONFLICT(lang, term) "
                "DO UPDATE SET df = df + excluded.df",
                [(lang, term, n) for (lang, term), n in frequencies.items()])
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

    def preload(self, lang: str) -> None:
        """Keep every `lang` text's token code in memory, for long pre-translation jobs:
        candidates then come from the index alone, without one row read each."""
        self._codes[lang] = {int(i): str(k) for i, k in self.db.execute(
            "SELECT id, keys FROM variants WHERE lang=? AND keys != ''", (lang,))}

    def _has_index(self, lang: str) -> bool:
        return lang in self._fts_known

    def _frequencies(self, lang: str, terms: list[str]) -> dict[str, int]:
        marks = ",".join("?" * len(terms))
        return dict(self.db.execute(
            f"SELECT term, df FROM terms WHERE lang=? AND term IN ({marks}) AND df > 0",
            (lang, *terms)).fetchall())

    def _with_terms(self, lang: str, terms: list[str], need: int, low: int, high: int
                    ) -> list[tuple[int, str]]:
        name = _fts(lang)
        quoted = ['"' + t.replace('"', '""') + '"' for t in terms]
        groups = list(combinations(quoted, need))
        if len(groups) <= MAX_GROUPS:
            # "At least `need` of these terms" as an OR of ANDs: FTS5 intersects the
            # posting lists in C and hands back only the texts that reach the count.
            query = " OR ".join("(" + " AND ".join(group) + ")" for group in groups)
            ids = [row[0] for row in self.db.execute(
                f"SELECT rowid FROM {name} WHERE {name} MATCH ?", (query,))]
        else:
            counts: Counter[int] = Counter()
            for term in quoted:
                counts.update(row[0] for row in self.db.execute(
                    f"SELECT rowid FROM {name} WHERE {name} MATCH ?", (term,)))
            ids = [i for i, c in counts.items() if c >= need]
        codes = self._codes.get(lang)
        if codes is not None:
            return [(i, code) for i in ids
                    if (code := codes.get(i)) is not None and low <= len(code) <= high]
        found: list[tuple[int, str]] = []
        for start in range(0, len(ids), 500):
            chunk = ",".join(map(str, ids[start:start + 500]))
            found += [(int(r[0]), str(r[1])) for r in self.db.execute(
                f"SELECT id, keys FROM variants WHERE id IN ({chunk}) AND ntok BETWEEN ? AND ?",
                (low, high))]
        return found

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
