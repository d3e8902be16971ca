"""A translator's save is never lost, and nothing outside the project is touched: saves
racing a command, all-or-nothing writes, links and special files, bounded reads."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from transkit import catalog
from transkit.config import load_config

from .conftest import POST, TRANSKIT, fill, run


def _clean_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines()
             if line.strip() and not line.startswith("warning: ")]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink() and ".transkit" not in p.parts}


def _translate_first(path: Path, text: str) -> str:
    """A translator's save: the first empty unit translated, as an editor writes it."""
    po = catalog.load(path)
    entry = next(u for u in po.active() if not u.has_target)
    entry.msgstr = text
    path.write_bytes(catalog.encoded(po))  # in place, as many editors save
    return entry.msgid


def _msgstr(path: Path, msgid: str) -> str | None:
    found = catalog.load(path).find(msgid)
    return found.msgstr if found is not None else None


# --- compare before replace ----------------------------------------------------------------

@pytest.fixture
def two_posts(project: Path) -> Path:
    (project / "bulletins" / "second.html").write_text(
        POST.replace("Europol detén", "La Guàrdia Civil deté"), encoding="utf-8")
    run("extract", cwd=project, check=True)
    return project


def test_a_save_while_extract_reads_is_merged_not_overwritten(two_posts: Path) -> None:
    """The translator saves post's French catalogue after extract read it (while it works
    on the next bulletin): extract merges again from the newer file."""
    from transkit.extract import extract

    target = two_posts / "locales" / "fr" / "post.po"
    (two_posts / "bulletins" / "post.html").write_text(
        POST.replace("tapar el teclat", "tapar bé el teclat"), encoding="utf-8")
    saved: list[str] = []

    def translator(item: str) -> None:
        if item.endswith("second.html") and not saved:
            saved.append(_translate_first(target, "Europol arrête 23 personnes"))

    report = extract(load_config(two_posts), progress=translator, learn=False)
    assert saved, "the second bulletin was not read after the first"
    assert _msgstr(target, saved[0]) == "Europol arrête 23 personnes"
    assert "locales/fr/post.po" in report.written
    # and extract's own change is there too
    assert catalog.load(target).find("tapar bé el teclat") is not None


def test_a_save_racing_extract_processes_is_never_lost(two_posts: Path) -> None:
    """A real second writer (another process) saves at different moments of real
    `transkit extract` runs: its translation is in the file afterwards, every time."""
    target = two_posts / "locales" / "es" / "post.po"
    for round_, delay in enumerate((0.05, 0.15, 0.3, 0.5)):
        (two_posts / "bulletins" / "post.html").write_text(
            POST.replace("revisar el compte", f"revisar el compte {round_}"), encoding="utf-8")
        command = subprocess.Popen([TRANSKIT, "extract"], cwd=two_posts,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        text = f"Traducción {round_}"
        writer = subprocess.run(
            ["python3", "-c",
             "import re,sys; p=sys.argv[1]; s=open(p,encoding='utf-8').read(); "
             "s=re.sub(r'(msgid \"tapar el teclat\"\\nmsgstr )\"[^\"]*\"', "
             "lambda m: m.group(1)+'\"'+sys.argv[2]+'\"', s); "
             "print(sys.argv[2] in s); open(p,'w',encoding='utf-8').write(s)",
             str(target), text], check=True, capture_output=True, text=True)
        assert writer.stdout.strip() == "True", "the translator's save found no unit"
        out, err = command.communicate(timeout=120)
        assert command.returncode == 0, err
        assert _msgstr(target, "tapar el teclat") == text, (delay, err)


def test_a_save_while_pretranslate_works_keeps_both(two_posts: Path) -> None:
    """Pre-translation drafts go into the units still empty in the translator's newer
    file; the translator's text stays."""
    from transkit.pretranslate import pretranslate
    from transkit.tm import open_store

    root = two_posts
    fill(root, "fr", lambda e: f"FR {e.msgid}")
    # A second copy of the French catalogue, emptied, that the memory can fill.
    shutil.copy(root / "locales" / "fr" / "post.po", root / "fr-done.po")
    po = catalog.load(root / "locales" / "fr" / "second.po")
    for entry in po:
        entry.msgstr = ""
    catalog.save(po, root / "locales" / "fr" / "second.po")
    target = root / "locales" / "fr" / "second.po"
    config = load_config(root)
    store = open_store(config)
    saved: list[str] = []

    def translator(count: int) -> None:
        if not saved:
            saved.append(_translate_first(target, "Texte du traducteur"))

    try:
        report = pretranslate(config, store, langs=["fr"], progress=translator)
    finally:
        store.close()
    assert saved and report.written
    po = catalog.load(target)
    assert po.find(saved[0]).msgstr == "Texte du traducteur"  # type: ignore[union-attr]
    drafted = [u for u in po.active() if u.msgid != saved[0] and u.has_target]
    assert drafted, "the memory's drafts were lost"


def test_a_stale_copy_is_refused_when_it_cannot_be_merged(two_posts: Path) -> None:
    path = two_posts / "locales" / "fr" / "post.po"
    stale = catalog.load(path)
    stale.units[0].msgstr = "copie périmée"
    newer = _translate_first(path, "version du traducteur")
    from transkit.errors import InputError

    with pytest.raises(InputError, match="changed on disk"):
        catalog.save(stale, path)
    assert _msgstr(path, newer) == "version du traducteur"
    assert not list(path.parent.glob(".*.tmp"))


# --- all or nothing ---------------------------------------------------------------------------

def test_a_failing_language_leaves_every_file_as_it_was(two_posts: Path) -> None:
    """The French catalogue cannot be written (over the file-size limit the process runs
    under: EFBIG, which stops root too) after the template and the other languages could:
    no file changes, and the error names the catalogue, not a temporary file."""
    import resource

    root = two_posts
    fr = root / "locales" / "fr" / "post.po"
    po = catalog.load(fr)
    po.append(catalog.Unit("Un text antic", "Un texte ancien " * 20_000, obsolete=True))
    catalog.save(po, fr)
    (root / "bulletins" / "post.html").write_text(
        POST.replace("tapar el teclat", "tapar bé el teclat"), encoding="utf-8")
    before = _snapshot(root / "locales")
    limit = fr.stat().st_size - 1000

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run([TRANSKIT, "extract"], cwd=root, capture_output=True, text=True,
                            preexec_fn=small_files, timeout=300)
    line = _clean_error(result, "locales/fr/post.po")
    assert ".tmp" not in line
    assert _snapshot(root / "locales") == before
    assert not [p for p in (root / "locales").rglob(".*") if p.is_file()]


# --- confinement ------------------------------------------------------------------------------

def test_a_site_link_leading_outside_is_refused(project: Path, tmp_path: Path) -> None:
    run("extract", cwd=project, check=True)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("not transkit's", "utf-8")
    (project / "site").symlink_to(victim)
    for command in (["release"], ["build", "--allow-incomplete"]):
        result = run(*command, cwd=project)
        assert result.returncode == 2, result.stderr
        assert "leads outside the project" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in victim.iterdir()] == ["precious.txt"]


def test_a_language_folder_linked_outside_is_never_written_through(project: Path,
                                                                   tmp_path: Path) -> None:
    run("extract", cwd=project, check=True)
    outside = tmp_path / "outside-fr"
    shutil.move(project / "locales" / "fr", outside)
    (project / "locales" / "fr").symlink_to(outside)
    (project / "bulletins" / "post.html").write_text(
        POST.replace("tapar el teclat", "tapar bé el teclat"), encoding="utf-8")
    before = _snapshot(outside)
    for command in (["extract"], ["status"], ["pretranslate"]):
        _clean_error(run(*command, cwd=project), "locales/fr", "leads outside the project")
    assert _snapshot(outside) == before
    # Said explicitly, it is the user's choice.
    run("--allow-outside", "extract", cwd=project, check=True)
    assert _snapshot(outside) != before


@pytest.mark.parametrize("setting", ['[paths]\nsite = "../victim"\n',
                                     '[tm]\npath = "../outside.sqlite"\n',
                                     '[paths]\nsite = "/tmp/victim"\n'])
def test_configured_places_outside_the_project_need_the_option(project: Path, tmp_path: Path,
                                                               setting: str) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("not transkit's", "utf-8")
    config = project / "transkit.toml"
    config.write_text(config.read_text("utf-8") + setting, "utf-8")
    line = _clean_error(run("extract", cwd=project), "transkit.toml:", "inside the project")
    assert "--allow-outside" in line
    assert not (tmp_path / "outside.sqlite").exists()
    assert [p.name for p in victim.iterdir()] == ["precious.txt"]


def test_the_allowed_outside_site_is_built(project: Path, tmp_path: Path) -> None:
    config = project / "transkit.toml"
    config.write_text(config.read_text("utf-8") + '[paths]\nsite = "../public"\n', "utf-8")
    run("--allow-outside", "extract", cwd=project, check=True)
    run("--allow-outside", "build", "--allow-incomplete", cwd=project, check=True)
    assert (tmp_path / "public" / "index.html").is_file()
    result = subprocess.run([TRANSKIT, "status"], cwd=project, capture_output=True, text=True,
                            env={**os.environ, "TRANSKIT_ALLOW_OUTSIDE": "1"})
    assert result.returncode == 0, result.stderr


def test_links_to_outside_files_are_refused(project: Path, tmp_path: Path) -> None:
    run("extract", cwd=project, check=True)
    secret = tmp_path / "secret.html"
    secret.write_text(POST, "utf-8")
    (project / "bulletins" / "leak.html").symlink_to(secret)
    _clean_error(run("extract", cwd=project), "bulletins/leak.html", "leads outside")
    (project / "bulletins" / "leak.html").unlink()
    (project / "glossary").mkdir()
    (project / "glossary" / "terms.csv").symlink_to(tmp_path / "terms.csv")
    (tmp_path / "terms.csv").write_text("ca,fr\nEuropol,Europol\n", "utf-8")
    _clean_error(run("check", cwd=project), "glossary/terms.csv", "leads outside")


def test_a_link_loop_in_bulletins_is_one_line(project: Path) -> None:
    loop = project / "bulletins" / "loop.html"
    loop.symlink_to(project / "bulletins" / "loop2.html")
    (project / "bulletins" / "loop2.html").symlink_to(loop)
    for command in ("extract", "status"):
        _clean_error(run(command, cwd=project), "bulletins/loop", "symbolic link loop")


# --- special files and bounds --------------------------------------------------------------------

@pytest.mark.parametrize("where", ["locales/fr/post.po", "bulletins/post.html",
                                   "glossary/terms.csv", "tm/extra.tmx"])
def test_special_files_are_refused_without_blocking(project: Path, where: str) -> None:
    run("extract", cwd=project, check=True)
    target = project / where
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    os.mkfifo(target)
    commands = {"locales/fr/post.po": ["status", "--no-cache"],
                "bulletins/post.html": ["extract"], "glossary/terms.csv": ["check"],
                "tm/extra.tmx": ["tm", "rebuild"]}[where]
    start = time.monotonic()
    result = subprocess.run([TRANSKIT, *commands], cwd=project, capture_output=True, text=True,
                            timeout=60)
    assert time.monotonic() - start < 60
    _clean_error(result, where, "FIFO")
    target.unlink()
    target.symlink_to("/dev/zero")  # outside the project: refused as such, and as a device
    result = subprocess.run([TRANSKIT, *commands], cwd=project, capture_output=True, text=True,
                            timeout=60)
    _clean_error(result, where, "leads outside the project")
    result = subprocess.run([TRANSKIT, "--allow-outside", *commands], cwd=project,
                            capture_output=True, text=True, timeout=60)
    _clean_error(result, where, "device")
