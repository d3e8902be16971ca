"""`Catalogue`: the units of one PO/POT file with its header, its figures, and the merge of a
new template into it (`update`, msgmerge's rules, nothing a translator wrote dropped)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from ..fsutil import Seen
from ..unit import Unit, count_words

TEMPLATE_HEADER = "X-Transkit-Template"
SOURCE_HEADER = "X-Transkit-Source"
SOURCE_LANG_HEADER = "X-Transkit-Source-Language"

FUZZY_CUTOFF = 0.6  # similarity (0-1) below which a changed unit starts empty


class Figures(NamedTuple):
    """Counts of one catalogue's active units, as msgfmt --statistics counts them, with
    words; `missing` lists (line, source, fuzzy) of every unit not translated."""

    units: int
    words: int
    translated: int
    translated_words: int
    fuzzy: int
    fuzzy_words: int
    missing: list[tuple[int, str, bool]]

    @property
    def untranslated(self) -> int:
        return self.units - self.translated - self.fuzzy


class MergeReport:
    def __init__(self) -> None:
        self.kept = 0
        self.fuzzy = 0
        self.new = 0
        self.obsoleted = 0
        self.revived = 0
        self.fuzzy_pairs: list[tuple[str, str]] = []


def most_similar(unit: Unit, candidates: list[Unit],
                 similarity: Callable[[str, str], float]) -> Unit | None:
    """The candidate whose source is most like the unit's (the first of equals), if it
    reaches FUZZY_CUTOFF: the translation a changed source is offered as fuzzy."""
    best: Unit | None = None
    best_score = 0.0
    for candidate in candidates:
        score = similarity(unit.msgid, candidate.msgid)
        if score > best_score:
            best, best_score = candidate, score
    return best if best is not None and best_score >= FUZZY_CUTOFF else None


class Catalogue:
    """The units of one file in file order (active and obsolete), its header fields
    (`metadata`, in order) and the header entry's own comments and flags."""

    def __init__(self, units: list[Unit] | None = None,
                 metadata: dict[str, str] | None = None, comments: list[str] | None = None):
        self.units: list[Unit] = units if units is not None else []
        self.metadata: dict[str, str] = metadata if metadata is not None else {}
        self.header = Unit("", translator_comments=comments)
        self.has_header = metadata is not None
        self.header_extra: list[str] = []  # header lines that are not `Name: value`
        self.path: Path | None = None
        # What the file at `path` was when read: a save refuses to replace a newer file.
        self.seen: Seen | None = None

    # -- header ---------------------------------------------------------------------------
    def set_header(self, unit: Unit | None) -> None:
        self.has_header = unit is not None
        if unit is None:
            self.header = Unit("")
            self.metadata = {}
            return
        self.header = unit
        self.metadata = {}
        self.header_extra = []
        for line in unit.msgstr.split("\n"):
            name, sep, value = line.partition(":")
            if sep and name.strip():
                self.metadata[name.strip()] = value.strip()
            elif line.strip():
                self.header_extra.append(line)  # kept as written

    def header_unit(self) -> Unit | None:
        if not self.has_header and not self.metadata:
            return None
        metadata = dict(self.metadata)
        content = metadata.get("Content-Type")
        if content is not None and "charset=" in content:
            # transkit writes UTF-8 whatever the file was read in.
            head, _, charset = content.partition("charset=")
            if charset.strip().upper() not in ("UTF-8", "CHARSET"):
                metadata["Content-Type"] = f"{head}charset=UTF-8"
        text = "".join(f"{k}: {v}\n" for k, v in metadata.items())
        text += "".join(f"{line}\n" for line in self.header_extra)
        return self.header.clone(msgstr=text, obsolete=False)

    @property
    def comments(self) -> list[str]:
        """The comment lines above the header (the file's description)."""
        return self.header.translator_comments

    @comments.setter
    def comments(self, lines: list[str]) -> None:
        self.header.translator_comments = list(lines)

    # -- units ----------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Unit]:
        """Active units, in file order."""
        return (u for u in self.units if not u.obsolete)

    def __len__(self) -> int:
        return sum(1 for u in self.units if not u.obsolete)

    def active(self) -> list[Unit]:
        return [u for u in self.units if not u.obsolete]

    def obsolete(self) -> list[Unit]:
        return [u for u in self.units if u.obsolete]

    def find(self, msgid: str, msgctxt: str | None = None) -> Unit | None:
        for unit in self.units:
            if not unit.obsolete and unit.msgid == msgid and unit.msgctxt == msgctxt:
                return unit
        return None

    def by_key(self) -> dict[tuple[str, str | None], Unit]:
        return {u.key: u for u in self.units if not u.obsolete}

    def fill_from(self, drafted: Catalogue) -> int:
        """Every unit still empty here takes the draft `drafted` holds for the same source
        (translation, flags, previous source, comments): how a job that only fills empty
        units joins a file someone saved while it worked, losing nothing of theirs."""
        drafts = drafted.by_key()
        filled = 0
        for index, unit in enumerate(self.units):
            if unit.obsolete or unit.has_target:
                continue
            draft = drafts.get(unit.key)
            if draft is None or not draft.has_target or draft.msgid_plural != unit.msgid_plural:
                continue
            self.units[index] = unit.clone(
                msgstr=draft.msgstr, msgstr_plural=dict(draft.msgstr_plural),
                flags=list(draft.flags), previous_msgid=draft.previous_msgid,
                previous_msgctxt=draft.previous_msgctxt,
                previous_msgid_plural=draft.previous_msgid_plural,
                translator_comments=list(draft.translator_comments))
            filled += 1
        return filled

    def append(self, unit: Unit) -> None:
        self.units.append(unit)

    def figures(self) -> Figures:
        units = words = translated = translated_words = fuzzy = fuzzy_words = 0
        missing: list[tuple[int, str, bool]] = []
        for unit in self.units:
            # Unit.state spelt out: this loop runs for every unit of every `status`.
            if unit.obsolete:
                continue
            count = count_words(unit.msgid)
            units += 1
            words += count
            if unit.msgstr if unit.msgid_plural is None else unit.msgstr_plural.get(0):
                if "fuzzy" not in unit.flags:
                    translated += 1
                    translated_words += count
                    continue
                fuzzy += 1
                fuzzy_words += count
                missing.append((unit.line, unit.msgid, True))
            else:
                missing.append((unit.line, unit.msgid, False))
        return Figures(units, words, translated, translated_words, fuzzy, fuzzy_words, missing)

    # -- merge ----------------------------------------------------------------------------
    def update(self, template: Catalogue,
               similarity: Callable[[str, str], float]) -> tuple[Catalogue, MergeReport]:
        """This catalogue brought up to `template`, as `msgmerge --previous` does.

        Units whose source is unchanged keep everything a translator wrote; a new
        unit takes the translation of the most similar leftover unit (by
        `similarity`, 0-1) as fuzzy, with that unit's source as previous msgid;
        leftover units with a translation or a translator's comment become obsolete,
        never dropped; an obsolete unit whose source returns is revived.
        """
        report = MergeReport()
        old: dict[tuple[str, str | None], Unit] = {}
        # An empty header (`msgid ""` / `msgstr ""`, which msgfmt counts as a message) is
        # read as a unit: the merge takes it back as the header, with its comments and
        # flags, never as an obsolete duplicate of the header it writes.
        empty_header = next((u for u in self.units if u.is_header and not u.obsolete), None)
        for unit in self.units:  # active units win over obsolete ones of the same key
            if not unit.obsolete and unit is not empty_header:
                old.setdefault(unit.key, unit)
        for unit in self.units:
            if unit.obsolete and not unit.is_header:
                old.setdefault(unit.key, unit)
        merged = Catalogue()
        merged.header = (empty_header if empty_header is not None and not self.has_header
                         else self.header).clone(msgstr="")
        merged.has_header = True
        merged.metadata = dict(self.metadata)
        merged.header_extra = list(self.header_extra)
        used: set[tuple[str, str | None]] = set()
        pending: list[Unit] = []
        for tunit in template.units:
            if tunit.obsolete:
                continue
            found = old.get(tunit.key)
            if found is not None:
                used.add(tunit.key)
                unit = _carry(tunit, found)
                if found.obsolete:
                    report.revived += 1
                report.kept += 1
            else:
                unit = tunit.clone(msgstr="", msgstr_plural={}, translator_comments=[],
                                   flags=list(tunit.flags))
                pending.append(unit)
            merged.units.append(unit)
        candidates = [u for k, u in old.items() if k not in used and u.has_target]
        for unit in pending:
            best = most_similar(unit, candidates, similarity)
            if best is None:
                report.new += 1
                continue
            # A plural entry's singular form suggests a singular unit, and the other way.
            unit.msgstr = (best.msgstr if best.msgid_plural is None
                           else best.msgstr_plural.get(0, ""))
            unit.msgstr_plural = ({} if not unit.msgid_plural else dict(best.msgstr_plural)
                                  if best.msgid_plural else {0: best.msgstr})
            unit.translator_comments = list(best.translator_comments)
            unit.flags = _merged_flags(unit.flags, best.flags)
            unit.set_fuzzy()
            unit.previous_msgid = best.msgid
            unit.previous_msgctxt = best.msgctxt
            unit.previous_msgid_plural = best.msgid_plural
            report.fuzzy += 1
            report.fuzzy_pairs.append((best.msgid, unit.msgid))
        for key, unit in old.items():
            if key in used:
                continue
            # Keep what a person wrote: a translation, a comment or a flag. A comment copied
            # onto a fuzzy successor is still kept here, with its own translation.
            if not (unit.has_target or unit.translator_comments
                    or any(unit.msgstr_plural.values())
                    or any(flag != "fuzzy" for flag in unit.flags)):
                continue
            if not unit.obsolete:
                report.obsoleted += 1
            merged.units.append(unit.clone(obsolete=True))
        return merged, report


def _merged_flags(template_flags: list[str], old_flags: list[str]) -> list[str]:
    """The template's flags (format flags from extraction) and the translator's own."""
    flags = list(template_flags)
    for flag in old_flags:
        if flag not in flags:
            flags.append(flag)
    return flags


def _carry(tunit: Unit, old: Unit) -> Unit:
    """The template's unit with the translation side of `old` (same source)."""
    unit = tunit.clone(obsolete=False)
    unit.msgstr = old.msgstr
    unit.msgstr_plural = dict(old.msgstr_plural)
    if old.msgid_plural is not None and unit.msgid_plural is None:
        unit.msgid_plural = old.msgid_plural
    unit.translator_comments = list(old.translator_comments)
    unit.flags = _merged_flags(tunit.flags, old.flags)
    unit.previous_msgid = old.previous_msgid
    unit.previous_msgctxt = old.previous_msgctxt
    unit.previous_msgid_plural = old.previous_msgid_plural
    return unit

