"""Hostile and unlucky inputs, run as a user runs transkit: a name that would escape the
project, a folder where a file should be, a full disk, credentials in every URL form.
Each gives one line `path: reason`, exit code 2, no traceback, and leaves every file as
it was (or whole and new); no credential is ever printed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from transkit import catalog

from .conftest import TRANSKIT, fill, run

PAGES = Path(__file__).parent / "data" / "align" / "pages"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".transkit" not in p.parts}


def _clean_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """The one error line of a refused command (exit 2, no traceback), holding `needles`."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines()
             if line.strip() and not line.startswith("warning: ")]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


# --- names and paths ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../../x", "a b", ".hidden", "x/y", "", "x\n"])
def test_a_document_name_is_one_safe_segment(project: Path, tmp_path: Path, name: str) -> None:
    source = tmp_path / "2019-01-ransomware.html"
    shutil.copy(PAGES / "2019-01-ransomware.ca.clean.html", source)
    before = _snapshot(tmp_path)
    result = run("align", str(source), str(PAGES / "2019-01-ransomware.fr.clean.html"),
                 "--lang", "fr", "--force", "--name", name, cwd=project)
    _clean_error(result, "document name")
    assert _snapshot(tmp_path) == before


def test_locales_or_site_that_is_a_file(project: Path) -> None:
    run("extract", cwd=project, check=True)
    site = project / "site"
    site.write_text("not a folder", "utf-8")
    _clean_error(run("build", "--allow-incomplete", cwd=project), "site")
    assert site.read_text("utf-8") == "not a folder"
    shutil.rmtree(project / "locales")
    (project / "locales").write_text("not a folder", "utf-8")
    _clean_error(run("extract", cwd=project), "locales")
    assert (project / "locales").read_text("utf-8") == "not a folder"


def test_a_folder_where_a_page_goes_leaves_the_previous_site_whole(project: Path) -> None:
    run("extract", cwd=project, check=True)
    run("build", "--allow-incomplete", cwd=project, check=True)
    before = _snapshot(project / "site")
    shutil.rmtree(project / "site" / "aligned")
    (project / "site" / "aligned").mkdir()
    (project / "site" / "aligned" / "post.html").mkdir()
    before = _snapshot(project / "site")
    # A partial build keeps the rest of the site, so it meets the folder: refused whole.
    _clean_error(run("build", "--allow-incomplete", "--lang", "fr", cwd=project), "post.html")
    assert _snapshot(project / "site") == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []
    # A whole build starts from nothing: the new site replaces the old, folder and all.
    run("build", "--allow-incomplete", cwd=project, check=True)
    assert (project / "site" / "aligned" / "post.html").is_file()


def test_state_folder_in_the_way(project: Path) -> None:
    (project / ".transkit").mkdir()
    (project / ".transkit" / "lock").mkdir()
    _clean_error(run("extract", cwd=project), "lock")
    shutil.rmtree(project / ".transkit")
    (project / ".transkit").write_text("x", "utf-8")
    _clean_error(run("extract", cwd=project), ".transkit")


def test_unwritable_export_and_undecodable_input(project: Path, tmp_path: Path) -> None:
    run("extract", cwd=project, check=True)
    _clean_error(run("tm", "export", "/proc/transkit-cannot-be-here.tmx", cwd=project),
                 "/proc/")
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Adéu. Fins demà.\n".encode("latin-1"))
    _clean_error(run("segment", "--lang", "ca", str(bad), cwd=project), "latin1.txt:1:",
                 "UTF-8")


# --- credentials -------------------------------------------------------------------------

SECRET = "S3cretPass"


@pytest.mark.parametrize("url", [
    f"postgresql://u@127.0.0.1:9/db?password={SECRET}",
    f"postgresql://u:{SECRET}@127.0.0.1:9/db",
    f"host=127.0.0.1 port=9 dbname=db password={SECRET}",
    f"host=127.0.0.1 port=9 password='{SECRET}'",
    f"postgresql://u:{SECRET}@127.0.0.1:notaport/db",
    f"postgresql://u:{SECRET}@[::1/db",
])
def test_tm_urls_never_show_their_secret_nor_become_files(project: Path, url: str) -> None:
    run("extract", cwd=project, check=True)
    before = sorted(p.name for p in project.iterdir())
    env = {**os.environ, "TRANSKIT_TM_URL": url, "PGCONNECT_TIMEOUT": "3"}
    result = subprocess.run([TRANSKIT, "tm", "stats"], cwd=project, capture_output=True,
                            text=True, env=env, timeout=60)
    _clean_error(result)
    assert SECRET not in result.stdout + result.stderr
    assert sorted(p.name for p in project.iterdir()) == before  # no file named after it


def test_unknown_tm_url_scheme_is_refused(project: Path) -> None:
    env = {**os.environ, "TRANSKIT_TM_URL": "mysql://root@localhost/tm"}
    result = subprocess.run([TRANSKIT, "tm", "stats"], cwd=project, capture_output=True,
                            text=True, env=env, timeout=60)
    _clean_error(result, "mysql")
    assert not any("mysql" in p.name for p in project.rglob("*"))


def test_deepl_server_credentials_are_never_printed(project: Path) -> None:
    run("extract", cwd=project, check=True)
    env = {**os.environ, "DEEPL_AUTH_KEY": "key-1234567890:fx",
           "DEEPL_SERVER_URL": "http://admin:hunter2@127.0.0.1:9"}
    result = subprocess.run([TRANSKIT, "pretranslate", "--mt", "deepl"], cwd=project,
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    output = result.stdout + result.stderr
    assert "hunter2" not in output and "key-1234567890" not in output


# --- a full disk -------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A 160 KiB tmpfs (root only: mounting needs it)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill_disk(folder: Path, leave: int) -> None:
    """Take the free space of `folder`'s file system down to about `leave` bytes."""
    stat = os.statvfs(folder)
    free = stat.f_bavail * stat.f_frsize
    if free > leave:
        (folder / "ballast").write_bytes(b"\0" * (free - leave))


@pytest.mark.parametrize("leave", [4096, 20_000, 60_000])
def test_full_disk_during_extract_and_build(demo: Path, small_disk: Path, leave: int) -> None:
    root = small_disk / "demo"
    shutil.copytree(demo, root, ignore=shutil.ignore_patterns(".transkit"))
    before = _snapshot(root)
    _fill_disk(small_disk, leave)
    (root / "bulletins" / "2019-01-ransomware.html").write_text(
        (demo / "bulletins" / "2019-01-ransomware.html").read_text("utf-8").replace(
            "</article>", "<p>Una frase afegida per omplir el disc.</p></article>", 1),
        "utf-8") if leave > 8000 else None
    for command in (("extract",), ("build", "--allow-incomplete"), ("tm", "rebuild")):
        result = run(*command, cwd=root)
        assert "Traceback" not in result.stderr, result.stderr
        if result.returncode != 0:
            _clean_error(result)
        # Every catalogue is whole: the old bytes or a file msgfmt accepts.
        for rel, data in before.items():
            path = root / rel
            if rel.startswith("locales/") and path.read_bytes() != data:
                check = subprocess.run(["msgfmt", "-o", os.devnull, str(path)],
                                       capture_output=True)
                assert check.returncode == 0, (command, rel)
        assert not [p for p in root.rglob("*.tmp")], command
        assert [p.name for p in root.iterdir() if p.name.startswith(".site")] == []


# --- configuration -----------------------------------------------------------------------

@pytest.mark.parametrize("edit,message,where", [
    (("source_language", "source_langauge"),
     "unknown key 'source_langauge' in [project] (did you mean 'source_language'?)",
     "source_langauge"),
    (("[release]", "[relase]"), "unknown table [relase] (did you mean 'release'?)",
     "[relase]"),
    (("# disable = [\"length\"]", "disable = [\"lenght\"]"),
     "unknown check 'lenght' in checks.disable (did you mean 'length'?)", "lenght"),
    (("threshold = 75", "threshold = true"), "threshold in [tm] must be a whole number",
     "threshold = true"),
    (('languages = ["ca", "es", "en", "fr"]', 'languages = ["ca", "es", "en", "fre"]'),
     "unknown language code 'fre' (did you mean 'fr'?)", '"fre"'),
    (("# [checks.severity]", "[checks.severity]\nglosary = \"error\"\n#"),
     "unknown check 'glosary' in [checks.severity] (did you mean 'glossary'?)", "glosary"),
    (('languages = ["ca", "es", "en", "fr"]', 'languages = ["ca", "es", "es", "fr"]'),
     "languages lists 'es' twice", "languages ="),
    (("threshold = 100", "threshold = 140"), "release.threshold must be between 0 and 100",
     "threshold = 140"),
    (('french_spacing = "either"', 'french_spacing = "eithr"'),
     "did you mean 'either'?", "eithr"),
    (('locales = "locales"', 'locales = "../.."'), "paths.locales must be inside the project",
     '"../.."'),
])
def test_configuration_typos_are_errors_with_their_line(tmp_path: Path,
                                                        edit: tuple[str, str],
                                                        message: str, where: str) -> None:
    from transkit.config import default_config

    root = tmp_path / "p"
    root.mkdir()
    text = default_config("p")  # what `transkit init` writes
    assert edit[0] in text
    text = text.replace(edit[0], edit[1], 1)
    (root / "transkit.toml").write_text(text, "utf-8")
    result = run("status", cwd=root)
    _clean_error(result, message)
    line = int(result.stderr.split("transkit.toml:", 1)[1].split(":", 1)[0])
    assert where in text.split("\n")[line - 1]
    assert not (root / "locales" / "fre").exists()


def test_check_ids_in_the_configuration_are_the_registry() -> None:
    # A new process: this one's registries were read while test plug-ins came and went.
    code = ("from transkit.checks import check_classes; from transkit.config import check_ids; "
            "print(check_ids() == sorted(c.id for c in check_classes()), len(check_ids()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    assert out[0] == "True" and int(out[1]) >= 27, out


def test_init_force_keeps_an_existing_configuration(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "transkit.toml").write_text('[project]\nname = "mine"\n', "utf-8")
    result = run("init", str(root), "--force", cwd=tmp_path, check=True)
    assert (root / "transkit.toml").read_text("utf-8") == '[project]\nname = "mine"\n'
    assert "kept" in result.stdout and "transkit.toml" in result.stdout
    assert "created" not in [line.split()[0] for line in result.stdout.splitlines()
                             if "transkit.toml" in line]


# --- two writers ---------------------------------------------------------------------------

HOLD = """
import sys, time
from pathlib import Path
from transkit.project import Project
sys.argv = ["transkit", "extract"]
with Project.load(Path.cwd()).lock():
    print("held", flush=True)
    time.sleep(float({seconds}))
"""


def _holding(project: Path, seconds: float) -> subprocess.Popen[str]:
    import sys

    holder = subprocess.Popen([sys.executable, "-c", HOLD.format(seconds=seconds)],
                              cwd=project, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_writer_waits_or_fails_fast(project: Path) -> None:
    holder = _holding(project, 2.5)
    try:
        fast = run("--no-wait", "extract", cwd=project)
        _clean_error(fast, "locked by transkit extract (pid")
        waited = run("extract", cwd=project)
        assert waited.returncode == 0, waited.stderr
        assert "waiting for the project lock, held by transkit extract" in waited.stderr
    finally:
        holder.wait(timeout=30)
    holder = _holding(project, 5)
    try:
        env = {**os.environ, "TRANSKIT_LOCK_TIMEOUT": "0.5"}
        late = subprocess.run([TRANSKIT, "extract"], cwd=project, capture_output=True,
                              text=True, env=env, timeout=60)
        assert late.returncode == 2 and "still locked by transkit extract" in late.stderr
    finally:
        holder.wait(timeout=30)


def test_a_deleted_bulletin_leaves_orphans_until_pruned(demo: Path) -> None:
    run("extract", cwd=demo, check=True)
    (demo / "bulletins" / "2019-01-ransomware.html").unlink()
    status = run("status", "--format", "json", cwd=demo)
    assert '"complete": false' in status.stdout
    table = run("status", "--by-doc", cwd=demo).stdout
    assert "100.0" not in [line.split()[-1] for line in table.splitlines()
                           if "2019-01-ransomware" in line]
    blocked = run("release", cwd=demo)
    assert blocked.returncode == 1 and "orphan" in blocked.stderr and "--prune" in blocked.stderr
    warned = run("extract", cwd=demo, check=True)
    assert "--prune" in warned.stderr
    pruned = run("extract", "--prune", cwd=demo, check=True)
    assert "removed locales/fr/2019-01-ransomware.po" in pruned.stdout
    assert not list(demo.glob("locales/*/2019-01-ransomware.po*"))
    run("release", cwd=demo, check=True)
    found = run("tm", "lookup", "No pagueu el rescat.", "--from", "ca", "--to", "fr",
                cwd=demo, check=True).stdout
    assert "Ne payez pas la rançon." in found  # the memory keeps what the catalogues held


def test_catalogues_made_before_the_first_extract_are_merged_not_pruned(
        project: Path) -> None:
    """A team bringing its existing catalogues: `locales/fr/post.po` is there before the
    first `extract` made the template. It is no orphan (its bulletin is there): extract
    merges it, and `--prune` used to delete it with its translations, then said it had
    carried them over."""
    run("extract", cwd=project, check=True)
    fill(project, "fr", lambda e: "FR " + e.msgid)
    (project / "locales" / "ca" / "post.pot").unlink()  # as if never extracted
    warned = run("extract", cwd=project, check=True)
    assert "gone" not in warned.stderr and "--prune" not in warned.stderr, warned.stderr
    (project / "locales" / "ca" / "post.pot").unlink()
    pruned = run("extract", "--prune", cwd=project, check=True)
    assert "removed" not in pruned.stdout, pruned.stdout
    kept = catalog.load(project / "locales" / "fr" / "post.po")
    assert kept.active() and all(u.msgstr.startswith("FR ") for u in kept.active())


def test_a_catalogues_own_plural_forms_are_kept_by_extract(project: Path) -> None:
    """A team's catalogue with gettext's classic French formula (two forms) and plural
    entries of two forms: extract used to write Babel's three-form formula over it, a file
    msgfmt -c then refuses ("some messages have only 2 plural forms")."""
    from transkit.unit import Unit

    from .conftest import gettext_tool

    run("extract", cwd=project, check=True)
    path = project / "locales" / "fr" / "post.po"
    po = catalog.load(path)
    classic = "nplurals=2; plural=(n > 1);"
    po.metadata["Plural-Forms"] = classic
    po.append(Unit("One file", msgid_plural="%d files",
                   msgstr_plural={0: "Un fichier", 1: "%d fichiers"}))
    catalog.save(po, path)
    subprocess.run([gettext_tool("msgfmt"), "-c", "-o", os.devnull, str(path)], check=True)
    run("extract", cwd=project, check=True)
    merged = catalog.load(path)
    assert merged.metadata["Plural-Forms"] == classic
    assert any(u.msgid_plural == "%d files" and u.msgstr_plural == {
        0: "Un fichier", 1: "%d fichiers"} for u in merged.obsolete())  # kept
    checked = subprocess.run([gettext_tool("msgfmt"), "-c", "-o", os.devnull, str(path)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    es = catalog.load(project / "locales" / "es" / "post.po")
    assert es.metadata["Plural-Forms"].startswith("nplurals=3;")  # Babel's, untouched
    found = run("check", "--only", "po-header", "--only", "plural-formula", "--lang", "fr",
                cwd=project)
    assert "error[po-header]" not in found.stdout, found.stdout
    assert "warning[plural-formula]" in found.stdout and "not Babel's" in found.stdout


def test_a_plural_entry_short_of_the_formulas_forms_is_an_error(project: Path) -> None:
    run("extract", cwd=project, check=True)
    path = project / "locales" / "fr" / "post.po"
    po = catalog.load(path)
    from transkit.unit import Unit

    po.append(Unit("One file", msgid_plural="%d files",
                   msgstr_plural={0: "Un fichier", 1: "%d fichiers"}))
    catalog.save(po, path)  # Babel's formula for fr has three forms
    found = run("check", "--only", "po-header", "--lang", "fr", cwd=project)
    assert found.returncode == 1
    assert "2 plural form(s) where Plural-Forms says nplurals=3" in found.stdout


def test_status_formats_are_one_document_each(demo: Path) -> None:
    import json

    run("extract", cwd=demo, check=True)
    path = demo / "locales/fr/2019-01-ransomware.po"
    path.write_text(path.read_text("utf-8").replace('msgstr "Ne payez pas la rançon."',
                                                    'msgstr ""'), "utf-8")
    out = run("status", "--missing", "--checks", "--format", "json", cwd=demo, check=True)
    data = json.loads(out.stdout)  # nothing after the JSON object
    fr = data["languages"]["fr"]
    assert fr["missing"] and fr["missing"][0]["source"] == "No pagueu el rescat."
    assert "findings" in fr and fr["complete"] is False
    md = run("status", "--missing", "--format", "markdown", cwd=demo, check=True).stdout
    assert all(line.startswith(("|", "- ", "Missing:")) or not line.strip()
               for line in md.splitlines()), md


def test_review_page_path_that_is_a_folder(project: Path, tmp_path: Path) -> None:
    source = tmp_path / "2019-01-ransomware.html"
    shutil.copy(PAGES / "2019-01-ransomware.ca.clean.html", source)
    out = tmp_path / "review.html"
    out.mkdir()
    result = run("align", str(source), str(PAGES / "2019-01-ransomware.fr.clean.html"),
                 "--html", str(out), cwd=project)
    _clean_error(result, "review.html")


def test_build_blocked_lists_in_file_order_and_units_agree(project: Path) -> None:
    extracted = run("extract", cwd=project, check=True).stdout
    units = int(extracted.split(" document(s), ")[1].split(" units")[0])
    import json

    status = json.loads(run("status", "--format", "json", cwd=project, check=True).stdout)
    assert status["languages"]["ca"]["units"] == units  # one notion of a unit
    blocked = run("build", cwd=project)
    assert blocked.returncode == 1
    assert blocked.stderr.startswith("transkit: build")
    listed = [line.strip() for line in blocked.stderr.splitlines()[1:]]
    count = int(blocked.stderr.split("blocked by ")[1].split(" problem")[0])
    assert count == len(listed) == len(set(listed))
    keys = [(ln.split(":")[0], int(ln.split(":")[1])) for ln in listed]
    assert keys == sorted(keys)


# --- found by a hostile sweep ------------------------------------------------------------

@pytest.mark.parametrize("url", [f"postgresql:bob:{SECRET}@127.0.0.1/tm",
                                 f"bob:{SECRET}@127.0.0.1/tm",
                                 f"postgresql://bob:{SECRET}@Pw@127.0.0.1:9/tm"])
def test_urls_gone_wrong_never_become_files_nor_leak(project: Path, url: str) -> None:
    before = sorted(p.name for p in project.iterdir())
    env = {**os.environ, "TRANSKIT_TM_URL": url, "PGCONNECT_TIMEOUT": "3"}
    result = subprocess.run([TRANSKIT, "tm", "stats"], cwd=project, capture_output=True,
                            text=True, env=env, timeout=60)
    _clean_error(result)
    assert SECRET not in result.stdout + result.stderr and "Pw@" not in result.stderr
    assert sorted(p.name for p in project.iterdir()) == before


def test_a_deepl_key_with_a_line_end_is_never_printed(project: Path) -> None:
    run("extract", cwd=project, check=True)
    env = {**os.environ, "DEEPL_AUTH_KEY": "DeepLKey9abc\r", "DEEPL_SERVER_URL":
           "http://127.0.0.1:1"}
    result = subprocess.run([TRANSKIT, "mt", "usage"], cwd=project, capture_output=True,
                            text=True, env=env, timeout=120)
    assert "Traceback" not in result.stderr
    assert "DeepLKey9abc" not in result.stdout + result.stderr


def test_unextracted_bulletins_fail_the_completeness_check(demo: Path) -> None:
    run("extract", cwd=demo, check=True)
    shutil.copy(demo / "bulletins" / "2019-01-ransomware.html",
                demo / "bulletins" / "2019-04-nou.html")
    checked = run("status", "--check", cwd=demo)
    assert checked.returncode == 1 and "bulletins/2019-04-nou.html: not extracted" in \
        checked.stderr
    shutil.rmtree(demo / "locales")
    assert run("status", "--check", cwd=demo).returncode == 1


@pytest.mark.parametrize("out", ["bulletins", "locales", ".", "..", "glossary"])
def test_the_site_cannot_be_a_source_folder_or_the_project(demo: Path, out: str) -> None:
    run("extract", cwd=demo, check=True)
    before = _snapshot(demo)
    _clean_error(run("build", "--allow-incomplete", "--out", out, cwd=demo),
                 "the site needs a folder of its own")
    assert _snapshot(demo) == before


def test_special_files_are_never_replaced(project: Path, tmp_path: Path) -> None:
    run("extract", cwd=project, check=True)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    _clean_error(run("tm", "export", str(fifo), cwd=project), "FIFO")
    assert fifo.is_fifo()


@pytest.mark.parametrize("text,reason", [("Cont\x01rol.", "control character U+0001"),
                                         ("Valor &lt;g1&gt; sol.", "reads as a transkit "
                                                                   "placeholder")])
def test_bulletin_text_a_unit_cannot_carry(project: Path, text: str, reason: str) -> None:
    post = project / "bulletins" / "post.html"
    post.write_text(post.read_text("utf-8").replace("</article>", f"<p>{text}</p></article>"),
                    "utf-8")
    _clean_error(run("extract", cwd=project), "bulletins/post.html:", reason)
    assert not (project / "locales").exists()


def test_arguments_that_are_not_utf8(project: Path) -> None:
    run("extract", cwd=project, check=True)
    result = subprocess.run([TRANSKIT.encode(), b"tm", b"lookup", b"\xff", b"--from", b"ca",
                             b"--to", b"es"], cwd=project, capture_output=True, timeout=60)
    assert result.returncode == 2 and b"Traceback" not in result.stderr

def test_a_folder_where_the_memory_file_goes(project: Path) -> None:
    (project / ".transkit" / "tm.sqlite").mkdir(parents=True)
    for command in (("extract",), ("tm", "rebuild")):
        _clean_error(run(*command, cwd=project), ".transkit/tm.sqlite: is a folder")
