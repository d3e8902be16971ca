"""`transkit extract`: segment the bulletins, write each document's template and merge it
into every language's catalogue; the same for the chrome (the text around the articles,
one template per source language shared by every bulletin); then the TM learns what
changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import catalog
from .catalog import Catalogue, MergeReport
from .config import Config
from .project import (
    DocEntry,
    bulletin_paths,
    catalog_path,
    chrome_name,
    discover,
    is_chrome,
    load_document,
    relative,
    template_path,
)
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


def orphans(config: Config, entries: list[DocEntry]) -> list[Path]:
    """Catalogues and templates left by a bulletin that is gone (or with no template at
    all): they translate nothing the site shows."""
    found: list[Path] = []
    known = {entry.name for entry in entries}
    for entry in entries:
        if is_chrome(entry.name):
            continue  # the chrome belongs to no one bulletin (an empty one is kept)
        if not (config.bulletins / f"{entry.name}.html").is_file():
            found.append(entry.template)
            paths = (catalog_path(config, entry.name, lang) for lang in config.languages)
            found += [path for path in paths if path.is_file()]
    if config.locales.is_dir():
        for folder in sorted(p for p in config.locales.iterdir() if p.is_dir()):
            found += [p for p in sorted(folder.glob("*.po")) if p.stem not in known]
    return found


def _merges(config: Config, pot: Catalogue, name: str, src: str,
            report: ExtractReport) -> list[tuple[Path, Catalogue | None, str]]:
    """The template merged into every target language's catalogue (planned, not written)."""
    plans: list[tuple[Path, Catalogue | None, str]] = []
    for lang in config.languages:
        if lang == src:
            continue
        po_path = catalog_path(config, name, lang)
        old = catalog.load(po_path) if po_path.exists() else None
        po, merge = catalog.update(pot, old, lang, config.name, name)
        report.merges[relative(config, po_path)] = merge
        plans.append((po_path, po, "po"))
    return plans


def _kept_chrome(config: Config, previous: Catalogue | None, read: set[str]) -> list[Unit]:
    """The chrome units of bulletins this run did not read (a partial extract), with the
    references to them; a bulletin read again brings its own, and one that is gone no
    longer holds a unit in place."""
    if previous is None:
        return []
    kept = []
    for unit in previous.units:
        refs = [r for r in unit.references if (where := r.rsplit(":", 1)[0]) not in read
                and (config.root / where).is_file()]
        if refs and not unit.obsolete:
            kept.append(unit.clone(references=refs))
    return kept


def _first_reference(unit: Unit) -> tuple[str, int]:
    where, _, line = unit.references[0].rpartition(":")
    return (where, int(line)) if line.isdigit() else (unit.references[0], 0)


def extract(config: Config, docs: list[str] | None = None, source_lang: str | None = None,
            progress: Callable[[str], None] | None = None, learn: bool = True,
            prune: bool = False) -> ExtractReport:
    """Segment sources, write each template, merge it into every language's catalogue.

    Everything is read and computed before the first write, so a bad input
    leaves every file as it was. Afterwards the TM learns the catalogues that
    changed (by content hash). With `prune`, the catalogues of bulletins that are
    gone are removed, once the TM has learnt them (it keeps their translations).
    """
    report = ExtractReport()
    entries = discover(config)
    left = orphans(config, entries)
    if prune:
        for path in left:
            catalog.load(path)  # a broken one is refused before anything is removed
    else:
        report.orphans = [relative(config, p) for p in left]
    known = {d.name: d for d in entries}
    plans: list[tuple[Path, Catalogue | None, str]] = []
    chrome: dict[str, list[Unit]] = {e.source_language: [] for e in entries
                                     if e.name == chrome_name(e.source_language)}
    read: set[str] = set()
    for path in bulletin_paths(config, docs):
        if progress:
            progress(relative(config, path))
        document = load_document(config, path, source_lang)
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
            plans.append((old_entry.template, None, "remove"))
        pot_path = template_path(config, document.name, src)
        previous = catalog.load(pot_path) if pot_path.exists() else None
        pot = catalog.build_template(units, document.name, document.ref_path, config.name, src,
                                     document.source_hash, previous)
        plans.append((pot_path, pot, "pot"))
        report.units += len(pot)  # units as status counts them: one per (source, context)
        plans += _merges(config, pot, document.name, src, report)
    for src, units in sorted(chrome.items()):
        name = chrome_name(src)
        pot_path = template_path(config, name, src)
        previous = catalog.load(pot_path) if pot_path.exists() else None
        every = sorted(_kept_chrome(config, previous, read) + units, key=_first_reference)
        pot = catalog.build_template(every, name, None, config.name, src, None, previous)
        plans.append((pot_path, pot, "pot"))
        plans += _merges(config, pot, name, src, report)
    for path, planned, kind in plans:
        if kind == "remove":
            path.unlink(missing_ok=True)
            report.written.append(relative(config, path))
        elif planned is not None and catalog.save(planned, path):
            report.written.append(relative(config, path))
    if learn or (prune and left):
        from .tm import open_store
        from .tm.learn import learn_project

        store = open_store(config)
        try:
            learn_project(config, store)
        finally:
            store.close()
    if prune:
        for path in left:
            path.unlink(missing_ok=True)
            report.removed.append(relative(config, path))
    return report

