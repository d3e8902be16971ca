from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from transkit.checks import check_classes, units
from transkit.checks.base import Pair
from transkit.checks.fix import fix_text
from transkit.checks.glossary import acronyms, glossary_check
from transkit.glossary import Glossary, Term
from transkit.project import Project

from .conftest import run

NB, NN = "\u00a0", "\u202f"

# (check function, source, target, source lang, target lang, should fail)
TABLE = [
    (units.placeholders, "a <g1>b</g1> <x2/>", "a <g1>b</g1> <x2/>", "ca", "en", False),
    (units.placeholders, "a <g1>b</g1> <x2/>", "<x2/> a <g1>b</g1>", "ca", "en", False),
    (units.placeholders, "a <g1>b</g1> <x2/>", "a b <x2/>", "ca", "en", True),
    (units.placeholders, "a <g1>b</g1>", "a <g1>b</g1> <g2>c</g2>", "ca", "en", True),
    (units.placeholders, "a <g1>b</g1> <g2>c</g2>", "a <g1>b <g2>c</g1></g2>", "ca", "en", True),
    (units.unsafe_markup, "a <g1>b</g1>", "a <g1>b</g1>", "ca", "en", False),
    (units.unsafe_markup, "a <g1>b</g1>", "a <g1>b</g1> <script>x</script>", "ca", "en", True),
    (units.unsafe_markup, "a b", "a &amp; b", "ca", "en", True),
    (units.numbers, "29.000 milions", "29,000 million", "ca", "en", False),
    (units.numbers, "29.000 milions", f"29{NN}000 millions", "ca", "fr", False),
    (units.numbers, "29.000 milions", "29 000 millions", "ca", "fr", False),
    (units.numbers, "13,6 %", "13.6%", "ca", "en", False),
    (units.numbers, "1,5 milions", "1.5 million", "ca", "en", False),
    (units.numbers, "dotze persones i 3 cotxes", "twelve people and 3 cars", "ca", "en", False),
    (units.numbers, "12 persones", "twelve people", "ca", "en", False),
    (units.numbers, "el 2018, 200 casos", "in 2018, 200 cases", "ca", "en", False),
    (units.numbers, "23 persones", "24 people", "ca", "en", True),
    (units.numbers, "23 persones", "people", "ca", "en", True),
    (units.numbers, "a les 12:30", "at 12:30", "ca", "en", False),
    # Repetition, scale words, times, words and centuries (issue 24).
    (units.numbers, "Open 24 hours a day.", "Ouvert 24 heures sur 24.", "en", "fr", False),
    (units.numbers, "Open 24 hours a day.", "Ouvert 24 heures sur 25.", "en", "fr", True),
    (units.numbers, "24 mil million euros", "24.000 milions d'euros", "en", "ca", False),
    (units.numbers, "24 mil millones de euros", "24.000 milions d'euros", "es", "ca", False),
    (units.numbers, "24 mil millones de euros", "24 milliards d'euros", "es", "fr", False),
    (units.numbers, "24 mil millones de euros", "24 billion euros", "es", "en", False),
    (units.numbers, "24 mil millones de euros", "24 millions d'euros", "es", "fr", True),
    (units.numbers, "29.000 milions d'euros", "29,000 euros", "ca", "en", True),
    (units.numbers, "1,5 milions", "1,5 millones", "ca", "es", False),
    (units.numbers, "un millón de personas", "1 million people", "es", "en", False),
    (units.numbers, "1 million people", "un millón de personas", "en", "es", False),
    (units.numbers, "1.327 locals", "1,327 premises", "ca", "en", False),
    (units.numbers, "1.327 locals", "1,337 premises", "ca", "en", True),
    (units.numbers, "0,25 %", "0.25%", "es", "en", False),
    (units.numbers, "at 2 pm", "a les 14.00 h", "en", "ca", False),
    (units.numbers, "at 2 pm", "à 14 h", "en", "fr", False),
    (units.numbers, "at 2.30 pm", "à 14 h 30", "en", "fr", False),
    (units.numbers, "at 2 pm", "a les 15.00 h", "en", "ca", True),
    (units.numbers, "a les 12:30", "at 12:40", "ca", "en", True),
    (units.numbers, "in the 21st century", "al segle XXI", "en", "ca", False),
    (units.numbers, "in the 21st century", "au XXIe siècle", "en", "fr", False),
    (units.numbers, "el primer cas", "the 1st case", "ca", "en", False),
    (units.numbers, "a dozen arrests", "12 detencions", "en", "ca", False),
    (units.numbers, "EC3", "EC5", "ca", "en", True),
    (units.urls_check, "Vegeu https://e.eu/a.", "See https://e.eu/a.", "ca", "en", False),
    (units.urls_check, "Vegeu https://e.eu/a.", "See the site.", "ca", "en", True),
    (units.emails_check, "a x@e.eu", "a x@e.eu", "ca", "en", False),
    (units.emails_check, "a x@e.eu", "a y@e.eu", "ca", "en", True),
    (units.end_punctuation, "Què?", "What?", "ca", "en", False),
    (units.end_punctuation, "Fet.", "Done", "ca", "en", True),
    (units.end_punctuation, "Vegeu:", "Voir :", "ca", "fr", False),
    (units.end_punctuation, "«Fet.»", "“Done.”", "ca", "en", False),
    (units.end_punctuation, "Fet…", "Done...", "ca", "en", False),
    (units.spanish_inverted_marks, "Què?", "¿Qué?", "ca", "es", False),
    (units.spanish_inverted_marks, "Què?", "Qué?", "ca", "es", True),
    (units.spanish_inverted_marks, "Quina sorpresa!", "Qué sorpresa!", "ca", "es", True),
    (units.spanish_inverted_marks, "Què?", "What?", "ca", "en", False),
    (units.french_spacing, "Què?", f"Quoi{NB}?", "ca", "fr", False),
    (units.french_spacing, "Què?", f"Quoi{NN}?", "ca", "fr", False),
    (units.french_spacing, "Què?", "Quoi ?", "ca", "fr", True),
    (units.french_spacing, "Què?", "Quoi?", "ca", "fr", True),
    (units.french_spacing, "a les 12:30", "à 12:30", "ca", "fr", False),
    (units.french_spacing, "Vegeu https://e.eu/a?b=1", "Voir https://e.eu/a?b=1", "ca", "fr",
     False),
    (units.french_spacing, "<g1>Nota</g1>: x", f"<g1>Note</g1>{NB}: x", "ca", "fr", False),
    (units.french_spacing, "Ah?!", f"Ah{NB}?!", "ca", "fr", False),
    (units.french_spacing, "«Sí»", f"«{NB}Oui{NB}»", "ca", "fr", False),
    (units.french_spacing, "«Sí»", "«Oui»", "ca", "fr", True),
    (units.quotes, "«Sí»", "“Yes”", "ca", "en", False),
    (units.quotes, "«Sí»", "«Yes»", "ca", "en", True),
    (units.quotes, "«Sí»", "\"Sí\"", "ca", "es", True),
    (units.catalan_middle_dot, "col·laboració", "col·laboració", "en", "ca", False),
    (units.catalan_middle_dot, "x", "col.laboració", "en", "ca", True),
    (units.catalan_middle_dot, "x", "col•laboració", "en", "ca", True),
    (units.catalan_middle_dot, "x", "col. laboració", "en", "ca", True),
    (units.catalan_middle_dot, "x", "Vegeu www.col.lab.cat", "en", "ca", False),
    (units.whitespace, "Fet.", "Done.", "ca", "en", False),
    (units.whitespace, "Fet.", " Done.", "ca", "en", True),
    (units.whitespace, "Fet.", "Done. ", "ca", "en", True),
    (units.whitespace, "Ja està fet.", "It is  done.", "ca", "en", True),
    (units.unchanged, "No More Ransom", "No More Ransom", "ca", "en", False),
    (units.unchanged, "EC3, 2018", "EC3, 2018", "ca", "en", False),
    (units.unchanged, "La policia va venir.", "La policia va venir.", "ca", "en", True),
    (units.length, "Una frase prou llarga per jutjar.", "A sentence long enough to judge.",
     "ca", "en", False),
    (units.length, "Una frase prou llarga per jutjar.", "Short.", "ca", "en", True),
    (units.doubled_word, "a b", "the the cat", "ca", "en", True),
    (units.doubled_word, "a b", "nous nous sommes", "ca", "fr", False),
    (units.doubled_word, "a b", "the cat", "ca", "en", False),
    (units.brackets, "a (b) c", "a (b c", "ca", "en", True),
    (units.brackets, "a (b) c", "a (b) c", "ca", "en", False),
]


@pytest.mark.parametrize("check, source, target, src, tgt, fails", TABLE)
def test_unit_checks(check, source, target, src, tgt, fails) -> None:  # type: ignore[no-untyped-def]
    assert bool(check(Pair(source, target, src, tgt))) is fails, check(Pair(source, target, src,
                                                                           tgt))


def test_french_spacing_policies() -> None:
    pair = Pair("Què?", f"Quoi{NB}?", "ca", "fr")
    assert not units.french_spacing(pair, "nbsp")
    assert units.french_spacing(pair, "narrow")


def test_glossary_and_acronyms() -> None:
    glossary = Glossary([Term({"ca": "mula de diners", "fr": "mule financière"}, "error", 2),
                         Term({"ca": "EE. UU.", "en": "U.S."}, "warning", 3)],
                        keep=["Europol"])
    ok = Pair("Les mules de diners d'Europol.", "Les mules financières d'Europol.", "ca", "fr")
    assert glossary_check(ok, glossary) == []
    bad = Pair("Una mula de diners d'Europol.", "Un passeur d'Interpol.", "ca", "fr")
    found = glossary_check(bad, glossary)
    assert [s for s, _ in found] == ["error", "warning"]
    assert acronyms(Pair("El EC3 i els EE. UU.", "EC3 and the U.S.", "ca", "en"), glossary) == []
    assert acronyms(Pair("El EC3 i el J-CAT.", "The centre and J-CAT.", "ca", "en"), glossary)


@pytest.mark.parametrize("source, target, source_lang, target_lang, missing", [
    ("The EU and NGOs.", "La UE i les ONG.", "en", "ca", []),  # reordered; built-in list
    ("NATO and the UN.", "L'OTAN et l'ONU.", "en", "fr", []),
    ("La UE i l'ONU.", "The EU and the UN.", "ca", "en", []),  # either direction
    ("AIDS and the US.", "El sida y EE. UU.", "en", "es", []),
    ("VAT", "la TVA", "en", "fr", []),
    ("The UN.", "La UE.", "en", "ca", ["UN"]),  # another body's acronym is no form of it
    ("The FBI.", "La policia.", "en", "ca", ["FBI"]),
    ("The EU.", "La Unió.", "en", "ca", ["EU"]),
])
def test_acronyms_in_the_language_own_form(source: str, target: str, source_lang: str,
                                           target_lang: str, missing: list[str]) -> None:
    found = acronyms(Pair(source, target, source_lang, target_lang), Glossary())
    assert found == ([f"acronym(s) {', '.join(missing)} missing from the translation"]
                     if missing else [])


def test_glossary_gives_an_acronym_its_translation() -> None:
    """A glossary row (EPO → OEB) says how an acronym is written in each language."""
    glossary = Glossary([Term({"en": "EPO", "fr": "OEB"}, "warning", 2)])
    assert acronyms(Pair("The EPO.", "L'OEB.", "en", "fr"), glossary) == []
    assert acronyms(Pair("The EPO.", "L'OEB.", "en", "fr"), Glossary()) != []


def test_cross_numbers_understand_repetition_and_scales(demo: Path) -> None:
    """'24 heures sur 24' agrees with '24 hours'; '24.000 milions' with '24 billion': no
    cross-numbers finding; a changed value still disagrees."""
    from transkit.checks import run_checks

    po = polib.pofile(str(demo / "locales/fr/2019-02-butlleti.po"))
    entry = next(e for e in po if any(c.isdigit() for c in e.msgid) and e.msgstr)
    msgid = entry.msgid
    _set(demo, "en", "2019-02-butlleti", msgid, "Open 24 hours a day: 24 billion euros.")
    _set(demo, "es", "2019-02-butlleti", msgid, "Abierto 24 horas: 24 mil millones de euros.")
    _set(demo, "fr", "2019-02-butlleti", msgid, "Ouvert 24 heures sur 24 : 24 milliards "
         "d'euros.", ["ignore-numbers"])
    findings = run_checks(Project.load(demo), only=["cross-numbers"]).findings
    assert [f for f in findings if f.source == msgid and f.lang != "ca"] == []
    _set(demo, "fr", "2019-02-butlleti", msgid, "Ouvert 24 heures sur 24 : 25 milliards "
         "d'euros.", ["ignore-numbers"])
    findings = run_checks(Project.load(demo), only=["cross-numbers"]).findings
    assert [(f.lang, f.severity) for f in findings if f.source == msgid] == [("fr", "error")]


def _set(demo: Path, lang: str, doc: str, msgid: str, msgstr: str,
         flags: list[str] | None = None) -> None:
    path = demo / "locales" / lang / f"{doc}.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid == msgid)
    entry.msgstr = msgstr
    if flags is not None:
        entry.flags = flags
    po.save(str(path))


SENTENCE = "La policia va inspeccionar 1.327 locals en 5 dies."


def test_demo_is_clean(demo: Path) -> None:
    result = run("check", cwd=demo, check=True)
    assert result.stdout == ""
    assert "0 error(s), 0 warning(s)" in result.stderr


def test_findings_exit_code_formats_and_suppression(demo: Path) -> None:
    _set(demo, "fr", "2019-02-butlleti", SENTENCE, f"La police a inspecté 1{NN}372 "
         "établissements en 5 jours.")
    out = run("check", cwd=demo)
    assert out.returncode == 1
    line = next(x for x in out.stdout.splitlines() if "[numbers]" in x)
    path, number, rest = line.split(":", 2)
    assert path == "locales/fr/2019-02-butlleti.po" and rest.startswith(" error[numbers]: ")
    text = (demo / path).read_text("utf-8").splitlines()
    assert text[int(number) - 1].startswith("msgid")
    assert "[cross-numbers]" in out.stdout  # fr disagrees with ca, es and en
    data = json.loads(run("check", "--format", "json", cwd=demo).stdout)
    assert {f["check"] for f in data["findings"]} == {"numbers", "cross-numbers"}
    only = run("check", "--only", "numbers", "--lang", "es", cwd=demo)
    assert only.returncode == 0 and only.stdout == ""
    _set(demo, "fr", "2019-02-butlleti", SENTENCE, f"La police a inspecté 1{NN}372 "
         "établissements en 5 jours.", ["ignore-numbers", "ignore-cross-numbers"])
    assert run("check", cwd=demo).returncode == 0


def test_release_gate_blocks_on_errors(demo: Path) -> None:
    _set(demo, "en", "2019-01-ransomware", "No pagueu el rescat.", "Do not pay 500 euros.")
    blocked = run("release", cwd=demo)
    assert blocked.returncode == 1 and "error[numbers]" in blocked.stderr
    assert not (demo / "site").exists()


def test_project_level_checks(demo: Path) -> None:
    # inconsistent: the same source translated two ways in two documents
    (demo / "bulletins" / "extra.html").write_text(
        "<html lang='ca'><body><article><p>No pagueu el rescat.</p></article></body></html>")
    run("extract", cwd=demo, check=True)
    _set(demo, "es", "extra", "No pagueu el rescat.", "No paguen el rescate.")
    out = run("check", "--lang", "es", cwd=demo)
    assert out.stdout.count("warning[inconsistent]") == 2
    # po-header; a duplicate entry is refused by the reader, as msgfmt refuses it
    path = demo / "locales/fr/2019-01-ransomware.po"
    text = path.read_text("utf-8").replace('"Language: fr\\n"', '"Language: de\\n"')
    path.write_text(text, "utf-8")
    out = run("check", "--lang", "fr", cwd=demo)
    assert "error[po-header]: Language is 'de'" in out.stdout
    assert "error[aligned]" not in out.stdout
    path.write_text(text + '\nmsgid "No pagueu el rescat."\nmsgstr "Ne payez pas."\n', "utf-8")
    out = run("check", "--lang", "fr", cwd=demo)
    assert out.returncode == 2 and "duplicate message definition" in out.stderr
    # aligned: a template unit the catalogue lacks
    en = demo / "locales/en/2019-01-ransomware.po"
    po = polib.pofile(str(en))
    po.remove(next(e for e in po if e.msgid == "No pagueu el rescat."))
    po.save(str(en))
    assert "error[aligned]: 1 unit(s) of the template missing" in run(
        "check", "--lang", "en", cwd=demo).stdout


def test_severity_overrides_and_disable(demo: Path) -> None:
    _set(demo, "en", "2019-01-ransomware", "No pagueu el rescat.", "Do not pay the ransom")
    out = run("check", cwd=demo)
    assert out.returncode == 0 and "warning[end-punctuation]" in out.stdout
    config = demo / "transkit.toml"
    config.write_text(config.read_text("utf-8") + '\n[checks.severity]\n"end-punctuation" = '
                      '"error"\n', "utf-8")
    out = run("check", cwd=demo)
    assert out.returncode == 1 and "error[end-punctuation]" in out.stdout
    config.write_text(config.read_text("utf-8").replace(
        "[checks]\n", '[checks]\ndisable = ["end-punctuation"]\n', 1), "utf-8")
    assert run("check", cwd=demo).returncode == 0
    assert run("check", "--only", "nonsense", cwd=demo).returncode == 2


def test_list_prints_every_check() -> None:
    out = run("check", "--list", cwd=Path("/")).stdout.splitlines()
    registry = check_classes()
    assert len(out) == len(registry) >= 27
    for check, line in zip(registry, out, strict=True):
        assert line.split()[:2] == [check.id, check.severity]


def test_sarif_output(demo: Path) -> None:
    _set(demo, "es", "2019-01-ransomware", "Què cal fer si us segresten les dades?",
         "Qué hay que hacer si le secuestran los datos?")
    sarif = json.loads(run("check", "--format", "sarif", cwd=demo).stdout)
    assert sarif["version"] == "2.1.0"
    run_ = sarif["runs"][0]
    rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    result = run_["results"][0]
    assert result["ruleId"] == "spanish-inverted-marks"
    assert rules[result["ruleIndex"]] == result["ruleId"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "locales/es/2019-01-ransomware.po"
    assert location["region"]["startLine"] > 1
    from sarif_pydantic import Sarif  # an independent model of the SARIF 2.1.0 schema

    Sarif.model_validate(sarif)


@pytest.mark.parametrize("source, target, lang, fixed", [
    ("Fet.", " Done.  ", "en", "Done."),
    ("Ja està  fet.", "It is  done.", "en", "It is  done."),
    ("Ja està fet.", "It is  done.", "en", "It is done."),
    ("Què?", "Quoi ?", "fr", f"Quoi{NB}?"),
    ("Què?", "Quoi?", "fr", f"Quoi{NB}?"),
    ("«Sí»", "«Oui»", "fr", f"«{NB}Oui{NB}»"),
    ("a les 12:30, https://e.eu/a?b", "à 12:30, https://e.eu/a?b", "fr",
     "à 12:30, https://e.eu/a?b"),
    ("<g1>Nota</g1>: x", "<g1>Note</g1>: x", "fr", f"<g1>Note</g1>{NB}: x"),
    ("Espera…", "Wait...", "en", "Wait…"),
    ("Espera...", "Wait...", "en", "Wait..."),
])
def test_fix_text(source: str, target: str, lang: str, fixed: str) -> None:
    assert fix_text(source, target, lang, "nbsp") == fixed


def test_fix_command(demo: Path) -> None:
    _set(demo, "fr", "2019-01-ransomware", "Què cal fer si us segresten les dades?",
         "Que faire si vos données sont prises en otage ?")
    out = run("check", "--fix", cwd=demo)
    assert out.returncode == 0
    assert "locales/fr/2019-01-ransomware.po:" in out.stdout and "1 fix(es)" in out.stderr
    po = polib.pofile(str(demo / "locales/fr/2019-01-ransomware.po"))
    entry = next(e for e in po if e.msgid == "Què cal fer si us segresten les dades?")
    assert entry.msgstr == f"Que faire si vos données sont prises en otage{NB}?"


def test_planted_errors_are_caught_and_the_demo_is_clean(demo: Path) -> None:
    from transkit.checks.mutate import false_positives, unit_recall

    demo_project = Project.load(demo)
    scores = unit_recall(demo_project, seed=11)
    assert sum(s.planted for s in scores.values()) > 300
    for check, score in scores.items():
        assert score.planted > 0, check
        assert score.recall >= 0.95, (check, score)
    assert false_positives(demo_project) == {}


def test_status_shows_the_last_full_check_until_files_change(demo: Path) -> None:
    assert "errors" not in run("status", cwd=demo, check=True).stdout.splitlines()[0]
    run("check", cwd=demo, check=True)
    table = run("status", cwd=demo, check=True).stdout.splitlines()
    assert table[0].split()[-2:] == ["errors", "warnings"]
    assert table[1].split()[-2:] == ["0", "0"]
    _set(demo, "en", "2019-01-ransomware", "No pagueu el rescat.", "Do not pay 500 euros.")
    assert "errors" not in run("status", cwd=demo, check=True).stdout.splitlines()[0]
    assert run("check", cwd=demo).returncode == 1
    data = json.loads(run("status", "--format", "json", cwd=demo, check=True).stdout)
    assert data["languages"]["en"]["findings"]["error"] >= 1
    assert data["languages"]["fr"]["findings"]["error"] == 0


def test_check_lang_reports_exactly_the_full_runs_findings_about_it(demo: Path) -> None:
    """Cross-language votes count every language whatever `--lang` selects: a French
    number that the Spanish and English translations share is no error of French's."""
    from transkit import catalog

    for lang, figure in (("es", "24"), ("en", "24"), ("fr", "24")):
        for path in sorted((demo / "locales" / lang).glob("*.po")):
            po = catalog.load(path)
            entry = next((u for u in po.active() if u.translated and "2" in u.msgid), None)
            if entry is not None:
                entry.msgstr += f" ({figure})"
                catalog.save(po, path)
    full = run("check", "--severity", "info", cwd=demo).stdout.splitlines()
    for lang in ("ca", "es", "en", "fr"):
        alone = run("check", "--lang", lang, "--severity", "info", cwd=demo).stdout
        mine = sorted(line for line in full if line.startswith(f"locales/{lang}/"))
        theirs = sorted(line for line in alone.splitlines()
                        if line.startswith("locales/"))
        assert theirs == mine, lang
    assert any("[numbers]" in line for line in full)  # the edit did make findings


@pytest.mark.parametrize("source, target", [
    ("The fraud exceeded 29,000 million euros.", "El frau va superar els 29.000 milions "
     "d'euros."),
    ("Open 24 hours a day, 1,327 premises.", "Obert 24 hores sobre 24, 1.327 locals.")])
def test_a_changed_number_is_still_an_error(source: str, target: str) -> None:
    """The mutations that measure recall change a digit or a scale word; the numbers
    check, reading values with repetition and scales, finds every one of them."""
    import random

    from transkit.checks.mutate import MUTATIONS

    pair = Pair(source, target, "en", "ca")
    assert units.numbers(pair) == []
    seen = set()
    for seed in range(40):
        mutated = MUTATIONS["numbers"](pair, random.Random(seed))
        assert mutated is not None and mutated != target
        seen.add(mutated)
        assert units.numbers(Pair(source, mutated, "en", "ca")), mutated
    assert len(seen) > 10


PUBLISHED = Path(__file__).parent / "data" / "published"


def test_published_translations_raise_no_error(tmp_path: Path) -> None:
    """Press releases published in four languages (tests/data/published: 24 heures sur 24,
    24.000 milions, 6.00 h, ONG, ONU, segle XXI…), aligned into a project and approved:
    every aligned unit is approved (none has an error-level finding) and `check` finds no
    error; warnings stay below one per twenty units."""
    import shutil

    project = tmp_path / "published"
    (project / "bulletins").mkdir(parents=True)
    (project / "transkit.toml").write_text(
        '[project]\nname = "Press"\nsource_language = "en"\nlanguages = ["en", "ca", "es", '
        '"fr"]\n', "utf-8")
    archive = tmp_path / "archive"
    archive.mkdir()
    for page in PUBLISHED.glob("*.html"):
        shutil.copy(page, (project / "bulletins" if page.name.endswith(".en.html")
                           else archive) / page.name)
    run("extract", cwd=project, check=True)
    aligned = run("align", "--archive", str(archive), cwd=project, check=True)
    assert "12 pair(s) aligned, 0 problem(s)" in aligned.stdout
    total = 0
    for lang in ("ca", "es", "fr"):
        done = run("approve", "--lang", lang, "--from", "aligned", "--by", "QA", cwd=project,
                   check=True)
        assert ", 0 skipped" in done.stdout, done.stdout + done.stderr
        total += int(done.stdout.rsplit("approved ", 1)[1].split()[0])
    assert total >= 100
    checked = run("check", cwd=project)
    assert checked.returncode == 0, checked.stdout
    summary = (checked.stdout + checked.stderr).strip().splitlines()[-1]
    assert " 0 error(s)" in summary, checked.stdout + checked.stderr
    warnings = int(summary.split(" error(s), ")[1].split()[0])
    assert warnings * 20 < total, checked.stdout
