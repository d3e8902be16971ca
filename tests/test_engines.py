"""The engine seam: a package installed beside transkit (tests/plugins/, never touching
transkit's files) adds an MT engine through the `transkit.engines` entry point; the
built-ins are registered the same way; DeepL can draft from a person's translation too."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import polib
import pytest

from transkit import catalog

from .conftest import TRANSKIT, run
from .deepl_server import KEY, FakeDeepL

PLUGIN = Path(__file__).parent / "plugins" / "transkit_example_engine"


@pytest.fixture(scope="module")
def plugin() -> Iterator[None]:
    """The example engine pip-installed into this environment for these tests only."""
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "install", "--no-deps",
                    str(PLUGIN)], check=True, capture_output=True, timeout=300)
    try:
        yield
    finally:
        subprocess.run([*pip, "uninstall", "--yes", "transkit-example-engine"], check=True,
                       capture_output=True, timeout=300)


def entries(root: Path, lang: str) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in polib.pofile(str(root / f"locales/{lang}/post.po"))}


def test_built_ins_are_entry_points() -> None:
    names = {point.name: point.value for point in entry_points(group="transkit.engines")}
    assert names["deepl"] == "transkit.engines.deepl:DeepLEngine"
    assert names["pseudo"] == "transkit.engines.pseudo:PseudoEngine"
    assert names["apertium"] == "transkit.engines.apertium:ApertiumEngine"


def test_a_plugin_engine_drafts_through_pretranslate(plugin: None, project: Path) -> None:
    config = project / "transkit.toml"
    config.write_text(config.read_text("utf-8") + '\n[mt.example]\nprefix = "» "\n', "utf-8")
    assert "example: any pair" in run("mt", "--help", cwd=project, check=True).stdout
    run("extract", cwd=project, check=True)
    result = run("pretranslate", "--mt", "example", "--lang", "es", cwd=project)
    assert result.returncode == 0, result.stderr
    found = entries(project, "es")
    strong = found["El frau superava els <g1>29.000 milions d'euros</g1>."]
    assert strong.msgstr == "» EL FRAU SUPERAVA ELS <g1>29.000 MILIONS D'EUROS</g1>."
    assert "fuzzy" in strong.flags
    assert re.fullmatch(r"MT example \d{4}-\d\d-\d\d", strong.tcomment)


def test_a_plugin_engine_is_verified_and_its_secrets_masked(plugin: None,
                                                            project: Path) -> None:
    post = project / "bulletins" / "post.html"
    post.write_text(post.read_text("utf-8").replace(
        "tapar el teclat", "tapar el teclat, refuse me").replace(
        "va acabar amb", "drop my markup, va acabar amb"), "utf-8")
    run("extract", cwd=project, check=True)
    before = {p: p.read_bytes() for p in project.glob("locales/*/*.po")}
    env = {**os.environ, "EXAMPLE_ENGINE_TOKEN": "tok-s3cr3t-42"}
    refused = subprocess.run([TRANSKIT, "pretranslate", "--mt", "example", "--lang", "es"],
                             cwd=project, capture_output=True, text=True, env=env, timeout=120)
    assert refused.returncode == 2
    assert "tok-s3cr3t-42" not in refused.stderr + refused.stdout
    assert refused.stderr.startswith("transkit: error: MT engine example: translate() failed: "
                                   "RuntimeError:")
    assert {p: p.read_bytes() for p in project.glob("locales/*/*.po")} == before
    post.write_text(post.read_text("utf-8").replace(", refuse me", ""), "utf-8")
    run("extract", cwd=project, check=True)
    result = run("pretranslate", "--mt", "example", "--lang", "es", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "placeholders broken by MT (missing placeholder(s) <g1>)" in result.stderr
    broken = next(e for e in entries(project, "es").values() if "drop my markup" in e.msgid)
    assert broken.msgstr == "" and "fuzzy" not in broken.flags


def test_an_unknown_engine_table_is_a_config_error(project: Path) -> None:
    config = project / "transkit.toml"
    config.write_text(config.read_text("utf-8") + "\n[mt.apertum]\ntimeout = 3\n", "utf-8")
    result = run("status", cwd=project)
    assert result.returncode == 2
    assert re.match(r"transkit.toml:\d+: unknown MT engine \[mt.apertum\] "
                    r"\(did you mean 'apertium'\?\)", result.stderr), result.stderr


def test_deepl_settings_in_their_table_and_drafts_from_a_translation(project: Path) -> None:
    config = project / "transkit.toml"
    config.write_text(config.read_text("utf-8") + (
        '\n[mt.deepl]\nretries = 1\ntimeout = 1\n'
        '[mt.deepl.formality]\nfr = "prefer_less"\n'
        '[mt.deepl.quality]\n"ca-fr" = 60.0\n"es-fr" = 80.0\n'), "utf-8")
    run("extract", cwd=project, check=True)
    spanish = project / "locales/es/post.po"
    po = catalog.load(spanish)
    for unit in po.active():
        if unit.msgid == "revisar el compte":
            unit.msgstr = "revisar la cuenta"  # a person's translation
    catalog.save(po, spanish)
    fake = FakeDeepL()
    try:
        env = {**os.environ, "DEEPL_AUTH_KEY": KEY, "DEEPL_SERVER_URL": fake.url}
        result = subprocess.run([TRANSKIT, "pretranslate", "--mt", "deepl", "--lang", "fr"],
                                cwd=project, capture_output=True, text=True, env=env,
                                timeout=120)
        assert result.returncode == 0, result.stderr
        requests = fake.state.requests
    finally:
        fake.close()
    from_spanish = [r for r in requests if "revisar la cuenta" in r["text"]]
    assert [r["source_lang"] for r in from_spanish] == ["ES"]
    assert all(r["formality"] == "prefer_less" for r in requests)
    french = entries(project, "fr")
    assert french["revisar el compte"].msgstr == "[FR] revisar la cuenta"
    assert re.fullmatch(r"MT deepl \d{4}-\d\d-\d\d, from the Spanish",
                        french["revisar el compte"].tcomment)
    assert re.fullmatch(r"MT deepl \d{4}-\d\d-\d\d", french["tapar el teclat"].tcomment)


# --- the check seam ------------------------------------------------------------------------

def test_built_in_checks_are_entry_points() -> None:
    points = {p.name: p.value for p in entry_points(group="transkit.checks")}
    assert points["numbers"] == "transkit.checks.builtin:Numbers"
    assert points["merge-conflict"] == "transkit.checks.builtin:MergeConflict"
    # Every check transkit runs is one of them, plug-ins installed now included: no second
    # list (a new process: this one's registry was read before a plug-in came or went).
    listed = run("check", "--list", cwd=Path("/"), check=True).stdout.splitlines()
    assert {line.split()[0] for line in listed} == set(points)


def test_a_plugin_check_runs_with_its_settings_and_only(plugin: None, project: Path) -> None:
    listed = run("check", "--list", cwd=project, check=True).stdout
    assert re.search(r"^shouting +warning +unit +no run of capital", listed, re.M)
    run("extract", cwd=project, check=True)
    run("pretranslate", "--mt", "example", "--lang", "es", cwd=project, check=True)
    out = run("check", "--only", "shouting", "--lang", "es", "--format", "json", cwd=project)
    findings = json.loads(out.stdout)["findings"]
    assert findings and {f["check"] for f in findings} == {"shouting"}
    assert all(f["path"] == "locales/es/post.po" and f["line"] for f in findings)
    assert any("FRAU" in f["message"] for f in findings)
    # Its [checks.shouting] table reaches it: a run longer than any word finds nothing.
    config = project / "transkit.toml"
    config.write_text(config.read_text("utf-8") + "\n[checks.shouting]\nrun = 40\n", "utf-8")
    out = run("check", "--only", "shouting", "--format", "json", cwd=project)
    assert json.loads(out.stdout)["findings"] == []
    # SARIF names it as a rule like any built-in.
    sarif = json.loads(run("check", "--format", "sarif", cwd=project).stdout)
    assert "shouting" in {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}


def test_a_check_table_must_name_an_installed_check(project: Path) -> None:
    config = project / "transkit.toml"
    config.write_text(config.read_text("utf-8") + "\n[checks.spellling]\nca = 'x'\n", "utf-8")
    out = run("check", cwd=project)
    assert out.returncode == 2
    assert re.match(r"transkit.toml:\d+: unknown check \[checks.spellling\]",
                    out.stderr), out.stderr


def test_checks_run_on_every_plural_form(project: Path) -> None:
    from transkit import catalog
    from transkit.checks import run_checks
    from transkit.project import Project
    from transkit.unit import Unit

    run("extract", cwd=project, check=True)
    path = project / "locales/es/post.po"
    po = catalog.load(path)
    po.units.append(Unit(msgid="<g1>One</g1> file", msgid_plural="<g1>%d</g1> files",
                         msgstr_plural={0: "<g1>Un</g1> fichero", 1: "%d ficheros"}))
    catalog.save(po, path)
    po = catalog.load(path)
    report = run_checks(Project.load(project), ["es"], only=["placeholders"])
    lines = {u.line for u in po.units if u.msgid_plural}
    assert [f.line for f in report.findings] == sorted(lines)  # form 1 lost its <g1>


def test_a_plugin_source_format_goes_through_extract_status_and_build(
        plugin: None, project: Path) -> None:
    note = project / "bulletins" / "avis.txt"
    note.write_text("Avís important\n\nEl servei tancarà dilluns.\n\nTornarà dimarts.\n",
                    "utf-8")
    run("extract", cwd=project, check=True)
    template = (project / "locales/ca/avis.pot").read_text("utf-8")
    assert 'msgid "El servei tancarà dilluns."' in template
    assert "#: bulletins/avis.txt:" in template
    status = json.loads(run("status", "--by-doc", "--format", "json", cwd=project,
                            check=True).stdout)
    avis = status["languages"]["es"]["documents"]["avis"]
    assert avis["units"] == 3 and avis["problem"] is None  # extracted and up to date
    run("pretranslate", "--mt", "example", cwd=project, check=True)
    run("build", "--include-fuzzy", "--allow-incomplete", cwd=project, check=True)
    page = (project / "site/es/avis.html").read_text("utf-8")
    assert "EL SERVEI TANCARÀ DILLUNS." in page
    # A changed bulletin is out of date whatever its format.
    note.write_text(note.read_text("utf-8") + "\nNou paràgraf.\n", "utf-8")
    status = json.loads(run("status", "--by-doc", "--format", "json", cwd=project).stdout)
    assert status["languages"]["es"]["documents"]["avis"]["problem"]
