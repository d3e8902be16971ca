from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transkit import catalog
from transkit.catalog import Catalogue
from transkit.errors import InputError
from transkit.unit import Unit

from .conftest import gettext_tool, run


def _template(sources: list[str]) -> Catalogue:
    units = [Unit(s, line=i + 1, kind="p") for i, s in enumerate(sources)]
    return catalog.build_template(units, "doc", "bulletins/doc.html", "P", "ca", "h", None)


def _roundtrip(po: Catalogue, path: Path) -> Catalogue:
    catalog.save(po, path)
    return catalog.load(path)


def test_update_keeps_fuzzies_and_obsoletes(tmp_path: Path) -> None:
    old_pot = _template(["La policia va detenir 23 persones.", "Adeu.", "Paràgraf esborrat."])
    po, _ = catalog.update(old_pot, None, "fr", "P", "doc")
    texts = ["La police a arrêté 23 personnes.", "Au revoir.", "Supprimé."]
    for entry, text in zip(po, texts, strict=True):
        entry.msgstr = text
    po = _roundtrip(po, tmp_path / "fr.po")
    new_pot = _template(["La policia va detenir 24 persones.", "Adeu.", "Una frase nova."])
    merged, report = catalog.update(new_pot, po, "fr", "P", "doc")
    merged = _roundtrip(merged, tmp_path / "fr.po")
    first, second, third = [e for e in merged if not e.obsolete]
    assert "fuzzy" in first.flags and first.msgstr == "La police a arrêté 23 personnes."
    assert first.previous_msgid == "La policia va detenir 23 persones."
    assert second.msgstr == "Au revoir." and "fuzzy" not in second.flags
    assert third.msgstr == "" and third.msgid == "Una frase nova."
    obsolete = {e.msgid: e.msgstr for e in merged.obsolete()}
    assert obsolete == {"La policia va detenir 23 persones.": "La police a arrêté 23 personnes.",
                        "Paràgraf esborrat.": "Supprimé."}
    assert (report.kept, report.fuzzy, report.new, report.obsoleted) == (1, 1, 1, 2)
    text = (tmp_path / "fr.po").read_text("utf-8")
    assert '#| msgid "La policia va detenir 23 persones."' in text


def test_a_fuzzy_match_from_a_plural_entry_carries_its_singular_form(tmp_path: Path) -> None:
    """Found merging Debian's wget catalogue: a new singular unit took a plural entry's
    `msgstr` (empty) as its fuzzy suggestion, a fuzzy entry without a translation that
    msgcat rewrites (dropping `fuzzy`) and that offers the translator nothing."""
    po, _ = catalog.update(_template(["Placeholder."]), None, "fr", "P", "doc")
    po.append(Unit("Found %d broken link.\n", msgid_plural="Found %d broken links.\n",
                   msgstr_plural={0: "%d lien cassé trouvé.\n", 1: "%d liens cassés trouvés.\n"}))
    po = _roundtrip(po, tmp_path / "fr.po")
    merged, report = catalog.update(_template(["Found %d broken link."]), po, "fr", "P", "doc")
    (unit,) = merged.active()
    assert report.fuzzy == 1 and unit.previous_msgid_plural == "Found %d broken links.\n"
    assert "fuzzy" in unit.flags and unit.msgstr == "%d lien cassé trouvé.\n"
    path = tmp_path / "merged.po"
    catalog.save(merged, path)
    msgcat = subprocess.run([gettext_tool("msgcat"), str(path)], capture_output=True, text=True,
                            check=True)
    assert msgcat.stdout == path.read_text("utf-8")


def test_obsolete_entry_revives_when_its_source_returns(tmp_path: Path) -> None:
    po, _ = catalog.update(_template(["Primer.", "Segon."]), None, "es", "P")
    list(po)[1].msgstr = "Segundo."
    po = _roundtrip(catalog.update(_template(["Primer."]), po, "es", "P")[0], tmp_path / "a.po")
    back, report = catalog.update(_template(["Primer.", "Segon."]), po, "es", "P")
    assert list(back)[1].msgstr == "Segundo." and report.revived == 1
    assert not back.obsolete()


WORDS = ["policia", "frau", "Europol", "xarxa", "23", "29.000", "detinguts", "targetes", "banc"]
sentence = st.lists(st.sampled_from(WORDS), min_size=2, max_size=6).map(
    lambda ws: " ".join(ws).capitalize() + ".")


def _template_with_contexts(sources: list[tuple[str, str | None]]) -> Catalogue:
    units = [Unit(s, msgctxt=c, line=i + 1, kind="p") for i, (s, c) in enumerate(sources)]
    return catalog.build_template(units, "doc", "bulletins/doc.html", "P", "ca", "h", None)


edits = st.lists(st.sampled_from(["translate", "comment", "flag", "review", "nothing"]),
                 min_size=6, max_size=6)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.lists(st.tuples(sentence, st.sampled_from([None, None, "menu"])),
                                   min_size=0, max_size=6, unique=True), edits),
                min_size=1, max_size=6))
def test_no_translation_is_ever_lost(tmp_path: Path,
                                     steps: list[tuple[list[tuple[str, str | None]],
                                                       list[str]]]) -> None:
    """Any sequence of source edits (with contexts) and translator edits (translations,
    comments, flags, reviews) keeps every text a translator wrote, active or obsolete,
    and every flag they set stays with its translation."""
    path = tmp_path / "prop.po"
    path.unlink(missing_ok=True)
    po: Catalogue | None = None
    written: set[str] = set()
    comments: set[str] = set()
    flagged: set[str] = set()  # translations that carry the translator's flag
    counter = 0
    for sources, actions in steps:
        po, _ = catalog.update(_template_with_contexts(sources), po, "en", "P")
        for entry, action in zip(list(po), actions, strict=False):
            counter += 1
            if action == "translate" and not entry.msgstr:
                entry.msgstr = f"T{counter} {entry.msgid}"
                written.add(entry.msgstr)
            elif action == "comment":
                entry.translator_comments.append(f"note {counter}")
                comments.add(f"note {counter}")
            elif action == "flag" and entry.msgstr:
                entry.flags.append("ignore-length")
                flagged.add(entry.msgstr)
            elif action == "review" and entry.fuzzy:
                entry.set_fuzzy(False)
        po = _roundtrip(po, path)
        every = po.active() + po.obsolete()
        assert written <= {e.msgstr for e in every}
        assert comments <= {c for e in every for c in e.translator_comments}
        for text in flagged:
            assert any("ignore-length" in e.flags for e in every if e.msgstr == text), text
        assert msgfmt_accepts(path)


def msgfmt_accepts(path: Path) -> bool:
    result = subprocess.run([gettext_tool("msgfmt"), "-o", "/dev/null", str(path)],
                            capture_output=True, text=True)
    return result.returncode == 0


def test_writer_writes_what_msgcat_writes(tmp_path: Path) -> None:
    po = Catalogue(metadata={
        "Project-Id-Version": "x", "Language": "fr", "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && "
                        "n % 1000000 == 0 ? 1 : 2;"})
    samples = [
        "Court.",
        "Une phrase assez longue pour être coupée par gettext, avec des <g1>balises</g1> "
        "et encore <g2>d'autres mots</g2> pour dépasser la largeur de page.",
        "Ligne un\nLigne deux qui continue \"entre guillemets\" et\ttabulation\n",
        "https://www.europol.europa.eu/crime-areas-and-trends/crime-areas/forgery-of-money-"
        "and-means-of-payment/payment-fraud est une adresse très longue",
        "x" * 120,
    ]
    for i, text in enumerate(samples):
        po.append(Unit(text, text.upper(), references=[
            f"bulletins/un-nom-de-document-assez-long.html:{n}" for n in range(i * 7)],
            extracted_comments=["<g1> = <a href=\"https://example.org/\">"]))
    po.append(Unit("Ancien texte qui a disparu de la source mais garde sa traduction pour "
                   "toujours", "Old", obsolete=True))
    po.append(Unit("Nouveau texte", "New", flags=["fuzzy"],
                   previous_msgid="Ancien texte un peu différent de celui-ci et plus long que "
                                  "la largeur de la page"))
    po.append(Unit("Deux", msgctxt="nombre", msgid_plural="Deux (pluriel)",
                   msgstr_plural={0: "Two", 1: "Twos", 2: "Twoes"},
                   translator_comments=["a translator's note", ""]))
    path = tmp_path / "w.po"
    path.write_text(catalog.dumps(po), "utf-8")
    msgcat = subprocess.run([gettext_tool("msgcat"), str(path)], capture_output=True, text=True,
                            check=True)
    assert msgcat.stdout == path.read_text("utf-8")
    again = catalog.load(path)
    assert catalog.dumps(again) == path.read_text("utf-8")


# Pieces of news text that line breakers disagree on: placeholders against brackets and
# punctuation, numbers against currency and percent, quotes, URLs, long words, escapes,
# wide and combining characters, soft hyphens and zero-width spaces.
AWKWARD = ["(<g1>Europol</g1>)", "<g2>", "</g2>", "15 €", "15€", "29.000", "13,6 %", "«cita»",
           "“quote”", "(vegeu", ").", "<x3/>", "https://www.europol.europa.eu/media-press/"
           "newsroom", "l’operació", "—", "…", "¿qué?", "¡sí!", "EUR 3,5", "1/2", "24 h",
           "n.º 5", "a-b-c", "e-mail:", "x@y.org", "100%", "(1)", "[nota]", "«", "»",
           "20 000", "\u00a0€", "A\u202fB", "tel. 112", "p. ex.", "Supercalifragilistic" * 4,
           "pàg. 3-4", "\t", "a\nb", "中文字符测试", "🙂", "ﬁ", "e\u0301", "\u00ad",
           "x\u200by", "日本語のテキストです。", "\\n", "«<g4>text</g4>»", "<g5>(a)</g5>",
           "2018-2019", "$5", "5$", "+34", "#hashtag", "'quoted'", '"dq"', "a/b", "a\\b",
           "?!", "...", "C++", "AT&T", "1.", "2)", "x²", "24 heures sur 24"]
WORDS = ("la policia ha detingut 23 persones per frau amb targetes de crèdit l'operació "
         "coordinada Europol milions d'euros").split()


@pytest.mark.parametrize("seed", range(4))
def test_awkward_text_is_laid_out_exactly_as_msgcat_lays_it_out(tmp_path: Path,
                                                                seed: int) -> None:
    import random

    rng = random.Random(seed)
    po = Catalogue(metadata={"Content-Type": "text/plain; charset=UTF-8"})
    seen: set[str] = set()
    while len(po.units) < 300:
        text = ""
        for _ in range(rng.randint(3, 40)):
            piece = rng.choice(AWKWARD) if rng.random() < 0.35 else rng.choice(WORDS)
            text += (rng.choice([" ", " ", " ", ""]) if text else "") + piece
        if text not in seen:
            seen.add(text)
            po.append(Unit(text, text[::-1] if rng.random() < 0.3 else text))
    path = tmp_path / "awkward.po"
    path.write_text(catalog.dumps(po), "utf-8")
    msgcat = subprocess.run([gettext_tool("msgcat"), str(path)], capture_output=True, text=True,
                            check=True)
    ours = path.read_text("utf-8").splitlines()
    theirs = msgcat.stdout.splitlines()
    different = [(a, b) for a, b in zip(ours, theirs, strict=False) if a != b]
    assert not different and len(ours) == len(theirs), different[:3]


def test_no_break_just_before_the_newline_that_ends_a_line(tmp_path: Path) -> None:
    """Found in Debian's catalogues (pg_upgrade, dpkg…): gettext never breaks between a
    line's text and its closing `\\n`, even where the two together pass the width; the
    writer put the `\\n` alone on the next line, so msgcat rewrote 765 of 4,130 of them."""
    po = Catalogue(metadata={"Content-Type": "text/plain; charset=UTF-8"})
    sentence = ("This utility cannot be used to downgrade to older major PostgreSQL versions "
                "of the cluster, nor to anything else at all.")
    for cut in range(60, len(sentence)):
        for end in ("\n", ".\n", "\n\n", ":\n"):
            text = "Line one\n" + sentence[:cut] + end
            po.append(Unit(text, text.upper()))
    po.append(Unit("Este programa sólo puede actualizar desde PostgreSQL versión %s y "
                   "posterior.\n", "x", flags=["c-format"]))
    path = tmp_path / "newlines.po"
    path.write_text(catalog.dumps(po), "utf-8")
    msgcat = subprocess.run([gettext_tool("msgcat"), str(path)], capture_output=True, text=True,
                            check=True)
    ours, theirs = path.read_text("utf-8").splitlines(), msgcat.stdout.splitlines()
    different = [(a, b) for a, b in zip(ours, theirs, strict=False) if a != b]
    assert not different and len(ours) == len(theirs), different[:3]


def test_extracted_files_pass_gettext_tools(demo: Path) -> None:
    run("extract", cwd=demo, check=True)
    files = sorted(demo.glob("locales/*/*.po")) + sorted(demo.glob("locales/*/*.pot"))
    assert len(files) >= 12
    for path in files:
        check = subprocess.run([gettext_tool("msgfmt"), "--check", "-o", "/dev/null", str(path)],
                               capture_output=True, text=True)
        assert check.returncode == 0 and check.stderr == "", (path, check.stderr)
        cat = subprocess.run([gettext_tool("msgcat"), str(path)], capture_output=True,
                             text=True, check=True)
        assert cat.stdout == path.read_text("utf-8"), path
    for po in sorted(demo.glob("locales/*/*.po")):
        pot = next(demo.glob(f"locales/*/{po.stem}.pot"))
        merged = subprocess.run([gettext_tool("msgmerge"), "--previous", "-q", str(po), str(pot)],
                                capture_output=True, text=True)
        assert merged.returncode == 0 and merged.stderr == "", merged.stderr
        # msgmerge agrees the catalogue is already merged: same entries, same translations.
        theirs = polib.pofile(merged.stdout)
        ours = polib.pofile(str(po))
        assert [(e.msgid, e.msgstr) for e in theirs] == [(e.msgid, e.msgstr) for e in ours]


def test_extract_twice_changes_no_byte(demo: Path) -> None:
    # The shipped catalogues are exactly what extract writes: not one byte changes.
    assert "0 file(s) changed" in run("extract", cwd=demo, check=True).stdout
    before = {p: p.read_bytes() for p in demo.glob("locales/*/*.po*")}
    result = run("extract", cwd=demo, check=True)
    assert "0 file(s) changed" in result.stdout
    assert before == {p: p.read_bytes() for p in demo.glob("locales/*/*.po*")}


def test_malformed_po_is_located_and_nothing_changes(demo: Path) -> None:
    target = demo / "locales" / "fr" / "2019-01-ransomware.po"
    lines = target.read_text("utf-8").splitlines(keepends=True)
    lines[30] = 'msgstr "unterminated\n'
    target.write_text("".join(lines), "utf-8")
    snapshot = {p: p.read_bytes() for p in demo.rglob("*") if p.is_file()}
    result = run("extract", cwd=demo)
    assert result.returncode == 2
    assert result.stderr.startswith("locales/fr/2019-01-ransomware.po:") or \
        str(target) in result.stderr
    assert ":31:" in result.stderr or ":30:" in result.stderr or ":32:" in result.stderr
    assert snapshot == {p: p.read_bytes() for p in demo.rglob("*") if p.is_file()
                        if ".transkit" not in p.parts}


def test_load_error_has_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.po"
    path.write_text('msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\nfoo "c"\n', "utf-8")
    with pytest.raises(InputError) as info:
        catalog.load(path)
    assert info.value.line == 6
    assert "keyword 'foo' unknown" in info.value.message


@pytest.mark.parametrize("header", ['msgid ""\nmsgstr ""\n', '# notes\nmsgid ""\nmsgstr ""\n',
                                    '#, fuzzy\nmsgid ""\nmsgstr ""\n'])
def test_a_catalogue_with_an_empty_header_merges_into_a_valid_file(project: Path,
                                                                   header: str) -> None:
    run("extract", cwd=project, check=True)
    path = project / "locales" / "en" / "post.po"
    path.write_text(header + '\nmsgid "tapar el teclat"\nmsgstr "cover the keypad"\n', "utf-8")
    run("extract", cwd=project, check=True)
    text = path.read_text("utf-8")
    assert '#~ msgid ""' not in text and text.count('msgid ""\nmsgstr ""') == 1
    check = subprocess.run([gettext_tool("msgfmt"), "--check", "-o", "/dev/null", str(path)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert catalog.load(path).find("tapar el teclat").msgstr == "cover the keypad"  # type: ignore[union-attr]
    assert "Language: en" in text


def test_a_string_no_po_file_can_hold_is_refused_and_nothing_written(tmp_path: Path) -> None:
    """A NUL ends a string for every reader (msgfmt's too), so writing one would lose the
    rest at the next read; a lone surrogate is no character UTF-8 can write. Whatever
    brings them (an editor, an engine, an exchange file), the writer refuses them."""
    from transkit.unit import Unit

    path = tmp_path / "fr.po"
    po = catalog.Catalogue([Unit(msgid="Un", msgstr="One"), Unit(msgid="Deux", msgstr="Two")])
    catalog.save(po, path)
    before = path.read_bytes()
    po = catalog.load(path)
    for bad in ("Two\x00 lost", "T\ud800wo"):
        po.units[1].msgstr = bad
        with pytest.raises(InputError) as refused:
            catalog.save(po, path)
        assert refused.value.path == str(path)
        assert path.read_bytes() == before
    po.units[1].msgstr = "Two\x00 lost"
    with pytest.raises(InputError) as refused:
        catalog.save(po, path)
    assert str(refused.value).startswith(f"{path}:{po.units[1].line}: msgstr holds a NUL")
