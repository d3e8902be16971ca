"""Pre-translation: fill empty catalogue entries from the translation memory.

Exact human matches fill the entry (fuzzy with --exact-as-fuzzy); fuzzy matches
fill it as fuzzy, with the match's source as previous msgid and a translator
comment `TM 87% (doc, reason)`. A translated or fuzzy entry is never touched.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import catalog
from .catalog import Catalogue
from .config import Config
from .errors import InputError
from .fsutil import Changes, Seen, StaleError, unchanged
from .memory.learn import learn_project, neighbour_context
from .memory.store import Store
from .project import Project
from .unit import UNTRANSLATED, excerpt


@dataclass
class PretranslateReport:
    exact: int = 0
    fuzzy: int = 0
    none: int = 0
    exact_words: int = 0
    fuzzy_words: int = 0
    none_words: int = 0
    pivot: int = 0  # fuzzy matches found through a person's translation in another language
    written: list[str] = field(default_factory=list)


@dataclass
class _Job:
    path: str
    source_lang: str
    lang: str
    tm: str
    threshold: int
    as_fuzzy: bool
    # The same document's catalogues in the other languages (language, path): a person's
    # translation there may find a match where the source finds none (a pivot match).
    pivots: tuple[tuple[str, str], ...] = ()


@dataclass
class _Done:
    path: str
    text: str | None  # the new catalogue, None if nothing was filled
    seen: Seen | None  # what the file was when read
    counts: list[int]  # exact, exact words, fuzzy, fuzzy words, none, none words, pivot
    looked_up: int


# Points a match found through a person's translation in a third language loses: the
# route adds a translation step, so it is never exact and ranks below a direct match.
PIVOT_PENALTY = 10


def _people(pivots: tuple[tuple[str, str], ...]) -> dict[str, dict[Any, str]]:
    """A person's translations in each pivot catalogue (translated, not fuzzy, no machine
    or memory provenance), by language and unit key."""
    found: dict[str, dict[Any, str]] = {}
    for lang, path in pivots:
        units: dict[Any, str] = {}
        for entry in catalog.load(Path(path)).active():
            provenance = entry.provenance
            if (entry.translated and not entry.fuzzy and entry.msgid_plural is None
                    and (provenance is None or provenance[0] not in ("mt", "tm"))):
                units[entry.key] = entry.msgstr
        found[lang] = units
    return found


def _pivot_match(store: Store, entry: Any, job: _Job,
                 people: dict[str, dict[Any, str]]) -> tuple[str, Any] | None:
    """The best memory match for a person's translation of `entry` in another language,
    (language, match), scored PIVOT_PENALTY lower and at least the threshold."""
    best: tuple[str, Any] | None = None
    wanted = min(100, job.threshold + PIVOT_PENALTY)
    for lang, units in sorted(people.items()):
        text = units.get(entry.key)
        if not text:
            continue
        found = store.lookup(text, lang, job.lang, wanted, 1)
        if not found or min(found[0].score, 100) - PIVOT_PENALTY < job.threshold:
            continue
        if best is None or found[0].score > best[1].score:
            best = (lang, found[0])
    return best


_WORKER_STORE: dict[str, Store] = {}
_PRELOADED: set[tuple[str, str]] = set()
# Indexes the parent built before forking its workers: (memory, its indexes by language).
_INHERITED: tuple[str, dict[str, Any]] | None = None


def _fill(job: _Job, store: Store | None = None) -> _Done:
    """Pre-translate one catalogue; returns its new text (written by the caller)."""
    if store is None:
        worker = _WORKER_STORE.get(job.tm)
        if worker is None:
            from .memory import open_locator

            worker = _WORKER_STORE.setdefault(job.tm, open_locator(job.tm))
            if _INHERITED is not None and _INHERITED[0] == job.tm:
                worker.adopt(_INHERITED[1])
        if (job.tm, job.source_lang) not in _PRELOADED:
            worker.preload(job.source_lang)  # a worker serves many catalogues
            _PRELOADED.add((job.tm, job.source_lang))
        store = worker
    po = catalog.load(Path(job.path))
    active = po.active()
    counts = [0, 0, 0, 0, 0, 0, 0]
    looked_up = 0
    people: dict[str, dict[Any, str]] | None = None
    for index, entry in enumerate(active):
        if entry.state != UNTRANSLATED or entry.msgid_plural is not None:
            continue
        looked_up += 1
        words = entry.words
        found = store.lookup(entry.msgid, job.source_lang, job.lang, job.threshold, 1,
                             neighbour_context(active, index))
        if not found and job.pivots:
            if people is None:
                people = _people(job.pivots)
            pivot = _pivot_match(store, entry, job, people)
            if pivot is not None:
                from .languages import locale

                lang, match = pivot
                score = min(match.score, 100) - PIVOT_PENALTY
                counts[2] += 1
                counts[3] += words
                counts[6] += 1
                entry.msgstr = match.proposal
                entry.set_fuzzy()
                # No previous msgid: the match's source is in another language.
                entry.set_provenance("tm", f"{score}% ({match.doc or 'TM'}, through the "
                                     f"{locale(lang).english_name or lang} translation: "
                                     f"{match.reason}; pivot -{PIVOT_PENALTY})")
                continue
        if not found:
            counts[4] += 1
            counts[5] += words
            continue
        match = found[0]
        where = match.doc or "TM"
        entry.msgstr = match.proposal
        if match.score >= 100:
            counts[0] += 1
            counts[1] += words
            label = "in context" if match.score == 101 else "exact"
            entry.set_provenance("tm", f"{match.score}% ({where}, {label})")
            entry.set_fuzzy(job.as_fuzzy)
        else:
            counts[2] += 1
            counts[3] += words
            entry.set_fuzzy()
            entry.previous_msgid = match.source
            entry.set_provenance("tm", f"{match.score}% ({where}, {match.reason})")
    changed = counts[0] + counts[2] > 0
    return _Done(job.path, catalog.dumps(po) if changed else None, po.seen, counts, looked_up)


def _worker_ignores_interrupts() -> None:
    """Ctrl-C reaches every process of the terminal's group: the parent alone answers it
    (one line, exit 130), not each worker with a traceback."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


PARALLEL_FROM = 500  # empty entries before a second process pays for itself
PRELOAD_FROM = 100  # lookups before an index of the memory in memory pays for itself


def pretranslate(project: Project, store: Store, langs: list[str] | None = None,
                 docs: list[str] | None = None, threshold: int | None = None,
                 exact_as_fuzzy: bool | None = None, dry_run: bool = False,
                 progress: Callable[[int], None] | None = None,
                 pending: int | None = None) -> PretranslateReport:
    config = project.config
    threshold = config.tm.threshold if threshold is None else threshold
    if not 1 <= threshold <= 100:
        raise InputError("--threshold must be between 1 and 100")
    as_fuzzy = config.tm.exact_as_fuzzy if exact_as_fuzzy is None else exact_as_fuzzy
    refs = project.catalogues(langs, docs)
    for ref in refs:  # a malformed catalogue stops the run before anything is written
        catalog.load(ref.path)
    learn_project(project, store)
    tm_path = store.locator
    paths = {(ref.name, ref.lang): str(ref.path) for ref in project.catalogues(None, docs)}
    jobs = [_Job(str(ref.path), ref.source_language, ref.lang, tm_path, threshold, as_fuzzy,
                 tuple((lang, path) for (name, lang), path in sorted(paths.items())
                       if name == ref.name and lang != ref.lang))
            for ref in refs]
    workers = min(os.cpu_count() or 1, 4)
    parallel = workers > 1 and len(jobs) > 1 and (pending or 0) >= PARALLEL_FROM
    # Workers forked from this process share the index built here (copy-on-write) rather
    # than each building its own. Only on Linux: elsewhere fork is unsafe or missing, and
    # workers are started afresh and open the saved index or build one.
    fork = parallel and sys.platform == "linux"
    if (pending or 0) >= PRELOAD_FROM and (fork or not parallel):
        for source_lang in sorted({job.source_lang for job in jobs}):
            store.preload(source_lang)
    if parallel:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        global _INHERITED
        _INHERITED = (tm_path, store.preloaded()) if fork else None
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(
                    "fork") if fork else None, initializer=_worker_ignores_interrupts) as pool:
                done = []
                for result in pool.map(_fill, jobs,
                                       chunksize=max(1, len(jobs) // (workers * 8))):
                    done.append(result)
                    if progress:
                        progress(result.looked_up)
        finally:
            _INHERITED = None
    else:
        done = []
        for job in jobs:
            result = _fill(job, store)
            done.append(result)
            if progress:
                progress(result.looked_up)
    report = PretranslateReport()
    for result in done:
        report.exact += result.counts[0]
        report.exact_words += result.counts[1]
        report.fuzzy += result.counts[2]
        report.fuzzy_words += result.counts[3]
        report.none += result.counts[4]
        report.none_words += result.counts[5]
        report.pivot += result.counts[6]
    if not dry_run:
        drafts = {Path(r.path): (r.text, r.seen) for r in done if r.text is not None}
        write_drafts(drafts)
        report.written = [project.shown(path) for path in drafts]
        if report.written:
            learn_project(project, store)
    return report


def save_drafts(po: Catalogue, path: Path) -> None:
    """Save a catalogue a job drafted into; when someone saved the file meanwhile, the
    drafts go into the units still empty in their version instead (the job's copy keeps
    its old `seen`, so every later save of it merges the same way)."""
    try:
        catalog.save(po, path)
    except StaleError:
        newer = catalog.load(path)
        newer.fill_from(po)
        catalog.save(newer, path)


def write_drafts(drafts: dict[Path, tuple[str, Seen | None]]) -> None:
    """Each drafted catalogue written over the file it was drafted from, all as one. A
    file someone saved meanwhile is not replaced: the drafts go into the units still
    empty in their version (`Catalogue.fill_from`), and nothing of theirs is lost."""
    changes = Changes()
    for path, (text, seen) in drafts.items():
        data = text.encode("utf-8", "surrogateescape")
        if seen is not None and not unchanged(path, seen):
            newer = catalog.load(path)
            newer.fill_from(catalog.parse(data, path))
            data, seen = catalog.encoded(newer), newer.seen
        changes.write(path, data, seen)
    changes.commit()


def count_pending(project: Project, langs: list[str] | None, docs: list[str] | None) -> int:
    """Empty entries pre-translation would look at (for a progress bar)."""
    from .status import compute_status

    status = compute_status(project, langs, docs, want_missing=False)
    return sum(d.untranslated for d in status.docs() if not d.source)


# --- machine translation -------------------------------------------------------------------

@dataclass
class MTReport:
    units: int = 0  # filled from the service
    cached: int = 0  # filled from earlier identical requests (not sent)
    billed: int = 0
    failures: list[str] = field(default_factory=list)
    remaining: int = 0  # units left when the job stopped
    chars: dict[str, int] = field(default_factory=dict)  # per language (dry run: to bill)
    written: list[str] = field(default_factory=list)
    pivoted: dict[str, int] = field(default_factory=dict)  # drafts from a translation, by language


def _contexts(active: list[Any]) -> dict[int, str | None]:
    """For each entry, the other sentences of its paragraph (same reference)."""
    groups: dict[str, list[Any]] = {}
    for entry in active:
        for reference in entry.references[:1]:
            groups.setdefault(reference, []).append(entry)
    contexts: dict[int, str | None] = {}
    for members in groups.values():
        for entry in members:
            others = [m.msgid for m in members if m is not entry]
            contexts[id(entry)] = " ".join(others) if others else None
    return contexts


def _human(project: Project, refs: list[Any]) -> dict[str, dict[str, dict[Any, str]]]:
    """A person's translations of each document's units, by document and language:
    translated, not fuzzy, no machine or memory provenance (what a draft may start from)."""
    found: dict[str, dict[str, dict[Any, str]]] = {}
    docs = sorted({ref.name for ref in refs})
    for ref in project.catalogues(None, docs):
        units: dict[Any, str] = {}
        for entry in catalog.load(ref.path).active():
            provenance = entry.provenance
            if (entry.translated and not entry.fuzzy and entry.msgid_plural is None
                    and (provenance is None or provenance[0] not in ("mt", "tm"))):
                units[entry.key] = entry.msgstr
        found.setdefault(ref.name, {})[ref.lang] = units
    return found


def _origin(provider: Any, entry: Any, source: str, target: str, doc: str,
            human: dict[str, dict[str, dict[Any, str]]]) -> tuple[str, str] | None:
    """(language, text) to draft `entry` from: the source, or a person's translation in
    another language when the pair-quality table says drafts from it are better. None when
    the engine serves none of them."""
    from .sources import inline

    direct = provider.supports(source, target)
    best = (source, entry.msgid) if direct else None
    best_quality = provider.quality(source, target) if direct else None
    if not provider.pivot:
        return best
    expected = {n: kind for kind, n in inline.numbers(entry.msgid)}
    for lang, units in sorted(human.get(doc, {}).items()):
        text = units.get(entry.key) if lang not in (source, target) else None
        if not text or not provider.supports(lang, target):
            continue
        quality = provider.quality(lang, target)
        if best is not None and (quality is None or best_quality is None
                                 or quality <= best_quality):
            continue  # a pivot must be known to be better than what is at hand
        try:
            inline.validate(text, expected)
        except inline.PlaceholderError:
            continue  # the translation's markup differs from the source's: not a safe start
        best, best_quality = (lang, text), quality
    return best


def machine_translate(project: Project, store: Store, provider: Any, langs: list[str] | None,
                      docs: list[str] | None, dry_run: bool = False, force: bool = False,
                      progress: Callable[[int], None] | None = None) -> MTReport:
    """Draft every still-empty entry with MT: fuzzy, `MT <engine> [route] <date>[, from the
    <language>]` comment, learnt by the TM as machine provenance. Each unit is drafted from
    its source or from a person's translation in another language, whichever the engine's
    pair qualities say is better. Requests go by language pair (one engine call per pair
    unless the engine batches); the pairs are checked before anything is written, and each
    catalogue is saved whole after each batch, so an interrupted job keeps what it
    received and a re-run continues from there."""
    import hashlib
    from datetime import date

    from .engines import MTError, QuotaError, Request
    from .languages import locale
    from .memory.store import MACHINE, SOURCE, Entry, Variant
    from .sources import inline

    today = date.today().isoformat()
    report = MTReport()
    selected = [ref for ref in project.catalogues(langs, docs) if provider.allowed(ref.lang)]
    loaded = [(ref, catalog.load(ref.path)) for ref in selected]  # all read before any write
    human = _human(project, selected) if provider.pivot and selected else {}
    # (from, to) -> [(path, catalogue, entry, request, source language, settings, comment)]
    pending: dict[tuple[str, str], list[tuple[Path, Any, Any, Any, str, str, str]]] = {}
    unserved: set[tuple[str, str]] = set()
    cached_files: list[tuple[Path, Any]] = []
    for ref, po in loaded:
        path, lang = ref.path, ref.lang
        active = po.active()
        contexts = _contexts(active)
        changed = False
        for entry in active:
            if entry.state != UNTRANSLATED or entry.msgid_plural is not None:
                continue
            origin = _origin(provider, entry, ref.source_language, lang, ref.name, human)
            if origin is None:
                unserved.add((ref.source_language, lang))
                continue
            start, text = origin
            settings = provider.settings(start, lang)
            detail = " ".join(filter(None, [provider.name, provider.route(start, lang), today]))
            if start != ref.source_language:
                settings += f"/from-{start}/{hashlib.sha256(text.encode()).hexdigest()[:16]}"
                detail += f", from the {locale(start).english_name or start}"
            cached = store.machine(entry.msgid, ref.source_language, lang, settings)
            if cached is not None:
                if not dry_run:
                    entry.msgstr = cached
                    entry.set_fuzzy()
                    entry.set_provenance("mt", detail)
                    changed = True
                report.cached += 1
                continue
            context = contexts.get(id(entry)) if start == ref.source_language else None
            pending.setdefault((start, lang), []).append(
                (path, po, entry, Request(text, context), ref.source_language, settings, detail))
            report.chars[lang] = report.chars.get(lang, 0) + len(text)
        if changed:
            cached_files.append((path, po))
    for pair in sorted(unserved | set(pending)):
        provider.check(*pair)  # a missing pair or engine stops the run before any write
    for path, po in cached_files:
        save_drafts(po, path)
        report.written.append(project.shown(path))
    if dry_run or not pending:
        return report
    needed = sum(report.chars.values())
    used, limit = provider.usage()
    if limit is not None and needed > limit - used and not force:
        raise QuotaError(f"the job needs {needed} characters and {max(limit - used, 0)} remain "
                         f"of the quota ({used}/{limit}); use --force to start anyway")
    total = sum(len(drafts) for drafts in pending.values())
    done = 0
    plan = {pair: provider.batches([draft[3] for draft in drafts])
            for pair, drafts in sorted(pending.items())}
    ahead = _ahead(provider, plan)
    for (start, lang), drafts in sorted(pending.items()):
        by_request = {id(draft[3]): draft for draft in drafts}
        for number, batch in enumerate(plan[(start, lang)]):
            try:
                results = (ahead[(start, lang)][number].result() if ahead
                           else provider.translate(batch, start, lang))
            except QuotaError as exc:
                report.remaining = total - done
                raise QuotaError(f"{exc}: stopped with {report.remaining} unit(s) left; what "
                                 "was received is saved, run again to continue") from None
            except MTError:
                report.remaining = total - done
                raise
            learnt: list[Entry] = []
            touched: dict[Path, Any] = {}
            for request, result in zip(batch, results, strict=True):
                path, po, entry, _, source_lang, settings, detail = by_request[id(request)]
                expected = {n: kind for kind, n in inline.numbers(entry.msgid)}
                try:
                    inline.validate(result.text, expected)
                except inline.PlaceholderError as exc:
                    report.failures.append(f"{project.shown(path)}: {excerpt(entry.msgid, 60)}:"
                                           f" placeholders broken by MT ({exc})")
                    continue
                if not result.text.strip() and entry.msgid.strip():
                    report.failures.append(f"{project.shown(path)}: {excerpt(entry.msgid, 60)}:"
                                           " MT returned an empty draft")
                    continue
                if start != source_lang:
                    report.pivoted[start] = report.pivoted.get(start, 0) + 1
                entry.msgstr = result.text
                entry.set_fuzzy()
                entry.set_provenance("mt", detail)
                report.units += 1
                report.billed += result.billed
                touched[path] = po
                learnt.append(Entry([Variant(source_lang, entry.msgid, SOURCE),
                                     Variant(lang, result.text, MACHINE, note=settings)]))
            done += len(batch)
            if progress:
                progress(len(batch))
            for path, po in touched.items():
                save_drafts(po, path)  # after every batch: a stop loses nothing received
                rel = project.shown(path)
                if rel not in report.written:
                    report.written.append(rel)
            store.learn(learnt)
    return report


def _ahead(provider: Any, plan: dict[tuple[str, str], list[list[Any]]]) -> dict[Any, Any]:
    """For an engine whose pairs are separate local processes (Apertium), every pair's
    batches started at once in threads, one pair per core: the results are then taken in
    order as if translated one after another. Empty for other engines."""
    if not getattr(provider, "parallel_pairs", False) or len(plan) < 2:
        return {}
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=min(len(plan), os.cpu_count() or 1, 4))

    def pair_batches(pair: tuple[str, str]) -> list[Any]:
        return [provider.translate(batch, *pair) for batch in plan[pair]]

    running = {pair: pool.submit(pair_batches, pair) for pair in plan}
    pool.shutdown(wait=False)
    # One future per pair holds all its batches; each batch is read from it by number.
    return {pair: [_Item(future, n) for n in range(len(plan[pair]))]
            for pair, future in running.items()}


class _Item:
    """Batch `n` of a pair translated ahead, read when its turn comes."""

    def __init__(self, future: Any, n: int):
        self.future, self.n = future, n

    def result(self) -> Any:
        return self.future.result()[self.n]


def check_pairs(project: Project, provider: Any, langs: list[str] | None,
                docs: list[str] | None) -> None:
    """Every (source, target) pair of the selection is served, or an error naming what to
    install: checked before anything, the memory's pass included, is written."""
    for pair in sorted({(ref.source_language, ref.lang) for ref in project.catalogues(langs, docs)
                        if provider.allowed(ref.lang)}):
        provider.check(*pair)


def open_provider(config: Config, name: str) -> Any:
    """The engine `name` from the `transkit.engines` entry points, built with its table."""
    from .engines.registry import open_engine

    return open_engine(config, name)
