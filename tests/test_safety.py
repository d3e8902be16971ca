"""A translator's save is never lost, and nothing outside the project is touched: saves
racing a command, all-or-nothing writes, links and special files, bounded reads."""

from __future__ import annotations

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
             "open(p,'w',encoding='utf-8').write(s)", str(target), text], check=True)
        assert writer.returncode == 0
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
