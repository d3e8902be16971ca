"""Glossaries in TBX-Basic (ISO 30042, the TBX 2008 `martif` form Translate Toolkit and
Weblate read; TBX 3 `tbx` files are read too): the project's glossary written as one, and
read back into it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from ..config import SEVERITIES
from ..errors import InputError
from ..glossary import WARNING, Glossary, Term
from ..languages import primary

if TYPE_CHECKING:
    from ..project import Project

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_TBX_BYTES = 64 * 1024 * 1024
STATUS = "administrativeStatus"
PREFERRED, ADMITTED = "preferredTerm-admn-sts", "admittedTerm-admn-sts"
FORBIDDEN = ("deprecatedTerm-admn-sts", "supersededTerm-admn-sts", "deprecated",
             "superseded", "forbidden")
# Translate Toolkit's and Weblate's mark of a term that is not translated.
TRANSLATION_NEEDED = "Translation needed"
SEVERITY_NOTE = "transkit-severity: "

# The element names of TBX 2008 and of TBX 3, for one reader.
ENTRY = {"termEntry", "conceptEntry"}
LANGSET = {"langSet", "langSec"}
TERM_GROUP = {"tig", "ntig", "termSec"}


# --- writing ------------------------------------------------------------------------------

def _sub(parent: etree._Element, tag: str, text: str | None = None,
         **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    for name, value in attributes.items():
        element.set(XML_LANG if name == "lang" else name, value)
    if text is not None:
        element.text = text
    return element


def _tig(lang_set: etree._Element, text: str, status: str) -> None:
    tig = _sub(lang_set, "tig")
    _sub(tig, "term", text)
    _sub(tig, "termNote", status, type=STATUS)


def write_tbx(glossary: Glossary, languages: tuple[str, ...], source_lang: str,
              title: str) -> bytes:
    """The glossary as a TBX-Basic document: a termEntry per term (preferred, admitted
    and forbidden forms with their administrative status, definitions per language, a
    severity other than warning as a note), and one per name not to translate (the same
    term in every language, `Translation needed: no`)."""
    root = etree.Element("martif", type="TBX-Basic")
    root.set(XML_LANG, source_lang)
    header = _sub(root, "martifHeader")
    file_desc = _sub(header, "fileDesc")
    _sub(_sub(file_desc, "titleStmt"), "title", title)
    _sub(_sub(file_desc, "sourceDesc"), "p", "written by transkit glossary export")
    _sub(_sub(header, "encodingDesc"), "p", "TBXBasicXCSV02.xcs", type="XCSURI")
    body = _sub(_sub(root, "text"), "body")
    order = list(languages) + sorted(
        {lang for t in glossary.terms for lang in (*t.forms, *t.forbidden, *t.admitted,
                                                   *t.definitions)} - set(languages))
    for number, term in enumerate(glossary.terms, 1):
        entry = _sub(body, "termEntry", id=f"term-{number}")
        if term.severity != WARNING:
            _sub(entry, "note", SEVERITY_NOTE + term.severity)
        for lang in order:
            forms = ([(term.forms[lang], PREFERRED)] if lang in term.forms else []) + [
                (f, ADMITTED) for f in term.admitted.get(lang, [])] + [
                (f, FORBIDDEN[0]) for f in term.forbidden.get(lang, [])]
            if not forms and lang not in term.definitions:
                continue
            lang_set = _sub(entry, "langSet", lang=lang)
            if lang in term.definitions:
                _sub(lang_set, "descrip", term.definitions[lang], type="definition")
            for text, status in forms:
                _tig(lang_set, text, status)
    for number, name in enumerate(glossary.keep, 1):
        entry = _sub(body, "termEntry", id=f"keep-{number}")
        _sub(entry, "descrip", "no", type=TRANSLATION_NEEDED)
        for lang in languages:
            _tig(_sub(entry, "langSet", lang=lang), name, PREFERRED)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                 pretty_print=True)
    return data


# --- reading ------------------------------------------------------------------------------

@dataclass
class _Entry:
    term: Term
    keep: bool


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def parse_tbx(data: bytes, path: Path | str) -> etree._Element:
    """The document's root; a DOCTYPE (entities, DTDs) or malformed XML is
    `InputError(path, line)`. Nothing is resolved, nothing fetched."""
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        found = data.find("<!DOCTYPE".encode(encoding))
        if found < 0:
            found = data.find("<!ENTITY".encode(encoding))
        if found >= 0:  # refused before the parser sees any declaration
            line = data[:found].decode(encoding, "replace").count("\n") + 1
            raise InputError("TBX must not have a DOCTYPE or entity declarations (DTDs and "
                             "entities are refused)", path, line)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True,
                             remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"malformed TBX: {exc.msg}", path, exc.lineno or None) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise InputError("TBX must not have a DOCTYPE", path, 1)
    if _local(root) not in {"martif", "tbx"}:
        raise InputError(f"not a TBX file (root element is <{_local(root)}>)", path,
                         root.sourceline)
    return root


def _language(element: etree._Element, languages: tuple[str, ...],
              path: Path | str) -> str:
    code = (element.get(XML_LANG) or "").strip()
    if not code:
        raise InputError(f"<{_local(element)}> without xml:lang", path, element.sourceline)
    known = {primary(x): x for x in languages}
    if primary(code) not in known:
        raise InputError(f"language {code!r} is not one of the project's "
                         f"({', '.join(languages)})", path, element.sourceline)
    return known[primary(code)]


def _own(element: etree._Element, names: set[str]) -> list[etree._Element]:
    """Descendants named `names`, not inside a nested language set or term group."""
    found = []
    for child in element:
        name = _local(child)
        if name in names:
            found.append(child)
        elif name not in LANGSET | TERM_GROUP:
            found.extend(_own(child, names))
    return found


def _entry(element: etree._Element, languages: tuple[str, ...], default_lang: str,
           path: Path | str) -> _Entry | None:
    term = Term({}, WARNING, element.sourceline or 0)
    keep = False
    for item in _own(element, {"descrip", "note"}):
        kind, text = item.get("type") or "", _text(item)
        if _local(item) == "note" and text.startswith(SEVERITY_NOTE):
            severity = text[len(SEVERITY_NOTE):].strip().lower()
            if severity not in SEVERITIES:
                raise InputError(f"unknown severity {severity!r}", path, item.sourceline)
            term.severity = severity
        elif kind == TRANSLATION_NEEDED:
            keep = text.strip().lower() == "no"
        elif kind == "definition" and text:
            term.definitions.setdefault(default_lang, text)
    for lang_set in [c for c in element if _local(c) in LANGSET]:
        lang = _language(lang_set, languages, path)
        for item in _own(lang_set, {"descrip"}):
            if item.get("type") == "definition" and _text(item):
                term.definitions[lang] = _text(item)
        for group in [c for c in lang_set if _local(c) in TERM_GROUP]:
            found = [t for t in group.iter("{*}term", "term")]
            text = _text(found[0]) if found else ""
            if not text:
                continue
            statuses = [_text(n) for n in group.iter("{*}termNote", "termNote")
                        if n.get("type") == STATUS]
            status = statuses[0].lower() if statuses else ""
            if status in FORBIDDEN or status.startswith(("deprecated", "superseded")):
                term.forbidden.setdefault(lang, []).append(text)
            elif lang not in term.forms:
                term.forms[lang] = text
            else:
                term.admitted.setdefault(lang, []).append(text)
    if keep:
        name = next(iter(term.forms.values()), "")
        return _Entry(Term({"*": name}), True) if name else None
    if not term.forms and not term.forbidden:
        return None
    return _Entry(term, False)


def read_tbx(data: bytes, path: Path | str, languages: tuple[str, ...]) -> Glossary:
    """A TBX document as a glossary of the project's languages: a language outside them,
    a DOCTYPE, malformed XML are `InputError(path, line)`."""
    root = parse_tbx(data, path)
    default_lang = (root.get(XML_LANG) or languages[0]).strip()
    if primary(default_lang) not in {primary(x) for x in languages}:
        raise InputError(f"language {default_lang!r} is not one of the project's "
                         f"({', '.join(languages)})", path, root.sourceline)
    default_lang = next(x for x in languages if primary(x) == primary(default_lang))
    glossary = Glossary()
    for element in root.iter("{*}termEntry", "termEntry", "{*}conceptEntry", "conceptEntry"):
        entry = _entry(element, languages, default_lang, path)
        if entry is None:
            continue
        if entry.keep:
            name = entry.term.forms["*"]
            if name not in glossary.keep:
                glossary.keep.append(name)
        else:
            glossary.terms.append(entry.term)
    return glossary


def merged(current: Glossary, imported: Glossary, source_lang: str) -> tuple[Glossary, int]:
    """`current` with the imported terms: one with the same source form (or, without
    one, the same forms) replaces the current one; names not to translate are added.
    Also how many terms were new."""

    def key(term: Term) -> str:
        form = term.forms.get(source_lang)
        return f"{source_lang}:{form.casefold()}" if form else repr(sorted(term.forms.items()))

    terms = list(current.terms)
    where = {key(t): i for i, t in enumerate(terms)}
    new = 0
    for term in imported.terms:
        k = key(term)
        if k in where:
            terms[where[k]] = term
        else:
            where[k] = len(terms)
            terms.append(term)
            new += 1
    keep = list(current.keep) + [n for n in imported.keep if n not in current.keep]
    return Glossary(terms, keep), new


# --- the project's glossary ------------------------------------------------------------------

@dataclass
class ImportResult:
    terms: int  # terms read from the file
    new: int  # of which not in the glossary before
    names: int  # names not to translate read
    new_names: int


def import_tbx(project: Project, path: Path) -> ImportResult:
    """Merge a TBX file into glossary/terms.csv and glossary/do-not-translate.txt (both
    written at once, or neither; the latter keeps its comments)."""
    from ..fsutil import atomic_write_all, confine, read_bytes, read_text
    from ..glossary import glossary_files, load_glossary

    config = project.config
    imported = read_tbx(read_bytes(path, MAX_TBX_BYTES), path, project.languages)
    current = load_glossary(project.root, config.allow_outside)
    glossary, new = merged(current, imported, config.source_language)
    folder = project.glossary
    terms_file, keep_file = folder / "terms.csv", folder / "do-not-translate.txt"
    for target in (folder, terms_file, keep_file):
        if target.is_symlink():
            confine(project.root.resolve(), target, config.allow_outside)
    terms_data, _ = glossary_files(glossary, project.languages)
    kept = read_text(keep_file) if keep_file.exists() else ""
    added = [n for n in imported.keep if n not in current.keep]
    if added and kept and not kept.endswith("\n"):
        kept += "\n"
    kept += "".join(f"{name}\n" for name in added)
    folder.mkdir(exist_ok=True)
    atomic_write_all([(terms_file, terms_data), (keep_file, kept.encode("utf-8"))])
    return ImportResult(len(imported.terms), new, len(imported.keep), len(added))


def export_tbx(project: Project, out: Path) -> tuple[int, int]:
    """Write the project's glossary to `out` as TBX-Basic; (terms, names) written."""
    from ..fsutil import atomic_write_bytes
    from ..glossary import load_glossary

    config = project.config
    glossary = load_glossary(project.root, config.allow_outside)
    atomic_write_bytes(out, write_tbx(glossary, project.languages, config.source_language,
                                      f"{config.name}: glossary"))
    return len(glossary.terms), len(glossary.keep)
