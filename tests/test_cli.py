"""End to end: the installed `transkit` command as a user runs it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from .conftest import TRANSKIT, run


def test_init_scaffolds_and_refuses_non_empty(tmp_path: Path) -> None:
    target = tmp_path / "new"
    result = run("init", str(target), cwd=tmp_path, check=True)
    assert "created" in result.stdout
    config = (target / "transkit.toml").read_text("utf-8")
    assert 'source_language = "ca"' in config and '["ca", "es", "en", "fr"]' in config
    for lang in ("ca", "es", "en", "fr"):
        assert (target / "locales" / lang).is_dir()
    assert (target / "bulletins").is_dir()
    ignore = (target / ".gitignore").read_text("utf-8").split()
    assert ".transkit/" in ignore and "site/" in ignore
    workflow = (target / ".github/workflows/translations.yml").read_text("utf-8")
    assert "transkit release" in workflow and "push" in workflow
    again = run("init", str(target), cwd=tmp_path)
    assert again.returncode == 2 and "not empty" in again.stderr
    assert run("init", "--force", str(target), cwd=tmp_path).returncode == 0
    # A fresh project with no bulletins: status is empty, the gate passes.
    assert run("status", "--check", cwd=target).returncode == 0


def test_whole_loop_on_a_new_project(tmp_path: Path) -> None:
    root = tmp_path / "p"
    run("init", str(root), cwd=tmp_path, check=True)
    (root / "bulletins" / "n.html").write_text(
        "<html lang='ca'><body><article><h1>Hola món</h1><p>Primera frase. Segona.</p>"
        "</article></body></html>", "utf-8")
    run("extract", cwd=root, check=True)
    assert (root / "locales/ca/n.pot").exists() and (root / "locales/fr/n.po").exists()
    assert run("release", cwd=root).returncode == 1
    assert not (root / "site").exists()


def test_source_language_from_flag(project: Path) -> None:
    run("extract", "--source-lang", "en", cwd=project, check=True)
    assert (project / "locales/en/post.pot").exists()
    assert (project / "locales/ca/post.po").exists()
    assert not (project / "locales/en/post.po").exists()
    bad = run("extract", "--source-lang", "xx-nope!", cwd=project)
    assert bad.returncode == 2 and "unknown language code" in bad.stderr


def test_bad_inputs_exit_2_and_change_nothing(project: Path) -> None:
    run("extract", cwd=project, check=True)
    snapshot = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()
                and ".transkit" not in p.parts}
    (project / "bulletins" / "post.html").write_bytes(b"<html><body><article>caf\xe9")
    result = run("extract", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith(str(project / "bulletins/post.html") + ":1: not valid UTF-8") \
        or "bulletins/post.html:1: not valid UTF-8" in result.stderr
    (project / "bulletins" / "post.html").write_bytes(snapshot[project / "bulletins/post.html"])
    (project / "bulletins" / "other.html").write_text("<html><body><p>no post</p></body></html>")
    result = run("extract", cwd=project)
    assert result.returncode == 2 and "not a bulletin" in result.stderr
    (project / "bulletins" / "other.html").unlink()
    after = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()
             and ".transkit" not in p.parts}
    assert after == snapshot
    (project / "transkit.toml").write_text('[project]\nlanguages = ["ca", "qq-bogus!"]\n')
    result = run("status", cwd=project)
    assert result.returncode == 2 and "transkit.toml" in result.stderr
    assert "unknown language" in result.stderr


def test_no_project_is_a_clear_error(tmp_path: Path) -> None:
    result = run("status", cwd=tmp_path)
    assert result.returncode == 2 and "transkit init" in result.stderr


def test_a_second_writer_meets_the_lock(project: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "from transkit.config import load_config\n"
        "from transkit.project import project_lock\n"
        f"with project_lock(load_config(__import__('pathlib').Path({str(project)!r}))):\n"
        "    print('locked', flush=True)\n"
        "    time.sleep(30)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        result = run("--no-wait", "extract", cwd=project)
        assert result.returncode == 2 and "locked by transkit (pid" in result.stderr
        assert not (project / "locales").exists()
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    assert run("extract", cwd=project).returncode == 0


def test_version_and_help() -> None:
    out = subprocess.run([TRANSKIT, "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("init", "extract", "status", "segment", "build", "release"):
        assert command in out
