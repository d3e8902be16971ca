from __future__ import annotations

import pytest
from lxml import etree, html

from transkit.sources import inline


def _run(markup: str) -> tuple[etree._Element, inline.Encoded]:
    p = html.fragment_fromstring(markup)
    return p, inline.encode_run(p.text, list(p))


def test_encode_numbers_pairs_and_empty_elements() -> None:
    _, enc = _run('<p>published by <a href="https://e.eu">Europol</a> and <em>Trend '
                  'Micro</em>.<br>Next <img src="a.png" alt="x"> end</p>')
    assert enc.text == "published by <g1>Europol</g1> and <g2>Trend Micro</g2>.<x3/>Next <x4/> end"
    assert enc.codes[1].legend() == '<g1> = <a href="https://e.eu">'
    assert enc.codes[3].kind == "x" and enc.codes[4].kind == "x"


def test_code_and_translate_no_are_opaque() -> None:
    _, enc = _run('<p>Run <code>rm -rf</code> and <span translate="no">EC3 <b>x</b></span>.</p>')
    assert enc.text == "Run <x1/> and <x2/>."
    assert "rm -rf" in enc.codes[1].legend()


def test_decode_escapes_unknown_markup() -> None:
    _, enc = _run('<p>a <a href="u">b</a></p>')
    lead, elements = inline.decode('<script>alert(1)</script> <g1>b</g1> <b>x</b>', enc.codes)
    out = etree.Element("p")
    out.text = lead
    for e in elements:
        out.append(e)
    text = etree.tostring(out, encoding="unicode", method="html")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "&lt;b&gt;" in text
    assert '<a href="u">b</a>' in text


@pytest.mark.parametrize("bad, reason", [
    ("<g1>b", "never closed"),
    ("b", "missing"),
    ("<g1>b</g1><g2>c</g2>", "unknown"),
    ("<g1>b</g1><g1>c</g1>", "twice"),
    ("</g1>b<g1>", "not open"),
    ("<x1/>", "must be <g1>"),
])
def test_validate_rejects_broken_placeholders(bad: str, reason: str) -> None:
    with pytest.raises(inline.PlaceholderError, match=reason):
        inline.validate(bad, {1: "g"})


def test_misnested_pairs_rejected() -> None:
    with pytest.raises(inline.PlaceholderError):
        inline.validate("<g1>a<g2>b</g1>c</g2>", {1: "g", 2: "g"})


def test_renumber_round_trip() -> None:
    text = "<g3>a</g3> <x5/>"
    assert inline.renumber(inline.renumber(text, {3: 1, 5: 2}), {1: 3, 2: 5}) == text
