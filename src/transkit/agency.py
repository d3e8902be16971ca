"""Work sent to an agency and taken back: a language's catalogues exported as one XLIFF
file (2.0 or 1.2) and the agency's file imported into them, through the one catalogue
model, without overwriting what changed meanwhile.

Each exported unit carries the id of its entry (a hash of msgctxt and msgid) and a
fingerprint of the entry's translation side; on import an entry whose fingerprint no
longer matches was edited since the export, and the agency's text is reported as a
conflict (or, when only the source moved on, kept as a fuzzy suggestion), never
written over it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from . import catalog
from .catalog import Catalogue
from .errors import InputError
from .exchange import Bitext, Code, Markup, Suggestion, legend_codes, registry
from .exchange.xliff import fingerprint, fingerprint_parts, unit_ids
from .fsutil import Changes
from .languages import check_language, primary
from .project import CatalogueRef, Project, is_chrome
from .sources import file_name
from .sources.inline import Code as SourceCode
from .unit import FUZZY, TRANSLATED, UNTRANSLATED, Unit, count_words, excerpt

if TYPE_CHECKING:
    from .memory.store import Store

SELECTIONS = ("untranslated", "fuzzy", "all")
XLIFF_FORMATS = {"2.0": "xliff", "1.2": "xliff12"}  # version -> registered format
MATCHES_PER_UNIT = 3


# --- what the placeholders stand for -----------------------------------------------------

def _markup(code: SourceCode) -> Code:
    element = code.element
    tag = element.tag if isinstance(element.tag, str) else ""
    if code.kind == "g":
        attrs = "".join(f' {k}="{html.escape(str(v), quote=True)}"'
                        for k, v in element.attrib.items())
        return Code("g", tag, f"<{tag}{attrs}>", f"</{tag}>")
    whole = etree.tostring(element, method="html", encoding="unicode", with_tail=False)
    return Code("x", tag, whole)


class SourceMarkup:
    """The HTML each placeholder of a document stands for, read from its bulletin(s) by the
    bulletin reader (a document's units; the chrome's from every bulletin it refers to)."""

    def __init__(self, project: Project):
        self.project = project
        self.config = project.config
        self._by_doc: dict[str, dict[str, dict[int, Code]]] = {}
        self.catalogues: dict[str, Catalogue] = {}  # what `lookup` reads, by document

    def lookup(self, doc: str, text: str) -> dict[int, Code] | None:
        """What the placeholders of `text` in document `doc` stand for (the `markup` of an
        exchange format's `write`), when its catalogue was given in `catalogues`."""
        po = self.catalogues.get(doc)
        return self.codes(doc, po).get(text) if po is not None else None

    def codes(self, doc: str, po: Catalogue) -> dict[str, dict[int, Code]]:
        """msgid -> {placeholder number: Code} for the units the bulletins still have."""
        found = self._by_doc.get(doc)
        if found is not None:
            return found
        found = {}
        chrome = is_chrome(doc)
        if chrome:
            where = {r.rsplit(":", 1)[0] for u in po.units for r in u.references}
            paths = sorted(self.project.root / w for w in where)
        else:
            paths = [self.project.bulletins / file_name(self.project.bulletins, doc)]
        from .sources.html import AttributeBlock

        for path in paths:
            if not path.is_file():
                continue
            try:
                document = self.project.load_document(path)
            except InputError:
                continue  # the legend still says what the codes are
            for block in document.chrome if chrome else document.blocks:
                if isinstance(block, AttributeBlock):
                    continue
                for index, source in enumerate(block.unit_sources()):
                    found.setdefault(source, {
                        local: _markup(block.encoded.codes[number])
                        for local, number in block.locals[index].items()})
        self._by_doc[doc] = found
        return found


# --- export ------------------------------------------------------------------------------

@dataclass
class ExportReport:
    files: int = 0
    units: int = 0
    words: int = 0
    matches: int = 0
    written: bool = False
    skipped: list[str] = field(default_factory=list)  # documents of another source language


def _wanted(unit: Unit, only: set[str]) -> bool:
    if unit.msgid_plural is not None or unit.is_header:
        return False  # bulletins have no plural entries; a hand-made one stays in the PO
    return "all" in only or unit.state in only


def export_xliff(project: Project, store: Store | None, lang: str, docs: list[str] | None,
                 version: str, only: set[str], out: Path) -> ExportReport:
    """Write the units of `lang` selected by `only` (states, or "all") as one XLIFF file:
    one <file> per document, TM matches for empty units. Nothing is written when no unit
    is selected. The catalogues' units go to the format as they are: the format reads
    their comments, flags, previous source and state."""
    config = project.config
    if version not in XLIFF_FORMATS:
        raise InputError(f"XLIFF version {version!r}: 2.0 or 1.2")
    fmt = registry.load(XLIFF_FORMATS[version])
    check_language(lang)
    report = ExportReport()
    refs = project.catalogues([lang], docs)
    if not refs:
        raise InputError(f"no catalogue for {lang} (is it the documents' source language? "
                         "run `transkit extract`)")
    sources = {r.source_language for r in refs}
    source_lang = (config.source_language if config.source_language in sources
                   else refs[0].source_language)
    markup = SourceMarkup(project)
    bitexts: list[Bitext] = []
    for ref in refs:
        if version == "2.0" and ref.source_language != source_lang:
            report.skipped.append(ref.name)  # one srcLang per XLIFF 2.0 document
            continue
        bitext = _export_file(project, store, ref, only, markup, report)
        if bitext.units:
            bitexts.append(bitext)
    if not bitexts:
        return report
    fmt.write(bitexts, out, markup=markup.lookup, fingerprints=True, source_lang=source_lang)
    report.files = len(bitexts)
    report.written = True
    return report


def _export_file(project: Project, store: Store | None, ref: CatalogueRef, only: set[str],
                 markup: SourceMarkup, report: ExportReport) -> Bitext:
    config = project.config
    po = catalog.load(ref.path)
    markup.catalogues[ref.name] = po
    if is_chrome(ref.name):
        original = project.shown(ref.doc.template)
    else:
        original = project.shown(project.bulletins / file_name(project.bulletins, ref.name))
    bitext = Bitext(ref.source_language, ref.lang, doc=ref.name, original=original)
    ids = unit_ids([u.key for u in po.units])
    for ident, unit in zip(ids, po.units, strict=True):
        if unit.obsolete or not _wanted(unit, only):
            continue
        index = len(bitext.units)
        bitext.units.append(unit)
        bitext.ids.append(ident)
        if not unit.has_target and store is not None:
            found = [Suggestion(match.score, match.source, match.proposal,
                                f"transkit TM ({match.origin}"
                                + (f", {match.doc})" if match.doc else ")"))
                     for match in store.lookup(unit.msgid, ref.source_language, ref.lang,
                                               config.tm.threshold, MATCHES_PER_UNIT)]
            if found:
                bitext.matches[index] = found
                report.matches += len(found)
        report.units += 1
        report.words += count_words(unit.msgid)
    return bitext


# --- import ------------------------------------------------------------------------------

TRANSLATED_ACTION, FUZZY_ACTION = "translated", "fuzzy"
SUGGESTION, CONFLICT, REFUSED = "suggestion", "conflict", "refused"
WRITES = frozenset({TRANSLATED_ACTION, FUZZY_ACTION, SUGGESTION})


@dataclass
class Change:
    """What the import does (or would do) with one unit."""

    where: str  # path:line of the PO entry (of the XLIFF unit when it has none)
    action: str
    text: str
    reason: str = ""

    def line(self) -> str:
        reason = f" ({self.reason})" if self.reason else ""
        return f"{self.where}: {self.action}{reason}: {excerpt(self.text)}"


@dataclass
class FileImport:
    """One XLIFF file's import: its changes, the catalogues written, or the error that
    stopped it (then nothing of it was written)."""

    path: Path
    changes: list[Change] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    error: InputError | None = None

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)


Document = list[Bitext]  # an exchange file read: one Bitext per document, one target


def read_files(paths: list[Path], format_name: str | None = None
               ) -> list[tuple[Path, Document]]:
    """Read and validate every file first (in `format_name`, else the format its suffix
    names): a malformed one stops the import before any write."""
    found = []
    for path in paths:
        fmt = registry.for_path(path, format_name)
        document = list(fmt.read(path))
        if not document:
            raise InputError("no document in the file", path, 1)
        found.append((path, document))
    return found


def import_document(project: Project, path: Path, document: Document, dry_run: bool,
                    lang: str | None = None) -> FileImport:
    """Apply one read XLIFF file to the catalogues (all its catalogues written, or none)."""
    result = FileImport(path)
    try:
        planned = _plan(project, path, document, lang, result)
    except InputError as exc:
        result.error = exc
        result.changes = []
        return result
    if not dry_run:
        # Every catalogue of the file is computed and staged before the first is replaced,
        # and none replaces a file someone saved since it was read.
        changes = Changes()
        written = [po_path for po_path, po in planned if catalog.stage(changes, po, po_path)]
        changes.commit()
        result.written = [project.shown(p) for p in written]
    return result


def _target_language(project: Project, path: Path, document: Document,
                     lang: str | None) -> str:
    said = document[0].target
    code = primary(said)
    if code not in project.languages:
        raise InputError(f"the file is for {said!r}, not one of the project's "
                         f"languages ({', '.join(project.languages)})", path, 1)
    if lang is not None and code != lang:
        raise InputError(f"the file is for {said!r}, not {lang!r}", path, 1)
    return code


def _plan(project: Project, path: Path, document: Document, lang: str | None,
          result: FileImport) -> list[tuple[Path, Catalogue]]:
    target = _target_language(project, path, document, lang)
    for bitext in document:
        for index, printed in bitext.fingerprints.items():
            parts = fingerprint_parts(printed)
            if parts is not None and parts[0] != target:
                # trgLang edited, or the file of another team: never another language's text
                raise InputError(f"unit {_ident(bitext, index)} was exported from the "
                                 f"{parts[0]} catalogues, the file says it is for {target}",
                                 path, bitext.units[index].line)
    where = project.shown(path)
    known = {entry.name: entry for entry in project.documents()}
    planned: dict[Path, Catalogue] = {}
    modified: set[Path] = set()
    touched: set[int] = set()
    for xfile in document:
        name = xfile.doc
        entry = known.get(name)  # only known names reach a path: the file is untrusted
        if entry is None:
            raise InputError(f"<file> of a document this project does not have ({name!r}: "
                             "no extracted document of that name)", path, xfile.line)
        if primary(xfile.source) != entry.source_language:
            raise InputError(f"document {name!r} is written in {entry.source_language}, the "
                             f"file's source is {xfile.source}", path, xfile.line)
        if target == entry.source_language:
            raise InputError(f"the file's target language {target} is the source language "
                             f"of {name!r}", path, xfile.line)
        po_path = project.catalogue(name, target)
        po = planned.get(po_path)
        if po is None:
            if not po_path.is_file():
                raise InputError(f"no catalogue {project.shown(po_path)} to import into",
                                 path, xfile.line)
            po = catalog.load(po_path)
            planned[po_path] = po
        shown = project.shown(po_path)
        by_id = dict(zip(unit_ids([u.key for u in po.units]), po.units, strict=True))
        first = len(result.changes)
        for index, unit in enumerate(xfile.units):
            _apply(unit, _ident(xfile, index), xfile.fingerprints.get(index),
                   xfile.problems.get(index), by_id, po, shown, f"{where}:{unit.line}",
                   touched, result, target)
        if any(c.action in WRITES for c in result.changes[first:]):
            modified.add(po_path)
    for po_path in modified:  # as a PO editor does when it saves a translation
        planned[po_path].metadata["PO-Revision-Date"] = catalog.now()
    return [(p, po) for p, po in planned.items() if p in modified]


def _ident(bitext: Bitext, index: int) -> str:
    return bitext.ids[index] if index < len(bitext.ids) else ""


def _apply(unit: Unit, ident: str, printed: str | None, problem: str | None,
           by_id: dict[str, Unit], po: Catalogue, shown: str, at: str, touched: set[int],
           result: FileImport, lang: str) -> None:
    """One unit read back (`ident` its id in the file, `printed` its export fingerprint,
    `problem` why it cannot be used) applied to its entry."""
    if problem is not None:
        result.changes.append(Change(at, REFUSED, unit.msgstr or unit.msgid,
                                     f"unit {ident}: {problem}"))
        return
    entry = by_id.get(ident)
    if entry is not None and not entry.obsolete and entry.msgid != unit.msgid:
        result.changes.append(Change(at, REFUSED, unit.msgid,
                                     f"unit {ident}: its source was changed in the file"))
        return
    if not unit.msgstr:
        return
    if (unit.msgid.startswith("\n") != unit.msgstr.startswith("\n")
            or unit.msgid.endswith("\n") != unit.msgstr.endswith("\n")):
        # msgfmt (and our reader) refuse a translation that does not start and end with a
        # newline where its source does: writing it would break the catalogue.
        result.changes.append(Change(at, REFUSED, unit.msgstr,
                                     f"unit {ident}: the translation must begin and end "
                                     "with a line break where its source does"))
        return
    if entry is None or entry.obsolete:
        _source_changed(unit, ident, printed, entry, po, shown, at, touched, result, lang)
        return
    where = f"{shown}:{entry.line}"
    if id(entry) in touched:
        result.changes.append(Change(where, CONFLICT, unit.msgstr,
                                     f"unit {ident} appears twice in the file"))
        return
    touched.add(id(entry))
    if unit.msgstr == entry.msgstr and unit.state == entry.state:
        result.unchanged += 1
        return
    current = fingerprint(lang, entry.state, entry.msgstr)
    if printed == current or not entry.has_target:
        entry.msgstr = unit.msgstr
        entry.set_fuzzy(unit.state == FUZZY)
        action = TRANSLATED_ACTION if unit.state == TRANSLATED else FUZZY_ACTION
        result.changes.append(Change(where, action, unit.msgstr))
        return
    if unit.msgstr == entry.msgstr:
        result.unchanged += 1  # same text; the state was changed here meanwhile
        return
    why = ("no export fingerprint in the file" if printed is None
           else "the entry was edited since the export")
    result.changes.append(Change(where, CONFLICT, unit.msgstr,
                                 f"{why}; kept: {excerpt(entry.msgstr, 40)}"))


def _source_changed(unit: Unit, ident: str, printed: str | None, entry: Unit | None,
                    po: Catalogue, shown: str, at: str, touched: set[int],
                    result: FileImport, lang: str) -> None:
    """The entry's source changed since the export: the merge made a fuzzy successor with
    the exported source as its previous msgid; the agency's text becomes its suggestion
    when that entry holds nothing a person wrote since."""
    successor = next((u for u in po.active() if u.previous_msgid == unit.msgid
                      and id(u) not in touched), None)
    if successor is None:
        if entry is None:
            result.changes.append(Change(at, REFUSED, unit.msgstr,
                                         f"unknown unit id {ident} (not in {shown})"))
        else:
            result.changes.append(Change(f"{shown}:{entry.line}", CONFLICT, unit.msgstr,
                                         "the source is no longer in the bulletin "
                                         "(obsolete entry)"))
        return
    where = f"{shown}:{successor.line}"
    touched.add(id(successor))
    exported = fingerprint_parts(printed)
    carried = fingerprint_parts(fingerprint(lang, UNTRANSLATED, successor.msgstr))
    if not successor.has_target or (successor.fuzzy and exported is not None
                                    and carried is not None and exported[2] == carried[2]):
        successor.msgstr = unit.msgstr
        successor.set_fuzzy(True)
        result.changes.append(Change(where, SUGGESTION, unit.msgstr,
                                     "the source changed since the export: kept as fuzzy"))
        return
    result.changes.append(Change(where, CONFLICT, unit.msgstr,
                                 "the source changed and the entry was edited since the "
                                 f"export; kept: {excerpt(successor.msgstr, 40)}"))


# --- the memory's codes, for TMX export ---------------------------------------------------

def markup_index(project: Project) -> Markup:
    """What the placeholders of each source text of the project stand for (its bulletin's
    markup, else the template's legend), for an exchange format's `write`: a CAT tool
    reuses a match only when its codes carry the same markup as the document's."""
    markup = SourceMarkup(project)
    by_doc: dict[tuple[str, str], dict[int, Code]] = {}
    by_text: dict[str, dict[int, Code]] = {}
    for entry in project.documents():
        try:
            pot = catalog.load(entry.template)
        except InputError:
            continue  # a broken template is for `extract` to report; its codes stay plain
        from_bulletin = markup.codes(entry.name, pot)
        for unit in pot:
            if "<" not in unit.msgid:
                continue
            codes = legend_codes(unit)
            codes.update(from_bulletin.get(unit.msgid, {}))
            if codes:
                by_doc[(entry.name, unit.msgid)] = codes
                by_text.setdefault(unit.msgid, codes)

    def lookup(doc: str, text: str) -> dict[int, Code] | None:
        if "<" not in text:
            return None
        found = by_doc.get((doc, text))
        return found if found is not None else by_text.get(text)

    return lookup
