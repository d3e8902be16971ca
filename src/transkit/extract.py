"""`transkit extract`: segment the bulletins, write each document's template and merge it
into every language's catalogue; then the TM learns what changed."""

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
    discover,
    load_document,
    relative,
    template_path,
)


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
        if not (config.bulletins / f"{entry.name}.html").is_file():
            found.append(entry.template)
            paths = (catalog_path(config, entry.name, lang) for lang in config.languages)
            found += [path for path in paths if path.is_file()]
    if config.locales.is_dir():
        for folder in sorted(p for p in config.locales.iterdir() if p.is_dir()):
            found += [p for p in sorted(folder.glob("*.po")) if p.stem not in known]
    return found


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
    for path in bulletin_paths(config, docs):
        if progress:
            progress(relative(config, path))
        document = load_document(config, path, source_lang)
        units = document.units()
        report.documents += 1
        src = document.source_language
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
        for lang in config.languages:
            if lang == src:
                continue
            po_path = catalog_path(config, document.name, lang)
            old = catalog.load(po_path) if po_path.exists() else None
            po, merge = catalog.update(pot, old, lang, config.name, document.name)
            report.merges[relative(config, po_path)] = merge
            plans.append((po_path, po, "po"))
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

