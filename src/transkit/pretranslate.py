"""Pre-translation: fill empty catalogue entries from the translation memory.

Exact human matches fill the entry (fuzzy with --exact-as-fuzzy); fuzzy matches
fill it as fuzzy, with the match's source as previous msgid and a translator
comment `TM 87% (doc, reason)`. A translated or fuzzy entry is never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polib

from . import catalog
from .config import Config
from .errors import InputError
from .project import discover, relative
from .tm.learn import learn_project, neighbour_context
from .tm.store import Store


@dataclass
class PretranslateReport:
    exact: int = 0
    fuzzy: int = 0
    none: int = 0
    exact_words: int = 0
    fuzzy_words: int = 0
    none_words: int = 0
    written: list[str] = field(default_factory=list)


def _comment(existing: str, line: str) -> str:
    kept = [x for x in (existing or "").splitlines() if not x.startswith(("TM ", "MT "))]
    return "\n".join([*kept, line])


def pretranslate(config: Config, store: Store, langs: list[str] | None = None,
                 docs: list[str] | None = None, threshold: int | None = None,
                 exact_as_fuzzy: bool | None = None, dry_run: bool = False,
                 progress: Callable[[int], None] | None = None) -> PretranslateReport:
    threshold = config.tm.threshold if threshold is None else threshold
    if not 1 <= threshold <= 100:
        raise InputError("--threshold must be between 1 and 100")
    as_fuzzy = config.tm.exact_as_fuzzy if exact_as_fuzzy is None else exact_as_fuzzy
    for lang in langs or []:
        if lang not in config.languages:
            raise InputError(f"language {lang!r} is not one of the project's languages")
    entries = discover(config)
    if docs:
        names = {d.removesuffix(".html").removesuffix(".po") for d in docs}
        missing = names - {e.name for e in entries}
        if missing:
            raise InputError(f"no extracted document named {sorted(missing)[0]!r}")
        entries = [e for e in entries if e.name in names]
    learn_project(config, store)
    report = PretranslateReport()
    plans: list[tuple[Path, polib.POFile]] = []
    for doc in entries:
        for lang in config.languages:
            if lang == doc.source_language or (langs and lang not in langs):
                continue
            path = config.locales / lang / f"{doc.name}.po"
            if not path.exists():
                continue
            po = catalog.load(path)
            active = [e for e in po if not e.obsolete]
            changed = False
            for index, entry in enumerate(active):
                if entry.msgstr or entry.msgid_plural or "fuzzy" in entry.flags:
                    continue
                words = catalog.count_words(entry.msgid)
                found = store.lookup(entry.msgid, doc.source_language, lang, threshold, 1,
                                     neighbour_context(active, index))
                if progress:
                    progress(1)
                if not found:
                    report.none += 1
                    report.none_words += words
                    continue
                match = found[0]
                where = match.doc or "TM"
                if match.score >= 100:
                    report.exact += 1
                    report.exact_words += words
                    entry.msgstr = match.proposal
                    label = "in context" if match.score == 101 else "exact"
                    entry.tcomment = _comment(entry.tcomment, f"TM {match.score}% ({where}, "
                                              f"{label})")
                    if as_fuzzy:
                        entry.flags.append("fuzzy")
                else:
                    report.fuzzy += 1
                    report.fuzzy_words += words
                    entry.msgstr = match.proposal
                    entry.flags.append("fuzzy")
                    entry.previous_msgid = match.source
                    entry.tcomment = _comment(entry.tcomment,
                                              f"TM {match.score}% ({where}, {match.reason})")
                changed = True
            if changed:
                plans.append((path, po))
    if not dry_run:
        for path, po in plans:
            if catalog.save(po, path):
                report.written.append(relative(config, path))
        if plans:
            learn_project(config, store)
    return report


def count_pending(config: Config, langs: list[str] | None, docs: list[str] | None) -> int:
    """Empty entries pre-translation would look at (for a progress bar)."""
    from .report import compute_status

    status = compute_status(config, langs, docs, want_missing=False)
    return sum(d.untranslated for d in status.docs() if not d.source)
