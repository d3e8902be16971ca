"""End to end: the installed `transkit` command as a user runs it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import TRANSKIT, fill, run


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


def test_init_takes_the_source_and_the_languages(tmp_path: Path) -> None:
    import tomllib

    target = tmp_path / "blog"
    run("init", str(target), "--source-lang", "en", "--languages", "en,de,fr",
        cwd=tmp_path, check=True)
    config = tomllib.loads((target / "transkit.toml").read_text("utf-8"))
    assert config["project"]["source_language"] == "en"
    assert config["project"]["languages"] == ["en", "de", "fr"]
    assert config["release"]["required"] == ["en", "de", "fr"]
    assert config["mt"]["languages"] == ["de", "fr"]
    assert set(config["build"]["lang_switch"]) == {"en", "fr"}  # de: Babel's name
    assert sorted(p.name for p in (target / "locales").iterdir()) == ["de", "en", "fr"]
    (target / "bulletins/hi.html").write_text(
        "<html lang='en'><body><article><h1>Hello</h1></article></body></html>", "utf-8")
    run("extract", cwd=target, check=True)
    assert (target / "locales/de/hi.po").is_file()
    # The source left out of the list is put first.
    other = tmp_path / "other"
    run("init", str(other), "--source-lang", "ca", "--languages", "es,en", cwd=tmp_path,
        check=True)
    assert tomllib.loads((other / "transkit.toml").read_text("utf-8"))["project"][
        "languages"] == ["ca", "es", "en"]


@pytest.mark.parametrize("args, message", [
    (["--languages", "en,fra"], "--languages: unknown language code 'fra' (did you mean "
                                "'fr'?)"),
    (["--languages", "en,en"], "--languages lists 'en' twice"),
    (["--languages", "en,,fr"], "--languages: an empty language code"),
    (["--source-lang", "xx-nope!"], "--source-lang: unknown language code 'xx-nope!'"),
])
def test_init_refuses_bad_languages(tmp_path: Path, args: list[str], message: str) -> None:
    done = run("init", str(tmp_path / "p"), *args, cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not (tmp_path / "p").exists()


def test_init_install_sets_an_existing_projects_workflow(tmp_path: Path) -> None:
    from transkit.scaffold import EARLIER_WORKFLOWS

    root = tmp_path / "p"
    run("init", str(root), cwd=tmp_path, check=True)
    flow = root / ".github/workflows/translations.yml"
    config = (root / "transkit.toml").read_bytes()
    spec = "transkit-bulletin @ https://example.org/t-0.1.0-py3-none-any.whl"
    done = run("init", str(root), "--install", spec, cwd=tmp_path, check=True)
    assert done.stdout == f"updated {root}/.github/workflows/translations.yml " \
        f"(TRANSKIT_INSTALL: {spec})\n"
    assert f'TRANSKIT_INSTALL: "{spec}"' in flow.read_text("utf-8")
    assert (root / "transkit.toml").read_bytes() == config
    again = run("init", str(root), "--install", spec, cwd=tmp_path, check=True)
    assert again.stdout.startswith("unchanged ")
    # A workflow an earlier transkit wrote, untouched: written anew, whole history and all.
    flow.write_text(EARLIER_WORKFLOWS[0].format(install=""), "utf-8")
    run("init", str(root), "--install", spec, cwd=tmp_path, check=True)
    text = flow.read_text("utf-8")
    assert "fetch-depth: 0" in text and f'TRANSKIT_INSTALL: "{spec}"' in text
    # One a person edited: only its install line changes, and it says so.
    edited = text.replace("      - run: transkit release\n",
                          "      - run: echo ours\n      - run: transkit release\n")
    flow.write_text(edited, "utf-8")
    other = "transkit-bulletin @ git+https://example.org/t.git@0123abc"
    done = run("init", str(root), "--install", other, cwd=tmp_path, check=True)
    assert done.stdout.startswith("updated the install line of ")
    assert flow.read_text("utf-8") == edited.replace(spec, other)
    # With --force too: the workflow is not "created" nor "kept", it is updated.
    forced = run("init", str(root), "--force", "--install", spec, cwd=tmp_path, check=True)
    assert "created" not in forced.stdout.replace("created " + str(root / "locales"), "")
    assert f"{root}/.github/workflows/translations.yml" in forced.stdout.splitlines()[-1]
    assert forced.stdout.splitlines()[-1].startswith("updated the install line of ")
    # No line to set: refused on one line, the file as it was.
    flow.write_text("name: translations\n", "utf-8")
    refused = run("init", str(root), "--install", spec, cwd=tmp_path)
    assert refused.returncode == 2 and "has no single TRANSKIT_INSTALL" in refused.stderr
    assert flow.read_text("utf-8") == "name: translations\n"
    assert run("init", str(root), "--languages", "ca,es", cwd=tmp_path).returncode == 2


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
        "from transkit.project import Project\n"
        f"with Project.load(__import__('pathlib').Path({str(project)!r})).lock():\n"
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


# --- the command line as a person meets it (issue 24, item 7) ------------------------------

def test_a_reader_that_stops_early_is_not_an_error(demo: Path) -> None:
    """`transkit … | head`: the pipe closes while transkit still writes; exit 0, silent."""
    for command in ("check --list", "status --by-doc --format json", "--help"):
        piped = subprocess.run(f"{TRANSKIT} {command} | head -1; exit ${{PIPESTATUS[0]}}",
                               shell=True, executable="/bin/bash", cwd=demo,
                               capture_output=True, text=True, timeout=300)
        assert piped.returncode == 0, (command, piped.stderr)
        assert piped.stderr == "" and len(piped.stdout.splitlines()) == 1, command


@pytest.mark.parametrize("args, shown", [
    (["status", "--lang", "fra"], "language 'fra' is not one of the project's languages "
                                  "(ca, es, en, fr); did you mean 'fr'?"),
    (["status", "--lang", "French"], "did you mean 'fr'?"),
    (["status", "--lang", "fe"], "did you mean 'fr'?"),
    (["build", "--lang", "cat"], "did you mean 'ca'?"),
    (["check", "--lang", "spa"], "did you mean 'es'?"),
    (["pretranslate", "--lang", "eng"], "did you mean 'en'?"),
    (["xliff", "export", "--lang", "fre", "x.xlf"], "did you mean 'fr'?"),
    (["extract", "--source-lang", "catalan"], "did you mean 'ca'?"),
    (["tm", "lookup", "--from", "ca", "--to", "de", "hola"],
     "--to 'de' is not one of the project's languages (ca, es, en, fr)"),
    (["tm", "lookup", "--from", "cat", "--to", "fr", "hola"], "--from 'cat' is not one of "
                                                              "the project's languages"),
    (["tm", "export", "--langs", "ca,fra", "out.tmx"], "--langs 'fra' is not one"),
    (["tm", "import", "--source-lang", "deu", "x.po"], "--source-lang 'deu' is not one"),
    (["align", "--lang", "fra", "bulletins/post.html", "bulletins/post.html"],
     "--lang 'fra' is not one of the project's languages"),
])
def test_every_language_option_is_one_of_the_projects(project: Path, args: list[str],
                                                      shown: str) -> None:
    (project / "x.po").write_text('msgid ""\nmsgstr ""\n', "utf-8")
    run("extract", cwd=project, check=True)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    done = run(*args, cwd=project)
    assert done.returncode == 2 and shown in done.stderr, done.stderr
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    if "de" in args:
        assert "did you mean" not in done.stderr  # de is a language, just not this project's
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_a_missing_project_folder_is_named(tmp_path: Path) -> None:
    done = run("-C", str(tmp_path / "no/such/folder"), "status", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "no/such/folder: no such folder (given with -C)\n"
    (tmp_path / "a-file").write_text("x", "utf-8")
    done = run("-C", str(tmp_path / "a-file"), "status", cwd=tmp_path)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1
    assert "a-file" in done.stderr and "transkit.toml" not in done.stderr


@pytest.mark.parametrize("args, command", [
    (["status", "--bogus"], "transkit status"),
    (["tm", "lookup", "hola"], "transkit tm lookup"),
    (["build", "--lang"], "transkit"),  # click reads it as the main group's
    (["status", "--format", "pdf"], "transkit status"),
    (["no-such-command"], "transkit"),
    (["-q", "-v", "status"], "transkit"),
])
def test_usage_errors_are_one_line(project: Path, args: list[str], command: str) -> None:
    done = run(*args, cwd=project)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("transkit: error: ")
    assert done.stderr.rstrip().endswith(f"(see '{command} --help')"), done.stderr


def test_build_summarises_fallbacks_and_v_lists_them(project: Path) -> None:
    run("extract", cwd=project, check=True)
    fill(project, "es")
    fill(project, "fr", lambda e: e.msgid if e.msgid.startswith("E") else "")
    from transkit import catalog

    units = len([u for u in catalog.load(project / "locales/en/post.po") if not u.obsolete])
    chrome_fr = [u for u in catalog.load(project / "locales/fr/post.po") if not u.msgstr]
    default = run("build", "--allow-incomplete", cwd=project, check=True)
    lines = default.stderr.splitlines()
    assert len(lines) == 2, default.stderr  # one line per language, not one per unit
    assert lines[0].startswith(f"warning: en: {units} unit(s) shown in the source "
                               f"language ({units} untranslated) from 1 catalogue(s)")
    assert lines[1].startswith(f"warning: fr: {len(chrome_fr)} unit(s) shown")
    assert "transkit -v build" in lines[0]
    verbose = run("-v", "build", "--allow-incomplete", cwd=project, check=True)
    listed = verbose.stderr.splitlines()
    assert len(listed) == units + len(chrome_fr)
    assert all(line.startswith(("warning: locales/en/post.po:", "warning: locales/fr/post.po:"))
               for line in listed)
    quiet = run("-q", "build", "--allow-incomplete", cwd=project, check=True)
    assert quiet.stderr == "" and quiet.stdout.startswith("built ")
    assert run("--quiet", "status", cwd=project, check=True).stderr == ""


def _on_a_terminal(args: list[str], cwd: Path, after: str | None) -> tuple[int, str]:
    """transkit with its stderr on a pseudo-terminal (as a person's shell gives it):
    the exit code and what the terminal was sent."""
    import os
    import pty

    env = {**os.environ}
    if after is not None:
        env["TRANSKIT_PROGRESS_AFTER"] = after
    master, slave = pty.openpty()
    proc = subprocess.Popen([TRANSKIT, *args], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal is closed once transkit has ended
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    return proc.wait(timeout=300), seen.decode("utf-8", "replace")


def test_long_commands_show_progress_on_a_terminal(demo: Path) -> None:
    """Progress shows once a command has run TRANSKIT_PROGRESS_AFTER seconds (2): here 0,
    so that a fast machine shows it too; then the line is cleared."""
    code, seen = _on_a_terminal(["build"], demo, "0")
    assert code == 0
    assert "\r\x1b[Kbuilding 2019-01-ransomware" in seen.replace("bulletins/", "")
    assert seen.rsplit("\r\x1b[K", 1)[1].strip() == ""  # the line cleared at the end
    # Each pair being aligned, how many of how many, and the seconds so far.
    run("release", cwd=demo, check=True)
    code, seen = _on_a_terminal(["align", "--dry-run", "bulletins/2019-01-ransomware.html",
                                 "site/fr/2019-01-ransomware.html"], demo, "0")
    assert code == 0
    assert "aligning [1/1] 2019-01-ransomware.html ↔ 2019-01-ransomware.html (" in seen
    # A command done within the delay shows none; -q none ever; a pipe none.
    code, seen = _on_a_terminal(["build"], demo, "600")
    assert code == 0 and "building" not in seen
    code, seen = _on_a_terminal(["-q", "build"], demo, "0")
    assert code == 0 and "building" not in seen
    piped = run("build", cwd=demo)
    assert "\x1b[K" not in piped.stderr
