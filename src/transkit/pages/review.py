"""Review pages: the aligned page of a post (one row per unit, one column per language)
and the pages `transkit align --html` writes for a published pair and an archive.

Both work on a phone (rows stack), name each language with the source marked, show
state by a text mark as well as by colour, and filter without a server (radio buttons
and CSS: no script, nothing fetched)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ..languages import native_name
from ..sources import inline
from ..text import diff_words
from .common import banner, element, fill_cell, new_page, serialize

SOURCE, TRANSLATED, FUZZY, UNTRANSLATED = "source", "translated", "fuzzy", "untranslated"
MARKS = {SOURCE: "source", FUZZY: "fuzzy", UNTRANSLATED: "untranslated"}

REVIEW_CSS = """
td.source{background:#eef5ff}
td.fuzzy{background:#fff4cc}
td.untranslated{background:#fde2e2}
td.broken{outline:2px solid #a00}
td.kind{color:#555;font-size:.85em;width:7rem}
.mark.source{background:#cfe0ff}.mark.fuzzy{background:#ffe08a}
.mark.untranslated{background:#f7b4b4}.mark.low{background:#ffe08a}
.mark.none{background:#f7b4b4}.mark.finding{background:#f7b4b4}
.where{display:block;color:#555;font-size:.8em;font-family:ui-monospace,monospace}
.diff{display:block;font-size:.85em;color:#333;margin-top:.3em}
.diff del{background:#fdd;text-decoration:line-through}
.diff ins{background:#dfd;text-decoration:none}
ul.findings{margin:.3em 0 0;padding-left:1.1em;font-size:.85em;color:#7a1f00}
.filters{margin:.5rem 0 1rem}
.filters label{margin-right:1em;white-space:nowrap}
#show-fuzzy:checked~table tbody tr:not(.has-fuzzy),
#show-untranslated:checked~table tbody tr:not(.has-untranslated),
#show-findings:checked~table tbody tr:not(.has-findings),
#show-low:checked~table tbody tr:not(.low){display:none}
@media (max-width:40rem){
table.review thead{display:none}
table.review tr{display:block;border:1px solid #999;margin:0 0 .8rem}
table.review td{display:block;border:0;border-top:1px solid #ddd}
table.review td::before{content:attr(data-label);display:block;color:#555;font-size:.8em}
td.kind{width:auto}
}
"""


@dataclass
class Cell:
    """One language's version of a unit on the aligned page."""

    lang: str
    state: str  # SOURCE, TRANSLATED, FUZZY or UNTRANSLATED
    text: str | None = None
    codes: dict[int, inline.Code] | None = None
    where: str | None = None  # locales/<lang>/<doc>.po:<line>
    previous: str | None = None  # a fuzzy unit's previous source (#| msgid)
    current: str | None = None  # the source now, to diff `previous` against
    findings: list[str] = field(default_factory=list)


@dataclass
class Row:
    kind: str
    cells: list[Cell]


def language_header(lang: str, source: bool) -> str:
    return f"{native_name(lang)} ({lang})" + (" — source" if source else "")


def _filters(body: etree._Element, options: list[tuple[str, str]]) -> None:
    """Radio buttons that, with REVIEW_CSS, show only some rows (they precede the table)."""
    element(body, "p", "Show:", class_="filters", id="filters-label")
    box = body.find("p[@id='filters-label']")
    for key, text in [("all", "all rows"), *options]:
        radio = element(box, "input", type="radio", name="show", id=f"show-{key}")
        if key == "all":
            radio.set("checked", "checked")
        radio.tail = " "
        element(box, "label", text, for_=f"show-{key}").tail = " "
    # The inputs must be siblings of the table for the CSS to reach it: move them up.
    for child in list(box):
        body.append(child)
    box.tail = None


def aligned_page(doc: str, source_lang: str, languages: list[str], rows: list[Row],
                 preview: list[str]) -> bytes:
    """One row per unit, one column per language; the source column marked, fuzzy cells
    with a word diff of their source's change, every cell naming its `file:line`."""
    title = f"{doc}: aligned review"
    page = new_page(title, "en", REVIEW_CSS)
    body = page.find("body")
    banner(body, preview)
    element(body, "h1", title)
    counts = {state: sum(1 for r in rows for c in r.cells if c.state == state)
              for state in (FUZZY, UNTRANSLATED)}
    findings = sum(1 for r in rows for c in r.cells if c.findings)
    element(body, "p", f"{len(rows)} units; source: {language_header(source_lang, False)}; "
            f"translations: {counts[FUZZY]} fuzzy, {counts[UNTRANSLATED]} untranslated, "
            f"{findings} with check findings (all languages). Fuzzy cells show how their "
            "source changed: removed words struck through, added words highlighted.",
            class_="note")
    _filters(body, [("fuzzy", "only fuzzy"), ("untranslated", "only untranslated"),
                    ("findings", "only check findings")])
    table = element(body, "table", class_="review aligned")
    head = element(element(table, "thead"), "tr")
    element(head, "th", "unit", scope="col")
    for lang in languages:
        element(head, "th", language_header(lang, lang == source_lang), scope="col",
                lang="en")
    tbody = element(table, "tbody")
    for row in rows:
        tr = element(tbody, "tr")
        classes = sorted({f"has-{c.state}" for c in row.cells if c.state in (FUZZY, UNTRANSLATED)}
                         | ({"has-findings"} if any(c.findings for c in row.cells) else set()))
        if classes:
            tr.set("class", " ".join(classes))
        element(tr, "td", row.kind, class_="kind", data_label="unit")
        for cell in row.cells:
            _cell(tr, cell, source_lang)
    return serialize(page)


def _cell(tr: etree._Element, cell: Cell, source_lang: str) -> None:
    source = cell.lang == source_lang
    td = element(tr, "td", lang=cell.lang, data_label=language_header(cell.lang, source))
    td.set("class", cell.state)
    mark = MARKS.get(cell.state)
    if mark:
        element(td, "span", mark, class_=f"mark {cell.state}", lang="en")
    if cell.text is not None:
        text = element(td, "span", class_="text")
        fill_cell(text, cell.text, cell.codes)
        if "broken" in (text.get("class") or ""):
            td.set("class", f"{cell.state} broken")
            element(td, "span", "broken placeholders: shown as text", class_="mark finding",
                    lang="en")
    if cell.previous is not None and cell.current is not None:
        diff = element(td, "span", class_="diff", lang=source_lang)
        element(diff, "span", "source changed: ", class_="note", lang="en")
        for tag, words in diff_words(inline.plain_text(cell.previous),
                                     inline.plain_text(cell.current)):
            piece = element(diff, {"equal": "span", "delete": "del", "insert": "ins"}[tag],
                            words)
            piece.tail = " "
    if cell.findings:
        ul = element(td, "ul", class_="findings", lang="en")
        for finding in cell.findings:
            element(ul, "li", finding)
    if cell.where:
        element(td, "code", cell.where, class_="where", lang="en")


def alignment_page(title: str, source_lang: str, lang: str, overall: float, bar: float,
                   rows: list[tuple[float, str, list[tuple[str, dict[int, inline.Code]]],
                                    tuple[str, dict[int, inline.Code] | None] | None,
                                    list[str]]]) -> bytes:
    """A published pair aligned: confidence, pair shape, the source units (their own
    markup), the translation, and notes (markup dropped in a merge…). Rows below the trust
    bar are marked `low`, rows with no partner `no partner`, in text and colour."""
    page = new_page(title, "en", REVIEW_CSS + "td.conf{width:5rem;text-align:right}"
                    "tr.low td{background:#fff3cd}tr.none td{background:#f8d7da}")
    body = page.find("body")
    element(body, "h1", title)
    element(body, "p", f"Source: {language_header(source_lang, False)}; translation: "
            f"{language_header(lang, False)}. Overall confidence {overall:.2f}; rows marked "
            f"‘low’ are below the trust bar {bar:.2f} (imported as fuzzy), ‘no partner’ rows "
            "have nothing on the other side.", class_="note")
    _filters(body, [("low", "only low confidence")])
    table = element(body, "table", class_="review alignment")
    head = element(element(table, "thead"), "tr")
    for text in ("confidence", "pair"):
        element(head, "th", text, scope="col")
    element(head, "th", language_header(source_lang, True), scope="col")
    element(head, "th", language_header(lang, False), scope="col")
    tbody = element(table, "tbody")
    for confidence, kind, sources, target, notes in rows:
        tr = element(tbody, "tr")
        conf = element(tr, "td", class_="conf", data_label="confidence")
        if not sources or target is None:
            tr.set("class", "none low")
            element(conf, "span", "no partner", class_="mark none")
        elif confidence <= bar:
            tr.set("class", "low")
            element(conf, "span", "low", class_="mark low")
        element(conf, "span", f"{confidence:.2f}")
        element(tr, "td", kind, data_label="pair")
        left = element(tr, "td", lang=source_lang,
                       data_label=language_header(source_lang, True))
        for n, (text, codes) in enumerate(sources):
            span = element(left, "span")
            span.tail = " " if n + 1 < len(sources) else None
            fill_cell(span, text, codes)
        right = element(tr, "td", lang=lang, data_label=language_header(lang, False))
        if target is not None:
            fill_cell(element(right, "span", class_="text"), target[0], target[1])
        if notes:
            ul = element(right, "ul", class_="findings", lang="en")
            for note in notes:
                element(ul, "li", note)
    return serialize(page)


def alignment_index(title: str, pages: list[tuple[str, str, str, float, int]]) -> bytes:
    """The index of an archive's review pages: (file, document, language, confidence,
    pairs below the bar) per page, worst first."""
    page = new_page(title, "en")
    body = page.find("body")
    element(body, "h1", title)
    element(body, "p", f"{len(pages)} aligned pair(s), lowest confidence first.",
            class_="note")
    table = element(body, "table", class_="review")
    head = element(element(table, "thead"), "tr")
    for text in ("document", "language", "confidence", "low rows"):
        element(head, "th", text, scope="col")
    tbody = element(table, "tbody")
    for href, doc, lang, overall, low in sorted(pages, key=lambda p: (p[3], p[1], p[2])):
        tr = element(tbody, "tr")
        element(element(tr, "td", data_label="document"), "a", doc, href=href)
        element(tr, "td", language_header(lang, False), data_label="language")
        element(tr, "td", f"{overall:.2f}", data_label="confidence")
        element(tr, "td", str(low), data_label="low rows")
    return serialize(page)
