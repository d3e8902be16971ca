"""`transkit tm import`: TMX files, XLIFF files (2.0, 1.2) and PO compendia into the TM in
one transaction, each kept under tm/ as TMX so that `tm rebuild` restores what was
imported; `tm export` to XLIFF (one language pair)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import catalog
from ..catalog import SOURCE_LANG_HEADER
from ..config import Config
from ..errors import InputError
from ..exchange.tmx import export_tmx, iter_tmx, xml_safe
from ..fsutil import atomic_copy, atomic_write_bytes, file_sha256
from ..languages import check_language, primary
from ..project import relative
from ..unit import TRANSLATED
from .store import HUMAN, IMPORTED, SOURCE, Entry, Store, Variant


@dataclass
class ImportReport:
    entries: int = 0
    variants: int = 0
    saved: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # file:line: why
    sources: set[str] = field(default_factory=set)  # source languages of what was read


def read_compendium(path: Path, source_lang: str | None, default_source: str,
                    left_out: list[str] | None = None) -> list[Entry]:
    """A PO compendium's translated entries. An entry holding a control character that
    XML cannot carry is left out (and listed in `left_out`): the memory keeps what it
    imports as TMX, and what it could not write there `tm rebuild` would lose."""
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
        if not (xml_safe(entry.msgid) and xml_safe(entry.msgstr)):
            if left_out is not None:
                left_out.append(f"{path}:{entry.line}: left out: a control character that "
                                "TMX cannot hold")
            continue
        entries.append(Entry([Variant(source, entry.msgid, IMPORTED, path.name),
                              Variant(target, entry.msgstr, IMPORTED, path.name)]))
    return entries


XLIFF_SUFFIXES = (".xlf", ".xliff")


def read_xliff(path: Path) -> list[Entry]:
    """The translated units of an XLIFF file (any tool's; inline codes as placeholders) as
    imported entries; units that need review, are empty or have broken codes are not."""
    from ..exchange import xliff

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
    from ..exchange import xliff

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


def _copy_name(tm_dir: Path, path: Path, taken: set[Path]) -> Path:
    """Where the memory keeps its TMX copy of `path`: tm/<name>.tmx, or tm/<name>-2.tmx
    and so on when another memory's copy has that name (a/mem.tmx then b/mem.tmx: the
    second never replaces the first). A TMX file imported again keeps its copy."""
    stem = path.stem
    for number in range(1, 10_000):
        keep = tm_dir / (f"{stem}.tmx" if number == 1 else f"{stem}-{number}.tmx")
        if keep in taken:
            continue
        if not keep.exists() or keep.resolve() == path.resolve():
            return keep
        if path.suffix.lower() == ".tmx" and file_sha256(keep) == file_sha256(path):
            return keep  # the same memory again
    raise InputError("too many memories with this name under tm/", path)


def import_files(config: Config, store: Store, files: list[Path],
                 source_lang: str | None = None,
                 progress: Callable[[str], None] | None = None) -> ImportReport:
    """Everything in one transaction: a malformed file stops the import and nothing is
    learnt. TMX files are read as a stream (memory holds a batch, not the file); a TMX
    copy of each file is kept under tm/ once all of them were learnt."""
    report = ImportReport()
    plans: list[tuple[Path, Path]] = []
    tm_dir = config.root / "tm"
    for path in files:
        suffix = path.suffix.lower()
        if suffix not in (".po", ".pot", ".tmx", *XLIFF_SUFFIXES):
            raise InputError("expected a .tmx, .xlf/.xliff or .po file", path)
        if not path.is_file():
            raise InputError("is a directory, expected a file" if path.is_dir()
                             else "is not a regular file (a FIFO, device or socket)"
                             if path.exists() else "no such file", path)
        plans.append((path, _copy_name(tm_dir, path, {keep for _, keep in plans})))
    # Compendia and XLIFF files are read whole first; TMX files stream while learning.
    compendia = {path: read_xliff(path) if path.suffix.lower() in XLIFF_SUFFIXES
                 else read_compendium(path, source_lang, config.source_language,
                                      report.left_out)
                 for path, _ in plans if path.suffix.lower() != ".tmx"}
    written: list[Path] = []
    try:
        with store.transaction():
            for path, keep in plans:
                entries = compendia.get(path)
                counted = _counting(iter_tmx(path) if entries is None else entries, report,
                                    progress and (lambda n, p=path: progress(f"{p.name}: "
                                                                             f"{n:,} units")))
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


def _counting(entries: Iterable[Entry], report: ImportReport,
              progress: Callable[[int], None] | None) -> Iterator[Entry]:
    for count, entry in enumerate(entries, 1):
        report.entries += 1
        report.sources.add(entry.variants[0].lang)
        if progress and count % 10_000 == 0:
            progress(count)
        yield entry
