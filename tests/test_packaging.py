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


def _workflow_steps(root: Path) -> tuple[dict[str, str], list[str]]:
    import yaml

    data = yaml.safe_load((root / ".github" / "workflows" / "translations.yml").read_text())
    steps = data["jobs"]["release"]["steps"]
    assert any(s.get("uses", "").startswith("actions/upload-artifact") for s in steps)
    assert any(s.get("with", {}).get("cache") == "pip" for s in steps)
    return dict(data.get("env", {})), [s["run"] for s in steps if "run" in s]


def _run_workflow(root: Path, tmp_path: Path, env: dict[str, str]) -> list[int]:
    """Every `run:` step in a fresh clone, in order, as the CI runner would; the exit
    code of each step run (stopping at the first that fails)."""
    clone = tmp_path / f"clone-{len(list(tmp_path.iterdir()))}"
    _sh("git", "clone", "-q", str(root), str(clone), cwd=tmp_path)
    variables, steps = _workflow_steps(clone)
    codes = []
    for step in steps:
        done = subprocess.run(["bash", "-e", "-c", step], cwd=clone, capture_output=True,
                              text=True, env={**env, **variables}, timeout=900)
        codes.append(done.returncode)
        if done.returncode != 0:
            break
    return codes


def test_generated_workflow_gates_the_demo(fresh_env: dict[str, str], demo: Path,
                                           tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(demo, root)
    transkit = str(Path(fresh_env["VIRTUAL_ENV"]) / "bin" / "transkit")
    spec = f"{DIST} @ file://{fresh_env['WHEEL']}"
    _sh(transkit, "init", ".", "--force", "--install", spec, cwd=root, env=fresh_env)
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c",
                                                  "user.email=t@example.org", "commit", "-qm",
                                                  "demo"]):
        _sh("git", *args, cwd=root)
    codes = _run_workflow(root, tmp_path, fresh_env)
    assert codes and all(code == 0 for code in codes), codes
    # An incomplete copy: one French translation emptied.
    po = root / "locales" / "fr" / "2019-01-ransomware.po"
    po.write_text(po.read_text("utf-8").replace('msgstr "Ne payez pas la rançon."',
                                                'msgstr ""'), "utf-8")
    _sh("git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam",
        "incomplete", cwd=root)
    codes = _run_workflow(root, tmp_path, fresh_env)
    assert codes[-1] == 1 and len(codes) == len(_workflow_steps(root)[1]), codes
