"""`transkit align`: import published translations into the project.

One pair (a published source post and one published translation) or a whole
archive folder (pages paired by their hreflang language links, else by file
names). For each pair: both pages are checked to be in the languages they claim
(langid.py's model, restricted to the project's languages), aligned (alignment.py),
refused when they do not look like translations of each other, then the source
is extracted as a bulletin, the target catalogue is filled with the aligned
translations (fuzzy with `aligned <confidence>` unless trusted), and the pairs
are kept as TMX under tm/ and learnt by the translation memory (imported).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from . import alignment, catalog
from .errors import InputError
from .fsutil import atomic_write_bytes, read_bytes
from .languages import check_language, native_name, primary
from .project import Project, check_doc_name, doc_name
from .sources import file_name, inline, is_source, stem
from .sources.html import declared_language, parse_html, read_document
from .unit import Unit, excerpt, plain_text

COMMENT = "aligned "


@dataclass
class PairReport:
    source: Path
    translation: Path
    source_lang: str
    lang: str
    doc: str
    alignment: alignment.Alignment
    units: list[Unit]
    codes: list[dict[int, inline.Code]]  # each unit's placeholders
    transfers: list[tuple[str, list[str]]]  # per pair: translation text, notes
    existing: Path | None = None  # the project's bulletin the source page is, if any
    found_by: str = ""  # how it was found: "path", "content"
    filled: int = 0  # empty entries given the published translation
    trusted: int = 0  # of those filled or replaced, written as translated (--trust)
    replaced: Counter[str] = field(default_factory=Counter)  # draft kind -> count
    kept: Counter[str] = field(default_factory=Counter)  # why -> count
    absent: int = 0  # units of the page the document does not have
    written: list[str] = field(default_factory=list)

    def kinds(self) -> Counter[str]:
        return Counter(p.kind for p in self.alignment.pairs)


# --- language identification ------------------------------------------------------------

@cache
def _identifier(languages: tuple[str, ...]) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


def check_page_language(path: Path, units: list[Unit], expected: str,
                        languages: tuple[str, ...]) -> None:
    """Refuse a page whose text reads clearly as another of the project's languages."""
    text = plain_text(" ".join(u.msgid for u in units))
    if len(text) < 40:
        return  # too little text to judge
    candidates = tuple(sorted({primary(x) for x in languages} | {expected}))
    found, probability = _identifier(candidates).classify(text)
    if found != expected and probability >= 0.9:
        raise InputError(f"the page reads as {native_name(found)} ({found}), not "
                         f"{native_name(expected)} ({expected}); pass the right page or "
                         "--lang (or --force to align anyway)", path, 1)


# --- one pair -------------------------------------------------------------------------------

def align_pair(project: Project, source: Path, translation: Path, lang: str | None = None,
               name: str | None = None, force: bool = False) -> PairReport:
    """Parse, check and align one pair; nothing is written."""
    config = project.config
    src_doc = project.load_document(source)
    # --lang wins over the page's declaration (pages do declare the wrong language);
    # the text itself is checked below either way.
    chosen = check_language(primary(lang)) if lang is not None else None
    tgt_doc = read_document(translation, "translation", str(translation), config.extract,
                            config.source_language, chosen)
    lang = chosen or declared_language(tgt_doc.tree.getroot(), translation)
    if lang is None:
        raise InputError("the translation declares no language: pass --lang", translation, 1)
    if lang not in project.languages:
        raise InputError(f"language {lang!r} is not one of the project's languages "
                         f"({', '.join(project.languages)})", translation, 1)
    if lang == src_doc.source_language:
        raise InputError(f"both pages are in {lang!r}: a translation is in another language",
                         translation, 1)
    units = src_doc.units()
    if not force:
        check_page_language(source, units, src_doc.source_language, project.languages)
        check_page_language(translation, tgt_doc.units(), lang, project.languages)
    sides = alignment.align_sides(alignment.source_side(src_doc),
                                  alignment.target_side(tgt_doc))
    overall = sides.overall
    if overall < config.align.refuse_below and not force:
        raise InputError(f"the pages do not look like translations of each other (overall "
                         f"confidence {overall:.2f} < align.refuse_below "
                         f"{config.align.refuse_below:.2f}); --force aligns them anyway",
                         translation, 1)
    codes = alignment.unit_codes(src_doc)
    # Each pair's translation in the source's placeholders, made once for the catalogue,
    # the TMX and the review page.
    transfers = [alignment.transfer(p, codes[p.src[0]]) if p.src and p.tgt else ("", [])
                 for p in sides.pairs]
    existing, found_by = find_document(project, source, units)
    if existing is not None:
        doc = doc_name(existing)
        if name is not None and name != doc:
            raise InputError(f"this page is document {doc!r} of the project "
                             f"({project.shown(existing)}, found by its {found_by}): "
                             "--name names a new page only", source)
    else:
        doc = (check_doc_name(name) if name is not None
               else default_name(source, src_doc.source_language))
    return PairReport(source, translation, src_doc.source_language, lang, doc, sides,
                      units, codes, transfers, existing, found_by)


# Share of a page's units a document's template must hold for the page to be that
# document (a published copy with a changed sentence or two is still the same post).
SAME_DOCUMENT = 0.6


def find_document(project: Project, page: Path, units: list[Unit]) -> tuple[Path | None, str]:
    """The project's bulletin that `page` is, and how it was found: by path (the page is
    in bulletins/), by content (a bulletin with the same bytes, or a document whose
    template holds most of the page's units); (None, "") for a new page."""
    import hashlib

    from .project import is_chrome, regular

    folder = project.bulletins
    try:
        if page.resolve().parent == folder.resolve() and is_source(page):
            return folder / page.name, "path"
    except OSError:
        pass
    if not folder.is_dir():
        return None, ""
    data = page.read_bytes()
    wanted = hashlib.sha256(data).digest()
    for bulletin in project.sources():
        if regular(bulletin) and bulletin.stat().st_size == len(data) and (
                hashlib.sha256(bulletin.read_bytes()).digest() == wanted):
            return bulletin, "content"
    keys = {u.key for u in units}
    if not keys:
        return None, ""
    best: tuple[float, str] = (0.0, "")
    for entry in project.documents():
        if is_chrome(entry.name) or not (folder / file_name(folder, entry.name)).is_file():
            continue
        held = {u.key for u in catalog.load(entry.template).active()}
        share = len(keys & held) / len(keys)
        if share > best[0]:
            best = (share, entry.name)
    if best[0] >= SAME_DOCUMENT:
        return folder / file_name(folder, best[1]), "content"
    return None, ""


def default_name(source: Path, lang: str) -> str:
    """The source's file name without a language code in it (post.ca.html → post)."""
    parts = re.split(r"([._-])", source.stem)
    kept = [p for p in parts[::2] if p.lower() != lang]
    if not kept:
        return doc_name(source)
    name = "-".join(kept) if len(kept) != len(parts[::2]) else source.stem
    return doc_name(source.with_name(name + source.suffix))


def _proposals(report: PairReport, bar: float, trust: bool
               ) -> dict[int, tuple[str, bool, list[str]]]:
    """Unit index -> (translation, trusted, comment lines)."""
    codes = report.codes
    out: dict[int, tuple[str, bool, list[str]]] = {}
    for pair, (text, transfer_notes) in zip(report.alignment.pairs, report.transfers,
                                            strict=True):
        if not pair.src or not pair.tgt:
            continue
        first = pair.src[0]
        notes = list(transfer_notes)
        expected = {n: c.kind for n, c in codes[first].items()}
        try:
            inline.validate(text, expected)
        except inline.PlaceholderError as exc:
            notes.append(f"placeholders differ: {exc}")
        ok = trust and pair.confidence > bar and len(pair.src) == 1 and not notes
        comment = [f"{COMMENT}{pair.confidence:.2f} ({pair.kind})", *notes]
        out[first] = (text, ok, comment)
        for other in pair.src[1:]:
            out.setdefault(other, ("", False, [f"{COMMENT}{pair.confidence:.2f} "
                                              f"({pair.kind}): translated with the "
                                              "previous unit"]))
    return out


# Drafts a published translation replaces: a tool's, never a person's (unless forced).
REPLACEABLE = {"mt": "MT", "tm": "TM", "aligned": "earlier alignment"}
KEPT_TRANSLATED = "translated"
KEPT_PERSON = "a person's fuzzy draft"


def write_pair(project: Project, report: PairReport, trust: bool, force: bool = False) -> None:
    """Fill the target catalogue of the document the source page is (copied into
    bulletins/ and extracted first when it is a new page), and keep the pairs as
    tm/aligned-<doc>-<lang>.tmx, which the TM learns (as imported) with the project's
    other files (`learn_project`).

    An empty entry is filled; a draft a tool wrote (fuzzy with MT, TM or aligned
    provenance) is replaced by the published text; a person's translation (translated,
    or fuzzy with no tool's provenance) is kept unless `force`."""
    from .extract import extract
    from .memory.exchange import export_tmx
    from .memory.store import IMPORTED, Variant

    config = project.config
    dest = project.bulletins / file_name(project.bulletins, report.doc)
    data = report.source.read_bytes()
    if report.existing is not None:
        dest = report.existing  # the project's own page: filled, never copied
    elif report.source.resolve() != dest.resolve():
        if dest.exists() and dest.read_bytes() != data:
            raise InputError(f"{project.shown(dest)} exists and differs from this source "
                             "(--name gives the document another name)", report.source)
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(dest, data)
            report.written.append(project.shown(dest))
    extract(project, [str(dest)], learn=False)
    po_path = project.catalogue(report.doc, report.lang)
    po = catalog.load(po_path)
    by_key = po.by_key()
    proposals = _proposals(report, config.align.trust, trust)
    done: set[int] = set()
    for index, (text, trusted, comment) in sorted(proposals.items()):
        entry = by_key.get(report.units[index].key)
        if entry is None:
            report.absent += 1
            continue
        if id(entry) in done:
            continue
        done.add(id(entry))
        provenance = entry.provenance
        draft = (entry.fuzzy and provenance is not None and provenance[0] in REPLACEABLE)
        if entry.has_target and not draft and not force:
            # A person's text (translated, or fuzzy with no tool's provenance: work in
            # progress) is kept; the aligned pair still reaches the TM (tm/aligned-*.tmx).
            report.kept[KEPT_TRANSLATED if entry.translated else KEPT_PERSON] += 1
            continue
        if not text and entry.has_target:
            continue  # translated with the previous unit: a draft here stays for a person
        notes = [x for x in entry.translator_comments
                 if not x.startswith(("markup dropped", "placeholders differ"))]
        entry.translator_comments = notes + comment[1:]
        entry.set_provenance("aligned", comment[0].removeprefix(COMMENT))
        if not text:
            continue
        if entry.has_target:
            report.replaced[REPLACEABLE[provenance[0]] if draft and provenance is not None
                            else "a person's (--force)"] += 1
        else:
            report.filled += 1
        entry.msgstr = text
        if trusted:
            report.trusted += 1
        entry.set_fuzzy(not trusted)
    if catalog.save(po, po_path):
        report.written.append(project.shown(po_path))
    # The pairs, kept as TMX (so `tm rebuild` restores them) and learnt as imported.
    source_lang = report.source_lang
    groups: list[list[Any]] = []
    for pair, (target_text, _) in zip(report.alignment.pairs, report.transfers, strict=True):
        if not pair.src or not pair.tgt:
            continue
        note = f"aligned {pair.confidence:.2f}"
        source_text = " ".join(report.units[i].msgid for i in pair.src)
        groups.append([Variant(source_lang, source_text, IMPORTED, report.doc, note=note),
                       Variant(report.lang, target_text, IMPORTED, report.doc, note=note)])
    tmx = project.memory_folder / f"aligned-{report.doc}-{report.lang}.tmx"
    tmx.parent.mkdir(parents=True, exist_ok=True)
    export_tmx(groups, tmx, source_lang)
    report.written.append(project.shown(tmx))


# --- review output ----------------------------------------------------------------------------

def table(report: PairReport, width: int = 60) -> list[str]:
    """The alignment side by side, one line per pair."""
    lines = [f"{'conf':>5}  {'pair':<4}  {'source':<{width}}  translation"]
    for pair in report.alignment.pairs:
        left = " ".join(report.units[i].msgid for i in pair.src)
        right = " ".join(s.plain for s in pair.tgt)
        lines.append(f"{pair.confidence:5.2f}  {pair.kind:<4}  "
                     f"{excerpt(plain_text(left), width):<{width}}  "
                     f"{excerpt(right, width)}")
    return lines


def review_page(report: PairReport, bar: float) -> bytes:
    """The pair for review: one row per pair, the source units with their own markup, the
    translation escaped, low-confidence and partnerless rows marked, notes (markup
    dropped in a merge, placeholders that differ) beside the translation."""
    from .pages.review import alignment_page

    codes = report.codes
    rows = []
    for pair, (text, notes) in zip(report.alignment.pairs, report.transfers, strict=True):
        sources = [(report.units[i].msgid, codes[i]) for i in pair.src]
        target: tuple[str, dict[int, inline.Code] | None] | None = None
        if pair.tgt and pair.src:
            target = (text, codes[pair.src[0]])
        elif pair.tgt:
            target = (" ".join(s.plain for s in pair.tgt), None)
        notes = list(notes)
        for index in pair.src[1:] if pair.tgt else []:
            # A 2-1 merge keeps the translation on the first unit: markup of the others
            # is not in it.
            for code in codes[index].values():
                key = alignment.code_key(code)
                notes.append(f"markup dropped: <{key[0]}{' ' + key[1] if key[1] else ''}> "
                             "of a merged sentence")
        rows.append((pair.confidence, pair.kind, sources, target, notes))
    title = f"{report.doc}: alignment with {report.translation.name} ({report.lang})"
    return alignment_page(title, report.source_lang, report.lang, report.alignment.overall,
                          bar, rows)


def review_index(pages: list[tuple[str, PairReport]], bar: float) -> bytes:
    """The index of an archive's review pages (file name, report), worst first."""
    from .pages.review import alignment_index

    return alignment_index("Aligned archive: review pages", [
        (href, r.doc, r.lang, r.alignment.overall,
         sum(1 for p in r.alignment.pairs if not p.src or not p.tgt or p.confidence <= bar))
        for href, r in pages])


# --- archives -------------------------------------------------------------------------------

@dataclass
class ArchivePlan:
    sets: list[tuple[Path, list[tuple[str, Path]]]]  # source page, [(lang, translation)]
    problems: list[str]


def _links(root: etree._Element) -> list[tuple[str, str]]:
    found = []
    for element in root.xpath("//link[@hreflang][@href] | //a[@hreflang][@href]"):
        found.append((str(element.get("hreflang")), str(element.get("href"))))
    return found


def plan_archive(project: Project, folder: Path, source_lang: str | None = None) -> ArchivePlan:
    """Group a folder's pages into translation sets: hreflang links first, then file
    names with the language code taken out (post.ca.html, ca/post.html, post-ca.html).
    A link to a page the archive lacks but the project's bulletins/ has by that file
    name makes that bulletin the set's member (the team's own source page)."""
    config = project.config
    pages = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".html", ".htm")
                   and p.is_file())
    if not pages:
        raise InputError("no HTML pages found", folder)
    source_lang = check_language(primary(source_lang or config.source_language))
    langs: dict[Path, str | None] = {}
    edges: dict[Path, set[Path]] = {p: set() for p in pages}
    problems: list[str] = []
    by_suffix = {p.resolve().as_posix(): p for p in pages}
    for page in pages:
        try:
            root = parse_html(read_bytes(page, config.extract.max_file_bytes), page).getroot()
        except InputError as exc:
            problems.append(str(exc))
            continue
        value = (root.get("lang") or "").strip()
        langs[page] = primary(value) if value else None
        for link_lang, href in _links(root):
            target = _resolve(page, href, by_suffix)
            if target is None:
                target = _bulletin(project, href)
                if target is not None and target not in langs:
                    langs[target] = primary(link_lang) if link_lang.strip() else None
                    edges[target] = set()
            if target is not None and target != page:
                edges[page].add(target)
                edges[target].add(page)
    groups: list[set[Path]] = []
    seen: set[Path] = set()
    for page in pages:
        if page in seen or page not in langs or not edges[page]:
            continue
        stack, group = [page], set()
        while stack:
            node = stack.pop()
            if node in group:
                continue
            group.add(node)
            stack += [n for n in edges[node] if n in langs]
        seen |= group
        groups.append(group)
    # Pages with no language links: by file name without its language code.
    codes = {primary(x) for x in project.languages}
    by_name: dict[str, set[Path]] = {}
    for page in pages:
        if page in seen or page not in langs:
            continue
        parts = re.split(r"[/._-]+", page.relative_to(folder).with_suffix("").as_posix())
        key = "-".join(x for x in parts if x.lower() not in codes)
        by_name.setdefault(key, set()).add(page)
        if langs[page] is None:
            langs[page] = next((x.lower() for x in parts if x.lower() in codes), None)
    groups += list(by_name.values())
    plan = ArchivePlan([], problems)
    for group in groups:
        members: dict[str, Path] = {}
        # The project's own bulletin first: an archived copy of it is the second page.
        for page in sorted(group, key=lambda p: (p.parent != project.bulletins, p)):
            lang = langs.get(page)
            if lang is None:
                problems.append(f"{page}: no language (no <html lang>, no code in the name)")
            elif lang in members:
                problems.append(f"{page}: a second page in {lang!r} for "
                                f"{members[lang].name}; left out")
            else:
                members[lang] = page
        if len(members) < 2:
            for page in members.values():
                problems.append(f"{page}: no translation found (no hreflang link, no "
                                "page with the same name in another language)")
            continue
        source = members.pop(source_lang, None)
        if source is None:
            problems.append(f"{', '.join(str(p) for p in members.values())}: no page in the "
                            f"source language {source_lang!r}")
            continue
        plan.sets.append((source, sorted(members.items())))
    return plan


def _bulletin(project: Project, href: str) -> Path | None:
    """The project's bulletin a link names by its file name (`…/post-en.html`), if any."""
    name = Path(unquote(urlsplit(href).path)).name
    if not is_source(name):
        return None
    try:
        check_doc_name(stem(name))
    except InputError:
        return None
    candidate = project.bulletins / name
    return candidate if candidate.is_file() and not candidate.is_symlink() else None


def _resolve(page: Path, href: str, by_path: dict[str, Path]) -> Path | None:
    parts = urlsplit(href)
    path = unquote(parts.path)
    if not path:
        return None
    if parts.scheme or parts.netloc:  # an absolute URL: the archived file that ends like it
        matches = [p for key, p in by_path.items() if key.endswith("/" + path.lstrip("/"))]
        return matches[0] if len(matches) == 1 else None
    try:
        candidate = (page.parent / path).resolve()
    except (OSError, ValueError):
        return None
    return by_path.get(candidate.as_posix())

