"""What every page transkit writes shares: the skeleton (charset, viewport, inline style,
no network), cells that show a unit with its source markup, and serialisation."""

from __future__ import annotations

import re

from lxml import etree, html

from ..sources import inline

# Characters an HTML (and XML) document cannot hold: a translation carrying one is refused.
NOT_IN_HTML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")

VIEWPORT = "width=device-width, initial-scale=1"

BASE_CSS = """
*,*::before,*::after{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:0 auto;padding:1rem;max-width:80rem;
line-height:1.45;color:#1b1b1b;background:#fff}
img,video,svg{max-width:100%;height:auto}
a{color:#0b57a4}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.4rem;vertical-align:top;text-align:left;
overflow-wrap:break-word}
th{background:#f3f3f3}
td time{white-space:nowrap}
@media (max-width:40rem){th,td{overflow-wrap:anywhere}}
.note{color:#555;font-size:.9em}
.mark{font-weight:bold;font-size:.8em;padding:0 .25em;border-radius:.2em;margin-right:.3em}
.banner{background:#7a1f00;color:#fff;padding:.5rem 1rem;font-weight:bold;margin:0 0 1rem}
"""


def new_page(title: str, lang: str = "en", css: str = "") -> etree._Element:
    """An empty page: `<html lang>`, charset, viewport, title, one inline stylesheet."""
    page = html.fromstring(
        "<html><head><meta charset='utf-8'><meta name='viewport'><title></title>"
        "<style></style></head><body></body></html>")
    page.set("lang", lang)
    page.find("head/meta[@name='viewport']").set("content", VIEWPORT)
    page.find("head/title").text = title
    page.find("head/style").text = BASE_CSS + css
    return page


def visible(text: str) -> str:
    """`text` with the characters no HTML page may hold shown as `\\u001b` escapes: a
    message or translation quoting them is still shown, never a failed build."""
    return NOT_IN_HTML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def element(parent: etree._Element, tag: str, text: str | None = None,
            **attributes: str) -> etree._Element:
    """A child element with `text` as text (never parsed) and attributes (`class_` for
    class)."""
    attrs = {k.rstrip("_").replace("_", "-"): visible(v) for k, v in attributes.items()}
    child: etree._Element = etree.SubElement(parent, tag, attrs)
    if text is not None:
        child.text = visible(text)
    return child


BANNER_STYLE = ("background:#7a1f00;color:#fff;padding:.5rem 1rem;margin:0 0 1rem;"
                "font:bold 1rem system-ui,sans-serif")


def banner(body: etree._Element, preview: list[str] | None, first: bool = False) -> None:
    """A preview build's banner (nothing for a release): at the end of `body` so far, or
    `first` (a post, whose own page we do not otherwise touch). It carries its own style
    and language, so it reads the same on a post whatever the post's stylesheet."""
    if not preview:
        return
    note = etree.Element("p", {"class": "banner transkit-preview", "role": "note",
                               "lang": "en", "style": BANNER_STYLE})
    note.text = "Preview build, not a release: " + "; ".join(preview) + "."
    note.tail = "\n"
    if first:
        body.insert(0, note)
    else:
        body.append(note)


def serialize(page: etree._Element) -> bytes:
    data: bytes = html.tostring(page, doctype="<!DOCTYPE html>", encoding="utf-8",
                                method="html")
    return data + b"\n"


def fill_cell(td: etree._Element, text: str, codes: dict[int, inline.Code] | None) -> None:
    """A unit's text in an empty cell: its placeholders rebuilt from the source's elements
    (a translation never brings markup of its own); broken placeholders shown as text."""
    if NOT_IN_HTML.search(text):
        text = visible(text)
        td.set("class", (td.get("class", "") + " broken").strip())
    if codes is None:
        td.text = text
        return
    try:
        lead, elements = inline.decode(text, codes)
    except inline.PlaceholderError as exc:
        td.text = text  # shown as text, escaped: the reviewer sees what is wrong
        td.set("class", (td.get("class", "") + " broken").strip())
        td.set("title", visible(str(exc)))
        return
    td.text = lead
    for child in elements:
        td.append(child)
