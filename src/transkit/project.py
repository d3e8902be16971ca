"""The project: its places resolved once from the configuration (`Project`), the
documents and catalogues found there, how a path is shown, the project lock; and the
rules of document names."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .config import Config

if TYPE_CHECKING:
    from .sources.html import Document
from .errors import InputError, LockedError
from .fsutil import confine
from .languages import check_language

_DOC_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


LOCK_TIMEOUT = 600.0  # seconds a writer waits for another (TRANSKIT_LOCK_TIMEOUT)


def lock_timeout() -> float:
    """TRANSKIT_LOCK_TIMEOUT: seconds, a finite number ≥ 0 (else an error naming it)."""
    import math

    raw = os.environ.get("TRANSKIT_LOCK_TIMEOUT", "").strip()
    if not raw:
        return LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        from .errors import ConfigError

        raise ConfigError(f"TRANSKIT_LOCK_TIMEOUT must be a number of seconds (0 or more), "
                          f"not {raw[:40]!r}")
    return value


@contextmanager
def _lock(state: Path, wait: bool = True, on_wait: Callable[[str], None] | None = None,
          timeout: float | None = None) -> Iterator[None]:
    import filelock

    state.mkdir(parents=True, exist_ok=True)
    path = state / "lock"
    holder = state / "lock.holder"
    timeout = lock_timeout() if timeout is None else min(timeout, lock_timeout())
    lock = filelock.FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        who = _holder(holder)
        if not wait or timeout <= 0:
            raise LockedError(f"the project is locked by {who}", path) from None
        if on_wait is not None:
            on_wait(f"waiting for the project lock, held by {who} (at most {timeout:g} s)")
        try:
            lock.acquire(timeout=timeout)
        except filelock.Timeout:
            raise LockedError(f"the project is still locked by {who} after {timeout:g} s",
                              path) from None
    try:
        _write_holder(holder)
        yield
    finally:
        holder.unlink(missing_ok=True)
        lock.release()


def _write_holder(holder: Path) -> None:
    import sys
    import time

    from .fsutil import atomic_write_text

    command = " ".join(["transkit", *sys.argv[1:3]])
    atomic_write_text(holder, f"{os.getpid()}\t{command}\t{time.strftime('%H:%M:%S')}\n")


def _holder(holder: Path) -> str:
    """Who holds the lock, as its holder wrote it: 'transkit extract (pid 123, since …)'."""
    try:
        pid, command, since = holder.read_text("utf-8").strip().split("\t")
        return f"{command} (pid {pid}, since {since})"
    except (OSError, ValueError):
        return "another transkit process"


# The chrome (text around the articles: site title, navigation, footer) is one document per
# source language, `_chrome-<lang>`: its leading '_' is refused in bulletin names, so it
# never meets a bulletin's.
CHROME_PREFIX = "_chrome-"


def chrome_name(source_lang: str) -> str:
    return f"{CHROME_PREFIX}{source_lang}"


def is_chrome(name: str) -> bool:
    return name.startswith(CHROME_PREFIX)


def doc_name(path: Path) -> str:
    return check_doc_name(path.stem, path)


def check_doc_name(name: str, where: Path | str | None = None) -> str:
    """A document name is one safe path segment: letters, digits, '.', '_' and '-',
    starting with a letter or digit (so never '..', a path or a hidden file)."""
    if not _DOC_NAME.fullmatch(name) or len(name) > 200:
        raise InputError(f"document name {name!r}: names may use letters, digits, '.', '_' "
                         "and '-' only, starting with a letter or digit", where)
    return name


def regular(path: Path) -> bool:
    """Whether `path` is a regular file (False: nothing there); a FIFO, device, socket or
    folder standing where a file is expected is refused, unopened."""
    import stat

    from .fsutil import kind_of

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return False
    except OSError as exc:
        from .fsutil import read_error

        raise read_error(exc, path) from None
    if not stat.S_ISREG(mode):
        raise InputError(f"is {kind_of(mode)}, expected a regular file", path)
    return True


class DocEntry(NamedTuple):
    """A document as the locales folder knows it: its template and source language."""

    name: str
    source_language: str
    template_file: str  # absolute path as a string: discovery runs on every `status`

    @property
    def template(self) -> Path:
        return Path(self.template_file)


def select_documents(entries: list[DocEntry], docs: list[str] | None) -> list[DocEntry]:
    """The extracted documents named in `docs` (all if none); unknown names are errors."""
    if not docs:
        return entries
    from .sources import stem

    names = {stem(d).removesuffix(".po") for d in docs}
    unknown = names - {e.name for e in entries}
    if unknown:
        raise InputError(f"no extracted document named {sorted(unknown)[0]!r} "
                         "(run `transkit extract`)")
    return [e for e in entries if e.name in names]


class CatalogueRef(NamedTuple):
    """One target-language catalogue of an extracted document (the file may not exist),
    with its path as the user sees it (`locales/fr/doc.po`)."""

    doc: DocEntry
    lang: str
    path: Path
    shown: str

    @property
    def name(self) -> str:
        return self.doc.name

    @property
    def source_language(self) -> str:
        return self.doc.source_language


class Project:
    """One project's places, resolved once from its configuration: the folders, where a
    document's template and catalogues are, the documents extracted (discovered once, on
    first use; `rescan` after writing templates), and how a path is shown to the user.
    Commands are given a `Project`; the settings stay in `project.config`."""

    __slots__ = ("config", "root", "config_file", "bulletins", "locales", "site", "site_root",
                 "state", "memory", "memory_folder", "glossary", "_resolved_root", "_documents")

    def __init__(self, config: Config):
        self.config = config
        self.root = config.root
        self.config_file = config.root / "transkit.toml"
        self.bulletins = config.bulletins
        self.locales = config.locales
        self.site = config.site
        self.site_root = config.site_root
        self.state = config.state
        self.memory = config.root / config.tm.path  # the SQLite memory (unless tm.url)
        self.memory_folder = config.root / "tm"  # TMX files the memory is saved to and learns
        self.glossary = config.root / "glossary"
        self._resolved_root: Path | None = None
        self._documents: list[DocEntry] | None = None

    @classmethod
    def load(cls, start: Path | None = None, allow_outside: bool | None = None) -> Project:
        """The project holding `start` (default: the working folder), its configuration
        read and checked."""
        from .config import load_config

        return cls(load_config(start, allow_outside))

    @property
    def languages(self) -> tuple[str, ...]:
        return self.config.languages

    # --- places ------------------------------------------------------------------------

    def shown(self, path: Path) -> str:
        """A project path as the user sees it (`locales/fr/doc.po`); no filesystem call for
        paths built from the project's places."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            pass
        if self._resolved_root is None:
            self._resolved_root = self.root.resolve()
        try:
            return path.resolve().relative_to(self._resolved_root).as_posix()
        except ValueError:
            return str(path)

    def template(self, doc: str, source_lang: str) -> Path:
        return self.locales / source_lang / f"{doc}.pot"

    def catalogue(self, doc: str, lang: str) -> Path:
        return self.locales / lang / f"{doc}.po"

    def linked(self, path: Path) -> Path:
        """`path` when it is no symbolic link, or a link that stays in the project (or the
        user allowed outside places); a link leading out, or a loop, is refused."""
        if path.is_symlink():
            confine(self.root, path, self.config.allow_outside)
        return path

    # --- languages ---------------------------------------------------------------------

    def language(self, lang: str, option: str = "language") -> str:
        """`lang` when it is one of the project's languages; else an error saying so, with
        the project language it probably means (`fra`, `French`, `fe` → fr). `option`
        names what gave it."""
        from .languages import suggest

        languages = self.config.languages
        if lang in languages:
            return lang
        meant = suggest(lang, languages)
        hint = f"; did you mean {meant!r}?" if meant else ""
        raise InputError(f"{option} {lang!r} is not one of the project's languages "
                         f"({', '.join(languages)}){hint}")

    def select_languages(self, langs: list[str] | None,
                         option: str = "language") -> list[str]:
        """The project's languages, or those of `langs` (each must be one of them)."""
        for lang in langs or []:
            self.language(lang, option)
        return [lang for lang in self.config.languages if not langs or lang in langs]

    # --- documents ---------------------------------------------------------------------

    def sources(self, docs: list[str] | None = None) -> list[Path]:
        """The bulletins (every file a source adapter reads), or those named in `docs`
        (a bulletin's name or a path to a bulletin file)."""
        if not self.bulletins.is_dir():
            raise InputError("no bulletins folder", self.bulletins)
        from . import sources

        if not docs:
            return sorted(p for p in self.bulletins.iterdir()
                          if sources.is_source(p) and regular(self.linked(p)))
        wanted: list[Path] = []
        for doc in docs:
            candidate = Path(doc)
            if sources.is_source(candidate) and candidate.exists():
                wanted.append(candidate.resolve())
                continue
            path = self.bulletins / sources.file_name(self.bulletins,
                                                      sources.stem(candidate.name))
            if not path.is_file():
                raise InputError(f"no bulletin named {doc!r}", self.bulletins)
            wanted.append(path)
        return wanted

    def load_document(self, path: Path, source_lang: str | None = None) -> Document:
        """The bulletin at `path`, read by its source adapter."""
        from . import sources  # the adapter (lxml, the segmenter): only for commands that parse

        if source_lang is not None:
            check_language(source_lang)
        config = self.config
        doc = sources.read(path, doc_name(path), self.shown(path), config.extract,
                           config.source_language, source_lang)
        if doc.source_language not in config.languages:
            raise InputError(
                f"source language {doc.source_language!r} is not one of the project's "
                f"languages ({', '.join(config.languages)})", path)
        return doc

    def documents(self) -> list[DocEntry]:
        """The extracted documents, by their templates (locales/<src>/<doc>.pot)."""
        if self._documents is None:
            self._documents = self._discover()
        return self._documents

    def rescan(self) -> None:
        """Forget the documents found: the next `documents()` looks again."""
        self._documents = None

    def _discover(self) -> list[DocEntry]:
        found: dict[str, DocEntry] = {}
        if not self.locales.is_dir():
            if self.locales.exists():
                raise InputError("is a file, expected the locales folder", self.locales)
            return []
        # os.scandir, not pathlib: status walks thousands of catalogues and must stay cheap.
        locales = str(self.locales)
        with os.scandir(locales) as folders:
            entries = list(folders)
        for item in entries:
            if item.is_symlink():
                self.linked(Path(item.path))
            if item.name in self.config.languages and not item.is_dir():
                raise InputError("is a file, expected a language folder", Path(item.path))
        for lang in sorted(d.name for d in entries if d.is_dir()):
            with os.scandir(f"{locales}/{lang}") as files:
                pots = [f for f in files if f.name.endswith(".pot")]
            for item in pots:
                if item.is_symlink():
                    self.linked(Path(item.path))
                if not item.is_file():
                    raise InputError("is a folder, expected a template file", Path(item.path))
            for name in sorted(f.name for f in pots):
                stem = name[:-4]
                if stem in found:
                    raise InputError(f"two templates for document {stem!r} "
                                     f"({self.shown(found[stem].template)})",
                                     self.locales / lang / name)
                found[stem] = DocEntry(stem, lang, f"{locales}/{lang}/{name}")
        return [found[k] for k in sorted(found)]

    def catalogues(self, langs: list[str] | None = None, docs: list[str] | None = None,
                   missing: bool = False) -> list[CatalogueRef]:
        """Every (document, target language) catalogue of the selection, in document then
        language order; the source language is skipped, and so are files that do not
        exist unless `missing`. Unknown languages or documents are errors."""
        languages = self.select_languages(langs)
        found: list[CatalogueRef] = []
        for doc in select_documents(self.documents(), docs):
            for lang in languages:
                if lang == doc.source_language:
                    continue
                path = self.linked(self.catalogue(doc.name, lang))
                if missing or path.exists():
                    found.append(CatalogueRef(doc, lang, path, self.shown(path)))
        return found

    # --- writing -----------------------------------------------------------------------

    def lock(self, wait: bool = True, on_wait: Callable[[str], None] | None = None,
             timeout: float | None = None) -> AbstractContextManager[None]:
        """Held by every command that writes. A second writer waits (bounded, saying what
        it waits for), as CI jobs sharing a workspace expect; with `wait=False` it fails at
        once. `timeout` bounds the wait below TRANSKIT_LOCK_TIMEOUT (the editor's saves)."""
        return _lock(self.state, wait, on_wait, timeout)
