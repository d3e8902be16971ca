"""Glossaries in TBX: our writer and reader against each other, Translate Toolkit's TBX
reader on what we write, hostile files, and the commands on the demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from translate.storage.tbx import tbxfile

from transkit.errors import InputError
from transkit.exchange.tbx import read_tbx, write_tbx
from transkit.glossary import Glossary, Term, glossary_files, load_glossary

from .conftest import run

LANGS = ("ca", "es", "en", "fr")


def sample() -> Glossary:
    return Glossary(
        [Term({"ca": "programari de segrest", "es": "secuestro", "en": "ransomware",
               "fr": "rançongiciel"}, "error",
              admitted={"es": ["programa de secuestro"], "fr": ["logiciel de rançon"]},
              forbidden={"fr": ["ransomware"], "ca": ["ransomware"]},
              definitions={"en": "Malware that encrypts files & asks for a <ransom>.",
                           "ca": "Programari que xifra fitxers."}),
         Term({"ca": "mula de diners", "fr": "mule financière"}),
         Term({"ca": "ciberdelinqüència"}, forbidden={"es": ["cibercrimen"]})],
        ["Europol", "No More Ransom", "J-CAT"])


def same(a: Glossary, b: Glossary) -> None:
    assert b.keep == a.keep
    assert [(t.forms, t.severity, t.admitted, t.forbidden, t.definitions) for t in b.terms] \
        == [(t.forms, t.severity, t.admitted, t.forbidden, t.definitions) for t in a.terms]


def test_write_then_read_loses_nothing() -> None:
    data = write_tbx(sample(), LANGS, "ca", "Test")
    back = read_tbx(data, "g.tbx", LANGS)
    same(sample(), back)
    assert write_tbx(back, LANGS, "ca", "Test") == data


def test_terms_csv_keeps_admitted_forbidden_and_definitions(tmp_path: Path) -> None:
    terms, keep = glossary_files(sample(), LANGS)
    (tmp_path / "glossary").mkdir()
    (tmp_path / "glossary" / "terms.csv").write_bytes(terms)
    (tmp_path / "glossary" / "do-not-translate.txt").write_bytes(keep)
    assert terms.decode().splitlines()[0] == (
        "ca,es,en,fr,severity,definition-ca,definition-en,admitted-es,admitted-fr,"
        "forbidden-ca,forbidden-es,forbidden-fr")
    same(sample(), load_glossary(tmp_path))


def test_translate_toolkit_reads_the_same_terms() -> None:
    store = tbxfile.parsestring(write_tbx(sample(), LANGS, "ca", "Test"))
    units = store.units
    assert len(units) == 6
    first = units[0]
    assert [t.text for t in first.get_source_terms()] == ["programari de segrest",
                                                           "ransomware"]
    assert [t.deprecated for t in first.get_source_terms()] == [False, True]
    french = first.get_target_terms("fr")
    assert [(t.text, t.deprecated) for t in french] == [
        ("rançongiciel", False), ("logiciel de rançon", False), ("ransomware", True)]
    assert [t.text for t in first.get_target_terms("es")] == ["secuestro",
                                                               "programa de secuestro"]
    notes = {n.text for n in first.get_common_notes(source=True)}
    assert "Programari que xifra fitxers." in notes
    assert units[1].source == "mula de diners"
    assert units[1].gettarget("fr") == "mule financière"
    names = units[3:]
    assert [u.source for u in names] == ["Europol", "No More Ransom", "J-CAT"]
    assert all(not u.istranslatable() for u in names)
    assert all(u.istranslatable() for u in units[:3])
    assert [u.gettarget("fr") for u in names] == ["Europol", "No More Ransom", "J-CAT"]


TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="ca">
<text><body>
<termEntry>
  <langSet xml:lang="ca"><tig><term>frau</term></tig></langSet>
  <langSet xml:lang="{lang}"><tig><term>fraude</term></tig></langSet>
</termEntry>
</body></text>
</martif>
"""


def test_hostile_or_foreign_files_are_refused_with_their_line() -> None:
    doctype = ('<?xml version="1.0"?>\n<!DOCTYPE martif [\n<!ENTITY x SYSTEM '
               '"file:///etc/passwd">]>\n<martif type="TBX-Basic"><text><body>&x;'
               '</body></text></martif>')
    with pytest.raises(InputError, match="DOCTYPE") as caught:
        read_tbx(doctype.encode(), "evil.tbx", LANGS)
    assert caught.value.line == 2
    with pytest.raises(InputError, match="'de' is not one of the project's") as caught:
        read_tbx(TBX.replace("{lang}", "de").encode(), "g.tbx", LANGS)
    assert caught.value.line == 6
    with pytest.raises(InputError, match="malformed TBX") as caught:
        read_tbx(b"<martif>\n<text>\n</martif>", "g.tbx", LANGS)
    assert caught.value.line == 3
    with pytest.raises(InputError, match="not a TBX file"):
        read_tbx(b"<tmx/>", "g.tbx", LANGS)
    glossary = read_tbx(TBX.replace("{lang}", "es-ES").encode(), "g.tbx", LANGS)
    assert glossary.terms[0].forms == {"ca": "frau", "es": "fraude"}


def test_tbx3_is_read_too() -> None:
    data = b"""<?xml version="1.0"?>
<tbx type="TBX-Basic" style="dca" xml:lang="ca" xmlns="urn:iso:std:iso:30042:ed-2">
<text><body><conceptEntry id="c1">
<langSec xml:lang="ca"><descrip type="definition">Estafa.</descrip>
<termSec><term>frau</term></termSec></langSec>
<langSec xml:lang="fr"><termSec><term>fraude</term></termSec>
<termSec><term>arnaque</term>
<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec></langSec>
</conceptEntry></body></text></tbx>"""
    [term] = read_tbx(data, "g.tbx", LANGS).terms
    assert term.forms == {"ca": "frau", "fr": "fraude"}
    assert term.forbidden == {"fr": ["arnaque"]} and term.definitions == {"ca": "Estafa."}


# --- the commands ------------------------------------------------------------------------------

def test_export_import_round_trip_on_the_demo(demo: Path, tmp_path: Path) -> None:
    before = load_glossary(demo)
    out = tmp_path / "demo.tbx"
    result = run("glossary", "export", str(out), cwd=demo, check=True)
    assert "wrote 4 term(s) and 5 name(s)" in result.stdout
    (demo / "glossary" / "terms.csv").unlink()
    (demo / "glossary" / "do-not-translate.txt").unlink()
    result = run("glossary", "import", str(out), cwd=demo, check=True)
    assert "imported 4 term(s) (4 new) and 5 name(s) not to translate (5 new)" in result.stdout
    same(before, load_glossary(demo))
    again = tmp_path / "again.tbx"
    run("glossary", "export", str(again), cwd=demo, check=True)
    assert again.read_bytes() == out.read_bytes()


def test_imported_terms_drive_the_glossary_and_spelling_checks(demo: Path,
                                                              tmp_path: Path) -> None:
    po = demo / "locales" / "fr" / "2019-01-ransomware.po"
    text = po.read_text(encoding="utf-8")
    text = text.replace("Coup de filet contre un service de rançongiciels",
                        "Coup de filet contre un service de ransomware rançonnix", 1)
    po.write_text(text, encoding="utf-8")
    before = json.loads(run("check", "--only", "glossary", "--only", "spelling",
                            "--format", "json", cwd=demo).stdout)["findings"]
    assert [f["message"].split("'")[1] for f in before if f["check"] == "spelling"] == [
        "rançonnix"]
    assert not any("forbidden" in f["message"] for f in before)
    tbx = tmp_path / "more.tbx"
    tbx.write_text(TBX.replace("{lang}", "fr").replace(
        "<tig><term>fraude</term></tig>", "<tig><term>rançonnix</term></tig>").replace(
        "</body>", """<termEntry><langSet xml:lang="ca"><tig><term>programari de segrest</term>
</tig></langSet><langSet xml:lang="en"><tig><term>ransomware</term></tig></langSet>
<langSet xml:lang="fr"><tig><term>rançongiciel</term></tig><tig>
<term>ransomware</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>
</tig></langSet></termEntry></body>"""), encoding="utf-8")
    result = run("glossary", "import", str(tbx), cwd=demo, check=True)
    assert "imported 2 term(s) (1 new)" in result.stdout
    after = json.loads(run("check", "--only", "glossary", "--only", "spelling",
                           "--format", "json", cwd=demo).stdout)["findings"]
    assert not [f for f in after if f["check"] == "spelling"]
    [forbidden] = [f for f in after if "forbidden" in f["message"]]
    assert forbidden["check"] == "glossary" and forbidden["lang"] == "fr"
    assert "'ransomware' is a forbidden term, use 'rançongiciel'" in forbidden["message"]


def test_a_hostile_tbx_is_refused_in_one_line_and_nothing_changes(demo: Path,
                                                                  tmp_path: Path) -> None:
    evil = tmp_path / "evil.tbx"
    evil.write_text('<?xml version="1.0"?>\n<!DOCTYPE martif SYSTEM "http://127.0.0.1:9/x">\n'
                    "<martif/>", encoding="utf-8")
    files = {p: p.read_bytes() for p in (demo / "glossary").iterdir()}
    result = run("glossary", "import", str(evil), cwd=demo)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"{evil}:2: TBX must not have a DOCTYPE or entity "
                                     "declarations (DTDs and entities are refused)")
    assert {p: p.read_bytes() for p in (demo / "glossary").iterdir()} == files
    unknown = tmp_path / "de.tbx"
    unknown.write_text(TBX.replace("{lang}", "de"), encoding="utf-8")
    result = run("glossary", "import", str(unknown), cwd=demo)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"{unknown}:6: language 'de' is not one of")
