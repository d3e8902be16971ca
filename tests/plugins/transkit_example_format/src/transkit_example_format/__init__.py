"""An exchange format for transkit: tab-separated translations, one pair a line, the first
line naming the languages (`#langs ca fr`); tabs, newlines and backslashes escaped as
\\t, \\n and \\\\. Only transkit's documented shape is used (README, "Extending transkit")."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from transkit.errors import InputError
from transkit.exchange import Bitext
from transkit.unit import Unit

_ESCAPES = {"t": "\t", "n": "\n", "\\": "\\"}


def _unescape(text: str, path: Path, line: int) -> str:
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        code = next(chars, "")
        if code not in _ESCAPES:
            raise InputError(f"unknown escape \\{code}", path, line)
        out.append(_ESCAPES[code])
    return "".join(out)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


class TabSeparated:
    name = "tsv"
    suffixes = (".tsv",)
    description = "tab-separated pairs (example plug-in)"

    def read(self, path: Path, source_lang: str | None = None) -> Iterator[Bitext]:
        lines = path.read_text("utf-8").split("\n")
        head = lines[0].split()
        if len(head) != 3 or head[0] != "#langs":
            raise InputError("the first line must be `#langs SOURCE TARGET`", path, 1)
        bitext = Bitext(head[1], head[2], doc=path.stem, original=path.name, line=1)
        for number, line in enumerate(lines[1:], 2):
            if not line:
                continue
            source, tab, target = line.partition("\t")
            if not tab:
                raise InputError("expected SOURCE<TAB>TARGET", path, number)
            bitext.units.append(Unit(_unescape(source, path, number),
                                     _unescape(target, path, number), line=number))
        yield bitext

    def write(self, bitexts: Iterable[Bitext], path: Path, **options: Any) -> int:
        lines: list[str] = []
        count = 0
        for bitext in bitexts:
            if not lines:
                lines.append(f"#langs {bitext.source} {bitext.target}")
            for unit in bitext.units:
                if unit.translated:
                    lines.append(f"{_escape(unit.msgid)}\t{_escape(unit.msgstr)}")
                    count += 1
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tsv-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
        os.replace(temporary, path)
        return count
