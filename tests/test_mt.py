from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from transkit.engines.pseudo import pseudo
from transkit.memory.sqlite import SQLiteStore
from transkit.unit import PLACEHOLDER

from .conftest import TRANSKIT
from .deepl_server import KEY, FakeDeepL

NEW = """<html lang="ca"><body><article>
<h1>Europol alerta sobre aquest frau</h1>
<p>Una mula de diners treballa per a una xarxa, segons <a href="https://e.eu/">Europol</a>.
La policia en va detenir 12.</p>
<p>Cap oferta de feina no demana el vostre compte.</p>
</article></body></html>
"""


@pytest.fixture
def fake() -> Iterator[FakeDeepL]:
    server = FakeDeepL()
    yield server
    server.close()


@pytest.fixture
def project(demo: Path, fake: FakeDeepL) -> Path:
    (demo / "bulletins" / "2019-04-mules.html").write_text(NEW, "utf-8")
    config = demo / "transkit.toml"
    config.write_text(config.read_text("utf-8") + "\n[mt]\nretries = 1\ntimeout = 1\n"
                      "[mt.formality]\nfr = \"prefer_more\"\n", "utf-8")
    mt(demo, fake, "extract")
    return demo


def mt(root: Path, fake: FakeDeepL, *args: str, key: str = KEY,
       url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEEPL_AUTH_KEY": key, "DEEPL_SERVER_URL": url or fake.url}
    return subprocess.run([TRANSKIT, *args], cwd=root, capture_output=True, text=True, env=env,
                          timeout=120)


def entries(root: Path, lang: str) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in polib.pofile(str(root / f"locales/{lang}/2019-04-mules.po"))}


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.glob("locales/*/*.po")}


def test_drafts_are_fuzzy_commented_and_learnt_as_machine(project: Path,
                                                          fake: FakeDeepL) -> None:
    result = mt(project, fake, "pretranslate", "--mt", "deepl", "--lang", "fr")
    assert result.returncode == 0, result.stderr
    assert re.search(r"MT \(deepl\): 4 unit\(s\) drafted as fuzzy, 0 from earlier identical "
                     r"requests, \d+ characters billed, 0 failure\(s\)", result.stdout)
    found = entries(project, "fr")
    first = ("Una mula de diners treballa per a una xarxa, segons <g1>Europol</g1>.")
    assert found[first].msgstr == f"[FR] {first}"
    assert "fuzzy" in found[first].flags
    assert re.fullmatch(r"MT deepl \d{4}-\d\d-\d\d", found[first].tcomment)
    title = [r for r in fake.state.requests
             if "<keep>Europol</keep> alerta sobre aquest frau" in r["text"]]
    assert title, "do-not-translate names are protected with ignored tags"
    title_text = "Europol alerta sobre aquest frau"
    assert found[title_text].msgstr == f"[FR] {title_text}"
    request = next(r for r in fake.state.requests if first in r["text"])
    assert request["tag_handling"] == "xml" and request["ignore_tags"] == ["keep"]
    assert request["target_lang"] == "FR" and request["formality"] == "prefer_more"
    assert request["context"] == "La policia en va detenir 12."  # the paragraph neighbour
    assert request["glossary_id"] == "g1"
    glossary = fake.state.glossaries["g1"]
    assert {"source_lang": "ca", "target_lang": "fr", "entry_count": 4} in [
        {**d, "source_lang": d["source_lang"].lower(), "target_lang": d["target_lang"].lower()}
        for d in glossary["dictionaries"]]
    store = SQLiteStore(project / ".transkit/tm.sqlite")
    assert store.lookup(first, "ca", "fr") == []  # machine: never an exact match
    assert store.lookup(first, "ca", "fr", origins=("machine",))[0].target == f"[FR] {first}"
    assert all(not e.msgstr for e in entries(project, "es").values() if e.msgid)


def test_identical_requests_are_not_sent_twice(project: Path, fake: FakeDeepL) -> None:
    mt(project, fake, "pretranslate", "--mt", "deepl", "--lang", "fr")
    sent = len(fake.state.requests)
    po = polib.pofile(str(project / "locales/fr/2019-04-mules.po"))
    for entry in po:
        entry.msgstr, entry.flags, entry.tcomment = "", [], ""
    po.save(str(project / "locales/fr/2019-04-mules.po"))
    again = mt(project, fake, "pretranslate", "--mt", "deepl", "--lang", "fr")
    assert again.returncode == 0, again.stderr
    assert len(fake.state.requests) == sent
    assert "4 from earlier identical requests" in again.stdout
    assert all(e.msgstr.startswith("[FR]") for e in entries(project, "fr").values())
    assert fake.state.created == 1  # the glossary was not recreated either
    terms = project / "glossary/terms.csv"
    terms.write_text(terms.read_text("utf-8") + "xarxa,red,network,réseau,warning\n", "utf-8")
    mt(project, fake, "pretranslate", "--mt", "deepl", "--lang", "es")
    assert fake.state.created == 2 and list(fake.state.glossaries) == ["g2"]


def test_english_variant_languages_and_dry_run(project: Path, fake: FakeDeepL) -> None:
    before = snapshot(project)
    dry = mt(project, fake, "pretranslate", "--mt", "deepl", "--dry-run")
    assert dry.returncode == 0 and not fake.state.requests and snapshot(project) == before
    assert re.search(r"MT would bill \d+ characters for en", dry.stdout)
    config = project / "transkit.toml"
    config.write_text(config.read_text("utf-8").replace(
        '[mt]\nretries', '[mt]\nlanguages = ["en"]\nretries'), "utf-8")
    assert mt(project, fake, "pretranslate", "--mt", "deepl").returncode == 0
    assert {r["target_lang"] for r in fake.state.requests} == {"EN-GB"}
    usage = mt(project, fake, "mt", "usage")
    assert re.fullmatch(r"\d+ of 1000000 characters used \(\d+ left\)\n", usage.stdout)


def test_quota_refusal_stop_and_resume(project: Path, fake: FakeDeepL) -> None:
    fake.state.limit = 150
    refused = mt(project, fake, "pretranslate", "--mt", "deepl", "--lang", "fr")
    assert refused.returncode == 1 and "use --force" in refused.stderr
    assert not fake.state.requests
    stopped = mt(project, fake, "pretranslate", "--mt", "deepl", "--lang", "fr", "--force")
    assert stopped.returncode == 1
    assert re.search(r"quota exceeded \(456\): stopped with \d+ unit\(s\) left", stopped.stderr)
    kept = [e for e in entries(project, "fr").values() if e.msgstr]
    assert 0 < len(kept) < 4
    fake.state.limit = 1_000_000
    resumed = mt(project, fake, "pretranslate", "--mt", "deepl", "--lang", "fr")
    assert resumed.returncode == 0
    assert all(e.msgstr for e in entries(project, "fr").values())
    answered = fake.state.answered
    assert len(answered) == len(set(answered)) == 4  # nothing received was asked for again


def test_broken_placeholders_are_not_written(project: Path, fake: FakeDeepL) -> None:
    fake.state.mode = "break-tags"
    result = mt(project, fake, "pretranslate", "--mt", "deepl", "--lang", "fr")
    assert result.returncode == 0
    assert "1 failure(s)" in result.stdout
    assert "placeholders broken by MT" in result.stderr
    found = entries(project, "fr")
    assert not found["Una mula de diners treballa per a una xarxa, segons <g1>Europol</g1>."
                     ].msgstr
    assert found["La policia en va detenir 12."].msgstr


@pytest.mark.parametrize("mode, fail_times, code, message", [
    ("403", 0, 2, "DeepL refused the key (403): check the value of DEEPL_AUTH_KEY"),
    ("500", -1, 2, "DeepL failed during"),
    ("slow", 0, 2, "cannot reach DeepL"),
    ("malformed", 0, 2, "malformed answer from DeepL"),
])
def test_faults_are_clear_and_damage_nothing(project: Path, fake: FakeDeepL, mode: str,
                                             fail_times: int, code: int, message: str) -> None:
    before = snapshot(project)
    fake.state.mode, fake.state.fail_times = mode, fail_times
    if mode in ("slow", "malformed"):  # usage works; the translation call fails
        fake.state.mode = "ok"
        mt(project, fake, "mt", "usage")
        fake.state.mode = mode
    result = mt(project, fake, "pretranslate", "--mt", "deepl", "--lang", "fr")
    assert result.returncode == code, result.stderr
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert KEY not in result.stderr + result.stdout
    assert snapshot(project) == before


@pytest.mark.parametrize("mode", ["429", "500"])
def test_rate_limit_and_server_errors_are_retried(project: Path, fake: FakeDeepL,
                                                  mode: str) -> None:
    fake.state.mode, fake.state.fail_times = mode, 1
    result = mt(project, fake, "pretranslate", "--mt", "deepl", "--lang", "fr")
    assert result.returncode == 0, result.stderr
    assert all(e.msgstr for e in entries(project, "fr").values())


def test_unreachable_service_and_missing_key(project: Path, fake: FakeDeepL) -> None:
    before = snapshot(project)
    down = mt(project, fake, "pretranslate", "--mt", "deepl", url="http://127.0.0.1:9")
    assert down.returncode == 2 and "cannot reach DeepL at http://127.0.0.1:9" in down.stderr
    nokey = mt(project, fake, "pretranslate", "--mt", "deepl", key="")
    assert nokey.returncode == 2 and "set DEEPL_AUTH_KEY" in nokey.stderr
    assert snapshot(project) == before


def test_key_is_never_written(project: Path, fake: FakeDeepL) -> None:
    result = mt(project, fake, "pretranslate", "--mt", "deepl")
    assert result.returncode == 0
    for path in project.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_pseudo_translation() -> None:
    text = "Vegeu el <g1>portal</g1> ara.<x2/>"
    out = pseudo(text)
    assert out.startswith("[") and out.endswith("]")
    assert PLACEHOLDER.findall(out) == PLACEHOLDER.findall(text)
    assert "à" in out and len(out) > len(text) * 1.2


def test_pseudo_drafts_end_to_end(project: Path, fake: FakeDeepL) -> None:
    result = mt(project, fake, "pretranslate", "--mt", "pseudo", "--lang", "fr")
    assert result.returncode == 0 and "MT (pseudo): 4 unit(s)" in result.stdout
    assert not fake.state.requests
    mt(project, fake, "build", "--include-fuzzy", "--lang", "fr").check_returncode()
    page = (project / "site/fr/2019-04-mules.html").read_text("utf-8")
    assert '<a href="https://e.eu/">Éürõpõl</a>' in page
    assert mt(project, fake, "release").returncode == 1  # drafts are not reviewed translations
