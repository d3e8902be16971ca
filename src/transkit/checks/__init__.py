"""Consistency checks: the engine that runs the installed checks (the `transkit.checks`
entry points, transkit's own included; see `base.py` for their shapes) over the project,
documents in parallel when there are many."""

from __future__ import annotations

import inspect
import os
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .. import catalog
from ..catalog.model import Catalogue
from ..errors import InputError
from ..glossary import Glossary, load_glossary
from ..plugins import guarded
from ..project import Project
from ..unit import TRANSLATED, Unit
from .base import ERROR, INFO, RANK, SEVERITIES, WARNING, CheckContext, Finding, Pair, Translation
from .registry import RETURNS, by_id, check_classes, scope_of

__all__ = ["Finding", "CheckReport", "run_checks", "check_classes", "ERROR", "WARNING", "INFO"]


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    units: int = 0

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def errors(self) -> list[Finding]:
        """The error-level findings (what blocks a release)."""
        return [f for f in self.findings if f.severity == ERROR]

    def by_language(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = defaultdict(lambda: {s: 0 for s in SEVERITIES})
        for f in self.findings:
            table[f.lang or "-"][f.severity] += 1
        return dict(table)


@dataclass
class _Options:
    enabled: tuple[str, ...]
    severity: dict[str, str]
    min_rank: int
    root: Path
    languages: tuple[str, ...]
    glossary: Glossary
    settings: dict[str, dict[str, Any]]
    suggest: bool
    allow_outside: bool
    # Each worker process builds the checks once per run: instances need not pickle.
    token: str = field(default_factory=lambda: uuid.uuid4().hex)


def _options(project: Project, only: list[str] | None, min_severity: str,
             suggest: bool = False) -> _Options:
    config = project.config
    known = by_id()
    for check_id in only or []:
        if check_id not in known:
            raise InputError(f"unknown check {check_id!r} (see `transkit check --list`)")
    if min_severity not in SEVERITIES:
        raise InputError(f"unknown severity {min_severity!r}")
    settings = config.checks
    enabled = [i for i in known if i not in settings.disable and (not only or i in only)]
    options = _Options(tuple(enabled),
                       {i: settings.severity.get(i, c.severity) for i, c in known.items()},
                       RANK[min_severity], project.root, project.languages,
                       load_glossary(project.root, config.allow_outside),
                       {i: dict(settings.settings.get(i, {})) for i in known}, suggest,
                       config.allow_outside)
    _built(options)  # a check that cannot start (a missing dictionary…) fails here, once
    return options


UnitCall = Callable[[Pair], list[Any]]


@dataclass
class _Built:
    unit: list[tuple[str, UnitCall]]
    cross: list[tuple[str, Any]]
    language: list[tuple[str, Any]]
    file: list[tuple[str, Any]]


_BUILT: dict[str, _Built] = {}


def _unit_call(check: Any) -> UnitCall:
    """One call per pair: the built-ins' fast path, or the public `check` shape with the
    keyword arguments its signature names."""
    fast = getattr(check, "check_pair", None)
    if fast is not None:
        return fast  # type: ignore[no-any-return]
    accepts = inspect.signature(check.check).parameters
    if "source_lang" in accepts and "flags" in accepts:
        return lambda p: check.check(p.source, p.target, p.target_lang,
                                     source_lang=p.source_lang, flags=p.flags)
    if "source_lang" in accepts:
        return lambda p: check.check(p.source, p.target, p.target_lang,
                                     source_lang=p.source_lang)
    return lambda p: check.check(p.source, p.target, p.target_lang)


def _built(options: _Options) -> _Built:
    built = _BUILT.get(options.token)
    if built is None:
        built = _Built([], [], [], [])
        known = by_id()
        for check_id in options.enabled:
            cls = known[check_id]
            instance = guarded(cls, f"check {check_id!r}", CheckContext(
                options.root, options.languages, options.glossary,
                options.settings.get(check_id, {}), options.suggest, options.allow_outside),
                returns=RETURNS)
            scope = scope_of(cls)
            if scope == "unit":
                built.unit.append((check_id, _unit_call(instance)))
            else:
                getattr(built, scope).append((check_id, instance))
        _BUILT.clear()
        _BUILT[options.token] = built
    return built


def unit_checks(project: Project) -> dict[str, UnitCall]:
    """Every enabled per-unit check as a call on a `Pair` (the mutation benchmark's)."""
    return dict(_built(_options(project, None, INFO)).unit)


def unit_errors(project: Project) -> Callable[[Pair], list[str]]:
    """The enabled per-unit checks' error-level findings on a pair, as `check_id]:
    message` lines, its `ignore-<id>` flags respected (approve asks it before it makes a
    draft a translation)."""
    options = _options(project, None, ERROR)
    known = by_id()
    chosen = _built(options).unit

    def errors(pair: Pair) -> list[str]:
        ignored = {f[len("ignore-"):] for f in pair.flags if f.startswith("ignore-")}
        found = []
        for check_id, check in chosen:
            if check_id in ignored:
                continue
            for message in check(pair):
                severity = options.severity[check_id]
                if isinstance(message, tuple):  # (severity, message), as _Sink reads it
                    declared, message = message
                    if declared != known[check_id].severity:
                        severity = declared
                if severity == ERROR:
                    found.append(f"{check_id}]: {message}")
        return found

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


def _read(path: str) -> Catalogue:
    """A catalogue, from the one reader."""
    return catalog.load(Path(path))


def _forms(record: Unit) -> list[tuple[str, str]]:
    """(source, translation) of each filled form: form 0 against msgid, the others
    against msgid_plural."""
    if record.msgid_plural is None:
        return [(record.msgid, record.msgstr)] if record.msgstr else []
    return [(record.msgid if n == 0 else record.msgid_plural, text)
            for n, text in sorted(record.msgstr_plural.items()) if text]


class _Sink:
    """Findings kept as the options ask (enabled, at or above the lowest severity)."""

    def __init__(self, options: _Options, findings: list[Finding]) -> None:
        self.options, self.findings = options, findings
        self.known = by_id()

    def add(self, check_id: str, message: Any, path: str, line: int | None,
            lang: str | None, doc: str | None, source: str | None = None) -> None:
        severity = self.options.severity[check_id]
        if isinstance(message, tuple):  # (severity, message): a check of several levels
            declared, message = message
            if declared != self.known[check_id].severity:
                severity = declared
        if RANK[severity] >= self.options.min_rank:
            self.findings.append(Finding(check_id, severity, str(message), path, line, lang,
                                         doc, source))


def _ignored(record: Unit) -> set[str]:
    return {f[len("ignore-"):] for f in record.flags if f.startswith("ignore-")}


def _check_document(job: _DocJob, options: _Options) -> _DocResult:
    built = _built(options)
    sink = _Sink(options, [])
    result = _DocResult(sink.findings, 0, 0, [])
    template = _read(job.template)
    # A unit's translations into every language, for the checks across languages.
    per_unit: dict[str, dict[str, tuple[str, str, int, set[str]]]] = defaultdict(dict)
    for lang, path, rel in job.catalogues:
        if lang in job.voters:
            try:
                records = _read(path).active()
            except InputError:
                continue  # reported by a check of that language, not this one's
            for record in records:
                if record.state == TRANSLATED and record.msgid_plural is None:
                    per_unit[record.msgid][lang] = (record.msgstr, rel, record.line, set())
            continue
        found = _read(path) if Path(path).exists() else None
        for check_id, check in built.file:
            for item in check.check_file(found, template, lang):
                line, message = item[0], item[1]
                sink.add(check_id, message, rel, line, lang, job.name,
                         item[2] if len(item) > 2 else None)
        if found is None:
            continue
        result.files += 1
        for record in found.active():
            forms = _forms(record)
            if not forms:
                continue
            result.units += 1
            ignored = _ignored(record)
            flags = tuple(record.flags)
            calls = built.unit if not ignored else [
                (check_id, call) for check_id, call in built.unit if check_id not in ignored]
            for source, text in forms:
                pair = Pair(source, text, job.source_lang, lang, flags)
                for check_id, call in calls:
                    found_here = call(pair)
                    if found_here:
                        for message in found_here:
                            sink.add(check_id, message, rel, record.line, lang, job.name,
                                     record.msgid)
            if record.state != TRANSLATED or record.msgid_plural is not None:
                continue
            per_unit[record.msgid][lang] = (record.msgstr, rel, record.line, ignored)
            result.translations.append((lang, job.source_lang, record.msgid, record.msgstr,
                                        rel, record.line))
    for source, by_lang in per_unit.items():
        translations = {lang: text for lang, (text, _, _, _) in by_lang.items()}
        for check_id, check in built.cross:
            for lang, message in check.check_across(source, job.source_lang,
                                                    translations).items():
                if lang in job.voters or lang not in by_lang:
                    continue
                _, rel, line, ignored = by_lang[lang]
                if check_id not in ignored:
                    sink.add(check_id, message, rel, line, lang, job.name, source)
    return result


PARALLEL_FROM = 100  # documents before a second process pays for itself


def run_checks(project: Project, langs: list[str] | None = None, docs: list[str] | None = None,
               only: list[str] | None = None, min_severity: str = INFO,
               suggest: bool = False) -> CheckReport:
    """Every enabled check over the selected languages and documents (documents are
    checked in parallel when there are many; the per-language checks see them all)."""
    options = _options(project, only, min_severity, suggest)
    built = _built(options)
    selected = set(project.select_languages(langs))
    voters = frozenset(set(project.languages) - selected) if built.cross else frozenset()
    by_doc: dict[str, _DocJob] = {}
    for ref in project.catalogues(None if voters else langs, docs, missing=True):
        if ref.lang in voters and not ref.path.exists():
            continue
        job = by_doc.get(ref.name)
        if job is None:
            job = by_doc[ref.name] = _DocJob(ref.name, ref.source_language,
                                             ref.doc.template_file, [], voters)
        job.catalogues.append((ref.lang, str(ref.path), project.shown(ref.path)))
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
    translations: dict[str, list[Translation]] = defaultdict(list)
    for result in results:
        report.findings += result.findings
        report.files += result.files
        report.units += result.units
        for lang, source_lang, msgid, msgstr, rel, line in result.translations:
            translations[lang].append(Translation(source_lang, msgid, msgstr, rel, line))
    sink = _Sink(options, report.findings)
    for check_id, check in built.language:
        for lang, found in translations.items():
            for t, message in check.check_language(lang, found):
                sink.add(check_id, message, t.path, t.line, lang, None, t.source)
    order = {cls.id: i for i, cls in enumerate(check_classes())}
    report.findings.sort(key=lambda f: (f.path, f.line or 0, order[f.check], f.message))
    return report
