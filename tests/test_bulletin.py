from __future__ import annotations

from pathlib import Path

import pytest

from transkit.config import ExtractConfig
from transkit.errors import InputError
from transkit.sources.html import read_document

from .conftest import POST


def _doc(tmp_path: Path, text: str | bytes, **kw: object):  # type: ignore[no-untyped-def]
    path = tmp_path / "doc.html"
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return read_document(path, "doc", "bulletins/doc.html", ExtractConfig(), "ca", **kw)


def test_units_blocks_attributes_and_skips(tmp_path: Path) -> None:
    doc = _doc(tmp_path, POST)
    sources = [u.msgid for u in doc.units()]
    assert sources == [
        "Títol de la prova",
        "Europol detén 23 persones",
        "L'operació, coordinada per <g1>Europol</g1>, va acabar amb 23 detinguts.",
        "El frau superava els <g1>29.000 milions d'euros</g1>.",
        "<x1/> La policia recomana:",
        "Un agent al caixer",
        "tapar el teclat",
        "revisar el compte",
    ]
    joined = " ".join(sources)
    for skipped in ("no es tradueix", "Esta entrada"):
        assert skipped not in joined


def test_legend_and_reference_lines(tmp_path: Path) -> None:
    units = _doc(tmp_path, POST).units()
    link = units[2]
    assert link.extracted_comments == ['<g1> = <a href="https://www.europol.europa.eu/">']
    assert link.line == 6
    assert units[5].kind == "img@alt" and "x.jpg" in units[5].extracted_comments[0]


def test_html_lang_sets_source_language(tmp_path: Path) -> None:
    doc = _doc(tmp_path, POST.replace('lang="ca"', 'lang="en-GB"'))
    assert doc.source_language == "en"
    assert _doc(tmp_path, POST, source_language="fr").source_language == "fr"


def test_nested_blocks_and_text_runs(tmp_path: Path) -> None:
    html = ("<html><body><article><ul><li>Primer punt<ul><li>Subpunt</li></ul> i cua</li></ul>"
            "<blockquote><p>Cita.</p></blockquote><div>Text solt <b>aquí</b>.</div>"
            "</article></body></html>")
    sources = [u.msgid for u in _doc(tmp_path, html).units()]
    assert sources == ["Primer punt", "Subpunt", "i cua", "Cita.", "Text solt <g1>aquí</g1>."]


@pytest.mark.parametrize("content, message", [
    (b"<html><body><p>No article</p></body></html>", "not a bulletin"),
    (b"<html><body><article>caf\xe9</article></body></html>", "not valid UTF-8"),
    (b"   ", "empty file"),
    (b"<html><body><article>" + b"<div>" * 400 + b"<p>deep</p></article></body></html>",
     "Excessive depth"),
    (b'<html lang="qq-bogus!"><body><article>x</article></body></html>', "unknown language"),
])
def test_bad_html_is_a_located_error(tmp_path: Path, content: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        _doc(tmp_path, content)
    assert str(info.value).startswith(str(tmp_path / "doc.html"))


def test_entities_are_not_resolved_and_size_is_bounded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", "utf-8")
    html = (f'<!DOCTYPE html [<!ENTITY x SYSTEM "file://{secret}">]>'
            "<html><body><article><p>a &x; b</p></article></body></html>")
    text = " ".join(u.msgid for u in _doc(tmp_path, html).units())
    assert "TOPSECRET" not in text
    path = tmp_path / "big.html"
    path.write_bytes(b"<html><body><article><p>" + b"x" * 2000 + b"</p></article></body></html>")
    with pytest.raises(InputError, match="too large"):
        read_document(path, "big", "b", ExtractConfig(max_file_bytes=1000), "ca")
