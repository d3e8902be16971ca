"""HTML bulletin -> Document (the parsed page as skeleton + its translatable blocks) and back.

The skeleton is the source page itself: blocks point into the parsed tree, and
the build re-parses the source and swaps translated content into those places.
A page has two kinds of blocks: the post's own (its `<title>` and the articles),
and the chrome around them (site title, navigation, footer: text outside the
articles), which every bulletin shares through one project-wide catalogue.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cssselect import SelectorError
from lxml import etree, html
from lxml.cssselect import CSSSelector

from ..config import ExtractConfig
from ..errors import InputError
from ..fsutil import decode_utf8, read_bytes
from ..languages import check_language, primary
from ..text import source_digest, unbalanced_bidi
from ..unit import PLACEHOLDER, Unit
from . import inline, segment

BLOCK_TAGS = frozenset(
    {"title", "h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "td", "th",
     "blockquote", "figcaption", "caption"}
)
SKIP_TAGS = frozenset({"script", "style", "code", "pre", "template", "noscript", "svg", "math",
                       "textarea", "iframe", "object"})
INLINE_TAGS = frozenset(
    {"a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del",
     "dfn", "em", "font", "i", "img", "ins", "kbd", "label", "mark", "q", "s", "samp", "small",
     "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr"}
)
TRANSLATABLE_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
# The head's descriptions of the post (search results, link previews) are its text too.
META_TEXT = {("name", "description"), ("property", "og:title"), ("property", "og:description"),
             ("name", "twitter:title"), ("name", "twitter:description")}


@dataclass
class Block:
    """One run of inline content in the page, split into sentence units."""

    parent: etree._Element
    after: etree._Element | None  # preceding non-inline sibling; None: the run starts the parent
    children: list[etree._Element]
    kind: str
    line: int
    encoded: inline.Encoded
    sentences: list[str] = field(default_factory=list)  # block-numbered placeholder text
    locals: list[dict[int, int]] = field(default_factory=list)  # per sentence: unit -> block no.

    def unit_sources(self) -> list[str]:
        return [inline.renumber(s, {number: local for local, number in m.items()})
                for s, m in zip(self.sentences, self.locals, strict=True)]

    def expected(self, index: int) -> dict[int, str]:
        """Placeholder kinds of sentence `index`, in the unit's own numbering."""
        return {local: self.encoded.codes[number].kind
                for local, number in self.locals[index].items()}

    def unit_notes(self, index: int) -> list[str]:
        notes = []
        for local, number in sorted(self.locals[index].items()):
            code = self.encoded.codes[number]
            notes.append(inline.Code(local, code.kind, code.element).legend())
        return notes

    def render(self, texts: list[str]) -> tuple[str, list[etree._Element]]:
        """Leading text and elements for translated sentences (unit numbering).

        Raises inline.PlaceholderError when a translation breaks its placeholders.
        """
        joined: list[str] = []
        for index, text in enumerate(texts):
            inline.validate(text, self.expected(index))
            joined.append(inline.renumber(text, self.locals[index]))
        return inline.decode(" ".join(joined), self.encoded.codes)

    def replace(self, lead: str, elements: list[etree._Element]) -> None:
        """Put new content where the run was, keeping the run's outer whitespace."""
        old_lead = self.after.tail if self.after is not None else self.parent.text
        old_lead = old_lead or ""
        last_tail = (self.children[-1].tail if self.children else old_lead) or ""
        left = old_lead[: len(old_lead) - len(old_lead.lstrip())]
        right = last_tail[len(last_tail.rstrip()):]
        index = 0 if self.after is None else self.parent.index(self.after) + 1
        if self.children and len(self.children) == len(self.parent) - index:
            del self.parent[index:]  # the run ends the parent: one cut, not n removals
        else:
            for child in self.children:
                self.parent.remove(child)
        if elements:
            lead_text = left + lead
            elements[-1].tail = (elements[-1].tail or "") + right
        else:
            lead_text = left + lead + right
        if self.after is None:
            self.parent.text = lead_text
        else:
            self.after.tail = lead_text
        if index == len(self.parent):
            self.parent.extend(elements)  # at the end: one call, not n inserts
        else:
            for offset, element in enumerate(elements):
                self.parent.insert(index + offset, element)
        self.children = elements


@dataclass
class AttributeBlock:
    element: etree._Element
    attribute: str
    line: int
    text: str

    @property
    def kind(self) -> str:
        return f"{self.element.tag}@{self.attribute}"

    def note(self) -> str:
        if self.element.tag == "meta":
            kind = self.element.get("name") or self.element.get("property")
            return f'content of <meta {"name" if self.element.get("name") else "property"}=' \
                   f'"{kind}">'
        tag = self.element.tag
        ref = self.element.get("src") or self.element.get("href") or ""
        where = f'<{tag} src="{ref}">' if ref and tag == "img" else f"<{tag}>"
        return f"{self.attribute} attribute of {where}"


@dataclass
class Document:
    name: str
    path: Path
    ref_path: str
    tree: etree._ElementTree
    source_language: str
    blocks: list[Block | AttributeBlock]
    source_hash: str
    articles: list[etree._Element]
    chrome: list[Block | AttributeBlock] = field(default_factory=list)  # outside the articles
    switches: list[etree._Element] = field(default_factory=list)  # the language switches

    def units(self) -> list[Unit]:
        """The post's own units (title and articles), in page order."""
        return _units_of(self.blocks)

    def chrome_units(self) -> list[Unit]:
        """The units of the text around the articles, each referring to this bulletin."""
        units = _units_of(self.chrome)
        for unit in units:
            unit.references = [f"{self.ref_path}:{unit.line}"]
        return units

    def serialize(self) -> bytes:
        data: bytes = html.tostring(self.tree, doctype="<!DOCTYPE html>", encoding="utf-8",
                                    method="html")
        return data


def _units_of(blocks: list[Block | AttributeBlock]) -> list[Unit]:
    units: list[Unit] = []
    for block in blocks:
        if isinstance(block, AttributeBlock):
            units.append(Unit(block.text, line=block.line, kind=block.kind,
                              extracted_comments=[block.note()]))
            continue
        for index, source in enumerate(block.unit_sources()):
            units.append(Unit(source, line=block.line, kind=block.kind,
                              extracted_comments=block.unit_notes(index)))
    return units


def _selector(expression: str, what: str) -> CSSSelector:
    try:
        return CSSSelector(expression, translator="html")
    except SelectorError as exc:
        raise InputError(f"invalid CSS selector for {what}: {expression!r} ({exc})") from None


def _has_text(text: str) -> bool:
    return any(ch.isalnum() for ch in inline.plain_text(text))


def _is_inline(element: etree._Element) -> bool:
    if not isinstance(element.tag, str):
        return True  # comments travel with the run (and are dropped on rebuild)
    if element.tag not in INLINE_TAGS:
        return False
    return all(
        not isinstance(d.tag, str) or d.tag in INLINE_TAGS for d in element.iterdescendants()
    )


def parse_html(data: bytes, path: Path) -> etree._ElementTree:
    text = decode_utf8(data, path)
    if not text.strip():
        raise InputError("empty file, expected an HTML bulletin", path, 1)
    conflict = _CONFLICT.search(text)
    if conflict is not None:
        raise InputError("git conflict marker: resolve the merge before extracting", path,
                         text.count("\n", 0, conflict.start()) + 1)
    parser = html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=False,
                             remove_pis=True, huge_tree=False, recover=True)
    try:
        root = html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"cannot parse HTML: {exc}", path, 1) from None
    # Ordinary tag soup is recovered, as browsers do; a fatal error (such as nesting past
    # libxml2's depth limit) means content was dropped, so the page is refused.
    for error in parser.error_log:
        if error.level >= etree.ErrorLevels.FATAL:
            raise InputError(f"cannot parse HTML: {error.message}", path, error.line)
    return root.getroottree()


# Lines git writes around a conflict it left in a file (`<<<<<<< ours`, `=======`,
# `>>>>>>> theirs`; `|||||||` with diff3): never a bulletin's text.
_CONFLICT = re.compile(r"^(?:<{7}|>{7}|\|{7})(?: |$)|^={7}$", re.MULTILINE)
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _check_text(root: etree._Element, path: Path) -> None:
    """Text a unit cannot carry: control characters (no HTML page may hold them), and
    literal text that reads as a placeholder (`<g1>` written as text would be taken for
    markup when the translation comes back)."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions are not text
        inside = element.tag not in ("script", "style")
        for text in ((element.text if inside else None), element.tail):
            if not text:
                continue
            bad = _NOT_TEXT.search(text)
            if bad is not None:
                raise InputError(f"control character U+{ord(bad.group()):04X} in the text",
                                 path, element.sourceline)
            found = PLACEHOLDER.search(text)
            if found is not None:
                raise InputError(f"the text {found.group()!r} reads as a transkit placeholder; "
                                 "write it another way (for instance ‹g1›)", path,
                                 element.sourceline)


def _check_bidi(text: str, path: Path, line: int) -> None:
    """A unit whose bidirectional controls do not balance would reorder the rest of its
    block on every page (the translations are held to the same rule by the checks)."""
    problem = unbalanced_bidi(text)
    if problem is not None:
        raise InputError(f"bidirectional controls do not balance in a sentence: {problem}",
                         path, line)


def read_document(
    path: Path,
    name: str,
    ref_path: str,
    config: ExtractConfig,
    default_language: str,
    source_language: str | None = None,
    split: Callable[[str, str], list[str]] | None = None,
) -> Document:
    """Parse a bulletin and find its translatable blocks, segmented into sentences."""
    return document_from_html(read_bytes(path, config.max_file_bytes), path, name, ref_path,
                              config, default_language, source_language, split)


def document_from_html(
    raw: bytes,
    path: Path,
    name: str,
    ref_path: str,
    config: ExtractConfig,
    default_language: str,
    source_language: str | None = None,
    split: Callable[[str, str], list[str]] | None = None,
    original: bytes | None = None,
) -> Document:
    """The document of a page's HTML bytes (`path` names it in messages): what an adapter
    of another bulletin format that can produce HTML hands on, with the file's own bytes
    as `original` (its digest tells `status` whether the bulletin changed)."""
    # Compared as NFC: a bulletin saved again in another normalisation (NFD, as some
    # editors and macOS file systems do) is the same text, the same units, the same hash.
    data = unicodedata.normalize("NFC", decode_utf8(raw, path)).encode("utf-8")
    tree = parse_html(data, path)
    root = tree.getroot()
    lang = source_language or declared_language(root, path) or default_language
    check_language(lang)
    articles = _selector(config.article_selector, "articles")(root)
    if not articles:
        raise InputError(
            f"not a bulletin: no post matches the selector {config.article_selector!r}", path, 1
        )
    switches = language_switches(root, config.lang_switch_selector, articles,
                                 config.switch_labels)
    skip = set(switches)
    _check_text(root, path)
    blocks: list[Block | AttributeBlock] = []
    title = root.find("head/title")
    if title is not None:
        _collect(title, skip, blocks)
    for meta in root.iterfind("head/meta"):
        if any(meta.get(k, "").strip().lower() == v for k, v in META_TEXT):
            value = meta.get("content") or ""
            if _has_text(value):
                blocks.append(AttributeBlock(meta, "content", meta.sourceline or 1,
                                             " ".join(value.split())))
    selected = set(articles)
    for article in articles:
        if any(ancestor in selected for ancestor in article.iterancestors()):
            continue  # nested inside another selected post: visited with it
        _collect(article, skip, blocks)
    chrome: list[Block | AttributeBlock] = []
    body = root.find("body")
    if body is not None and body not in selected:
        _collect(body, skip | selected, chrome)
    splitter = split or segment.split
    for block in blocks + chrome:
        if isinstance(block, AttributeBlock):
            _check_bidi(block.text, path, block.line)
        if isinstance(block, Block):
            sentences = splitter(block.encoded.text, lang) if block.kind != "title" else [
                block.encoded.text]
            block.sentences = sentences or [block.encoded.text]
            for sentence in block.sentences:
                _check_bidi(sentence, path, block.line)
            block.locals = []
            for sentence in block.sentences:
                order = inline.numbers(sentence)
                block.locals.append({i + 1: n for i, (_, n) in enumerate(order)})
    return Document(name, path, ref_path, tree, lang, blocks,
                    source_digest(data if original is None else original), list(articles),
                    chrome, switches)


SWITCH_TAGS = ("p", "div", "nav", "ul", "ol", "li", "span", "aside", "footer", "section")


def language_switches(root: etree._Element, selector: str, articles: list[etree._Element],
                      labels: frozenset[str] = frozenset()) -> list[etree._Element]:
    """The page's language switches, outermost only: what `selector` matches in the body,
    and any block whose only text is two or more links to pages, each labelled as a
    language version (one of `labels`, such as "Esta entrada en español" or "English"),
    with nothing else but separators, whatever its markup. Never a post, what holds one,
    or the page's own structure (`html`, `head`, `body`): a selector that matches those
    is not taken for a switch, so no text is lost to it."""
    body = root.find("body")
    if body is None:
        return []
    found = list(_selector(selector, "the language switch")(root))
    if labels:
        chosen = set(found)
        found += [e for e in body.iter(*SWITCH_TAGS)
                  if e not in chosen and _only_language_links(e, labels)]
    order = {e: i for i, e in enumerate(body.iter())}
    posts = set(articles)
    taken: list[etree._Element] = []
    for element in sorted((e for e in found if e in order), key=order.__getitem__):
        if element is body:
            continue  # <html>, <head>, <body> and what is in the head are not in `order`
        if element in posts or any(d in posts for d in element.iterdescendants()):
            continue
        if any(a in taken for a in element.iterancestors()):
            continue
        taken.append(element)
    return taken


# Where a link to another language version of a post may point: a page, not a file.
_PAGE_PATH = re.compile(r"(?i)((^|/)[^/.]*|\.s?html?|\.php|\.aspx?)$")


def _only_language_links(element: etree._Element, labels: frozenset[str]) -> bool:
    """At least two links, each to a page (not a .pdf or an image) and labelled as a
    language version, and no other text than separators."""
    from urllib.parse import urlsplit

    links = list(element.iter("a"))
    if len(links) < 2:
        return False
    for link in links:
        if " ".join(link.text_content().split()).casefold() not in labels:
            return False
        try:
            path = urlsplit(str(link.get("href") or "").strip()).path
        except ValueError:
            return False
        if path and not _PAGE_PATH.search(path):
            return False
    outside = element.xpath(".//text()[not(ancestor::a)]")
    return not any(ch.isalnum() for text in outside for ch in str(text))


def declared_language(root: etree._Element, path: Path) -> str | None:
    value = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "")
    value = value.strip()
    if not value:
        return None
    try:
        return check_language(primary(value))
    except InputError:
        raise InputError(f"<html lang={value!r}>: unknown language code", path,
                         root.sourceline) from None


def _collect(element: etree._Element, skip: set[etree._Element],
             blocks: list[Block | AttributeBlock]) -> None:
    if element in skip or inline.is_translate_no(element):
        return
    if element.tag in SKIP_TAGS:
        return
    _attributes(element, skip, blocks)
    run: list[etree._Element] = []
    after: etree._Element | None = None
    lead = element.text

    def flush() -> None:
        if not run and not (lead or "").strip():
            return
        encoded = inline.encode_run(lead, run)
        if _has_text(encoded.text):
            line = run[0].sourceline if run and not (lead or "").strip() else element.sourceline
            kind = element.tag if isinstance(element.tag, str) else "text"
            blocks.append(Block(element, after, list(run), kind, line or 1, encoded))
        for child in run:
            for sub in child.iter():
                if isinstance(sub.tag, str) and not _inside_skipped(sub, child, skip):
                    _attributes(sub, skip, blocks, own_only=True)

    for child in element:
        if _is_inline(child) and child not in skip:
            run.append(child)
            continue
        flush()
        run = []
        _collect(child, skip, blocks)
        after = child
        lead = child.tail
    flush()


def _inside_skipped(element: etree._Element, top: etree._Element,
                    skip: set[etree._Element]) -> bool:
    node: etree._Element | None = element
    while node is not None:
        if node in skip or inline.is_translate_no(node) or node.tag in SKIP_TAGS:
            return True
        if node is top:
            return False
        node = node.getparent()
    return False


def _attributes(element: etree._Element, skip: set[etree._Element],
                blocks: list[Block | AttributeBlock], own_only: bool = False) -> None:
    for attribute in TRANSLATABLE_ATTRIBUTES:
        value = element.get(attribute)
        if value and _has_text(value):
            text = " ".join(value.split())
            blocks.append(AttributeBlock(element, attribute, element.sourceline or 1, text))



class HtmlSource:
    """The HTML bulletin adapter of the `transkit.sources` seam (see `sources/__init__`)."""

    name = "html"

    def read(self, path: Path, name: str, ref_path: str, config: ExtractConfig,
             default_language: str, source_language: str | None = None) -> Document:
        return read_document(path, name, ref_path, config, default_language, source_language)
