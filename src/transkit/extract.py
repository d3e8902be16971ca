"""`transkit extract`: segment the bulletins, write each document's template and merge it
into every language's catalogue; then the TM learns what changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import catalog
from .catalog import Catalogue, MergeReport
from .config import Config
from .project import (
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


def extract(config: Config, docs: list[str] | None = None, source_lang: str | None = None,
            progress: Callable[[str], None] | None = None, learn: bool = True) -> ExtractReport:
    """Segment sources, write each template, merge it into every language's catalogue.

    Everything is read and computed before the first write, so a bad input
    leaves every file as it was. Afterwards the TM learns the catalogues that
    changed (by content hash).
    """
    report = ExtractReport()
    known = {d.name: d for d in discover(config)}
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
    if learn:
        from .tm import open_store
        from .tm.learn import learn_project

        store = open_store(config)
        try:
            learn_project(config, store)
        finally:
            store.close()
    return report

