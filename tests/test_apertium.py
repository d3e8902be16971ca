"""The apertium engine with the real Apertium (Debian's packages, `make apertium`): markup
and specials through the stream, chains, variants, pivot drafts, missing pairs, an engine
that fails or hangs (a stand-in `apertium` program on PATH: an external process)."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import polib
import pytest

from transkit import catalog
from transkit.engines import MTError
from transkit.engines.apertium import ApertiumEngine

from .conftest import TRANSKIT, run


def entries(root: Path, lang: str, doc: str = "post") -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in polib.pofile(str(root / f"locales/{lang}/{doc}.po"))}


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.glob("locales/*/*.po"))}


def symbols(text: str) -> str:
    """What is neither a letter nor a digit nor a space: what a translation must keep."""
    return "".join(ch for ch in text if not ch.isalnum() and not ch.isspace())


# --- the engine on its own ---------------------------------------------------------------

def test_placeholders_follow_their_words_and_specials_round_trip() -> None:
    engine = ApertiumEngine({})
    texts = ["La <g1>policia <g2>de la ciutat</g2></g1> ha detingut <x3/>un home a "
             "<g4>Girona</g4>.",
             r"Preu ^ $ @ * / [ ] \ < > { } # ~ + | tk:1 [tk:2] [[t:g:1]] .[] ` & % fi",
             "Línia 1\nLínia 2\ttabulada",
             "<g1></g1> <g2> </g2> <g3>:</g3> fi"]
    out = engine.translate(texts, "ca", "es")
    assert out[0] == ("La <g1>policía <g2>de la ciudad</g2></g1> ha detenido <x3/>un hombre "
                      "a <g4>Girona</g4>.")
    assert symbols(out[1]) == symbols(texts[1]) and out[1].startswith("Precio ")
    assert out[2] == "Línea 1\nLínea 2\ttabulada"
    assert out[3] == "<g1></g1> <g2> </g2> <g3>:</g3> fin"
    # Reordered words take their markup with them.
    assert engine.translate(["The <g1>red</g1> car."], "en", "es") == ["El coche <g1>rojo</g1>."]


def test_every_special_character_alone_round_trips() -> None:
    specials = list(r"^$@*/[]\<>{}#~+|") + ["\x01", "\x7f", "[[", "]]", "[[/]]", ".[]"]
    texts = [f"La casa {ch} blanca" for ch in specials]
    out = ApertiumEngine({}).translate(texts, "ca", "es")
    assert out == [f"La casa {ch} blanca" for ch in specials]


def test_empty_and_very_long_units_in_one_batch() -> None:
    sentence = "La policia ha detingut un home que venia targetes clonades. "
    long = sentence * 400 + "<g1>Europol</g1> ho confirma."
    texts = ["", long, "   ", "Bon dia."]
    started = time.perf_counter()
    out = ApertiumEngine({}).translate(texts, "ca", "es")
    assert time.perf_counter() - started < 60
    assert len(out) == 4 and out[0] == "" and out[2] == ""
    assert out[1].count("La policía ha detenido un hombre") == 400
    assert out[1].endswith("<g1>Europol</g1> lo confirma.")
    assert out[3] == "Buenos días."


def test_chains_variants_and_norms() -> None:
    engine = ApertiumEngine({})
    assert engine.route("en", "fr") == "eng-spa+es-fr"  # no direct pair: the measured chain
    assert "police" in engine.translate(["The police arrested a man."], "en", "fr")[0]
    assert engine.route("es", "ca") == "spa-cat_iec2017"  # the 2017 norm by default
    assert engine.translate(["Él nos da la casa."], "es", "ca") == ["Ell ens dona la casa."]
    old = ApertiumEngine({"catalan_norm": "pre2017"})
    assert old.route("es", "ca") == "spa-cat" and old.route("fr", "ca") == "fra-cat_pre2017"
    assert old.translate(["Él nos da la casa."], "es", "ca") == ["Ell ens dóna la casa."]
    valencian = ApertiumEngine({"variants": {"ca": "valencia"}})
    assert valencian.route("es", "ca") == "spa-cat_valencia_iec2017"
    assert not valencian.supports("fr", "ca")
    with pytest.raises(MTError, match="no 'valencia' variant for fr → ca"):
        valencian.check("fr", "ca")
    via_ca = ApertiumEngine({"chains": {"en-fr": "ca"}})
    assert via_ca.route("en", "fr") == "eng-cat_iec2017+cat-fra"


# --- pretranslate with it -------------------------------------------------------------

SPECIALS = """<!DOCTYPE html>
<html lang="ca"><head><meta charset="utf-8"><title>Prova</title></head>
<body><article id="a1">
<h1>Europol detén 23 persones</h1>
<p>El preu ^ $ @ * / [ ] \\ &lt; &gt; { } # ~ + | era de 12 €.</p>
</article></body></html>
"""


def test_drafts_keep_markup_specials_and_name_the_pair(project: Path) -> None:
    (project / "bulletins" / "specials.html").write_text(SPECIALS, "utf-8")
    run("extract", cwd=project, check=True)
    result = run("pretranslate", "--mt", "apertium", "--lang", "es", cwd=project)
    assert result.returncode == 0, result.stderr
    assert re.search(r"MT \(apertium\): \d+ unit\(s\) drafted as fuzzy, .* 0 failure\(s\)",
                     result.stdout)
    found = entries(project, "es")
    strong = next(e for e in found.values() if "<g1>29.000 milions" in e.msgid)
    assert "<g1>29.000 millones de euros</g1>" in strong.msgstr
    assert "fuzzy" in strong.flags
    assert re.fullmatch(r"MT apertium cat-spa \d{4}-\d\d-\d\d", strong.tcomment)
    special = next(e for e in entries(project, "es", "specials").values() if "^" in e.msgid)
    assert symbols(special.msgstr) == symbols(special.msgid)
    for entry in found.values():
        assert entry.msgstr, entry.msgid
    # msgfmt accepts every file written.
    for path in project.glob("locales/es/*.po"):
        subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(path)], check=True)


def review(root: Path, lang: str, keep_machine: str) -> None:
    """A person reviews every draft of `lang` except the one whose source holds
    `keep_machine` (left fuzzy, machine provenance)."""
    path = root / f"locales/{lang}/post.po"
    po = catalog.load(path)
    for unit in po.active():
        if unit.msgid and keep_machine not in unit.msgid:
            unit.set_fuzzy(False)
            unit.set_provenance(None)
    catalog.save(po, path)


def test_pivot_drafts_from_the_best_human_translation(project: Path) -> None:
    run("extract", cwd=project, check=True)
    run("pretranslate", "--mt", "apertium", "--lang", "es", cwd=project, check=True)
    review(project, "es", keep_machine="teclat")
    spanish = {e.msgid: e.msgstr for e in polib.pofile(str(project / "locales/es/post.po"))}
    result = run("pretranslate", "--mt", "apertium", "--lang", "en", "--lang", "fr",
                 cwd=project)
    assert result.returncode == 0, result.stderr
    assert "drafted from a person's translation in es" in result.stdout
    english = entries(project, "en")
    # Spanish→English (60.7) beats Catalan→English (57.0): from the reviewed Spanish.
    plain = "revisar el compte"
    assert re.fullmatch(r"MT apertium spa-eng \d{4}-\d\d-\d\d, from the Spanish",
                        english[plain].tcomment)
    expected = subprocess.run(["apertium", "-u", "spa-eng"], input=spanish[plain],
                              capture_output=True, text=True, check=True).stdout.strip()
    assert english[plain].msgstr == expected
    # The unreviewed Spanish draft is no start: that unit comes from the Catalan.
    assert re.fullmatch(r"MT apertium cat-eng \d{4}-\d\d-\d\d",
                        english["tapar el teclat"].tcomment)
    # Catalan→French (67.5) beats Spanish→French (64.3): French from the source.
    for entry in entries(project, "fr").values():
        assert re.fullmatch(r"MT apertium cat-fra \d{4}-\d\d-\d\d", entry.tcomment), entry


def test_a_project_quality_table_decides(project: Path) -> None:
    (project / "transkit.toml").write_text(
        (project / "transkit.toml").read_text("utf-8")
        + '\n[mt.apertium.quality]\n"es-fr" = 99.0\n', "utf-8")
    run("extract", cwd=project, check=True)
    run("pretranslate", "--mt", "apertium", "--lang", "es", cwd=project, check=True)
    review(project, "es", keep_machine="teclat")
    run("pretranslate", "--mt", "apertium", "--lang", "fr", cwd=project, check=True)
    french = entries(project, "fr")
    assert re.fullmatch(r"MT apertium es-fr \d{4}-\d\d-\d\d, from the Spanish",
                        french["revisar el compte"].tcomment)
    assert not french["tapar el teclat"].tcomment.endswith("Spanish")


def test_a_missing_pair_names_the_package_and_writes_nothing(project: Path) -> None:
    config = project / "transkit.toml"
    config.write_text(config.read_text("utf-8").replace('"en", "fr"]', '"en", "fr", "pt"]'),
                      "utf-8")
    run("extract", cwd=project, check=True)
    before = snapshot(project)
    result = run("pretranslate", "--mt", "apertium", cwd=project)
    assert result.returncode == 2
    assert result.stderr.strip().split("\n") == [
        "transkit: error: no Apertium pair for ca → pt: install the Debian package "
        "apertium-por-cat"]
    assert snapshot(project) == before
    assert "Traceback" not in result.stderr


def stand_in(tmp_path: Path, body: str) -> dict[str, str]:
    """An `apertium` program first on PATH that lists cat-spa and then does `body`."""
    folder = tmp_path / "bin"
    folder.mkdir()
    program = folder / "apertium"
    program.write_text(f'#!/bin/bash\nif [ "$1" = "-l" ]; then echo cat-spa; exit 0; fi\n'
                       f'echo $$ >> "{tmp_path}/pids"\n{body}\n', "utf-8")
    program.chmod(0o755)
    return {**os.environ, "PATH": f"{folder}:{os.environ['PATH']}"}


def test_a_hanging_apertium_is_stopped_and_nothing_is_written(project: Path,
                                                                tmp_path: Path) -> None:
    (project / "transkit.toml").write_text(
        (project / "transkit.toml").read_text("utf-8") + "\n[mt.apertium]\ntimeout = 1\n",
        "utf-8")
    run("extract", cwd=project, check=True)
    before = snapshot(project)
    env = stand_in(tmp_path, "exec sleep 300")
    started = time.perf_counter()
    result = subprocess.run([TRANSKIT, "pretranslate", "--mt", "apertium", "--lang", "es"],
                            cwd=project, capture_output=True, text=True, env=env, timeout=120)
    assert time.perf_counter() - started < 30
    assert result.returncode == 2
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 1 and re.fullmatch(
        r"transkit: error: Apertium \(cat-spa\) did not finish within \d+ s; it was stopped "
        r"and nothing of this pair was written \(mt.apertium.timeout\)", lines[0]), lines
    assert snapshot(project) == before
    for pid in (tmp_path / "pids").read_text().split():
        status = Path(f"/proc/{pid}/stat")
        assert not status.exists() or status.read_text().split()[2] == "Z", "still running"


def test_a_failing_apertium_is_one_clean_line(project: Path, tmp_path: Path) -> None:
    run("extract", cwd=project, check=True)
    before = snapshot(project)
    env = stand_in(tmp_path, "cat > /dev/null; echo 'lt-proc: broken dictionary' >&2; exit 3")
    result = subprocess.run([TRANSKIT, "pretranslate", "--mt", "apertium", "--lang", "es"],
                            cwd=project, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2
    assert result.stderr == ("transkit: error: Apertium (cat-spa) failed (exit 3): lt-proc: "
                             "broken dictionary\n")
    assert snapshot(project) == before


def test_missing_apertium_names_the_package(project: Path, tmp_path: Path) -> None:
    run("extract", cwd=project, check=True)
    before = snapshot(project)
    empty = tmp_path / "empty"
    empty.mkdir()
    result = subprocess.run([TRANSKIT, "pretranslate", "--mt", "apertium"], cwd=project,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PATH": str(empty)})
    assert result.returncode == 2
    assert result.stderr == ("transkit: error: Apertium is not installed: install the Debian "
                             "package apertium (and a pair, e.g. apertium-spa-cat)\n")
    assert snapshot(project) == before


def test_help_and_usage_list_the_installed_pairs(project: Path) -> None:
    listing = run("mt", "--help", cwd=project, check=True).stdout
    assert re.search(r"apertium: .*ca→es, .*es→ca \(.*valencia.*\)", listing)
    assert "deepl: any pair" in listing and "pseudo: any pair" in listing
    usage = run("mt", "usage", "--provider", "apertium", cwd=project, check=True).stdout
    assert usage.startswith("apertium: ") and "en→es" in usage


def test_a_wrong_setting_is_a_config_error(project: Path) -> None:
    config = project / "transkit.toml"
    config.write_text(config.read_text("utf-8") + "\n[mt.apertium]\ncatalan_norm = \"1995\"\n",
                      "utf-8")
    run("extract", cwd=project, check=True)
    result = run("pretranslate", "--mt", "apertium", "--lang", "es", cwd=project)
    assert result.returncode == 2
    line = config.read_text("utf-8").split("\n").index("[mt.apertium]") + 1
    assert result.stderr == (f"transkit.toml:{line}: "
                             "mt.apertium.catalan_norm must be \"2017\" or \"pre2017\"\n")


def test_random_texts_of_specials_keep_every_symbol_in_order() -> None:
    import random

    rng = random.Random(26)
    alphabet = list(r"^$@*/[]\<>{}#~+|.,;:!?¿¡«»()'\"`&%=_-") + ["\n", "\t", "\x01", " ", "  "]
    words = ["casa", "policia", "12", "3,5", "l'home", "d'euros", "ciutat"]
    texts = []
    for _ in range(300):
        parts = [rng.choice(alphabet if rng.random() < 0.6 else words)
                 for _ in range(rng.randint(1, 25))]
        texts.append(" ".join(parts) if rng.random() < 0.5 else "".join(parts))
    out = ApertiumEngine({}).translate(texts, "ca", "es")
    assert len(out) == len(texts)
    for text, result in zip(texts, out, strict=True):
        # Words may change (casa → casa, policia → policía, l'home → el hombre): the
        # apostrophe of an elided article may go; every other symbol stays, in order.
        assert symbols(result).replace("'", "") == symbols(text).replace("'", ""), (text, result)
