"""`transkit tm migrate`: copy a translation memory between backends (SQLite file ⇄
PostgreSQL server), in batches of whole units, each batch in one transaction of the
destination together with the progress mark — so an interrupted copy resumes where it
stopped, and running it again later copies only the units added since."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .store import Entry, Store


@dataclass
class MigrateReport:
    units: int = 0
    variants: int = 0
    files: int = 0
    resumed_after: int = 0


def progress_key(source: Store) -> str:
    from ..redact import redact_url as redact

    return "migrated-from:" + redact(source.locator)


def migrate(source: Store, dest: Store, batch: int = 1000,
            progress: Callable[[int], None] | None = None) -> MigrateReport:
    key = progress_key(source)
    after = int(dest.get_meta(key) or 0)
    report = MigrateReport(resumed_after=after)
    while True:
        units = source.units_after(after, batch)
        if not units:
            break
        with dest.transaction():
            report.variants += dest.learn([Entry(variants) for _, variants in units])
            after = units[-1][0]
            dest.set_meta(key, str(after))
        report.units += len(units)
        if progress:
            progress(report.units)
    # What each file taught is now in the destination: learning stays incremental there.
    states = source.file_states()
    with dest.transaction():
        for path, digest, mtime, size in states:
            dest.set_file_hash(path, digest, mtime, size)
    report.files = len(states)
    return report
