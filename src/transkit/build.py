"""Reassembly: the source page with translated units in place, the regenerated language
switch, and the four-column aligned review page."""

from __future__ import annotations

import html as htmlmod
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree, html
from lxml.cssselect import CSSSelector

from . import catalog, inline
from .bulletin import AttributeBlock, Block, Document
from .config import Config
from .errors import InputError
from .fsutil import atomic_write_bytes
from .languages import native_name
from .project import (
    bulletin_paths,
    catalog_path,
    check_languages,
    discover,
    load_document,
    relative,
)
from .unit import FUZZY, TRANSLATED, UNTRANSLATED, Unit, excerpt

# Characters an HTML (and XML) document cannot hold: a translation carrying one is refused.
NOT_IN_HTML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


@dataclass
class BuildReport:
    out: Path  # the site folder every file is in
    files: dict[Path, bytes] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # broken translations: errors per unit
    # Untranslated units shown in the source, by the language of the page: (lang, message).
    fallbacks: list[tuple[str, str]] = field(default_factory=list)
    documents: int = 0

    def write(self) -> list[Path]:
        """Write the site as a whole: a copy of the current site with the new files in a
        staging folder beside it, then swapped in; a failure midway (a full disk, a path
        in the way) leaves the previous site as it was and no staging folder behind."""
        import shutil

        out = self.out.resolve()  # a linked site: its target
        if out != self.out:
            self.files = {out / p.relative_to(self.out): d for p, d in self.files.items()}
        if out.exists() and not out.is_dir():
            raise InputError("is a file, expected the site folder", out)
        staging = out.with_name(f".{out.name}.new-{os.getpid()}")
        retired = out.with_name(f".{out.name}.old-{os.getpid()}")
        try:
            shutil.rmtree(staging, ignore_errors=True)
            if out.is_dir():
                shutil.copytree(out, staging, symlinks=True)
            else:
                staging.mkdir(parents=True)
            for path, data in self.files.items():
                target = staging / path.relative_to(out)
                if target.is_dir():
                    raise InputError("is a directory, expected a file", path)
                atomic_write_bytes(target, data)
            if out.is_dir():
                os.rename(out, retired)
            os.rename(staging, out)
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if retired.exists() and not out.exists():
                os.rename(retired, out)
            if isinstance(exc, OSError) and not isinstance(exc, InputError):
                reason = exc.strerror or str(exc)
                raise InputError(f"cannot write the site ({reason}); the previous site is "
                                 "as it was", out) from None
            raise
        shutil.rmtree(retired, ignore_errors=True)
        return list(self.files)


def check_site_folder(config: Config, out: Path) -> Path:
    """The build output folder, refused where a build would wipe or mix into the project:
    the project itself or a folder above it, or a folder of sources or state."""
    real = out.resolve()
    root = config.root.resolve()
    sources = [config.bulletins, config.locales, config.root / "glossary", config.root / "tm",
               config.state]
    if real == root or real in root.parents:
        raise InputError("is the project or a folder above it: the site needs a folder of "
                         "its own (default: site/)", out)
    for folder in sources:
        folder = folder.resolve()
        if real == folder or folder in real.parents or real in folder.parents:
            raise InputError(f"would mix the site with {relative(config, folder)}/: the site "
                             "needs a folder of its own", out)
    return out


def label(config: Config, lang: str) -> str:
    return config.lang_switch_labels.get(lang) or native_name(lang)


def _unit_codes(block: Block, index: int) -> dict[int, inline.Code]:
    return {local: inline.Code(local, block.encoded.codes[number].kind,
                               block.encoded.codes[number].element)
            for local, number in block.locals[index].items()}


class _Page:
    """One language version of one document being assembled."""

    def __init__(self, config: Config, doc: Document, lang: str,
                 translations: dict[tuple[str, str | None], Unit] | None,
                 po_rel: str, report: BuildReport, include_fuzzy: bool = False):
        self.config, self.doc, self.lang = config, doc, lang
        self.include_fuzzy = include_fuzzy
        self.translations = translations
        self.po_rel = po_rel
        self.report = report

    def lookup(self, source: str) -> Unit | None:
        """The unit that translates `source`, or None (noted as a fallback) when the page
        must show the source text: untranslated, fuzzy (unless previewing), or plural."""
        if self.translations is None:
            return Unit(source, source)
        found = self.translations.get((source, None))
        state = found.state if found is not None else UNTRANSLATED
        if found is not None and found.msgid_plural is None and (
                state == TRANSLATED or (state == FUZZY and self.include_fuzzy)):
            bad = NOT_IN_HTML.search(found.msgstr)
            if bad is None:
                return found
            self.report.problems.append(
                f"{self.po_rel}:{found.line}: control character U+{ord(bad.group()):04X} in "
                "the translation (not allowed in HTML)")
            return None
        where = f"{self.po_rel}:{found.line}" if found is not None else self.po_rel
        self.report.fallbacks.append((self.lang, f"{where}: {state}: {excerpt(source)}"))
        return None

    def assemble(self) -> bytes:
        src = self.doc.source_language
        # Attributes first: a run's inline elements are copied when its text is rebuilt,
        # so an attribute translated afterwards would land on the discarded original.
        for block in self.doc.blocks:
            if isinstance(block, AttributeBlock):
                found = self.lookup(block.text)
                if found is not None:
                    block.element.set(block.attribute, found.msgstr)
        for block in self.doc.blocks:
            if isinstance(block, AttributeBlock):
                continue
            texts: list[str] = []
            fallback: list[bool] = []
            for index, source in enumerate(block.unit_sources()):
                found = self.lookup(source)
                text = source
                if found is not None:
                    try:
                        inline.validate(found.msgstr, block.expected(index))
                        text = found.msgstr
                    except inline.PlaceholderError as exc:
                        self.report.problems.append(
                            f"{self.po_rel}:{found.line}: placeholders: {exc}")
                        found = None
                texts.append(text)
                fallback.append(found is None)
            if self.translations is not None and any(fallback):
                texts = self._mark_fallback(block, texts, fallback, src)
            lead, elements = block.render(texts)
            block.replace(lead, elements)
        root = self.doc.tree.getroot()
        root.set("lang", self.lang)
        self._language_switch()
        return self.doc.serialize()

    def _mark_fallback(self, block: Block, texts: list[str], fallback: list[bool],
                       src: str) -> list[str]:
        if all(fallback) and block.after is None and not block.parent.get("lang"):
            block.parent.set("lang", src)
            return texts
        marked = []
        for index, (text, fell) in enumerate(zip(texts, fallback, strict=True)):
            if not fell:
                marked.append(text)
                continue
            number = max(block.encoded.codes, default=0) + 1
            span = etree.Element("span", lang=src)
            block.encoded.codes[number] = inline.Code(number, "g", span)
            local = max(block.locals[index], default=0) + 1
            block.locals[index][local] = number
            marked.append(f"<g{local}>{text}</g{local}>")
        return marked

    def _language_switch(self) -> None:
        selector = CSSSelector(self.config.extract.lang_switch_selector, translator="html")
        articles = self.doc.articles
        for article in articles:
            anchor = f"#{article.get('id')}" if article.get("id") and len(articles) > 1 else ""
            targets = [e for e in selector(article)]
            if not targets:
                nav = etree.SubElement(article, "nav")
                nav.set("class", "lang-switch")
                nav.tail = "\n"
                targets = [nav]
            for target in targets:
                for child in list(target):
                    target.remove(child)
                target.text = "\n"
                ul = etree.SubElement(target, "ul")
                ul.text = "\n"
                ul.tail = "\n"
                for lang in self.config.languages:
                    if lang == self.lang:
                        continue
                    li = etree.SubElement(ul, "li")
                    link = etree.SubElement(li, "a", href=f"../{lang}/{self.doc.name}.html{anchor}",
                                            hreflang=lang, lang=lang)
                    link.text = label(self.config, lang)
                    li.tail = "\n"


def _load_translations(config: Config, doc: Document, lang: str
                       ) -> tuple[dict[tuple[str, str | None], Unit], str]:
    path = catalog_path(config, doc.name, lang)
    rel = relative(config, path)
    if not path.exists():
        return {}, rel
    return catalog.load(path).by_key(), rel


def build_site(config: Config, out: Path | None = None, langs: list[str] | None = None,
               docs: list[str] | None = None,
               progress: Callable[[str], None] | None = None,
               include_fuzzy: bool = False) -> BuildReport:
    """Assemble every language version and the aligned pages in memory (BuildReport.write)."""
    out = check_site_folder(config, out or config.site)
    report = BuildReport(out=out)
    languages = check_languages(config, langs)
    known = {d.name for d in discover(config)}
    for path in bulletin_paths(config, docs):
        name = path.stem
        if name not in known:
            raise InputError("not extracted yet (run `transkit extract`)", path)
        if progress:
            progress(relative(config, path))
        report.documents += 1
        maps: dict[str, tuple[dict[tuple[str, str | None], Unit], str]] = {}
        for lang in config.languages:
            doc = load_document(config, path)
            if lang == doc.source_language:
                translations = None
                rel = relative(config, path)
            else:
                translations, rel = _load_translations(config, doc, lang)
                maps[lang] = (translations, rel)
            if lang in languages:
                page = _Page(config, doc, lang, translations, rel, report, include_fuzzy)
                report.files[out / lang / f"{name}.html"] = page.assemble()
        report.files[out / "aligned" / f"{name}.html"] = aligned_page(
            config, load_document(config, path), maps)
    report.files[out / "index.html"] = _index(config, sorted(
        p.stem for p in bulletin_paths(config, docs)), languages)
    return report


CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem}
table{border-collapse:collapse;width:100%;table-layout:fixed}
th,td{border:1px solid #ccc;padding:.4rem;vertical-align:top;text-align:left}
td.missing{background:#fde2e2}
td.missing::before{content:"untranslated: ";font-weight:bold;color:#a00}
td.fuzzy{background:#fff4cc}
td.fuzzy::before{content:"fuzzy: ";font-weight:bold;color:#850}
td.source{background:#eef5ff}
td.kind{width:7rem;color:#555;font-size:.85em}
"""


def aligned_page(config: Config, doc: Document,
                 maps: dict[str, tuple[dict[tuple[str, str | None], Unit], str]]) -> bytes:
    """One row per unit, one column per language; untranslated and fuzzy cells marked."""
    page = html.fromstring(
        "<html><head><meta charset='utf-8'><title></title><style></style></head>"
        "<body><h1></h1><table><thead><tr></tr></thead><tbody></tbody></table></body></html>")
    page.set("lang", "en")
    page.find("head/title").text = f"{doc.name}: aligned review"
    page.find("head/style").text = CSS
    page.find("body/h1").text = f"{doc.name}: aligned review"
    head_row = page.find("body/table/thead/tr")
    etree.SubElement(head_row, "th").text = "unit"
    for lang in config.languages:
        th = etree.SubElement(head_row, "th", lang=lang)
        th.text = f"{lang} ({native_name(lang)})"
    body = page.find("body/table/tbody")
    for block in doc.blocks:
        rows: list[tuple[str, str, dict[int, inline.Code] | None]]
        if isinstance(block, AttributeBlock):
            rows = [(block.kind, block.text, None)]
        else:
            rows = [(block.kind, source, _unit_codes(block, i))
                    for i, source in enumerate(block.unit_sources())]
        for kind, source, codes in rows:
            tr = etree.SubElement(body, "tr")
            etree.SubElement(tr, "td", {"class": "kind"}).text = kind
            for lang in config.languages:
                td = etree.SubElement(tr, "td", lang=lang)
                if lang == doc.source_language:
                    td.set("class", "source")
                    fill_cell(td, source, codes)
                    continue
                translations, _ = maps.get(lang, ({}, ""))
                found = translations.get((source, None))
                if found is None or found.state == UNTRANSLATED or found.msgid_plural is not None:
                    td.set("class", "missing")
                    continue
                if found.state == FUZZY:
                    td.set("class", "fuzzy")
                fill_cell(td, found.msgstr, codes)
    data: bytes = html.tostring(page, doctype="<!DOCTYPE html>", encoding="utf-8", method="html")
    return data


def fill_cell(td: etree._Element, text: str, codes: dict[int, inline.Code] | None) -> None:
    if NOT_IN_HTML.search(text):
        text = NOT_IN_HTML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
        td.set("class", (td.get("class", "") + " broken").strip())
    if codes is None:
        td.text = text
        return
    try:
        lead, elements = inline.decode(text, codes)
    except inline.PlaceholderError as exc:
        td.text = text  # shown as text, escaped: the reviewer sees what is wrong
        td.set("class", (td.get("class", "") + " broken").strip())
        td.set("title", str(exc))
        return
    td.text = lead
    for element in elements:
        td.append(element)


def _index(config: Config, names: list[str], languages: list[str]) -> bytes:
    rows = "".join(
        "<tr><td>{0}</td>{1}<td><a href='aligned/{0}.html'>aligned</a></td></tr>".format(
            htmlmod.escape(name),
            "".join(f"<td><a href='{lang}/{htmlmod.escape(name)}.html' hreflang='{lang}'>{lang}"
                    "</a></td>" for lang in languages))
        for name in names)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>"
            f"{htmlmod.escape(config.name)}</title></head><body><h1>{htmlmod.escape(config.name)}"
            f"</h1><table>{rows}</table></body></html>\n").encode()
