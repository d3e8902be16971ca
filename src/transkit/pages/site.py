"""What the build adds to a post and the site's index: the language switch (valid where
the source put it), `<link rel=alternate hreflang>`, viewport, the preview banner."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ..languages import native_name
from .common import VIEWPORT, banner, element, new_page, serialize

# Elements whose content may hold a <nav> (flow content); anywhere else (a <p>, a <span>,
# a heading) the switch goes right after the phrasing element that holds it.
FLOW_PARENTS = frozenset({
    "body", "div", "article", "section", "aside", "main", "header", "footer", "nav", "li",
    "dd", "td", "th", "blockquote", "figure", "details", "dialog", "fieldset", "form"})

# The switch's accessible name, in the page's language ([build] lang_switch_name overrides).
SWITCH_NAMES = {"ca": "Llengües", "es": "Idiomas", "en": "Languages", "fr": "Langues",
                "de": "Sprachen", "it": "Lingue", "pt": "Idiomas", "eu": "Hizkuntzak",
                "gl": "Linguas", "oc": "Lengas", "nl": "Talen"}


def page_href(lang: str, doc: str, anchor: str = "") -> str:
    """A post's URL from a sibling page (every language's pages are one folder deep)."""
    return f"../{lang}/{doc}.html{anchor}"


def switch_nav(doc: str, lang: str, languages: list[str], labels: dict[str, str],
               name: str, anchor: str = "") -> etree._Element:
    """`<nav aria-label><ul>` with a link per language, the page's own marked
    `aria-current="page"`."""
    nav = etree.Element("nav", {"class": "lang-switch", "aria-label": name})
    nav.text = "\n"
    ul = element(nav, "ul", "\n")
    ul.tail = "\n"
    for code in languages:
        li = element(ul, "li")
        li.tail = "\n"
        link = element(li, "a", labels.get(code) or native_name(code),
                       href=page_href(code, doc, anchor), hreflang=code, lang=code)
        if code == lang:
            link.set("aria-current", "page")
    return nav


def place_switch(target: etree._Element, nav: etree._Element) -> None:
    """Put `nav` where the source's switch `target` was, as valid HTML whatever element
    the source used: in its place when its parent takes flow content, else right after
    the phrasing element that holds it (an emptied one goes). The target's id and classes
    stay on the nav, so the switch is found again the same way."""
    classes = (target.get("class") or "").split()
    if target.tag != "nav" or "lang-switch" not in classes:
        nav.set("class", " ".join(dict.fromkeys(["lang-switch", *classes])))
    if target.get("id"):
        nav.set("id", target.get("id") or "")
    parent = target.getparent()
    if parent is None:
        return
    nav.tail = target.tail
    if parent.tag in FLOW_PARENTS:
        parent.replace(target, nav)
        return
    holder = parent
    while holder.getparent() is not None and holder.getparent().tag not in FLOW_PARENTS:
        holder = holder.getparent()
    _remove_keeping_tail(target)
    nav.tail = holder.tail
    holder.tail = "\n"
    holder.addnext(nav)
    if not "".join(holder.itertext()).strip() and not len(holder):
        _remove_keeping_tail(holder)


def _remove_keeping_tail(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)


def head_links(root: etree._Element, doc: str, lang: str, languages: list[str],
               default: str, base_url: str | None = None) -> None:
    """Viewport meta (when the source has none) and `<link rel=alternate hreflang>` for
    every language version plus `x-default` (the source's), replacing the source's own."""
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
    if head.find("meta[@charset]") is None:
        head.insert(0, etree.Element("meta", charset="utf-8"))
    if head.find("meta[@name='viewport']") is None:
        meta = etree.Element("meta", name="viewport", content=VIEWPORT)
        charset = head.find("meta[@charset]")
        meta.tail, charset.tail = charset.tail, "\n"
        charset.addnext(meta)
    for old in head.findall("link"):
        if "alternate" in (old.get("rel") or "").split() and old.get("hreflang"):
            _remove_keeping_tail(old)
    for code in [*languages, "x-default"]:
        target = default if code == "x-default" else code
        href = (f"{base_url.rstrip('/')}/{target}/{doc}.html" if base_url
                else page_href(target, doc))
        link = etree.SubElement(head, "link", rel="alternate", hreflang=code, href=href)
        link.tail = "\n"


def preview_banner(root: etree._Element, what: list[str]) -> None:
    """A banner at the top of a preview build's post: it is not what a release ships."""
    body = root.find("body")
    if body is not None:
        banner(body, what, first=True)


@dataclass
class Post:
    """A post as the index shows it."""

    doc: str
    source_language: str
    date: str | None  # ISO date from the post's <time datetime>, if any
    titles: dict[str, tuple[str, bool]] = field(default_factory=dict)  # lang: (title, fell back)


def index_page(name: str, posts: list[Post], languages: list[str],
               completeness: dict[str, float] | None, preview: list[str]) -> bytes:
    """The site's front page: one row per post (newest first), its date, its title in
    every language linking to that version, and its source language; in a preview, each
    language's completeness."""
    from babel.dates import format_date

    page = new_page(name, "en", INDEX_CSS)
    body = page.find("body")
    banner(body, preview)
    element(body, "h1", name)
    element(body, "p", f"{len(posts)} post(s) in {len(languages)} languages. Aligned "
            "review pages: the ‘review’ links; translation status: ", class_="note")
    element(body.find("p[last()]"), "a", "status", href="status.html").tail = "."
    table = element(body, "table", class_="index")
    row = element(element(table, "thead"), "tr")
    element(row, "th", "date", scope="col")
    for lang in languages:
        th = element(row, "th", native_name(lang), scope="col", lang=lang)
        if completeness is not None and lang in completeness:
            element(th, "span", f" {completeness[lang]:.1f}%", class_="note", lang="en")
    element(row, "th", "source", scope="col")
    element(row, "th", "review", scope="col")
    tbody = element(table, "tbody")
    for post in sorted(posts, key=lambda p: (p.date or "", p.doc), reverse=True):
        tr = element(tbody, "tr")
        td = element(tr, "td", data_label="date")
        if post.date:
            try:
                from datetime import date

                shown = format_date(date.fromisoformat(post.date[:10]), "medium", locale="en")
            except ValueError:
                shown = post.date
            element(td, "time", shown, datetime=post.date)
        for lang in languages:
            title, fell_back = post.titles.get(lang, (post.doc, True))
            cell = element(tr, "td", data_label=native_name(lang))
            link = element(cell, "a", title, href=f"{lang}/{post.doc}.html", hreflang=lang,
                           lang=post.source_language if fell_back else lang)
            if lang == post.source_language:
                link.tail = " "
                element(cell, "span", "(original)", class_="note", lang="en")
            elif fell_back:
                link.tail = " "
                element(cell, "span", "(title not translated)", class_="note", lang="en")
        element(tr, "td", native_name(post.source_language), data_label="source",
                lang=post.source_language)
        review = element(tr, "td", data_label="review")
        element(review, "a", "review", href=f"aligned/{post.doc}.html")
    return serialize(page)


INDEX_CSS = """
@media (max-width:40rem){
table.index thead{display:none}
table.index tr{display:block;border:1px solid #ccc;margin:0 0 .8rem}
table.index td{display:block;border:0}
table.index td::before{content:attr(data-label) ": ";color:#555;font-size:.85em}
}
"""
