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
from transkit.project import Project

from .conftest import POST, TRANSKIT, fill, run
from .test_hostile import _clean_error


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

    report = extract(Project.load(two_posts), progress=translator, learn=False)
    assert saved, "the second bulletin was not read after the first"
    assert _msgstr(target, saved[0]) == "Europol arrête 23 personnes"
    assert "locales/fr/post.po" in report.written
    # and extract's own change is there too
    assert catalog.load(target).find("tapar bé el teclat") is not None


# A translator's editor saving as editors do: the new text to a temporary file, then
# renamed over the catalogue (Poedit, Vim's and VS Code's safe write, msgcat -o).
_EDITOR = (
    "import os,re,sys; p=sys.argv[1]; s=open(p,encoding='utf-8').read(); "
    "s=re.sub(r'(msgid \"tapar el teclat\"\\nmsgstr )\"[^\"]*\"', "
    "lambda m: m.group(1)+'\"'+sys.argv[2]+'\"', s); print(sys.argv[2] in s); "
    "open(p+'.swp','w',encoding='utf-8').write(s); os.replace(p+'.swp',p)")


def test_a_save_racing_extract_processes_is_never_lost(two_posts: Path) -> None:
    """A real second writer (another process) saves at different moments of real
    `transkit extract` runs: its translation is in the file afterwards, every time."""
    target = two_posts / "locales" / "es" / "post.po"
    for round_, delay in enumerate((0.05, 0.15, 0.3, 0.45, 0.6, 0.8)):
        (two_posts / "bulletins" / "post.html").write_text(
            POST.replace("revisar el compte", f"revisar el compte {round_}"), encoding="utf-8")
        command = subprocess.Popen([TRANSKIT, "extract"], cwd=two_posts,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        text = f"Traducción {round_}"
        writer = subprocess.run(["python3", "-c", _EDITOR, str(target), text], check=True,
                                capture_output=True, text=True)
        assert writer.stdout.strip() == "True", "the translator's save found no unit"
        out, err = command.communicate(timeout=120)
        assert command.returncode == 0, err
        assert _msgstr(target, "tapar el teclat") == text, (delay, err)


def test_a_save_while_pretranslate_works_keeps_both(two_posts: Path) -> None:
    """Pre-translation drafts go into the units still empty in the translator's newer
    file; the translator's text stays."""
    from transkit.memory import open_store
    from transkit.pretranslate import pretranslate

    root = two_posts
    fill(root, "fr", lambda e: f"FR {e.msgid}")
    # A second copy of the French catalogue, emptied, that the memory can fill.
    shutil.copy(root / "locales" / "fr" / "post.po", root / "fr-done.po")
    po = catalog.load(root / "locales" / "fr" / "second.po")
    for entry in po:
        entry.msgstr = ""
    catalog.save(po, root / "locales" / "fr" / "second.po")
    target = root / "locales" / "fr" / "second.po"
    loaded = Project.load(root)
    store = open_store(loaded)
    saved: list[str] = []

    def translator(count: int) -> None:
        if not saved:
            saved.append(_translate_first(target, "Texte du traducteur"))

    try:
        report = pretranslate(loaded, store, langs=["fr"], progress=translator)
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


# --- Unicode, controls, markers ---------------------------------------------------------------

def test_a_bulletin_saved_again_in_nfd_changes_nothing(project: Path) -> None:
    import unicodedata

    run("extract", cwd=project, check=True)
    fill(project, "fr", lambda e: f"FR {e.msgid}")
    before = _snapshot(project / "locales")
    source = project / "bulletins" / "post.html"
    nfd = unicodedata.normalize("NFD", source.read_text("utf-8"))
    assert nfd != source.read_text("utf-8")
    source.write_text(nfd, "utf-8")
    result = run("status", "--lang", "fr", cwd=project, check=True)
    assert "100" in result.stdout, result.stdout
    run("extract", cwd=project, check=True)
    assert _snapshot(project / "locales") == before


def test_git_conflict_markers_in_a_bulletin_are_refused_with_their_line(project: Path) -> None:
    source = project / "bulletins" / "post.html"
    lines = source.read_text("utf-8").splitlines()
    lines[4:4] = ["<<<<<<< HEAD", "<p>Una versió.</p>", "=======", "<p>Una altra.</p>",
                  ">>>>>>> branca"]
    source.write_text("\n".join(lines) + "\n", "utf-8")
    _clean_error(run("extract", cwd=project), "bulletins/post.html:5:", "conflict marker")
    assert not (project / "locales").exists()


def test_control_characters_and_open_overrides_are_errors_never_tracebacks(
        project: Path) -> None:
    run("extract", cwd=project, check=True)
    for lang in ("es", "en", "fr"):
        fill(project, lang, lambda e: e.msgid)
    path = project / "locales" / "fr" / "post.po"
    po = catalog.load(path)
    title = po.find("Europol detén 23 persones")
    assert title is not None
    title.msgstr = "Europol arrête 23 personnes \u202eoui"
    other = next(u for u in po.active() if "<g1>" in u.msgid)
    other.msgstr = other.msgid.replace("<g1>", "<b title=\x1b]0;pwned\x07>", 1)
    catalog.save(po, path)
    check = run("check", cwd=project)
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert "error[bidi]" in check.stdout and "error[control-characters]" in check.stdout
    assert "\x1b" not in check.stdout and "\x07" not in check.stdout
    assert "\\x1b]0;pwned\\x07" in check.stdout  # shown, escaped
    for command in (["release"], ["build"]):
        result = run(*command, cwd=project)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr and "\x1b" not in result.stderr
    result = run("build", "--allow-incomplete", cwd=project)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    page = (project / "site" / "fr" / "post.html").read_text("utf-8")
    assert "\x1b" not in page and "\u202e" not in page


def test_bidi_balance() -> None:
    from transkit.text import unbalanced_bidi

    assert unbalanced_bidi("a \u2067مرحبا\u2069 b") is None
    assert unbalanced_bidi("\u202bx\u2067y\u2069z\u202c") is None
    assert unbalanced_bidi("a \u202eb") is not None
    assert unbalanced_bidi("a \u2069") is not None
    assert unbalanced_bidi("\u2067x\u202c\u2069") is not None  # PDF closes no isolate


def test_terminal_escapes_from_memory_are_shown_escaped(project: Path) -> None:
    run("extract", cwd=project, check=True)
    fill(project, "fr", lambda e: f"\x1b]0;owned\x07{e.msgid}")
    run("extract", cwd=project, check=True)  # the memory learns it
    result = run("tm", "lookup", "--from", "ca", "--to", "fr", "Europol detén 23 persones",
                 cwd=project)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\\x1b]0;owned\\x07" in result.stdout


# --- the process: environment, interrupts, output ------------------------------------------------

def test_a_bad_lock_timeout_is_one_line(project: Path) -> None:
    for value in ("nan", "-1", "inf", "soon"):
        result = subprocess.run([TRANSKIT, "extract"], cwd=project, capture_output=True,
                                text=True, env={**os.environ, "TRANSKIT_LOCK_TIMEOUT": value})
        _clean_error(result, "TRANSKIT_LOCK_TIMEOUT")


def test_ctrl_c_is_one_line_and_exit_130(project: Path) -> None:
    import signal

    run("extract", cwd=project, check=True)
    process = subprocess.Popen([TRANSKIT, "tm", "lookup", "--stdin", "--from", "ca", "--to",
                                "fr"], cwd=project, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write('"Europol detén 23 persones"\n')
    process.stdin.flush()
    process.stdout.readline()  # it is serving
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err


def test_output_that_cannot_be_written_is_reported(project: Path) -> None:
    with open("/dev/full", "w") as full:
        for args in (["--version"], ["--help"], ["status"]):
            result = subprocess.run([TRANSKIT, *args], cwd=project, stdout=full,
                                    stderr=subprocess.PIPE, text=True)
            assert result.returncode == 2, (args, result.stderr)
            assert result.stderr.strip().splitlines() == [
                "transkit: error: cannot write the output: No space left on device"], result.stderr
    closed = subprocess.run(f"{TRANSKIT} status --missing >&-", shell=True, cwd=project,
                            capture_output=True, text=True)
    assert closed.returncode == 2 and "standard output is closed" in closed.stderr
    piped = subprocess.run(f"{TRANSKIT} check --list | head -1; exit ${{PIPESTATUS[0]}}",
                           shell=True, executable="/bin/bash", cwd=project,
                           capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stderr == "", piped.stderr


def test_a_status_cache_of_another_shape_is_discarded(project: Path) -> None:
    import marshal

    run("extract", cwd=project, check=True)
    expected = run("status", cwd=project, check=True).stdout
    folder = project / ".transkit" / "cache"
    from transkit.status_cache import CACHE_VERSION

    for name, data in (("status.marshal", {"version": CACHE_VERSION, "files": {
            "locales/fr/post.po": [1, 2, 3]}, "sources": []}),
                       ("status-summary.marshal", {"version": CACHE_VERSION,
                                                   "fingerprint": None, "languages": 7})):
        for path in folder.glob("*.marshal"):
            path.unlink()
        run("status", cwd=project, check=True)
        (folder / name).write_bytes(marshal.dumps(data))
        result = run("status", "--no-cache", cwd=project)  # the cache is not read: same
        assert result.stdout == expected
        for stat_file in folder.glob("*.marshal"):  # make every cached signature match
            os.utime(stat_file)
        result = run("status", cwd=project)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        assert result.stdout == expected


# --- the memory ---------------------------------------------------------------------------------

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence"
o-tmf="t" adminlang="en" srclang="ca" datatype="plaintext"/><body>
<tu><tuv xml:lang="ca"><seg>{ca}</seg></tuv><tuv xml:lang="fr"><seg>{fr}</seg></tuv></tu>
</body></tmx>
"""


def test_two_memories_of_one_name_are_both_kept(project: Path, tmp_path: Path) -> None:
    run("extract", cwd=project, check=True)
    for folder, (ca, fr) in (("a", ("Bon dia a tothom", "Bonjour à tous")),
                             ("b", ("Bona nit a tothom", "Bonne nuit à tous"))):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "mem.tmx").write_text(TMX.format(ca=ca, fr=fr), "utf-8")
        run("tm", "import", str(tmp_path / folder / "mem.tmx"), cwd=project, check=True)
    run("tm", "import", str(tmp_path / "a" / "mem.tmx"), cwd=project, check=True)  # again
    assert sorted(p.name for p in (project / "tm").iterdir()) == ["mem-2.tmx", "mem.tmx"]
    run("tm", "rebuild", cwd=project, check=True)
    for ca, fr in (("Bon dia a tothom", "Bonjour à tous"), ("Bona nit a tothom",
                                                             "Bonne nuit à tous")):
        found = run("tm", "lookup", "--from", "ca", "--to", "fr", ca, cwd=project,
                    check=True).stdout
        assert fr in found, found


def test_rebuild_moves_a_damaged_memory_aside_and_learns_again(project: Path) -> None:
    run("extract", cwd=project, check=True)
    fill(project, "fr", lambda e: f"FR {e.msgid}")
    run("extract", cwd=project, check=True)
    memory = project / ".transkit" / "tm.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(f"{memory}{suffix}").unlink(missing_ok=True)
    memory.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    first = run("status", "--lang", "fr", cwd=project)
    assert first.returncode == 0  # status needs no memory
    broken = run("tm", "lookup", "--from", "ca", "--to", "fr", "Europol detén 23 persones",
                 cwd=project)
    _clean_error(broken, "tm rebuild")
    result = run("tm", "rebuild", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "moved aside" in result.stderr
    assert list(memory.parent.glob("tm.sqlite.damaged-*"))
    found = run("tm", "lookup", "--from", "ca", "--to", "fr", "Europol detén 23 persones",
                cwd=project, check=True).stdout
    assert "FR Europol" in found


# --- the build streams ---------------------------------------------------------------------------

def test_the_build_stages_pages_as_it_goes_and_a_refusal_leaves_nothing(project: Path) -> None:
    from transkit.build import build_site

    run("extract", cwd=project, check=True)
    run("build", "--allow-incomplete", cwd=project, check=True)
    before = _snapshot(project / "site")
    report = build_site(Project.load(project), allow_incomplete=True)
    assert report.staging is not None and report.staging.is_dir()
    staged = {p.relative_to(report.staging) for p in report.staging.rglob("*.html")}
    assert {p.relative_to(report.out) for p in report.files} == staged  # on disk, not held
    report.discard()
    assert not list(project.glob(".site.*"))
    assert _snapshot(project / "site") == before
    result = run("release", cwd=project)  # refused: incomplete
    assert result.returncode == 1
    assert not list(project.glob(".site.*")) and _snapshot(project / "site") == before


def test_a_save_between_the_comparison_and_the_swap_is_put_back(tmp_path: Path) -> None:
    """The last step: the staged file and the target are exchanged in one step, and what
    came out is compared again; an editor's save that landed after the first comparison
    is found there and put back."""
    from transkit.errors import InputError
    from transkit.fsutil import Changes, read_seen

    path = tmp_path / "fr.po"
    path.write_text("msgid \"a\"\nmsgstr \"\"\n", "utf-8")
    _, seen = read_seen(path)
    changes = Changes()
    changes.write(path, b"msgid \"a\"\nmsgstr \"stale\"\n", seen)
    original = changes.stale

    def save_then_compare() -> list[Path]:
        found = original()  # the comparison passes, then the editor saves
        (tmp_path / "swap").write_text("msgid \"a\"\nmsgstr \"editor\"\n", "utf-8")
        os.replace(tmp_path / "swap", path)
        return found

    changes.stale = save_then_compare  # type: ignore[method-assign]
    with pytest.raises(InputError, match="changed on disk"):
        changes.commit()
    assert "editor" in path.read_text("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fr.po"]


def test_machine_drafts_saved_after_a_translators_save_keep_both(two_posts: Path) -> None:
    """Machine translation saves after every batch: a save made between two batches is
    kept, and the batches' drafts go into the units still empty."""
    from transkit.pretranslate import save_drafts

    path = two_posts / "locales" / "fr" / "post.po"
    job = catalog.load(path)
    empty = [u for u in job.active() if not u.has_target]
    mine = _translate_first(path, "Texte du traducteur")
    for unit in empty:
        unit.msgstr = f"[MT] {unit.msgid}"
        unit.set_fuzzy()
    save_drafts(job, path)
    save_drafts(job, path)  # a later batch: the same merge again, nothing lost
    result = catalog.load(path)
    assert result.find(mine).msgstr == "Texte du traducteur"  # type: ignore[union-attr]
    others = [u for u in result.active() if u.msgid != mine]
    assert others and all(u.msgstr.startswith("[MT] ") and u.fuzzy for u in others)


def test_undoing_a_swap_never_takes_back_a_newer_save(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A command writes A (new) and B; A is swapped in, then an editor saves A and B
    ("save all", a git pull) just before B's swap: B is stale, the command takes its
    swaps back, but A now holds the editor's save, which stays; a file the command
    created is removed only while it is still the command's."""
    from transkit import fsutil
    from transkit.errors import InputError

    a, b, c = tmp_path / "a.po", tmp_path / "b.po", tmp_path / "c.po"
    a.write_text("A original\n", "utf-8")
    b.write_text("B original\n", "utf-8")
    changes = fsutil.Changes()
    changes.write(a, b"A from the command\n", fsutil.read_seen(a)[1])
    changes.write(c, b"C created by the command\n", None)
    changes.write(b, b"B from the command\n", fsutil.read_seen(b)[1])
    real = fsutil._exchange

    def editor_saves_before_b(tmp: str, path: Path) -> bool:
        if path == b and not (tmp_path / "saved").exists():
            (tmp_path / "saved").write_text("", "utf-8")
            for target, text in ((a, "A saved by the editor\n"), (b, "B saved by the editor\n")):
                (tmp_path / "swp").write_text(text, "utf-8")
                os.replace(tmp_path / "swp", target)
        return real(tmp, path)

    monkeypatch.setattr(fsutil, "_exchange", editor_saves_before_b)
    with pytest.raises(InputError, match="changed on disk"):
        changes.commit()
    assert a.read_text("utf-8") == "A saved by the editor\n"
    assert b.read_text("utf-8") == "B saved by the editor\n"
    assert not c.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.po", "b.po", "saved"]


def test_a_site_link_or_a_folder_of_other_files_is_never_replaced(project: Path) -> None:
    run("extract", cwd=project, check=True)
    docs = project / "docs"
    docs.mkdir()
    (docs / "notes.md").write_text("the team's notes", "utf-8")
    (project / "site").symlink_to(docs)
    _clean_error(run("build", "--allow-incomplete", cwd=project), "site", "symbolic link")
    _clean_error(run("--allow-outside", "build", "--allow-incomplete", cwd=project),
                 "symbolic link")
    (project / "site").unlink()
    _clean_error(run("build", "--allow-incomplete", "--out", "docs", cwd=project),
                 "docs", "did not build")
    assert [p.name for p in docs.iterdir()] == ["notes.md"]
    run("build", "--allow-incomplete", cwd=project, check=True)  # its own folder: built
    run("build", "--allow-incomplete", cwd=project, check=True)  # and rebuilt


def test_a_memory_named_in_the_environment_is_held_to_the_project(project: Path,
                                                                  tmp_path: Path) -> None:
    run("extract", cwd=project, check=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("not a memory", "utf-8")
    for locator, command in ((str(victim), ["tm", "rebuild"]),
                             ("../outside.sqlite", ["extract"])):
        result = subprocess.run([TRANSKIT, *command], cwd=project, capture_output=True,
                                text=True, env={**os.environ, "TRANSKIT_TM_URL": locator})
        _clean_error(result, "leads outside the project")
    assert victim.read_text("utf-8") == "not a memory"
    assert not (tmp_path / "outside.sqlite").exists()
    # Allowed, a file that is no SQLite database is still never moved aside or replaced.
    result = subprocess.run([TRANSKIT, "--allow-outside", "tm", "rebuild"], cwd=project,
                            capture_output=True, text=True,
                            env={**os.environ, "TRANSKIT_TM_URL": str(victim)})
    _clean_error(result, "victim.txt", "not an SQLite translation memory")
    assert victim.read_text("utf-8") == "not a memory"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("victim")] == [
        "victim.txt"]


@pytest.mark.parametrize("setting", ['[paths]\nsite = "site\\u0000x"\n',
                                     '[tm]\npath = "tm\\u001b.sqlite"\n'])
def test_control_characters_in_configured_paths_are_one_line(project: Path,
                                                             setting: str) -> None:
    config = project / "transkit.toml"
    config.write_text(config.read_text("utf-8") + setting, "utf-8")
    _clean_error(run("status", cwd=project), "transkit.toml:", "control character")


def test_allow_outside_takes_yes_or_no_only(project: Path) -> None:
    for value in ("2", "maybe"):
        result = subprocess.run([TRANSKIT, "status"], cwd=project, capture_output=True,
                                text=True, env={**os.environ, "TRANSKIT_ALLOW_OUTSIDE": value})
        _clean_error(result, "TRANSKIT_ALLOW_OUTSIDE")


@pytest.mark.parametrize("html", ["<p>Un text \u202eamagat que gira la resta.</p>",
                                  '<p><img src="x.jpg" alt="agent \u2067al caixer"> Text.</p>'])
def test_unbalanced_bidi_in_a_bulletin_is_refused_with_its_line(project: Path,
                                                                html: str) -> None:
    source = project / "bulletins" / "post.html"
    text = source.read_text("utf-8").replace("<pre>", html + "\n<pre>", 1)
    source.write_text(text, "utf-8")
    line = text[:text.index(html)].count("\n") + 1
    _clean_error(run("extract", cwd=project), f"bulletins/post.html:{line}:",
                 "bidirectional controls do not balance")
    balanced = text.replace("\u202eamagat", "\u202eamagat\u202c").replace(
        "\u2067al caixer", "\u2067al caixer\u2069")
    source.write_text(balanced, "utf-8")
    run("extract", cwd=project, check=True)


def test_a_special_configuration_or_memory_file_is_named_as_such(project: Path,
                                                                tmp_path: Path) -> None:
    run("extract", cwd=project, check=True)
    fifo = tmp_path / "mem.tmx"
    os.mkfifo(fifo)
    _clean_error(run("tm", "import", str(fifo), cwd=project), "mem.tmx", "not a regular file")
    config = project / "transkit.toml"
    config.unlink()
    os.mkfifo(config)
    _clean_error(run("status", cwd=project), "transkit.toml", "not a regular file")
