"""The exchange-format seam: the built-ins (PO compendium, TMX, XLIFF 2.0 and 1.2) are
`transkit.formats` entry points, read and write the one `Unit`, and a package installed
beside transkit (tests/plugins/, never touching transkit's files) adds a format that
`tm import` and `tm export` use."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import polib
import pytest

from transkit.exchange import Bitext, registry
from transkit.unit import FUZZY, TRANSLATED, UNTRANSLATED, Unit

from .conftest import run

PLUGIN = Path(__file__).parent / "plugins" / "transkit_example_format"
SRC = Path(__file__).resolve().parent.parent / "src" / "transkit"


@pytest.fixture(scope="module")
def plugin() -> Iterator[None]:
    """The example format pip-installed into this environment for these tests only."""
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "install", "--no-deps", str(PLUGIN)], check=True,
                   capture_output=True, timeout=300)
    registry.installed.cache_clear()
    try:
        yield
    finally:
        subprocess.run([*pip, "uninstall", "--yes", "transkit-example-format"], check=True,
                       capture_output=True, timeout=300)
        registry.installed.cache_clear()


def test_built_ins_are_entry_points() -> None:
    names = {point.name: point.value for point in entry_points(group="transkit.formats")}
    assert names["po"] == "transkit.exchange.po:Compendium"
    assert names["tmx"] == "transkit.exchange.tmx:TMX"
    assert names["xliff"] == "transkit.exchange.xliff:Xliff20"
    assert names["xliff12"] == "transkit.exchange.xliff:Xliff12"
    assert registry.suffixes()[".tmx"] == "tmx"
    assert registry.suffixes()[".xlf"] == "xliff"
    assert registry.suffixes()[".po"] == "po"


def test_exchange_never_imports_the_memory() -> None:
    """The formats sit below the memory: no module of exchange/ imports memory/."""
    for path in (SRC / "exchange").glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert "memory" not in (node.module or ""), (path.name, node.module)


def _units() -> Bitext:
    done = Unit("Bon dia <g1>a tothom</g1>.", "Bonjour <g1>à tous</g1>.",
                translator_comments=["revised"])
    fuzzy = Unit("Fins aviat.", "À bientôt.", flags=["fuzzy"], previous_msgid="Fins ara.")
    empty = Unit("Adéu.", "")
    return Bitext("ca", "fr", [done, fuzzy, empty], doc="post", original="bulletins/post.html")


@pytest.mark.parametrize("name", ["xliff", "xliff12"])
def test_xliff_round_trip_keeps_units_and_state(tmp_path: Path, name: str) -> None:
    fmt = registry.load(name)
    out = tmp_path / "x.xlf"
    assert fmt.write([_units()], out) == 3
    [back] = list(fmt.read(out))
    assert (back.source, back.target, back.doc) == ("ca", "fr", "post")
    assert [u.msgid for u in back.units] == [u.msgid for u in _units().units]
    assert [u.msgstr for u in back.units] == [u.msgstr for u in _units().units]
    # The state is the unit's, decided once (`Unit.state`) on both sides.
    assert [u.state for u in back.units] == [TRANSLATED, FUZZY, UNTRANSLATED]
    assert back.units[0].translator_comments == ["revised"]
    assert back.units[1].previous_msgid == "Fins ara."
    assert not back.problems and len(back.ids) == 3


def test_tmx_and_compendium_round_trip(tmp_path: Path) -> None:
    tmx = registry.load("tmx")
    out = tmp_path / "m.tmx"
    assert tmx.write([_units()], out) == 2  # the untranslated unit has nothing to pair
    back = list(tmx.read(out))
    assert [(b.source, b.target, u.msgid, u.msgstr) for b in back for u in b.units] == [
        ("ca", "fr", "Bon dia <g1>a tothom</g1>.", "Bonjour <g1>à tous</g1>."),
        ("ca", "fr", "Fins aviat.", "À bientôt.")]
    po = registry.load("po")
    compendium = tmp_path / "c.po"
    assert po.write([_units()], compendium) == 2
    read = polib.pofile(str(compendium))
    assert read.metadata["Language"] == "fr"
    assert read.metadata["X-Transkit-Source-Language"] == "ca"
    assert [e.msgid for e in read] == ["Bon dia <g1>a tothom</g1>.", "Fins aviat."]
    assert read[1].fuzzy
    [again] = list(po.read(compendium))
    assert [u.state for u in again.units] == [TRANSLATED, FUZZY]
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(compendium)], check=True)


def test_unknown_suffix_names_the_known_formats(demo: Path, tmp_path: Path) -> None:
    path = tmp_path / "memory.csv"
    path.write_text("a,b\n", "utf-8")
    result = run("tm", "import", str(path), cwd=demo)
    assert result.returncode == 2
    assert f"{path}: no exchange format for .csv" in result.stderr
    assert ".tmx" in result.stderr and "Traceback" not in result.stderr


def test_a_plugin_format_through_tm_import_and_export(plugin: None, demo: Path,
                                                      tmp_path: Path) -> None:
    assert "tsv" in run("tm", "import", "--help", cwd=demo, check=True).stdout
    pairs = tmp_path / "agency.tsv"
    pairs.write_text("#langs ca fr\nLa carpeta és C:\\\\dades.\tLe dossier est C:\\\\dades.\n"
                     "La policia ha detingut el lladre.\tLa police a arrêté le voleur.\n",
                     "utf-8")
    result = run("tm", "import", str(pairs), cwd=demo, check=True)
    assert "imported 2 entries (4 new translations)" in result.stdout  # (with sources)
    assert (demo / "tm" / "agency.tmx").is_file()  # kept as TMX: a rebuild restores it
    run("tm", "rebuild", cwd=demo, check=True)
    found = json.loads(run("tm", "lookup", "La carpeta és C:\\dades.", "--from", "ca", "--to",
                           "fr", "--json", cwd=demo, check=True).stdout)
    assert found[0]["score"] == 100 and found[0]["target"] == "Le dossier est C:\\dades."
    # Chosen by --format whatever the name; the memory written through the plug-in.
    out = tmp_path / "memory.txt"
    run("tm", "export", str(out), "--format", "tsv", "--langs", "ca,fr", cwd=demo,
        check=True)
    lines = out.read_text("utf-8").splitlines()
    assert lines[0] == "#langs ca fr"
    assert "La policia ha detingut el lladre.\tLa police a arrêté le voleur." in lines
    assert "La carpeta és C:\\\\dades.\tLe dossier est C:\\\\dades." in lines
    assert len(lines) > 40  # the demo's own translations too
    # Bad input from a plug-in: one line with its place, exit 2, nothing learnt.
    bad = tmp_path / "bad.tsv"
    bad.write_text("#langs ca fr\nnothing to pair\n", "utf-8")
    result = run("tm", "import", str(bad), cwd=demo)
    assert result.returncode == 2
    assert f"{bad}:2: expected SOURCE<TAB>TARGET" in result.stderr
    assert "Traceback" not in result.stderr
