from __future__ import annotations

import json
from pathlib import Path

import pytest

from transkit import segment
from transkit.errors import InputError

from .conftest import run

GOLD = Path(__file__).parent / "data" / "segmentation"
SEP = " ¦ "


def gold(lang: str) -> list[list[str]]:
    paragraphs = []
    for line in (GOLD / f"{lang}.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            paragraphs.append([s.strip() for s in line.split(SEP)])
    return paragraphs


def boundaries(text: str, sentences: list[str]) -> set[int]:
    found, pos = set(), 0
    for sentence in sentences[:-1]:
        pos = text.index(sentence, pos) + len(sentence)
        found.add(pos)
    return found


@pytest.mark.parametrize("lang", ["ca", "es", "en", "fr"])
def test_boundary_f1_on_gold_set(lang: str) -> None:
    paragraphs = gold(lang)
    assert len(paragraphs) >= 50
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
