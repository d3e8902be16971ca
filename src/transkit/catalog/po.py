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
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import InputError
from ..unit import Unit, count_words
from .model import Catalogue, Figures

# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------

# A quoted string (escapes are checked when the value is decoded) and a keyword.
_STRING = re.compile(r'"([^"\\\n]*(?:\\[^\n][^"\\\n]*)*)"')
_WORD = re.compile(r"[A-Za-z_]+")
_SURROGATE = re.compile("[\udc80-\udcff]")
_FLAG_SEPARATORS = re.compile(r"[,\s]+")
# The line most keyword lines are: `msgid "text"`, `msgstr[1] "text"`.
_KEYWORD_LINE = re.compile(r'(msgid|msgstr|msgctxt|msgid_plural)(?:\[([0-9]+)\])? '
                           r'"([^"\\]*(?:\\.[^"\\]*)*)"[ \t\f\v\r]*')
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f",
                   "v": "\v", "\\": "\\", '"': '"'}
_ESCAPE = re.compile(r"\\(?:([ntrabfv\\\"])|([0-7]{1,3})|x([0-9A-Fa-f]+)|(.))")
_KEYWORDS = frozenset({"msgctxt", "msgid", "msgid_plural", "msgstr", "domain"})
_WHITESPACE = " \t\f\v\r"
_CHARSET = re.compile(r'charset=([^\s\\"]+)')


class _Fault(Exception):
    def __init__(self, reason: str, line: int):
        super().__init__(reason)
        self.reason = reason
        self.line = line


def _unescape(raw: str, line: int) -> str:
    """A string's value. Octal and hex escapes stand for bytes of the file's encoding
    (UTF-8): as msgfmt, three octal digits at most, hex digits as many as follow, the
    value taken modulo 256."""
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
        value = (int(octal, 8) if octal is not None else int(hexa, 16)) % 256
        if value < 0x80:
            return chr(value)
        as_bytes = True
        return chr(0xDC00 + value)  # a raw byte, as surrogateescape spells it

    text = _ESCAPE.sub(one, raw)
    if as_bytes:
        try:
            text = text.encode("utf-8", "surrogateescape").decode("utf-8")
        except UnicodeError:
            # msgfmt lets escaped bytes through unchecked; transkit holds every text as
            # UTF-8 (pages, the memory, MT), so such a string is refused everywhere.
            raise _Fault("escape sequences do not form valid UTF-8", line) from None
    return text


class _Entry:
    """The pieces of one entry as its tokens arrive."""

    __slots__ = ("unit", "field", "seen", "plural_index", "obsolete", "waiting", "previous",
                 "previous_line", "parts")

    def __init__(self) -> None:
        self.unit = Unit("")
        self.field: str | None = None  # where the next strings go
        # Each field's strings, joined once the entry ends: appending to the unit's
        # attribute string by string copied the whole value each time (quadratic in the
        # length of a long entry of many lines).
        self.parts: dict[str, list[str]] = {}
        self.seen: list[str] = []  # keywords of the entry, in order
        self.plural_index = -1
        self.obsolete: bool | None = None  # whether its keyword lines were `#~`
        self.waiting = 0  # line of a keyword still waiting for its first string
        self.previous: list[str] = []  # `#|` keywords, in order
        self.previous_line = 0

    @property
    def complete(self) -> bool:
        return bool(self.seen) and self.seen[-1].startswith("msgstr") and not self.waiting


def _charset(text: str) -> str | None:
    """The charset a PO file's header declares (msgfmt reads it from the header entry)."""
    found = _CHARSET.search(text[:8192])
    return found.group(1) if found else None


def _decode(data: bytes, path: Path | str) -> str:
    """The file's text: UTF-8 unless its header declares another charset. Undecodable
    bytes are kept (surrogateescape) and refused only where msgfmt refuses them: in a
    string, when the header declares UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8", "surrogateescape")
    charset = _charset(text)
    if charset is not None:
        name = charset.lower().replace("_", "-")
        if name not in ("utf-8", "utf8", "charset", "ascii", "us-ascii"):
            codec = _text_codec(charset)
            if codec is None:
                return text  # msgfmt only warns about a charset it does not know
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                line = data.count(b"\n", 0, exc.start) + 1
                raise InputError(f"not valid {charset} (byte 0x{data[exc.start]:02x})", path,
                                 line) from None
    return text


_NOT_CHARSETS = frozenset({"unicode_escape", "raw_unicode_escape", "punycode", "idna",
                           "utf_7", "utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le",
                           "utf_32_be", "utf_8_sig"})


def _text_codec(charset: str) -> str | None:
    """Python's codec for a declared charset, if it is an ASCII-compatible text encoding
    (as every PO file's must be); None for names gettext would not know either."""
    import codecs

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,40}", charset):
        return None
    try:
        info = codecs.lookup(charset)
    except LookupError:
        return None
    if info.name.replace("-", "_") in _NOT_CHARSETS or not getattr(info, "_is_text_encoding",
                                                                    True):
        return None
    try:
        if "msgid \"\"\n".encode(info.name) != b'msgid ""\n':
            return None
    except (UnicodeError, LookupError):
        return None
    return info.name


def parse(data: bytes | str, path: Path | str = "<string>") -> Catalogue:
    """A catalogue from the bytes of a PO or POT file; `InputError(path, line)` otherwise."""
    text = _decode(data, path) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    if "\r" in text and "\n" not in text and "#" in text:
        raise InputError("line ends are CR only (classic Mac OS): convert them to LF",
                         path, 1)
    try:
        return _parse(text)
    except _Fault as fault:
        raise InputError(fault.reason, path, fault.line) from None


def _check_raw(raw: str, line: int, utf8: bool, ascii: bool) -> None:
    """Bytes written raw in a string must be valid in the declared charset."""
    if ascii and not raw.isascii():
        raise _Fault("non-ASCII character in a file whose charset is ASCII", line)
    if utf8 and _SURROGATE.search(raw):
        raise _Fault("invalid multibyte sequence (not UTF-8)", line)


def _newlines_agree(unit: Unit) -> str | None:
    """msgfmt's one content check without -c: a translated entry's msgid and every
    msgstr begin (and end) with a newline alike."""
    forms = list(unit.msgstr_plural.values()) if unit.msgid_plural is not None else [unit.msgstr]
    sources = [unit.msgid] + ([unit.msgid_plural] if unit.msgid_plural is not None else [])
    first = unit.msgid
    for text in sources[1:] + forms:
        if text.startswith("\n") != first.startswith("\n"):
            return "'msgid' and 'msgstr' entries do not both begin with '\\n'"
        if text.endswith("\n") != first.endswith("\n"):
            return "'msgid' and 'msgstr' entries do not both end with '\\n'"
    return None


class _Collector:
    """What every entry read goes through, whichever way it was lexed: the duplicate
    check, the header and its charset, and msgfmt's newline rule."""

    def __init__(self, text: str, undecodable: bool | None = None):
        self.units: list[Unit] = []
        self.keys: dict[tuple[str, str | None], int] = {}
        self.header: Unit | None = None
        self.seen_header = False
        self.non_ascii = not text.isascii()
        self.undecodable = (self.non_ascii and _SURROGATE.search(text) is not None
                            if undecodable is None else undecodable)
        # The charset the header declares decides, from the header on, which strings
        # must be valid (msgfmt checks strings only, and only bytes written raw).
        self.strict_utf8 = False
        self.strict_ascii = False

    def add(self, unit: Unit) -> None:
        msgid = unit.msgid
        if msgid or unit.msgctxt is not None:  # the commonest case first, and quickly
            if ("\n" in msgid or "\n" in unit.msgstr or unit.msgid_plural is not None) and (
                    not unit.obsolete and "fuzzy" not in unit.flags and unit.has_target):
                problem = _newlines_agree(unit)
                if problem is not None:
                    raise _Fault(problem, unit.line)
            key = (msgid, unit.msgctxt)
            keys = self.keys
            if key in keys:
                raise _Fault("duplicate message definition (first defined at line "
                             f"{keys[key]})", unit.line)
            keys[key] = unit.line
            self.units.append(unit)
            return
        # The header (msgid "", no msgctxt): no newline rule; its charset rules the rest.
        key = (msgid, None)
        first = self.keys.get(key)
        if first is not None:
            raise _Fault(f"duplicate message definition (first defined at line {first})",
                         unit.line)
        self.keys[key] = unit.line
        if not self.seen_header and not unit.obsolete:
            self.seen_header = True
            charset = (_charset(unit.msgstr) or "").lower().replace("_", "-")
            self.strict_utf8 = self.undecodable and charset in ("utf-8", "utf8")
            self.strict_ascii = self.non_ascii and charset in ("ascii", "us-ascii")
            if unit.msgstr:
                self.header = unit
                return
        self.units.append(unit)

    def catalogue(self) -> Catalogue:
        catalogue = Catalogue()
        catalogue.set_header(self.header)
        catalogue.units = self.units
        return catalogue


def _add_comment(unit: Unit, line: str) -> None:
    """One `#` line (not `#|` or `#~`) into its unit: flags, notes, references, comments."""
    second = line[1:2]
    if second == ",":
        for flag in _FLAG_SEPARATORS.split(line[2:]):
            if flag and flag not in unit.flags:
                unit.flags.append(flag)
    elif second == ".":
        unit.extracted_comments.append(line[3:] if line[2:3] == " " else line[2:])
    elif second == ":":
        unit.references.extend(line[2:].split())
    else:
        unit.translator_comments.append(line[2:] if second == " " else line[1:])


def _parse(text: str, fast: bool = True) -> Catalogue:
    """The catalogue of a decoded text: whole entries of the common layouts are matched at
    once (`_read_entries`); from the first entry it does not recognise on, the
    line-by-line lexer reads the rest. `fast=False` reads it all with the lexer (the
    tests hold the two equal)."""
    collect = _Collector(text)
    if fast and "\\\n" not in text:
        pos, line = _read_entries(text, collect)
        if pos == len(text):
            return collect.catalogue()
        if pos and _FRESH.match(text, pos) is None:
            # What follows may still belong to the last entry read (a string after a
            # blank line, `msgstr[1]`): the lexer reads the whole file.
            collect, pos, line = _Collector(text), 0, 1
        if pos:
            text = text[pos:]
    else:
        line = 1
    _lex(text, collect, line)
    return collect.catalogue()


def _lex(text: str, collect: _Collector, first_line: int) -> None:
    """Read `text` line by line into `collect`; its first line is `first_line` of the file
    and starts an entry."""
    entry = _Entry()
    rows = list(enumerate(text.split("\n"), first_line))
    if "\\\n" in text:
        # A backslash before a line feed joins the two lines (msgfmt reads C-style);
        # line numbers stay those of the file. The pieces of a joined line are gathered
        # and joined once (joining them pairwise copied the line for each piece).
        joined: list[tuple[int, str]] = []
        pieces: list[str] = []
        first_number = 0
        for number, raw in rows:
            if not pieces:
                first_number = number
            if raw.endswith("\\"):
                pieces.append(raw[:-1])
                continue
            pieces.append(raw)
            joined.append((first_number, "".join(pieces)))
            pieces = []
        if pieces:  # the last line ended in a backslash: kept, as it was
            joined.append((first_number, "".join(pieces[:-1]) + pieces[-1] + "\\"))
        rows = joined

    def finish() -> None:
        nonlocal entry
        unit = entry.unit
        for name, parts in entry.parts.items():
            value = "".join(parts)
            if name[:7] == "msgstr[":
                unit.msgstr_plural[int(name[7:-1])] = value
            else:
                setattr(unit, name, value)
        unit.obsolete = bool(entry.obsolete)
        collect.add(unit)
        entry = _Entry()

    def string(raw: str, number: int, obsolete: bool) -> None:
        field = entry.field
        if field is None:
            raise _Fault("syntax error: a string with no keyword before it", number)
        if collect.undecodable or collect.strict_ascii:
            # Bytes that are not UTF-8 in a string: refused whatever the header says (a
            # text transkit cannot hold as UTF-8 would reach pages and the memory broken).
            _check_raw(raw, number, collect.undecodable, collect.strict_ascii)
        value = raw
        if "\\" in raw or not raw.isprintable():
            value = _unescape(raw, number)
            if "\x04" in value:
                raise _Fault("context separator <EOT> within string", number)
            if "\x00" in value:  # each string ends at a NUL, as msgfmt appends C strings
                value = value[:value.index("\x00")]
        if field[:9] != "previous_" and entry.obsolete is not None and \
                entry.obsolete != obsolete:
            raise _Fault("inconsistent use of #~", number)
        entry.waiting = 0
        if not value:
            return
        entry.parts.setdefault(field, []).append(value)

    def keyword(word: str, index: int, number: int, obsolete: bool) -> None:
        if entry.waiting:
            raise _Fault("syntax error: keyword without a string", entry.waiting)
        if word == "domain":
            if entry.complete:
                finish()
            if entry.seen or entry.previous:
                raise _Fault("syntax error: 'domain' inside an entry", number)
            entry.field = "domain"
            entry.waiting = number
            return
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
            raise _Fault(f"syntax error: '{word}' without 'msgid'", number)
        elif word == "msgid_plural":
            if seen[-1] != "msgid":
                raise _Fault("syntax error: 'msgid_plural' must follow 'msgid'", number)
        elif index < 0:  # msgstr
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
        if word in ("msgctxt", "msgid") and entry.previous and entry.previous[-1] == "msgctxt":
            raise _Fault("syntax error: '#| msgctxt' without '#| msgid'", entry.previous_line)
        if entry.obsolete is None:
            entry.obsolete = obsolete
        elif entry.obsolete != obsolete:
            raise _Fault("inconsistent use of #~", number)
        unit = entry.unit
        if word == "msgid":
            unit.line = number
        elif word == "msgctxt":
            unit.msgctxt = ""
            unit.line = number
        elif word == "msgid_plural":
            unit.msgid_plural = ""
        elif index >= 0:
            unit.msgstr_plural[index] = ""
        seen.append(word)
        entry.field = f"msgstr[{index}]" if index >= 0 else word
        entry.waiting = number

    def boundary(number: int, what: str) -> None:
        """A line that starts what comes next: the entry before it must be complete."""
        if entry.waiting:
            raise _Fault("syntax error: keyword without a string", entry.waiting)
        if entry.complete:
            finish()
        elif entry.seen:
            raise _Fault(f"syntax error: {what} inside an entry", number)

    def previous_keyword(word: str, number: int) -> None:
        boundary(number, "a '#|' line")
        if word not in ("msgctxt", "msgid", "msgid_plural"):
            raise _Fault(f"syntax error: '#| {word}'", number)
        order = ("msgctxt", "msgid", "msgid_plural")
        if entry.previous and order.index(word) <= order.index(entry.previous[-1]):
            raise _Fault(f"syntax error: '#| {word}' out of order", number)
        if word == "msgid_plural" and entry.previous[-1:] != ["msgid"]:
            raise _Fault("syntax error: '#| msgid_plural' without '#| msgid'", number)
        entry.previous.append(word)
        entry.previous_line = entry.previous_line or number
        setattr(entry.unit, f"previous_{word}", "")
        entry.field = f"previous_{word}"
        entry.waiting = number

    def tokens(body: str, number: int, obsolete: bool, previous: bool) -> None:
        pos = 0
        size = len(body)
        while pos < size:
            ch = body[pos]
            if ch in _WHITESPACE:
                pos += 1
                continue
            if ch == '"':
                match = _STRING.match(body, pos)
                if match is None:
                    raise _Fault("end-of-line within string", number)
                if previous and (entry.field is None or entry.field[:9] != "previous_"):
                    raise _Fault("syntax error: a string with no keyword before it", number)
                if not previous and entry.field is not None and entry.field[:9] == "previous_":
                    raise _Fault("syntax error: a string with no keyword before it", number)
                if entry.field == "domain":
                    entry.field = None
                    entry.waiting = 0
                else:
                    string(match.group(1), number, obsolete)
                pos = match.end()
                continue
            match = _WORD.match(body, pos)
            if match is None:
                mark = body[pos + 1:pos + 2]
                if ch == "#" and mark in ("|", "~"):
                    # `#|` and `#~` switch the rest of the line, wherever they stand.
                    rest = body[pos + 2:]
                    if mark == "~" and rest[:1] == "|":
                        tokens(rest[1:], number, True, True)
                    else:
                        tokens(rest, number, obsolete or mark == "~", previous or mark == "|")
                    return
                if ch == "#" and not previous:  # a comment after the strings: ends the entry
                    comment(body[pos:].rstrip(_WHITESPACE), number)
                    return
                raise _Fault(f"syntax error: unexpected character U+{ord(ch):04X}", number)
            word = match.group()
            pos = match.end()
            index = -1
            if word == "msgstr" and not previous:
                look = pos
                while look < size and body[look] in _WHITESPACE:
                    look += 1
                if look < size and body[look] == "[":
                    close = body.find("]", look)
                    digits = body[look + 1:close].strip(_WHITESPACE) if close > 0 else ""
                    if not digits.isdigit() or not digits.isascii():
                        raise _Fault("syntax error: bad plural form index", number)
                    index = int(digits)
                    pos = close + 1
            if previous:
                previous_keyword(word, number)
            elif word not in _KEYWORDS:
                raise _Fault(f"keyword {word!r} unknown", number)
            else:
                keyword(word, index, number, obsolete)

    def comment(line: str, number: int) -> None:
        boundary(number, "a comment")
        if entry.previous:
            raise _Fault("syntax error: '#|' lines must come right before the entry",
                         entry.previous_line)
        _add_comment(entry.unit, line)

    for number, raw in rows:
        line = raw.lstrip(_WHITESPACE) if raw[:1] in _WHITESPACE else raw
        if not line:
            continue
        first = line[0]
        if first == "#":
            second = line[1:2]
            if second == "~":
                body = line[2:]
                if body[:1] == "|":
                    tokens(body[1:], number, True, True)
                    continue
                inner = body.lstrip(_WHITESPACE)
                if inner[:1] == "#":  # a comment of an obsolete entry (`#~ #, fuzzy`)
                    comment(inner.rstrip(_WHITESPACE), number)
                else:
                    tokens(body, number, True, False)
                continue
            if second == "|":
                tokens(line[2:], number, False, True)
                continue
            comment(line.rstrip(_WHITESPACE), number)
            continue
        if first == "m":
            match = _KEYWORD_LINE.fullmatch(line)
            if match is not None:
                word, index, raw = match.groups()
                if index is not None and word != "msgstr":
                    raise _Fault(f"keyword {word!r} unknown", number)
                keyword(word, -1 if index is None else int(index), number, False)
                string(raw, number, False)
                continue
        if first == '"':
            field = entry.field
            if field == "msgstr" or field == "msgid":
                # The commonest line of all, a plain continuation string: appended here
                # when it needs no decoding and no check (what `string` would do).
                if (line[-1] == '"' and not entry.obsolete and not collect.strict_utf8
                        and not collect.strict_ascii and line.count('"') == 2
                        and "\\" not in line and line.isprintable()):
                    entry.waiting = 0
                    entry.parts.setdefault(field, []).append(line[1:-1])
                    continue
            if field is not None and field[:9] != "previous_" and field != "domain":
                match = _STRING.fullmatch(line if line[-1] == '"' else line.rstrip(_WHITESPACE))
                if match is not None:  # the common continuation line
                    string(match.group(1), number, False)
                    continue
        tokens(line, number, False, False)
    if entry.waiting:
        raise _Fault("end of file after a keyword without a string", entry.waiting)
    if entry.previous and not entry.seen:
        raise _Fault("end of file after '#|' lines", entry.previous_line)
    if entry.seen:
        if not entry.complete:
            raise _Fault("end of file: missing 'msgstr' section", entry.unit.line)
        finish()


# An entry as gettext's tools and most others write it, matched whole: comments, `#|`
# previous msgctxt/msgid, msgctxt, msgid, then msgstr or msgid_plural and msgstr[N]
# (or all of these keyword lines behind `#~ `, an obsolete entry), each string alone on
# its line with simple escapes, one blank line after (or the end of the file).
# `_read_entries` reads such entries until one is not; the lexer reads the rest. Both
# end in the same `_Collector`; tests/test_po.py holds the reader equal to the lexer
# alone on every corpus file, on their mutants and on gettext-wrapped catalogues.
# Possessive quantifiers (`*+`): what they take is never given back, as none of it could
# start what follows; the engine then keeps no state to backtrack into (a third quicker).
_S = r'"[^"\\\n]*+(?:\\[ntr\\"abfv][^"\\\n]*+)*+"\n'
_STRINGS = rf"{_S}(?:{_S})*+"
_BODY = (rf"(?:msgctxt (?P<ctx>{_STRINGS}))?msgid (?P<id>{_STRINGS})"
         rf"(?:msgstr (?P<str>{_STRINGS})|msgid_plural (?P<plural>{_STRINGS})"
         rf"(?P<forms>(?:msgstr\[[0-9]\] {_STRINGS})+))")
_SIMPLE_ENTRY = re.compile(
    r"(?P<comments>(?:#(?:[ .:,][^\n]*+)?\n)*+)"
    rf"(?P<previous>(?:#\| msg(?:ctxt|id) {_S}(?:#\| {_S})*)*)"
    rf"(?:{_BODY}|(?P<obsolete>(?:#~ [^\n]*+\n)++))"
    r"(?P<blank>\n|(?=\Z))")
_OBSOLETE_BODY = re.compile(_BODY)
# Where the lexer, after a complete entry, would start the next one whatever came before:
# a comment, `#|`, msgctxt, msgid, domain (each ends the entry before), or the end.
_WORD_END = r"(?![A-Za-z_])"
_FRESH = re.compile(
    rf"(?:[ \t\f\v\r]*\n)*[ \t\f\v\r]*(?:#(?!~)|#~[ \t\f\v\r]*(?:#|\||msgid{_WORD_END}"
    rf"|msgctxt{_WORD_END})|msgid{_WORD_END}|msgctxt{_WORD_END}|domain{_WORD_END}|\Z)")
_FORM = re.compile(rf"msgstr\[([0-9])\] ({_STRINGS})")
_PREVIOUS = re.compile(rf"#\| (msgctxt|msgid) ((?:{_S})(?:#\| {_S})*)")


class _Decline(Exception):
    """The fast path does not read this entry: the lexer will."""


def _decoded(joined: str, clean: bool = False) -> str:
    """A string's joined content, unescaped; only printable text (control characters,
    line separators and undecodable bytes go to the lexer) unless the whole text is
    `clean` (`_clean`: no control character, no undecodable byte)."""
    if not clean and not joined.isprintable():
        raise _Decline
    if "\\" not in joined:
        return joined
    quoted = joined.replace('\\"', '"')  # the one escape of most strings, `\"`
    return quoted if "\\" not in quoted else _unescape(joined, 0)


def _value(block: str, clean: bool = False) -> str:
    """The value of `"a"\n"b"\n` (each line one string). A quote and a line feed never
    stand side by side inside a string, so `"\n"` is only ever a line's end and the
    next one's start."""
    joined = block[1:-2].replace('"\n"', "")
    if "\\" in joined or not (clean or joined.isprintable()):
        return _decoded(joined, clean)
    return joined


def _entry_unit(groups: tuple[str | None, ...], line: int, clean: bool) -> Unit:
    """The unit of one `_SIMPLE_ENTRY` match (its groups), the entry starting on `line`
    of a text that is `clean` or not; `_Decline` where the lexer must read it (it then
    says where and why, if it refuses)."""
    comments, previous, ctx, msgid, msgstr, plural, forms, obsolete = groups[:8]
    if obsolete is not None:
        if previous:
            raise _Decline
        # `#~ ` before every keyword line: the same entry once they are taken away.
        body = _OBSOLETE_BODY.fullmatch(obsolete[3:].replace("\n#~ ", "\n"))
        if body is None:
            raise _Decline
        ctx, msgid, msgstr, plural, forms = body.groups()
    assert msgid is not None
    source = msgid[1:-2].replace('"\n"', "")
    if "\\" in source or not clean:
        source = _decoded(source, clean)
    if msgstr is not None:
        target = msgstr[1:-2].replace('"\n"', "")
        if "\\" in target or not clean:
            target = _decoded(target, clean)
        unit = Unit(source, target)
    else:
        assert plural is not None and forms is not None
        unit = Unit(source, msgid_plural=_value(plural, clean))
        expected = 0
        for index, block in _FORM.findall(forms):
            if int(index) != expected:
                raise _Decline  # the lexer says which index is wrong
            unit.msgstr_plural[expected] = _value(block, clean)
            expected += 1
    before = 0
    if ctx is not None:
        unit.msgctxt = _value(ctx, clean)
        before = ctx.count("\n")
    if comments:
        lines = comments.count("\n")
        before += lines
        if lines == 1 and clean and comments[:3] == "#: ":
            unit.references = comments[3:].split()  # the commonest: references
        else:
            for comment in comments[:-1].split("\n"):
                if not clean and not comment.isprintable():
                    raise _Decline
                if comment[:3] == "#: ":
                    unit.references += comment[3:].split()
                else:
                    _add_comment(unit, comment.rstrip(" "))
    if previous:
        before += previous.count("\n")
        pieces = _PREVIOUS.findall(previous)
        if [word for word, _ in pieces] not in (["msgid"], ["msgctxt", "msgid"]):
            raise _Decline
        for word, block in pieces:
            setattr(unit, f"previous_{word}", _value(block.replace("\n#| ", "\n"), clean))
    unit.line = line + before
    if obsolete is not None:
        unit.obsolete = True
    return unit


def _read_entries(text: str, collect: _Collector) -> tuple[int, int]:
    """Read whole entries from the start of `text` into `collect`, as long as each is one
    `_SIMPLE_ENTRY` the lexer would read alike; (offset, line) of the first one that is
    not (the text's length when all were)."""
    add = collect.add
    count = text.count
    pos = 0
    line = 1
    # Whether the text holds no control character (but line feeds) and no undecodable
    # byte: then no string or comment needs asking (one pass over the text instead of
    # one per piece).
    clean = _clean(text)
    for found in _SIMPLE_ENTRY.finditer(text):
        if found.start() != pos:
            break
        try:
            add(_entry_unit(found.groups(), line, clean))
        except (_Fault, _Decline):
            break  # the lexer reads the entry again and says where and why
        end = found.end()
        line += count("\n", pos, end)
        pos = end
        if collect.strict_ascii:
            break  # raw bytes the charset must check: the lexer does that
    return pos, line


# The bytes of UTF-8 text that are no control character: printable ASCII, the line feed
# and every byte of a multibyte character.
_NOT_CONTROL = bytes(range(0x20, 0x7F)) + b"\n" + bytes(range(0x80, 0x100))


def _clean(text: str) -> bool:
    """Whether `text` holds no control character but line feeds (C0, DEL) and no byte
    that was not UTF-8. The lexer reads such a text's strings and comments as written
    (an escape aside): no line is joined or cut, no string ends at a NUL or holds the
    context separator, no whitespace is stripped, no byte is checked against the
    charset. Asked in one pass over its bytes."""
    try:
        raw = text.encode("ascii" if text.isascii() else "utf-8")
    except UnicodeEncodeError:  # a lone surrogate: a byte that was not UTF-8
        return False
    return not raw.translate(None, _NOT_CONTROL)


class Tally(NamedTuple):
    """What `parse(data).figures()` and the header's fields give, read by `tally`."""

    figures: Figures
    metadata: dict[str, str]


def tally(data: bytes, path: Path | str = "<string>", unless: str = "",
          missing: bool = True) -> Tally | None:
    """The counts of a PO or POT file and its header's fields, as `parse` would read them,
    without building its units: for files wholly of the layout `_read_entries` reads
    (gettext's, transkit's), with every check `parse` makes there (duplicates, the
    newline rule, the header's charset). None for anything else (control characters,
    backslash-joined lines, an entry the lexer would read, a file `parse` refuses): the
    caller then reads it with `parse`, which reads it or says where and why not. A text
    holding `unless` (when given) is left to `parse` too. `missing=False` leaves the
    figures' list of units not translated empty (nor are their lines counted)."""
    text = _decode(data, path)
    if "\\\n" in text or (unless and unless in text) or not _clean(text):
        return None
    try:
        return _tally(text, missing)
    except (_Fault, _Decline):
        return None  # `parse` reads it again and says where and why


def _tally(text: str, want_missing: bool) -> Tally | None:
    collect = _Collector(text, undecodable=False)  # clean: no undecodable byte
    spaces = text.isascii()  # then the space is the only white space
    keys = collect.keys
    count = text.count
    units = words = translated = translated_words = fuzzy = fuzzy_words = 0
    missing: list[tuple[int, str, bool]] = []
    pos = 0
    counted, line = 0, 1  # the line of offset `counted`, counted only where needed
    for found in _SIMPLE_ENTRY.finditer(text):
        start, end = found.span()
        if start != pos:
            return None
        pos = end
        groups = found.groups()
        comments, previous, ctx, msgid, msgstr, _, _, _, _ = groups
        source = ""
        common = msgstr is not None and not previous
        plain = False  # whether the msgid's only white space is the space
        if common:
            source = msgid[1:-2].replace('"\n"', "")
            if "\\" in source:
                source = _decoded(source, True)
            else:
                plain = spaces
            common = bool(source) or ctx is not None
        if common:
            # The commonest entry (one msgstr, no previous msgid, not obsolete): counted
            # with the checks `_Collector.add` makes, but no unit built.
            target_text = msgstr[1:-2].replace('"\n"', "")
            if "\\" in target_text:
                target_text = _decoded(target_text, True)
            key = (source, None if ctx is None else _value(ctx, True))
            if key in keys:
                return None  # a duplicate: `parse` says which
            keys[key] = 0
            flagged = bool(comments) and "fuzzy" in comments and _fuzzy(comments)
            target = bool(target_text)
            if target and not flagged and ("\n" in source or "\n" in target_text) and \
                    _newlines_agree(Unit(source, target_text)) is not None:
                return None
        else:
            # Obsolete, plural, with a previous msgid, the header: the unit `parse` makes.
            line += count("\n", counted, start)
            counted = start
            unit = _entry_unit(groups, line, True)
            collect.add(unit)
            if collect.strict_ascii:
                return None  # raw bytes the charset must check: the lexer does that
            if unit.obsolete or unit is collect.header:
                continue
            source, target, flagged = unit.msgid, unit.has_target, "fuzzy" in unit.flags
        if "<" in source:
            words_of = count_words(source)  # placeholders are no words
        elif plain and source and source[0] != " " != source[-1] and "  " not in source:
            words_of = source.count(" ") + 1  # `count_words`, without a list of the words
        else:
            words_of = len(source.split())
        units += 1
        words += words_of
        if target and not flagged:
            translated += 1
            translated_words += words_of
            continue
        if target:
            fuzzy += 1
            fuzzy_words += words_of
        if not want_missing:
            continue
        keyword = found.start(4) - 6  # the line of the msgid keyword is the unit's
        line += count("\n", counted, keyword)
        counted = keyword
        missing.append((line, source, target))
    if pos != len(text):
        return None
    catalogue = Catalogue()
    catalogue.set_header(collect.header)
    return Tally(Figures(units, words, translated, translated_words, fuzzy, fuzzy_words,
                         missing), catalogue.metadata)


def _fuzzy(comments: str) -> bool:
    """Whether the flag lines among an entry's comment lines hold `fuzzy`."""
    return any(line[:2] == "#," and "fuzzy" in _FLAG_SEPARATORS.split(line[2:])
               for line in comments.split("\n"))


def read(path: Path) -> Catalogue:
    """Read a PO/POT file strictly (see `parse`); the file's path goes in every error."""
    from ..fsutil import read_seen

    data, seen = read_seen(path)
    catalogue = parse(data, path)
    catalogue.path = path
    catalogue.seen = seen
    return catalogue


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------

WIDTH = 79
_GETTEXT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r",
                    "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"}
# Everything else a line splitter could break on, or a terminal could act on, goes out as
# the octal escapes of its UTF-8 bytes (which msgfmt reads back as the same character).
_NEEDS_ESCAPE = re.compile("[\\\\\"\x00-\x1f\x7f\x85\u2028\u2029\udc80-\udcff]")


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group(0)
    simple = _GETTEXT_ESCAPES.get(ch)
    if simple is not None:
        return simple
    if "\udc80" <= ch <= "\udcff":  # a byte that is not UTF-8, kept as it was read
        return f"\\{ord(ch) - 0xDC00:03o}"
    return "".join(f"\\{byte:03o}" for byte in ch.encode("utf-8"))


def escape(text: str) -> str:
    return _NEEDS_ESCAPE.sub(_escape_char, text)


def _wrap(escaped: str, width: int, kept: list[tuple[int, int]] | None = None) -> list[str]:
    """Lines of at most `width` columns, broken where gettext breaks them: by GNU
    libunistring itself (`u8_width_linebreaks`, what msgcat calls), else by
    unicode-segmentation-rs's reimplementation (which differs on awkward text: after
    `(<g1>`, between `15` and `€`…). `kept`: byte spans of `escaped` never broken
    inside (format directives)."""
    import ctypes

    breaker = _linebreaker()
    if breaker is None:
        from unicode_segmentation_rs import gettext_wrap

        return list(gettext_wrap(escaped, width)) or [""]
    data = escaped.encode("utf-8", "surrogateescape")
    size = len(data)
    if size == 0:
        return [""]
    overrides = None
    if "\\" in escaped or kept:
        # No break inside an escape sequence (`\"`, `\n`, `\302`), as gettext says.
        marks = bytearray(size)
        offset, last = 0, 0
        for match in _ESCAPE_SEQUENCE.finditer(escaped):
            offset += len(escaped[last:match.start()].encode("utf-8", "surrogateescape"))
            last = match.end()
            marks[offset + 1:offset + len(match.group())] = b"\x01" * (len(match.group()) - 1)
            offset += len(match.group())
        if last == len(escaped) and escaped.endswith("\\n"):
            marks[size - 2] = 1  # nor just before the "\n" that ends a piece, as gettext
        for start, end in kept or ():
            marks[start + 1:end] = b"\x01" * (end - start - 1)
        overrides = bytes(marks)
    out = ctypes.create_string_buffer(size)
    breaker(data, size, width, 0, 0, overrides, b"UTF-8", out)
    lines: list[str] = []
    start = 0
    for index, kind in enumerate(out.raw):
        if index > start and kind in (_BREAK_POSSIBLE, _BREAK_MANDATORY):
            lines.append(data[start:index].decode("utf-8", "surrogateescape"))
            start = index
    lines.append(data[start:].decode("utf-8", "surrogateescape"))
    return lines


_ESCAPE_SEQUENCE = re.compile(r"\\(?:[0-7]{3}|.)")
_BREAK_POSSIBLE, _BREAK_MANDATORY = 2, 3  # libunistring's UC_BREAK_* values
_BREAKER: list[Any] = []


def _linebreaker() -> Any:
    """libunistring's `u8_width_linebreaks` (None where the library is not installed)."""
    if not _BREAKER:
        import ctypes
        import ctypes.util

        function = None
        for name in ("libunistring.so.5", "libunistring.so.2", "libunistring.so",
                     ctypes.util.find_library("unistring")):
            if not name:
                continue
            try:
                function = ctypes.CDLL(name).u8_width_linebreaks
            except (OSError, AttributeError):
                continue
            function.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int,
                                 ctypes.c_int, ctypes.c_int, ctypes.c_char_p,
                                 ctypes.c_char_p, ctypes.c_char_p]
            function.restype = ctypes.c_int
            break
        _BREAKER.append(function)
    return _BREAKER[0]


def _pieces(text: str) -> list[str]:
    """Split after each newline, as gettext does before wrapping."""
    parts = text.split("\n")
    pieces = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        pieces.append(parts[-1])
    return pieces or [""]


def field(prefix: str, keyword: str, text: str, do_wrap: bool = True,
          c_format: bool = False, translated: bool = False) -> list[str]:
    """`keyword "text"` lines, wrapped like gettext (which never breaks inside a C format
    directive of a `c-format` entry; `translated`: a msgstr, where `%I` is one too)."""
    return list(_field(prefix, keyword, text, do_wrap, c_format, translated))


@lru_cache(maxsize=1 << 16)
def _field(prefix: str, keyword: str, text: str, do_wrap: bool, c_format: bool = False,
           translated: bool = False) -> tuple[str, ...]:
    """`field`, remembered: a file written again (the editor's saves, one unit changed)
    breaks only the lines of what changed, through libunistring, again."""
    return tuple(_field_lines(prefix, keyword, text, do_wrap, c_format and "%" in text,
                              translated))


# A C format directive as gettext's c-format parser reads one: `%%`, or `%` with an
# argument number, flags, width, precision, size and a conversion, or a `<PRI…>` macro of
# <inttypes.h> in place of size and conversion (`%<PRIx64>`).
_C_DIRECTIVE = (
    r"%(?:%|(?P<n>[1-9][0-9]*\$)?[-+ #0'{I}]*(?:(?P<w>\*)(?P<wn>[1-9][0-9]*\$)?|[0-9]+)?"
    r"(?:\.(?:(?P<p>\*)(?P<pn>[1-9][0-9]*\$)?|[0-9]*))?"
    r"(?:<PRI[diouxX](?:8|16|32|64|LEAST8|LEAST16|LEAST32|LEAST64|FAST8|FAST16|FAST32"
    r"|FAST64|MAX|PTR)>|(?:hh|h|ll|l|L|q|j|z|Z|t)?[diouxXeEfFgGaAcspnm%]))")


def _c_directives(piece: str, translated: bool) -> list[tuple[int, int]]:
    """Character spans of the C format directives of `piece`, up to the first `%` that
    starts none, or that mixes numbered (`%1$s`) and unnumbered arguments: there
    gettext's parser stops."""
    pattern = _C_DIRECTIVE_MSGSTR if translated else _C_DIRECTIVE_MSGID
    spans = []
    numbered: set[bool] = set()  # the kinds of argument references seen so far
    position = piece.find("%")
    while position >= 0:
        match = pattern.match(piece, position)
        if match is None:
            break
        if match.group() != "%%":
            kinds = {match["n"] is not None}
            for star, number in (("w", "wn"), ("p", "pn")):
                if match[star] is not None:
                    kinds.add(match[number] is not None)
            numbered |= kinds
            if len(numbered) > 1:
                break
        spans.append(match.span())
        position = piece.find("%", match.end())
    return spans


_C_DIRECTIVE_MSGID = re.compile(_C_DIRECTIVE.replace("{I}", ""))
_C_DIRECTIVE_MSGSTR = re.compile(_C_DIRECTIVE.replace("{I}", "I"))  # glibc's %I in msgstr


def _escaped_with_spans(piece: str, spans: list[tuple[int, int]]
                        ) -> tuple[str, list[tuple[int, int]]]:
    """`piece` escaped, and `spans` of its characters as byte spans of the escaped text."""
    offsets = [0]
    parts = []
    for char in piece:
        part = escape(char)
        parts.append(part)
        offsets.append(offsets[-1] + len(part.encode("utf-8", "surrogateescape")))
    return "".join(parts), [(offsets[a], offsets[b]) for a, b in spans]


def _field_lines(prefix: str, keyword: str, text: str, do_wrap: bool, c_format: bool = False,
                 translated: bool = False) -> list[str]:
    if "\x00" in text:  # every reader, msgfmt's too, ends the string there
        raise InputError(f"{keyword} holds a NUL character, which no PO file keeps (the "
                         "text after it would be lost): nothing was written")
    head = f"{prefix}{keyword} "
    escaped_all = escape(text)
    inner_newline = "\n" in text[:-1]
    if not do_wrap:
        if not inner_newline:
            return [f'{head}"{escaped_all}"']
        return [f'{head}""'] + [f'{prefix}"{escape(p)}"' for p in _pieces(text)]
    # gettext keeps the text on the keyword's line unless it would need breaking there
    # (a single unbreakable word stays on that line, however long).
    # gettext finds the directives in the whole text, then wraps it piece by piece.
    spans = _c_directives(text, translated) if c_format else []
    if not inner_newline:
        kept = None
        if spans:
            escaped_all, kept = _escaped_with_spans(text, spans)
        if len(_wrap(escaped_all, WIDTH - 2 - len(head), kept)) == 1:
            return [f'{head}"{escaped_all}"']
    lines = [f'{head}""']
    start = 0
    for piece in _pieces(text):
        end = start + len(piece)
        if spans:
            escaped, kept = _escaped_with_spans(piece, [
                (a - start, b - start) for a, b in spans if start <= a and b <= end])
        else:
            escaped, kept = escape(piece), None
        start = end
        for line in _wrap(escaped, WIDTH - 2 - len(prefix), kept):
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
    c = "c-format" in unit.flags or "possible-c-format" in unit.flags
    lines += field(obsolete, "msgid", unit.msgid, True, c)
    if unit.msgid_plural is not None:
        lines += field(obsolete, "msgid_plural", unit.msgid_plural, True, c)
        for index in sorted(unit.msgstr_plural) or [0]:
            lines += field(obsolete, f"msgstr[{index}]", unit.msgstr_plural.get(index, ""),
                           True, c, True)
    else:
        lines += field(obsolete, "msgstr", unit.msgstr, True, c, True)
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
        try:
            blocks.append("\n".join(unit_lines(unit)))
        except InputError as exc:
            exc.line = exc.line or unit.line or None  # the entry that cannot be written
            raise
    return "\n\n".join(blocks) + "\n"
