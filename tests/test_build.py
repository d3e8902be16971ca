from __future__ import annotations

import re
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree, html

from transkit import catalog
from transkit.build import build_site
from transkit.extract import extract
from transkit.project import Project

from .conftest import CONFIG, fill, run

_fill = fill


def test_demo_release_builds_every_language_and_aligned_pages(demo: Path) -> None:
    result = run("release", cwd=demo, check=True)
    assert "release gate passed" in result.stdout
    page = html.parse(str(demo / "site/fr/2018-12-frau-targetes.html")).getroot()
    assert page.get("lang") == "fr"
    assert page.findtext(".//h1") == "Europol démantèle un réseau de fraude à la carte de paiement"
    link = page.xpath("//a[@href='https://www.europol.europa.eu/']")[0]
    assert link.text == "Europol"
    assert page.xpath("//img/@alt") == ["Un agent examine un distributeur automatique manipulé"]
    # An attribute of an inline element inside a translated sentence is translated too.
    ransom = html.parse(str(demo / "site/fr/2019-01-ransomware.html")).getroot()
    assert ransom.xpath("//abbr/@title") == ["Groupe d'action conjointe contre la cybercriminalité"]
    switch = page.xpath("//nav[contains(@class,'lang-switch')]//a")
    assert [(a.get("hreflang"), a.text) for a in switch] == [
        ("ca", "Aquest apunt en català"), ("es", "Esta entrada en español"),
        ("en", "This post in English"), ("fr", "Post en français")]
    assert [a.get("aria-current") for a in switch] == [None, None, None, "page"]
    assert switch[0].get("href") == "../ca/2018-12-frau-targetes.html"
    assert page.xpath("//nav[contains(@class,'lang-switch')]/@aria-label") == ["Langues"]
    multi = html.parse(str(demo / "site/en/2019-02-butlleti.html")).getroot()
    hrefs = multi.xpath("//*[contains(@class,'lang-switch')]//a/@href")
    assert "../fr/2019-02-butlleti.html#mules" in hrefs
    aligned = html.parse(str(demo / "site/aligned/2019-01-ransomware.html")).getroot()
    headers = [th.text for th in aligned.xpath("//thead//th")]
    assert headers == ["unit", "català (ca) — source", "español (es)", "English (en)",
                       "français (fr)"]
    rows = aligned.xpath("//tbody/tr")
    # 13 units of the post (the <h1> repeats the <title>) and 4 of the chrome
    assert len(rows) == 18
    assert [r.findtext("td") for r in rows].count("p (chrome)") == 4
    assert not aligned.xpath("//td[contains(@class,'untranslated') or "
                             "contains(@class,'fuzzy')]")
    assert all(td.get("lang") for td in aligned.xpath("//tbody/tr/td[position() > 1]"))


def test_translations_are_untrusted(project: Path) -> None:
    run("extract", cwd=project, check=True)
    for lang in ("es", "en"):
        _fill(project, lang)
    evil = ('<script>alert(1)</script><img src=x onerror=alert(2)> '
            '<g1 href="javascript:alert(3)">Europol</g1> & <b>bold</b>')

    def hostile(entry: catalog.Unit) -> str:
        if "<g1>Europol</g1>" in entry.msgid:
            return evil
        return entry.msgid
    _fill(project, "fr", hostile)
    # <g1 href=...> is not a placeholder: the unit is broken, the gate blocks.
    blocked = run("release", cwd=project)
    assert blocked.returncode == 1 and "placeholders" in blocked.stderr
    assert not (project / "site").exists()
    _fill(project, "fr", lambda e: e.msgid.replace(
        "<g1>Europol</g1>", "<script>alert(1)</script><g1>Europol</g1> <b onclick=x>b</b> &amp;"))
    gate = run("release", cwd=project)  # the checks see the markup and block the release
    assert gate.returncode == 1 and "error[unsafe-markup]" in gate.stderr
    run("build", cwd=project, check=True)  # without the gate: built, and escaped
    page = (project / "site/fr/post.html").read_text("utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b onclick" not in page and "&lt;b onclick=x&gt;" in page
    assert "&amp;amp;" in page  # the translator's "&amp;" is text, not an entity
    assert '<a href="https://www.europol.europa.eu/">Europol</a>' in page
    tree = html.parse(str(project / "site/fr/post.html"))
    tags = {e.tag for e in tree.iter() if isinstance(e.tag, str)}
    source_tags = {e.tag for e in html.parse(str(project / "bulletins/post.html")).iter()
                   if isinstance(e.tag, str)}
    # The switch, its default style and the head links; the one <style> is the switch's.
    assert tags <= source_tags | {"nav", "ul", "li", "a", "link", "meta", "style"}
    styles = tree.getroot().xpath("//style")
    assert len(styles) == 1 and styles[0].getparent().tag == "head"
    assert styles[0].text.startswith(".lang-switch ul{")


def test_broken_placeholder_blocks_release_and_falls_back_when_allowed(project: Path) -> None:
    run("extract", cwd=project, check=True)
    for lang in ("es", "en"):
        _fill(project, lang)
    _fill(project, "fr", lambda e: e.msgid.replace("</g1>", ""))
    blocked = run("release", cwd=project)
    assert blocked.returncode == 1
    listed = re.findall(r"locales/fr/post\.po:(\d+): error\[placeholders\]: <g1> is never "
                        "closed", blocked.stderr)
    # Each broken unit once (the check's finding; the build's own report of it is not
    # repeated), and the count says how many are listed.
    assert listed and len(listed) == len(set(listed))
    assert f"release blocked by {len(listed)} problem" in blocked.stderr
    assert len([ln for ln in blocked.stderr.splitlines() if ln.startswith("  ")]) == len(listed)
    assert not (project / "site").exists()
    refused = run("build", cwd=project)
    assert refused.returncode == 1 and not (project / "site").exists()
    built = run("build", "--allow-incomplete", cwd=project, check=True)
    assert "warning: locales/fr/post.po:" in built.stderr
    page = html.parse(str(project / "site/fr/post.html")).getroot()
    marked = page.xpath("//body//*[@lang='ca']")
    assert any("Europol" in "".join(s.itertext()) for s in marked)
    assert page.xpath("//a[@href='https://www.europol.europa.eu/']")


def test_untranslated_units_fall_back_marked_with_lang(project: Path) -> None:
    run("extract", cwd=project, check=True)
    _fill(project, "es", lambda e: "" if e.msgid.startswith(("tapar", "El frau"))
          else f"ES {e.msgid}")
    run("build", "--allow-incomplete", "--lang", "es", cwd=project, check=True)
    page = html.parse(str(project / "site/es/post.html")).getroot()
    item = page.xpath("//li")[0]
    assert item.get("lang") == "ca" and item.text_content() == "tapar el teclat"
    # A preview: the fallback text is marked for the eye too (tests/test_browser.py).
    assert item.xpath("span/@class") == ["transkit-fallback"]
    assert page.xpath("//li")[1].text == "ES revisar el compte"
    span = page.xpath("//p/span[@lang='ca']")[0]  # one sentence of two fell back
    assert "".join(span.itertext()) == "El frau superava els 29.000 milions d'euros."
    assert span.getparent().text.startswith("ES L'operació")
    aligned = html.parse(str(project / "site/aligned/post.html")).getroot()
    assert aligned.xpath("//td[@lang='es' and contains(@class,'untranslated')]")
    assert aligned.xpath("//td[@lang='en' and contains(@class,'untranslated')]")


# --- round trip property -----------------------------------------------------------------

WORDS = st.sampled_from(["policia", "Europol", "29.000", "euros", "Sr.", "EE. UU.", "a&b",
                         "x < y", "«cita»", "¿què?", "¡sí!", "13,6 %", "l'informe", "dades."])


@st.composite
def inline_content(draw, depth: int = 0):  # type: ignore[no-untyped-def]
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["text", "text", "a", "strong", "em", "br", "img"]
                                    if depth < 2 else ["text"]))
        if kind == "text":
            parts.append(" ".join(draw(st.lists(WORDS, min_size=1, max_size=6))))
        elif kind == "br":
            parts.append("<br>")
        elif kind == "img":
            alt = draw(WORDS).replace('"', "")
            parts.append(f'<img src="i.png" alt="{alt}">')
        else:
            inner = draw(inline_content(depth + 1))
            attrs = ' href="https://e.eu/x?a=1&amp;b=2"' if kind == "a" else ""
            parts.append(f"<{kind}{attrs}>{inner}</{kind}>")
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from([". ", "! ", "? ", ", ", " "])))
    return " ".join(parts).replace("&", "&amp;").replace("&amp;amp;", "&amp;").replace(
        " < ", " &lt; ")


@st.composite
def bulletin(draw):  # type: ignore[no-untyped-def]
    blocks = []
    for _ in range(draw(st.integers(1, 5))):
        tag = draw(st.sampled_from(["p", "h2", "li", "blockquote"]))
        content = draw(inline_content())
        blocks.append(f"<ul><li>{content}</li></ul>" if tag == "li" else
                      f"<{tag}>{content}</{tag}>")
    return ("<!DOCTYPE html><html lang='ca'><head><title>T</title></head><body>"
            f"<article>{''.join(blocks)}</article></body></html>")


def _canonical(path: Path) -> str:
    root = html.parse(str(path), parser=html.HTMLParser(encoding="utf-8")).getroot()
    # What the build adds (on both sides: the source may have its own).
    added = ("//*[contains(concat(' ', @class, ' '), ' lang-switch ')] | //head/meta | "
             "//head/link[@rel='alternate'][@hreflang] | "
             "//head/style[starts-with(., '.lang-switch')]")
    for element in root.xpath(added):
        element.getparent().remove(element)
    root.attrib.pop("lang", None)
    text = etree.tostring(root, encoding="unicode", method="html")
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", text).strip()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(bulletin())
def test_round_trip_identity_translation(tmp_path: Path, source: str) -> None:
    """extract, msgstr = msgid, build: the page equals the source (modulo whitespace)."""
    root = tmp_path / "rt"
    shutil.rmtree(root, ignore_errors=True)
    (root / "bulletins").mkdir(parents=True)
    (root / "transkit.toml").write_text(CONFIG, "utf-8")
    (root / "bulletins" / "doc.html").write_text(source, "utf-8")
    project = Project.load(root)
    extract(project)
    for lang in ("es", "en", "fr"):
        _fill(root, lang)
    result = build_site(project)
    assert not result.problems and not result.fallbacks
    result.write()
    expected = _canonical(root / "bulletins" / "doc.html")
    for lang in ("ca", "es", "en", "fr"):
        assert _canonical(root / "site" / lang / "doc.html") == expected


# --- the gate and the build agree ------------------------------------------------------------

def _translate_all(root: Path) -> None:
    _fill(root, "es", lambda e: f"ES {e.msgid}")
    _fill(root, "en", lambda e: f"EN {e.msgid}")
    _fill(root, "fr", lambda e: f"FR {e.msgid}")


def test_fuzzy_entry_whose_previous_msgid_holds_hash_tilde_blocks_release(project: Path) -> None:
    """A `#|` line containing `#~` (a URL such as …/#~news) is a previous msgid, not an
    obsolete entry: the unit is fuzzy, status counts it so, and release refuses."""
    run("extract", cwd=project, check=True)
    _translate_all(project)
    path = project / "locales/fr/post.po"
    text = path.read_text("utf-8")
    text = text.replace('msgid "tapar el teclat"',
                        '#, fuzzy\n#| msgid "see https://example.org/#~news"\n'
                        'msgid "tapar el teclat"', 1)
    path.write_text(text, "utf-8")
    status = run("status", "--format", "json", "--lang", "fr", cwd=project, check=True).stdout
    assert '"fuzzy": 1' in status
    released = run("release", cwd=project)
    assert released.returncode == 1, released.stdout + released.stderr
    assert "locales/fr/post.po" in released.stderr
    assert not (project / "site/fr/post.html").exists()


def test_line_separators_and_control_characters(project: Path) -> None:
    """U+2028 in a bulletin survives extract (twice: our own output reads back); in a
    translation it reaches the page; a control character in a translation is a clear
    error naming the catalogue line, not a crash."""
    post = project / "bulletins/post.html"
    post.write_text(post.read_text("utf-8").replace("tapar el teclat",
                                                    "tapar\u2028el teclat"), "utf-8")
    run("extract", cwd=project, check=True)
    assert "0 file(s) changed" in run("extract", cwd=project, check=True).stdout
    _translate_all(project)
    run("release", cwd=project, check=True)
    assert "\u2028" in (project / "site/fr/post.html").read_text("utf-8")
    path = project / "locales/fr/post.po"
    path.write_text(path.read_text("utf-8").replace('msgstr "FR revisar el compte"',
                                                    'msgstr "FR revisar\\001 el compte"'),
                    "utf-8")
    built = run("build", cwd=project)
    assert built.returncode == 1 and "Traceback" not in built.stderr
    assert re.search(r"locales/fr/post\.po:\d+: control character U\+0001", built.stderr)


def test_written_files_follow_the_umask(project: Path) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        run("extract", cwd=project, check=True)
        _translate_all(project)
        run("build", cwd=project, check=True)
    finally:
        os.umask(old)
    written = [*project.glob("locales/*/*.po*"), *project.glob("site/*/*.html"),
               project / "site/index.html"]
    assert written
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    leftovers = [p for p in project.rglob("*.tmp")]
    assert leftovers == []
