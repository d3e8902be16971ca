"""Which units changed on disk: the locales folder polled (file states, then the units of
a file that changed compared with what was last seen), for the event stream."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .editor import Editor, _stamp


class Watcher:
    """`scan()` reads again every file whose state changed since the last scan: the editor
    then tells which of its units changed (`Editor.on_changed`); a file the editor had
    never read comes back as an event naming all its units. A new or removed document is
    an event too."""

    def __init__(self, editor: Editor):
        self.editor = editor
        self._stamps: dict[Path, tuple[int, int, int] | None] = {}
        self._names: set[str] = set()
        self._started = False
        self.scan()  # what is there at start is no change (only file states are read)

    def _files(self) -> list[tuple[Path, str, str]]:
        found = []
        locales = self.editor.project.locales
        for lang in self.editor.project.languages:
            folder = locales / lang
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if entry.name.endswith((".po", ".pot")):
                            doc = entry.name.rsplit(".", 1)[0]
                            found.append((folder / entry.name, doc, lang))
            except OSError:
                continue
        return found

    def scan(self) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        files = self._files()
        names = {doc for _, doc, _ in files}
        if self._started and names != self._names:
            events.append({"kind": "documents"})
        self._names = names
        present = set()
        for path, doc, lang in files:
            present.add(path)
            stamp = _stamp(path)
            if self._stamps.get(path, ()) == stamp:
                continue
            self._stamps[path] = stamp
            if not self._started:
                continue
            if self.editor.cached(path) is None:
                # Not read by anyone yet: every unit is news (figures, other pages).
                loaded = self.editor.load(path)
                events.append({"kind": "units", "document": doc, "lang": lang,
                               "ids": sorted(loaded.by_id), "error": loaded.error})
            else:
                self.editor.load(path)  # the editor tells what changed (on_changed)
        for path in set(self._stamps) - present:
            del self._stamps[path]
        self._started = True
        return events
