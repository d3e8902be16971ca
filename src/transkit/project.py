"""Where documents and catalogues live: discovery, selections (`catalogues`), document
names, and the project lock."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
def project_lock(config: Config, wait: bool = True,
                 on_wait: Callable[[str], None] | None = None,
                 timeout: float | None = None) -> Iterator[None]:
    """Held by every command that writes. A second writer waits (bounded, saying what it
    waits for), as CI jobs sharing a workspace expect; with `wait=False` it fails at once.
    `timeout` bounds the wait below TRANSKIT_LOCK_TIMEOUT (the editor's saves)."""
    import filelock

    config.state.mkdir(parents=True, exist_ok=True)
    path = config.state / "lock"
    holder = config.state / "lock.holder"
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


def linked(config: Config, path: Path) -> Path:
    """`path` when it is no symbolic link, or a link that stays in the project (or the
    user allowed outside places); a link leading out, or a loop, is refused."""
    if path.is_symlink():
        confine(config.root, path, config.allow_outside)
    return path


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


def bulletin_paths(config: Config, docs: list[str] | None = None) -> list[Path]:
    if not config.bulletins.is_dir():
        raise InputError("no bulletins folder", config.bulletins)
    from . import sources

    paths = sorted(p for p in config.bulletins.iterdir()
                   if sources.is_source(p) and regular(linked(config, p)))
    if docs:
        wanted: list[Path] = []
        for doc in docs:
            candidate = Path(doc)
            if sources.is_source(candidate) and candidate.exists():
                wanted.append(candidate.resolve())
                continue
            path = config.bulletins / sources.file_name(config.bulletins,
                                                        sources.stem(candidate.name))
            if not path.is_file():
                raise InputError(f"no bulletin named {doc!r}", config.bulletins)
            wanted.append(path)
        return wanted
    return paths


def relative(config: Config, path: Path) -> str:
    """A project path as the user sees it (`locales/fr/doc.po`); cheap, no filesystem calls
    for paths built from the configuration."""
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def template_path(config: Config, doc: str, source_lang: str) -> Path:
    return config.locales / source_lang / f"{doc}.pot"


def catalog_path(config: Config, doc: str, lang: str) -> Path:
    return config.locales / lang / f"{doc}.po"


class DocEntry(NamedTuple):
    """A document as the locales folder knows it: its template and source language."""

    name: str
    source_language: str
    template_file: str  # absolute path as a string: discovery runs on every `status`

    @property
    def template(self) -> Path:
        return Path(self.template_file)


def discover(config: Config) -> list[DocEntry]:
    """Documents by their templates (locales/<src>/<doc>.pot)."""
    found: dict[str, DocEntry] = {}
    if not config.locales.is_dir():
        if config.locales.exists():
            raise InputError("is a file, expected the locales folder", config.locales)
        return []
    # os.scandir, not pathlib: status walks thousands of catalogues and must stay cheap.
    locales = str(config.locales)
    with os.scandir(locales) as folders:
        entries = list(folders)
    for item in entries:
        if item.is_symlink():
            linked(config, Path(item.path))
        if item.name in config.languages and not item.is_dir():
            raise InputError("is a file, expected a language folder", Path(item.path))
    lang_dirs = sorted(d.name for d in entries if d.is_dir())
    for lang in lang_dirs:
        with os.scandir(f"{locales}/{lang}") as files:
            pots = [f for f in files if f.name.endswith(".pot")]
        for item in pots:
            if item.is_symlink():
                linked(config, Path(item.path))
            if not item.is_file():
                raise InputError("is a folder, expected a template file", Path(item.path))
        names = sorted(f.name for f in pots)
        for name in names:
            stem = name[:-4]
            if stem in found:
                raise InputError(f"two templates for document {stem!r} "
                                 f"({relative(config, found[stem].template)})",
                                 config.locales / lang / name)
            found[stem] = DocEntry(stem, lang, f"{locales}/{lang}/{name}")
    return [found[k] for k in sorted(found)]


def check_languages(config: Config, langs: list[str] | None) -> list[str]:
    """The project's languages, or those of `langs` (each must be one of them)."""
    for lang in langs or []:
        if lang not in config.languages:
            raise InputError(f"language {lang!r} is not one of the project's languages "
                             f"({', '.join(config.languages)})")
    return [lang for lang in config.languages if not langs or lang in langs]


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
    """One target-language catalogue of an extracted document (the file may not exist)."""

    doc: DocEntry
    lang: str
    path: Path

    @property
    def name(self) -> str:
        return self.doc.name

    @property
    def source_language(self) -> str:
        return self.doc.source_language


def catalogues(config: Config, langs: list[str] | None = None, docs: list[str] | None = None,
               missing: bool = False) -> list[CatalogueRef]:
    """Every (document, target language) catalogue of the selection, in document then
    language order; the source language is skipped, and so are files that do not exist
    unless `missing`. Unknown languages or documents are errors."""
    languages = check_languages(config, langs)
    found: list[CatalogueRef] = []
    for doc in select_documents(discover(config), docs):
        for lang in languages:
            if lang == doc.source_language:
                continue
            path = linked(config, catalog_path(config, doc.name, lang))
            if missing or path.exists():
                found.append(CatalogueRef(doc, lang, path))
    return found


def load_document(config: Config, path: Path, source_lang: str | None = None) -> Document:
    from . import sources  # the adapter (lxml, the segmenter): only for commands that parse

    if source_lang is not None:
        check_language(source_lang)
    doc = sources.read(path, doc_name(path), relative(config, path), config.extract,
                       config.source_language, source_lang)
    if doc.source_language not in config.languages:
        raise InputError(
            f"source language {doc.source_language!r} is not one of the project's languages "
            f"({', '.join(config.languages)})", path)
    return doc
