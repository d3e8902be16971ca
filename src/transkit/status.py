"""Status: figures per language and document from the one catalogue reader (cached by
file), what is out of date, and what keeps a language from the release gate
(`completeness_problems`; the gate itself is `release.release_gate`)."""

from __future__ import annotations

import math
import os
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .problems import ERROR, Problem, in_file_order
from .project import (
    DocEntry,
    Project,
    is_chrome,
    select_documents,
)
from .sources import file_name, is_source, stem
from .status_cache import (
    Cache,
    bulletin_digest,
    discard_cache,
    files_of,
    fingerprint_of,
    saved_findings,
    signature,
    source_hash,
    uncached_sources,
)

if TYPE_CHECKING:
    from .catalog.scan import FileStats

PARALLEL_FROM = 200  # files to parse before a second process pays off
# The fields of a (language, document) row in the warm summary, in the order it keeps them.
ROW_FIELDS = ("doc", "lang", "path", "source", "units", "words", "translated",
              "translated_words", "fuzzy", "fuzzy_words", "problem", "conflicts")


def percent_text(value: float) -> str:
    """One decimal, rounded down: 99.99 is "99.9", never "100.0" for what is incomplete."""
    return f"{math.floor(value * 10) / 10:.1f}"


class DocStatus:
    """One (language, document) row. A plain class: a dataclass costs milliseconds at
    import, which a warm `status` would pay every time."""

    __slots__ = ("doc", "lang", "path", "source", "units", "words", "translated",
                 "translated_words", "fuzzy", "fuzzy_words", "problem", "missing", "conflicts")

    def __init__(self, doc: str, lang: str, path: str, source: bool, units: int = 0,
                 words: int = 0, translated: int = 0, translated_words: int = 0,
                 fuzzy: int = 0, fuzzy_words: int = 0, problem: str | None = None,
                 missing: list[tuple[int, str, bool]] | None = None,
                 conflicts: list[int] | None = None):
        self.doc, self.lang, self.path, self.source = doc, lang, path, source
        self.units, self.words = units, words
        self.translated, self.translated_words = translated, translated_words
        self.fuzzy, self.fuzzy_words = fuzzy, fuzzy_words
        self.problem = problem  # why the catalogue is out of date or missing
        self.missing = missing if missing is not None else []
        self.conflicts = conflicts if conflicts is not None else []  # lines left by a merge

    @property
    def untranslated(self) -> int:
        return self.units - self.translated - self.fuzzy

    @property
    def untranslated_words(self) -> int:
        return self.words - self.translated_words - self.fuzzy_words

    @property
    def percent(self) -> float:
        if self.problem:
            return 0.0 if not self.words else min(
                100.0 * self.translated_words / self.words, 99.99)
        return 100.0 if not self.words else 100.0 * self.translated_words / self.words

    @property
    def complete(self) -> bool:
        return self.problem is None and self.translated == self.units


class LangStatus:
    """One language's totals over its documents (summed once, when first asked).

    From the warm cache, the per-document rows stay raw until someone reads
    `docs` (the default table needs only the totals)."""

    def __init__(self, lang: str, docs: list[DocStatus] | None = None,
                 rows: list[list[Any]] | None = None,
                 totals: tuple[int, int, int, int, int, int, int] | None = None):
        self.lang = lang
        self._docs = docs if docs is not None else ([] if rows is None else None)
        self._rows = rows
        if totals is not None:
            self.__dict__["_totals"] = totals

    @property
    def docs(self) -> list[DocStatus]:
        if self._docs is None:
            # A saved row: the figures and the problem, then the conflict lines.
            # A saved row holds `ROW_FIELDS`, in that order (the summary names them).
            self._docs = [DocStatus(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
                                    r[10], None, r[11]) for r in self._rows or []]
        return self._docs

    @cached_property
    def _totals(self) -> tuple[int, int, int, int, int, int, int]:
        units = words = translated = translated_words = fuzzy = stale = fuzzy_words = 0
        for d in self.docs:
            units += d.units
            words += d.words
            translated += d.translated
            translated_words += d.translated_words
            fuzzy += d.fuzzy
            stale += 1 if d.problem else 0
            fuzzy_words += d.fuzzy_words
        return units, words, translated, translated_words, fuzzy, stale, fuzzy_words

    @property
    def units(self) -> int:
        return self._totals[0]

    @property
    def words(self) -> int:
        return self._totals[1]

    @property
    def translated(self) -> int:
        return self._totals[2]

    @property
    def translated_words(self) -> int:
        return self._totals[3]

    @property
    def fuzzy(self) -> int:
        return self._totals[4]

    @property
    def untranslated(self) -> int:
        return self.units - self.translated - self.fuzzy

    @property
    def untranslated_words(self) -> int:
        return self.words - self.translated_words - self.fuzzy_words

    @property
    def fuzzy_words(self) -> int:
        return self._totals[6]

    @property
    def out_of_date(self) -> int:
        return self._totals[5]

    @property
    def percent(self) -> float:
        words = self.words
        value = 100.0 if not words else 100.0 * self.translated_words / words
        if self.out_of_date and value >= 100.0:
            return 99.99
        return value


class Status:
    def __init__(self, languages: list[LangStatus]):
        self.languages = languages
        # Bulletins with no template yet (`transkit extract` has not seen them): their
        # units are in no catalogue, so no language can be complete.
        self.unextracted: list[str] = []
        # Findings per language from the last full `transkit check`, when no file it read
        # has changed since (None otherwise): status shows them without re-checking.
        self.findings: dict[str, dict[str, int]] | None = None

    def docs(self) -> list[DocStatus]:
        return [d for lang in self.languages for d in lang.docs]


def _scan(path: str, want_missing: bool) -> FileStats:
    from .catalog.scan import scan

    return scan(path, want_missing)


def _digest(path: str, limit: int) -> str | None:
    """A bulletin's digest, or None where reading it fails (`source_hash` then reads it
    again in the main process and reports why)."""
    try:
        return bulletin_digest(path, limit)
    except InputError:
        return None


def _stats_for(keys: list[str], project: Project, cache: Cache, want_missing: bool,
               signatures: dict[str, tuple[int, int] | None],
               sources: list[tuple[str, tuple[int, int]]] | None = None
               ) -> dict[str, FileStats]:
    """Figures per catalogue, by project-relative path (plain strings: this loop runs for
    every file on every `status`, and pathlib would cost more than the cache saves). The
    digests of `sources` (bulletins) are computed alongside and go into the cache."""
    from .catalog.scan import FileStats

    config = project.config
    result: dict[str, FileStats] = {}
    todo: list[tuple[str, str, tuple[int, int]]] = []
    root = str(project.root)
    for key in keys:
        path = f"{root}/{key}"
        sig = signatures[key] if key in signatures else signature(path)
        if sig is None:
            continue
        hit = cache.files.get(key)
        if hit is not None and hit["mtime_ns"] == sig[0] and hit["size"] == sig[1]:
            stats = FileStats.from_json(hit["stats"])
            if want_missing:
                stats.missing = [tuple(m) for m in cache.missing.get(key, [])]
            result[key] = stats
        else:
            todo.append((path, key, sig))
    sources = sources or []
    digests: list[str | None] = []
    # The units still to translate travel back only when someone reads them: the caller,
    # or the cache (a later `status --missing`).
    keep_missing = want_missing or cache.enabled
    if len(todo) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        from concurrent.futures import ProcessPoolExecutor

        from .catalog import scan as _reader  # noqa: F401  (imported once, before the fork)
        from .text import source_digest  # noqa: F401

        limit = config.extract.max_file_bytes
        workers = min(os.cpu_count() or 2, 4)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            # Small chunks: the last ones finish together on every core.
            chunk = max(1, len(todo) // (workers * 16))
            scanning = pool.map(partial(_scan, want_missing=keep_missing),
                                [p for p, _, _ in todo], chunksize=chunk)
            hashing = pool.map(partial(_digest, limit=limit),
                               [f"{root}/{key}" for key, _ in sources],
                               chunksize=max(1, len(sources) // (workers * 8)))
            scanned = list(scanning)
            digests = list(hashing)
    else:
        scanned = [_scan(p, keep_missing) for p, _, _ in todo]
    for (key, sig), digest in zip(sources, digests, strict=False):  # none when serial
        if digest is not None:
            cache.sources[key] = {"mtime_ns": sig[0], "size": sig[1], "digest": digest}
            cache.dirty = True
    missing = cache.missing if todo and cache.enabled else {}
    for (_, key, sig), stats in zip(todo, scanned, strict=True):
        result[key] = stats
        if cache.enabled:
            # The record without its missing units, which live in their own file.
            record = stats.to_json()
            missing[key] = record.pop("missing")
            record["missing"] = []
            cache.files[key] = {"mtime_ns": sig[0], "size": sig[1], "stats": record}
            cache.dirty = True
    return result


def compute_status(project: Project, langs: list[str] | None = None, docs: list[str] | None = None,
                   use_cache: bool = True, want_missing: bool = True) -> Status:
    """Figures for every (language, document); a catalogue whose template or source changed
    since it was merged is out of date, and so incomplete. The cache is derived data: one
    of a shape this code does not expect (another version's, damaged) is discarded."""
    try:
        return _compute_status(project, langs, docs, use_cache, want_missing)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        if not use_cache:
            raise
        discard_cache(project)
        return _compute_status(project, langs, docs, False, want_missing)


def _compute_status(project: Project, langs: list[str] | None, docs: list[str] | None,
                    use_cache: bool, want_missing: bool) -> Status:
    languages = project.select_languages(langs)
    every = project.documents()
    entries = select_documents(every, docs)
    cache = Cache(project, use_cache)
    locales = project.shown(project.locales)
    bulletins = project.shown(project.bulletins)
    # Every file the figures depend on, with its (mtime, size): if none changed since the
    # last full run, its rows are the answer and no catalogue is opened.
    signatures, fingerprint = fingerprint_of(project, every)
    if not want_missing:
        summary = cache.summary(fingerprint)
        if summary is not None and all(lang in summary for lang in languages):
            result = _from_summary(summary, languages, {e.name for e in entries}, len(every))
            result.findings = saved_findings(project, fingerprint)
            result.unextracted = _unextracted(project, every, docs)
            return result
    keys = [key for entry in entries
            for key in files_of(entry, languages, locales, None)]
    bulletin_of = {entry.name: f"{bulletins}/{file_name(project.bulletins, entry.name)}"
                   for entry in entries if not is_chrome(entry.name)}
    sources = uncached_sources(list(bulletin_of.values()), project, cache, signatures)
    stats = _stats_for(keys, project, cache, want_missing, signatures, sources)
    status = Status([LangStatus(lang) for lang in languages])
    for entry in entries:
        template = f"{locales}/{entry.source_language}/{entry.name}.pot"
        pot = stats.get(template)
        if pot is None:
            raise InputError("template disappeared while reading", template)
        # The chrome belongs to no one bulletin: a bulletin whose chrome changed is itself
        # out of date until extracted, and extracting it updates the chrome.
        stale = None if is_chrome(entry.name) else _stale_source(
            bulletin_of[entry.name], pot, project, cache, signatures)
        for lang_status in status.languages:
            lang_status.docs.append(_doc_status(entry, lang_status.lang, pot, stats, stale,
                                                template, locales))
    if not langs and not docs:
        cache.new_summary = {"fingerprint": fingerprint, "languages": {
            lang.lang: {"totals": list(lang._totals), "columns": list(ROW_FIELDS), "rows": [
                [getattr(d, name) for name in ROW_FIELDS] for d in lang.docs]}
            for lang in status.languages}}
    cache.save()
    status.findings = saved_findings(project, fingerprint)
    status.unextracted = _unextracted(project, every, docs)
    return status


def _unextracted(project: Project, every: list[DocEntry], docs: list[str] | None) -> list[str]:
    if not project.bulletins.is_dir():
        return []
    known = {e.name for e in every}
    with os.scandir(project.bulletins) as found:
        names = sorted(f.name for f in found if is_source(f.name) and f.is_file())
    wanted = {stem(d) for d in docs} if docs else None
    bulletins = project.shown(project.bulletins)
    return [f"{bulletins}/{name}" for name in names if stem(name) not in known
            and (wanted is None or stem(name) in wanted)]


def _from_summary(summary: dict[str, Any], languages: list[str], names: set[str],
                  every: int) -> Status:
    result = []
    for lang in languages:
        saved = summary[lang]
        if saved["columns"] != list(ROW_FIELDS):
            raise KeyError("columns")  # another shape: `compute_status` rebuilds the cache
        if len(names) == every:
            result.append(LangStatus(lang, rows=saved["rows"], totals=tuple(saved["totals"])))
        else:
            result.append(LangStatus(lang, rows=[r for r in saved["rows"] if r[0] in names]))
    return Status(result)


def _stale_source(bulletin: str, pot: FileStats, project: Project,
                  cache: Cache, signatures: dict[str, tuple[int, int] | None]) -> str | None:
    current = source_hash(bulletin, project, cache, signatures)
    if current is None:
        return (f"orphan: {bulletin} no longer exists (`transkit extract --prune` removes "
                "its catalogues)")
    from .catalog.model import SOURCE_HEADER

    if pot.headers.get(SOURCE_HEADER) != current:
        return f"{bulletin} changed since the last extract"
    return None


def _doc_status(entry: DocEntry, lang: str, pot: FileStats,
                stats: dict[str, FileStats], stale: str | None, template: str,
                locales: str) -> DocStatus:
    if lang == entry.source_language:
        return DocStatus(entry.name, lang, template, True, pot.units,
                         pot.words, pot.units, pot.words, problem=stale)
    rel = f"{locales}/{lang}/{entry.name}.po"
    found = stats.get(rel)
    if found is None:
        return DocStatus(entry.name, lang, rel, False, pot.units, pot.words,
                         problem="catalogue missing (run `transkit extract`)",
                         missing=[(0, s, False) for _, s, _ in pot.missing])
    problem = stale
    from .catalog.model import TEMPLATE_HEADER

    if found.headers.get(TEMPLATE_HEADER) != pot.headers.get(TEMPLATE_HEADER):
        problem = "out of date with its template (run `transkit extract`)"
    return DocStatus(entry.name, lang, rel, False, found.units, found.words, found.translated,
                     found.translated_words, found.fuzzy, found.fuzzy_words, problem,
                     found.missing, found.conflicts)


def completeness_problems(status: Status, project: Project) -> list[Problem]:
    """What keeps the required languages from passing the completeness gate, each naming
    its file and its reason (out of date, missing, untranslated, fuzzy), in file order."""
    config = project.config
    problems = [Problem("unextracted", ERROR, "not extracted yet (run `transkit extract`)",
                        path) for path in status.unextracted]
    problems += conflict_problems(status)
    for lang in status.languages:
        if lang.lang not in config.release.required:
            continue
        need = config.release.threshold
        low = lang.percent < need
        for doc in lang.docs:
            if doc.problem:
                problems.append(Problem("completeness", ERROR, doc.problem, doc.path,
                                        lang=lang.lang, doc=doc.doc))
            elif doc.untranslated or doc.fuzzy:
                if not low and doc.percent >= need:
                    continue
                parts = [f"{n} {what}" for n, what in ((doc.untranslated, "untranslated"),
                                                       (doc.fuzzy, "fuzzy")) if n]
                problems.append(Problem(
                    "completeness", ERROR, f"{' and '.join(parts)} of {doc.units} units "
                    f"({lang.lang} is at {percent_text(lang.percent)}% of source words; "
                    f"release needs {need:g}%)", doc.path, lang=lang.lang, doc=doc.doc))
    return in_file_order(problems)


CONFLICT = ("merge conflict: ours in msgstr, theirs in the `transkit-conflict:` comment; "
            "choose, remove the comment, clear fuzzy")


def conflict_problems(status: Status) -> list[Problem]:
    """Every unit a git merge left in conflict, in any language: nothing ships until a
    person chose between the two translations."""
    return in_file_order([Problem("conflict", ERROR, CONFLICT, doc.path, line, lang.lang,
                                  doc.doc) for lang in status.languages
                          for doc in lang.docs for line in doc.conflicts])


COLUMNS = ("units", "words", "translated", "fuzzy", "untranslated", "translated_words",
           "fuzzy_words", "untranslated_words")


def _row(item: LangStatus | DocStatus) -> dict[str, object]:
    row: dict[str, object] = {name: getattr(item, name) for name in COLUMNS}
    row["percent"] = math.floor(item.percent * 100) / 100
    return row


def as_data(status: Status, by_doc: bool, missing: bool = False,
            checks: dict[str, dict[str, int]] | None = None) -> dict[str, Any]:
    """The figures as plain data, the one shape `status --format json` prints and the HTML
    dashboard draws: per language (and document), with the missing units and the
    findings of a check run when asked for."""
    data: dict[str, Any] = {"languages": {}}
    for lang in status.languages:
        entry = _row(lang)
        entry["out_of_date"] = lang.out_of_date
        entry["complete"] = lang.out_of_date == 0 and lang.translated == lang.units
        if by_doc:
            entry["documents"] = {
                d.doc: {**_row(d), "path": d.path, "source": d.source, "problem": d.problem}
                for d in lang.docs
            }
        findings = checks if checks is not None else status.findings
        if findings is not None:
            entry["findings"] = findings.get(lang.lang, {"error": 0, "warning": 0, "info": 0})
        entry["complete"] = entry["complete"] and not status.unextracted
        conflicts = [{"path": d.path, "line": line} for d in lang.docs for line in d.conflicts]
        if conflicts:
            entry["conflicts"] = conflicts
            entry["complete"] = False
        if missing:
            entry["missing"] = [
                {"path": d.path, "line": line or None, "source": source,
                 "state": "fuzzy" if fuzzy else "untranslated"}
                for d in lang.docs if not d.source for line, source, fuzzy in d.missing]
            entry["problems"] = [{"path": d.path, "problem": d.problem}
                                 for d in lang.docs if not d.source and d.problem]
        data["languages"][lang.lang] = entry
    if status.unextracted:
        data["unextracted"] = status.unextracted
    return data
