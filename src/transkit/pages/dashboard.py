"""The status dashboard (`transkit status --format html`, `site/status.html`): per language
and per document, bars of translated, fuzzy and untranslated words, out-of-date marks,
check findings, links to the aligned pages, and progress over the project's git history.

It draws the same data `status --format json` prints (`status.as_data`), so the two never
disagree; every figure is also in the page as text (`data-field` cells), bars and the chart
are plain inline SVG, and nothing is fetched."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from lxml import etree

from ..languages import native_name
from ..problems import Problem
from ..project import CHROME_PREFIX, is_chrome
from .common import banner, element, new_page, serialize

COLOURS = {"translated_words": "#2e7d32", "fuzzy_words": "#f9a825",
           "untranslated_words": "#c62828"}
LINE_COLOURS = ("#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037",
                "#ad1457")
COLUMNS = ("%", "total", "translated", "fuzzy", "untranslated")

DASHBOARD_CSS = """
.bar{display:block;width:100%;min-width:5rem;max-width:16rem;height:.9rem}
td.num{text-align:right;font-variant-numeric:tabular-nums}
table.status th,table.status td{overflow-wrap:normal}
table.status td.num{white-space:nowrap}
.ok{color:#2e7d32;font-weight:bold}.bad{color:#c62828;font-weight:bold}
.legend span{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 .8em}
.chart{width:100%;max-width:48rem;height:auto;border:1px solid #ccc}
.scroll{overflow-x:auto}
@media (max-width:40rem){
table.status thead{display:none}
table.status tr{display:block;border:1px solid #ccc;margin:0 0 .8rem}
table.status td{display:block;border:0;text-align:left}
table.status td::before{content:attr(data-label) ": ";color:#555;font-size:.85em}
}
"""


class HistoryPoint(Protocol):
    """One commit's figures (`history.Point`)."""

    @property
    def commit(self) -> str: ...
    @property
    def date(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def languages(self) -> dict[str, tuple[int, int, int]]: ...


def dashboard(name: str, data: dict[str, Any], doc_findings: dict[tuple[str, str], dict[str, int]],
              history: Sequence[HistoryPoint], bulletins: set[str],
              preview: list[str] | None = None, aligned_prefix: str = "aligned/",
              gate: list[Problem] | None = None) -> bytes:
    """The dashboard page. `data` is `status.as_data(status, by_doc=True, checks=…)`;
    `doc_findings` the check findings per (language, document); `bulletins` the documents
    that have an aligned page (the chrome has none); `gate` what keeps the release gate
    from passing, as far as the figures and the checks tell (the build adds its own)."""
    page = new_page(f"{name}: translation status", "en", DASHBOARD_CSS)
    body = page.find("body")
    banner(body, preview)
    element(body, "h1", f"{name}: translation status")
    legend = element(body, "p", "Words:", class_="legend note")
    for field, text in (("translated_words", "translated"), ("fuzzy_words", "fuzzy"),
                        ("untranslated_words", "untranslated")):
        element(legend, "span", style=f"background:{COLOURS[field]}").tail = text
    if data.get("unextracted"):
        element(body, "p", "Not extracted yet (no language can be complete): "
                + ", ".join(data["unextracted"]), class_="bad")
    if gate is not None:
        _gate(body, gate)
    languages: dict[str, Any] = data["languages"]
    _language_table(body, languages)
    _history(body, languages, history)
    for lang, entry in languages.items():
        _document_table(body, lang, entry, doc_findings, bulletins, aligned_prefix)
    return serialize(page)


def _gate(body: etree._Element, problems: list[Problem]) -> None:
    """The release gate's verdict from the figures and the checks, with its reasons."""
    if not problems:
        element(body, "p", "Release gate: the required languages are complete and no check "
                "reports an error.", class_="ok", data_field="gate")
        return
    element(body, "p", f"Release gate: blocked by {len(problems)} problem(s).", class_="bad",
            data_field="gate")
    details = element(body, "details")
    element(details, "summary", "What blocks it")
    ul = element(details, "ul")
    for problem in problems[:200]:
        element(ul, "li", problem.text())
    if len(problems) > 200:
        element(ul, "li", f"… and {len(problems) - 200} more (`transkit release` lists them)")


def _bar(parent: etree._Element, row: dict[str, Any]) -> None:
    """A stacked bar of the row's words (an SVG with its figures as its accessible name)."""
    total = max(int(row["words"]), 0)
    parts = [(f, int(row[f])) for f in COLOURS]
    label = ", ".join(f"{n} {f.removesuffix('_words')}" for f, n in parts) + " words"
    svg = etree.SubElement(parent, "svg", {"class": "bar", "viewBox": "0 0 100 10",
                                           "preserveAspectRatio": "none", "role": "img",
                                           "aria-label": label})
    element(svg, "title", label)
    x = 0.0
    for field, count in parts:
        width = 100.0 * count / total if total else 0.0  # nothing to translate: no bar
        if width > 0:
            etree.SubElement(svg, "rect", x=f"{x:.3f}", y="0", width=f"{width:.3f}",
                             height="10", fill=COLOURS[field])
        x += width


def _figures(tr: etree._Element, row: dict[str, Any]) -> None:
    """Percent, then units and words of each state, every figure in a `data-field`."""
    element(tr, "td", f"{row['percent']:.2f}", class_="num", data_field="percent",
            data_label="percent")
    element(tr, "td", class_="num", data_label="total").append(_pair(row, "units", "words"))
    for state in ("translated", "fuzzy", "untranslated"):
        cell = element(tr, "td", class_="num", data_label=state)
        cell.append(_pair(row, state, f"{state}_words"))


def _pair(row: dict[str, Any], units: str, words: str) -> etree._Element:
    """`12 units · 340 words`, each number in its own `data-field` span."""
    box = etree.Element("span")
    element(box, "span", str(row[units]), data_field=units).tail = " units · "
    element(box, "span", str(row[words]), data_field=words).tail = " words"
    return box


def _language_table(body: etree._Element, languages: dict[str, Any]) -> None:
    element(body, "h2", "Languages")
    table = element(element(body, "div", class_="scroll"), "table", class_="status languages")
    head = element(element(table, "thead"), "tr")
    for text in ("language", "words", *COLUMNS, "out of date", "errors", "warnings",
                 "complete"):
        element(head, "th", text, scope="col")
    tbody = element(table, "tbody")
    for lang, entry in languages.items():
        tr = element(tbody, "tr", data_lang=lang)
        element(tr, "th", f"{native_name(lang)} ({lang})", scope="row", lang=lang,
                data_label="language")
        _bar(element(tr, "td", data_label="words"), entry)
        _figures(tr, entry)
        element(tr, "td", str(entry["out_of_date"]), class_="num", data_field="out_of_date",
                data_label="out of date")
        found = entry.get("findings") or {}
        for severity in ("error", "warning"):
            element(tr, "td", str(found.get(severity, 0)), class_="num",
                    data_field=f"{severity}s", data_label=f"{severity}s")
        complete = bool(entry["complete"])
        element(tr, "td", "complete" if complete else "incomplete",
                class_="ok" if complete else "bad", data_field="complete",
                data_label="complete")


def _document_table(body: etree._Element, lang: str, entry: dict[str, Any],
                    doc_findings: dict[tuple[str, str], dict[str, int]], bulletins: set[str],
                    aligned_prefix: str) -> None:
    section = element(body, "section", id=f"lang-{lang}")
    element(section, "h2", f"{native_name(lang)} ({lang}): documents").set("lang", "en")
    table = element(element(section, "div", class_="scroll"), "table",
                    class_="status documents")
    head = element(element(table, "thead"), "tr")
    for text in ("document", "words", *COLUMNS, "state", "errors", "warnings", "review"):
        element(head, "th", text, scope="col")
    tbody = element(table, "tbody")
    for doc, row in entry.get("documents", {}).items():
        tr = element(tbody, "tr", data_doc=doc)
        th = element(tr, "th", doc, scope="row", data_label="document")
        if is_chrome(doc):
            th.text = f"site chrome ({doc.removeprefix(CHROME_PREFIX)} source)"
            th.set("title", f"text around the posts: {doc}.po")
        _bar(element(tr, "td", data_label="words"), row)
        _figures(tr, row)
        if row.get("source"):
            element(tr, "td", "source language", data_label="state")
        elif row.get("problem"):
            element(tr, "td", f"out of date: {row['problem']}", class_="bad",
                    data_field="problem", data_label="state")
        else:
            complete = row["translated"] == row["units"]
            element(tr, "td", "complete" if complete else "in progress",
                    class_="ok" if complete else "", data_label="state")
        found = doc_findings.get((lang, doc), {})
        for severity in ("error", "warning"):
            element(tr, "td", str(found.get(severity, 0)), class_="num",
                    data_field=f"{severity}s", data_label=f"{severity}s")
        cell = element(tr, "td", data_label="review")
        if doc in bulletins:
            element(cell, "a", "aligned", href=f"{aligned_prefix}{doc}.html")
        else:
            cell.text = "—"


def _history(body: etree._Element, languages: dict[str, Any],
             history: Sequence[HistoryPoint]) -> None:
    """Translated words per language, in percent, at every commit that touched the
    catalogues (a line each), as plain SVG; a table of the same figures for screen
    readers and for anyone who wants the numbers."""
    element(body, "h2", "Progress over the project's history")
    if len(history) < 1:
        element(body, "p", "No history: the project is not in a git repository, or no "
                "commit holds its catalogues yet.", class_="note")
        return
    width, height, pad = 600.0, 220.0, 30.0
    svg = etree.SubElement(body, "svg", {
        "class": "chart", "viewBox": f"0 0 {width:g} {height:g}", "role": "img",
        "aria-label": f"translated words per language over {len(history)} commit(s)"})
    for percent in (0, 50, 100):
        y = height - pad - (height - 2 * pad) * percent / 100
        etree.SubElement(svg, "line", x1=f"{pad:g}", x2=f"{width - 10:g}", y1=f"{y:.1f}",
                         y2=f"{y:.1f}", stroke="#ddd")
        text = etree.SubElement(svg, "text", x="2", y=f"{y + 4:.1f}", fill="#555")
        text.set("font-size", "10")
        text.text = f"{percent}%"
    step = (width - pad - 10) / max(len(history) - 1, 1)
    legend = element(body, "p", "Lines:", class_="legend note")
    for n, lang in enumerate(languages):
        colour = LINE_COLOURS[n % len(LINE_COLOURS)]
        points = []
        for i, point in enumerate(history):
            translated, _, total = point.languages.get(lang, (0, 0, 0))
            share = translated / total if total else 0.0
            points.append(f"{pad + i * step:.1f},"
                          f"{height - pad - (height - 2 * pad) * share:.1f}")
        line = etree.SubElement(svg, "polyline", points=" ".join(points), fill="none",
                                stroke=colour)
        line.set("stroke-width", "2")
        element(line, "title", native_name(lang))
        element(legend, "span", style=f"background:{colour}").tail = f"{native_name(lang)}"
    details = element(body, "details")
    element(details, "summary", "The figures, commit by commit")
    table = element(element(details, "div", class_="scroll"), "table", class_="status history")
    head = element(element(table, "thead"), "tr")
    element(head, "th", "commit", scope="col")
    for lang in languages:
        element(head, "th", f"{lang} %", scope="col")
    tbody = element(table, "tbody")
    for point in reversed(history):
        tr = element(tbody, "tr")
        cell = element(tr, "td", data_label="commit")
        element(cell, "code", point.commit[:10])
        cell.find("code").tail = f" {point.date[:10]} {point.subject}"
        for lang in languages:
            translated, _, total = point.languages.get(lang, (0, 0, 0))
            element(tr, "td", f"{100.0 * translated / total:.1f}" if total else "—",
                    class_="num", data_label=f"{lang} %")
