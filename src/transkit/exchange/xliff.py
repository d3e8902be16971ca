"""XLIFF 2.0 and 1.2, the files an agency's CAT tool reads and writes: documents of units
(source, target, state, notes, matches, inline codes) written from and read back into
placeholder text (<g1>…</g1>, <x2/>), validated against the OASIS schemas.

Inline markup travels as real inline codes: 2.0 `<pc>`/`<ph>` whose `originalData` holds
the HTML they stand for, 1.2 `<g>`/`<x/>`; the code ids are the placeholder numbers, so
mapping back is by id. Reading never resolves an entity or reaches the network.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree

from .. import __version__
from ..errors import InputError
from ..fsutil import atomic_write_bytes
from ..sources.inline import PlaceholderError, tokens, validate
from ..unit import FUZZY, PLACEHOLDER, TRANSLATED, Unit
from . import Bitext, Code, Markup, is_legend, legend_codes

NS2 = "urn:oasis:names:tc:xliff:document:2.0"
NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS_MTC = "urn:oasis:names:tc:xliff:matches:2.0"
NS_TK = "urn:transkit:xliff"  # our own attributes (the export's fingerprint of each entry)
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FINGERPRINT = f"{{{NS_TK}}}fp"
VERSIONS = ("2.0", "1.2")
MAX_XLIFF_BYTES = 256 * 1024 * 1024

# Characters XML 1.0 cannot hold (XLIFF 2.0 writes them as <cp hex="…"/>).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- identity --------------------------------------------------------------------------------

def unit_id(msgid: str, msgctxt: str | None) -> str:
    """The same entry gives the same id on every export: a hash of its context and source."""
    key = (msgctxt if msgctxt is not None else "\x00") + "\x04" + msgid
    return "u" + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def unit_ids(keys: list[tuple[str, str | None]]) -> list[str]:
    """Ids for a file's entries in file order, unique within it (a repeated hash, which
    would take a collision of 64 bits, gets a suffix)."""
    seen: set[str] = set()
    ids = []
    for msgid, msgctxt in keys:
        base = candidate = unit_id(msgid, msgctxt)
        n = 1
        while candidate in seen:
            n += 1
            candidate = f"{base}-{n}"
        seen.add(candidate)
        ids.append(candidate)
    return ids


def fingerprint(lang: str, state: str, msgstr: str) -> str:
    """What the entry's translation side was at export: the catalogue's language, the
    entry's state and a hash of its text (`fr:fuzzy:1f0c…`)."""
    digest = hashlib.sha256(msgstr.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"{lang}:{state}:{digest}"


def fingerprint_parts(value: str | None) -> tuple[str, str, str] | None:
    """(language, state, hash) of a fingerprint; None when there is none or it is not one."""
    parts = (value or "").split(":")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


# --- writing ---------------------------------------------------------------------------------

def dumps(bitexts: list[Bitext], version: str, source: str, target: str,
          markup: Markup | None = None, fingerprints: bool = False) -> bytes:
    """The units as XLIFF `version` (2.0 or 1.2), one <file> per bitext, UTF-8.
    `markup(doc, source text)` says what a unit's placeholders stand for (beside its
    legend); with `fingerprints`, each unit carries what its entry held (`fingerprint`)."""
    writing = _Writing(source, target, markup, fingerprints)
    if version == "2.0":
        root = _write20(bitexts, writing)
    elif version == "1.2":
        root = _write12(bitexts, writing)
    else:
        raise ValueError(f"unknown XLIFF version {version!r}")
    _indent(root, 0)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return data + b"\n"


class _Writing:
    """What the writer needs of a unit besides its text: its id, codes, notes, previous
    source, matches and fingerprint, all read from the Unit and its Bitext here."""

    def __init__(self, source: str, target: str, markup: Markup | None, fingerprints: bool):
        self.source = source
        self.target = target
        self.markup = markup
        self.fingerprints = fingerprints

    def ids(self, bitext: Bitext) -> list[str]:
        if len(bitext.ids) == len(bitext.units):
            return bitext.ids
        return unit_ids([u.key for u in bitext.units])

    def codes(self, bitext: Bitext, unit: Unit) -> dict[int, Code]:
        codes = legend_codes(unit)
        if self.markup is not None and "<" in unit.msgid:
            codes.update(self.markup(bitext.doc, unit.msgid) or {})
        return codes

    def fingerprint(self, bitext: Bitext, index: int, unit: Unit) -> str | None:
        if self.fingerprints:
            return fingerprint(bitext.target, unit.state, unit.msgstr)
        return bitext.fingerprints.get(index)


def notes(unit: Unit) -> list[tuple[str, str]]:
    """A unit's comments, context, flags and references as XLIFF notes (category, text)."""
    found: list[tuple[str, str]] = []
    legend = [c for c in unit.extracted_comments if is_legend(c)]
    if legend:
        found.append(("placeholders", "\n".join(legend)))
    found += [("developer", c) for c in unit.extracted_comments if not is_legend(c)]
    found += [("translator", c) for c in unit.translator_comments]
    if unit.msgctxt is not None:
        found.append(("context", unit.msgctxt))
    flags = [f for f in unit.flags if f != "fuzzy"]
    if flags:
        found.append(("flags", ", ".join(flags)))
    if unit.references:
        found.append(("location", " ".join(unit.references)))
    return found


def _previous(unit: Unit) -> str | None:
    return unit.previous_msgid if unit.fuzzy else None


# Structural elements get indented; text-bearing ones are written exactly as they are.
_LEAVES = frozenset({"source", "target", "note", "data", "tool"})


def _indent(element: etree._Element, depth: int) -> None:
    children = [c for c in element if isinstance(c.tag, str)]
    if not children or etree.QName(element).localname in _LEAVES:
        return
    element.text = "\n" + "  " * (depth + 1)
    for child in children:
        _indent(child, depth + 1)
        child.tail = "\n" + "  " * (depth + 1)
    children[-1].tail = "\n" + "  " * depth


def _ctype12(code: Code) -> str:
    paired = {"a": "link", "b": "bold", "strong": "bold", "i": "italic", "em": "italic",
              "u": "underlined"}
    empty = {"img": "image", "br": "lb"}
    found = (paired if code.kind == "g" else empty).get(code.tag)
    tag = re.sub(r"[^A-Za-z0-9_-]", "", code.tag) or "code"
    return found or f"x-html-{tag}"


def _type20(code: Code) -> str:
    return {"a": "link", "img": "image"}.get(code.tag, "fmt")


class _Inline:
    """Placeholder text written as inline codes into one element."""

    def __init__(self, ns: str, version: str, codes: dict[int, Code], data_refs: bool,
                 data_ids: frozenset[int] = frozenset()):
        self.ns = ns
        self.version = version
        self.codes = codes
        self.data_refs = data_refs
        self.data_ids = data_ids  # the codes whose markup the unit's originalData holds

    def write(self, parent: etree._Element, text: str) -> None:
        stack = [parent]
        last: list[etree._Element | None] = [None]
        for kind, value, n in tokens(text):
            if kind == "text":
                self._text(stack[-1], last, value)
                continue
            code = self.codes.get(n, Code("g" if kind != "empty" else "x"))
            if kind == "close":
                if len(stack) > 1:
                    stack.pop()
                    last.pop()
                continue
            element = self._element(stack[-1], kind, n, code)
            last[-1] = element
            if kind == "open":
                stack.append(element)
                last.append(None)

    def _element(self, parent: etree._Element, kind: str, n: int,
                 code: Code) -> etree._Element:
        q = f"{{{self.ns}}}"
        if self.version == "2.0":
            if kind == "open":
                element = etree.SubElement(parent, q + "pc", id=str(n))
                if self.data_refs and n in self.data_ids:
                    element.set("dataRefStart", f"d{n}")
                    element.set("dataRefEnd", f"d{n}e")
            else:
                element = etree.SubElement(parent, q + "ph", id=str(n))
                if self.data_refs and n in self.data_ids:
                    element.set("dataRef", f"d{n}")
            element.set("type", _type20(code))
            element.set("canDelete", "no")
            element.set("canCopy", "no")
            return element
        tag = "g" if kind == "open" else "x"
        return etree.SubElement(parent, q + tag, id=str(n), ctype=_ctype12(code))

    def _text(self, holder: etree._Element, last: list[etree._Element | None],
              value: str) -> None:
        pieces = _NOT_XML.split(value)
        specials = _NOT_XML.findall(value)
        if specials and self.version != "2.0":
            raise ValueError("a control character XLIFF 1.2 cannot hold (use --version 2.0)")
        for index, piece in enumerate(pieces):
            if piece:
                target = last[-1]
                if target is None:
                    holder.text = (holder.text or "") + piece
                else:
                    target.tail = (target.tail or "") + piece
            if index < len(specials):
                cp = etree.SubElement(holder, f"{{{self.ns}}}cp",
                                      hex=f"{ord(specials[index]):04X}")
                last[-1] = cp


def _notes_text(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _write20(bitexts: list[Bitext], w: _Writing) -> etree._Element:
    q, m = f"{{{NS2}}}", f"{{{NS_MTC}}}"
    root = etree.Element(q + "xliff", nsmap={None: NS2, "mtc": NS_MTC, "transkit": NS_TK})
    root.set("version", "2.0")
    root.set("srcLang", w.source)
    root.set("trgLang", w.target)
    for bitext in bitexts:
        file_el = etree.SubElement(root, q + "file", id=bitext.doc, original=bitext.original,
                                   canResegment="no")
        for index, (ident, unit) in enumerate(zip(w.ids(bitext), bitext.units, strict=True)):
            codes = w.codes(bitext, unit)
            unit_el = etree.SubElement(file_el, q + "unit", id=ident)
            unit_el.set(XML_SPACE, "preserve")
            printed = w.fingerprint(bitext, index, unit)
            if printed:
                unit_el.set(FINGERPRINT, printed)
            suggestions = bitext.matches.get(index, [])
            if suggestions:
                matches = etree.SubElement(unit_el, m + "matches")
                plain = _Inline(NS2, "2.0", codes, data_refs=False)
                for number, match in enumerate(suggestions, 1):
                    match_el = etree.SubElement(matches, m + "match", ref="#s1",
                                                id=f"m{number}", type="tm",
                                                similarity=f"{min(match.score, 100)}",
                                                origin=match.origin)
                    plain.write(etree.SubElement(match_el, q + "source"), match.source)
                    plain.write(etree.SubElement(match_el, q + "target"), match.target)
            listed = notes(unit)
            previous = _previous(unit)
            if previous is not None:
                listed.append(("previous-source", previous))
            if listed:
                notes_el = etree.SubElement(unit_el, q + "notes")
                for category, text in listed:
                    note = etree.SubElement(notes_el, q + "note", category=category)
                    if category == "placeholders":
                        note.set("appliesTo", "source")
                    note.text = _notes_text(text)
            used = list(dict.fromkeys(n for kind, _, n in tokens(unit.msgid)
                                      if kind in ("open", "empty")))
            data = [(n, codes[n]) for n in used if n in codes and codes[n].start]
            if data:
                original = etree.SubElement(unit_el, q + "originalData")
                for n, code in data:
                    _data(original, q, f"d{n}", code.start)
                    if code.kind == "g":
                        _data(original, q, f"d{n}e", code.end)
            segment = etree.SubElement(unit_el, q + "segment", id="s1", canResegment="no")
            inline = _Inline(NS2, "2.0", codes, data_refs=True,
                             data_ids=frozenset(n for n, _ in data))
            inline.write(etree.SubElement(segment, q + "source"), unit.msgid)
            if unit.msgstr:
                state = unit.state
                inline.write(etree.SubElement(segment, q + "target"), unit.msgstr)
                segment.set("state", "final" if state == TRANSLATED else "initial")
                if state == FUZZY:
                    segment.set("subState", "transkit:fuzzy")
            else:
                segment.set("state", "initial")
    return root


def _data(parent: etree._Element, q: str, ident: str, markup: str) -> None:
    element = etree.SubElement(parent, q + "data", id=ident)
    _Inline(NS2, "2.0", {}, False)._text(element, [None], markup)


def _write12(bitexts: list[Bitext], w: _Writing) -> etree._Element:
    q = f"{{{NS12}}}"
    root = etree.Element(q + "xliff", nsmap={None: NS12, "transkit": NS_TK})
    root.set("version", "1.2")
    for bitext in bitexts:
        file_el = etree.SubElement(root, q + "file", {
            "original": bitext.original, "datatype": "html",
            "source-language": bitext.source or w.source, "target-language": w.target})
        header = etree.SubElement(file_el, q + "header")
        etree.SubElement(header, q + "tool", {"tool-id": "transkit", "tool-name": "transkit",
                                              "tool-version": __version__})
        body = etree.SubElement(file_el, q + "body")
        for index, (ident, unit) in enumerate(zip(w.ids(bitext), bitext.units, strict=True)):
            tu = etree.SubElement(body, q + "trans-unit", id=ident)
            tu.set(XML_SPACE, "preserve")
            printed = w.fingerprint(bitext, index, unit)
            if printed:
                tu.set(FINGERPRINT, printed)
            inline = _Inline(NS12, "1.2", w.codes(bitext, unit), data_refs=False)
            inline.write(etree.SubElement(tu, q + "source"), unit.msgid)
            if unit.msgstr:
                target = etree.SubElement(tu, q + "target")
                inline.write(target, unit.msgstr)
                if unit.state == TRANSLATED:
                    target.set("state", "translated")
                    tu.set("approved", "yes")
                else:
                    target.set("state", "needs-review-translation")
            for category, text in notes(unit):
                note = etree.SubElement(tu, q + "note", {"from": category})
                if category == "placeholders":
                    note.set("annotates", "source")
                note.text = _notes_text(text)
            previous = _previous(unit)
            if previous is not None:
                alt = etree.SubElement(tu, q + "alt-trans", alttranstype="previous-version",
                                       origin="previous source")
                inline.write(etree.SubElement(alt, q + "source"), previous)
                inline.write(etree.SubElement(alt, q + "target"), unit.msgstr)
            for match in bitext.matches.get(index, []):
                alt = etree.SubElement(tu, q + "alt-trans", {
                    "match-quality": f"{min(match.score, 100)}%", "origin": match.origin,
                    "alttranstype": "proposal"})
                inline.write(etree.SubElement(alt, q + "source"), match.source)
                target = etree.SubElement(alt, q + "target")
                target.set(XML_LANG, w.target)
                inline.write(target, match.target)
    return root


# --- reading ---------------------------------------------------------------------------------

def _parser() -> etree.XMLParser:
    # An exchange file is untrusted: no DTD, no entity expansion, no network.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True,
                           remove_pis=True)


@lru_cache(maxsize=2)
def schema(version: str) -> etree.XMLSchema:
    """The OASIS schema of `version` (shipped with transkit; `xml.xsd` beside it)."""
    name = {"2.0": "xliff-core-2.0.xsd", "1.2": "xliff-core-1.2-transitional.xsd"}[version]
    folder = resources.files("transkit") / "data" / "xliff"
    with resources.as_file(folder / name) as path:
        doc = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False))
        return etree.XMLSchema(doc)


def read(path: Path, data: bytes | None = None) -> list[Bitext]:
    """Read and validate an XLIFF 2.0 or 1.2 file, one Bitext per <file> (all of one target
    language): malformed XML, a DOCTYPE (entities), a schema error or a missing language
    is `InputError(path, line)`. Units whose inline codes do not match their source's come
    back with a problem (`Bitext.problems`); a unit's state is the Unit's, from its target
    and a fuzzy flag for a target not marked done."""
    from ..fsutil import read_bytes

    if data is None:
        data = read_bytes(path, MAX_XLIFF_BYTES)
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        found = data.find("<!DOCTYPE".encode(encoding))
        if found >= 0:  # refused before the parser sees any entity declaration
            line = data[:found].decode(encoding, "replace").count("\n") + 1
            raise InputError("XLIFF must not have a DOCTYPE (entities and DTDs are refused)",
                             path, line)
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser()))
    except etree.XMLSyntaxError as exc:
        raise InputError(f"malformed XLIFF: {exc.msg}", path, exc.lineno or None) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise InputError("XLIFF must not have a DOCTYPE (entities and DTDs are refused)",
                         path, 1)
    root = tree.getroot()
    namespace = etree.QName(root).namespace
    version = {NS2: "2.0", NS12: "1.2"}.get(namespace or "")
    if etree.QName(root).localname != "xliff" or version is None:
        raise InputError("not an XLIFF 2.0 or 1.2 file (root element is "
                         f"<{etree.QName(root).localname}> in {namespace or 'no namespace'})",
                         path, root.sourceline)
    if version == "2.0":
        # Translate Toolkit (and tools built on it) write xml:space on <segment>, where
        # the 2.0 schema does not allow it; it means what it would on the unit, which is
        # how the text is read anyway, so it is set aside before validating.
        for segment in root.iter(f"{{{NS2}}}segment", f"{{{NS2}}}ignorable"):
            segment.attrib.pop(XML_SPACE, None)
    checker = schema(version)
    if not checker.validate(tree):
        error = checker.error_log.last_error
        if error is not None:
            message = re.sub(r"\{[^}]*\}", "", error.message)
            raise InputError(f"not valid XLIFF {version}: {message}", path, error.line)
    if version == "2.0":
        return _read20(root, path)
    return _read12(root, path)


class Xliff20:
    """XLIFF 2.0 (OASIS), the file a CAT tool exchanges: reads 2.0 and 1.2 alike."""

    name = "xliff"
    version = "2.0"
    suffixes: tuple[str, ...] = (".xlf", ".xliff")
    description = "XLIFF 2.0 (reads 1.2 too)"

    def read(self, path: Path, source_lang: str | None = None) -> list[Bitext]:
        return read(path)

    def write(self, bitexts: Iterable[Bitext], path: Path, markup: Markup | None = None,
              fingerprints: bool = False, source_lang: str = "", **options: Any) -> int:
        """One <file> per bitext (all of one target language); the document's source
        language is `source_lang`, else the first bitext's."""
        batches = list(bitexts)
        if not batches:
            raise InputError("nothing to write", path)
        try:
            data = dumps(batches, self.version, source_lang or batches[0].source,
                         batches[0].target, markup, fingerprints)
        except ValueError as exc:
            raise InputError(str(exc), path) from None
        atomic_write_bytes(path, data)
        return sum(len(b.units) for b in batches)


class Xliff12(Xliff20):
    """XLIFF 1.2, for CAT tools that have no 2.0 (chosen by name: .xlf means 2.0)."""

    name = "xliff12"
    version = "1.2"
    suffixes = ()
    description = "XLIFF 1.2 (reads 2.0 too)"


def _language(value: str | None, what: str, path: Path, line: int | None) -> str:
    if not value:
        raise InputError(f"no {what} language", path, line)
    return value


def _read20(root: etree._Element, path: Path) -> list[Bitext]:
    q = f"{{{NS2}}}"
    src = _language(root.get("srcLang"), "source (srcLang)", path, root.sourceline)
    tgt = _language(root.get("trgLang"), "target (trgLang)", path, root.sourceline)
    found = []
    for file_el in root.iterchildren(q + "file"):
        bitext = Bitext(src, tgt, doc=file_el.get("id") or "",
                        original=file_el.get("original") or "", line=file_el.sourceline or 0)
        for unit_el in file_el.iter(q + "unit"):
            _unit20(unit_el, q, bitext)
        found.append(bitext)
    return found


_STATE_RANK = {"initial": 0, "translated": 1, "reviewed": 2, "final": 3}


def _unit20(unit_el: etree._Element, q: str, bitext: Bitext) -> None:
    reader = _Reader()
    source_parts: list[str] = []
    target_parts: list[str] = []
    states: list[str] = []
    has_target = False
    for part in unit_el:
        if part.tag not in (q + "segment", q + "ignorable"):
            continue
        source = part.find(q + "source")
        target = part.find(q + "target")
        source_parts.append(reader.source(source))
        if target is not None:
            has_target = True
            target_parts.append(reader.target(target))
        elif part.tag == q + "ignorable":
            target_parts.append(source_parts[-1])  # white space between segments
        if part.tag == q + "segment":
            states.append(part.get("state", "initial"))
    lowest = min(states, key=lambda s: _STATE_RANK.get(s, 0)) if states else "initial"
    unit = Unit("".join(source_parts), "".join(target_parts) if has_target else "",
                line=unit_el.sourceline or 0)
    notes_el = unit_el.find(q + "notes")
    for note in notes_el.iterchildren(q + "note") if notes_el is not None else []:
        _note(unit, note.get("category") or "", note.text or "")
    _add(bitext, unit, unit_el.get("id") or "", unit_el.get(FINGERPRINT),
         lowest in ("translated", "reviewed", "final"), reader)


def _note(unit: Unit, category: str, text: str) -> None:
    """An XLIFF note back into the unit (the categories `notes` writes)."""
    if category == "translator":
        unit.translator_comments.append(text)
    elif category in ("developer", "placeholders"):
        unit.extracted_comments.extend(text.split("\n") if category == "placeholders"
                                       else [text])
    elif category == "previous-source":
        unit.previous_msgid = text


def _add(bitext: Bitext, unit: Unit, ident: str, printed: str | None, done: bool,
         reader: _Reader) -> None:
    # A target not marked done is a fuzzy one: the unit's state follows (`Unit.state`).
    unit.set_fuzzy(bool(unit.msgstr) and not done)
    index = len(bitext.units)
    bitext.units.append(unit)
    bitext.ids.append(ident)
    if printed is not None:
        bitext.fingerprints[index] = printed
    problem = reader.finish(unit)
    if problem is not None:
        bitext.problems[index] = problem


_DONE_12 = frozenset({"translated", "final", "signed-off"})


def _read12(root: etree._Element, path: Path) -> list[Bitext]:
    q = f"{{{NS12}}}"
    found: list[Bitext] = []
    for file_el in root.iterchildren(q + "file"):
        src = _language(file_el.get("source-language"), "source (source-language)", path,
                        file_el.sourceline)
        tgt = _language(file_el.get("target-language"), "target (target-language)", path,
                        file_el.sourceline)
        if found and tgt != found[0].target:
            raise InputError(f"files for several target languages ({found[0].target}, "
                             f"{tgt}): one target language per file", path,
                             file_el.sourceline)
        original = file_el.get("original") or ""
        bitext = Bitext(src, tgt, doc=Path(original).stem, original=original,
                        line=file_el.sourceline or 0)
        body = file_el.find(q + "body")
        for tu in body.iter(q + "trans-unit") if body is not None else []:
            _unit12(tu, q, bitext)
        found.append(bitext)
    if not found:
        raise InputError("XLIFF has no <file>", path, root.sourceline)
    return found


def _unit12(tu: etree._Element, q: str, bitext: Bitext) -> None:
    reader = _Reader()
    source = tu.find(q + "source")
    target = tu.find(q + "target")
    unit = Unit(reader.source(source), line=tu.sourceline or 0)
    done = False
    if target is not None:
        unit.msgstr = reader.target(target)
        state = target.get("state")
        approved = tu.get("approved")
        if approved == "yes":
            done = True
        elif state is not None:
            done = state in _DONE_12
        else:
            done = approved != "no"
    for note in tu.iterchildren(q + "note"):
        _note(unit, note.get("from") or "", note.text or "")
    for alt in tu.iterchildren(q + "alt-trans"):
        previous = alt.find(q + "source")
        if alt.get("alttranstype") == "previous-version" and previous is not None:
            unit.previous_msgid = _Reader().source(previous)
    _add(bitext, unit, tu.get("id") or "", tu.get(FINGERPRINT), done, reader)


class _Reader:
    """Inline content back to placeholder text. Code ids that are numbers are the
    placeholder numbers (our exports); other ids are numbered in order of appearance in
    the source. A target's codes must be the source's: anything else is the unit's
    `problem`."""

    PAIRED_OPEN = frozenset({"pc", "g", "sc", "bx", "bpt"})
    PAIRED_CLOSE = frozenset({"ec", "ex", "ept"})
    EMPTY = frozenset({"ph", "x", "it"})
    WRAPPERS = frozenset({"mrk"})
    SKIPPED = frozenset({"sm", "em"})

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.kinds: dict[int, str] = {}
        self.problem: str | None = None
        self.in_source = True

    def source(self, element: etree._Element | None) -> str:
        self.in_source = True
        return self._text(element) if element is not None else ""

    def target(self, element: etree._Element) -> str:
        self.in_source = False
        return self._text(element)

    def finish(self, unit: Unit) -> str | None:
        """Why the unit read cannot be used, or None."""
        if self.problem is None and unit.msgstr:
            try:
                validate(unit.msgstr, dict(self.kinds))
            except PlaceholderError as exc:
                return f"inline codes do not match the source's: {exc}"
        if self.problem is None and PLACEHOLDER.search(unit.msgid) and not self.kinds:
            return "the source holds placeholder text, not inline codes"
        return self.problem

    def _fail(self, reason: str) -> None:
        if self.problem is None and not self.in_source:
            self.problem = reason
        elif self.problem is None:
            self.problem = f"source: {reason}"

    def _number(self, ident: str | None, kind: str, tag: str) -> int | None:
        if ident is None:
            self._fail(f"<{tag}> without an id")
            return None
        if self.in_source:
            if ident not in self.numbers:
                number = int(ident) if ident.isdigit() else len(self.numbers) + 1
                if number in self.kinds:
                    number = max(self.kinds) + 1
                self.numbers[ident] = number
                self.kinds[number] = kind
            return self.numbers[ident]
        found = self.numbers.get(ident)
        if found is None:
            self._fail(f"<{tag} id=\"{ident}\"> is not a code of the source")
            return None
        if self.kinds[found] != kind:
            self._fail(f"<{tag} id=\"{ident}\"> is not the kind of code the source has there")
            return None
        return found

    def _text(self, element: etree._Element) -> str:
        parts: list[str] = []
        self._add(parts, element.text)
        for child in element:
            self._child(parts, child)
            self._add(parts, child.tail)
        return "".join(parts)

    def _add(self, parts: list[str], text: str | None) -> None:
        if not text:
            return
        if PLACEHOLDER.search(text):
            self._fail("placeholder text typed as text: inline codes must stay codes")
        parts.append(text)

    def _child(self, parts: list[str], child: etree._Element) -> None:
        if not isinstance(child.tag, str):
            return
        tag = etree.QName(child).localname
        if tag == "cp":
            try:
                parts.append(chr(int(child.get("hex", ""), 16)))
            except (ValueError, OverflowError):
                self._fail("<cp> with a bad hex value")
            return
        if tag in self.WRAPPERS:
            parts.append(self._text(child))
            return
        if tag in self.SKIPPED:
            return
        if tag in ("pc", "g"):
            number = self._number(child.get("id"), "g", tag)
            inner = self._text(child)
            if number is not None:
                parts.append(f"<g{number}>{inner}</g{number}>")
            return
        if tag in ("sc", "bx", "bpt"):
            ident = child.get("rid") or child.get("id")
            number = self._number(ident, "g", tag)
            if number is not None:
                parts.append(f"<g{number}>")
            return
        if tag in self.PAIRED_CLOSE:
            ident = child.get("startRef") or child.get("rid") or child.get("id")
            if ident is None:
                self._fail(f"<{tag}> without a reference to its start")
                return
            number = self.numbers.get(ident)
            if number is None:
                self._fail(f"<{tag}> closes a code the source does not have")
                return
            parts.append(f"</g{number}>")
            return
        if tag in self.EMPTY:
            number = self._number(child.get("id"), "x", tag)
            if number is not None:
                parts.append(f"<x{number}/>")
            return
        self._fail(f"unexpected element <{tag}>")
