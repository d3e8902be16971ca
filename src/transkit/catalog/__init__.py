"""Catalogues: the one way transkit reads, counts, merges and writes PO and POT files.

`load` is the strict reader (`po.parse`) every command uses; `save` writes gettext's
layout atomically; `build_template` and `update` are extraction's two steps.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

from .. import __version__
from ..errors import InputError
from ..fsutil import UNCHECKED, Changes, Expect, digest, read_bytes
from ..languages import native_name, plural_forms
from ..unit import Unit
from .model import (
    SOURCE_HEADER,
    SOURCE_LANG_HEADER,
    TEMPLATE_HEADER,
    Catalogue,
    Figures,
    MergeReport,
)
from .po import dumps, parse, read

__all__ = ["Catalogue", "Figures", "MergeReport", "SOURCE_HEADER", "SOURCE_LANG_HEADER",
           "TEMPLATE_HEADER", "build_template", "dumps", "load", "parse", "save",
           "template_hash", "update"]


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")


def load(path: Path) -> Catalogue:
    """Read a PO/POT file strictly: what msgfmt refuses is `InputError(path, line)`."""
    return read(path)


def encoded(catalogue: Catalogue) -> bytes:
    """The file's bytes. Bytes that were not UTF-8 where msgfmt does not check them
    (comments) go back as they came."""
    try:
        return dumps(catalogue).encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as exc:  # a lone surrogate: no character UTF-8 can write
        raise InputError("a string holds a lone surrogate, not a character (U+"
                         f"{ord(exc.object[exc.start]):04X}): nothing was written") from None


def stage(changes: Changes, catalogue: Catalogue, path: Path, expect: Expect = UNCHECKED
          ) -> bool:
    """Add the catalogue's write to `changes` unless it would change nothing. A catalogue
    read from `path` expects the file to be still what it read (a newer file is never
    replaced by it); one made anew expects `expect`."""
    try:
        data = encoded(catalogue)
    except InputError as exc:  # a string no PO file can hold: named with the file
        exc.path = exc.path or str(path)
        raise
    if catalogue.seen is not None and catalogue.path == path:
        if digest(data) == catalogue.seen.digest:
            return False  # nothing of ours to write: a newer file on disk stays as it is
        changes.write(path, data, catalogue.seen)
        return True
    try:
        if read_bytes(path, max(len(data), 1) * 2) == data:
            return False
    except InputError:
        pass
    changes.write(path, data, expect)
    return True


def save(catalogue: Catalogue, path: Path) -> bool:
    """Write atomically; returns False (and writes nothing) when the bytes would not change.
    A file that changed on disk since `catalogue` was read from it is not replaced
    (`StaleError`); after a save, the catalogue stands for what was written."""
    changes = Changes()
    if not stage(changes, catalogue, path):
        return False
    written = changes.commit()
    catalogue.path, catalogue.seen = path, written[path]
    return True


def template_hash(units: list[Unit]) -> str:
    digest = hashlib.sha256()
    for unit in units:
        digest.update((unit.msgctxt or "").encode() + b"\x04" + unit.msgid.encode() + b"\x00")
    return digest.hexdigest()[:16]


def _template_units(units: list[Unit], ref_path: str | None) -> list[Unit]:
    """Extracted units as template entries: one per (source, context), references and
    notes of repeated sources gathered on the first. Without `ref_path` (the chrome,
    shared by many bulletins) each unit brings its own references."""
    entries: dict[tuple[str, str | None], Unit] = {}
    for unit in units:
        if ref_path is None:
            references = list(unit.references)
        else:
            references = [f"{ref_path}:{unit.line}" if unit.line else ref_path]
        entry = entries.get(unit.key)
        if entry is None:
            entries[unit.key] = unit.clone(references=references, msgstr="", line=0)
            continue
        entry.references += [r for r in references if r not in entry.references]
        for note in unit.extracted_comments:
            if note not in entry.extracted_comments:
                entry.extracted_comments.append(note)
    return list(entries.values())


def _header(catalogue: Catalogue, project: str, lang: str, source_lang: str, thash: str,
            created: str, revised: str | None, source_hash: str | None,
            last_translator: str = "", team: str = "", plural: str | None = None) -> None:
    meta = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": created,
    }
    if revised is not None:
        meta["PO-Revision-Date"] = revised
        meta["Last-Translator"] = last_translator
        meta["Language-Team"] = team or native_name(lang)
    meta.update({
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural or plural_forms(lang),
        "X-Generator": f"transkit {__version__}",
    })
    if source_hash is not None:  # transkit's own headers in alphabetical order, as ever
        meta[SOURCE_HEADER] = source_hash
    meta[SOURCE_LANG_HEADER] = source_lang
    meta[TEMPLATE_HEADER] = thash
    catalogue.metadata = meta
    catalogue.has_header = True


def build_template(units: list[Unit], doc: str, ref_path: str | None, project: str,
                   source_lang: str, source_hash: str | None,
                   previous: Catalogue | None) -> Catalogue:
    """The .pot of a document; keeps the old creation date when nothing changed. The
    chrome's template has no one bulletin: no `ref_path`, no source hash."""
    pot = Catalogue(_template_units(units, ref_path))
    pot.comments = [f"{doc}: source texts ({native_name(source_lang)}) for {project}."]
    thash = template_hash(units)
    created = now()
    if previous is not None and previous.metadata.get(TEMPLATE_HEADER) == thash:
        created = previous.metadata.get("POT-Creation-Date", created)
    _header(pot, project, source_lang, source_lang, thash, created, created, source_hash)
    return pot


def update(template: Catalogue, old: Catalogue | None, lang: str, project: str,
           doc: str = "") -> tuple[Catalogue, MergeReport]:
    """A language's catalogue brought up to `template` (`Catalogue.update`), with the
    header transkit writes; a missing catalogue starts empty."""
    from ..text import score

    source_lang = template.metadata.get(SOURCE_LANG_HEADER, "") or lang
    base = old if old is not None else Catalogue()
    merged, report = base.update(template,
                                 lambda new, was: score(new, was, source_lang).score / 100)
    if old is None or not old.comments:
        merged.comments = [f"{doc}: {native_name(lang)} translation for {project}."]
    meta = template.metadata
    old_meta = old.metadata if old is not None else {}
    extra = {k: v for k, v in old_meta.items() if k not in _OWN_HEADERS}
    _header(merged, project, lang, meta.get(SOURCE_LANG_HEADER, ""), meta.get(TEMPLATE_HEADER, ""),
            meta.get("POT-Creation-Date", now()),
            old_meta.get("PO-Revision-Date") or meta.get("POT-Creation-Date", now()), None,
            old_meta.get("Last-Translator", ""), old_meta.get("Language-Team", ""),
            kept_plural_forms(old))
    merged.metadata.update(extra)  # headers another tool added (X-Poedit-…) stay
    return merged, report


_PLURAL_FORMS = re.compile(r"\s*nplurals\s*=\s*([1-9][0-9]?)\s*;\s*plural\s*=[^;]+;?\s*")


def plural_count(value: str) -> int | None:
    """nplurals of a Plural-Forms header value (None: not a well-formed one)."""
    match = _PLURAL_FORMS.fullmatch(value)
    return int(match.group(1)) if match else None


def kept_plural_forms(old: Catalogue | None) -> str | None:
    """The Plural-Forms a catalogue already has, when it is well formed and its plural
    entries have that many forms: kept as msgmerge keeps it (a team's `nplurals=2` for
    French stays, and no entry's forms are renumbered or left short); None otherwise, for
    Babel's."""
    if old is None:
        return None
    value = old.metadata.get("Plural-Forms", "")
    count = plural_count(value)
    if count is None:
        return None
    for unit in old:
        if unit.msgid_plural is not None and len(unit.msgstr_plural) != count:
            return None
    return value


_OWN_HEADERS = frozenset({
    "Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date",
    "Last-Translator", "Language-Team", "Language", "MIME-Version", "Content-Type",
    "Content-Transfer-Encoding", "Plural-Forms", "X-Generator", SOURCE_LANG_HEADER,
    TEMPLATE_HEADER, SOURCE_HEADER})
