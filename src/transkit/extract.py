"""`transkit extract`: segment the bulletins, write each document's template and merge it
into every language's catalogue; the same for the chrome (the text around the articles,
one template per source language shared by every bulletin); then the TM learns what
changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from . import catalog
from .catalog import Catalogue, MergeReport
from .fsutil import Changes, Seen, StaleError, digest
from .project import (
    DocEntry,
    Project,
    chrome_name,
    is_chrome,
)
from .sources import file_name, stem
from .unit import Unit


class ExtractReport:
    """What `extract` did (a plain class: this module is imported by every command)."""

    def __init__(self) -> None:
        self.documents = 0
        self.units = 0
        self.written: list[str] = []
        self.merges: dict[str, MergeReport] = {}
        self.orphans: list[str] = []  # catalogues of bulletins that are gone
        self.removed: list[str] = []  # what --prune removed


def orphans(project: Project, entries: list[DocEntry]) -> list[Path]:
    """Catalogues and templates left by a bulletin that is gone (or with no template at
    all): they translate nothing the site shows."""
    found: list[Path] = []
    # A catalogue whose bulletin is there is no orphan, template or not (catalogues a
    # team brings before the first extract, which merges them).
    known = {entry.name for entry in entries} | {
        stem(path.name) for path in (project.sources() if project.bulletins.is_dir() else [])}
    for entry in entries:
        if is_chrome(entry.name):
            continue  # the chrome belongs to no one bulletin (an empty one is kept)
        if not (project.bulletins / file_name(project.bulletins, entry.name)).is_file():
            found.append(entry.template)
            paths = (project.catalogue(entry.name, lang) for lang in project.languages)
            found += [path for path in paths if path.is_file()]
    if project.locales.is_dir():
        for folder in sorted(p for p in project.locales.iterdir() if p.is_dir()):
            found += [p for p in sorted(folder.glob("*.po")) if p.stem not in known]
    return found


class _Plan(NamedTuple):
    """One file extract writes (or removes: `catalogue` None), and what it must still
    hold on disk to be replaced: what was read from it (None: it was absent)."""

    path: Path
    catalogue: Catalogue | None
    expect: Seen | None


def _load(path: Path) -> tuple[Catalogue | None, Seen | None]:
    if not path.exists() and not path.is_symlink():
        return None, None
    found = catalog.load(path)
    return found, found.seen


def _merges(project: Project, pot: Catalogue, name: str, src: str,
            report: ExtractReport) -> list[_Plan]:
    """The template merged into every target language's catalogue (planned, not written)."""
    config = project.config
    plans: list[_Plan] = []
    for lang in project.languages:
        if lang == src:
            continue
        po_path = project.catalogue(name, lang)
        old, seen = _load(po_path)
        po, merge = catalog.update(pot, old, lang, config.name, name)
        report.merges[project.shown(po_path)] = merge
        plans.append(_Plan(po_path, po, seen))
    return plans


def _kept_chrome(project: Project, previous: Catalogue | None, read: set[str]) -> list[Unit]:
    """The chrome units of bulletins this run did not read (a partial extract), with the
    references to them; a bulletin read again brings its own, and one that is gone no
    longer holds a unit in place."""
    if previous is None:
        return []
    kept = []
    for unit in previous.units:
        refs = [r for r in unit.references if (where := r.rsplit(":", 1)[0]) not in read
                and (project.root / where).is_file()]
        if refs and not unit.obsolete:
            kept.append(unit.clone(references=refs))
    return kept


def _changes_file(plan: _Plan) -> bool:
    assert plan.catalogue is not None
    return plan.expect is None or digest(catalog.encoded(plan.catalogue)) != plan.expect.digest


def _first_reference(unit: Unit) -> tuple[str, int]:
    where, _, line = unit.references[0].rpartition(":")
    return (where, int(line)) if line.isdigit() else (unit.references[0], 0)


def extract(project: Project, docs: list[str] | None = None, source_lang: str | None = None,
            progress: Callable[[str], None] | None = None, learn: bool = True,
            prune: bool = False) -> ExtractReport:
    """Segment sources, write each template, merge it into every language's catalogue.

    Everything is read and computed before the first write, and every file is
    written as one (`fsutil.Changes`), so a bad input or a failed write leaves every
    file as it was. A catalogue someone saved while extract worked is never replaced by
    the copy extract read: extract reads and merges again (a few times at most), so the
    newer translations are kept. Afterwards the TM learns the catalogues that changed
    (by content hash). With `prune`, the catalogues of bulletins that are gone are
    removed, once the TM has learnt them (it keeps their translations).
    """
    for attempt in range(1, RETRIES + 1):
        report = ExtractReport()
        project.rescan()  # the documents as they are now, on every attempt
        try:
            return _extract(project, report, docs, source_lang, progress, learn, prune)
        except StaleError:
            if attempt == RETRIES:
                raise
        finally:
            project.rescan()  # templates may have been written
    raise AssertionError("unreachable")


RETRIES = 3  # reads of the project when files keep changing under extract


def _extract(project: Project, report: ExtractReport, docs: list[str] | None,
             source_lang: str | None, progress: Callable[[str], None] | None, learn: bool,
             prune: bool) -> ExtractReport:
    config = project.config
    entries = project.documents()
    left = orphans(project, entries)
    if prune:
        for path in left:
            catalog.load(path)  # a broken one is refused before anything is removed
    else:
        report.orphans = [project.shown(p) for p in left]
    known = {d.name: d for d in entries}
    plans: list[_Plan] = []
    chrome: dict[str, list[Unit]] = {e.source_language: [] for e in entries
                                     if e.name == chrome_name(e.source_language)}
    read: set[str] = set()
    for path in project.sources(docs):
        if progress:
            progress(project.shown(path))
        document = project.load_document(path, source_lang)
        units = document.units()
        report.documents += 1
        src = document.source_language
        read.add(document.ref_path)
        found = document.chrome_units()
        if found or src in chrome:
            chrome.setdefault(src, []).extend(found)
        old_entry = known.get(document.name)
        if old_entry is not None and old_entry.source_language != src:
            # The document changed source language: its old template goes, its catalogues stay.
            plans.append(_Plan(old_entry.template, None, _load(old_entry.template)[1]))
        pot_path = project.template(document.name, src)
        previous, seen = _load(pot_path)
        pot = catalog.build_template(units, document.name, document.ref_path, config.name, src,
                                     document.source_hash, previous)
        plans.append(_Plan(pot_path, pot, seen))
        report.units += len(pot)  # units as status counts them: one per (source, context)
        plans += _merges(project, pot, document.name, src, report)
    for src, units in sorted(chrome.items()):
        name = chrome_name(src)
        pot_path = project.template(name, src)
        previous, seen = _load(pot_path)
        every = sorted(_kept_chrome(project, previous, read) + units, key=_first_reference)
        pot = catalog.build_template(every, name, None, config.name, src, None, previous)
        plans.append(_Plan(pot_path, pot, seen))
        plans += _merges(project, pot, name, src, report)
    changes = Changes()
    for plan in plans:
        if plan.catalogue is None:
            changes.remove(plan.path, plan.expect)
            report.written.append(project.shown(plan.path))
        elif _changes_file(plan):
            changes.write(plan.path, catalog.encoded(plan.catalogue), plan.expect)
            report.written.append(project.shown(plan.path))
    changes.commit()
    if learn or (prune and left):
        from .memory import open_store
        from .memory.learn import learn_project

        store = open_store(project)
        try:
            learn_project(project, store)
        finally:
            store.close()
    if prune:
        for path in left:
            path.unlink(missing_ok=True)
            report.removed.append(project.shown(path))
    return report

