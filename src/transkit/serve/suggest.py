"""Suggestions for one unit: the memory's matches (`Store.lookup`) and a draft from every
configured engine; and the memory learning what the editor saves. The memory lives in one
thread of its own (an SQLite connection stays in the thread that opened it)."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from ..errors import TranskitError
from ..project import Project

ENGINE_TIMEOUT = 20.0  # seconds one engine may take for one draft
MEMORY_TIMEOUT = 60.0  # the first lookup may learn the whole project first
LEARN_AFTER = 2.0  # seconds: saves to one file within this time are learnt together


class Suggestions:
    def __init__(self, project: Project, engines: list[str]):
        self.project = project
        self.config = project.config
        self.engine_names = engines
        self._memory_thread = ThreadPoolExecutor(1, thread_name_prefix="transkit-memory")
        self._engine_threads = ThreadPoolExecutor(4, thread_name_prefix="transkit-engine")
        self._store: Any = None
        self._memory_error: str | None = None
        self._drivers: dict[str, Any] = {}
        self._driver_errors: dict[str, str] = {}
        self._driver_lock = threading.Lock()
        self._drafts: dict[tuple[str, str, str, str], str] = {}
        self._pending: set[Path] = set()
        self._pending_lock = threading.Lock()
        self._timers: list[threading.Timer] = []
        self._closed = False

    def close(self) -> None:
        self._closed = True
        for timer in self._timers:
            if timer.is_alive():
                timer.cancel()
                timer.function(*timer.args)  # what was saved is learnt before the end
        self._memory_thread.submit(self._close_store)
        self._memory_thread.shutdown(wait=True, cancel_futures=True)
        self._engine_threads.shutdown(wait=False, cancel_futures=True)
        for driver in self._drivers.values():
            try:
                driver.close()
            except Exception:  # closing what ends anyway: nothing to report to anyone
                pass

    # -- the memory (its own thread) ---------------------------------------------------
    def _open(self) -> Any:
        if self._store is None and self._memory_error is None:
            from ..memory import open_store
            from ..memory.learn import learn_project

            try:
                self._store = open_store(self.project)
                learn_project(self.project, self._store)
            except TranskitError as exc:
                self._memory_error = str(exc)
            except Exception as exc:  # a database fault: shown beside the suggestions
                self._memory_error = f"translation memory: {' '.join(str(exc).split())}"
        return self._store

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def learn(self, path: Path, source_lang: str, lang: str, doc: str) -> None:
        """Learn a catalogue the editor saved (as `learn_project` learns a file), a moment
        later: a translator's run of saves to one file is learnt once."""
        with self._pending_lock:
            if path in self._pending or self._closed:
                return
            self._pending.add(path)
            timer = threading.Timer(LEARN_AFTER, self._learn_now,
                                    (path, source_lang, lang, doc))
            timer.daemon = True
            self._timers = [t for t in self._timers if t.is_alive()] + [timer]
            timer.start()

    def _learn_now(self, path: Path, source_lang: str, lang: str, doc: str) -> None:
        with self._pending_lock:
            self._pending.discard(path)
        try:
            self._memory_thread.submit(self._learn, path, source_lang, lang, doc)
        except RuntimeError:  # the memory's thread has ended: nothing more is learnt
            pass

    def _learn(self, path: Path, source_lang: str, lang: str, doc: str) -> None:
        from .. import catalog
        from ..fsutil import file_sha256
        from ..memory.learn import entries_from_po

        store = self._open()
        if store is None:
            return
        key = self.project.shown(path)
        try:
            st = os.stat(path)
            entries = entries_from_po(catalog.load(path), source_lang, lang, doc)
            digest = file_sha256(path)
        except (OSError, TranskitError):
            return  # changed again or broken meanwhile: the next save or `tm learn` learns it
        with store.transaction():
            store.forget_file(key)
            store.learn(entries, key)
            store.set_file_hash(key, digest, st.st_mtime_ns, st.st_size)

    def memory(self, text: str, source_lang: str, lang: str) -> tuple[list[dict[str, Any]],
                                                                       str | None]:
        future = self._memory_thread.submit(self._lookup, text, source_lang, lang)
        try:
            return future.result(MEMORY_TIMEOUT)
        except FutureTimeout:
            return [], "translation memory: no answer in time"

    def _lookup(self, text: str, source_lang: str, lang: str
                ) -> tuple[list[dict[str, Any]], str | None]:
        store = self._open()
        if store is None:
            return [], self._memory_error
        try:
            store.refresh()
            matches = store.lookup(text, source_lang, lang, self.config.tm.threshold, 5)
        except TranskitError as exc:
            return [], str(exc)
        return [{"kind": "memory", "score": m.score, "text": m.proposal, "source": m.source,
                 "origin": m.origin, "doc": m.doc, "reason": m.reason} for m in matches], None

    # -- machine drafts ------------------------------------------------------------------
    def _driver(self, name: str) -> Any:
        with self._driver_lock:
            if name in self._drivers:
                return self._drivers[name]
            if name in self._driver_errors:
                return None
            from ..engines.registry import open_engine

            try:
                driver = open_engine(self.config, name)
            except TranskitError as exc:
                self._driver_errors[name] = str(exc)
                return None
            self._drivers[name] = driver
            return driver

    def drafts(self, text: str, source_lang: str, lang: str) -> tuple[list[dict[str, Any]],
                                                                      list[str]]:
        """One draft per configured engine that serves the pair; what failed, as lines."""
        futures = {name: self._engine_threads.submit(self._draft, name, text, source_lang,
                                                     lang)
                   for name in self.engine_names}
        found: list[dict[str, Any]] = []
        problems: list[str] = []
        for name, future in futures.items():
            try:
                draft = future.result(ENGINE_TIMEOUT)
            except FutureTimeout:
                problems.append(f"MT engine {name}: no answer within {ENGINE_TIMEOUT:g} s")
                continue
            except TranskitError as exc:
                problems.append(str(exc))
                continue
            if isinstance(draft, str):
                found.append({"kind": "machine", "engine": name, "text": draft})
            elif draft is not None:
                problems.append(draft[0])
        return found, problems

    def _draft(self, name: str, text: str, source_lang: str, lang: str
               ) -> str | tuple[str] | None:
        key = (name, source_lang, lang, text)
        if key in self._drafts:
            return self._drafts[key]
        driver = self._driver(name)
        if driver is None:
            return (self._driver_errors.get(name, f"MT engine {name} cannot be opened"),)
        if not driver.allowed(lang) or not driver.supports(source_lang, lang):
            return None
        from ..engines import Request
        from ..sources import inline

        results = driver.translate([Request(text)], source_lang, lang)
        draft = str(results[0].text)
        try:
            inline.validate(draft, {n: kind for kind, n in inline.numbers(text)})
        except inline.PlaceholderError as exc:
            return (f"MT engine {name}: placeholders broken in its draft ({exc})",)
        self._drafts[key] = draft
        return draft
