"""The spelling and language checks, with Debian's real dictionaries (`make spelling`) and
langid.py's real model; through the library, then the installed command on the demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from transkit.checks.base import CheckContext
from transkit.checks.language import LanguageCheck, spelled_as
from transkit.checks.spelling import SpellingCheck, words
from transkit.errors import InputError
from transkit.glossary import Glossary, Term

from .conftest import run

LANGS = ("ca", "es", "en", "fr")


def spelling(tmp_path: Path, glossary: Glossary | None = None, suggest: bool = False,
             **settings: str) -> SpellingCheck:
    return SpellingCheck(CheckContext(tmp_path, LANGS, glossary or Glossary(), settings,
                                      suggest))


def flagged(check: SpellingCheck, target: str, lang: str, source: str = "") -> list[str]:
    return [m[1:m.index("' is not in")] for m in check.check(source, target, lang)]


# --- what is read ---------------------------------------------------------------------

def test_words_leave_out_placeholders_markup_addresses_and_numbers() -> None:
    text = ("Escriviu a <g1>qwzx@exampel.org</g1> o aneu a https://www.exampel.org/qwzx"
            "<x2/> &amp; 4G COVID-19 1.500 nomoreransom.org <b>vegeu</b> 2019 paraula")
    assert list(words(text)) == ["Escriviu", "a", "o", "aneu", "a", "vegeu", "paraula"]


def test_a_misspelt_word_is_found_and_a_correct_one_is_not(tmp_path: Path) -> None:
    check = spelling(tmp_path)
    assert flagged(check, "Le groupe avait infecté plus de entreprises.", "fr") == []
    assert flagged(check, "Le groupe avait infecté plus de entrepirses.", "fr") == [
        "entrepirses"]
    assert flagged(check, "El grup havia infectat més empreses.", "ca") == []
    assert flagged(check, "El grup havia infectad més empreses.", "ca") == ["infectad"]
    assert flagged(check, "The group had infected more firms.", "en") == []
    assert flagged(check, "The group had infectd more firms.", "en") == ["infectd"]
    assert flagged(check, "El grupo había infectado más empresas.", "es") == []
    assert flagged(check, "El grupo había infectado más empresass.", "es") == ["empresass"]


def test_nothing_but_prose_is_checked(tmp_path: Path) -> None:
    check = spelling(tmp_path)
    target = ("Écrivez à <g1>qwzx@exampel.org</g1> ou allez sur https://exampel.org/qwzx "
              "<x2/> avant le 17 janvier 2019 (4G, 1 500 qwzx.org).")
    assert flagged(check, target, "fr") == []
    assert flagged(check, target.replace("Écrivez", "Écrivze"), "fr") == ["Écrivze"]


def test_words_of_the_source_acronyms_and_inner_capitals_are_accepted(tmp_path: Path) -> None:
    check = spelling(tmp_path)
    source = "Europol i Qwzxlandia han aturat WannaCry."
    assert flagged(check, "Europol et Qwzxlandia ont arrêté WannaCry.", "fr", source) == []
    # Not in the source: the name is reported (a typo in it would be too).
    assert flagged(check, "Europol et Qwzxlandia ont arrêté WannaCry.", "fr") == [
        "Qwzxlandia"]
    assert flagged(check, "La ZZKQ et le J-CAT ont arrêté le groupe.", "fr") == []


def test_source_words_of_the_source_dictionary_are_not_names(tmp_path: Path) -> None:
    check = spelling(tmp_path)
    source, target = "Podeu reproduir el contingut.", "Vous pouvez reproduir son contenu."
    assert check.check(source, target, "fr") == []  # a word of the source, as it is
    [message] = check.check(source, target, "fr", source_lang="ca")
    assert message.startswith("'reproduir' is not in the fr dictionary")
    # Names stay accepted: capitalised, or unknown to the source's dictionary.
    assert check.check("Qwzx i Barcelona", "Qwzx et Barcelona", "fr", source_lang="ca") == []


def test_a_capital_inside_a_word_is_a_name_only_in_a_capitalised_word(tmp_path: Path) -> None:
    check = spelling(tmp_path)
    assert flagged(check, "rien qu'à aBrcelone et en lNews", "fr") == ["aBrcelone", "lNews"]
    assert flagged(check, "WannaCry et YouTube", "fr") == []


def test_elisions_are_split_and_the_rest_checked(tmp_path: Path) -> None:
    check = spelling(tmp_path)
    source = "amb el suport d'Europol i l'EMPACT"
    assert flagged(check, "avec l’aide d’Europol et de l’EMPACT qu’il a obtenue", "fr",
                   source) == []
    assert flagged(check, "amb el suport d’Europol i l’EMPACT, que s’allotjaven", "ca",
                   source) == []
    assert flagged(check, "l’infrastructrue du groupe", "fr") == ["l’infrastructrue"]
    assert flagged(check, "l'infraestrutura del grup", "ca") == ["l'infraestrutura"]
    # Catalan pronouns after the verb, with an apostrophe or a hyphen.
    assert flagged(check, "Cal descarregar-les i posar'ls al servidor.", "ca") == []


def test_each_part_of_a_compound_is_checked(tmp_path: Path) -> None:
    check = spelling(tmp_path)
    assert flagged(check, "aux États-Unis et peut-être au Canada", "fr") == []
    assert flagged(check, "aux États-Unsi", "fr") == ["États-Unsi"]
    assert flagged(check, "Europol-Eurojust", "fr", "Europol i Eurojust") == []


def test_glossary_terms_and_names_not_to_translate_are_accepted(tmp_path: Path) -> None:
    glossary = Glossary([Term({"ca": "mula de diners", "fr": "mule financière",
                               "es": "ciberqwzx"})], keep=["No More Qwzxsom"])
    check = spelling(tmp_path, glossary)
    assert flagged(check, "Los ciberqwzx de No More Qwzxsom", "es") == []
    assert flagged(spelling(tmp_path), "Los ciberqwzx de No More Qwzxsom", "es") == [
        "ciberqwzx", "Qwzxsom"]


def test_the_project_word_list(tmp_path: Path) -> None:
    (tmp_path / "glossary").mkdir()
    (tmp_path / "glossary" / "spelling-es.txt").write_text(
        "# words the dictionary lacks\nciberataques\ntransfronterizos\nQwzxia\n",
        encoding="utf-8")
    check = spelling(tmp_path)
    text = "Ciberataques transfronterizos contra Qwzxia"
    assert flagged(check, text, "es") == []
    # A lowercase entry accepts the capitalised word; a capitalised entry only itself.
    assert flagged(check, "contra qwzxia", "es") == ["qwzxia"]
    assert flagged(spelling(tmp_path / "none"), text, "es") == [
        "Ciberataques", "transfronterizos", "Qwzxia"]


def test_a_word_list_with_bad_encoding_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "glossary").mkdir()
    path = tmp_path / "glossary" / "spelling-fr.txt"
    path.write_bytes("# liste\nrançongiciel\n".encode() + b"cybercriminalit\xe9\n")
    with pytest.raises(InputError) as caught:
        spelling(tmp_path)
    assert caught.value.path == str(path) or Path(str(caught.value.path)) == path
    assert caught.value.line == 3


def test_the_valencian_dictionary_is_a_setting(tmp_path: Path) -> None:
    text = "Tots poden fer servir este servici."
    assert flagged(spelling(tmp_path), text, "ca") == ["este"]
    assert flagged(spelling(tmp_path, ca="ca-valencia"), text, "ca") == []


def test_a_missing_dictionary_names_the_debian_package(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        spelling(tmp_path, fr="fr_XX")
    assert "hunspell-fr" in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(InputError, match="not one of the project's languages"):
        spelling(tmp_path, de="de_DE")


def test_suggestions_only_when_asked(tmp_path: Path) -> None:
    assert spelling(tmp_path).check("", "une enquête conjointe", "fr") == []
    [plain] = spelling(tmp_path).check("", "une enqête conjointe", "fr")
    assert "suggestions" not in plain
    [message] = spelling(tmp_path, suggest=True).check("", "une enqête conjointe", "fr")
    assert "suggestions: " in message and "enquête" in message.split("suggestions: ")[1]


def test_long_runs_are_one_finding_each_in_linear_time(tmp_path: Path) -> None:
    import time

    check = spelling(tmp_path)
    for text in ("a" * 40000, "ab-" * 15000, "l'" * 5000 + "x", "x" + "'ls" * 5000,
                 "d'a-" * 8000):
        for lang in ("ca", "fr"):
            start = time.process_time()
            messages = check.check("", text, lang)
            assert time.process_time() - start < 1.0
            # One token: reported whole (shortened), or accepted part by part.
            assert len(messages) <= 1
            assert all(m.startswith("'" + text[:60] + "…' is not in") for m in messages)
    [message] = check.check("", "a" * 40000, "fr")
    assert message == "'" + "a" * 60 + "…' is not in the fr dictionary"


# --- the language check -----------------------------------------------------------------

def language(**settings: float) -> LanguageCheck:
    return LanguageCheck(CheckContext(Path("."), LANGS, Glossary(), settings))


SPANISH = ("El grupo había infectado a más de 1.500 empresas y cobrado rescates por valor "
           "de 4,2 millones de euros.")
FRENCH = ("Le groupe avait infecté plus de 1 500 entreprises et encaissé des rançons d'une "
          "valeur de 4,2 millions d'euros.")


def test_spanish_in_the_french_catalogue_is_reported() -> None:
    [message] = language().check("", SPANISH, "fr")
    assert "español (es" in message and "français" in message
    assert language().check("", FRENCH, "fr") == []
    assert language().check("", SPANISH, "es") == []


def test_the_dictionary_spares_langid_only_text_in_its_language() -> None:
    check = language()
    french = check.dictionaries["fr"]
    assert spelled_as(FRENCH, french)
    assert not spelled_as(SPANISH, french)
    assert not spelled_as("Le grupo", french)  # too few words to say


def test_short_or_unsure_text_is_left_alone() -> None:
    assert language().check("", "Europol i el J-CAT", "fr") == []
    assert language().check("", "El grupo", "fr") == []  # too short to judge
    assert language(min_probability=1.0).check("", SPANISH, "fr") == []
    with pytest.raises(InputError, match="min_letters"):
        language(min_letters=0)


# --- through the command, on the demo --------------------------------------------------------

def test_no_spelling_nor_language_finding_on_the_demo(demo: Path) -> None:
    result = run("check", "--only", "spelling", "--only", "language", "--format", "json",
                 cwd=demo, check=True)
    assert json.loads(result.stdout)["findings"] == []


def _plant(demo: Path, old: str, new: str) -> Path:
    path = demo / "locales" / "fr" / "2019-01-ransomware.po"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_check_suggest_shows_the_dictionarys_suggestions(demo: Path) -> None:
    _plant(demo, "Une enquête conjointe", "Une enqête conjointe")
    result = run("check", "--only", "spelling", "--suggest", cwd=demo)
    assert result.returncode == 0, result.stderr  # a warning does not fail the check
    [line] = [x for x in result.stdout.splitlines() if "warning[spelling]" in x]
    assert line.startswith("locales/fr/2019-01-ransomware.po:")
    assert "'enqête'" in line and "suggestions: " in line and "enquête" in line
    plain = run("check", "--only", "spelling", cwd=demo).stdout
    assert "'enqête'" in plain and "suggestions" not in plain


def test_findings_reach_json_and_sarif(demo: Path) -> None:
    _plant(demo, "Une enquête conjointe", "Une enqête conjointe")
    _plant(demo, "Coup de filet contre un service de rançongiciels",
           "Golpe policial contra un servicio de secuestro informático de datos")
    found = json.loads(run("check", "--format", "json", cwd=demo).stdout)["findings"]
    checks = {f["check"] for f in found}
    assert {"spelling", "language"} <= checks
    sarif = json.loads(run("check", "--format", "sarif", cwd=demo).stdout)
    rules = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    results = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert {"spelling", "language"} <= rules and {"spelling", "language"} <= results


def test_a_missing_dictionary_stops_the_check_in_one_line(demo: Path) -> None:
    with (demo / "transkit.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[checks.spelling]\nfr = "fr_XX"\n')
    result = run("check", cwd=demo)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "hunspell-fr" in result.stderr


def test_findings_reach_the_review_pages(demo: Path) -> None:
    _plant(demo, "Une enquête conjointe", "Une enqête conjointe")
    run("build", cwd=demo, check=True)
    page = (demo / "site" / "aligned" / "2019-01-ransomware.html").read_text(encoding="utf-8")
    assert "spelling" in page and "enqête" in page
    assert "is not in the fr dictionary" in page


def test_spelling_findings_reach_the_editor_of_serve(tmp_path: Path) -> None:
    """`transkit serve`'s editor lists the checks' findings by unit: a misspelling saved
    through it comes back as a spelling finding of that unit."""
    import shutil
    import signal

    from .conftest import REPO
    from .served import start

    root = tmp_path / "demo"
    root.mkdir()
    shutil.copy(REPO / "transkit.toml", root)
    for folder in ("bulletins", "locales", "glossary"):
        shutil.copytree(REPO / folder, root / folder)
    server = start(root, "--translator", "Anna Serra <anna@example.org>")
    try:
        doc = "2019-01-ransomware"
        data = server.request("GET", f"/api/v1/documents/{doc}/units").json()
        unit = next(u for u in data["units"]
                    if "enquête" in u["targets"]["fr"]["text"])
        text = unit["targets"]["fr"]["text"]
        before = server.request("GET", f"/api/v1/documents/{doc}/findings").json()
        assert "spelling" not in {f["check"] for f in
                                  before["findings"].get(unit["id"], {}).get("fr", [])}
        answer = server.request("PUT", f"/api/v1/documents/{doc}/units/{unit['id']}/fr",
                                {"text": text.replace("enquête", "enqête"),
                                 "state": "translated", "base": text})
        assert answer.status == 200
        after = server.request("GET", f"/api/v1/documents/{doc}/findings").json()
        [found] = [f for f in after["findings"][unit["id"]]["fr"] if f["check"] == "spelling"]
        assert "'enqête' is not in the fr dictionary" in found["message"]
    finally:
        server.stop(signal.SIGKILL if server.process.poll() is None else signal.SIGTERM)


def test_remembered_verdicts_answer_as_a_fresh_speller(tmp_path: Path) -> None:
    """A run remembers each token's verdict and its parts' (issue 23 item 9, speed): what
    is remembered never depends on the source, so one speller asked in turn answers every
    pair as a speller that never saw the others."""
    cases = [
        ("Europol i Eurojust", "Europol-Eurojust", "fr"),
        ("Europol", "Europol-Eurojust", "fr"),
        ("", "Europol-Eurojust", "fr"),
        ("EMPACT d'Europol", "l’EMPACT d’Europol et d'Eurojust", "fr"),
        ("", "d’Europol", "fr"),
        ("Smith-Jones", "Smith-Jones aux États-Unsi", "fr"),
        ("", "Smith-Jones aux États-Unis", "fr"),
        ("febrer", "en febrer", "es"),
        ("Febrer", "Febrer-Sánchez va dir", "es"),
        ("", "Febrer-Sánchez va dir", "es"),
        ("MISMED", "MISMED-WannaCry i l'MISMED-Xyzzy", "ca"),
        ("Xyzzy", "MISMED-WannaCry i l'MISMED-Xyzzy", "ca"),
        ("Gdańsk-Oliwa", "Gdańsk-Oliwa i Gdańsk-Olywa", "ca"),
        ("", "Gdańsk-Oliwa i Gdańsk-Olywa", "ca"),
        ("the teh", "the teh recieved", "en"),
        ("", "the teh recieved", "en"),
    ]
    shared = spelling(tmp_path)
    found = [flagged(shared, target, lang, source) for source, target, lang in cases] * 2
    found += [flagged(shared, target, lang, source) for source, target, lang in cases]
    fresh = [flagged(spelling(tmp_path), target, lang, source)
             for source, target, lang in cases]
    assert found == fresh * 3
    assert fresh[0] == [] and fresh[1] == fresh[2] == ["Europol-Eurojust"]
