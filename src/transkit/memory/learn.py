"""Harvest the project's catalogues (and tm/*.tmx) into the TM, incrementally: a file
whose content hash is unchanged since it was learnt is not read again."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .. import catalog
from ..catalog import Catalogue
from ..fsutil import file_sha256
from ..project import Project
from ..unit import Unit
from .base import HISTORY
from .store import FUZZY, HUMAN, MACHINE, SOURCE, Entry, Store, Variant, from_units


@dataclass
class LearnReport:
    files_read: int = 0
    files_skipped: int = 0
    variants: int = 0
    damaged: Path | None = None  # where `rebuild_memory` moved a memory it could not read


def neighbour_context(entries: list[Unit], index: int) -> str:
    """Hash of the units around entry `index`: what makes an exact match in-context (101)."""
    before = entries[index - 1].msgid if index > 0 else ""
    after = entries[index + 1].msgid if index + 1 < len(entries) else ""
    return hashlib.sha1(f"{before}\x00{after}".encode()).hexdigest()[:16]


def origin_of(entry: Unit) -> str | None:
    """How far a unit's translation can be trusted; None when there is none."""
    if not entry.has_target:
        return None
    if entry.fuzzy:
        provenance = entry.provenance
        return MACHINE if provenance is not None and provenance[0] == "mt" else FUZZY
    # A reviewer who clears the fuzzy flag of an MT draft makes it a human translation.
    return HUMAN


def entries_from_po(po: Catalogue, source_lang: str, lang: str, doc: str) -> list[Entry]:
    """What a catalogue teaches: every active unit with a translation, and every obsolete
    one (a source that changed or went away keeps its translation in the memory)."""
    active = po.active()
    revised = po.metadata.get("PO-Revision-Date", "")[:10] or None
    found: list[Entry] = []
    for index, entry in enumerate(active):
        origin = origin_of(entry)
        if origin is None or entry.msgid_plural is not None:
            continue
        found.append(Entry([
            Variant(source_lang, entry.msgid, SOURCE, doc),
            Variant(lang, entry.msgstr, origin, doc, revised, neighbour_context(active, index)),
        ]))
    for entry in po.obsolete():
        origin = origin_of(entry)
        if origin is None or entry.msgid_plural is not None:
            continue
        found.append(Entry([Variant(source_lang, entry.msgid, SOURCE, doc),
                            Variant(lang, entry.msgstr, origin, doc, revised)]))
    return found


def _digest(path: Path) -> str:
    return file_sha256(path)


def learn_project(project: Project, store: Store, progress: Callable[[str], None] | None = None,
                  force: bool = False) -> LearnReport:
    """Learn every catalogue (and tm/*.tmx) that changed since it was last learnt (all
    with `force`); each file in its own transaction, replacing what it taught before."""
    report = LearnReport()

    def learn_file(path: Path, read: Callable[[], Iterable[Entry]]) -> None:
        key = project.shown(path)
        st = os.stat(path)
        state = store.file_state(key)
        # Same mtime and size as when learnt: not even read. Otherwise the content hash
        # decides (a touched but unchanged file is only re-stamped).
        if not force and state is not None and state[1:] == (st.st_mtime_ns, st.st_size):
            report.files_skipped += 1
            return
        digest = _digest(path)
        if not force and state is not None and state[0] == digest:
            store.set_file_hash(key, digest, st.st_mtime_ns, st.st_size)
            report.files_skipped += 1
            return
        if progress:
            progress(key)
        entries = read()
        with store.transaction():
            store.forget_file(key)
            report.variants += store.learn(entries, key)
            store.set_file_hash(key, digest, st.st_mtime_ns, st.st_size)
        report.files_read += 1

    for ref in project.catalogues():
        learn_file(ref.path, partial(_po_entries, ref.path, ref.source_language, ref.lang,
                                     ref.name))
    tm_dir = project.memory_folder
    for path in sorted(tm_dir.glob("*.tmx")) if tm_dir.is_dir() else []:
        learn_file(project.linked(path), partial(_tmx_entries, path))
    return report


def _tmx_entries(path: Path) -> Iterable[Entry]:
    from ..exchange.tmx import iter_tmx

    return from_units(iter_tmx(path))


def _po_entries(path: Path, source_lang: str, lang: str, doc: str) -> list[Entry]:
    return entries_from_po(catalog.load(path), source_lang, lang, doc)


def history(store: Store) -> list[Entry]:
    """Every translation the memory keeps as history (see `history_key`), with its source."""
    kept: list[Entry] = []
    for _, variants in store.history_units():
        old = [v for v in variants if v.file and v.file.endswith(HISTORY)]
        sources = [v for v in variants if v.origin == SOURCE]
        if old and sources:
            kept.append(Entry([sources[0], *old]))
    return kept


def rebuild(project: Project, store: Store, progress: Callable[[str], None] | None = None
            ) -> LearnReport:
    """Recreate the TM from locales/ and tm/*.tmx, keeping its history: every translation
    a person made that the files no longer hold."""
    kept = history(store)
    with store.transaction():
        store.clear()
        report = learn_project(project, store, progress, force=True)
        store.learn(kept)
    return report


def _sqlite_file(path: Path) -> bool:
    """A regular file that begins as SQLite databases do (a damaged one included)."""
    import stat

    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        with open(path, "rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def rebuild_memory(project: Project, progress: Callable[[str], None] | None = None
                   ) -> LearnReport:
    """`tm rebuild` of the project's memory. An SQLite memory that cannot be read (a
    damaged file, another program's database) is moved aside, never deleted
    (`tm.sqlite.damaged-<time>`, with its journal files), and a new one is learnt from
    locales/ and tm/*.tmx: the history only it held is in the moved file."""
    import sqlite3
    import time

    from ..errors import InputError
    from . import is_server, open_store, tm_locator

    damaged: Path | None = None
    try:
        store = open_store(project)
        try:
            return rebuild(project, store, progress)
        finally:
            store.close()
    except (InputError, sqlite3.DatabaseError) as exc:
        locator = tm_locator(project)
        if is_server(locator) or not Path(locator).is_file() or (
                isinstance(exc, InputError) and "translation memory" not in exc.message):
            raise
        path = Path(locator)
        if not _sqlite_file(path):
            raise InputError("is not an SQLite translation memory: left as it is (move it "
                             "away, and `transkit tm rebuild` makes a new one)", path) from None
        damaged = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{path}{suffix}")
            if part.exists():
                os.replace(part, Path(f"{damaged}{suffix}"))
    store = open_store(project)
    try:
        report = rebuild(project, store, progress)
    finally:
        store.close()
    report.damaged = damaged
    return report

