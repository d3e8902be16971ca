"""The status cache under .transkit/cache: per-file figures keyed by (mtime, size), the
project fingerprint that makes a warm `status` open no catalogue, and the last check's
counts."""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any

from .fsutil import atomic_write_bytes
from .project import DocEntry, Project
from .sources import file_name

CACHE_VERSION = 8  # 4: counts as msgfmt counts them (the one reader); 5: fuzzy words;
# 6: lines of merge conflicts; 7: bulletin digests of the NFC text (text.source_digest);
# 8: records with named fields (a cache of an older version is rebuilt, never read)

class Cache:
    """Per-file figures keyed by (mtime, size). The lists of missing units live in a second
    file, read only when a caller asks for them, so a warm `status` stays small."""

    def __init__(self, project: Project, enabled: bool):
        folder = project.state / "cache"
        self.path = folder / "status.marshal"
        self.missing_path = folder / "status-missing.marshal"
        self.summary_path = folder / "status-summary.marshal"
        self.enabled = enabled
        # Per file: {"mtime_ns", "size", "stats": `FileStats.to_json()`}; per bulletin:
        # {"mtime_ns", "size", "digest"}; missing units: [line, source, fuzzy] per file.
        self._files: dict[str, dict[str, Any]] | None = None
        self._sources: dict[str, dict[str, Any]] = {}
        self._missing: dict[str, list[Any]] | None = None
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
    def files(self) -> dict[str, dict[str, Any]]:
        if self._files is None:
            self._load_files()
        assert self._files is not None
        return self._files

    @property
    def sources(self) -> dict[str, dict[str, Any]]:
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
            data = marshal.loads(path.read_bytes())
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError, EOFError, TypeError):
            return {}

    @property
    def missing(self) -> dict[str, list[Any]]:
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
                atomic_write_bytes(self.missing_path, marshal.dumps(
                    {"version": CACHE_VERSION, "files": self._missing}))
            atomic_write_bytes(self.path, marshal.dumps(
                {"version": CACHE_VERSION, "files": self.files, "sources": self.sources}))
        except OSError:
            pass  # a cache we cannot write only costs time


def discard_cache(project: Project) -> None:
    """Remove the status and check caches (they are rebuilt by the next run)."""
    folder = project.state / "cache"
    for name in ("status.marshal", "status-missing.marshal", "status-summary.marshal",
                 "check-summary.marshal"):
        try:
            (folder / name).unlink()
        except FileNotFoundError:
            pass
        except OSError:
            pass


def signature(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size)


def signatures(paths: list[str]) -> list[tuple[int, int] | None]:
    """(mtime, size) of many files. Sequential on purpose: two threads measured slower
    (stat() is short and the threads convoy on the GIL)."""
    return [signature(p) for p in paths]


def bulletin_digest(path: str, limit: int) -> str:
    """The digest of a bulletin's text (`text.source_digest`), read from `path`."""
    from .fsutil import read_bytes
    from .text import source_digest

    return source_digest(read_bytes(Path(path), limit))


def uncached_sources(keys: list[str], project: Project, cache: Cache,
                     signatures: dict[str, tuple[int, int] | None]
                     ) -> list[tuple[str, tuple[int, int]]]:
    """The bulletins among `keys` whose digest `source_hash` would have to compute, with
    their (mtime, size)."""
    todo = []
    for key in keys:
        sig = signatures[key] if key in signatures else signature(f"{project.root}/{key}")
        hit = cache.sources.get(key)
        if sig is not None and (hit is None or hit["mtime_ns"] != sig[0]
                                or hit["size"] != sig[1]):
            todo.append((key, sig))
    return todo


def source_hash(key: str, project: Project, cache: Cache,
                 signatures: dict[str, tuple[int, int] | None]) -> str | None:
    config = project.config
    path = f"{project.root}/{key}"
    sig = signatures[key] if key in signatures else signature(path)
    if sig is None:
        return None
    hit = cache.sources.get(key)
    if hit is not None and hit["mtime_ns"] == sig[0] and hit["size"] == sig[1]:
        return str(hit["digest"])
    digest = bulletin_digest(path, config.extract.max_file_bytes)
    cache.sources[key] = {"mtime_ns": sig[0], "size": sig[1], "digest": digest}
    cache.dirty = True
    return digest



def _inputs_of_checks(project: Project, fingerprint: str) -> str:
    """The status fingerprint plus transkit.toml and the glossary, which checks also read."""
    extra = [project.config_file, *sorted(project.glossary.glob("*"))]
    return fingerprint + "\n" + "\n".join(
        f"{p.name} {sig[0]} {sig[1]}" if (sig := signature(str(p))) else f"{p.name} -"
        for p in extra)


def fingerprint_of(project: Project, every: list[DocEntry]
                 ) -> tuple[dict[str, tuple[int, int] | None], str]:
    """(mtime, size) of every catalogue and bulletin a full status depends on, and all of
    them as one text: compared whole, not hashed (exact, and nothing to import)."""
    locales = project.shown(project.locales)
    bulletins = project.shown(project.bulletins)
    keys = [key for entry in every
            for key in files_of(entry, project.languages, locales, bulletins, project.root)]
    found = dict(zip(keys, signatures([f"{project.root}/{k}" for k in keys]), strict=True))
    return found, " ".join(project.languages) + "\n" + "\n".join(
        f"{key} {sig[0]} {sig[1]}" if sig else f"{key} -" for key, sig in found.items())


def projectfingerprint_of(project: Project) -> str:
    return fingerprint_of(project, project.documents())[1]


def save_findings(project: Project, counts: dict[str, dict[str, int]]) -> None:
    """Remember a full check's counts for `status` (until a file it read changes)."""
    path = project.state / "cache" / "check-summary.marshal"
    try:
        atomic_write_bytes(path, marshal.dumps({
            "version": CACHE_VERSION,
            "fingerprint": _inputs_of_checks(project, projectfingerprint_of(project)),
            "counts": counts}))
    except OSError:
        pass


def saved_findings(project: Project, fingerprint: str) -> dict[str, dict[str, int]] | None:
    path = project.state / "cache" / "check-summary.marshal"
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return None
    if data.get("fingerprint") != _inputs_of_checks(project, fingerprint):
        return None
    counts = data.get("counts")
    return counts if isinstance(counts, dict) else None


def files_of(entry: DocEntry, languages: list[str] | tuple[str, ...], locales: str,
              bulletins: str | None, root: Path | None = None) -> list[str]:
    keys = [f"{locales}/{entry.source_language}/{entry.name}.pot"]
    keys += [f"{locales}/{lang}/{entry.name}.po" for lang in languages
             if lang != entry.source_language]
    if bulletins is not None:
        keys.append(f"{bulletins}/{file_name((root or Path()) / bulletins, entry.name)}")
    return keys

