"""`transkit tm import`: TMX files, XLIFF files (2.0, 1.2) and PO compendia into the TM in
one transaction, each kept under tm/ as TMX so that `tm rebuild` restores what was
imported; `tm export` to XLIFF (one language pair)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .. import catalog
from ..catalog import SOURCE_LANG_HEADER
from ..config import Config
from ..errors import InputError
from ..fsutil import atomic_write_bytes, read_bytes
from ..languages import check_language, primary
from ..project import relative
from ..unit import TRANSLATED
from .store import HUMAN, IMPORTED, SOURCE, Entry, Store, Variant
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


XLIFF_SUFFIXES = (".xlf", ".xliff")


def read_xliff(path: Path) -> list[Entry]:
    """The translated units of an XLIFF file (any tool's; inline codes as placeholders) as
    imported entries; units that need review, are empty or have broken codes are not."""
    from ..formats import xliff

    document = xliff.read(path)
    target = check_language(primary(document.target_lang))
    entries: list[Entry] = []
    for xfile in document.files:
        source = check_language(primary(xfile.source_lang or document.source_lang))
        doc = xfile.doc or path.name
        for unit in xfile.units:
            if unit.problem is not None or unit.state != TRANSLATED or not unit.source:
                continue
            entries.append(Entry([Variant(source, unit.source, IMPORTED, doc),
                                  Variant(target, unit.target, IMPORTED, doc)]))
    return entries


def export_xliff(groups: Iterable[list[Variant]], out: Path, source: str, target: str) -> int:
    """The memory's `source`→`target` pairs as XLIFF 2.0 (one <file>, every unit
    translated; human translations preferred to imported ones); returns the units."""
    from ..formats import xliff

    units: list[xliff.XUnit] = []
    for group in groups:
        src = _best(group, source, (SOURCE, HUMAN, IMPORTED))
        tgt = _best(group, target, (HUMAN, IMPORTED))
        if src is None or tgt is None:
            continue
        units.append(xliff.XUnit("", src.text, tgt.text, TRANSLATED))
    for ident, unit in zip(xliff.unit_ids([(u.source, None) for u in units]), units,
                           strict=True):
        unit.id = ident
    if not units:
        raise InputError(f"the memory has no {source}→{target} translation to export", out)
    document = xliff.XDocument("2.0", source, target,
                               [xliff.XFile("memory", "transkit translation memory", units)])
    try:
        data = xliff.dumps(document)
    except ValueError as exc:
        raise InputError(str(exc), out) from None
    atomic_write_bytes(out, data)
    return len(units)


def _best(group: list[Variant], lang: str, origins: tuple[str, ...]) -> Variant | None:
    found = [v for v in group if v.lang == lang and v.origin in origins and v.text]
    found.sort(key=lambda v: origins.index(v.origin))
    return found[0] if found else None


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
        elif path.suffix.lower() in XLIFF_SUFFIXES:
            entries = read_xliff(path)
            keep = tm_dir / f"{path.stem}.tmx"
        else:
            raise InputError("expected a .tmx, .xlf/.xliff or .po file", path)
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
