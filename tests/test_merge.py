"""The git merge driver for catalogues: real repositories in tmp_path, real `git merge`,
each situation beside what git's own line merge makes of it."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from transkit import catalog
from transkit.catalog.merge import CONFLICT_MARK, is_conflict

from .conftest import POST, fill, gettext_tool, run

FR = "locales/fr/post.po"


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                            check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}:\n{result.stdout}\n{result.stderr}")
    return result


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


@pytest.fixture
def repo(project: Path) -> Path:
    """The test project in git: extracted, committed on main, the driver set up."""
    git(project, "init", "-q", "-b", "main")
    (project / ".gitignore").write_text(".transkit/\nsite/\n", "utf-8")  # as init writes
    git(project, "config", "user.email", "t@example.org")
    git(project, "config", "user.name", "Tester")
    run("extract", cwd=project, check=True)
    out = run("git-setup", cwd=project, check=True)
    assert "merge.transkit.driver" in out.stdout
    commit(project, "base")
    return project


def edit(root: Path, path: str, change: Callable[[catalog.Catalogue], None],
         date: str | None = "2026-12-01 10:00+0000", who: str = "Anna <a@x.org>") -> None:
    """A translator's edit through transkit's writer, with a revision date (None: the
    header as it was)."""
    po = catalog.load(root / path)
    change(po)
    if date is not None:
        po.metadata["PO-Revision-Date"] = date
        po.metadata["Last-Translator"] = who
    catalog.save(po, root / path)


def translate(index: int, text: str) -> Callable[[catalog.Catalogue], None]:
    def change(po: catalog.Catalogue) -> None:
        unit = po.active()[index]
        unit.msgstr = text
        unit.set_fuzzy(False)
    return change


def on_branch(root: Path, name: str, work: Callable[[], None], start: str = "main") -> None:
    git(root, "checkout", "-q", "-b", name, start)
    work()
    commit(root, name)
    git(root, "checkout", "-q", "main")


def merge_both(root: Path, branch: str) -> tuple[subprocess.CompletedProcess[str], str,
                                                 subprocess.CompletedProcess[str], str]:
    """`git merge branch` with git's own line merge (in a copy without the driver) and
    with transkit's driver: (git's run, git's file, our run, our file)."""
    plain = root.parent / f"{root.name}-git"
    shutil.copytree(root, plain)
    git(plain, "config", "--remove-section", "merge.transkit")
    theirs = git(plain, "merge", "--no-edit", branch, check=False)
    assert theirs.returncode in (0, 1), theirs.stderr
    assert (theirs.returncode == 1) == ("CONFLICT" in theirs.stdout)
    ours = git(root, "merge", "--no-edit", branch, check=False)
    return (theirs, (plain / FR).read_text("utf-8"), ours, (root / FR).read_text("utf-8"))


def valid(root: Path, path: str = FR) -> catalog.Catalogue:
    """The file is what msgfmt --check and transkit's reader accept, in msgcat's layout."""
    result = subprocess.run([gettext_tool("msgfmt"), "--check", "-o", "/dev/null", path],
                            cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    po = catalog.load(root / path)
    assert catalog.dumps(po) == (root / path).read_text("utf-8")
    return po


def units(po: catalog.Catalogue) -> dict[str, tuple[str, bool, bool]]:
    return {u.msgid: (u.msgstr, u.fuzzy, u.obsolete) for u in po.units}


def test_git_setup_is_idempotent_and_init_runs_it(repo: Path, tmp_path: Path) -> None:
    attributes = (repo / ".gitattributes").read_text("utf-8")
    assert "*.po merge=transkit" in attributes and "*.pot merge=transkit" in attributes
    again = run("git-setup", cwd=repo / "bulletins", check=True)  # the project's folder
    assert "set " not in again.stdout and not (repo / "bulletins/.gitattributes").exists()
    assert (repo / ".gitattributes").read_text("utf-8") == attributes
    assert git(repo, "check-attr", "merge", FR).stdout.strip().endswith("merge: transkit")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    git(fresh, "init", "-q")
    out = run("init", ".", "--install", "x", cwd=fresh, check=True)
    assert "merge.transkit.driver" in out.stdout
    assert "merge_driver %O %A %B %P" in git(fresh, "config", "merge.transkit.driver").stdout
    outside = tmp_path / "plain"
    outside.mkdir()
    failed = run("git-setup", cwd=outside)
    assert failed.returncode == 2 and "not inside a git work tree" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_different_entries_and_newest_header(repo: Path) -> None:
    on_branch(repo, "anna", lambda: edit(repo, FR, translate(0, "Europol arrête 23 personnes"),
                                         "2026-12-02 09:00+0000", "Anna <a@x.org>"))
    edit(repo, FR, translate(1, "L'opération"), "2026-12-03 09:00+0000", "Bruno <b@x.org>")
    commit(repo, "bruno")
    git_run, _, ours, text = merge_both(repo, "anna")
    assert git_run.returncode != 0  # git: a conflict (the headers)
    assert ours.returncode == 0, ours.stdout + ours.stderr
    po = valid(repo)
    found = [u.msgstr for u in po.active()[:2]]
    assert found == ["Europol arrête 23 personnes", "L'opération"]
    assert po.metadata["PO-Revision-Date"] == "2026-12-03 09:00+0000"
    assert po.metadata["Last-Translator"] == "Bruno <b@x.org>"
    assert "<<<<<<<" not in text


def _empty_header(root: Path) -> None:
    """The header as gettext's minimal form leaves it (a tool that writes
    `msgid ""` / `msgstr ""`), the file's comment kept above it."""
    text = (root / FR).read_text("utf-8")
    start = text.index('msgid ""')
    (root / FR).write_text(text[:start] + 'msgid ""\nmsgstr ""' + text[text.index("\n\n",
                                                                                   start):],
                           "utf-8")


@pytest.mark.parametrize("emptied", ["theirs", "ours"])
def test_a_side_with_an_empty_header_merges_into_a_valid_file(repo: Path,
                                                              emptied: str) -> None:
    """Found with a catalogue written elsewhere: the driver wrote both sides' headers,
    the empty one as a second `msgid ""` entry, which msgfmt and every transkit command
    refuse, and exited 0."""
    other = "anna"
    on_branch(repo, other, lambda: (_empty_header(repo) if emptied == "theirs" else
                                    edit(repo, FR, translate(0, "Europol arrête"))))
    if emptied == "ours":
        _empty_header(repo)
    else:
        edit(repo, FR, translate(1, "L'opération"))
    commit(repo, "main's side")
    result = git(repo, "merge", "--no-edit", other, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    po = valid(repo)
    assert po.metadata["Language"] == "fr"  # the fields the other side kept
    text = (repo / FR).read_text("utf-8")
    assert text.count('msgid ""\nmsgstr ""') == 1


@pytest.mark.parametrize("tool", [["--no-wrap"], ["--sort-output"]])
def test_rewrapped_or_sorted_side(repo: Path, tool: list[str]) -> None:
    long = "Une traduction " + "assez longue pour être repliée par msgcat " * 3
    edit(repo, FR, translate(2, long))
    commit(repo, "long")

    def rewrite() -> None:
        subprocess.run([gettext_tool("msgcat"), *tool, "-o", FR, FR], cwd=repo, check=True)
    on_branch(repo, "editor", rewrite)
    edit(repo, FR, translate(2, long + "revue"), "2026-12-05 10:00+0000")
    commit(repo, "reviewed")
    git_run, git_text, ours, _ = merge_both(repo, "editor")
    template = catalog.load(repo / "locales/ca/post.pot")
    order = [u.key for u in template.active()]
    if tool == ["--no-wrap"]:
        assert git_run.returncode != 0
    else:  # git: clean here, but the file stays in the sorting tool's order
        assert [u.key for u in catalog.parse(git_text.encode()).active()] != order
    assert ours.returncode == 0, ours.stderr
    po = valid(repo)
    assert po.active()[2].msgstr == long + "revue"
    assert [u.key for u in po.active()] == order


def test_reextracted_after_a_line_inserted_above(repo: Path) -> None:
    def insert() -> None:
        post = repo / "bulletins" / "post.html"
        post.write_text(POST.replace("<body>", "<body>\n<!-- a -->\n<!-- b -->"), "utf-8")
        run("extract", cwd=repo, check=True)
    on_branch(repo, "moved", insert)
    edit(repo, FR, translate(1, "L'opération"))
    commit(repo, "translated")
    _, _, ours, _ = merge_both(repo, "moved")  # git: clean or not, by how near the lines are
    assert ours.returncode == 0, ours.stderr
    po = valid(repo)
    assert po.active()[1].msgstr == "L'opération" and not po.active()[1].fuzzy
    moved = catalog.load(repo / "locales/ca/post.pot")
    assert [u.references for u in po.active()] == [u.references for u in moved.active()]


def test_paragraph_deleted_on_one_side_translated_on_the_other(repo: Path) -> None:
    victim = catalog.load(repo / FR).active()[-1].msgid

    def delete() -> None:
        post = repo / "bulletins" / "post.html"
        post.write_text(POST.replace("<li>revisar el compte</li>", ""), "utf-8")
        run("extract", cwd=repo, check=True)
    on_branch(repo, "cut", delete)
    assert victim == "revisar el compte"
    edit(repo, FR, lambda po: setattr(po.find(victim), "msgstr", "vérifier le compte"))
    commit(repo, "translated")
    git_run, _, ours, _ = merge_both(repo, "cut")
    assert git_run.returncode != 0
    assert ours.returncode == 0, ours.stderr
    po = valid(repo)
    assert units(po)[victim] == ("vérifier le compte", False, True)  # kept, obsolete
    assert po.find(victim) is None


LONG = ("Els agents recomanen tapar el teclat amb la mà quan es marca el número secret, "
        "revisar el compte cada setmana i avisar el banc de qualsevol moviment estrany.")


def test_changed_sentence_never_ships_the_old_translation(repo: Path) -> None:
    post = repo / "bulletins" / "post.html"
    post.write_text(POST.replace("La policia recomana:", LONG), "utf-8")
    run("extract", cwd=repo, check=True)
    commit(repo, "long sentence")
    new = LONG.replace("Els agents", "Les forces")  # same length: the same wrapping

    def change() -> None:
        post.write_text(POST.replace("La policia recomana:", new), "utf-8")
        run("extract", cwd=repo, check=True)
    on_branch(repo, "source", change)
    old = next(u.msgid for u in catalog.load(repo / FR) if "Els agents" in u.msgid)
    new = old.replace("Els agents", "Les forces")
    edit(repo, FR, lambda po: setattr(po.find(old), "msgstr", "Les agents conseillent…"),
         None)
    commit(repo, "translated")
    batch = repo.parent / "batch"
    shutil.copytree(repo, batch)
    git_run, git_text, ours, driver_text = merge_both(repo, "source")
    # git alone: clean, and the old translation sits finished on the new sentence.
    assert git_run.returncode == 0
    wrong = catalog.parse(git_text.encode()).find(new)
    assert wrong is not None and wrong.msgstr == "Les agents conseillent…" and not wrong.fuzzy
    assert ours.returncode == 0, ours.stderr
    po = valid(repo)
    unit = po.find(new)
    assert unit is not None and unit.fuzzy and unit.msgstr == "Les agents conseillent…"
    assert unit.previous_msgid == old
    assert units(po)[old] == ("Les agents conseillent…", False, True)
    # Many catalogues at once: a driver that declines leaves every catalogue changed on
    # both sides unmerged, git's clean merges too, and resolve redoes them in one run.
    declined = git(batch, "-c", "merge.transkit.driver=false", "merge", "--no-edit",
                   "source", check=False)
    assert declined.returncode == 1
    assert run("resolve", cwd=batch).returncode == 0
    assert (batch / FR).read_text("utf-8") == driver_text
    # A merge committed where the driver did not run (a hosting site's button): redone.
    plain = repo.parent / f"{repo.name}-git"
    redone = run("resolve", "--commit", "HEAD", cwd=plain / "locales")
    assert redone.returncode == 0, redone.stderr
    assert f"rewrote {FR}" in redone.stdout
    assert (plain / FR).read_text("utf-8") == driver_text
    assert "not a merge" in run("resolve", "--commit", "HEAD~1", cwd=plain).stderr


def test_true_conflict_is_visible_and_blocks_the_release(repo: Path) -> None:
    fill(repo, "es")
    fill(repo, "en")
    fill(repo, "fr")
    commit(repo, "complete")
    on_branch(repo, "anna", lambda: edit(repo, FR, translate(0, "Europol arrête 23 gens")))
    edit(repo, FR, translate(0, "Europol interpelle 23 personnes"), "2026-12-04 10:00+0000")
    commit(repo, "bruno")
    git_run, _, ours, _ = merge_both(repo, "anna")
    assert git_run.returncode != 0
    assert ours.returncode != 0
    assert f"{FR}:" in ours.stdout + ours.stderr
    assert "CONFLICT" in ours.stdout
    po = valid(repo)
    unit = po.active()[0]
    assert unit.fuzzy and unit.msgstr == "Europol interpelle 23 personnes"
    assert f'{CONFLICT_MARK} theirs: "Europol arrête 23 gens"' in unit.translator_comments
    where = f"{FR}:{unit.line}"
    assert f"transkit: {where}: merge conflict" in ours.stderr  # the driver's line, as read
    status = run("status", cwd=repo)
    assert where in status.stderr and "merge conflict" in status.stderr
    data = json.loads(run("status", "--format", "json", cwd=repo).stdout)
    assert data["languages"]["fr"]["conflicts"] == [{"path": FR, "line": unit.line}]
    assert not data["languages"]["fr"]["complete"]
    checked = run("check", cwd=repo)
    assert checked.returncode == 1 and f"{where}: error[merge-conflict]" in checked.stdout
    release = run("release", cwd=repo)
    assert release.returncode == 1 and where in release.stderr
    assert sum(where in line for line in release.stderr.splitlines()) == 1
    # Resolved as a translator would: choose, drop the comment, clear fuzzy.
    po.active()[0].translator_comments = []
    po.active()[0].set_fuzzy(False)
    catalog.save(po, repo / FR)
    assert run("check", "--only", "merge-conflict", cwd=repo).returncode == 0


def test_invalid_side_is_a_conflict_with_nothing_lost(repo: Path) -> None:
    def break_it() -> None:
        path = repo / FR
        path.write_text(path.read_text("utf-8") + '\nmsgid "broken\n', "utf-8")
    on_branch(repo, "broken", break_it)
    edit(repo, FR, translate(0, "Europol arrête 23 personnes"))
    commit(repo, "translated")
    ours = git(repo, "merge", "--no-edit", "broken", check=False)
    assert ours.returncode != 0
    assert "Traceback" not in ours.stderr
    assert f"{FR} (theirs):" in ours.stderr
    text = (repo / FR).read_text("utf-8")
    # git's line merge is left (markers where lines clash), the file unmerged in git.
    assert 'msgid "broken' in text and "Europol arrête 23 personnes" in text
    assert git(repo, "diff", "--name-only", "--diff-filter=U").stdout.strip() == FR


def test_resolve_redoes_what_the_driver_would_have(repo: Path) -> None:
    on_branch(repo, "anna", lambda: edit(repo, FR, translate(0, "Europol arrête 23 personnes"),
                                         "2026-12-02 09:00+0000"))
    edit(repo, FR, translate(1, "L'opération"), "2026-12-03 09:00+0000")
    commit(repo, "bruno")
    _, _, ours, driver_text = merge_both(repo, "anna")
    assert ours.returncode == 0
    plain = repo.parent / f"{repo.name}-git"
    assert "<<<<<<<" in (plain / FR).read_text("utf-8")
    resolved = run("resolve", cwd=plain)
    assert resolved.returncode == 0, resolved.stderr
    assert f"merged {FR}" in resolved.stdout
    assert (plain / FR).read_text("utf-8") == driver_text
    assert git(plain, "diff", "--name-only", "--diff-filter=U").stdout == ""
    assert run("resolve", cwd=plain).stdout.strip() == "no conflicted catalogue"


# --- the merge itself, on catalogues ------------------------------------------------------

HEAD = ('msgid ""\nmsgstr ""\n"PO-Revision-Date: {date}\\n"\n"Last-Translator: {who}\\n"\n'
        '"Language: fr\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n')


def po(body: str, date: str = "2026-01-01 10:00+0000", who: str = "A") -> catalog.Catalogue:
    return catalog.parse((HEAD.format(date=date, who=who) + body).encode())


def merged(base: str, ours: str, theirs: str) -> tuple[catalog.Catalogue, list[int]]:
    from transkit.catalog.merge import conflict_lines, merge

    result = merge(po(base), po(ours), po(theirs), similarity=_similarity)
    text = catalog.dumps(result.catalogue)
    again = catalog.parse(text.encode())
    assert catalog.dumps(again) == text
    assert len(conflict_lines(again)) == len(result.conflicts)
    return again, conflict_lines(again)


def _similarity(new: str, was: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, new, was).ratio()


def test_msgctxt_keeps_homonyms_apart() -> None:
    base = 'msgctxt "menu"\nmsgid "Open"\nmsgstr ""\n\nmsgid "Open"\nmsgstr ""\n'
    ours = 'msgctxt "menu"\nmsgid "Open"\nmsgstr "Ouvrir"\n\nmsgid "Open"\nmsgstr ""\n'
    theirs = 'msgctxt "menu"\nmsgid "Open"\nmsgstr ""\n\nmsgid "Open"\nmsgstr "Ouvert"\n'
    result, conflicts = merged(base, ours, theirs)
    assert not conflicts
    assert [(u.msgctxt, u.msgstr) for u in result.units] == [("menu", "Ouvrir"),
                                                             (None, "Ouvert")]


def test_plural_conflict_shows_every_form_of_theirs() -> None:
    entry = 'msgid "{n} file"\nmsgid_plural "{n} files"\nmsgstr[0] "{a}"\nmsgstr[1] "{b}"\n'
    base = entry.format(n="%d", a="", b="")
    ours = entry.format(n="%d", a="%d fichier", b="%d fichiers")
    theirs = entry.format(n="%d", a="%d document", b="%d documents")
    result, conflicts = merged(base, ours, theirs)
    unit = result.units[0]
    assert conflicts == [unit.line] and unit.fuzzy
    assert unit.msgstr_plural == {0: "%d fichier", 1: "%d fichiers"}
    assert unit.translator_comments == [f'{CONFLICT_MARK} theirs[0]: "%d document"',
                                        f'{CONFLICT_MARK} theirs[1]: "%d documents"']


def test_same_change_on_both_sides_is_taken_once() -> None:
    base = 'msgid "One"\nmsgstr ""\n'
    both = '# checked\n#, fuzzy\nmsgid "One"\nmsgstr "Un"\n'
    result, conflicts = merged(base, both, both)
    assert not conflicts
    assert result.units[0].translator_comments == ["checked"] and result.units[0].fuzzy


def test_a_translation_finished_on_one_side_is_not_fuzzy_again() -> None:
    base = '#, fuzzy\nmsgid "One"\nmsgstr "Uno"\n'
    ours = 'msgid "One"\nmsgstr "Un"\n'
    theirs = '#, fuzzy\nmsgid "One"\nmsgstr "Un"\n'
    result, conflicts = merged(base, ours, theirs)
    assert not conflicts and result.units[0].translated


def test_a_suggestion_takes_the_newer_translation_of_its_old_source() -> None:
    base = 'msgid "Close the door now"\nmsgstr "Fermez la porte"\n'
    ours = ('#, fuzzy\n#| msgid "Close the door now"\nmsgid "Close the doors now"\n'
            'msgstr "Fermez la porte"\n\n#~ msgid "Close the door now"\n'
            '#~ msgstr "Fermez la porte"\n')
    theirs = 'msgid "Close the door now"\nmsgstr "Fermez la porte maintenant"\n'
    result, conflicts = merged(base, ours, theirs)
    assert not conflicts
    assert units(result) == {
        "Close the doors now": ("Fermez la porte maintenant", True, False),
        "Close the door now": ("Fermez la porte maintenant", False, True)}


def test_removed_obsolete_entries_stay_removed_and_untranslated_ones_go() -> None:
    base = 'msgid "Old"\nmsgstr ""\n\n#~ msgid "Gone"\n#~ msgstr "Parti"\n'
    ours = 'msgid "New"\nmsgstr ""\n'
    theirs = base
    result, _ = merged(base, ours, theirs)
    assert units(result) == {"New": ("", False, False)}


def test_header_fields_kept_and_newest_revision_wins() -> None:
    ours = po('msgid "One"\nmsgstr ""\n', "2026-03-01 10:00+0100", "Ours")
    theirs = po('msgid "One"\nmsgstr ""\n', "2026-03-01 09:30+0000", "Theirs")
    theirs.metadata["X-Poedit-Basepath"] = "."
    from transkit.catalog.merge import merge

    for a, b in ((ours, theirs), (theirs, ours)):
        meta = merge(po('msgid "One"\nmsgstr ""\n'), a, b).catalogue.metadata
        assert meta["PO-Revision-Date"] == "2026-03-01 09:30+0000"  # 10:00+0100 is earlier
        assert meta["Last-Translator"] == "Theirs"
        assert meta["X-Poedit-Basepath"] == "."
        assert meta["Plural-Forms"] == "nplurals=2; plural=(n > 1);"


# --- property: two translators and two re-extractions, merged both ways -------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SOURCES = ["Europol arrests 23 people", "The fraud exceeded 29 billion euros",
           "Cover the keypad", "Check the account", "The police recommend", "Open"]
TEXTS = ["un", "deux", "trois", "quatre\nlignes", ""]
DATES = ["2026-01-02 10:00+0000", "2026-01-03 10:00+0000", "2026-01-03 12:00+0200"]

OPS = st.one_of(
    st.tuples(st.just("translate"), st.integers(0, 20), st.sampled_from(TEXTS), st.booleans()),
    st.tuples(st.just("source"), st.integers(0, 20), st.sampled_from([" now", " today", "!"])),
    st.tuples(st.just("remove"), st.integers(0, 20)),
    st.tuples(st.just("add"), st.sampled_from(["A new sentence", "Europol arrests 24 people"])),
    st.tuples(st.just("comment"), st.integers(0, 20), st.sampled_from(["ok?", "checked"])),
    st.tuples(st.just("date"), st.sampled_from(DATES), st.sampled_from(["Anna", "Bruno"])),
)


def _reextract(side: catalog.Catalogue, keys: list[tuple[str, str | None]]) -> catalog.Catalogue:
    template = catalog.Catalogue([catalog.Unit(msgid, msgctxt=ctxt, references=[f"p.html:{i}"])
                                  for i, (msgid, ctxt) in enumerate(keys)])
    new, _ = side.update(template, _similarity)
    new.metadata = dict(side.metadata)
    return new


def _apply(side: catalog.Catalogue, ops: list[tuple[object, ...]]) -> catalog.Catalogue:
    for op in ops:
        active = side.active()
        keys = [u.key for u in active]
        kind = op[0]
        if kind == "date":
            side.metadata["PO-Revision-Date"], side.metadata["Last-Translator"] = op[1], op[2]
        elif not active and kind != "add":
            continue
        elif kind == "translate":
            unit = active[int(op[1]) % len(active)]  # type: ignore[call-overload]
            text = str(op[2]).rstrip("\n")  # no source here ends in a newline
            if unit.msgid_plural is not None:
                unit.msgstr_plural = {0: text, 1: f"{text}s" if text else ""}
            else:
                unit.msgstr = text
            unit.set_fuzzy(bool(op[3]) and unit.has_target)
        elif kind == "comment":
            unit = active[int(op[1]) % len(active)]  # type: ignore[call-overload]
            unit.translator_comments.append(str(op[2]))
        elif kind == "source":
            index = int(op[1]) % len(keys)  # type: ignore[call-overload]
            keys[index] = (keys[index][0] + str(op[2]), keys[index][1])
            if keys[index] not in keys[:index] + keys[index + 1:]:
                side = _reextract(side, keys)
        elif kind == "remove":
            del keys[int(op[1]) % len(keys)]  # type: ignore[call-overload]
            side = _reextract(side, keys)
        elif kind == "add" and (str(op[1]), None) not in keys:
            side = _reextract(side, [*keys, (str(op[1]), None)])
    return side


def _texts(po: catalog.Catalogue) -> set[str]:
    found = set()
    for unit in po.units:
        found.add(unit.msgstr)
        found.update(unit.msgstr_plural.values())
        for comment in unit.translator_comments:
            if comment.startswith(f"{CONFLICT_MARK} theirs") and ': "' in comment:
                found.add(comment.split(': "', 1)[1][:-1].replace("\\n", "\n"))
    return found - {""}


def _shape(po: catalog.Catalogue) -> dict[object, object]:
    """What must not depend on the direction of the merge: per unit, its state, its
    translation (a conflict's two versions as a set), flags and comments as sets."""
    shape: dict[object, object] = {}
    for unit in po.units:
        versions = frozenset(_texts(catalog.Catalogue([unit])) | {unit.msgstr}
                             | set(unit.msgstr_plural.values()))
        comments = frozenset(c for c in unit.translator_comments
                             if not c.startswith(CONFLICT_MARK))
        shape[unit.key] = (unit.obsolete, versions, frozenset(unit.flags), comments,
                           unit.previous_msgid, tuple(unit.references))
    shape["header"] = dict(po.metadata)
    return shape


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(TEXTS[:3] + [""]), st.booleans()), min_size=1,
                max_size=len(SOURCES)),
       st.lists(OPS, max_size=6), st.lists(OPS, max_size=6))
def test_random_branches_merge_without_loss_both_ways(
        start: list[tuple[str, bool]], ours_ops: list[tuple[object, ...]],
        theirs_ops: list[tuple[object, ...]]) -> None:
    from transkit.catalog.merge import merge

    body = "".join(f'{"#, fuzzy" + chr(10) if fuzzy and text else ""}msgid "{SOURCES[i]}"\n'
                   f'msgstr "{text}"\n\n' for i, (text, fuzzy) in enumerate(start))
    body += ('msgctxt "menu"\nmsgid "Open"\nmsgstr ""\n\n'  # Open twice: two contexts
             'msgid "%d file"\nmsgid_plural "%d files"\nmsgstr[0] ""\nmsgstr[1] ""\n')
    base = po(body)
    ours = _apply(po(body), ours_ops)
    theirs = _apply(po(body), theirs_ops)
    one = merge(base, ours, theirs, similarity=_similarity)
    other = merge(base, theirs, ours, similarity=_similarity)
    text = catalog.dumps(one.catalogue)
    result = catalog.parse(text.encode())  # valid for transkit's reader: no duplicate
    assert catalog.dumps(result) == text
    msgfmt = subprocess.run([gettext_tool("msgfmt"), "--check", "-o", "/dev/null", "-"],
                            input=text.encode(), capture_output=True)
    assert msgfmt.returncode == 0, msgfmt.stderr.decode() + text
    # No translation written on a branch is lost.
    written = (_texts(ours) | _texts(theirs)) - _texts(base)
    assert written <= _texts(result), text
    # A finished translation sits only on a source it was written for.
    sides = [base, ours, theirs]
    for unit in result:
        if unit.translated:
            assert any(found.key == unit.key and found.msgstr == unit.msgstr
                       and found.msgstr_plural == unit.msgstr_plural
                       for s in sides for found in s.units), text
    # The same merge whichever branch is merged into which.
    assert _shape(result) == _shape(catalog.parse(catalog.dumps(other.catalogue).encode()))
    assert len(one.conflicts) == len(other.conflicts)
    # Merging the same branch again (git's base is then that branch) changes nothing.
    again = merge(theirs, one.catalogue, theirs, similarity=_similarity)
    assert catalog.dumps(again.catalogue) == text


def test_both_sides_reextract_different_bulletin_changes(repo: Path) -> None:
    post = repo / "bulletins" / "post.html"
    fill(repo, "fr", lambda e: f"fr: {e.msgid}")
    commit(repo, "translated")

    def title() -> None:
        post.write_text(post.read_text("utf-8").replace("detén 23 persones",
                                                         "deté 24 persones"), "utf-8")
        run("extract", cwd=repo, check=True)
    on_branch(repo, "title", title)
    post.write_text(post.read_text("utf-8").replace("La policia recomana:",
                                                     "La policia recomana sempre:"), "utf-8")
    run("extract", cwd=repo, check=True)
    edit(repo, FR, lambda po: setattr(po.find("Europol detén 23 persones"), "msgstr",
                                      "fr: Europol a arrêté 23 personnes"))
    commit(repo, "advice")
    merged = git(repo, "merge", "--no-edit", "title", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    po = valid(repo)
    valid(repo, "locales/ca/post.pot")
    found = units(po)
    # The title changed on the branch, its translation was revised on main: the
    # suggestion on the new title is the revised translation, the old title obsolete.
    revised = "fr: Europol a arrêté 23 personnes"
    assert found["Europol deté 24 persones"] == (revised, True, False)
    assert found["Europol detén 23 persones"] == (revised, False, True)
    advice = next(k for k in found if "recomana sempre" in k)
    assert found[advice][1]  # fuzzy on the main side's new sentence
    # The merged bulletin needs one extract; until then status says so.
    status = run("status", "--check", cwd=repo)
    assert status.returncode == 1 and "changed since the last extract" in status.stderr
    run("extract", cwd=repo, check=True)
    assert run("check", "--only", "aligned", cwd=repo).returncode == 0
    after = units(catalog.load(repo / FR))
    assert after["Europol deté 24 persones"] == (revised, True, False)


def test_unit_moved_to_another_document_keeps_its_translation(repo: Path) -> None:
    other = repo / "bulletins" / "other.html"
    sentence = "revisar el compte"

    def move() -> None:
        post = repo / "bulletins" / "post.html"
        post.write_text(POST.replace(f"<li>{sentence}</li>", ""), "utf-8")
        other.write_text(POST.replace("Europol detén 23 persones", "Un altre apunt")
                         .replace("<li>tapar el teclat</li>", ""), "utf-8")
        run("extract", cwd=repo, check=True)
    on_branch(repo, "move", move)
    edit(repo, FR, lambda po: setattr(po.find(sentence), "msgstr", "vérifier le compte"))
    commit(repo, "translated")
    merged = git(repo, "merge", "--no-edit", "move", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert units(valid(repo))[sentence] == ("vérifier le compte", False, True)
    # The memory learns the obsolete entry, so the new document gets it back.
    run("tm", "rebuild", cwd=repo, check=True)
    run("pretranslate", "--lang", "fr", "--doc", "other", cwd=repo, check=True)
    assert units(catalog.load(repo / "locales/fr/other.po"))[sentence][0] == \
        "vérifier le compte"


def test_resolve_leaves_a_true_conflict_unstaged(repo: Path) -> None:
    on_branch(repo, "anna", lambda: edit(repo, FR, translate(0, "Europol arrête 23 gens")))
    edit(repo, FR, translate(0, "Europol interpelle 23 personnes"), "2026-12-04 10:00+0000")
    commit(repo, "bruno")
    git(repo, "config", "--remove-section", "merge.transkit")
    assert git(repo, "merge", "--no-edit", "anna", check=False).returncode == 1
    resolved = run("resolve", FR, cwd=repo)
    assert resolved.returncode == 1
    assert f"conflict in {FR}" in resolved.stdout and f"{FR}:" in resolved.stderr
    unit = valid(repo).active()[0]
    assert is_conflict(unit) and unit.fuzzy
    assert git(repo, "diff", "--name-only", "--diff-filter=U").stdout.strip() == FR


def test_driver_commands_by_hand(tmp_path: Path) -> None:
    import sys

    base = po('msgid "One"\nmsgstr ""\n\nmsgid "Two"\nmsgstr ""\n')
    files = {}
    for name, change in (("base", None), ("ours", (0, "Un")), ("theirs", (1, "Deux"))):
        copy = catalog.parse(catalog.dumps(base).encode())
        if change is not None:
            copy.units[change[0]].msgstr = change[1]
        files[name] = tmp_path / f"{name}.po"
        catalog.save(copy, files[name])
    done = run("merge-driver", str(files["base"]), str(files["ours"]), str(files["theirs"]),
               "locales/fr/x.po", cwd=tmp_path)  # no transkit.toml anywhere: not needed
    assert done.returncode == 0, done.stderr
    assert [u.msgstr for u in catalog.load(files["ours"]).units] == ["Un", "Deux"]
    usage = subprocess.run([sys.executable, "-m", "transkit.merge_driver", "x"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert usage.returncode == 2 and "usage:" in usage.stderr
    missing = subprocess.run([sys.executable, "-m", "transkit.merge_driver", "nope.po",
                              str(files["ours"]), str(files["theirs"]), "x.po"],
                             capture_output=True, text=True, cwd=tmp_path)
    assert missing.returncode == 1 and "nope.po" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_a_unit_added_on_one_side_lands_where_that_side_put_it() -> None:
    from transkit.catalog.merge import merge

    base = 'msgid "A"\nmsgstr ""\n\nmsgid "B"\nmsgstr ""\n\nmsgid "C"\nmsgstr ""\n'
    ours = base.replace('msgid "A"\nmsgstr ""', 'msgid "A"\nmsgstr "a"')
    theirs = base.replace('msgid "B"', 'msgid "X"\nmsgstr ""\n\nmsgid "B"')
    for order in (None, [("A", None), ("B", None), ("C", None)]):
        result = merge(po(base), po(ours), po(theirs), template_order=order).catalogue
        assert [u.msgid for u in result.units] == ["A", "X", "B", "C"]
        assert result.units[0].msgstr == "a"


def test_an_emptied_side_is_a_conflict_not_a_deletion() -> None:
    from transkit.errors import InputError
    from transkit.gitmerge import merge_bytes

    base = catalog.dumps(po('msgid "One"\nmsgstr "Un"\n')).encode()
    with pytest.raises(InputError, match="empty on this side"):
        merge_bytes(base, base, b"", "locales/fr/x.po")
    added = merge_bytes(b"", base, base, "locales/fr/x.po")  # added on both sides alike
    assert added.data == base and not added.conflicts
