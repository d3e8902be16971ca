"""Consistency checks: an explicit registry of small checks, each with an id, a default
severity and a one-line description, and the engine that runs them over the project."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .. import catalog
from ..catalog import TEMPLATE_HEADER
from ..catalog.merge import is_conflict
from ..config import Config
from ..errors import InputError
from ..glossary import Glossary, load_glossary
from ..languages import plural_forms, primary
from ..project import catalogues, check_languages, relative
from ..unit import TRANSLATED, Unit
from . import units
from .base import ERROR, INFO, RANK, SEVERITIES, WARNING, Check, Finding, Pair
from .glossary import acronyms, glossary_check

__all__ = ["REGISTRY", "Finding", "CheckReport", "run_checks", "ERROR", "WARNING", "INFO"]

REGISTRY: tuple[Check, ...] = (
    Check("placeholders", ERROR, "placeholders missing, extra, duplicated or mis-nested",
          "unit", units.placeholders),
    Check("unsafe-markup", ERROR, "markup or entities in the translation that are not "
          "placeholders", "unit", units.unsafe_markup),
    Check("control-characters", ERROR, "no control character (C0, DEL, C1) the source does "
          "not have", "unit", units.control_characters),
    Check("bidi", ERROR, "bidirectional embeddings, overrides and isolates closed within "
          "the unit", "unit", units.bidi_controls),
    Check("numbers", ERROR, "every number of the source is in the translation, compared as "
          "values in each language's format", "unit", units.numbers),
    Check("urls", ERROR, "the same URLs as the source", "unit", units.urls_check),
    Check("emails", ERROR, "the same e-mail addresses as the source", "unit",
          units.emails_check),
    Check("end-punctuation", WARNING, "final . ? ! : ; … matches the source's", "unit",
          units.end_punctuation),
    Check("spanish-inverted-marks", WARNING, "Spanish questions and exclamations open with "
          "¿ and ¡", "unit", units.spanish_inverted_marks),
    Check("french-spacing", WARNING, "no-break space before ; : ! ? » and after « in French "
          "(policy: checks.french_spacing)", "unit", None),
    Check("quotes", WARNING, "the language's quotation marks (checks.quotes)", "unit", None),
    Check("catalan-middle-dot", WARNING, "Catalan l·l, not l.l, l•l or l. l", "unit",
          units.catalan_middle_dot),
    Check("whitespace", WARNING, "leading, trailing or doubled spaces the source does not "
          "have", "unit", units.whitespace),
    Check("unchanged", WARNING, "translation identical to the source (names, acronyms, "
          "numbers and URLs excepted)", "unit", units.unchanged),
    Check("length", WARNING, "length far outside what the language pair usually shows "
          f"(ratio {units.LENGTH_BOUNDS[0]}–{units.LENGTH_BOUNDS[1]})", "unit", units.length),
    Check("doubled-word", WARNING, "the same word twice in a row", "unit", units.doubled_word),
    Check("brackets", WARNING, "unbalanced ( ) [ ] « »", "unit", units.brackets),
    Check("glossary", WARNING, "source terms of glossary/terms.csv translated as the glossary "
          "says; glossary/do-not-translate.txt kept as is", "unit", None),
    Check("acronyms", WARNING, "the source's acronyms appear in the translation unless the "
          "glossary maps them", "unit", None),
    Check("inconsistent", WARNING, "one source translated in several ways across the project",
          "language"),
    Check("reused", INFO, "several sources with one translation", "language"),
    Check("cross-numbers", ERROR, "the translations of a unit agree with each other on numbers",
          "cross"),
    Check("cross-urls", ERROR, "the translations of a unit agree with each other on URLs",
          "cross"),
    Check("aligned", ERROR, "every catalogue has exactly its template's units, up to date",
          "document"),
    Check("po-header", ERROR, "Language matches the folder, Plural-Forms is Babel's, charset "
          "UTF-8", "file"),
    Check("plural-forms", ERROR, "every form of a translated plural entry is filled (msgfmt "
          "counts it translated once the first one is)", "file"),
    Check("merge-conflict", ERROR, "a git merge left two translations of the unit (ours in "
          "msgstr, theirs in a `transkit-conflict:` comment)", "file"),
)
BY_ID = {check.id: check for check in REGISTRY}


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    units: int = 0

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def errors(self) -> list[str]:
        """The error-level findings as `path:line: …` lines (what blocks a release)."""
        return [f.text() for f in self.findings if f.severity == ERROR]

    def by_language(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = defaultdict(lambda: {s: 0 for s in SEVERITIES})
        for f in self.findings:
            table[f.lang or "-"][f.severity] += 1
        return dict(table)


@dataclass
class _Options:
    enabled: set[str]
    severity: dict[str, str]
    min_rank: int
    glossary: Glossary
    unit_checks: list[tuple[str, Callable[[Pair], list[str]]]]


def _options(config: Config, only: list[str] | None, min_severity: str) -> _Options:
    for check_id in only or []:
        if check_id not in BY_ID:
            raise InputError(f"unknown check {check_id!r} (see `transkit check --list`)")
    if min_severity not in SEVERITIES:
        raise InputError(f"unknown severity {min_severity!r}")
    settings = config.checks
    enabled = {c.id for c in REGISTRY if c.id not in settings.disable}
    if only:
        enabled &= set(only)
    glossary = load_glossary(config.root, config.allow_outside)
    unit_checks: list[tuple[str, Callable[[Pair], list[str]]]] = []
    for check in REGISTRY:
        if check.scope != "unit" or check.id not in enabled:
            continue
        if check.unit is not None:
            unit_checks.append((check.id, check.unit))
        elif check.id == "french-spacing":
            unit_checks.append((check.id, partial(units.french_spacing,
                                                  policy=settings.french_spacing)))
        elif check.id == "quotes":
            allowed = {**units.QUOTES, **settings.quotes}
            unit_checks.append((check.id, partial(units.quotes, allowed_by_lang=allowed)))
        elif check.id == "acronyms":
            unit_checks.append((check.id, partial(acronyms, glossary=glossary)))
    return _Options(enabled, {c.id: settings.severity.get(c.id, c.severity) for c in REGISTRY},
                    RANK[min_severity], glossary, unit_checks)


def unit_errors(config: Config) -> Callable[[Pair], list[str]]:
    """The per-unit checks at error severity (as the project sets them) as one function:
    `check_id] message` lines for a pair, its `ignore-<id>` flags respected (approve asks
    it before it makes a draft a translation)."""
    options = _options(config, None, ERROR)
    chosen = [(check_id, check) for check_id, check in options.unit_checks
              if options.severity[check_id] == ERROR]

    def errors(pair: Pair) -> list[str]:
        ignored = {f[len("ignore-"):] for f in pair.flags if f.startswith("ignore-")}
        return [f"{check_id}]: {message}" for check_id, check in chosen
                if check_id not in ignored for message in check(pair)]

    return errors


@dataclass
class _DocJob:
    name: str
    source_lang: str
    template: str
    catalogues: list[tuple[str, str, str]]  # lang, path, path as shown
    # Languages read only for the cross-language votes (`check --lang`): checked and
    # reported by no other check, so a language's findings are the full run's.
    voters: frozenset[str] = frozenset()


@dataclass
class _DocResult:
    findings: list[Finding]
    files: int
    units: int
    translations: list[tuple[str, str, str, str, str, int]]  # lang, src lang, msgid, msgstr...


def _read(path: str) -> tuple[dict[str, str], list[Unit]]:
    """Header and active units, from the one reader."""
    catalogue = catalog.load(Path(path))
    return catalogue.metadata, catalogue.active()


def _check_document(job: _DocJob, options: _Options) -> _DocResult:
    findings: list[Finding] = []

    def add(check_id: str, message: str, path: str, line: int | None, lang: str | None,
            doc: str | None, source: str | None = None, severity: str | None = None) -> None:
        severity = severity or options.severity[check_id]
        if check_id in options.enabled and RANK[severity] >= options.min_rank:
            findings.append(Finding(check_id, severity, message, path, line, lang, doc, source))

    result = _DocResult(findings, 0, 0, [])
    pot_headers, pot_records = _read(job.template)
    template_ids = {(r.msgctxt, r.msgid) for r in pot_records}
    per_unit: dict[str, dict[str, tuple[str, str, int, set[str]]]] = defaultdict(dict)
    for lang, path, rel in job.catalogues:
        if not Path(path).exists():
            add("aligned", "catalogue missing (run `transkit extract`)", rel, None, lang,
                job.name)
            continue
        if lang in job.voters:
            try:
                records = _read(path)[1]
            except InputError:
                continue  # reported by a check of that language, not this one's
            for record in records:
                if record.state == TRANSLATED and record.msgid_plural is None:
                    per_unit[record.msgid][lang] = (record.msgstr, rel, record.line, set())
            continue
        headers, records = _read(path)
        result.files += 1
        _file_checks(headers, records, lang, rel, job.name, add)
        ids = {(r.msgctxt, r.msgid) for r in records}
        if ids != template_ids:
            missing, extra = len(template_ids - ids), len(ids - template_ids)
            add("aligned", f"{missing} unit(s) of the template missing, {extra} extra "
                "(run `transkit extract`)", rel, None, lang, job.name)
        elif headers.get(TEMPLATE_HEADER) != pot_headers.get(TEMPLATE_HEADER):
            add("aligned", "out of date with its template (run `transkit extract`)", rel,
                None, lang, job.name)
        for record in records:
            if not record.msgstr or record.msgid_plural is not None:
                continue
            result.units += 1
            ignored = {f[len("ignore-"):] for f in record.flags if f.startswith("ignore-")}
            pair = Pair(record.msgid, record.msgstr, job.source_lang, lang, tuple(record.flags))
            for check_id, check in options.unit_checks:
                if check_id in ignored:
                    continue
                for message in check(pair):
                    add(check_id, message, rel, record.line, lang, job.name, record.msgid)
            if "glossary" in options.enabled and "glossary" not in ignored:
                for severity, message in glossary_check(pair, options.glossary):
                    add("glossary", message, rel, record.line, lang, job.name, record.msgid,
                        options.severity["glossary"] if severity == WARNING else severity)
            if record.state != TRANSLATED:
                continue
            per_unit[record.msgid][lang] = (record.msgstr, rel, record.line, ignored)
            result.translations.append((lang, job.source_lang, record.msgid, record.msgstr,
                                        rel, record.line))
    _cross_checks(per_unit, job.source_lang, job.name, add, job.voters,
                  frozenset(options.enabled))
    return result


PARALLEL_FROM = 100  # documents before a second process pays for itself


def run_checks(config: Config, langs: list[str] | None = None, docs: list[str] | None = None,
               only: list[str] | None = None, min_severity: str = INFO) -> CheckReport:
    """Every enabled check over the selected languages and documents (documents are
    checked in parallel when there are many; the per-language checks see them all)."""
    options = _options(config, only, min_severity)
    selected = set(check_languages(config, langs))
    cross = bool({"cross-numbers", "cross-urls"} & options.enabled)
    voters = frozenset(set(config.languages) - selected) if cross else frozenset()
    by_doc: dict[str, _DocJob] = {}
    for ref in catalogues(config, None if voters else langs, docs, missing=True):
        if ref.lang in voters and not ref.path.exists():
            continue
        job = by_doc.get(ref.name)
        if job is None:
            job = by_doc[ref.name] = _DocJob(ref.name, ref.source_language,
                                             ref.doc.template_file, [], voters)
        job.catalogues.append((ref.lang, str(ref.path), relative(config, ref.path)))
    for name in [n for n, job in by_doc.items()
                 if all(lang in voters for lang, _, _ in job.catalogues)]:
        del by_doc[name]  # a document none of whose selected catalogues exists
    jobs = list(by_doc.values())
    workers = min(os.cpu_count() or 1, 4)
    if workers > 1 and len(jobs) >= PARALLEL_FROM:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(partial(_check_document, options=options), jobs,
                                    chunksize=max(1, len(jobs) // (workers * 8))))
    else:
        results = [_check_document(job, options) for job in jobs]
    report = CheckReport()
    translations: dict[str, dict[tuple[str, str], list[tuple[str, str, int]]]] = defaultdict(
        lambda: defaultdict(list))
    for result in results:
        report.findings += result.findings
        report.files += result.files
        report.units += result.units
        for lang, source_lang, msgid, msgstr, rel, line in result.translations:
            translations[lang][(source_lang, msgid)].append((msgstr, rel, line))

    def add(check_id: str, message: str, path: str, line: int | None, lang: str | None,
            doc: str | None, source: str | None = None, severity: str | None = None) -> None:
        severity = severity or options.severity[check_id]
        if check_id in options.enabled and RANK[severity] >= options.min_rank:
            report.findings.append(Finding(check_id, severity, message, path, line, lang, doc,
                                           source))

    _language_checks(translations, add)
    order = {c.id: i for i, c in enumerate(REGISTRY)}
    report.findings.sort(key=lambda f: (f.path, f.line or 0, order[f.check], f.message))
    return report


Add = Callable[..., None]


def _file_checks(headers: dict[str, str], records: list[Unit], lang: str, rel: str,
                 doc: str, add: Add) -> None:
    declared = headers.get("Language", "").strip()
    if primary(declared.replace("_", "-") or "?") != primary(lang):
        add("po-header", f"Language is {declared!r}, the folder says {lang!r}", rel, 1, lang,
            doc)
    expected = plural_forms(lang)
    if " ".join(headers.get("Plural-Forms", "").split()) != " ".join(expected.split()):
        add("po-header", f"Plural-Forms should be Babel's: {expected}", rel, 1, lang, doc)
    content = headers.get("Content-Type", "").lower().replace(" ", "")
    if "charset=utf-8" not in content:
        add("po-header", "charset must be UTF-8", rel, 1, lang, doc)
    for record in records:
        if is_conflict(record):
            add("merge-conflict", "merge conflict: ours in msgstr, theirs in the "
                "`transkit-conflict:` comment; choose, remove the comment, clear fuzzy", rel,
                record.line, lang, doc, record.msgid)
        if record.msgid_plural is not None and record.translated and not all(
                record.msgstr_plural.values()):
            empty = [str(n) for n, text in sorted(record.msgstr_plural.items()) if not text]
            add("plural-forms", f"plural form(s) {', '.join(empty)} empty", rel, record.line,
                lang, doc, record.msgid)


def _cross_checks(per_unit: dict[str, dict[str, tuple[str, str, int, set[str]]]],
                  source_lang: str, doc: str, add: Add,
                  voters: frozenset[str] = frozenset(),
                  enabled: frozenset[str] = frozenset({"cross-numbers", "cross-urls"})
                  ) -> None:
    cross = [(check_id, same, agree) for check_id, same, agree in _CROSS
             if check_id in enabled]
    if not cross:
        return
    for source, by_lang in per_unit.items():
        if not by_lang:
            continue
        # The source takes part in the vote, but only translations are reported.
        texts = {source_lang: source,
                 **{lang: text for lang, (text, _, _, _) in by_lang.items()}}
        for check_id, same, agree in cross:
            if not any(_CROSS_MARK[check_id].search(text) for text in texts.values()):
                continue  # nothing to compare: the common case, kept cheap
            if len({same(lang, text) for lang, text in texts.items()}) == 1:
                continue  # the same values everywhere: no vote to take
            majority = _majority(texts, source_lang, agree)
            if majority is None:
                continue
            for lang in texts:
                if lang in majority or lang == source_lang:
                    continue
                _, rel, line, ignored = by_lang[lang]
                if check_id in ignored or lang in voters:
                    continue
                what = "numbers" if check_id == "cross-numbers" else "URLs"
                add(check_id, f"{what} differ from the {', '.join(sorted(majority))} "
                    f"translation(s)", rel, line, lang, doc, source)


_CROSS_MARK = {"cross-numbers": re.compile(r"\d"),
               "cross-urls": re.compile(r"://|www\.", re.IGNORECASE)}


def _numbers_agree(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Numbers agree as values ("24 heures sur 24" with "24 hours", "29.000 milions" with
    "29 billion"): checks/numbers.py."""
    from . import numbers

    return numbers.agree(units.masked(a[1]), a[0], units.masked(b[1]), b[0])


def _urls_agree(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return _same_urls(*a) == _same_urls(*b)


def _same_numbers(lang: str, text: str) -> object:
    """What equal for two texts means their numbers agree (the same reading sets)."""
    from . import numbers

    return numbers.values_of(units.masked(text), lang)


def _same_urls(lang: str, text: str) -> object:
    return tuple(sorted(units.urls(text)))


_CROSS: tuple[tuple[str, Callable[[str, str], object],
                    Callable[[tuple[str, str], tuple[str, str]], bool]], ...] = (
    ("cross-numbers", _same_numbers, _numbers_agree), ("cross-urls", _same_urls, _urls_agree))


def _majority(texts: dict[str, str], source_lang: str,
              agree: Callable[[tuple[str, str], tuple[str, str]], bool]) -> list[str] | None:
    """The largest set of languages agreeing with one of them (the source's on a tie), or
    None when all agree. Agreement by value is not transitive, so each language's
    agreeing set is counted from that language."""
    langs = list(texts)
    friends: dict[str, list[str]] = {a: [a] for a in langs}
    for i, a in enumerate(langs):  # agreement is symmetric: each pair asked once
        for b in langs[i + 1:]:
            if agree((a, texts[a]), (b, texts[b])):
                friends[a].append(b)
                friends[b].append(a)
    if all(len(found) == len(langs) for found in friends.values()):
        return None
    best = max(langs, key=lambda a: (len(friends[a]), a == source_lang))
    return friends[best]


def _language_checks(
        translations: dict[str, dict[tuple[str, str], list[tuple[str, str, int]]]],
        add: Add) -> None:
    for lang, by_source in translations.items():
        # Sources in different languages may well share a translation: compare within one.
        reverse: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
        for key, found in by_source.items():
            variants = sorted({text for text, _, _ in found})
            for text, _, _ in found:
                reverse[(key[0], text)].add(key)
            if len(variants) > 1:
                for text, rel, line in found:
                    # The first other variant, and how many there are (`text` is one of
                    # them): listing the others for each one was quadratic in them.
                    other = variants[1] if variants[0] == text else variants[0]
                    more = len(variants) - 2
                    add("inconsistent", f"also translated as {other!r}"
                        + (f" and {more} more" if more else ""),
                        rel, line, lang, None, key[1])
        for (_, text), keys in reverse.items():
            if len(keys) > 1:
                for key in sorted(keys):
                    for target, rel, line in by_source[key]:
                        if target == text:
                            add("reused", f"same translation as {len(keys) - 1} other "
                                "source(s)", rel, line, lang, None, key[1])



