"""What the editor shows and saves, without HTTP: a document's units in every language,
a translator's save (one catalogue model, the project lock, the text the editor started
from), the checks' findings, memory and machine suggestions, and who changed a line."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import catalog
from ..catalog import Catalogue
from ..errors import InputError, LockedError, TranskitError
from ..fsutil import StaleError
from ..project import DocEntry, Project
from ..unit import FUZZY, TRANSLATED, Unit

SAVE_LOCK_WAIT = 10.0  # seconds a save waits for another transkit holding the project lock
_LEGEND = re.compile(r"^<([gx]\d+)/?> = (.*)$")


class EditorError(TranskitError):
    """A request the editor refuses: `status` is the HTTP status the API answers with;
    `details` goes into the JSON body as it is."""

    def __init__(self, status: int, message: str, details: dict[str, Any] | None = None,
                 path: Path | str | None = None, line: int | None = None):
        super().__init__(message, path, line)
        self.status = status
        self.details = details or {}


def unit_id(unit: Unit) -> str:
    """A unit's id in URLs: stable while its source and context are (16 hex digits)."""
    key = f"{unit.msgctxt or ''}\x04{unit.msgid}".encode()
    return hashlib.sha256(key).hexdigest()[:16]


def legend(unit: Unit) -> list[dict[str, str]]:
    """What each placeholder stands for, from the template's `#. <g1> = <a href=…>` notes."""
    found = []
    for note in unit.extracted_comments:
        match = _LEGEND.match(note)
        if match:
            found.append({"name": match.group(1), "means": match.group(2)})
    return found


def notes(unit: Unit) -> list[str]:
    return [n for n in unit.extracted_comments if not _LEGEND.match(n)]


@dataclass
class Loaded:
    """A catalogue as last read (or the reason it could not be), by its file's state."""

    stamp: tuple[int, int, int] | None  # inode, size, mtime_ns; None: no file
    catalogue: Catalogue | None
    error: str | None  # `path:line: reason` of a broken file
    by_id: dict[str, Unit] = field(default_factory=dict)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    import os

    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


class Editor:
    """The project as the editor sees it. Thread-safe: reads are cached per file state,
    saves are serialised in the process and, across processes, by the project lock."""

    def __init__(self, project: Project, engines: list[str] | None = None):
        config = project.config
        self.project = project
        self.config = project.config
        self.engine_names = sorted(set(config.mt.engines) | set(engines or []))
        self._cache: dict[Path, Loaded] = {}
        self._cache_lock = threading.Lock()
        self._save_lock = threading.Lock()
        self._docs: tuple[float, list[DocEntry]] | None = None
        self._findings: dict[str, tuple[tuple[Any, ...], dict[str, dict[str, list[Any]]]]] = {}
        self._blame: dict[Path, tuple[tuple[int, int, int] | None, dict[int, tuple[str, str]]]]
        self._blame = {}
        self._glossary: Any = None
        self._units: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {}
        self._units_json: dict[str, tuple[dict[str, Any], bytes]] = {}
        # Told of the units of a file that changed (path, ids, the file's error if broken).
        self.on_changed: Callable[[Path, list[str], str | None], None] | None = None

    # -- documents ----------------------------------------------------------------------
    def documents(self) -> list[DocEntry]:
        import time

        now = time.monotonic()
        if self._docs is None or now - self._docs[0] > 1.0:
            self.project.rescan()  # documents come and go while the editor runs
            self._docs = (now, self.project.documents())
        return self._docs[1]

    def document(self, name: str) -> DocEntry:
        if ".." in name or "/" in name or "\\" in name or "\x00" in name:
            raise EditorError(400, f"document name {name!r} is refused (a path, or '..')")
        for entry in self.documents():
            if entry.name == name:
                return entry
        raise EditorError(404, f"no document named {name!r} (run `transkit extract`)")

    def targets(self, doc: DocEntry) -> list[str]:
        return [lang for lang in self.project.languages if lang != doc.source_language]

    def language(self, doc: DocEntry, lang: str) -> str:
        if lang not in self.targets(doc):
            raise EditorError(404, f"{lang!r} is not a target language of {doc.name} "
                                   f"({', '.join(self.targets(doc))})")
        return lang

    def cached(self, path: Path) -> Loaded | None:
        with self._cache_lock:
            return self._cache.get(path)

    def load(self, path: Path) -> Loaded:
        """The catalogue at `path`, read again only when the file changed; a file read
        again tells `on_changed` which units changed (text or state) since the last read."""
        stamp = _stamp(path)
        with self._cache_lock:
            cached = self._cache.get(path)
            if cached is not None and cached.stamp == stamp:
                return cached
        if stamp is None:
            loaded = Loaded(None, None, None)
        else:
            try:
                po = catalog.load(path)
                loaded = Loaded(stamp, po, None, {unit_id(u): u for u in po.active()})
            except InputError as exc:
                exc.path = self.project.shown(Path(exc.path)) if exc.path else None
                loaded = Loaded(stamp, None, str(exc))
        self._remember(path, loaded)
        return loaded

    def _remember(self, path: Path, loaded: Loaded) -> None:
        """Cache `loaded` for `path`; tell `on_changed` which units differ from before."""
        with self._cache_lock:
            before = self._cache.get(path)
            self._cache[path] = loaded
        if before is not None and before.stamp != loaded.stamp and self.on_changed is not None:
            old = {uid: (u.msgstr, u.state) for uid, u in before.by_id.items()}
            new = {uid: (u.msgstr, u.state) for uid, u in loaded.by_id.items()}
            changed = sorted(uid for uid in set(old) | set(new) if old.get(uid) != new.get(uid))
            if changed or loaded.error is not None or before.error is not None:
                self.on_changed(path, changed, loaded.error)

    def template(self, doc: DocEntry) -> Loaded:
        loaded = self.load(doc.template)
        if loaded.error is not None:
            raise EditorError(422, loaded.error)
        if loaded.catalogue is None:
            raise EditorError(404, f"{self.project.shown(doc.template)}: no template")
        return loaded

    # -- reading --------------------------------------------------------------------------
    def units_json(self, name: str) -> bytes:
        """`units(name)` as JSON, serialised once per state of the document's files."""
        data = self.units(name)
        cached = self._units_json.get(name)
        if cached is None or cached[0] is not data:
            cached = (data, json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                      .encode("utf-8"))
            self._units_json[name] = cached
        return cached[1]

    def units(self, name: str, ids: set[str] | None = None) -> dict[str, Any]:
        """A document's units, each with the source and every target language (built again
        only when one of its files changed)."""
        doc = self.document(name)
        paths = [doc.template, *(self.project.catalogue(doc.name, lang)
                                 for lang in self.targets(doc))]
        key = tuple(_stamp(p) for p in paths)
        cached = self._units.get(doc.name)
        if cached is None or cached[0] != key:
            cached = (key, self._build_units(doc))
            self._units[doc.name] = cached
        data = cached[1]
        if ids is None:
            return data
        return {**data, "units": [u for u in data["units"] if u["id"] in ids]}

    def _build_units(self, doc: DocEntry) -> dict[str, Any]:
        template = self.template(doc)
        assert template.catalogue is not None
        langs = self.targets(doc)
        per_lang = {lang: self.load(self.project.catalogue(doc.name, lang)) for lang in langs}
        errors = {lang: loaded.error for lang, loaded in per_lang.items() if loaded.error}
        missing = [lang for lang, loaded in per_lang.items() if loaded.stamp is None]
        blame = {lang: self.blame(self.project.catalogue(doc.name, lang)) for lang in langs
                 if not errors.get(lang)}
        units = []
        for index, source in enumerate(template.catalogue.active()):
            uid = unit_id(source)
            targets: dict[str, Any] = {}
            for lang, loaded in per_lang.items():
                found = loaded.by_id.get(uid)
                if found is None:
                    targets[lang] = None
                    continue
                targets[lang] = self._target(found, blame.get(lang, {}))
            units.append({"id": uid, "index": index, "source": source.msgid,
                          "context": source.msgctxt, "legend": legend(source),
                          "notes": notes(source), "references": source.references,
                          "terms": self.terms(source.msgid, doc.source_language, langs),
                          "targets": targets})
        return {"document": doc.name, "source_language": doc.source_language,
                "languages": langs, "units": units,
                "errors": {lang: error for lang, error in errors.items()},
                "missing": {lang: self.project.shown(self.project.catalogue(doc.name,
                                                                      lang))
                            for lang in missing}}

    def _target(self, unit: Unit, blame: dict[int, tuple[str, str]]) -> dict[str, Any]:
        from ..text import diff_words

        data: dict[str, Any] = {"text": unit.msgstr, "state": unit.state, "line": unit.line,
                                "provenance": None}
        provenance = unit.provenance
        if provenance is not None:
            data["provenance"] = f"{provenance[0]} {provenance[1]}".strip()
        if unit.msgid_plural is not None:
            data["plural"] = True
        if unit.fuzzy and unit.previous_msgid is not None:
            data["previous_source"] = unit.previous_msgid
            data["diff"] = [[tag, text] for tag, text in
                            diff_words(unit.previous_msgid, unit.msgid)]
        changed = _changed(blame, unit.line)
        if changed is not None:
            data["author"], data["date"] = changed
        return data

    def documents_data(self) -> dict[str, Any]:
        """Every document with its figures per language (`status.as_data`'s rows)."""
        from ..status import as_data, compute_status

        entries = self.documents()  # first: the project's documents as they are now
        data = as_data(compute_status(self.project, want_missing=False), by_doc=True)
        documents = []
        for entry in entries:
            row: dict[str, Any] = {"name": entry.name, "source_language": entry.source_language,
                                   "languages": {}}
            for lang in self.targets(entry):
                figures = data["languages"].get(lang, {}).get("documents", {}).get(entry.name)
                if figures is not None:
                    row["languages"][lang] = {k: figures[k] for k in (
                        "units", "translated", "fuzzy", "untranslated", "percent", "problem")}
            documents.append(row)
        return {"project": self.config.name, "documents": documents,
                "languages": {lang: {k: v for k, v in entry.items() if k != "documents"}
                              for lang, entry in data["languages"].items()}}

    # -- saving ---------------------------------------------------------------------------
    def save(self, name: str, uid: str, lang: str, text: str, state: str, base: str,
             translator: str) -> dict[str, Any]:
        """Write one translation. `base` is the text the editor started from: when the file
        holds another one now, nothing is written (409, both versions in the details)."""
        doc = self.document(name)
        self.language(doc, lang)
        if state not in (TRANSLATED, FUZZY):
            raise EditorError(400, "state must be \"translated\" or \"fuzzy\"")
        if not text.strip():
            raise EditorError(400, "an empty translation cannot be saved (the unit stays "
                                   "untranslated)")
        path = self.project.catalogue(doc.name, lang)
        with self._save_lock:
            try:
                with self.project.lock(wait=True, timeout=SAVE_LOCK_WAIT):
                    saved = self._save_locked(doc, path, uid, lang, text, state, base,
                                              translator)
            except LockedError as exc:
                raise EditorError(503, str(exc.message)) from None
        return saved

    def _save_locked(self, doc: DocEntry, path: Path, uid: str, lang: str, text: str,
                     state: str, base: str, translator: str) -> dict[str, Any]:
        shown = self.project.shown(path)
        before = _stamp(path)
        if before is None:
            raise EditorError(404, f"{shown}: no catalogue (run `transkit extract`)")
        po = self._fresh(path, shown)
        index = next((i for i, u in enumerate(po.units)
                      if not u.obsolete and unit_id(u) == uid), None)
        if index is None:
            raise EditorError(404, f"no unit {uid} in {shown} (extracted again meanwhile?)")
        unit = po.units[index] = po.units[index].clone()  # readers keep the one they have
        if unit.msgid_plural is not None:
            raise EditorError(400, f"{shown}:{unit.line}: plural entries are edited in the "
                                   "PO file")
        for edge, where in ((str.startswith, "begin"), (str.endswith, "end")):
            if edge(text, "\n") != edge(unit.msgid, "\n"):
                raise EditorError(400, f"the translation must {where} with a newline exactly "
                                       f"when the source does (msgfmt refuses the file "
                                       "otherwise): nothing was written")
        if unit.msgstr != base:
            raise EditorError(409, f"{shown}:{unit.line}: changed on disk since the editor "
                                   "read it: nothing was written", {
                                       "yours": text, "theirs": unit.msgstr,
                                       "theirs_state": unit.state, "base": base})
        if unit.msgstr != text:
            unit.set_provenance(None)  # a person's text now, whatever drafted the old one
        unit.msgstr = text
        unit.set_fuzzy(state == FUZZY)
        if state == TRANSLATED:
            unit.previous_msgid = unit.previous_msgctxt = unit.previous_msgid_plural = None
        po.metadata["Last-Translator"] = translator
        po.metadata["PO-Revision-Date"] = catalog.now()
        po.has_header = True
        try:
            catalog.save(po, path)
        except StaleError as exc:
            exc.path = shown
            raise EditorError(409, str(exc), {"yours": text, "theirs": None,
                                              "base": base}) from None
        except InputError as exc:  # what no PO file can hold (a NUL, a lone surrogate)
            exc.path = shown
            raise EditorError(400, str(exc)) from None
        self._saved(path, po)
        target = self._target(unit, {})
        self._patch_units(doc, lang, before, po, uid, target)
        return {"id": uid, "lang": lang, "path": shown, "target": target}

    def _patch_units(self, doc: DocEntry, lang: str, before: tuple[int, int, int],
                     po: Catalogue, uid: str, target: dict[str, Any]) -> None:
        """The document's answer with the saved unit's target replaced (new dicts: readers
        keep theirs), when it was built from the file this save replaced: a large
        catalogue is not read and serialised again after each save."""
        cached = self._units.get(doc.name)
        index = 1 + self.targets(doc).index(lang)
        if cached is None or cached[0][index] != before or po.seen is None:
            return
        key = list(cached[0])
        key[index] = (po.seen.ino, po.seen.size, po.seen.mtime_ns)
        units = [dict(u, targets={**u["targets"], lang: target}) if u["id"] == uid else u
                 for u in cached[1]["units"]]
        self._units[doc.name] = (tuple(key), {**cached[1], "units": units})

    def _fresh(self, path: Path, shown: str) -> Catalogue:
        """The catalogue as it is on disk now, as a copy this save may change: the cached
        parse when the file is still what was read (same inode, size, time), else read
        afresh. Readers keep the copy they hold."""
        import copy

        stamp = _stamp(path)
        cached = self.cached(path)
        if (cached is not None and cached.catalogue is not None and cached.stamp == stamp
                and cached.catalogue.seen is not None):
            po = copy.copy(cached.catalogue)
            po.units = list(po.units)
            po.metadata = dict(po.metadata)
            return po
        try:
            return catalog.load(path)
        except InputError as exc:
            exc.path = shown
            raise EditorError(422, str(exc)) from None

    def _saved(self, path: Path, po: Catalogue) -> None:
        """What a save wrote becomes the cached catalogue (no second parse), and readers
        are told which unit changed."""
        assert po.seen is not None
        self._remember(path, Loaded((po.seen.ino, po.seen.size, po.seen.mtime_ns), po, None,
                                    {unit_id(u): u for u in po.active()}))

    # -- checks ---------------------------------------------------------------------------
    def findings(self, name: str) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """The checks' findings of a document (cross-language ones too), by unit id and
        language; run again only when one of its files changed."""
        from ..checks import run_checks

        doc = self.document(name)
        paths = [doc.template, *(self.project.catalogue(doc.name, lang)
                                 for lang in self.project.languages)]
        key = tuple(_stamp(p) for p in paths)
        cached = self._findings.get(doc.name)
        if cached is not None and cached[0] == key:
            return cached[1]
        report = run_checks(self.project, None, [doc.name])
        lines: dict[str, dict[int, str]] = {}
        sources: dict[str, str] = {}
        for lang in self.targets(doc):
            loaded = self.load(self.project.catalogue(doc.name, lang))
            lines[lang] = {u.line: i for i, u in loaded.by_id.items()}
            sources.update({u.msgid: i for i, u in loaded.by_id.items()})
        found: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for finding in report.findings:
            lang = finding.lang or ""
            # By source first: the cached parse of a file the editor wrote keeps the line
            # numbers it was read with.
            uid = sources.get(finding.source) if finding.source is not None else None
            if uid is None:
                uid = lines.get(lang, {}).get(finding.line or -1)
            if uid is None:
                continue
            found.setdefault(uid, {}).setdefault(lang, []).append({
                "check": finding.check, "severity": finding.severity,
                "message": finding.message})
        self._findings[doc.name] = (key, found)
        return found

    # -- who changed a line ----------------------------------------------------------------
    def blame(self, path: Path) -> dict[int, tuple[str, str]]:
        """Line → (author, date) of the commit that last changed it (git blame; {} when the
        file is not in a git work tree). Read again only when the file changed."""
        stamp = _stamp(path)
        cached = self._blame.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        lines: dict[int, tuple[str, str]] = {}
        if stamp is not None:
            lines = _git_blame(path)
        self._blame[path] = (stamp, lines)
        return lines

    # -- glossary -------------------------------------------------------------------------
    def _terms(self) -> Any:
        from ..glossary import load_glossary

        if self._glossary is None:
            self._glossary = load_glossary(self.project.root, self.config.allow_outside)
        return self._glossary

    def terms(self, source: str, source_lang: str, langs: list[str]) -> list[dict[str, Any]]:
        """The glossary's terms in a source text, each with its forms in `langs` (a term
        not to translate keeps its form in every language)."""
        from ..glossary import term_pattern
        from ..languages import primary

        glossary = self._terms()
        found: list[dict[str, Any]] = []
        if not glossary.terms and not glossary.keep:
            return found
        for term in glossary.terms:
            form = term.forms.get(primary(source_lang), "")
            if form and term_pattern(form).search(source):
                found.append({"term": form, "translations": {
                    lang: term.forms.get(primary(lang), "") for lang in langs}})
        for keep in glossary.keep:
            if term_pattern(keep).search(source):
                found.append({"term": keep, "translations": {lang: keep for lang in langs}})
        return found

    def glossary_terms(self, source: str, source_lang: str, lang: str) -> list[dict[str, str]]:
        return [{"term": t["term"], "translation": t["translations"][lang]}
                for t in self.terms(source, source_lang, [lang])]


def _changed(blame: dict[int, tuple[str, str]], line: int) -> tuple[str, str] | None:
    """The latest change among the lines of the entry that starts at `line` (msgid …
    msgstr: the next few lines)."""
    best: tuple[str, str] | None = None
    for number in range(line, line + 8):
        found = blame.get(number)
        if found is not None and (best is None or found[1] > best[1]):
            best = found
    return best


def _git_blame(path: Path) -> dict[int, tuple[str, str]]:
    try:
        result = subprocess.run(["git", "-C", str(path.parent), "blame", "--line-porcelain",
                                 "--", path.name], stdin=subprocess.DEVNULL,
                                capture_output=True, check=False, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if result.returncode != 0:
        return {}
    from datetime import UTC, datetime

    lines: dict[int, tuple[str, str]] = {}
    author = when = ""
    number = 0
    uncommitted = False
    for raw in result.stdout.decode("utf-8", "replace").split("\n"):
        if raw.startswith("\t"):
            if not uncommitted:
                lines[number] = (author, when)
            continue
        head, _, rest = raw.partition(" ")
        if len(head) == 40 and rest:
            uncommitted = head == "0" * 40
            number = int(rest.split()[1])
        elif head == "author":
            author = rest
        elif head == "author-time":
            when = datetime.fromtimestamp(int(rest), UTC).strftime("%Y-%m-%d %H:%M")
    return lines
