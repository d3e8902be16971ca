"""PO catalogues through polib: template writing, msgmerge-style update, atomic save,
and a fast statistics scan used by `status`."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polib

from . import __version__, pofile
from .errors import InputError
from .fsutil import atomic_write_text, read_text
from .languages import native_name, plural_forms
from .stats import (
    SOURCE_HEADER,
    SOURCE_LANG_HEADER,
    TEMPLATE_HEADER,
    FileStats,
    count_words,
    scan_stats,
)
from .unit import Unit

WRAP = 78
FUZZY_CUTOFF = 0.6  # token score (0-1) below which a changed unit starts empty


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")


def template_hash(units: list[Unit]) -> str:
    digest = hashlib.sha256()
    for unit in units:
        digest.update((unit.context or "").encode() + b"\x04" + unit.source.encode() + b"\x00")
    return digest.hexdigest()[:16]


def load(path: Path, allow_duplicates: bool = False) -> polib.POFile:
    """Read a PO/POT file; errors become `file:line: reason`. Duplicate entries are an
    error unless `allow_duplicates` (the `duplicates` check wants to see them)."""
    text = read_text(path)
    try:
        po = polib.pofile(text, wrapwidth=WRAP, check_for_duplicates=not allow_duplicates)
    except (OSError, ValueError) as exc:
        message = str(exc)
        match = re.search(r"\(line (\d+)\)", message) or re.search(r"line (\d+)", message)
        line = int(match.group(1)) if match else None
        reason = re.sub(r"\s*\(line \d+\)", "", message)
        raise InputError(f"malformed PO file: {reason}", path, line) from None
    po.fpath = str(path)
    return po


def msgid_lines(po: polib.POFile) -> dict[int, int]:
    """Line of each entry's `msgid` keyword, by id(entry): where an editor should jump
    (polib's `linenum` is the entry's first line, often a comment)."""
    if not po.fpath:
        return {}
    try:
        lines = Path(po.fpath).read_text("utf-8").split("\n")
    except OSError:
        return {}
    found: dict[int, int] = {}
    for entry in po:
        number = max(entry.linenum - 1, 0)
        while number < len(lines) and not lines[number].lstrip("#~ ").startswith("msgid "):
            number += 1
        found[id(entry)] = number + 1 if number < len(lines) else entry.linenum
    return found


def save(po: polib.POFile, path: Path) -> bool:
    """Write atomically; returns False (and writes nothing) when the bytes would not change."""
    text = pofile.dumps(po)
    try:
        if path.read_text("utf-8") == text:
            return False
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    atomic_write_text(path, text)
    return True


def _entries_from_units(units: list[Unit], ref_path: str) -> list[polib.POEntry]:
    entries: dict[tuple[str, str | None], polib.POEntry] = {}
    for unit in units:
        entry = entries.get(unit.key)
        occurrence = (ref_path, str(unit.line))
        if entry is None:
            entry = polib.POEntry(msgid=unit.source, msgstr="", msgctxt=unit.context,
                                  occurrences=[occurrence], comment="\n".join(unit.notes))
            entries[unit.key] = entry
            continue
        if occurrence not in entry.occurrences:
            entry.occurrences.append(occurrence)
        lines = entry.comment.split("\n") if entry.comment else []
        for note in unit.notes:
            if note not in lines:
                lines.append(note)
        entry.comment = "\n".join(lines)
    return list(entries.values())


def _header(po: polib.POFile, project: str, lang: str, source_lang: str, thash: str,
            created: str, revised: str | None, source_hash: str | None,
            last_translator: str = "", team: str = "") -> None:
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
        "Plural-Forms": plural_forms(lang),
        "X-Generator": f"transkit {__version__}",
        SOURCE_LANG_HEADER: source_lang,
        TEMPLATE_HEADER: thash,
    })
    if source_hash is not None:
        meta[SOURCE_HEADER] = source_hash
    po.metadata = meta


def build_template(units: list[Unit], doc: str, ref_path: str, project: str, source_lang: str,
                   source_hash: str, previous: polib.POFile | None) -> polib.POFile:
    """The .pot for a document; keeps the old creation date when nothing changed."""
    pot = polib.POFile(wrapwidth=WRAP)
    pot.header = f"{doc}: source texts ({native_name(source_lang)}) for {project}."
    for entry in _entries_from_units(units, ref_path):
        pot.append(entry)
    thash = template_hash(units)
    created = now()
    if previous is not None and previous.metadata.get(TEMPLATE_HEADER) == thash:
        created = previous.metadata.get("POT-Creation-Date", created)
    _header(pot, project, source_lang, source_lang, thash, created, created, source_hash)
    return pot


@dataclass
class MergeReport:
    kept: int = 0
    fuzzy: int = 0
    new: int = 0
    obsoleted: int = 0
    revived: int = 0
    changed: bool = False
    fuzzy_pairs: list[tuple[str, str]] = field(default_factory=list)


def _similarity(new: str, old: str, lang: str) -> float:
    """The TM's token score (tm/match.py), so carry-over and pre-translation agree."""
    from .tm.match import score

    return score(new, old, lang).score / 100


def update(template: polib.POFile, old: polib.POFile | None, lang: str, project: str,
           doc: str = "") -> tuple[polib.POFile, MergeReport]:
    """Merge a template into a language's catalogue like `msgmerge --previous`.

    Unchanged units keep their translation; a new unit takes the translation of
    the most similar old unit as fuzzy with `#|` previous msgid; old translated
    units that are no longer in the template become obsolete, never dropped.
    """
    report = MergeReport()
    po = polib.POFile(wrapwidth=WRAP)
    po.header = (
        f"{doc}: {native_name(lang)} translation for {project}.")
    old_entries: dict[tuple[str, str | None], polib.POEntry] = {}
    if old is not None:
        for entry in old:
            old_entries.setdefault((entry.msgid, entry.msgctxt), entry)
        for entry in old.obsolete_entries():
            old_entries.setdefault((entry.msgid, entry.msgctxt), entry)
    used: set[tuple[str, str | None]] = set()
    pending: list[polib.POEntry] = []
    for tentry in template:
        key = (tentry.msgid, tentry.msgctxt)
        entry = polib.POEntry(msgid=tentry.msgid, msgctxt=tentry.msgctxt, msgstr="",
                              occurrences=list(tentry.occurrences), comment=tentry.comment)
        found = old_entries.get(key)
        if found is not None:
            used.add(key)
            entry.msgstr = found.msgstr
            entry.msgstr_plural = dict(found.msgstr_plural)
            entry.msgid_plural = found.msgid_plural
            entry.tcomment = found.tcomment
            entry.flags = [f for f in found.flags]
            entry.previous_msgid = found.previous_msgid
            entry.previous_msgctxt = found.previous_msgctxt
            if found.obsolete:
                report.revived += 1
            report.kept += 1
        else:
            pending.append(entry)
        po.append(entry)
    source_lang = template.metadata.get(SOURCE_LANG_HEADER, "") or lang
    candidates = [e for k, e in old_entries.items()
                  if k not in used and (e.msgstr or any(e.msgstr_plural.values()))]
    for entry in pending:
        best: polib.POEntry | None = None
        best_score = 0.0
        for candidate in candidates:
            score = _similarity(entry.msgid, candidate.msgid, source_lang)
            if score > best_score:
                best, best_score = candidate, score
        if best is not None and best_score >= FUZZY_CUTOFF:
            entry.msgstr = best.msgstr
            entry.tcomment = best.tcomment
            entry.flags = [f for f in best.flags if f != "fuzzy"] + ["fuzzy"]
            entry.previous_msgid = best.msgid
            entry.previous_msgctxt = best.msgctxt
            report.fuzzy += 1
            report.fuzzy_pairs.append((best.msgid, entry.msgid))
        else:
            report.new += 1
    for key, entry in old_entries.items():
        if key in used or not (entry.msgstr or any(entry.msgstr_plural.values())):
            continue
        obsolete = polib.POEntry(msgid=entry.msgid, msgctxt=entry.msgctxt, msgstr=entry.msgstr,
                                 tcomment=entry.tcomment, flags=list(entry.flags), obsolete=True,
                                 previous_msgid=entry.previous_msgid)
        obsolete.msgid_plural = entry.msgid_plural
        obsolete.msgstr_plural = dict(entry.msgstr_plural)
        if not entry.obsolete:
            report.obsoleted += 1
        po.append(obsolete)
    meta = template.metadata
    old_meta = old.metadata if old is not None else {}
    _header(po, project, lang, meta.get(SOURCE_LANG_HEADER, ""), meta.get(TEMPLATE_HEADER, ""),
            meta.get("POT-Creation-Date", now()),
            old_meta.get("PO-Revision-Date") or meta.get("POT-Creation-Date", now()), None,
            old_meta.get("Last-Translator", ""), old_meta.get("Language-Team", ""))
    return po, report


def is_translated(entry: polib.POEntry) -> bool:
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


__all__ = ["FileStats", "count_words", "scan_stats", "load", "save", "update",
           "build_template", "is_translated", "template_hash"]
