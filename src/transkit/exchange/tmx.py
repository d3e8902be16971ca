"""TMX 1.4b: write the aligned multilingual memory, read what CAT tools write (UTF-16,
xml:lang variants, inline bpt/ept/ph/it/hi/ut codes, props and notes), as units.

A <tu> of several languages is one Bitext per language beside its source (consecutive,
each holding the one unit; bilingual <tu>s of one pair, document and date are read in
batches); writing, consecutive units of one source text make one <tu>
again. Per translation: the <tu>'s and <tuv>'s props and notes are the unit's translator
comments (the source's, its extracted comments), `changedate` the Bitext's date, the
`x-transkit-doc` property its doc and `x-transkit-origin` its origin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from .. import __version__
from ..errors import InputError
from ..fsutil import atomic_write_bytes, open_regular, read_error
from ..languages import check_language, primary
from ..unit import PLACEHOLDER, Unit
from . import Bitext, Code, Markup

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> bool:
    """Whether XML 1.0 can carry `text` (no C0 control but tab and newlines)."""
    return not _XML_INVALID.search(text)


# --- export ------------------------------------------------------------------------------

# TMX's own `type` values for the codes CAT tools know; others are `x-<element>`.
_PAIRED_TYPES = {"a": "link", "b": "bold", "strong": "bold", "i": "italic", "em": "italic",
                 "u": "ulined"}
_EMPTY_TYPES = {"img": "image", "br": "lb"}


def _code_type(code: Code) -> str:
    found = (_PAIRED_TYPES if code.kind == "g" else _EMPTY_TYPES).get(code.tag)
    return found or "x-" + (re.sub(r"[^A-Za-z0-9_-]", "", code.tag) or "code")


def _seg(parent: etree._Element, text: str, codes: dict[int, Code] | None = None) -> None:
    """Placeholder text as a TMX <seg>: <g1>…</g1> -> bpt/ept, <x2/> -> ph, paired by `i`
    and matched across languages by `x` (the placeholder number). With `codes`, each
    carries the original markup it stands for and its `type`, which is what CAT tools
    (OmegaT, Okapi) compare with the codes of the document they translate."""
    seg = etree.SubElement(parent, "seg")
    last: etree._Element | None = None
    pos = 0

    def add_text(value: str) -> None:
        if not value:
            return
        if last is None:
            seg.text = (seg.text or "") + value
        else:
            last.tail = (last.tail or "") + value

    for match in PLACEHOLDER.finditer(text):
        add_text(text[pos:match.start()])
        closing, kind, number, _ = match.groups()
        code = codes.get(int(number)) if codes else None
        if kind == "x":
            last = etree.SubElement(seg, "ph", x=number)
        elif closing:
            last = etree.SubElement(seg, "ept", i=number)
        else:
            last = etree.SubElement(seg, "bpt", i=number, x=number)
        if code is not None and code.kind == kind and code.start:
            if not closing:
                last.set("type", _code_type(code))
            last.text = code.end if closing else code.start
        else:
            last.text = match.group(0)
        pos = match.end()
    add_text(text[pos:])


def _tus(bitexts: Iterable[Bitext]) -> Iterator[tuple[str, str, list[tuple[Bitext, Unit]]]]:
    """(source language, source text, [(bitext, unit)…]) of each <tu>: consecutive units
    of one source text, whichever bitext holds them, until a language comes again."""
    key: tuple[str, str] | None = None
    held: list[tuple[Bitext, Unit]] = []
    for bitext in bitexts:
        for unit in bitext.units:
            if (bitext.source, unit.msgid) != key or any(b.target == bitext.target
                                                         for b, _ in held):
                if key is not None and held:
                    yield key[0], key[1], held
                key, held = (bitext.source, unit.msgid), []
            held.append((bitext, unit))
    if key is not None and held:
        yield key[0], key[1], held


def write_tmx(bitexts: Iterable[Bitext], out: Path, source_lang: str,
              markup: Markup | None = None) -> int:
    """One <tu> per source text with a <tuv> for every language it has (the first unit of
    a language wins); returns the units (<tu>) written. `markup(doc, text)` says what the
    placeholders of a source text stand for."""
    root = etree.Element("tmx", version="1.4")
    now = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    etree.SubElement(root, "header", {
        "creationtool": "transkit", "creationtoolversion": __version__,
        "segtype": "sentence", "o-tmf": "transkit", "adminlang": "en",
        "srclang": source_lang, "datatype": "xml", "creationdate": now})
    body = etree.SubElement(root, "body")
    count = 0
    for src, text, held in _tus(bitexts):
        if not xml_safe(text):
            continue  # (a control character: TMX cannot hold it, the memory keeps it)
        chosen: dict[str, tuple[Bitext, Unit]] = {}
        for bitext, unit in held:
            if bitext.target != src and unit.msgstr and xml_safe(unit.msgstr):
                chosen.setdefault(bitext.target, (bitext, unit))
        if not chosen:
            continue
        tu = etree.SubElement(body, "tu", srclang=src)
        first = held[0][0]
        codes = markup(first.doc, text) if markup is not None and "<" in text else None
        for doc in sorted({b.doc for b, _ in chosen.values() if b.doc}):
            etree.SubElement(tu, "prop", type="x-transkit-doc").text = doc
        _tuv(tu, src, "source", first.source_date, held[0][1].extracted_comments, text, codes)
        for lang in sorted(chosen):
            bitext, unit = chosen[lang]
            _tuv(tu, lang, bitext.origin, bitext.date, unit.translator_comments, unit.msgstr,
                 codes)
        count += 1
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True,
                          doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
    atomic_write_bytes(out, data)
    return count


def _tuv(tu: etree._Element, lang: str, origin: str, date: str | None, comments: list[str],
         text: str, codes: dict[int, Code] | None) -> None:
    tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
    if date and re.match(r"^\d{4}-\d{2}-\d{2}$", date):
        tuv.set("changedate", date.replace("-", "") + "T000000Z")
    if origin:
        etree.SubElement(tuv, "prop", type="x-transkit-origin").text = origin
    for comment in comments:
        if xml_safe(comment):
            etree.SubElement(tuv, "note").text = comment
    _seg(tuv, text, codes)


# --- import ------------------------------------------------------------------------------

_XML_SPACE = re.compile(r"[ \t\r\n]+")


def _seg_text(seg: etree._Element) -> str:
    """A <seg> as placeholder text: paired codes (bpt/ept, hi) -> <gN>, others -> <xN/>."""
    if not len(seg):  # plain text, the common case
        return _xml_space(seg.text or "")
    parts: list[str] = [seg.text or ""]
    counter = 0
    pairs: dict[str, int] = {}

    def walk(element: etree._Element) -> None:
        nonlocal counter
        for child in element:
            tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if tag == "bpt":
                counter += 1
                pairs[child.get("i", str(counter))] = counter
                parts.append(f"<g{counter}>")
            elif tag == "ept":
                number = pairs.pop(child.get("i", ""), None)
                parts.append(f"</g{number}>" if number is not None else "")
            elif tag == "hi":
                counter += 1
                number = counter
                parts.append(f"<g{number}>")
                parts.append(child.text or "")
                walk(child)
                parts.append(f"</g{number}>")
            elif tag in ("ph", "it", "ut", "x", "bx", "ex"):
                counter += 1
                parts.append(f"<x{counter}/>")
            elif tag == "sub":
                pass
            else:
                parts.append(child.text or "")
                walk(child)
            parts.append(child.tail or "")

    walk(seg)
    text = "".join(parts)
    # An unmatched bpt leaves an unclosed pair: make it an empty code instead.
    for number in pairs.values():
        text = text.replace(f"<g{number}>", f"<x{number}/>", 1)
    return _xml_space(text)


def _xml_space(text: str) -> str:
    """XML white space collapsed; only XML's: the no-break spaces of French typography are
    text."""
    if "\n" in text or "\t" in text or "\r" in text or "  " in text:
        text = _XML_SPACE.sub(" ", text)
    return text.strip(" ")


def _language(value: str | None, path: Path, line: int | None) -> str | None:
    if not value or value == "*all*":
        return None
    code = primary(value)
    try:
        return check_language(code)
    except InputError:
        raise InputError(f"unknown language {value!r} in xml:lang", path, line) from None


def _props(element: etree._Element) -> tuple[list[str], list[str], list[etree._Element]]:
    """An element's <prop>s (as type=value), <note>s and <tuv>s, in one pass."""
    props: list[str] = []
    notes: list[str] = []
    tuvs: list[etree._Element] = []
    for child in element:
        tag = child.tag
        if tag == "tuv":
            tuvs.append(child)
        elif tag == "prop":
            props.append(f"{child.get('type', '')}={child.text or ''}")
        elif tag == "note":
            notes.append(child.text or "")
    return props, notes, tuvs


# A translation: language, unit, doc, date, the source's date.
Read = tuple[str, Unit, str, "str | None", "str | None"]


def _read_tu(tu: etree._Element, default_src: str | None, path: Path, name: str
             ) -> tuple[str, list[Read]] | None:
    """One <tu>: its source language and, per other language, the unit pairing the
    source with that translation; None when it has fewer than two languages."""
    tu_props, tu_notes, tuvs = _props(tu)
    src = _language(tu.get("srclang"), path, tu.sourceline) or default_src
    read: list[tuple[str, str, str | None, str | None, str | None]] = []
    for tuv in tuvs:
        lang = _language(tuv.get(XML_LANG) or tuv.get("lang"), path, tuv.sourceline)
        if lang is None:
            raise InputError("<tuv> without xml:lang", path, tuv.sourceline)
        seg = tuv.find("seg")
        if seg is None:
            raise InputError("<tuv> without <seg>", path, tuv.sourceline)
        text = _seg_text(seg)
        if not text:
            continue
        own_props, own_notes, _ = _props(tuv)
        props, notes = tu_props + own_props, tu_notes + own_notes
        doc = next((p.split("=", 1)[1] for p in props if p.startswith("x-transkit-doc=")),
                   None)
        provenance = "; ".join(x for x in props + notes
                               if x and not x.startswith("x-transkit-")) or None
        changed = tuv.get("changedate") or tu.get("changedate")
        when = f"{changed[:4]}-{changed[4:6]}-{changed[6:8]}" if changed and len(
            changed) >= 8 else None
        read.append((lang, text, doc, when, provenance))
    if len(read) < 2 or len({r[0] for r in read}) < 2:
        return None
    read.sort(key=lambda r: r[0] != src)
    lang0, source, _, source_date, source_note = read[0]
    line = tu.sourceline or 0
    found: list[Read] = []
    for lang, text, doc, when, note in read[1:]:
        if lang == lang0:
            continue
        unit = Unit(source, text, line=line)
        if note:
            unit.translator_comments.append(note)
        if source_note:
            unit.extracted_comments.append(source_note)
        found.append((lang, unit, doc or name, when, source_date))
    return lang0, found


def iter_tmx(path: Path) -> Iterator[Bitext]:
    """Every <tu> with two or more languages as bitexts (the module's docstring), read as a
    stream: memory holds a batch of <tu>s, whatever the file's size. Raises InputError with the
    line for a malformed file, possibly after units were yielded: learn them in one
    transaction, so that the error rolls them back."""
    try:
        with open_regular(path) as handle:
            yield from _stream(handle, path)
    except OSError as exc:
        raise read_error(exc, path) from None
    except etree.XMLSyntaxError as exc:
        raise InputError(f"malformed TMX: {exc.msg}", path, exc.lineno or None) from None


def _stream(handle: BinaryIO, path: Path) -> Iterator[Bitext]:
    # A TMX file is untrusted input: no DTD loading, no entity expansion, no network.
    events = etree.iterparse(handle, events=("start", "end"), resolve_entities=False,
                             no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True)
    default_src: str | None = None
    depth = 0
    body = False
    batch: Bitext | None = None
    file_name = path.name  # (the document of units that name none)
    for event, element in events:
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if event == "start":
            depth += 1
            if depth == 1 and name != "tmx":
                raise InputError("not a TMX file (root element is not <tmx>)", path,
                                 element.sourceline)
            continue
        depth -= 1
        if name == "header" and depth == 1:
            default_src = _language(element.get("srclang"), path, element.sourceline)
        elif name == "tu":
            found = _read_tu(element, default_src, path, file_name)
            element.clear()  # what was read of the file is let go: memory stays flat
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
            if found is None:
                continue
            src, translations = found
            # Bilingual <tu>s of one pair, document and date share a Bitext (a batch);
            # one of several languages is a Bitext per language, as it is.
            if len(translations) == 1:
                lang, unit, doc, when, since = translations[0]
                if (batch is not None and len(batch.units) < BATCH and batch.target == lang
                        and batch.source == src and batch.doc == doc and batch.date == when
                        and batch.source_date == since):
                    batch.units.append(unit)
                    continue
            if batch is not None:
                yield batch
                batch = None
            if len(translations) == 1:
                lang, unit, doc, when, since = translations[0]
                batch = Bitext(src, lang, [unit], doc=doc, date=when, source_date=since,
                               line=unit.line)
                continue
            for lang, unit, doc, when, since in translations:
                yield Bitext(src, lang, [unit], doc=doc, date=when, source_date=since,
                             line=unit.line)
        elif name == "body" and depth == 1:
            body = True  # the rest is still read: a malformed end is an error too
    if batch is not None:
        yield batch
    if not body:
        raise InputError("TMX has no <body>", path)


BATCH = 1000  # bilingual units in one Bitext as a file is read



class TMX:
    """TMX 1.4b, the memories of CAT tools: every language of a unit in one <tu>."""

    name = "tmx"
    suffixes = (".tmx",)
    description = "TMX 1.4b (multilingual)"
    multilingual = True

    def read(self, path: Path, source_lang: str | None = None) -> Iterator[Bitext]:
        return iter_tmx(path)

    def write(self, bitexts: Iterable[Bitext], path: Path, markup: Markup | None = None,
              source_lang: str = "", **options: Any) -> int:
        batches = iter(bitexts)
        first = next(batches, None)
        if first is None:
            return write_tmx([], path, source_lang or "und")

        def every() -> Iterator[Bitext]:
            assert first is not None
            yield first
            yield from batches

        return write_tmx(every(), path, source_lang or first.source, markup)
