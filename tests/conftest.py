"""Shared fixtures: real projects in tmp_path, the installed `transkit` command, gettext tools."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TRANSKIT = str(Path(sys.executable).with_name("transkit"))

CONFIG = """\
[project]
name = "Test bulletin"
source_language = "ca"
languages = ["ca", "es", "en", "fr"]

[build.lang_switch]
ca = "Aquest apunt en català"
es = "Esta entrada en español"
en = "This post in English"
fr = "Post en français"
"""

POST = """<!DOCTYPE html>
<html lang="ca"><head><meta charset="utf-8"><title>Títol de la prova</title></head>
<body>
<article id="a1">
<h1>Europol detén 23 persones</h1>
<p>L'operació, coordinada per <a href="https://www.europol.europa.eu/">Europol</a>, va acabar amb
23 detinguts. El frau superava els <strong>29.000 milions d'euros</strong>.</p>
<p><img src="x.jpg" alt="Un agent al caixer"> La policia recomana:</p>
<ul><li>tapar el teclat</li><li>revisar el compte</li></ul>
<script>var x = "no es tradueix";</script>
<pre>codi que no es tradueix</pre>
<p translate="no">Text que no es tradueix.</p>
<nav class="lang-switch"><a href="#">Esta entrada en español</a></nav>
</article>
</body></html>
"""


def run(*args: str, cwd: Path, check: bool = False, input: str | None = None
        ) -> subprocess.CompletedProcess[str]:
    """The installed transkit command, as a user runs it."""
    result = subprocess.run([TRANSKIT, *args], cwd=cwd, capture_output=True, text=True,
                            input=input, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"transkit {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def fill(root: Path, lang: str, fn=lambda e: e.msgid) -> None:  # type: ignore[no-untyped-def]
    """Every catalogue of `lang` translated with fn(entry), none fuzzy."""
    from transkit import catalog

    for path in sorted((root / "locales" / lang).glob("*.po")):
        po = catalog.load(path)
        for entry in po:
            entry.msgstr = fn(entry)
            entry.set_fuzzy(False)
        catalog.save(po, path)


# The image the post shows: the build copies assets without reading them.
JPEG = b"\xff\xd8 stands for x.jpg in tests"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project with one bulletin, not yet extracted."""
    root = tmp_path / "proj"
    (root / "bulletins").mkdir(parents=True)
    (root / "transkit.toml").write_text(CONFIG, encoding="utf-8")
    (root / "bulletins" / "post.html").write_text(POST, encoding="utf-8")
    (root / "bulletins" / "x.jpg").write_bytes(JPEG)  # the image the post shows
    return root


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A copy of the demo project shipped in this repository."""
    root = tmp_path / "demo"
    root.mkdir()
    shutil.copy(REPO / "transkit.toml", root)
    shutil.copytree(REPO / "bulletins", root / "bulletins")
    shutil.copytree(REPO / "locales", root / "locales")
    shutil.copytree(REPO / "glossary", root / "glossary")
    return root


def gettext_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:  # CI installs gettext (make test); a missing tool is a failure, not a skip
        raise AssertionError(f"{name} not found: install the Debian package gettext")
    return path


# --- PostgreSQL: a throwaway cluster for the whole session -------------------------------

_databases = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    """Started once, stopped at the end. Without PostgreSQL installed the PostgreSQL tests
    are skipped on a developer's machine; under CI (`CI` set) that is a failure, and
    `make test` installs the Debian package first."""
    from .pgcluster import Cluster, find_binary

    if not find_binary("initdb"):
        message = "PostgreSQL server not installed (Debian package postgresql; make test)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    cluster = Cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: object) -> str:
    """A new empty database on the session's cluster (Unix socket URL)."""
    return pg_cluster.create_database(f"tk{os.getpid()}_{next(_databases)}")  # type: ignore[attr-defined]


@pytest.fixture(params=["sqlite", "postgresql"])
def tm_backend(request: pytest.FixtureRequest, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> str:
    """The TM locator for both backends; for PostgreSQL, TRANSKIT_TM_URL points every
    transkit command the test runs (and open_store) at a fresh database."""
    if request.param == "sqlite":
        monkeypatch.delenv("TRANSKIT_TM_URL", raising=False)
        return str(tmp_path / "tm.sqlite")
    url = request.getfixturevalue("pg_url")
    monkeypatch.setenv("TRANSKIT_TM_URL", url)
    return str(url)
