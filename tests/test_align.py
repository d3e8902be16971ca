"""Archive alignment: quality on the gold set, the `align` command end to end, archives,
and the ways it refuses bad input."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from lxml import html

from transkit.config import load_config

from . import align_gold
from .conftest import REPO, run

PAGES = align_gold.DATA / "pages"


def test_gold_set_quality_targets() -> None:
    """Every ordered language pair, clean and perturbed (merged, split, dropped, added
    sentences; swapped paragraphs): F1 per pair type and precision above the trust bar."""
    bar = load_config(REPO).align.trust
    result = align_gold.evaluate(bar=bar)
    types = result["types"]
    assert types["1-1"]["gold"] > 1000 and types["1-2"]["gold"] >= 40
    assert types["2-1"]["gold"] >= 40 and types["0-1"]["gold"] >= 40
    assert types["1-1"]["f1"] >= 0.98, types["1-1"]
    assert types["1-2"]["f1"] >= 0.90, types["1-2"]
    assert types["2-1"]["f1"] >= 0.90, types["2-1"]
    assert result["trusted"] > 1000
    assert result["trusted_precision"] >= 0.995, result["trusted_precision"]


def test_gold_pages_are_what_the_generator_makes(tmp_path: Path) -> None:
    """The committed gold set is reproducible from the demo project."""
    align_gold.generate(tmp_path)
    assert (tmp_path / "gold.json").read_text("utf-8") == \
        (align_gold.DATA / "gold.json").read_text("utf-8")
    for page in sorted(PAGES.glob("*.html")):
        assert (tmp_path / "pages" / page.name).read_bytes() == page.read_bytes(), page.name


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".transkit" not in p.parts}


def test_align_fills_the_catalogue_and_the_memory(project: Path, tmp_path: Path) -> None:
    source = tmp_path / "2019-01-ransomware.html"
    shutil.copy(PAGES / "2019-01-ransomware.ca.clean.html", source)
    french = PAGES / "2019-01-ransomware.fr.clean.html"
    before = _snapshot(project)
    dry = run("align", str(source), str(french), "--dry-run", cwd=project, check=True)
    assert "14 1-1" in dry.stdout and "Ne payez pas la rançon." in dry.stdout
    assert _snapshot(project) == before  # a dry run writes nothing
    result = run("align", str(source), str(french), "--html", str(tmp_path / "review.html"),
                 cwd=project, check=True)
    assert "filled 13 (0 trusted)" in result.stdout
    po_path = project / "locales/fr/2019-01-ransomware.po"
    po = polib.pofile(str(po_path))
    entries = {e.msgid: e for e in po}
    title = entries["Cop policial contra un servei de programari de segrest"]
    assert title.msgstr == "Coup de filet contre un service de rançongiciels"
    assert "fuzzy" in title.flags and title.tcomment.startswith("aligned 0.")
    # Inline markup of the translated page maps to the source's placeholders.
    jcat = next(e for e in po if "J-CAT" in e.msgid)
    assert "<g1>J-CAT</g1>" in jcat.msgstr and jcat.msgid.count("<g1>") == 1
    check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_path)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert (project / "bulletins/2019-01-ransomware.html").read_bytes() == source.read_bytes()
    assert (project / "tm/aligned-2019-01-ransomware-fr.tmx").exists()
    found = run("tm", "lookup", "No pagueu el rescat.", "--from", "ca", "--to", "fr", "--json",
                cwd=project, check=True).stdout
    assert "Ne payez pas la rançon." in found and '"origin": "imported"' in found
    review = html.parse(str(tmp_path / "review.html")).getroot()
    assert len(review.xpath("//tbody/tr")) == 14
    assert review.xpath("//tr[@class='low']")  # the short, cognate-poor pairs
    # --trust: confident pairs become translations; a translator's text is never replaced.
    entries["No pagueu el rescat."].msgstr = "Ne payez surtout pas."
    entries["No pagueu el rescat."].flags = []
    po.save(str(po_path))
    trusted = run("align", str(source), str(french), "--trust", cwd=project, check=True)
    assert "kept 1 translated" in trusted.stdout
    po = polib.pofile(str(po_path))
    entries = {e.msgid: e for e in po}
    assert entries["No pagueu el rescat."].msgstr == "Ne payez surtout pas."
    confident = [e for e in po if e.msgstr and "fuzzy" not in e.flags
                 and e.msgid != "No pagueu el rescat."]
    assert len(confident) >= 6
    assert all(float(e.tcomment.split()[1]) > 0.9 for e in confident)


def test_split_and_merged_sentences_fill_one_unit(project: Path, tmp_path: Path) -> None:
    source = tmp_path / "2019-02-butlleti.html"
    shutil.copy(PAGES / "2019-02-butlleti.ca.clean.html", source)
    run("align", str(source), str(PAGES / "2019-02-butlleti.fr.perturbed-1.html"),
        cwd=project, check=True)
    po = polib.pofile(str(project / "locales/fr/2019-02-butlleti.po"))
    merged = [e for e in po if "(2-1)" in e.tcomment]
    assert merged and all(e.msgstr for e in merged if "translated with" not in e.tcomment)
    assert any("translated with the previous unit" in e.tcomment and not e.msgstr
               for e in po)


def test_refuses_wrong_language_unrelated_pages_and_broken_html(project: Path,
                                                                tmp_path: Path) -> None:
    source = tmp_path / "2019-01-ransomware.html"
    shutil.copy(PAGES / "2019-01-ransomware.ca.clean.html", source)
    before = _snapshot(project)
    # Spanish text that claims to be French.
    liar = tmp_path / "liar.html"
    liar.write_bytes((PAGES / "2019-01-ransomware.es.clean.html").read_bytes()
                     .replace(b'lang="es"', b'lang="fr"'))
    result = run("align", str(source), str(liar), cwd=project)
    assert result.returncode == 2
    assert f"{liar}:1: the page reads as español (es), not français (fr)" in result.stderr
    # Another post altogether.
    other = PAGES / "2018-12-frau-targetes.fr.clean.html"
    result = run("align", str(source), str(other), cwd=project)
    assert result.returncode == 2 and "do not look like translations" in result.stderr
    # Broken HTML (nesting past libxml2's limit) and a missing file.
    broken = tmp_path / "broken.html"
    broken.write_text("<html lang='fr'><body><article>" + "<div>" * 300 + "x</article>")
    result = run("align", str(source), str(broken), cwd=project)
    assert result.returncode == 2 and f"{broken}:" in result.stderr
    assert run("align", str(source), str(tmp_path / "nope.html"), cwd=project).returncode == 2
    assert _snapshot(project) == before  # nothing written by any refusal
    forced = run("align", str(source), str(other), "--force", "--dry-run", cwd=project)
    assert forced.returncode == 0 and "overall confidence 0.0" in forced.stdout


def test_translation_markup_is_untrusted(project: Path, tmp_path: Path) -> None:
    source = tmp_path / "2019-01-ransomware.html"
    shutil.copy(PAGES / "2019-01-ransomware.ca.clean.html", source)
    evil = tmp_path / "evil.html"
    evil.write_bytes((PAGES / "2019-01-ransomware.fr.clean.html").read_bytes().replace(
        b"Ne payez pas la ran\xc3\xa7on.",
        b"Ne payez <a href='javascript:alert(1)' onclick='x()'>pas</a> la ran\xc3\xa7on."
        b"<script>alert(2)</script>"))
    run("align", str(source), str(evil), cwd=project, check=True)
    po = polib.pofile(str(project / "locales/fr/2019-01-ransomware.po"))
    entry = next(e for e in po if e.msgid == "No pagueu el rescat.")
    assert entry.msgstr == "Ne payez pas la rançon."
    assert "markup dropped: <a javascript:alert(1)>" in entry.tcomment


def test_archive_pairs_pages_by_hreflang_and_by_name(demo: Path, tmp_path: Path) -> None:
    run("build", cwd=demo, check=True)  # a published site: pages with hreflang switches
    archive = tmp_path / "archive"
    shutil.copytree(demo / "site", archive, ignore=shutil.ignore_patterns("aligned", "index*"))
    # Two pages with no links, paired by name; one page with nothing to pair with.
    (archive / "old").mkdir()
    shutil.copy(PAGES / "2019-01-ransomware.ca.clean.html", archive / "old/avis.ca.html")
    shutil.copy(PAGES / "2019-01-ransomware.en.clean.html", archive / "old/avis.en.html")
    for page in (archive / "old").glob("*.html"):  # no language switch in these
        tree = html.parse(str(page))
        for nav in tree.xpath("//*[contains(@class,'lang-switch')]"):
            nav.getparent().remove(nav)
        page.write_bytes(html.tostring(tree, encoding="utf-8"))
    shutil.copy(PAGES / "2018-12-frau-targetes.es.clean.html", archive / "old/lonely.es.html")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copy(demo / "transkit.toml", fresh)
    (fresh / "bulletins").mkdir()
    result = run("align", "--archive", str(archive), cwd=fresh)
    assert result.returncode == 0, result.stderr
    # Demo: 4 posts in ca (one written in English: its ca page is a translation but still
    # pairs) x 3 translations, plus the pair found by name.
    assert "13 pair(s) aligned" in result.stdout
    assert "lonely.es.html: no translation found" in result.stderr
    names = sorted(p.stem for p in (fresh / "bulletins").glob("*.html"))
    assert names == ["2018-12-frau-targetes", "2019-01-ransomware", "2019-02-butlleti",
                     "2019-03-iocta", "avis"]
    status = run("status", "--format", "json", cwd=fresh, check=True).stdout
    assert '"fuzzy"' in status
    po = polib.pofile(str(fresh / "locales/es/2019-02-butlleti.po"))
    assert sum(1 for e in po if e.msgstr) == len([e for e in po if not e.obsolete])


@pytest.mark.parametrize("name, expected", [
    ("post.ca.html", "post"), ("ca-post.html", "post"), ("2019-01-x.html", "2019-01-x"),
    ("ca.html", "ca")])
def test_default_document_names(name: str, expected: str) -> None:
    from transkit.align import default_name

    assert default_name(Path(name), "ca") == expected


def test_long_pages_are_aligned_in_a_band(tmp_path: Path) -> None:
    """A page of 400 paragraphs (and one of 400 sentences in one paragraph) aligns
    correctly while the lattice visits a band around the diagonal, not n × m cells."""
    import random

    from transkit import alignment as align
    from transkit.sources.html import read_document

    gold = align_gold.load()
    pairs = [(c, f) for d in gold for c, f in zip(gold[d]["units"]["ca"],
                                                  gold[d]["units"]["fr"], strict=True)
             if c.endswith(".") and f.endswith(".")]
    rng = random.Random(4)
    chosen = [rng.choice(pairs) for _ in range(400)]
    config = load_config(REPO)
    for wrap in ("<p>{}</p>", "{} "):
        for lang, side in (("ca", 0), ("fr", 1)):
            body = "".join(wrap.format(p[side]) for p in chosen)
            if wrap == "{} ":
                body = f"<p>{body}</p>"
            (tmp_path / f"{lang}.html").write_text(
                f"<html lang='{lang}'><body><article>{body}</article></body></html>", "utf-8")
        src = read_document(tmp_path / "ca.html", "a", "a", config.extract, "ca", "ca")
        tgt = read_document(tmp_path / "fr.html", "b", "b", config.extract, "fr", "fr")
        result = align.align_sides(align.source_side(src), align.target_side(tgt))
        units = src.units()
        right = sum(1 for p in result.pairs if len(p.src) == 1 and len(p.tgt) == 1
                    and (units[p.src[0]].msgid, p.tgt[0].plain) in set(chosen))
        assert right >= 0.97 * len(chosen), right
    calls = 0

    def cost(i: int, j: int, di: int, dj: int) -> float:
        nonlocal calls
        calls += 1
        return 0.0 if di == dj == 1 else 5.0

    path, _ = align.lattice(400, 400, cost, band=align.BAND)
    assert len(path) == 400 and calls < 400 * (2 * align.BAND + 3) * len(align.MOVES)


def test_archive_follows_absolute_hreflang_urls(tmp_path: Path) -> None:
    """Published pages link their siblings by absolute URL: the archived file whose path
    ends like the URL is the sibling; a link to a page not archived is ignored."""
    from transkit.align import plan_archive

    site = tmp_path / "blog"
    names = {"ca": "avis", "es": "aviso", "fr": "note", "en": "notice"}  # no name in common
    for lang in ("ca", "es", "fr"):
        page = site / "2019" / lang / f"{names[lang]}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        links = "".join(f'<link rel="alternate" hreflang="{x}" '
                        f'href="https://blog.example.org/2019/{x}/{names[x]}.html">'
                        for x in ("ca", "es", "fr", "en"))
        page.write_text(f"<html lang='{lang}'><head>{links}</head><body><article><p>"
                        f"Text {lang}.</p></article></body></html>", "utf-8")
    plan = plan_archive(load_config(REPO), site)
    assert plan.problems == []
    assert [(src.relative_to(site).as_posix(), [(lang, p.relative_to(site).as_posix())
                                                for lang, p in pairs])
            for src, pairs in plan.sets] == [
        ("2019/ca/avis.html", [("es", "2019/es/aviso.html"), ("fr", "2019/fr/note.html")])]


def test_align_keeps_drafts_it_did_not_write(project: Path, tmp_path: Path) -> None:
    """A fuzzy draft from someone else (a TM or MT draft, a translator's work in
    progress) is never replaced by align, --trust or not; its own drafts are."""
    from transkit import catalog

    source = tmp_path / "2019-01-ransomware.html"
    shutil.copy(PAGES / "2019-01-ransomware.ca.clean.html", source)
    french = PAGES / "2019-01-ransomware.fr.clean.html"
    run("align", str(source), str(french), cwd=project, check=True)
    po_path = project / "locales/fr/2019-01-ransomware.po"
    po = catalog.load(po_path)
    draft = po.find("No pagueu el rescat.")
    assert draft is not None and draft.provenance is not None
    draft.msgstr = "Ne payez rien (brouillon)."
    draft.set_provenance("tm", "82% (2018-12-frau-targetes, one word)")
    catalog.save(po, po_path)
    trusted = run("align", str(source), str(french), "--trust", cwd=project, check=True)
    assert "kept 1 translated" in trusted.stdout, trusted.stdout
    again = catalog.load(po_path).find("No pagueu el rescat.")
    assert again is not None and again.msgstr == "Ne payez rien (brouillon)." and again.fuzzy
