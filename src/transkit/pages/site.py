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


# Source text shown on a translated page of a preview build: visible on any page, whatever
# its stylesheet (an inline style wins), and not by colour alone (the dashed outline).
FALLBACK_STYLE = ("background:#fff0b3;color:#1b1b1b;outline:2px dashed #a04a00;"
                  "outline-offset:1px")


def mark_fallback(span: etree._Element, source_name: str) -> None:
    """Mark a span of source text on a preview page as not translated yet."""
    span.set("class", "transkit-fallback")
    span.set("style", FALLBACK_STYLE)
    span.set("title", f"not translated yet: shown in {source_name}")


def preview_banner(root: etree._Element, what: list[str],
                   legend: str | None = None) -> None:
    """A banner at the top of a preview build's post: it is not what a release ships;
    with a `legend` (the source language's name) when the page shows source text,
    a sample of how that text is marked."""
    body = root.find("body")
    if body is None:
        return
    banner(body, what, first=True)
    if legend is None:
        return
    note = body[0]
    note.text = (note.text or "") + " "
    sample = etree.SubElement(note, "span", lang="en")
    mark_fallback(sample, legend)
    sample.text = "Marked like this"
    sample.tail = f": text not translated yet, shown in {legend}."


# The language switch's layout, for a page whose own stylesheet says nothing of it: a row
# of links, the current language in bold and not underlined. The selectors weigh what a
# site's own rule for its switch would (one class and an element or attribute), and this
# sheet comes first in the head: the site's own rules win.
SWITCH_CSS = (".lang-switch ul{list-style:none;margin:.5em 0;padding:0;display:flex;"
              "flex-wrap:wrap;gap:.25em 1em}"
              ".lang-switch li{margin:0}"
              ".lang-switch [aria-current=page]{font-weight:bold;text-decoration:none;"
              "color:inherit}")


def switch_style(root: etree._Element) -> None:
    """The switch's default layout as the head's first stylesheet (the site's own come
    after it and win)."""
    head = root.find("head")
    if head is None:
        return
    style = etree.Element("style")
    style.text = SWITCH_CSS
    style.tail = "\n"
    anchor = head.find("meta[@name='viewport']")
    if anchor is None:
        anchor = head.find("meta[@charset]")
    if anchor is not None:
        anchor.addnext(style)
    else:
        head.insert(0, style)


@dataclass
class Post:
    """A post as the index shows it: one `<article>` of a bulletin."""

    doc: str
    source_language: str
    date: str | None  # ISO date from the post's <time datetime> (or the page's), if any
    anchor: str = ""  # "#id" of the article on a page of several posts
    order: int = 0  # the article's place in its page
    titles: dict[str, tuple[str, bool]] = field(default_factory=dict)  # lang: (title, fell back)


# The index's own words, per language (a language not here gets the English ones, marked
# lang="en"). `{posts}` and `{languages}` are counts.
INDEX_LABELS: dict[str, dict[str, str]] = {
    "en": {"summary": "{posts} post(s) in {languages} languages, newest first. Aligned "
                      "review pages: the ‘review’ links; translation status: ",
           "status": "status", "source": "original language", "review": "review",
           "original": "(original)", "untranslated": "(title not translated)",
           "posts": "Posts", "complete": "translated"},
    "ca": {"summary": "{posts} apunt(s) en {languages} llengües, els més recents primer. "
                      "Pàgines de revisió alineades: els enllaços ‘revisió’; estat de la "
                      "traducció: ",
           "status": "estat", "source": "llengua original", "review": "revisió",
           "original": "(original)", "untranslated": "(títol no traduït)",
           "posts": "Apunts", "complete": "traduït"},
    "es": {"summary": "{posts} entrada(s) en {languages} idiomas, las más recientes "
                      "primero. Páginas de revisión alineadas: los enlaces ‘revisión’; "
                      "estado de la traducción: ",
           "status": "estado", "source": "idioma original", "review": "revisión",
           "original": "(original)", "untranslated": "(título sin traducir)",
           "posts": "Entradas", "complete": "traducido"},
    "fr": {"summary": "{posts} article(s) en {languages} langues, les plus récents "
                      "d’abord. Pages de relecture alignées : les liens « relecture » ; "
                      "état de la traduction : ",
           "status": "état", "source": "langue d’origine", "review": "relecture",
           "original": "(original)", "untranslated": "(titre non traduit)",
           "posts": "Articles", "complete": "traduit"},
}


def index_labels(lang: str) -> tuple[str, dict[str, str]]:
    """(language the labels are in, labels) for a page or cell in `lang`."""
    from ..languages import primary

    for code in (lang, primary(lang)):
        if code in INDEX_LABELS:
            return code, INDEX_LABELS[code]
    return "en", INDEX_LABELS["en"]


def local_date(iso: str, lang: str) -> str:
    """An ISO date as `lang` writes it (Babel's medium format), or as given when it is
    no date Python reads."""
    from datetime import date

    from babel.dates import format_date

    from ..languages import locale

    try:
        return format_date(date.fromisoformat(iso[:10]), "medium", locale=locale(lang))
    except ValueError:
        return iso


def newest_first(posts: list[Post]) -> list[Post]:
    """Posts by date, newest first; undated ones last; a page's posts in page order
    when their dates are equal."""
    in_page = sorted(posts, key=lambda p: p.order)
    return sorted(in_page, key=lambda p: (p.date is not None, (p.date or "")[:10], p.doc),
                  reverse=True)


def index_page(name: str, posts: list[Post], languages: list[str],
               completeness: dict[str, float] | None, preview: list[str],
               page_lang: str = "en") -> bytes:
    """The site's front page: one row per post (every article of every bulletin, newest
    first), in every language its title linking to that version and its date as that
    language writes it, then its source language; in a preview, each language's
    completeness. The page's own words are in `page_lang` (the project's source language),
    each cell's in the cell's language."""
    label_lang, labels = index_labels(page_lang)
    page = new_page(name, label_lang, INDEX_CSS)
    body = page.find("body")
    banner(body, preview)
    element(body, "h1", name)
    summary = element(body, "p", labels["summary"].format(posts=len(posts),
                                                          languages=len(languages)),
                      class_="note")
    element(summary, "a", labels["status"], href="status.html").tail = "."
    table = element(body, "table", class_="index")
    element(table, "caption", labels["posts"])
    row = element(element(table, "thead"), "tr")
    for lang in languages:
        th = element(row, "th", native_name(lang), scope="col", lang=lang)
        if completeness is not None and lang in completeness:
            cell_lang, cell_labels = index_labels(lang)
            element(th, "span", f" {completeness[lang]:.1f}% {cell_labels['complete']}",
                    class_="note", lang=cell_lang)
    element(row, "th", labels["source"], scope="col")
    element(row, "th", labels["review"], scope="col")
    tbody = element(table, "tbody")
    for post in newest_first(posts):
        tr = element(tbody, "tr")
        for lang in languages:
            title, fell_back = post.titles.get(lang, (post.doc, True))
            cell_lang, cell_labels = index_labels(lang)
            cell = element(tr, "td", data_label=native_name(lang), lang=lang)
            link = element(cell, "a", title, href=f"{lang}/{post.doc}.html{post.anchor}",
                           hreflang=lang)
            if fell_back:
                link.set("lang", post.source_language)
            note = (cell_labels["original"] if lang == post.source_language
                    else cell_labels["untranslated"] if fell_back else None)
            if note is not None:
                link.tail = " "
                span = element(cell, "span", note, class_="note")
                if cell_lang != lang:
                    span.set("lang", cell_lang)
            if post.date:
                element(cell, "br")
                element(cell, "time", local_date(post.date, lang), datetime=post.date,
                        class_="note")
        element(tr, "td", native_name(post.source_language), data_label=labels["source"],
                lang=post.source_language)
        review = element(tr, "td", data_label=labels["review"])
        element(review, "a", labels["review"],
                href=f"aligned/{post.doc}.html")
    return serialize(page)


INDEX_CSS = """
@media (max-width:40rem){
table.index thead{display:none}
table.index tr{display:block;border:1px solid #ccc;margin:0 0 .8rem}
table.index td{display:block;border:0}
table.index td::before{content:attr(data-label) ": ";color:#555;font-size:.85em}
}
"""
