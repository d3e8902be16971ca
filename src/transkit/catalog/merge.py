"""The three-way merge of one catalogue's base, ours and theirs, unit by unit (git's merge
driver and `transkit resolve` call it); a true conflict stays visible in the file.

Units are keyed by (msgid, msgctxt), so a translation never moves to another source:
what one side changed is taken, the same change on both sides once. A unit's *source
side* (present, active or obsolete; references, notes, plural source) and its
*translation* (msgstr, fuzzy, previous source, provenance) are merged separately, so a
re-extraction on one branch and a translator's work on the other both survive. A
translation of a source the other side removed stays as an obsolete entry and, when the
new source is near enough, as a fuzzy suggestion on it (the previous msgid says which).

A true conflict (both sides translated the unit differently) keeps ours as msgstr, marks
the unit fuzzy and writes theirs in a translator comment, `# transkit-conflict: theirs:
"…"` (the text escaped as in a PO string, so it stays one line): a valid PO file msgfmt
compiles without the unit, every PO editor shows both versions, and `status`, `check`
and `release` name each one until the comment is removed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import datetime
from typing import NamedTuple, TypeVar

from ..unit import Unit
from .model import Catalogue, most_similar
from .po import escape

CONFLICT_MARK = "transkit-conflict:"

Key = tuple[str, str | None]
T = TypeVar("T", bound=Hashable)


class MergeResult(NamedTuple):
    """The merged catalogue and what a person must look at: the active units in true
    conflict, the translations kept only as obsolete entries, the fuzzy suggestions
    made from a source the other side changed."""

    catalogue: Catalogue
    conflicts: list[Unit]
    kept_obsolete: int
    suggestions: int


def is_conflict(unit: Unit) -> bool:
    """Whether a unit still carries a merge conflict (a `transkit-conflict:` comment)."""
    return any(c.startswith(CONFLICT_MARK) for c in unit.translator_comments)


def conflict_lines(catalogue: Catalogue) -> list[int]:
    """Lines (of the msgid) of the active units that still carry a merge conflict."""
    return [u.line for u in catalogue.units
            if u.translator_comments and not u.obsolete and is_conflict(u)]


def merge(base: Catalogue | None, ours: Catalogue, theirs: Catalogue, *,
          template_order: Sequence[Key] | None = None,
          similarity: Callable[[str, str], float] | None = None) -> MergeResult:
    """Merge `ours` and `theirs` against their common `base` (None: no common ancestor).

    Active units come out in `template_order` when given, else in ours' order; a unit
    that order lacks comes after the unit that precedes it on its side; obsolete units
    after them all.
    `similarity` (0-1) lets a translation of a source the other side replaced become a
    fuzzy suggestion on the most similar new source; without it the translation is kept
    as an obsolete entry only.
    """
    base = _lifted(base if base is not None else Catalogue(), None)
    ours, theirs = _lifted(ours, base), _lifted(theirs, base)
    b_units = {u.key: u for u in base.units}
    o_units = {u.key: u for u in ours.units}
    t_units = {u.key: u for u in theirs.units}
    keys = list(o_units)
    keys += [k for k in t_units if k not in o_units]
    keys += [k for k in b_units if k not in o_units and k not in t_units]

    merged = Catalogue()
    _merge_header(merged, base, ours, theirs)
    conflicts: list[Unit] = []
    kept = 0
    sides = {"o": o_units, "t": t_units, "b": b_units}
    origin: dict[Key, dict[Key, Unit]] = {}  # where each unit's translation came from
    for key in keys:
        unit, conflict, side = _merge_unit(b_units.get(key), o_units.get(key),
                                           t_units.get(key), b_units)
        if unit is None:
            continue
        merged.units.append(unit)
        if not conflict:
            origin[key] = sides[side]
        if conflict and not unit.obsolete:
            conflicts.append(unit)
        if unit.obsolete and unit.has_target and any(
                x is not None and not x.obsolete for x in (o_units.get(key), t_units.get(key))):
            kept += 1  # still active on one side: the other side removed its source
    by_key = {u.key: u for u in merged.units}
    _refresh_suggestions(merged, origin, by_key)
    suggestions = 0
    if similarity is not None:
        suggestions = _suggest(merged, b_units, set(origin), similarity)
    primary = list(template_order) if template_order is not None else [
        u.key for u in ours.units if not u.obsolete]
    rank = _order(primary, [[u.key for u in side.units if not u.obsolete]
                            for side in (ours, theirs)])
    active = [u for u in merged.units if not u.obsolete]
    active.sort(key=lambda u: rank.get(u.key, (len(primary), 3, 0)))
    merged.units = active + [u for u in merged.units if u.obsolete]
    return MergeResult(merged, conflicts, kept, suggestions)


def _lifted(side: Catalogue, base: Catalogue | None) -> Catalogue:
    """`side` with its empty header (`msgid ""` / `msgstr ""`, gettext's minimal form, read
    as a unit) taken as the header it is, never merged as a second `msgid ""` entry. Its
    emptiness is no change: the fields are the base's (a side that removes every field
    would leave a header msgfmt --check refuses)."""
    empty = next((u for u in side.units if u.is_header and not u.obsolete), None)
    if empty is None or side.has_header:
        return side
    lifted = Catalogue([u for u in side.units if u is not empty],
                       dict(base.metadata) if base is not None else {})
    lifted.header = empty.clone(msgstr="")
    if base is not None:
        lifted.header_extra = list(base.header_extra)
    return lifted


def _order(primary: list[Key], sides: list[list[Key]]
           ) -> dict[Key, tuple[int, int, int]]:
    """Sort keys: the primary order (the template's, else ours'), and a key it lacks
    right after the key that precedes it on the side that has it (a unit one side's
    re-extraction added lands where that side put it, not at the end)."""
    rank = {key: (i, 0, 0) for i, key in enumerate(primary)}
    for number, side in enumerate(sides, 1):
        before = -1
        for position, key in enumerate(side):
            found = rank.get(key)
            if found is None:
                rank[key] = (before, number, position)
            elif found[1] == 0:
                before = found[0]
    return rank


# -- three-way choices ------------------------------------------------------------------

_UNDECIDED = object()


def _pick(base: object, ours: object, theirs: object) -> object:
    """The usual three-way rule for one value: a change on one side wins; the same change
    on both once; `_UNDECIDED` when both changed it differently."""
    if ours == theirs:
        return ours
    if ours == base:
        return theirs
    if theirs == base:
        return ours
    return _UNDECIDED


def _merge_set(base: Sequence[T], ours: Sequence[T], theirs: Sequence[T]) -> list[T]:
    """Members (flags, comments) three-way: one removed on either side goes, one added on
    either side comes; ours' order, then what theirs added."""
    was, o, t = set(base), set(ours), set(theirs)
    keep = [x for x in ours if x in t or x not in was]
    return keep + [x for x in theirs if x not in o and x not in was and x not in keep]


# -- one unit ----------------------------------------------------------------------------

_ACTIVE, _OBSOLETE = "active", "obsolete"
_RANK = {None: 0, _OBSOLETE: 1, _ACTIVE: 2}


def _state(unit: Unit | None) -> str | None:
    return None if unit is None else (_OBSOLETE if unit.obsolete else _ACTIVE)


class _Translation(NamedTuple):
    msgstr: str
    plural: tuple[tuple[int, str], ...]
    fuzzy: bool

    @property
    def text(self) -> tuple[str, tuple[tuple[int, str], ...]]:
        return (self.msgstr, self.plural)

    @property
    def empty(self) -> bool:
        return not self.msgstr and not any(text for _, text in self.plural)


_NONE = _Translation("", (), False)


def _translation(unit: Unit | None) -> _Translation:
    if unit is None:
        return _NONE
    return _Translation(unit.msgstr, tuple(sorted(unit.msgstr_plural.items())), unit.fuzzy)


def _special(comment: str) -> bool:
    """A comment that belongs to the translation, not to the unit: provenance."""
    return Unit("", translator_comments=[comment]).provenance is not None


_COMPARED = tuple(name for name in Unit.__slots__ if name not in ("line", "kind"))


def _same(one: Unit, other: Unit) -> bool:
    return all(getattr(one, name) == getattr(other, name) for name in _COMPARED)


def _copied(unit: Unit | None, base: dict[Key, Unit]) -> bool:
    """Whether a unit's translation is only the fuzzy copy a re-extraction made of the
    base's translation of its previous source: a tool's suggestion, not a person's work."""
    if unit is None or not unit.fuzzy or unit.previous_msgid is None:
        return False
    was = base.get((unit.previous_msgid, unit.previous_msgctxt))
    return was is not None and was.has_target and \
        _translation(was).text == _translation(unit).text


def _merge_unit(b: Unit | None, o: Unit | None, t: Unit | None,
                base: dict[Key, Unit]) -> tuple[Unit | None, bool, str]:
    """The merged unit (None: gone), whether it is a true conflict, and the side its
    translation came from ("o", "t", or "b" when neither side has the unit)."""
    if o is not None and t is not None and _same(o, t):
        return o.clone(), False, "o"  # the common case: nothing, or the same, changed
    states = (_state(b), _state(o), _state(t))
    state = _pick(*states)
    if state is _UNDECIDED:  # both changed it differently: the more alive one
        state = max(states[1:], key=lambda s: _RANK[s])

    # A side without the unit did not touch its translation, comments or flags.
    trb = _translation(b)
    tro = _translation(o) if o is not None else trb
    trt = _translation(t) if t is not None else trb
    conflict = False
    if len({tro, trt, trb}) == 3:
        # Both changed it; a re-extraction's copy of an old translation gives way to work
        # done on the other side (two copies: one rule, whichever side is ours).
        copy_o, copy_t = _copied(o, base), _copied(t, base)
        if copy_o and copy_t:
            if trt > tro:
                tro = trb
            else:
                trt = trb
        elif copy_o:
            tro = trb
        elif copy_t:
            trt = trb
    if tro == trt or trt == trb:
        winner, translation = "o", tro
    elif tro == trb:
        winner, translation = "t", trt
    elif tro.text == trt.text:  # the same text: finished when one side finished it
        winner, translation = ("o" if not tro.fuzzy else "t"), tro._replace(
            fuzzy=tro.fuzzy and trt.fuzzy)
    elif trt.empty:
        winner, translation = "o", tro
    elif tro.empty:
        winner, translation = "t", trt
    else:
        winner, translation, conflict = "o", tro._replace(fuzzy=True), True
    source = (o if winner == "o" else t) or b or o or t
    assert source is not None

    # The skeleton: the source side of an active side (ours first), else any.
    shape = next(x for x in (o, t, b) if x is not None)
    for x in (o, t):
        if x is not None and not x.obsolete:
            shape = x
            break
    unit = shape.clone()
    if o is not None and not o.obsolete and t is not None and not t.obsolete:
        # Both have it active: its source side (references, notes) three-way, a side's
        # own re-extraction taken; both re-extracted, everything either side found.
        was = b if b is not None and not b.obsolete else None
        for name in ("references", "extracted_comments", "msgid_plural"):
            chosen = _pick(getattr(was, name) if was is not None else _UNDECIDED,
                           getattr(o, name), getattr(t, name))
            if chosen is _UNDECIDED:  # in an order that does not depend on the direction
                first, second = getattr(o, name), getattr(t, name)
                if isinstance(first, list):
                    first, second = sorted([first, second])
                    chosen = first + [x for x in second if x not in first]
                    if name == "references":
                        chosen.sort(key=_reference_order)
                else:
                    chosen = first if first is not None else second
            setattr(unit, name, list(chosen) if isinstance(chosen, list) else chosen)

    unit.msgstr = translation.msgstr
    unit.msgstr_plural = dict(translation.plural)
    unit.previous_msgid = source.previous_msgid
    unit.previous_msgctxt = source.previous_msgctxt
    unit.previous_msgid_plural = source.previous_msgid_plural

    def flags(x: Unit | None) -> list[str]:
        return [f for f in (x if x is not None else b or Unit("")).flags if f != "fuzzy"]

    unit.flags = _merge_set(flags(b), flags(o), flags(t))
    if translation.fuzzy:
        unit.flags.insert(0, "fuzzy")
    if not translation.fuzzy and not conflict:
        unit.previous_msgid = unit.previous_msgctxt = unit.previous_msgid_plural = None
    elif tro.text == trt.text or conflict:
        # Both sides hold a translation: the previous source three-way, none if they
        # tell two stories.
        def previous(x: Unit | None) -> tuple[str | None, str | None, str | None]:
            x = x if x is not None else b
            return (None, None, None) if x is None else (
                x.previous_msgid, x.previous_msgctxt, x.previous_msgid_plural)

        chosen = _pick(previous(b), previous(o), previous(t))
        (unit.previous_msgid, unit.previous_msgctxt, unit.previous_msgid_plural) = (
            (None, None, None) if chosen is _UNDECIDED else chosen)  # type: ignore[misc]

    def comments(x: Unit | None) -> list[str]:
        return [c for c in (x if x is not None else b or Unit("")).translator_comments
                if not _special(c)]

    unit.translator_comments = _merge_set(comments(b), comments(o), comments(t))
    unit.translator_comments += [c for c in source.translator_comments if _special(c)]
    if conflict:
        theirs = t if t is not None else b
        assert theirs is not None
        if theirs.msgid_plural is not None or theirs.msgstr_plural:
            notes = [f'{CONFLICT_MARK} theirs[{n}]: "{escape(text)}"'
                     for n, text in sorted(theirs.msgstr_plural.items())]
        else:
            notes = [f'{CONFLICT_MARK} theirs: "{escape(theirs.msgstr)}"']
        if theirs.fuzzy:
            notes.append(f"{CONFLICT_MARK} theirs was fuzzy")
        # Merging the same branch again adds nothing.
        unit.translator_comments += [n for n in notes if n not in unit.translator_comments]

    if state is None:
        # Removed on a side: kept obsolete if it holds a translation a person may need.
        written = translation != trb or any(x is not None and not x.obsolete for x in (o, t))
        if translation.empty or not written:
            return None, False, ""
        state = _OBSOLETE
    unit.obsolete = state == _OBSOLETE
    side = winner if (o if winner == "o" else t) is not None else ("b" if b is not None
                                                                    else winner)
    return unit, conflict, side


def _reference_order(reference: str) -> tuple[str, int, str]:
    path, _, line = reference.rpartition(":")
    return (path, int(line), "") if path and line.isdigit() else (reference, 0, reference)


# -- suggestions for sources the other side replaced -------------------------------------

def _refresh_suggestions(merged: Catalogue, origin: dict[Key, dict[Key, Unit]],
                         by_key: dict[Key, Unit]) -> None:
    """A fuzzy suggestion one side copied from the translation of its previous source
    follows that source's translation as merged, when the other side changed it: the
    newer work is the better suggestion (and merging again finds nothing to change)."""
    for unit in merged.units:
        side = origin.get(unit.key)
        if side is None or unit.obsolete or not unit.fuzzy or unit.previous_msgid is None:
            continue
        key = (unit.previous_msgid, unit.previous_msgctxt)
        was, now = side.get(key), by_key.get(key)
        if was is None or now is None or now is unit or not now.has_target:
            continue
        if key not in origin:
            continue  # in conflict: which is the newer work is for a person to say
        if _translation(unit).text == _translation(was).text != _translation(now).text:
            unit.msgstr = now.msgstr
            if unit.msgid_plural is not None:
                unit.msgstr_plural = dict(now.msgstr_plural)


def _suggest(merged: Catalogue, base: dict[Key, Unit], settled: set[Key],
             similarity: Callable[[str, str], float]) -> int:
    """Empty units new on one side take, as fuzzy, the most similar translation whose
    source left in this merge (active in the base, obsolete now), as msgmerge would have
    had it known the other side's translation."""
    pending = [u for u in merged.units if not u.obsolete and not u.has_target
               and (base.get(u.key) is None or base[u.key].obsolete)]
    if not pending:
        return 0
    # Not a unit in conflict: which of its two translations to offer is for a person.
    candidates = sorted((u for u in merged.units if u.obsolete and u.has_target
                         and u.key in settled
                         and base.get(u.key) is not None and not base[u.key].obsolete),
                        key=lambda u: (u.msgid, u.msgctxt or ""))
    made = 0
    for unit in pending:
        best = most_similar(unit, candidates, similarity)
        if best is None:
            continue
        unit.msgstr = best.msgstr
        unit.msgstr_plural = dict(best.msgstr_plural) if unit.msgid_plural is not None else {}
        unit.set_fuzzy()
        unit.previous_msgid, unit.previous_msgctxt = best.msgid, best.msgctxt
        unit.previous_msgid_plural = best.msgid_plural
        made += 1
    return made


# -- header ------------------------------------------------------------------------------

def _date(value: str | None) -> tuple[int, datetime | None, str]:
    text = (value or "").strip()
    try:
        return (1, datetime.strptime(text, "%Y-%m-%d %H:%M%z"), text)
    except ValueError:
        return (0, None, text)


def _when(catalogue: Catalogue) -> tuple[tuple[int, float, str], str]:
    meta = catalogue.metadata
    found = _date(meta.get("PO-Revision-Date") or meta.get("POT-Creation-Date"))
    stamp = found[1].timestamp() if found[1] is not None else 0.0
    return (found[0], stamp, found[2]), meta.get("Last-Translator", "")


def _merge_header(merged: Catalogue, base: Catalogue, ours: Catalogue,
                  theirs: Catalogue) -> None:
    """Fields three-way; where both sides changed one, the side revised last decides;
    the newest revision date comes with its translator."""
    newer = theirs if _when(theirs) > _when(ours) else ours
    merged.has_header = ours.has_header or theirs.has_header
    names = list(ours.metadata) + [k for k in theirs.metadata if k not in ours.metadata]
    meta: dict[str, str] = {}
    for name in names:
        value = _pick(base.metadata.get(name), ours.metadata.get(name),
                      theirs.metadata.get(name))
        if value is _UNDECIDED:
            value = newer.metadata.get(name)
        if isinstance(value, str):
            meta[name] = value
    for name in ("PO-Revision-Date", "Last-Translator", "POT-Creation-Date"):
        if name in newer.metadata and name in meta:
            meta[name] = newer.metadata[name]
    # The older side's revision date may be later than POT's: keep the newest of each.
    for name in ("PO-Revision-Date", "POT-Creation-Date"):
        dates = [c.metadata[name] for c in (ours, theirs) if name in c.metadata]
        if dates and name in meta:
            meta[name] = max(dates, key=_date)
    merged.metadata = meta
    header = newer.header.clone()
    bh, oh, th = base.header, ours.header, theirs.header
    chosen = _pick(bh.translator_comments, oh.translator_comments, th.translator_comments)
    header.translator_comments = list(newer.header.translator_comments
                                      if chosen is _UNDECIDED else chosen)  # type: ignore
    header.flags = _merge_set(bh.flags, oh.flags, th.flags)
    merged.header = header
    extra = _pick(base.header_extra, ours.header_extra, theirs.header_extra)
    merged.header_extra = list(newer.header_extra if extra is _UNDECIDED else extra)  # type: ignore
