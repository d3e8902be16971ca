"""Statistics of PO files for `status`: one fast pass per file, no full parse.

Kept apart from catalog.py so that `status` imports neither polib nor Babel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from .errors import InputError
from .fsutil import read_text
from .unit import plain_text

TEMPLATE_HEADER = "X-Transkit-Template"
SOURCE_HEADER = "X-Transkit-Source"
SOURCE_LANG_HEADER = "X-Transkit-Source-Language"


@lru_cache(maxsize=8192)
def count_words(text: str) -> int:
    """Words of a unit: whitespace-separated tokens once placeholders are removed.

    Cached: a document's template and its catalogues share their msgids, and
    `status` reads them one after the other."""
    return len((plain_text(text) if "<" in text else text).split())



@dataclass
class FileStats:
    """What `status` needs of one catalogue, from a single pass over its text."""

    units: int = 0
    words: int = 0
    translated: int = 0
    translated_words: int = 0
    fuzzy: int = 0
    fuzzy_words: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    missing: list[tuple[int, str, bool]] = field(default_factory=list)  # line, source, fuzzy

    def to_json(self) -> list[Any]:
        return [self.units, self.words, self.translated, self.translated_words, self.fuzzy,
                self.fuzzy_words, self.headers, self.missing]

    @classmethod
    def from_json(cls, data: list[Any]) -> FileStats:
        stats = cls(*data[:6])
        stats.headers = dict(data[6])
        stats.missing = [(int(m[0]), str(m[1]), bool(m[2])) for m in data[7]]
        return stats


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(.)")


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


# Headers status needs; the others are not kept in the statistics cache.
STATUS_HEADERS = frozenset({"Language", TEMPLATE_HEADER, SOURCE_HEADER, SOURCE_LANG_HEADER})

_ENTRY = re.compile(
    r'(?P<comments>(?:#[^\n]*\n|\n)*)'
    r'(?:msgctxt (?P<ctx>"[^\n]*"\n(?:"[^\n]*"\n)*))?'
    r'msgid (?P<id>"[^\n]*"\n(?:"[^\n]*"\n)*)'
    r'(?:msgid_plural "[^\n]*"\n(?:"[^\n]*"\n)*)?'
    r'(?P<strs>(?:msgstr(?:\[\d+\])? "[^\n]*"\n(?:"[^\n]*"\n)*)+)'
)
_TAIL = re.compile(r"(?:#[^\n]*\n|\n)*\Z")
_MSGSTR = re.compile(r'msgstr(?:\[\d+\])? ')
_HAS_TEXT = re.compile(r'"[^"\n]')


def _joined(block: str) -> str:
    """The value of quoted PO lines ('"a"\n"b"\n' -> 'ab'), unescaped."""
    return _unescape(block[1:-2].replace('"\n"', ""))


def scan_stats(path: Path | str) -> FileStats:
    """Count units, words, translated and fuzzy entries of a PO/POT file.

    The fast path matches whole entries with one regular expression over the
    file, as gettext lays them out; any text it cannot account for sends the
    file to the strict line scanner, which reports malformed input as
    `file:line: reason`, like the full parser.
    """
    text = read_text(Path(path))
    if not text.endswith("\n"):
        text += "\n"
    stats = FileStats()
    pos = 0
    line = 1
    line_pos = 0
    for match in _ENTRY.finditer(text):
        if match.start() != pos:
            return _scan_strict(Path(path), text)
        pos = match.end()
        comments = match.group("comments")
        raw_id = match.group("id")
        source = _joined(raw_id)
        strs = match.group("strs")
        if source == "" and match.group("ctx") is None:
            for header in _joined(strs[strs.index('"'):]).split("\n"):
                name, sep, value = header.partition(":")
                if sep and name.strip() in STATUS_HEADERS:
                    stats.headers[name.strip()] = value.strip()
            continue
        words = count_words(source)
        stats.units += 1
        stats.words += words
        fuzzy = False
        if "fuzzy" in comments:
            live = comments.rsplit("#~", 1)[-1]
            fuzzy = any(ln.startswith("#,") and "fuzzy" in ln for ln in live.split("\n"))
        if "msgstr[" in strs:
            done = all(_HAS_TEXT.search(form) for form in _MSGSTR.split(strs)[1:])
        else:
            done = _HAS_TEXT.search(strs) is not None
        if done and not fuzzy:
            stats.translated += 1
            stats.translated_words += words
            continue
        id_pos = match.start("id")
        line += text.count("\n", line_pos, id_pos)
        line_pos = id_pos
        if done:
            stats.fuzzy += 1
            stats.fuzzy_words += words
        stats.missing.append((line, source, done))
    if not _TAIL.match(text, pos):
        return _scan_strict(Path(path), text)
    return stats


class Record(NamedTuple):
    """One active entry, as the checks need it."""

    msgctxt: str | None
    msgid: str
    msgstr: str
    flags: tuple[str, ...]
    line: int  # of the msgid keyword
    plural: bool


def read_records(path: Path | str) -> tuple[dict[str, str], list[Record]] | None:
    """Header fields and active entries of a PO file in one regex pass, or None when the
    file is laid out in a way the fast path does not follow (use the full parser then)."""
    text = read_text(Path(path))
    if not text.endswith("\n"):
        text += "\n"
    headers: dict[str, str] = {}
    records: list[Record] = []
    pos = 0
    line = 1
    line_pos = 0
    for match in _ENTRY.finditer(text):
        if match.start() != pos:
            return None
        pos = match.end()
        comments = match.group("comments")
        source = _joined(match.group("id"))
        strs = match.group("strs")
        raw_ctx = match.group("ctx")
        if source == "" and raw_ctx is None:
            for header in _joined(strs[strs.index('"'):]).split("\n"):
                name, sep, value = header.partition(":")
                if sep:
                    headers[name.strip()] = value.strip()
            continue
        if "#~" in comments:
            comments = comments.rsplit("#~", 1)[-1].split("\n", 1)[-1]
        flags: tuple[str, ...] = ()
        if "#," in comments:
            flags = tuple(f.strip() for ln in comments.split("\n") if ln.startswith("#,")
                          for f in ln[2:].split(",") if f.strip())
        id_pos = match.start("id")
        line += text.count("\n", line_pos, id_pos)
        line_pos = id_pos
        plural = "msgstr[" in strs
        target = "" if plural else _joined(strs[strs.index('"'):])
        records.append(Record(_joined(raw_ctx) if raw_ctx is not None else None, source,
                              target, flags, line, plural))
    if not _TAIL.match(text, pos):
        return None
    return headers, records


def _scan_strict(path: Path, text: str) -> FileStats:
    """The line-by-line scanner: slower, but says where a malformed file goes wrong."""
    stats = FileStats()
    fuzzy = False
    field_name = ""  # which string the continuation lines extend
    msgid: list[str] = []
    msgstrs: list[list[str]] = []
    ctxt = False
    entry_line = 0
    in_entry = False

    def finish() -> None:
        nonlocal fuzzy, msgid, msgstrs, in_entry, ctxt
        if in_entry:
            source = _unescape("".join(msgid))
            if not msgstrs:
                raise InputError("entry has no msgstr", path, entry_line)
            if source == "" and not ctxt:
                for line in _unescape("".join(msgstrs[0])).split("\n"):
                    name, sep, value = line.partition(":")
                    if sep and name.strip() in STATUS_HEADERS:
                        stats.headers[name.strip()] = value.strip()
            else:
                words = count_words(source)
                stats.units += 1
                stats.words += words
                done = all(msgstrs) and all("".join(s) for s in msgstrs)
                if fuzzy and done:
                    stats.fuzzy += 1
                    stats.fuzzy_words += words
                    stats.missing.append((entry_line, source, True))
                elif done:
                    stats.translated += 1
                    stats.translated_words += words
                else:
                    stats.missing.append((entry_line, source, False))
        fuzzy = False
        msgid = []
        msgstrs = []
        ctxt = False
        in_entry = False

    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        first = line[0]
        if first == '"':
            if not field_name or len(line) < 2 or line[-1] != '"':
                raise InputError("unexpected string continuation", path, number)
            value = line[1:-1]
            if field_name == "msgid":
                msgid.append(value)
            elif field_name == "msgstr":
                msgstrs[-1].append(value)
            continue
        if first == "#":
            if msgstrs:
                finish()
            field_name = "skip"
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("#~"):
                field_name = ""
            continue
        keyword, _, rest = line.partition(" ")
        rest = rest.strip()
        if len(rest) < 2 or rest[0] != '"' or rest[-1] != '"':
            raise InputError(f"expected a quoted string after {keyword!r}", path, number)
        value = rest[1:-1]
        if keyword == "msgctxt":
            if msgstrs:
                finish()
            in_entry, ctxt, field_name = True, True, "skip"
            entry_line = number
        elif keyword == "msgid":
            if msgstrs:
                finish()
            if not in_entry:
                entry_line = number
            in_entry = True
            msgid = [value]
            field_name = "msgid"
        elif keyword == "msgid_plural":
            field_name = "skip"
        elif keyword == "msgstr" or keyword.startswith("msgstr["):
            if not in_entry:
                raise InputError("msgstr without msgid", path, number)
            msgstrs.append([value])
            field_name = "msgstr"
        else:
            raise InputError(f"unknown keyword {keyword!r}", path, number)
    finish()
    return stats
