"""Status figures per language and document, the completeness gate, and their renderings
(table, JSON, Markdown). Statistics are cached by file size and mtime under .transkit/."""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import catalog
from .config import Config
from .errors import InputError
from .fsutil import atomic_write_text
from .project import DocEntry, catalog_path, discover, relative

CACHE_VERSION = 2
PARALLEL_FROM = 200  # files to parse before a second process pays off


@dataclass
class DocStatus:
    doc: str
    lang: str
    path: str
    source: bool
    units: int = 0
    words: int = 0
    translated: int = 0
    translated_words: int = 0
    fuzzy: int = 0
    fuzzy_words: int = 0
    problem: str | None = None  # why the catalogue is out of date or missing
    missing: list[tuple[int, str, bool]] = field(default_factory=list)

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


@dataclass
class LangStatus:
    lang: str
    docs: list[DocStatus] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(getattr(d, name) for d in self.docs)

    @property
    def units(self) -> int:
        return self._sum("units")

    @property
    def words(self) -> int:
        return self._sum("words")

    @property
    def translated(self) -> int:
        return self._sum("translated")

    @property
    def translated_words(self) -> int:
        return self._sum("translated_words")

    @property
    def fuzzy(self) -> int:
        return self._sum("fuzzy")

    @property
    def untranslated(self) -> int:
        return self._sum("untranslated")

    @property
    def out_of_date(self) -> int:
        return sum(1 for d in self.docs if d.problem)

    @property
    def percent(self) -> float:
        words = self.words
        value = 100.0 if not words else 100.0 * self.translated_words / words
        if self.out_of_date and value >= 100.0:
            return 99.99
        return value


@dataclass
class Status:
    languages: list[LangStatus]

    def docs(self) -> list[DocStatus]:
        return [d for lang in self.languages for d in lang.docs]


class _Cache:
    def __init__(self, config: Config, enabled: bool):
        self.path = config.state / "cache" / "status.json"
        self.enabled = enabled
        self.files: dict[str, list[object]] = {}
        self.sources: dict[str, list[object]] = {}
        self.dirty = False
        if enabled:
            try:
                data = json.loads(self.path.read_text("utf-8"))
                if data.get("version") == CACHE_VERSION:
                    self.files = data["files"]
                    self.sources = data["sources"]
            except (OSError, ValueError, KeyError, TypeError):
                pass

    def save(self) -> None:
        if not (self.enabled and self.dirty):
            return
        try:
            atomic_write_text(self.path, json.dumps(
                {"version": CACHE_VERSION, "files": self.files, "sources": self.sources},
                ensure_ascii=False, separators=(",", ":")))
        except OSError:
            pass  # a cache we cannot write only costs time


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _scan(path: str) -> list[object]:
    return catalog.scan_stats(Path(path)).to_json()


def _stats_for(paths: list[Path], config: Config, cache: _Cache) -> dict[Path, catalog.FileStats]:
    result: dict[Path, catalog.FileStats] = {}
    todo: list[tuple[Path, str, tuple[int, int]]] = []
    for path in paths:
        sig = _signature(path)
        if sig is None:
            continue
        key = relative(config, path)
        hit = cache.files.get(key)
        if hit is not None and hit[0] == sig[0] and hit[1] == sig[1]:
            result[path] = catalog.FileStats.from_json(hit[2])  # type: ignore[arg-type]
        else:
            todo.append((path, key, sig))
    if len(todo) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 2, 4)) as pool:
            scanned = list(pool.map(_scan, [str(p) for p, _, _ in todo],
                                    chunksize=max(1, len(todo) // 16)))
    else:
        scanned = [_scan(str(p)) for p, _, _ in todo]
    for (path, key, sig), data in zip(todo, scanned):
        result[path] = catalog.FileStats.from_json(data)
        cache.files[key] = [sig[0], sig[1], data]
        cache.dirty = True
    return result


def _source_hash(path: Path, config: Config, cache: _Cache) -> str | None:
    sig = _signature(path)
    if sig is None:
        return None
    key = relative(config, path)
    hit = cache.sources.get(key)
    if hit is not None and hit[0] == sig[0] and hit[1] == sig[1]:
        return str(hit[2])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    cache.sources[key] = [sig[0], sig[1], digest]
    cache.dirty = True
    return digest


def compute_status(config: Config, langs: list[str] | None = None, docs: list[str] | None = None,
                   use_cache: bool = True) -> Status:
    """Figures for every (language, document); a catalogue whose template or source changed
    since it was merged is out of date, and so incomplete."""
    for lang in langs or []:
        if lang not in config.languages:
            raise InputError(f"language {lang!r} is not one of the project's languages "
                             f"({', '.join(config.languages)})")
    entries = discover(config)
    if docs:
        names = {d.removesuffix(".html").removesuffix(".po") for d in docs}
        unknown = names - {e.name for e in entries}
        if unknown:
            raise InputError(f"no extracted document named {sorted(unknown)[0]!r} "
                             "(run `transkit extract`)")
        entries = [e for e in entries if e.name in names]
    languages = [lang for lang in config.languages if not langs or lang in langs]
    cache = _Cache(config, use_cache)
    paths: list[Path] = [e.template for e in entries]
    for entry in entries:
        paths += [catalog_path(config, entry.name, lang) for lang in languages
                  if lang != entry.source_language]
    stats = _stats_for(paths, config, cache)
    status = Status([LangStatus(lang) for lang in languages])
    for entry in entries:
        pot = stats[entry.template]
        stale = _stale_source(entry, pot, config, cache)
        for lang_status in status.languages:
            lang_status.docs.append(_doc_status(config, entry, lang_status.lang, pot, stats, stale))
    cache.save()
    return status


def _stale_source(entry: DocEntry, pot: catalog.FileStats, config: Config,
                  cache: _Cache) -> str | None:
    bulletin = config.bulletins / f"{entry.name}.html"
    current = _source_hash(bulletin, config, cache)
    if current is None:
        return f"{relative(config, bulletin)} no longer exists"
    if pot.headers.get(catalog.SOURCE_HEADER) != current:
        return f"{relative(config, bulletin)} changed since the last extract"
    return None


def _doc_status(config: Config, entry: DocEntry, lang: str, pot: catalog.FileStats,
                stats: dict[Path, catalog.FileStats], stale: str | None) -> DocStatus:
    if lang == entry.source_language:
        return DocStatus(entry.name, lang, relative(config, entry.template), True, pot.units,
                         pot.words, pot.units, pot.words, problem=stale)
    path = catalog_path(config, entry.name, lang)
    rel = relative(config, path)
    found = stats.get(path)
    if found is None:
        return DocStatus(entry.name, lang, rel, False, pot.units, pot.words,
                         problem="catalogue missing (run `transkit extract`)",
                         missing=[(0, s, False) for _, s, _ in pot.missing])
    problem = stale
    if found.headers.get(catalog.TEMPLATE_HEADER) != pot.headers.get(catalog.TEMPLATE_HEADER):
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
        data["languages"][lang.lang] = entry  # type: ignore[index]
    return json.dumps(data, ensure_ascii=False, indent=2)


def _grid(status: Status, by_doc: bool) -> tuple[list[str], list[list[str]]]:
    head = ["language", "document", "units", "words", "translated", "fuzzy", "untranslated", "%"]
    if not by_doc:
        head.remove("document")
    rows: list[list[str]] = []
    for lang in status.languages:
        items: list[tuple[str, LangStatus | DocStatus]] = (
            [(d.doc, d) for d in lang.docs] if by_doc else [("", lang)])
        for name, item in items:
            flag = " (out of date)" if isinstance(item, DocStatus) and item.problem else ""
            cells = [lang.lang] + ([name] if by_doc else []) + [
                str(item.units), str(item.words), str(item.translated), str(item.fuzzy),
                str(item.untranslated), f"{item.percent:.1f}{flag}"]
            rows.append(cells)
    return head, rows


def to_table(status: Status, by_doc: bool) -> str:
    head, rows = _grid(status, by_doc)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = []
    for r in [head, *rows]:
        lines.append("  ".join(c.ljust(w) if i < (2 if by_doc else 1) else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths))).rstrip())
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
    lines: list[str] = []
    for doc in status.docs():
        if doc.source:
            continue
        if doc.problem:
            lines.append(f"{doc.path}: {doc.problem}")
        for line, source, fuzzy in doc.missing:
            excerpt = " ".join(source.split())
            if len(excerpt) > width:
                excerpt = excerpt[: width - 1] + "…"
            where = f"{doc.path}:{line}" if line else doc.path
            lines.append(f"{where}: {'[fuzzy] ' if fuzzy else ''}{excerpt}")
    return lines
