"""Pivot matches from the memory: with no match for the source text, a match for a person's
translation of the unit in another language is offered, lower and explained."""

from __future__ import annotations

import re
from pathlib import Path

import polib

from transkit import catalog

from .conftest import run

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="agency" creationtoolversion="1" segtype="sentence"
 o-tmf="po" adminlang="en" srclang="es" datatype="plaintext"/><body>
<tu><tuv xml:lang="es"><seg>revisar la cuenta</seg></tuv>
<tuv xml:lang="fr"><seg>vérifier le compte</seg></tuv></tu>
<tu><tuv xml:lang="es"><seg>tapar el teclado al teclear el PIN</seg></tuv>
<tuv xml:lang="fr"><seg>couvrir le clavier en tapant le code</seg></tuv></tu>
</body></tmx>
"""


def translate(root: Path, lang: str, texts: dict[str, str], machine: str = "") -> None:
    path = root / f"locales/{lang}/post.po"
    po = catalog.load(path)
    for unit in po.active():
        if unit.msgid in texts:
            unit.msgstr = texts[unit.msgid]
            if unit.msgid == machine:
                unit.set_fuzzy()
                unit.set_provenance("mt", "apertium cat-spa 2026-12-01")
    catalog.save(po, path)


def test_a_match_through_a_persons_translation(project: Path, tmp_path: Path) -> None:
    run("extract", cwd=project, check=True)
    (tmp_path / "agency.tmx").write_text(TMX, "utf-8")
    run("tm", "import", str(tmp_path / "agency.tmx"), cwd=project, check=True)
    # A person translated one unit into Spanish; a machine drafted the other.
    translate(project, "es", {"revisar el compte": "revisar la cuenta",
                              "tapar el teclat": "tapar el teclado"}, machine="tapar el teclat")
    result = run("pretranslate", "--lang", "fr", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "TM: 1 of the fuzzy matches found through a person's translation" in result.stdout
    found = {e.msgid: e for e in polib.pofile(str(project / "locales/fr/post.po"))}
    pivot = found["revisar el compte"]
    assert pivot.msgstr == "vérifier le compte" and "fuzzy" in pivot.flags
    assert re.fullmatch(r"TM 90% \(.*, through the Spanish translation: identical; pivot "
                        r"-10\)", pivot.tcomment), pivot.tcomment
    assert pivot.previous_msgid is None
    # A machine's Spanish is no route, and nothing is offered without a match.
    assert found["tapar el teclat"].msgstr == ""
    # The threshold holds after the penalty: at 95, a 90 is not offered.
    path = project / "locales/fr/post.po"
    po = catalog.load(path)
    for unit in po.active():
        if unit.msgid == "revisar el compte":
            unit.msgstr = ""
            unit.set_fuzzy(False)
            unit.set_provenance(None)
    catalog.save(po, path)
    strict = run("pretranslate", "--lang", "fr", "--threshold", "95", cwd=project)
    assert strict.returncode == 0, strict.stderr
    found = {e.msgid: e for e in polib.pofile(str(path))}
    assert found["revisar el compte"].msgstr == "", found["revisar el compte"].tcomment
