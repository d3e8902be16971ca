from __future__ import annotations

import json
from pathlib import Path

import pytest

from transkit.errors import InputError
from transkit.sources import segment

from .conftest import run

DATA = Path(__file__).parent / "data"
# Set 1 was written with the rules; set 2 was written before the rules of issue 16
# were tuned and then frozen (see its README).
GOLD_SETS = {"set1": DATA / "segmentation", "set2": DATA / "segmentation-heldout"}
SEP = " ¦ "


def gold(lang: str, folder: Path = GOLD_SETS["set1"]) -> list[list[str]]:
    paragraphs = []
    for line in (folder / f"{lang}.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            paragraphs.append([s.strip() for s in line.split(SEP)])
    return paragraphs


def boundaries(text: str, sentences: list[str]) -> set[int]:
    found, pos = set(), 0
    for sentence in sentences[:-1]:
        pos = text.index(sentence, pos) + len(sentence)
        found.add(pos)
    return found


@pytest.mark.parametrize("gold_set", sorted(GOLD_SETS))
@pytest.mark.parametrize("lang", ["ca", "es", "en", "fr"])
def test_boundary_f1_on_gold_set(lang: str, gold_set: str) -> None:
    paragraphs = gold(lang, GOLD_SETS[gold_set])
    assert len(paragraphs) >= (50 if gold_set == "set1" else 100)
    tp = fp = fn = 0
    errors = []
    for sentences in paragraphs:
        text = " ".join(sentences)
        got = segment.split(text, lang)
        assert " ".join(got) == text, "segmentation must not lose or change text"
        expected, found = boundaries(text, sentences), boundaries(text, got)
        tp += len(expected & found)
        fp += len(found - expected)
        fn += len(expected - found)
        if expected != found:
            errors.append(got)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.99, (f1, errors)


def class_cases() -> list[tuple[str, str, str]]:
    """(class, language, expected) rows of tests/data/segmentation-classes.txt."""
    rows = []
    for line in (DATA / "segmentation-classes.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, lang, text = line.split(" ", 2)
            rows.append((kind, lang, text))
    return rows


@pytest.mark.parametrize(("lang", "expected"), [
    pytest.param(lang, text, id=f"{kind}-{lang}-{n}")
    for n, (kind, lang, text) in enumerate(class_cases())
])
def test_boundary_classes(lang: str, expected: str) -> None:
    sentences = expected.split(SEP)
    assert segment.split(" ".join(sentences), lang) == sentences


def test_quotation_inside_placeholders_is_still_one_sentence() -> None:
    text = "La nota deia <g1>«Quedem a les sis. Porta el paquet.»</g1> i estava signada. Final."
    assert segment.split(text, "ca") == [
        "La nota deia <g1>«Quedem a les sis. Porta el paquet.»</g1> i estava signada.",
        "Final.",
    ]


def test_final_abbreviation_from_an_extra_rule_folder(tmp_path: Path) -> None:
    (tmp_path / "en.txt").write_text("final: Bros. ⟶ Pictures\n", "utf-8")
    engine = segment.Segmenter((tmp_path,))
    assert engine.split("They sued Warner Bros. The case failed.", "en") == [
        "They sued Warner Bros.", "The case failed."]
    assert engine.split("A Warner Bros. Pictures film.", "en") == [
        "A Warner Bros. Pictures film."]
    assert engine.split("Warner Bros. and others sued.", "en") == [
        "Warner Bros. and others sued."]


@pytest.mark.parametrize(("text", "reason"), [
    ("final: Bros\n", "must contain '.'"),
    ("final: Bros. ⟶ (Pictures\n", "bad pattern"),
])
def test_final_rule_errors_name_file_and_line(text: str, reason: str) -> None:
    with pytest.raises(InputError, match=reason) as info:
        segment.parse_rules("Sr.\n" + text, "rules.txt")
    assert str(info.value).startswith("rules.txt:2:")


def test_never_splits_inside_a_placeholder_pair() -> None:
    text = "Vegeu <g1>l'informe. Té 20 pàgines.</g1> Després, <g2>res</g2>. Final."
    got = segment.split(text, "ca")
    assert got == ["Vegeu <g1>l'informe. Té 20 pàgines.</g1>", "Després, <g2>res</g2>.", "Final."]


def test_closing_and_opening_tags_go_with_their_sentences() -> None:
    got = segment.split("Primer <g1>acaba aquí.</g1> <g2>Segon</g2> comença. <x3/>Tercer.", "ca")
    assert got == ["Primer <g1>acaba aquí.</g1>", "<g2>Segon</g2> comença.", "<x3/>Tercer."]


def test_unknown_language_is_an_error() -> None:
    with pytest.raises(InputError, match="unknown language"):
        segment.split("Hola.", "xx-invalid!")


def test_rule_file_errors_name_file_and_line() -> None:
    with pytest.raises(InputError) as info:
        segment.parse_rules("Sr.\nnobreak: ([ ⟶ x\n", "rules.txt")
    assert str(info.value).startswith("rules.txt:2:")


def test_segment_command_text_and_json(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("El Sr. Puig va venir. Després va marxar.\nUna sola frase\n", "utf-8")
    result = run("segment", "--lang", "ca", "--json", str(source), cwd=tmp_path, check=True)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines == [["El Sr. Puig va venir.", "Després va marxar."], ["Una sola frase"]]
    plain = run("segment", "--lang", "ca", cwd=tmp_path, check=True,
                input="¿Qué? ¡Nada!\n")
    assert plain.stdout.splitlines() == ["¿Qué?", "¡Nada!"]
    bad = run("segment", "--lang", "zz-bogus!", str(source), cwd=tmp_path)
    assert bad.returncode == 2 and "unknown language" in bad.stderr
