"""transkit's own checks, registered in the `transkit.checks` entry-point group exactly as
a plug-in's are (see `base.py` for the shapes). Per-unit built-ins share the `Pair` fast
path (`check_pair`); `check` is the public shape every unit check has."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, ClassVar

from ..catalog import TEMPLATE_HEADER, plural_count
from ..catalog.merge import is_conflict
from ..catalog.model import Catalogue
from ..errors import InputError
from ..languages import plural_forms, primary
from . import numbers, units
from .base import ERROR, INFO, WARNING, CheckContext, Pair, Translation
from .glossary import acronyms, glossary_check

Message = str | tuple[str, str]


class PairCheck:
    """A per-unit built-in: `function(pair)` gives its messages."""

    scope = "unit"
    id: ClassVar[str]
    severity: ClassVar[str]
    description: ClassVar[str]
    function: ClassVar[Any]  # (pair) -> list of messages, a staticmethod

    def __init__(self, context: CheckContext) -> None:
        self.context = context
        if type(self).check_pair is PairCheck.check_pair:
            # The function itself, without a call in between: the engine calls it for
            # every form of every entry (a list each time, as check_pair's).
            self.check_pair = type(self).function  # type: ignore[method-assign]

    def check_pair(self, pair: Pair) -> list[Message]:
        return list(type(self).function(pair))

    def check(self, source: str, target: str, lang: str, *, source_lang: str = "",
              flags: tuple[str, ...] = ()) -> list[Message]:
        return self.check_pair(Pair(source, target, source_lang or lang, lang, flags))


class Placeholders(PairCheck):
    id, severity = "placeholders", ERROR
    description = "placeholders missing, extra, duplicated or mis-nested"
    function = staticmethod(units.placeholders)


class UnsafeMarkup(PairCheck):
    id, severity = "unsafe-markup", ERROR
    description = "markup or entities in the translation that are not placeholders"
    function = staticmethod(units.unsafe_markup)


class ControlCharacters(PairCheck):
    id, severity = "control-characters", ERROR
    description = "no control character (C0, DEL, C1) the source does not have"
    function = staticmethod(units.control_characters)


class Bidi(PairCheck):
    id, severity = "bidi", ERROR
    description = "bidirectional embeddings, overrides and isolates closed within the unit"
    function = staticmethod(units.bidi_controls)


class Numbers(PairCheck):
    id, severity = "numbers", ERROR
    description = ("every number of the source is in the translation, compared as values "
                   "in each language's format (scale words, times, repetition understood)")
    function = staticmethod(units.numbers)


class Urls(PairCheck):
    id, severity = "urls", ERROR
    description = "the same URLs as the source"
    function = staticmethod(units.urls_check)


class Emails(PairCheck):
    id, severity = "emails", ERROR
    description = "the same e-mail addresses as the source"
    function = staticmethod(units.emails_check)


class EndPunctuation(PairCheck):
    id, severity = "end-punctuation", WARNING
    description = "final . ? ! : ; … matches the source's"
    function = staticmethod(units.end_punctuation)


class SpanishInvertedMarks(PairCheck):
    id, severity = "spanish-inverted-marks", WARNING
    description = "Spanish questions and exclamations open with ¿ and ¡"
    function = staticmethod(units.spanish_inverted_marks)


class CatalanMiddleDot(PairCheck):
    id, severity = "catalan-middle-dot", WARNING
    description = "Catalan l·l, not l.l, l•l or l. l"
    function = staticmethod(units.catalan_middle_dot)


class Whitespace(PairCheck):
    id, severity = "whitespace", WARNING
    description = "leading, trailing or doubled spaces the source does not have"
    function = staticmethod(units.whitespace)


class Unchanged(PairCheck):
    id, severity = "unchanged", WARNING
    description = "translation identical to the source (names, acronyms, numbers and URLs " \
                  "excepted)"
    function = staticmethod(units.unchanged)


class Length(PairCheck):
    id, severity = "length", WARNING
    description = ("length far outside what the language pair usually shows (ratio "
                   f"{units.LENGTH_BOUNDS[0]}–{units.LENGTH_BOUNDS[1]})")
    function = staticmethod(units.length)


class DoubledWord(PairCheck):
    id, severity = "doubled-word", WARNING
    description = "the same word twice in a row"
    function = staticmethod(units.doubled_word)


class Brackets(PairCheck):
    id, severity = "brackets", WARNING
    description = "unbalanced ( ) [ ] « »"
    function = staticmethod(units.brackets)


FRENCH_SPACING = ("nbsp", "narrow", "either")


def _setting(context: CheckContext, check_id: str, key: str, allowed: tuple[str, ...],
             default: str) -> str:
    value = context.settings.get(key, default)
    if value not in allowed:
        raise InputError(f"[checks.{check_id}] {key} must be one of {', '.join(allowed)}",
                         context.root / "transkit.toml")
    return str(value)


class FrenchSpacing(PairCheck):
    id, severity = "french-spacing", WARNING
    description = ("no-break space before ; : ! ? » and after « in French ([checks."
                   "french-spacing] policy: nbsp, narrow or either)")

    def __init__(self, context: CheckContext) -> None:
        super().__init__(context)
        self.policy = _setting(context, self.id, "policy", FRENCH_SPACING, "either")

    def check_pair(self, pair: Pair) -> list[Message]:
        return list(units.french_spacing(pair, policy=self.policy))


class Quotes(PairCheck):
    id, severity = "quotes", WARNING
    description = "the language's quotation marks ([checks.quotes]: language = marks)"

    def __init__(self, context: CheckContext) -> None:
        super().__init__(context)
        marks = {lang: value for lang, value in context.settings.items()
                 if isinstance(value, str)}
        self.allowed = {**units.QUOTES, **marks}

    def check_pair(self, pair: Pair) -> list[Message]:
        return list(units.quotes(pair, allowed_by_lang=self.allowed))


class GlossaryTerms(PairCheck):
    id, severity = "glossary", WARNING
    description = ("source terms of glossary/terms.csv translated as the glossary says; "
                   "glossary/do-not-translate.txt kept as is")

    def check_pair(self, pair: Pair) -> list[Message]:
        return [(severity, message) for severity, message
                in glossary_check(pair, self.context.glossary)]


class Acronyms(PairCheck):
    id, severity = "acronyms", WARNING
    description = "the source's acronyms appear in the translation, as they are or in the " \
                  "language's own form (letters reordered, glossary, built-in list)"

    def check_pair(self, pair: Pair) -> list[Message]:
        return list(acronyms(pair, self.context.glossary))


# --- across the languages of one unit ------------------------------------------------------

def _outvoted(values: Mapping[str, object], source_lang: str) -> tuple[list[str], list[str]]:
    """The languages whose value differs from the majority's (the source votes too, and
    wins a tie), and the majority."""
    groups: dict[str, list[str]] = defaultdict(list)
    for lang, value in values.items():
        groups[repr(value)].append(lang)
    if len(groups) < 2:
        return [], []
    majority = max(groups.values(), key=lambda langs: (len(langs), source_lang in langs))
    return [lang for lang in values if lang not in majority and lang != source_lang], majority


class _CrossCheck:
    scope = "cross"
    id: ClassVar[str]
    severity: ClassVar[str] = ERROR
    description: ClassVar[str]
    what: ClassVar[str]

    def __init__(self, context: CheckContext) -> None:
        self.context = context

    def values(self, text: str, lang: str) -> object:
        raise NotImplementedError

    def check_across(self, source: str, source_lang: str,
                     translations: Mapping[str, str]) -> dict[str, str]:
        texts = {source_lang: source, **translations}
        found = {lang: self.values(text, lang) for lang, text in texts.items()}
        outvoted, majority = _outvoted(found, source_lang)
        return {lang: f"{self.what} differ from the {', '.join(sorted(majority))} "
                      "translation(s)" for lang in outvoted}


class CrossNumbers(_CrossCheck):
    id, what = "cross-numbers", "numbers"
    description = "the translations of a unit agree with each other on numbers, read as " \
                  "values in each language"

    def values(self, text: str, lang: str) -> object:
        """The reading sets of the text's numbers (checks/numbers.py): equal sets agree."""
        return numbers.values_of(units.masked(text), lang)

    def check_across(self, source: str, source_lang: str,
                     translations: Mapping[str, str]) -> dict[str, str]:
        texts = {source_lang: source, **translations}
        if not any(_DIGIT.search(text) for text in texts.values()):
            return {}  # nothing to compare: the common case, kept cheap
        if len({self.values(text, lang) for lang, text in texts.items()}) == 1:
            return {}  # the same values everywhere
        majority = _agreeing(texts, source_lang)
        return {lang: f"{self.what} differ from the {', '.join(sorted(majority))} "
                      "translation(s)" for lang in texts
                if lang not in majority and lang != source_lang}


_DIGIT = re.compile(r"\d")


def _agreeing(texts: Mapping[str, str], source_lang: str) -> list[str]:
    """The largest set of languages whose numbers agree with one language's (the source's
    on a tie): "24 heures sur 24" agrees with "24 hours", "24.000 milions" with "24
    billion". Agreement by value is not transitive, so each language's set is counted
    from that language; each pair is asked once."""
    langs = list(texts)
    friends: dict[str, list[str]] = {a: [a] for a in langs}
    masked = {lang: units.masked(text) for lang, text in texts.items()}
    for i, a in enumerate(langs):
        for b in langs[i + 1:]:
            if numbers.agree(masked[a], a, masked[b], b):
                friends[a].append(b)
                friends[b].append(a)
    return friends[max(langs, key=lambda a: (len(friends[a]), a == source_lang))]


class CrossUrls(_CrossCheck):
    id, what = "cross-urls", "URLs"
    description = "the translations of a unit agree with each other on URLs"

    def values(self, text: str, lang: str) -> object:
        return sorted(units.urls(text))


# --- across a language ---------------------------------------------------------------------

class Inconsistent:
    scope = "language"
    id, severity = "inconsistent", WARNING
    description = "one source translated in several ways across the project"

    def __init__(self, context: CheckContext) -> None:
        self.context = context

    def check_language(self, lang: str, translations: list[Translation]
                       ) -> list[tuple[Translation, str]]:
        by_source: dict[tuple[str, str], list[Translation]] = defaultdict(list)
        for t in translations:
            by_source[(t.source_lang, t.source)].append(t)
        found = []
        for group in by_source.values():
            if len(group) < 2:
                continue  # one translation: one variant (most sources; sets cost time)
            variants = sorted({t.target for t in group})
            if len(variants) < 2:
                continue
            for t in group:
                # The first other variant, and how many more: listing the others for each
                # one was quadratic in them.
                other = variants[1] if variants[0] == t.target else variants[0]
                more = len(variants) - 2
                found.append((t, f"also translated as {other!r}"
                              + (f" and {more} more" if more else "")))
        return found


class Reused:
    scope = "language"
    id, severity = "reused", INFO
    description = "several sources with one translation"

    def __init__(self, context: CheckContext) -> None:
        self.context = context

    def check_language(self, lang: str, translations: list[Translation]
                       ) -> list[tuple[Translation, str]]:
        # Sources in different languages may well share a translation: compare within one.
        sources: dict[tuple[str, str], set[str]] = defaultdict(set)
        for t in translations:
            sources[(t.source_lang, t.target)].add(t.source)
        found = []
        # Only the translations shared by several sources are sorted (sorting them all
        # took most of this check's time), in the same order as before.
        shared = [t for t in translations if len(sources[(t.source_lang, t.target)]) > 1]
        for t in sorted(shared, key=lambda t: (t.source_lang, t.source)):
            others = len(sources[(t.source_lang, t.target)]) - 1
            found.append((t, f"same translation as {others} other source(s)"))
        return found


# --- whole catalogues ----------------------------------------------------------------------

FileFinding = tuple[int | None, str] | tuple[int | None, str, str]


class _FileCheck:
    scope = "file"
    id: ClassVar[str]
    severity: ClassVar[str] = ERROR
    description: ClassVar[str]

    def __init__(self, context: CheckContext) -> None:
        self.context = context


class Aligned(_FileCheck):
    id = "aligned"
    description = "every catalogue has exactly its template's units, up to date"

    def check_file(self, catalogue: Catalogue | None, template: Catalogue,
                   lang: str) -> list[FileFinding]:
        if catalogue is None:
            return [(None, "catalogue missing (run `transkit extract`)")]
        ids = {(u.msgctxt, u.msgid) for u in catalogue.active()}
        template_ids = {(u.msgctxt, u.msgid) for u in template.active()}
        if ids != template_ids:
            missing, extra = len(template_ids - ids), len(ids - template_ids)
            return [(None, f"{missing} unit(s) of the template missing, {extra} extra "
                           "(run `transkit extract`)")]
        if catalogue.metadata.get(TEMPLATE_HEADER) != template.metadata.get(TEMPLATE_HEADER):
            return [(None, "out of date with its template (run `transkit extract`)")]
        return []


class PoHeader(_FileCheck):
    id = "po-header"
    description = ("Language matches the folder, Plural-Forms is well formed and every "
                   "plural entry has its number of forms, charset UTF-8")

    def check_file(self, catalogue: Catalogue | None, template: Catalogue,
                   lang: str) -> list[FileFinding]:
        if catalogue is None:
            return []
        headers = catalogue.metadata
        found: list[FileFinding] = []
        declared = headers.get("Language", "").strip()
        if primary(declared.replace("_", "-") or "?") != primary(lang):
            found.append((1, f"Language is {declared!r}, the folder says {lang!r}"))
        count = plural_count(headers.get("Plural-Forms", ""))
        if count is None:
            found.append((1, f"Plural-Forms missing or malformed (Babel's for {lang}: "
                             f"{plural_forms(lang)})"))
        else:
            for unit in catalogue.active():
                if unit.msgid_plural is not None and len(unit.msgstr_plural) != count:
                    found.append((unit.line, f"{len(unit.msgstr_plural)} plural form(s) where "
                                             f"Plural-Forms says nplurals={count} (msgfmt "
                                             "refuses the file)", unit.msgid))
        if "charset=utf-8" not in headers.get("Content-Type", "").lower().replace(" ", ""):
            found.append((1, "charset must be UTF-8"))
        return found


class PluralFormula(_FileCheck):
    id, severity = "plural-formula", WARNING
    description = ("Plural-Forms is Babel's for the language (a catalogue's own formula is "
                   "kept by `extract`, as msgmerge keeps it)")

    def check_file(self, catalogue: Catalogue | None, template: Catalogue,
                   lang: str) -> list[FileFinding]:
        value = catalogue.metadata.get("Plural-Forms", "") if catalogue is not None else ""
        expected = plural_forms(lang)
        if plural_count(value) is None or " ".join(value.split()) == " ".join(expected.split()):
            return []  # missing or malformed: po-header's error
        return [(1, f"Plural-Forms is not Babel's for {lang} ({expected}): check that the "
                    "forms of the plural entries follow the catalogue's own formula")]


class PluralForms(_FileCheck):
    id = "plural-forms"
    description = ("every form of a translated plural entry is filled (msgfmt counts it "
                   "translated once the first one is)")

    def check_file(self, catalogue: Catalogue | None, template: Catalogue,
                   lang: str) -> list[FileFinding]:
        found: list[FileFinding] = []
        for unit in catalogue.active() if catalogue is not None else []:
            if unit.msgid_plural is not None and unit.translated and not all(
                    unit.msgstr_plural.values()):
                empty = [str(n) for n, text in sorted(unit.msgstr_plural.items()) if not text]
                found.append((unit.line, f"plural form(s) {', '.join(empty)} empty",
                              unit.msgid))
        return found


class MergeConflict(_FileCheck):
    id = "merge-conflict"
    description = ("a git merge left two translations of the unit (ours in msgstr, theirs "
                   "in a `transkit-conflict:` comment)")

    def check_file(self, catalogue: Catalogue | None, template: Catalogue,
                   lang: str) -> list[FileFinding]:
        return [(unit.line, "merge conflict: ours in msgstr, theirs in the "
                 "`transkit-conflict:` comment; choose, remove the comment, clear fuzzy",
                 unit.msgid)
                for unit in (catalogue.active() if catalogue is not None else [])
                if is_conflict(unit)]

