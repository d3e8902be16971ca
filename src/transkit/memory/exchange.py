"""`transkit tm import` and `tm export`: any exchange format of the registry (PO compendia,
TMX, XLIFF 2.0 and 1.2, plug-ins) into and out of the memory, through the memory's one
projection of units (`store.from_units`, `store.to_units`, `store.pair_units`). Imports
are learnt in one transaction, each file kept under tm/ as TMX so that `tm rebuild`
restores it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..exchange import Bitext, Markup, registry
from ..exchange.tmx import write_tmx
from ..fsutil import atomic_copy, file_sha256
from ..languages import check_language, primary
from ..project import Project
from .store import Entry, Store, Variant, from_units, pair_units, to_units


@dataclass
class ImportReport:
    entries: int = 0
    variants: int = 0
    saved: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # file:line: why
    sources: set[str] = field(default_factory=set)  # source languages of what was read


def _known(bitext: Bitext, path: Path, default: str) -> Bitext:
    """A read bitext with its languages as the memory's codes (`default` for a source the
    file did not say) and its document named."""
    bitext.source = check_language(primary(bitext.source or default))
    bitext.target = check_language(primary(bitext.target))
    bitext.doc = bitext.doc or path.name
    return bitext


def read_file(path: Path, fmt: Any, source_lang: str | None, default: str,
              left_out: list[str]) -> list[Entry]:
    """What the memory learns of one file read whole (formats other than TMX): its units'
    projection; translations left out for a problem are listed in `left_out`."""
    bitexts = []
    for bitext in fmt.read(path, source_lang):
        bitexts.append(_known(bitext, path, default))
        for index, problem in sorted(bitext.problems.items()):
            unit = bitext.units[index]
            if unit.translated:
                left_out.append(f"{path}:{unit.line or bitext.line}: left out: {problem}")
    return list(from_units(bitexts))


def _streamed(fmt: Any, path: Path, source_lang: str | None, default: str
              ) -> Iterator[Entry]:
    return from_units(_known(b, path, default) for b in fmt.read(path, source_lang))


def export_units(store: Store, fmt: Any, out: Path, langs: tuple[str, ...] | None,
                 source_lang: str, markup: Markup | None = None) -> int:
    """The memory written in `fmt`: every language of each unit for a multilingual format
    (TMX), else one language pair, `langs` being (source, target)."""
    if getattr(fmt, "multilingual", False):
        return int(fmt.write(to_units(store.entries(langs), langs), out, markup=markup,
                             source_lang=source_lang))
    if langs is None or len(langs) != 2:
        raise InputError(f"a {fmt.name} file holds one language pair", out)
    bitext = pair_units(store.entries(langs), langs[0], langs[1])
    if not bitext.units:
        raise InputError(f"the memory has no {langs[0]}→{langs[1]} translation to export", out)
    return int(fmt.write([bitext], out, markup=markup, source_lang=source_lang))


def export_tmx(groups: Iterable[list[Variant]], out: Path, source_lang: str,
               langs: tuple[str, ...] | None = None, markup: Markup | None = None) -> int:
    """Rows of the memory (or aligned pairs shaped as them) as TMX, through `to_units`."""
    return write_tmx(to_units(groups, langs), out, source_lang, markup)


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


def import_files(project: Project, store: Store, files: list[Path],
                 source_lang: str | None = None,
                 progress: Callable[[str], None] | None = None,
                 format_name: str | None = None) -> ImportReport:
    """Everything in one transaction: a malformed file stops the import and nothing is
    learnt. A file's format is `format_name`, else the one its suffix names (the
    registry). TMX files are read as a stream (memory holds a batch, not the file),
    others whole first; a TMX copy of each file is kept under tm/ once all of them were
    learnt. `source_lang`: the sources' language the user gave (a PO compendium's, over
    its header); a source no file says is the project's."""
    config = project.config
    report = ImportReport()
    plans: list[tuple[Path, Path]] = []
    tm_dir = project.memory_folder
    formats = {}
    for path in files:
        formats[path] = registry.for_path(path, format_name)
        if not path.is_file():
            raise InputError("is a directory, expected a file" if path.is_dir()
                             else "is not a regular file (a FIFO, device or socket)"
                             if path.exists() else "no such file", path)
        plans.append((path, _copy_name(tm_dir, path, {keep for _, keep in plans})))
    default = config.source_language
    compendia: dict[Path, list[Entry]] = {
        path: read_file(path, formats[path], source_lang, default, report.left_out)
        for path, _ in plans if formats[path].name != "tmx"}
    written: list[Path] = []
    try:
        with store.transaction():
            for path, keep in plans:
                whole = compendia.get(path)
                read = (_streamed(formats[path], path, source_lang, default) if whole is None
                        else whole)
                counted = _counting(read, report,
                                    progress and (lambda n, p=path: progress(f"{p.name}: "
                                                                             f"{n:,} units")))
                report.variants += store.learn(counted, project.shown(keep))
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
                report.saved.append(project.shown(keep))
            for _, keep in plans:
                st = keep.stat()
                store.set_file_hash(project.shown(keep), file_sha256(keep),
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
