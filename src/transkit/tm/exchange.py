"""`transkit tm import`: TMX files and PO compendia into the TM in one transaction, each
kept under tm/ as TMX so that `tm rebuild` restores what was imported."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import catalog
from ..catalog import SOURCE_LANG_HEADER
from ..config import Config
from ..errors import InputError
from ..fsutil import atomic_copy, file_sha256
from ..languages import check_language, primary
from ..project import relative
from .store import IMPORTED, Entry, Store, Variant
from .tmx import export_tmx, iter_tmx


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
    """Everything in one transaction: a malformed file stops the import and nothing is
    learnt. TMX files are read as a stream (memory holds a batch, not the file); a TMX
    copy of each file is kept under tm/ once all of them were learnt."""
    report = ImportReport()
    plans: list[tuple[Path, Path]] = []
    tm_dir = config.root / "tm"
    for path in files:
        suffix = path.suffix.lower()
        if suffix not in (".po", ".pot", ".tmx"):
            raise InputError("expected a .tmx or .po file", path)
        if not path.is_file():
            raise InputError("is a directory, expected a file" if path.is_dir()
                             else "no such file", path)
        plans.append((path, tm_dir / (f"{path.stem}.tmx" if suffix != ".tmx" else path.name)))
    compendia = {path: read_compendium(path, source_lang, config.source_language)
                 for path, _ in plans if path.suffix.lower() != ".tmx"}
    written: list[Path] = []
    try:
        with store.transaction():
            for path, keep in plans:
                entries = compendia.get(path)
                counted = _counting(iter_tmx(path) if entries is None else entries, report)
                report.variants += store.learn(counted, relative(config, keep))
            for path, keep in plans:
                if keep.resolve() == path.resolve():
                    continue
                existed = keep.exists()
                keep.parent.mkdir(parents=True, exist_ok=True)
                entries = compendia.get(path)
                if entries is None:
                    atomic_copy(path, keep)
                else:
                    export_tmx((e.variants for e in entries), keep,
                               entries[0].variants[0].lang if entries
                               else config.source_language)
                if not existed:
                    written.append(keep)
                report.saved.append(relative(config, keep))
            for _, keep in plans:
                st = keep.stat()
                store.set_file_hash(relative(config, keep), file_sha256(keep),
                                    st.st_mtime_ns, st.st_size)
    except BaseException:
        for copy in written:  # the memory rolled back: so do the copies it would learn
            copy.unlink(missing_ok=True)
        raise
    return report


def _counting(entries: Iterable[Entry], report: ImportReport) -> Iterator[Entry]:
    for entry in entries:
        report.entries += 1
        yield entry
