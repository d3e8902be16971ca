"""Plug-ins that go wrong (tests/plugins/transkit_faulty): an engine, a check, a bulletin
format or an exchange format that cannot be imported, has the wrong shape, raises or
answers the wrong type is named in one line (exit 2, no traceback, nothing written), and
the secrets an engine carries (in its `[mt.<name>]` table or the environment variables it
declares) never reach a message, the editor's JSON included. Each plug-in is registered
in a throwaway distribution on PYTHONPATH, seen by the transkit processes of one test
only."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import pytest

from .conftest import TRANSKIT, fill, run
from .served import start

FAULTY = Path(__file__).parent / "plugins" / "transkit_faulty"


def register(tmp_path: Path, group: str, name: str, target: str) -> dict[str, str]:
    """An environment whose transkit sees one more entry point, `name = target` in
    `group`, from a distribution made for this test."""
    site = tmp_path / "site"
    info = site / "transkit_faulty-0.1.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: transkit-faulty\n"
                                   "Version: 0.1\n", "utf-8")
    (info / "entry_points.txt").write_text(f"[{group}]\n{name} = {target}\n", "utf-8")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(FAULTY), str(site)])}


def transkit(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TRANSKIT, *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted((root / "locales").rglob("*")) if p.is_file()}


def refused(result: subprocess.CompletedProcess[str], pattern: str) -> None:
    """Exit 2 and one line on stderr matching `pattern`, never a traceback."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and re.fullmatch(pattern, lines[0]), result.stderr


ENGINES = [
    ("transkit_faulty_missing:Anything",
     r"transkit: error: MT engine 'faulty' \(transkit_faulty_missing:Anything\) cannot be "
     r"loaded: ModuleNotFoundError: No module named 'does_not_exist_anywhere'"),
    ("transkit_faulty:EngineInitFails",
     r"transkit\.toml: MT engine faulty cannot be built: KeyError: 'api_url'"),
    ("transkit_faulty:EnginePairsFail",
     r"transkit: error: MT engine faulty: pairs\(\) failed: RuntimeError: cannot list the "
     r"pairs"),
]


@pytest.mark.parametrize(("target", "pattern"), ENGINES, ids=[t for t, _ in ENGINES])
def test_a_faulty_engine_is_one_line(project: Path, tmp_path: Path, target: str,
                                     pattern: str) -> None:
    env = register(tmp_path, "transkit.engines", "faulty", target)
    run("extract", cwd=project, check=True)
    before = snapshot(project)
    refused(transkit(project, env, "pretranslate", "--mt", "faulty", "--lang", "es"), pattern)
    assert snapshot(project) == before


CHECKS = [
    ("transkit_faulty:CheckRaises",
     r"transkit: error: check 'faulty': check\(\) failed: ValueError: boom"),
    ("transkit_faulty:CheckWithoutContext",
     r"transkit: error: check 'faulty' cannot be built: TypeError: .*takes no arguments"),
    ("transkit_faulty:CheckReturnsNone",
     r"transkit: error: check 'faulty': check\(\) returned NoneType, not list"),
    ("transkit_faulty:CrossCheckRaises",
     r"transkit: error: check 'faulty': check_across\(\) failed: ZeroDivisionError: "
     r"division by zero"),
]


@pytest.mark.parametrize(("target", "pattern"), CHECKS, ids=[t for t, _ in CHECKS])
def test_a_faulty_check_is_one_line_in_check_and_release(project: Path, tmp_path: Path,
                                                         target: str, pattern: str) -> None:
    env = register(tmp_path, "transkit.checks", "faulty", target)
    run("extract", cwd=project, check=True)
    for lang in ("es", "en", "fr"):
        fill(project, lang)
    refused(transkit(project, env, "check", "--only", "faulty"), pattern)
    refused(transkit(project, env, "release"), pattern)
    assert not (project / "site").exists()


SOURCES = [
    ("transkit_faulty_missing:Anything",
     r"bulletins/note\.faulty: bulletin format 'faulty' \(transkit_faulty_missing:Anything\) "
     r"cannot be loaded: ModuleNotFoundError: No module named 'does_not_exist_anywhere'"),
    ("transkit_faulty:SourceWithoutRead",
     r"bulletins/note\.faulty: bulletin format 'faulty' \(transkit_faulty:SourceWithoutRead\) "
     r"is not an adapter class with a read method"),
    ("transkit_faulty:SourceReadFails",
     r"bulletins/note\.faulty: bulletin format 'faulty': read\(\) failed: UnicodeDecodeError: "
     r".*invalid start byte"),
]


@pytest.mark.parametrize(("target", "pattern"), SOURCES, ids=[t for t, _ in SOURCES])
def test_a_faulty_bulletin_format_is_one_line(project: Path, tmp_path: Path, target: str,
                                              pattern: str) -> None:
    env = register(tmp_path, "transkit.sources", "faulty", target)
    (project / "bulletins" / "note.faulty").write_text("A note.\n", "utf-8")
    refused(transkit(project, env, "extract"), pattern)
    assert not (project / "locales").exists()  # nothing written, the HTML post neither


def test_a_faulty_exchange_format_is_one_line(project: Path, tmp_path: Path) -> None:
    env = register(tmp_path, "transkit.formats", "faulty", "transkit_faulty:FormatReadFails")
    run("extract", cwd=project, check=True)
    memory = project / "pairs.faulty"
    memory.write_text("anything\n", "utf-8")
    refused(transkit(project, env, "tm", "import", "pairs.faulty"),
            r"pairs\.faulty: exchange format 'faulty': read\(\) failed: IndexError: list "
            r"index out of range")
    refused(transkit(project, env, "xliff", "import", "pairs.faulty"),
            r"pairs\.faulty: exchange format 'faulty': read\(\) failed: IndexError: list "
            r"index out of range")
    assert not (project / "tm").exists()


def test_an_engines_secrets_never_reach_a_message_nor_the_editor(project: Path,
                                                                 tmp_path: Path) -> None:
    env = register(tmp_path, "transkit.engines", "faulty",
                   "transkit_faulty:EngineLeaksSecrets")
    env["FAULTY_ENGINE_KEY"] = "env-s3cr3t-key-71"
    config = project / "transkit.toml"
    config.write_text(config.read_text("utf-8")
                      + '\n[mt.faulty]\napi_token = "tbl-s3cr3t-token-42"\n', "utf-8")
    assert transkit(project, env, "extract").returncode == 0
    result = transkit(project, env, "pretranslate", "--mt", "faulty", "--lang", "es")
    refused(result, r"transkit: error: MT engine faulty: translate\(\) failed: RuntimeError: "
                    r"refused token \*\*\* and key \*\*\*")
    # The editor shows an engine's failure in its JSON, which the CLI's filter never sees.
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        served = start(project)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    try:
        units = served.request("GET", "/api/v1/documents/post/units").json()["units"]
        answer = served.request("GET", f"/api/v1/documents/post/units/{units[1]['id']}/"
                                       "suggestions?lang=es")
        assert answer.status == 200, answer
        problems = answer.json()["problems"]
        assert problems and all("***" in p for p in problems), problems
        assert b"s3cr3t" not in answer.body
    finally:
        served.stop(signal.SIGKILL)


def test_an_engine_table_changed_is_not_served_from_the_cache(project: Path,
                                                              tmp_path: Path) -> None:
    """An engine without a `settings` hook: its table decides its drafts too, so drafts
    cached under another table are not reused."""
    env = register(tmp_path, "transkit.engines", "faulty", "transkit_faulty:EngineByTable")
    config = project / "transkit.toml"
    plain = config.read_text("utf-8")
    assert transkit(project, env, "extract").returncode == 0
    empty = snapshot(project)
    drafts = {}
    for suffix in (" [A]", " [B]"):
        for path, data in empty.items():
            path.write_bytes(data)
        config.write_text(plain + f'\n[mt.faulty]\nsuffix = "{suffix}"\n', "utf-8")
        result = transkit(project, env, "pretranslate", "--mt", "faulty", "--lang", "es")
        assert result.returncode == 0, result.stderr
        drafts[suffix] = (project / "locales/es/post.po").read_text("utf-8")
    assert '[A]"' in drafts[" [A]"] and '[B]"' in drafts[" [B]"]
    assert '[A]"' not in drafts[" [B]"]
