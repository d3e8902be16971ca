"""TMX 1.4b exchange: export the aligned multilingual memory, import what CAT tools
write (UTF-16, xml:lang variants, inline bpt/ept/ph/it/hi/ut codes, props and notes)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from lxml import etree

from .. import __version__
from ..errors import InputError
from ..fsutil import atomic_write_bytes, open_regular, read_error
from ..languages import check_language, primary
from ..memory.store import IMPORTED, SOURCE, Entry, Variant
from ..unit import PLACEHOLDER

if TYPE_CHECKING:
    from .xliff import Code

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


def export_tmx(groups: Iterable[list[Variant]], out: Path, source_lang: str,
               langs: tuple[str, ...] | None = None,
               markup: Callable[[Variant], dict[int, Code] | None] | None = None) -> int:
    """One <tu> per unit with a <tuv> for every language it has; returns the units written.
    `markup` says what the placeholders of a unit (given its source variant) stand for."""
    root = etree.Element("tmx", version="1.4")
    now = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    etree.SubElement(root, "header", {
        "creationtool": "transkit", "creationtoolversion": __version__,
        "segtype": "sentence", "o-tmf": "transkit", "adminlang": "en",
        "srclang": source_lang, "datatype": "xml", "creationdate": now})
    body = etree.SubElement(root, "body")
    count = 0
    for group in groups:
        chosen: dict[str, Variant] = {}
        for variant in group:
            if langs and variant.lang not in langs or not xml_safe(variant.text):
                continue  # (a control character: TMX cannot hold it, the memory keeps it)
            # One variant per language: the source, else a human translation, else imported.
            rank = {SOURCE: 0, "human": 1, IMPORTED: 2}.get(variant.origin, 9)
            best = chosen.get(variant.lang)
            best_rank = {SOURCE: 0, "human": 1, IMPORTED: 2}.get(best.origin, 9) if best else 99
            if rank < best_rank:
                chosen[variant.lang] = variant
        if len(chosen) < 2:
            continue
        src = next((v.lang for v in group if v.origin == SOURCE and v.lang in chosen),
                   next(iter(chosen)))
        tu = etree.SubElement(body, "tu", srclang=src)
        source = next((v for v in group if v.origin == SOURCE), None)
        codes = markup(source) if markup is not None and source is not None else None
        docs = sorted({v.doc for v in chosen.values() if v.doc})
        for doc in docs:
            etree.SubElement(tu, "prop", type="x-transkit-doc").text = doc
        for lang in sorted(chosen, key=lambda code: (code != src, code)):
            variant = chosen[lang]
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            if variant.date and re.match(r"^\d{4}-\d{2}-\d{2}$", variant.date):
                tuv.set("changedate", variant.date.replace("-", "") + "T000000Z")
            etree.SubElement(tuv, "prop", type="x-transkit-origin").text = variant.origin
            if variant.note:
                etree.SubElement(tuv, "note").text = variant.note
            _seg(tuv, variant.text, codes)
        count += 1
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True,
                          doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
    atomic_write_bytes(out, data)
    return count


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


def _entry(tu: etree._Element, default_src: str | None, path: Path) -> Entry | None:
    """One <tu> as an imported entry, or None when it has fewer than two languages."""
    tu_props, tu_notes, tuvs = _props(tu)
    src = _language(tu.get("srclang"), path, tu.sourceline) or default_src
    variants: list[Variant] = []
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
        variants.append(Variant(lang, text, IMPORTED, doc or path.name, when, None,
                                provenance))
    if len({v.lang for v in variants}) < 2:
        return None
    variants.sort(key=lambda v: v.lang != src)
    return Entry(variants)


def iter_tmx(path: Path) -> Iterator[Entry]:
    """Every <tu> with two or more languages, as an imported entry, read as a stream: memory
    holds one <tu> at a time, whatever the file's size. Raises InputError with the line
    for a malformed file, possibly after entries were yielded: learn them in one
    transaction, so that the error rolls them back."""
    try:
        with open_regular(path) as handle:
            yield from _stream(handle, path)
    except OSError as exc:
        raise read_error(exc, path) from None
    except etree.XMLSyntaxError as exc:
        raise InputError(f"malformed TMX: {exc.msg}", path, exc.lineno or None) from None


def _stream(handle: BinaryIO, path: Path) -> Iterator[Entry]:
    # A TMX file is untrusted input: no DTD loading, no entity expansion, no network.
    events = etree.iterparse(handle, events=("start", "end"), resolve_entities=False,
                             no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True)
    default_src: str | None = None
    depth = 0
    body = False
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
            entry = _entry(element, default_src, path)
            element.clear()  # what was read of the file is let go: memory stays flat
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
            if entry is not None:
                yield entry
        elif name == "body" and depth == 1:
            body = True  # the rest is still read: a malformed end is an error too
    if not body:
        raise InputError("TMX has no <body>", path)
