"""The one PO reader and writer: strict as GNU gettext's msgfmt, laid out as msgcat writes.

`parse` accepts what msgfmt accepts (a UTF-8 BOM and CRLF line ends tolerated) and
refuses everything else with `file:line: reason`; `dumps` writes gettext's layout and
line wrapping (libunistring's breaks, through unicode-segmentation-rs's `gettext_wrap`),
escaping what gettext escapes plus every character that would break a line for tools
that split on Unicode line separators (U+2028, U+2029, U+0085, control characters).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError
from ..unit import Unit
from .model import Catalogue

# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------

# A quoted string: escapes are checked when the value is decoded.
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f",
                   "v": "\v", "\\": "\\", '"': '"'}
_ESCAPE = re.compile(r"\\(?:([ntrabfv\\\"])|([0-7]{1,3})|x([0-9A-Fa-f]+)|(.))")
_KEYWORDS = frozenset({"msgctxt", "msgid", "msgid_plural", "msgstr"})
_WHITESPACE = " \t\f\v\r"


class _Fault(Exception):
    def __init__(self, reason: str, line: int):
        super().__init__(reason)
        self.reason = reason
        self.line = line


def _unescape(raw: str, line: int) -> str:
    if "\\" not in raw:
        return raw
    as_bytes = False

    def one(match: re.Match[str]) -> str:
        nonlocal as_bytes
        simple, octal, hexa, bad = match.groups()
        if simple is not None:
            return _SIMPLE_ESCAPES[simple]
        if bad is not None:
            raise _Fault(f"invalid control sequence '\\{bad}'", line)
        value = int(octal, 8) if octal is not None else int(hexa, 16)
        if value > 0xFF:
            raise _Fault("escape sequence out of range", line)
        if value < 0x80:
            return chr(value)
        as_bytes = True
        return chr(0xDC00 + value)  # a byte, as surrogateescape spells it

    text = _ESCAPE.sub(one, raw)
    if as_bytes:
        # Octal and hex escapes stand for bytes of the file's encoding (UTF-8).
        try:
            text = text.encode("utf-8", "surrogateescape").decode("utf-8")
        except UnicodeError:
            raise _Fault("escape sequences do not form valid UTF-8", line) from None
    return text


class _Entry:
    """The pieces of one entry as its lines arrive."""

    __slots__ = ("unit", "field", "seen", "plural_index", "obsolete", "waiting")

    def __init__(self) -> None:
        self.unit = Unit("")
        self.field: str | None = None  # where continuation strings go
        self.seen: list[str] = []  # keywords of the entry, in order
        self.plural_index = -1
        self.obsolete: bool | None = None  # whether its keyword lines were `#~`
        self.waiting = 0  # line of a keyword still waiting for its first string

    @property
    def complete(self) -> bool:
        return bool(self.seen) and self.seen[-1].startswith("msgstr")


def _decode(data: bytes, path: Path | str) -> str:
    text: str | None = None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        charset = _declared_charset(data)
        if charset is None or charset.replace("-", "").lower() in ("utf8", "charset"):
            line = data.count(b"\n", 0, exc.start) + 1
            raise InputError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", path,
                             line) from None
        try:
            text = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            raise InputError(f"cannot decode as its declared charset {charset!r}",
                             path, 1) from None
    return text


_CHARSET = re.compile(rb"charset=([A-Za-z0-9_.:-]+)")


def _declared_charset(data: bytes) -> str | None:
    found = _CHARSET.search(data[:4096])
    return found.group(1).decode("ascii") if found else None


def parse(data: bytes | str, path: Path | str = "<string>") -> Catalogue:
    """A catalogue from the bytes of a PO or POT file; `InputError(path, line)` otherwise."""
    text = _decode(data, path) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    try:
        return _parse(text, path)
    except _Fault as fault:
        raise InputError(fault.reason, path, fault.line) from None


def _parse(text: str, path: Path | str) -> Catalogue:
    catalogue = Catalogue()
    units: list[Unit] = []
    keys: dict[tuple[bool, str, str | None], int] = {}
    header: list[Unit] = []
    entry = _Entry()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()

    def finish() -> None:
        nonlocal entry
        unit = entry.unit
        unit.obsolete = bool(entry.obsolete)
        if unit.is_header and not header and not units and not unit.obsolete:
            header.append(unit)
        else:
            key = (unit.obsolete, unit.msgid, unit.msgctxt)
            first = keys.get(key) or (header[0].line if unit.is_header and header and
                                      not unit.obsolete else None)
            if first is not None:
                raise _Fault(f"duplicate message definition (first defined at line {first})",
                             unit.line)
            keys[key] = unit.line
            units.append(unit)
        entry = _Entry()

    def strings(rest: str, number: int) -> list[str]:
        """The quoted strings of a line's remainder (none if it is empty)."""
        found: list[str] = []
        pos = 0
        size = len(rest)
        while True:
            while pos < size and rest[pos] in _WHITESPACE:
                pos += 1
            if pos >= size:
                return found
            if rest[pos] != '"':
                raise _Fault("syntax error", number)
            match = _STRING.match(rest, pos)
            if match is None:
                raise _Fault("end-of-line within string", number)
            found.append(_unescape(match.group(1), number))
            pos = match.end()

    def append(field: str, values: list[str]) -> None:
        if not values:
            return
        value = "".join(values)
        unit = entry.unit
        if field.startswith("msgstr["):
            index = int(field[7:-1])
            unit.msgstr_plural[index] += value
        else:
            setattr(unit, field, getattr(unit, field) + value)

    def continuation(body: str, number: int, obsolete: bool) -> None:
        field = entry.field
        if field is None or (entry.obsolete is not None and field[:9] != "previous_"
                             and entry.obsolete != obsolete):
            raise _Fault("syntax error: a string with no keyword before it"
                         if field is None else "inconsistent use of #~", number)
        append(field, strings(body, number))
        entry.waiting = 0

    def keyword(body: str, number: int, obsolete: bool) -> None:
        word, rest = _split_word(body)
        index = -1
        if word.startswith("msgstr["):
            digits = word[7:-1]
            if not word.endswith("]") or not digits.isdigit():
                raise _Fault(f"keyword {word!r} unknown", number)
            index = int(digits)
            word = "msgstr[]"
        elif word not in _KEYWORDS:
            if word == "domain":
                raise _Fault("'domain' directives are not supported (one domain per file)",
                             number)
            raise _Fault(f"keyword {word!r} unknown" if word else "syntax error", number)
        if word in ("msgctxt", "msgid") and entry.complete:
            finish()
        seen = entry.seen
        if word == "msgctxt":
            if seen:
                raise _Fault("syntax error: 'msgctxt' must come before 'msgid'", number)
        elif word == "msgid":
            if "msgid" in seen:
                raise _Fault("syntax error: 'msgid' twice before 'msgstr'", number)
        elif "msgid" not in seen:
            raise _Fault(f"syntax error: '{word.replace('[]', '[N]')}' without 'msgid'",
                         number)
        elif word == "msgid_plural":
            if seen[-1] != "msgid":
                raise _Fault("syntax error: 'msgid_plural' must follow 'msgid'", number)
        elif word == "msgstr":
            if "msgid_plural" in seen:
                raise _Fault("syntax error: 'msgstr[0]' expected after 'msgid_plural'", number)
            if seen[-1] != "msgid":
                raise _Fault("syntax error: a second 'msgstr'", number)
        else:
            if "msgid_plural" not in seen:
                raise _Fault("missing 'msgid_plural' section", number)
            if index != entry.plural_index + 1:
                raise _Fault("first plural form has nonzero index" if entry.plural_index < 0
                             else "plural form has wrong index", number)
            entry.plural_index = index
        if entry.obsolete is None:
            entry.obsolete = obsolete
        elif entry.obsolete != obsolete:
            raise _Fault("inconsistent use of #~", number)
        unit = entry.unit
        if word == "msgid":
            unit.line = number
        elif word == "msgctxt":
            unit.msgctxt = ""
        elif word == "msgid_plural":
            unit.msgid_plural = ""
        elif word == "msgstr[]":
            unit.msgstr_plural[index] = ""
        field = f"msgstr[{index}]" if index >= 0 else word
        seen.append(word)
        entry.field = field
        values = strings(rest, number)
        append(field, values)
        entry.waiting = 0 if values else number

    def previous(body: str, number: int) -> None:
        """`#| msgctxt/msgid/msgid_plural` lines of a fuzzy entry (`#~|` if obsolete)."""
        if entry.complete:
            finish()
        elif entry.seen:
            raise _Fault("syntax error: a '#|' line inside an entry", number)
        body = body.lstrip(_WHITESPACE)
        if body.startswith('"'):
            if entry.field is None or entry.field[:9] != "previous_":
                raise _Fault("syntax error: a string with no keyword before it", number)
            append(entry.field, strings(body, number))
            entry.waiting = 0
            return
        word, rest = _split_word(body)
        if word not in ("msgctxt", "msgid", "msgid_plural"):
            raise _Fault(f"keyword {word!r} unknown in a '#|' line", number)
        field = f"previous_{word}"
        if getattr(entry.unit, field) is not None:
            raise _Fault(f"syntax error: '#| {word}' twice", number)
        setattr(entry.unit, field, "")
        entry.field = field
        values = strings(rest, number)
        append(field, values)
        entry.waiting = 0 if values else number

    for number, raw in enumerate(lines, 1):
        line = raw.strip(_WHITESPACE) if raw[-1:] in _WHITESPACE or raw[:1] in _WHITESPACE \
            else raw
        if not line:
            continue
        first = line[0]
        if first == '"':
            continuation(line, number, False)
            continue
        if first == "#" and line[1:2] == "~":
            body = line[2:]
            if body[:1] == "|":
                if entry.waiting:
                    raise _Fault("syntax error: keyword without a string", entry.waiting)
                previous(body[1:], number)
                continue
            body = body.lstrip(_WHITESPACE)
            if not body:
                continue
            if body[0] == '"':
                continuation(body, number, True)
                continue
            if entry.waiting:
                raise _Fault("syntax error: keyword without a string", entry.waiting)
            keyword(body, number, True)
            continue
        if entry.waiting:
            raise _Fault("syntax error: keyword without a string", entry.waiting)
        if first != "#":
            keyword(line, number, False)
            continue
        if entry.complete:
            finish()
        elif entry.seen:
            raise _Fault("syntax error: a comment inside an entry", number)
        second = line[1:2]
        unit = entry.unit
        if second == ",":
            for flag in line[2:].split(","):
                flag = flag.strip(_WHITESPACE)
                if flag and flag not in unit.flags:
                    unit.flags.append(flag)
        elif second == ".":
            unit.extracted_comments.append(line[3:] if line[2:3] == " " else line[2:])
        elif second == ":":
            unit.references.extend(line[2:].split())
        elif second == "|":
            previous(line[2:], number)
        else:
            unit.translator_comments.append(line[2:] if second == " " else line[1:])
    if entry.waiting:
        raise _Fault("end of file after a keyword without a string", entry.waiting)
    if entry.seen:
        if not entry.complete:
            raise _Fault("end of file: missing 'msgstr' section", entry.unit.line or len(lines))
        finish()
    catalogue.set_header(header[0] if header else None)
    catalogue.units = units
    return catalogue


def _split_word(line: str) -> tuple[str, str]:
    for index, ch in enumerate(line):
        if ch in _WHITESPACE or ch == '"':
            return line[:index], line[index:]
    return line, ""


def read(path: Path) -> Catalogue:
    """Read a PO/POT file strictly (see `parse`); the file's path goes in every error."""
    from ..fsutil import read_bytes

    catalogue = parse(read_bytes(path), path)
    catalogue.path = path
    return catalogue


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------

WIDTH = 79
_GETTEXT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r",
                    "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"}
# Everything else a line splitter could break on, or a terminal could act on, goes out as
# the octal escapes of its UTF-8 bytes (which msgfmt reads back as the same character).
_NEEDS_ESCAPE = re.compile("[\\\\\"\x00-\x1f\x7f\x85\u2028\u2029]")


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group(0)
    simple = _GETTEXT_ESCAPES.get(ch)
    if simple is not None:
        return simple
    return "".join(f"\\{byte:03o}" for byte in ch.encode("utf-8"))


def escape(text: str) -> str:
    return _NEEDS_ESCAPE.sub(_escape_char, text)


def _wrap(escaped: str, width: int) -> list[str]:
    """Lines of at most `width` columns, broken where gettext (libunistring) breaks them."""
    from unicode_segmentation_rs import gettext_wrap

    return list(gettext_wrap(escaped, width)) or [""]


def _pieces(text: str) -> list[str]:
    """Split after each newline, as gettext does before wrapping."""
    parts = text.split("\n")
    pieces = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        pieces.append(parts[-1])
    return pieces or [""]


def field(prefix: str, keyword: str, text: str, do_wrap: bool = True) -> list[str]:
    """`keyword "text"` lines, wrapped like gettext."""
    head = f"{prefix}{keyword} "
    escaped_all = escape(text)
    inner_newline = "\n" in text[:-1]
    if not do_wrap:
        if not inner_newline:
            return [f'{head}"{escaped_all}"']
        return [f'{head}""'] + [f'{prefix}"{escape(p)}"' for p in _pieces(text)]
    # gettext keeps the text on the keyword's line unless it would need breaking there
    # (a single unbreakable word stays on that line, however long).
    if not inner_newline and len(_wrap(escaped_all, WIDTH - 2 - len(head))) == 1:
        return [f'{head}"{escaped_all}"']
    lines = [f'{head}""']
    for piece in _pieces(text):
        for line in _wrap(escape(piece), WIDTH - 2 - len(prefix)):
            lines.append(f'{prefix}"{line}"')
    return lines


def _comment_lines(marker: str, comments: Iterable[str]) -> list[str]:
    lines = []
    for comment in comments:
        # A comment is one line in the file: a line break inside it would start syntax.
        for part in _LINE_BREAKS.split(comment):
            lines.append(f"{marker} {part}".rstrip() if part else marker)
    return lines


_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _references(refs: list[str]) -> list[str]:
    lines: list[str] = []
    current = "#:"
    for ref in refs:
        if current != "#:" and len(current) + 1 + len(ref) > WIDTH:
            lines.append(current)
            current = "#:"
        current += " " + ref
    if current != "#:":
        lines.append(current)
    return lines


def unit_lines(unit: Unit) -> list[str]:
    lines = _comment_lines("#", unit.translator_comments)
    if not unit.obsolete:
        lines += _comment_lines("#.", unit.extracted_comments)
        lines += _references(unit.references)
    if unit.flags:
        lines.append("#, " + ", ".join(unit.flags))
    obsolete = "#~ " if unit.obsolete else ""
    previous = "#~| " if unit.obsolete else "#| "
    if unit.previous_msgctxt is not None:
        lines += field(previous, "msgctxt", unit.previous_msgctxt)
    if unit.previous_msgid is not None:
        lines += field(previous, "msgid", unit.previous_msgid)
    if unit.previous_msgid_plural is not None:
        lines += field(previous, "msgid_plural", unit.previous_msgid_plural)
    if unit.msgctxt is not None:
        lines += field(obsolete, "msgctxt", unit.msgctxt)
    lines += field(obsolete, "msgid", unit.msgid)
    if unit.msgid_plural is not None:
        lines += field(obsolete, "msgid_plural", unit.msgid_plural)
        for index in sorted(unit.msgstr_plural) or [0]:
            lines += field(obsolete, f"msgstr[{index}]", unit.msgstr_plural.get(index, ""))
    else:
        lines += field(obsolete, "msgstr", unit.msgstr)
    return lines


def dumps(catalogue: Catalogue) -> str:
    """The whole file: header comment, header entry, active units, then obsolete ones."""
    blocks: list[str] = []
    header = catalogue.header_unit()
    if header is not None:
        blocks.append("\n".join(unit_lines(header)))
    active = [u for u in catalogue.units if not u.obsolete]
    obsolete = [u for u in catalogue.units if u.obsolete]
    for unit in active + obsolete:
        blocks.append("\n".join(unit_lines(unit)))
    return "\n\n".join(blocks) + "\n"
