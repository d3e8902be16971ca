"""`transkit tm import`: TMX files and PO compendia into the TM in one transaction, each
kept under tm/ as TMX so that `tm rebuild` restores what was imported."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .. import catalog
from ..catalog import SOURCE_LANG_HEADER
from ..config import Config
from ..errors import InputError
from ..fsutil import atomic_write_bytes, read_bytes
from ..languages import check_language, primary
from ..project import relative
from .store import IMPORTED, Entry, Store, Variant
from .tmx import export_tmx, read_tmx


@dataclass
class ImportReport:
    entries: int = 0
    variants: int = 0
    saved: list[str] = field(default_factory=list)


def read_compendium(path: Path, source_lang: str | None, default_source: str) -> list[Entry]:
    po = catalog.load(path)
    lang = po.metadata.get("Language", "").strip()
    if not lang:
        raise InputError("PO compendium has no Language header", path, 1)
    target = check_language(primary(lang))
    source = check_language(source_lang or po.metadata.get(SOURCE_LANG_HEADER, "")
                            or default_source)
    entries: list[Entry] = []
    for entry in po:
        if not entry.translated or entry.msgid_plural is not None:
            continue
        entries.append(Entry([Variant(source, entry.msgid, IMPORTED, path.name),
                              Variant(target, entry.msgstr, IMPORTED, path.name)]))
    return entries


def import_files(config: Config, store: Store, files: list[Path],
                 source_lang: str | None = None) -> ImportReport:
    """Read everything first (a malformed file stops the import before any write), then
    learn it all in one transaction and keep a TMX copy of each file under tm/."""
    report = ImportReport()
    loaded: list[tuple[Path, list[Entry], Path]] = []
    tm_dir = config.root / "tm"
    for path in files:
        if path.suffix.lower() in (".po", ".pot"):
            entries = read_compendium(path, source_lang, config.source_language)
            keep = tm_dir / f"{path.stem}.tmx"
        elif path.suffix.lower() == ".tmx":
            entries = read_tmx(path)
            keep = tm_dir / path.name
        else:
            raise InputError("expected a .tmx or .po file", path)
        loaded.append((path, entries, keep))
    with store.transaction():
        for path, entries, keep in loaded:
            key = relative(config, keep)
            report.entries += len(entries)
            report.variants += store.learn(entries, key)
            if keep.resolve() != path.resolve():
                keep.parent.mkdir(parents=True, exist_ok=True)
                if path.suffix.lower() == ".tmx":
                    atomic_write_bytes(keep, read_bytes(path))
                else:
                    export_tmx((e.variants for e in entries), keep,
                               entries[0].variants[0].lang if entries else config.source_language)
                report.saved.append(key)
            st = keep.stat()
            store.set_file_hash(key, hashlib.sha256(keep.read_bytes()).hexdigest(),
                                st.st_mtime_ns, st.st_size)
    return report
