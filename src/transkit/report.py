"""Status figures per language and document, the completeness gate, and their renderings
(table, JSON, Markdown). Statistics are cached by file size and mtime under .transkit/."""

from __future__ import annotations

import json
import marshal
import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import Config
from .errors import InputError
from .fsutil import atomic_write_bytes, atomic_write_text
from .project import DocEntry, check_languages, discover, relative, select_documents

if TYPE_CHECKING:
    from .catalog.scan import FileStats

CACHE_VERSION = 3
PARALLEL_FROM = 200  # files to parse before a second process pays off


class DocStatus:
    """One (language, document) row. A plain class: a dataclass costs milliseconds at
    import, which a warm `status` would pay every time."""

    __slots__ = ("doc", "lang", "path", "source", "units", "words", "translated",
                 "translated_words", "fuzzy", "fuzzy_words", "problem", "missing")

    def __init__(self, doc: str, lang: str, path: str, source: bool, units: int = 0,
                 words: int = 0, translated: int = 0, translated_words: int = 0,
                 fuzzy: int = 0, fuzzy_words: int = 0, problem: str | None = None,
                 missing: list[tuple[int, str, bool]] | None = None):
        self.doc, self.lang, self.path, self.source = doc, lang, path, source
        self.units, self.words = units, words
        self.translated, self.translated_words = translated, translated_words
        self.fuzzy, self.fuzzy_words = fuzzy, fuzzy_words
        self.problem = problem  # why the catalogue is out of date or missing
        self.missing = missing if missing is not None else []

    @property
    def untranslated(self) -> int:
        return self.units - self.translated - self.fuzzy

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
            self._docs = [DocStatus(*row) for row in self._rows or []]
        return self._docs

    @cached_property
    def _totals(self) -> tuple[int, int, int, int, int, int, int]:
        units = words = translated = translated_words = fuzzy = stale = 0
        for d in self.docs:
            units += d.units
            words += d.words
            translated += d.translated
            translated_words += d.translated_words
            fuzzy += d.fuzzy
            stale += 1 if d.problem else 0
        return units, words, translated, translated_words, fuzzy, stale, 0

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
        # Findings per language from the last full `transkit check`, when no file it read
        # has changed since (None otherwise): status shows them without re-checking.
        self.findings: dict[str, dict[str, int]] | None = None

    def docs(self) -> list[DocStatus]:
        return [d for lang in self.languages for d in lang.docs]


class _Cache:
    """Per-file figures keyed by (mtime, size). The lists of missing units live in a second
    file, read only when a caller asks for them, so a warm `status` stays small."""

    def __init__(self, config: Config, enabled: bool):
        folder = config.state / "cache"
        self.path = folder / "status.json"
        self.missing_path = folder / "status-missing.json"
        self.summary_path = folder / "status-summary.marshal"
        self.enabled = enabled
        self._files: dict[str, list[object]] | None = None
        self._sources: dict[str, list[object]] = {}
        self._missing: dict[str, list[object]] | None = None
        self.dirty = False
        self.new_summary: dict[str, object] | None = None

    def _load_files(self) -> None:
        self._files = {}
        if self.enabled:
            data = self._read(self.path)
            if data.get("version") == CACHE_VERSION:
                self._files = data.get("files", {})
                self._sources = data.get("sources", {})

    @property
    def files(self) -> dict[str, list[object]]:
        if self._files is None:
            self._load_files()
        assert self._files is not None
        return self._files

    @property
    def sources(self) -> dict[str, list[object]]:
        if self._files is None:
            self._load_files()
        return self._sources

    def summary(self, fingerprint: str) -> dict[str, Any] | None:
        """Figures of the last full status if no file has changed since (the warm path)."""
        if not self.enabled:
            return None
        try:
            # marshal: built in (nothing to import) and the quickest to load.
            data = marshal.loads(self.summary_path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return None
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or data.get(
                "fingerprint") != fingerprint:
            return None
        languages = data.get("languages")
        return languages if isinstance(languages, dict) else None

    @staticmethod
    def _read(path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text("utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    @property
    def missing(self) -> dict[str, list[object]]:
        if self._missing is None:
            data = self._read(self.missing_path) if self.enabled else {}
            self._missing = data.get("files", {}) if data.get("version") == CACHE_VERSION else {}
        return self._missing

    def save(self) -> None:
        if not self.enabled:
            return
        try:
            if self.new_summary is not None:
                atomic_write_bytes(self.summary_path, marshal.dumps(
                    {"version": CACHE_VERSION, **self.new_summary}))
            if not self.dirty:
                return
            if self._missing is not None:
                atomic_write_text(self.missing_path, json.dumps(
                    {"version": CACHE_VERSION, "files": self._missing}, ensure_ascii=False,
                    separators=(",", ":")))
            atomic_write_text(self.path, json.dumps(
                {"version": CACHE_VERSION, "files": self.files, "sources": self.sources},
                ensure_ascii=False, separators=(",", ":")))
        except OSError:
            pass  # a cache we cannot write only costs time


def _signature(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _signatures(paths: list[str]) -> list[tuple[int, int] | None]:
    """(mtime, size) of many files. Sequential on purpose: two threads measured slower
    (stat() is short and the threads convoy on the GIL)."""
    return [_signature(p) for p in paths]


def _scan(path: str) -> list[object]:
    from .catalog.scan import scan

    return scan(path).to_json()


def _stats_for(keys: list[str], config: Config, cache: _Cache, want_missing: bool,
               signatures: dict[str, tuple[int, int] | None]) -> dict[str, FileStats]:
    """Figures per catalogue, by project-relative path (plain strings: this loop runs for
    every file on every `status`, and pathlib would cost more than the cache saves)."""
    from .catalog.scan import FileStats

    result: dict[str, FileStats] = {}
    todo: list[tuple[str, str, tuple[int, int]]] = []
    root = str(config.root)
    for key in keys:
        path = f"{root}/{key}"
        sig = signatures[key] if key in signatures else _signature(path)
        if sig is None:
            continue
        hit = cache.files.get(key)
        if hit is not None and hit[0] == sig[0] and hit[1] == sig[1]:
            stats = FileStats.from_json(hit[2])  # type: ignore[arg-type]
            if want_missing:
                stats.missing = [tuple(m) for m in cache.missing.get(key, [])]  # type: ignore
            result[key] = stats
        else:
            todo.append((path, key, sig))
    if len(todo) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 2, 4)) as pool:
            scanned = list(pool.map(_scan, [p for p, _, _ in todo],
                                    chunksize=max(1, len(todo) // 16)))
    else:
        scanned = [_scan(p) for p, _, _ in todo]
    missing = cache.missing if todo else {}
    for (_, key, sig), data in zip(todo, scanned, strict=True):
        stats = FileStats.from_json(data)
        result[key] = stats
        summary = list(data)
        summary[7] = []
        cache.files[key] = [sig[0], sig[1], summary]
        missing[key] = data[7]  # type: ignore[assignment]
        cache.dirty = True
    return result


def _source_hash(key: str, config: Config, cache: _Cache,
                 signatures: dict[str, tuple[int, int] | None]) -> str | None:
    path = f"{config.root}/{key}"
    sig = signatures[key] if key in signatures else _signature(path)
    if sig is None:
        return None
    hit = cache.sources.get(key)
    if hit is not None and hit[0] == sig[0] and hit[1] == sig[1]:
        return str(hit[2])
    import hashlib

    with open(path, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    cache.sources[key] = [sig[0], sig[1], digest]
    cache.dirty = True
    return digest


def compute_status(config: Config, langs: list[str] | None = None, docs: list[str] | None = None,
                   use_cache: bool = True, want_missing: bool = True) -> Status:
    """Figures for every (language, document); a catalogue whose template or source changed
    since it was merged is out of date, and so incomplete."""
    languages = check_languages(config, langs)
    every = discover(config)
    entries = select_documents(every, docs)
    cache = _Cache(config, use_cache)
    locales = relative(config, config.locales)
    bulletins = relative(config, config.bulletins)
    # Every file the figures depend on, with its (mtime, size): if none changed since the
    # last full run, its rows are the answer and no catalogue is opened.
    signatures, fingerprint = _fingerprint(config, every)
    if not want_missing:
        summary = cache.summary(fingerprint)
        if summary is not None and all(lang in summary for lang in languages):
            result = _from_summary(summary, languages, {e.name for e in entries}, len(every))
            result.findings = saved_findings(config, fingerprint)
            return result
    keys = [key for entry in entries
            for key in _files_of(entry, languages, locales, None)]
    stats = _stats_for(keys, config, cache, want_missing, signatures)
    status = Status([LangStatus(lang) for lang in languages])
    for entry in entries:
        template = f"{locales}/{entry.source_language}/{entry.name}.pot"
        pot = stats.get(template)
        if pot is None:
            raise InputError("template disappeared while reading", template)
        stale = _stale_source(f"{bulletins}/{entry.name}.html", pot, config, cache, signatures)
        for lang_status in status.languages:
            lang_status.docs.append(_doc_status(entry, lang_status.lang, pot, stats, stale,
                                                template, locales))
    if not langs and not docs:
        cache.new_summary = {"fingerprint": fingerprint, "languages": {
            lang.lang: {"totals": list(lang._totals), "rows": [
                [d.doc, d.lang, d.path, d.source, d.units, d.words, d.translated,
                 d.translated_words, d.fuzzy, d.fuzzy_words, d.problem] for d in lang.docs]}
            for lang in status.languages}}
    cache.save()
    status.findings = saved_findings(config, fingerprint)
    return status


def _inputs_of_checks(config: Config, fingerprint: str) -> str:
    """The status fingerprint plus transkit.toml and the glossary, which checks also read."""
    extra = [config.root / "transkit.toml", *sorted((config.root / "glossary").glob("*"))]
    return fingerprint + "\n" + "\n".join(
        f"{p.name} {sig[0]} {sig[1]}" if (sig := _signature(str(p))) else f"{p.name} -"
        for p in extra)


def _fingerprint(config: Config, every: list[DocEntry]
                 ) -> tuple[dict[str, tuple[int, int] | None], str]:
    """(mtime, size) of every catalogue and bulletin a full status depends on, and all of
    them as one text: compared whole, not hashed (exact, and nothing to import)."""
    locales = relative(config, config.locales)
    bulletins = relative(config, config.bulletins)
    keys = [key for entry in every
            for key in _files_of(entry, config.languages, locales, bulletins)]
    signatures = dict(zip(keys, _signatures([f"{config.root}/{k}" for k in keys]),
                          strict=True))
    return signatures, " ".join(config.languages) + "\n" + "\n".join(
        f"{key} {sig[0]} {sig[1]}" if sig else f"{key} -" for key, sig in signatures.items())


def project_fingerprint(config: Config) -> str:
    return _fingerprint(config, discover(config))[1]


def save_findings(config: Config, counts: dict[str, dict[str, int]]) -> None:
    """Remember a full check's counts for `status` (until a file it read changes)."""
    path = config.state / "cache" / "check-summary.marshal"
    try:
        atomic_write_bytes(path, marshal.dumps({
            "version": CACHE_VERSION,
            "fingerprint": _inputs_of_checks(config, project_fingerprint(config)),
            "counts": counts}))
    except OSError:
        pass


def saved_findings(config: Config, fingerprint: str) -> dict[str, dict[str, int]] | None:
    path = config.state / "cache" / "check-summary.marshal"
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return None
    if data.get("fingerprint") != _inputs_of_checks(config, fingerprint):
        return None
    counts = data.get("counts")
    return counts if isinstance(counts, dict) else None


def _files_of(entry: DocEntry, languages: list[str] | tuple[str, ...], locales: str,
              bulletins: str | None) -> list[str]:
    keys = [f"{locales}/{entry.source_language}/{entry.name}.pot"]
    keys += [f"{locales}/{lang}/{entry.name}.po" for lang in languages
             if lang != entry.source_language]
    if bulletins is not None:
        keys.append(f"{bulletins}/{entry.name}.html")
    return keys


def _from_summary(summary: dict[str, Any], languages: list[str], names: set[str],
                  every: int) -> Status:
    result = []
    for lang in languages:
        saved = summary[lang]
        if len(names) == every:
            result.append(LangStatus(lang, rows=saved["rows"], totals=tuple(saved["totals"])))
        else:
            result.append(LangStatus(lang, rows=[r for r in saved["rows"] if r[0] in names]))
    return Status(result)


def _stale_source(bulletin: str, pot: FileStats, config: Config,
                  cache: _Cache, signatures: dict[str, tuple[int, int] | None]) -> str | None:
    current = _source_hash(bulletin, config, cache, signatures)
    if current is None:
        return f"{bulletin} no longer exists"
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
                     found.missing)


def gate_problems(status: Status, config: Config) -> list[str]:
    """Everything that keeps the release from passing the completeness gate."""
    problems: list[str] = []
    for lang in status.languages:
        if lang.lang not in config.release.required:
            continue
        bad = [d for d in lang.docs if d.problem or d.percent < config.release.threshold]
        if not bad and lang.percent >= config.release.threshold:
            continue
        problems.append(f"{lang.lang}: {lang.percent:.1f}% of source words translated "
                        f"(release needs {config.release.threshold:g}%)")
        for doc in bad:
            if doc.problem:
                problems.append(f"  {doc.path}: {doc.problem}")
            if doc.untranslated or doc.fuzzy:
                problems.append(f"  {doc.path}: {doc.untranslated} untranslated, "
                                f"{doc.fuzzy} fuzzy of {doc.units} units")
    return problems


# --- renderings ---------------------------------------------------------------------------

COLUMNS = ("units", "words", "translated", "fuzzy", "untranslated")


def _row(item: LangStatus | DocStatus) -> dict[str, object]:
    row: dict[str, object] = {name: getattr(item, name) for name in COLUMNS}
    row["percent"] = round(item.percent, 2)
    return row


def to_json(status: Status, by_doc: bool) -> str:
    data: dict[str, object] = {"languages": {}}
    for lang in status.languages:
        entry = _row(lang)
        entry["out_of_date"] = lang.out_of_date
        if by_doc:
            entry["documents"] = {
                d.doc: {**_row(d), "path": d.path, "source": d.source, "problem": d.problem}
                for d in lang.docs
            }
        if status.findings is not None:
            entry["findings"] = status.findings.get(lang.lang, {"error": 0, "warning": 0,
                                                                "info": 0})
        data["languages"][lang.lang] = entry  # type: ignore[index]
    return json.dumps(data, ensure_ascii=False, indent=2)


def _grid(status: Status, by_doc: bool) -> tuple[list[str], list[list[str]]]:
    head = ["language", "document", "units", "words", "translated", "fuzzy", "untranslated", "%"]
    if not by_doc:
        head.remove("document")
    findings = status.findings if not by_doc else None
    if findings is not None:
        head += ["errors", "warnings"]
    rows: list[list[str]] = []
    for lang in status.languages:
        items: list[tuple[str, LangStatus | DocStatus]] = (
            [(d.doc, d) for d in lang.docs] if by_doc else [("", lang)])
        for name, item in items:
            flag = " (out of date)" if isinstance(item, DocStatus) and item.problem else ""
            cells = [lang.lang] + ([name] if by_doc else []) + [
                str(item.units), str(item.words), str(item.translated), str(item.fuzzy),
                str(item.untranslated), f"{item.percent:.1f}{flag}"]
            if findings is not None:
                counts = findings.get(lang.lang, {})
                cells += [str(counts.get("error", 0)), str(counts.get("warning", 0))]
            rows.append(cells)
    return head, rows


def to_table(status: Status, by_doc: bool) -> str:
    head, rows = _grid(status, by_doc)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = []
    for r in [head, *rows]:
        lines.append("  ".join(c.ljust(w) if i < (2 if by_doc else 1) else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip())
    return "\n".join(lines)


def to_markdown(status: Status, by_doc: bool) -> str:
    head, rows = _grid(status, by_doc)
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join("---" if i < (2 if by_doc else 1) else "---:"
                            for i in range(len(head))) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def missing_lines(status: Status, width: int = 70) -> list[str]:
    """`locales/<lang>/<doc>.po:<line>: <excerpt>` for every untranslated or fuzzy unit."""
    from .unit import excerpt  # not at the top: the warm path imports nothing it can avoid

    lines: list[str] = []
    for doc in status.docs():
        if doc.source:
            continue
        if doc.problem:
            lines.append(f"{doc.path}: {doc.problem}")
        for line, source, fuzzy in doc.missing:
            where = f"{doc.path}:{line}" if line else doc.path
            lines.append(f"{where}: {'[fuzzy] ' if fuzzy else ''}{excerpt(source, width)}")
    return lines
