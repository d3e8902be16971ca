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
from transkit.project import Project

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
    assert "; new document 2019-01-ransomware; filled 13, replaced 0, kept 0" in result.stdout
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
    # The same page again (a copy outside the project, found by its content): its own
    # catalogue, its earlier alignments replaced, the translator's text kept.
    assert "document 2019-01-ransomware (bulletins/2019-01-ransomware.html, found by its " \
        "content)" in trusted.stdout
    assert "replaced 12 (12 earlier alignment), kept 1 (1 translated; --force replaces " \
        "them)" in trusted.stdout
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
    # The pair found by name is the ransomware post again: it fills that document (found
    # by its text), no copy named "avis".
    assert names == ["2018-12-frau-targetes", "2019-01-ransomware", "2019-02-butlleti",
                     "2019-03-iocta"]
    assert "avis.ca.html ↔ " in result.stdout and "document 2019-01-ransomware " \
        "(bulletins/2019-01-ransomware.html, found by its content)" in result.stdout
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
    plan = plan_archive(Project.load(REPO), site)
    assert plan.problems == []
    assert [(src.relative_to(site).as_posix(), [(lang, p.relative_to(site).as_posix())
                                                for lang, p in pairs])
            for src, pairs in plan.sets] == [
        ("2019/ca/avis.html", [("es", "2019/es/aviso.html"), ("fr", "2019/fr/note.html")])]


def test_align_replaces_tool_drafts_and_keeps_a_person_s(project: Path,
                                                         tmp_path: Path) -> None:
    """A machine or memory draft (fuzzy with MT or TM provenance) gives way to the
    published translation; a person's text, translated or a fuzzy draft with no tool's
    provenance, is kept unless --force; the summary says which and why."""
    from transkit import catalog

    source = tmp_path / "2019-01-ransomware.html"
    shutil.copy(PAGES / "2019-01-ransomware.ca.clean.html", source)
    french = PAGES / "2019-01-ransomware.fr.clean.html"
    run("align", str(source), str(french), cwd=project, check=True)
    po_path = project / "locales/fr/2019-01-ransomware.po"
    po = catalog.load(po_path)
    drafts = {"No pagueu el rescat.": ("tm", "82% (2018-12-frau-targetes, one word)")}
    units = [u for u in po.active() if u.has_target and u.msgid not in drafts]
    machine, person, translated = units[0], units[1], units[2]
    machine.set_provenance("mt", "pseudo 2026-12-07")
    machine.msgstr = "[MT] draft"
    person.set_provenance(None)
    person.msgstr = "Le brouillon d'une traductrice."
    translated.set_provenance(None)
    translated.set_fuzzy(False)
    translated.msgstr = "La traduction d'une personne."
    memory = po.find("No pagueu el rescat.")
    assert memory is not None
    memory.msgstr = "Ne payez rien (brouillon)."
    memory.set_provenance(*drafts["No pagueu el rescat."])
    catalog.save(po, po_path)
    result = run("align", str(source), str(french), cwd=project, check=True)
    assert "filled 0, replaced 11 (1 MT, 1 TM, 9 earlier alignment), kept 2 (1 translated, " \
        "1 a person's fuzzy draft; --force replaces them)" in result.stdout, result.stdout
    again = catalog.load(po_path)
    assert again.find("No pagueu el rescat.").msgstr == "Ne payez pas la rançon."  # type: ignore[union-attr]
    assert again.find(machine.msgid).msgstr != "[MT] draft"  # type: ignore[union-attr]
    assert again.find(machine.msgid).provenance[0] == "aligned"  # type: ignore[union-attr,index]
    assert again.find(person.msgid).msgstr == "Le brouillon d'une traductrice."  # type: ignore[union-attr]
    assert again.find(translated.msgid).msgstr == "La traduction d'une personne."  # type: ignore[union-attr]
    forced = run("align", str(source), str(french), "--force", cwd=project, check=True)
    assert "replaced 13 (11 earlier alignment, 2 a person's (--force)), kept 0" \
        in forced.stdout, forced.stdout
    assert catalog.load(po_path).find(translated.msgid).fuzzy  # type: ignore[union-attr]


# --- the document already in the project (issue 24) -----------------------------------------

PUBLISHED = Path(__file__).parent / "data" / "published"
FRAUD = "2026-12-fraud-network"

TEAM_CONFIG = """\
[project]
name = "Newsroom"
source_language = "en"
languages = ["en", "ca", "es", "fr"]
"""


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """A team's project: its English page in bulletins/ under its own name (a language
    code in it), extracted, and machine drafts in every language."""
    root = tmp_path / "team"
    (root / "bulletins").mkdir(parents=True)
    (root / "transkit.toml").write_text(TEAM_CONFIG, "utf-8")
    shutil.copy(PUBLISHED / f"{FRAUD}.en.html", root / "bulletins" / "seed-bulletin-en.html")
    run("extract", cwd=root, check=True)
    run("pretranslate", "--mt", "pseudo", cwd=root, check=True)
    return root


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and ".transkit" not in p.parts and p.parts[-2] != "tm")


def test_align_fills_the_bulletin_given_by_path(team: Path) -> None:
    """`align bulletins/seed-bulletin-en.html published-fr.html` fills
    locales/fr/seed-bulletin-en.po, replacing the machine drafts: no copy of the
    bulletin, no new catalogue."""
    from transkit import catalog

    before = _files(team)
    result = run("align", "bulletins/seed-bulletin-en.html",
                 str(PUBLISHED / f"{FRAUD}.fr.html"), cwd=team)
    assert result.returncode == 0, result.stderr
    assert "document seed-bulletin-en (bulletins/seed-bulletin-en.html, found by its path)" \
        in result.stdout
    po = catalog.load(team / "locales/fr/seed-bulletin-en.po")
    units = po.active()
    assert "filled 0, replaced " in result.stdout and " MT)" in result.stdout
    assert "kept 0" in result.stdout
    assert _files(team) == before  # the same files, filled
    aligned = [u for u in units if u.provenance and u.provenance[0] == "aligned"]
    assert len(aligned) >= len(units) - 1
    assert any(u.msgstr.startswith("Lors de la journée d'action, 21 suspects") for u in units)
    assert not any(u.provenance and u.provenance[0] == "mt" and u.msgstr for u in units
                   if u.msgid.startswith("During the action day"))


def test_align_finds_the_bulletin_by_its_content(team: Path, tmp_path: Path) -> None:
    """A published copy of the page (another file name, a site's header around the same
    article, one sentence edited since) fills the project's document; --name is for a
    new page only."""
    copy = tmp_path / "published-en.html"
    page = (PUBLISHED / f"{FRAUD}.en.html").read_text("utf-8")
    page = page.replace("<body>", "<body><header><p>The Newsroom</p></header>").replace(
        "A virtual command post", "A command post")
    copy.write_text(page, "utf-8")
    before = _files(team)
    result = run("align", str(copy), str(PUBLISHED / f"{FRAUD}.es.html"), cwd=team)
    assert result.returncode == 0, result.stderr
    assert "document seed-bulletin-en (bulletins/seed-bulletin-en.html, found by its " \
        "content)" in result.stdout
    assert "1 unit(s) of the page not in the document" in result.stdout
    assert _files(team) == before
    named = run("align", str(copy), str(PUBLISHED / f"{FRAUD}.ca.html"), "--name", "other",
                cwd=team)
    assert named.returncode == 2
    assert "is document 'seed-bulletin-en' of the project" in named.stderr
    assert "--name names a new page only" in named.stderr
    # A page the project does not have: --name names it.
    other = run("align", str(PUBLISHED / "2026-11-recovery-fund.en.html"),
                str(PUBLISHED / "2026-11-recovery-fund.ca.html"), "--name", "fund", cwd=team)
    assert other.returncode == 0, other.stderr
    assert "new document fund" in other.stdout
    assert (team / "bulletins/fund.html").exists() and (team / "locales/ca/fund.po").exists()


def test_archive_fills_the_bulletin_its_hreflang_links_name(team: Path, tmp_path: Path) -> None:
    """An archive of the published translations whose language links name the team's
    page (…/seed-bulletin-en.html): each translation fills that bulletin's catalogues."""
    archive = tmp_path / "archive"
    archive.mkdir()
    for lang in ("ca", "es", "fr"):
        page = (PUBLISHED / f"{FRAUD}.{lang}.html").read_text("utf-8").replace(
            f"{FRAUD}.en.html", "https://news.example.org/2026/seed-bulletin-en.html")
        (archive / f"{FRAUD}.{lang}.html").write_text(page, "utf-8")
    before = _files(team)
    result = run("align", "--archive", str(archive), cwd=team)
    assert result.returncode == 0, result.stderr
    assert "3 pair(s) aligned, 0 problem(s)" in result.stdout
    assert result.stdout.count("found by its path") == 3
    assert _files(team) == before
    for lang in ("ca", "es", "fr"):
        po = polib.pofile(str(team / f"locales/{lang}/seed-bulletin-en.po"))
        assert all("aligned" in e.tcomment for e in po if e.msgstr), lang
