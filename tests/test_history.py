from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from transkit import history
from transkit.catalog import parse
from transkit.errors import InputError
from transkit.history import Point, progress_history
from transkit.project import Project
from transkit.status import compute_status

from .conftest import gettext_tool

CONFIG = """\
[project]
name = "History test"
source_language = "ca"
languages = ["ca", "es", "fr"]
"""

# Words: 6, 1, 3 and 5 (15); the note's template has 2.
SOURCES = ["La policia va detenir 23 persones.", "Adeu.", "Europol coordina l'operació.",
           "El frau supera els milions."]
NOTE = ["Hola mundo."]
BROKEN = 'msgid ""\nmsgstr ""\n\nmsgid "Adeu."\nmsgstr "Au revoir."\nmsgid_bogus "x"\n'


def _po(entries: list[tuple[str, str, bool]], lang: str) -> str:
    """A catalogue of (source, translation, fuzzy) entries."""
    text = ('msgid ""\nmsgstr ""\n"MIME-Version: 1.0\\n"\n'
            '"Content-Type: text/plain; charset=UTF-8\\n"\n'
            '"Content-Transfer-Encoding: 8bit\\n"\n'
            f'"Language: {lang}\\n"\n')
    for source, target, fuzzy in entries:
        text += "\n" + ("#, fuzzy\n" if fuzzy else "") + f'msgid "{source}"\nmsgstr "{target}"\n'
    return text


def _template(sources: list[str], lang: str) -> str:
    return _po([(s, "", False) for s in sources], lang)


FR_EMPTY = _po([(s, "", False) for s in SOURCES], "fr")
FR_HALF = _po([(SOURCES[0], "La police a arrêté 23 personnes.", False),
               (SOURCES[1], "Au revoir.", False),
               (SOURCES[2], "", False), (SOURCES[3], "", False)], "fr")
FR_FUZZY = _po([(SOURCES[0], "La police a arrêté 23 personnes.", False),
                (SOURCES[1], "Au revoir.", False),
                (SOURCES[2], "Europol coordonne.", True), (SOURCES[3], "", False)], "fr")
FR_FULL = _po([(s, f"fr {s}", False) for s in SOURCES], "fr")


@pytest.fixture(autouse=True)
def _quiet_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """git as on a fresh machine: no user or system configuration, no repository above."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Tester")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "tester@example.org")


class Repo:
    """A git repository whose commits record the files they set."""

    def __init__(self, path: Path):
        self.path = path
        self.commits: list[str] = []
        self.count = 0
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q")

    def git(self, *args: str, date: str | None = None) -> str:
        env = dict(os.environ)
        if date is not None:
            env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = date
        return subprocess.run(["git", "-C", str(self.path), *args], check=True,
                              capture_output=True, text=True, env=env).stdout.strip()

    def commit(self, message: str, files: dict[str, str | None]) -> str:
        """Write (None: delete) `files`, commit them all; the new commit's sha."""
        for name, text in files.items():
            path = self.path / name
            if text is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        self.count += 1
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, date=f"2024-01-{self.count:02d}T10:00:00+02:00")
        sha = self.git("rev-parse", "HEAD")
        self.commits.append(sha)
        return sha


def _expected(files: dict[str, str], languages: list[str]) -> dict[str, tuple[int, int, int]]:
    """The figures of a project's files by `parse(...).figures()`, with status's rules."""
    totals = {lang: [0, 0, 0] for lang in languages}
    for path, text in files.items():
        lang, doc = path.split("/")[-2], path.split("/")[-1]
        if not doc.endswith(".pot"):
            continue
        words = parse(text.encode(), path).figures().words
        for other in languages:
            row = totals[other]
            if other == lang:
                row[0] += words
                row[2] += words
                continue
            po = files.get(path.rsplit("/", 2)[0] + f"/{other}/{doc[:-4]}.po")
            try:
                figures = parse(po.encode(), "po").figures() if po is not None else None
            except InputError:
                figures = None
            if figures is None:
                row[2] += words
            else:
                row[0] += figures.translated_words
                row[1] += figures.fuzzy_words
                row[2] += figures.words
    return {lang: (t, f, w) for lang, (t, f, w) in totals.items()}


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Repo, list[dict[str, str]]]:
    """A project at the top of its repository: four commits touching the catalogues (the
    last one breaks the French one), one touching nothing of them in between; the files
    of the locales folder after each catalogue commit."""
    repo = Repo(tmp_path / "repo")
    states: list[dict[str, str]] = []
    files = {"locales/ca/doc.pot": _template(SOURCES, "ca"), "locales/fr/doc.po": FR_EMPTY}
    repo.commit("Template and an empty French catalogue", {"transkit.toml": CONFIG, **files})
    states.append(dict(files))
    files.update({"locales/fr/doc.po": FR_HALF, "locales/es/note.pot": _template(NOTE, "es")})
    repo.commit("Half of French\n\nand a note written in Spanish", files)
    states.append(dict(files))
    files["locales/fr/doc.po"] = FR_FUZZY
    repo.commit("One fuzzy", files)
    states.append(dict(files))
    repo.commit("Readme only", {"README.md": "not a catalogue\n"})
    files["locales/fr/doc.po"] = BROKEN
    repo.commit("Broken French", files)
    states.append(dict(files))
    return repo, states


def test_figures_per_commit(repo: tuple[Repo, list[dict[str, str]]]) -> None:
    git, states = repo
    points = progress_history(Project.load(git.path))
    touching = [git.commits[i] for i in (0, 1, 2, 4)]  # not the README commit
    assert [p.commit for p in points] == touching
    assert [p.date for p in points] == ["2024-01-01T10:00:00+02:00", "2024-01-02T10:00:00+02:00",
                                        "2024-01-03T10:00:00+02:00", "2024-01-05T10:00:00+02:00"]
    assert [p.subject for p in points] == ["Template and an empty French catalogue",
                                           "Half of French", "One fuzzy", "Broken French"]
    # By hand: ca is the source of doc (15 words), es of the note (2 words); fr translated
    # 7 words, then 3 more fuzzy, then its catalogue breaks and counts as missing.
    assert [p.languages for p in points] == [
        {"ca": (15, 0, 15), "es": (0, 0, 15), "fr": (0, 0, 15)},
        {"ca": (15, 0, 17), "es": (2, 0, 17), "fr": (7, 0, 17)},
        {"ca": (15, 0, 17), "es": (2, 0, 17), "fr": (7, 3, 17)},
        {"ca": (15, 0, 17), "es": (2, 0, 17), "fr": (0, 0, 17)},
    ]
    for point, files in zip(points, states, strict=True):
        assert point.languages == _expected(files, ["ca", "es", "fr"])


def test_fixture_catalogues_as_msgfmt_counts_them(tmp_path: Path) -> None:
    """The catalogues say what the figures above assume, by gettext's own count."""
    msgfmt = gettext_tool("msgfmt")
    expected = {"empty": (FR_EMPTY, "0 translated messages, 4 untranslated messages."),
                "half": (FR_HALF, "2 translated messages, 2 untranslated messages."),
                "fuzzy": (FR_FUZZY, "2 translated messages, 1 fuzzy translation, "
                                    "1 untranslated message.")}
    for name, (text, line) in expected.items():
        path = tmp_path / f"{name}.po"
        path.write_text(text, encoding="utf-8")
        result = subprocess.run([msgfmt, "--statistics", "-o", os.devnull, str(path)],
                                capture_output=True, text=True, check=True)
        assert result.stderr.strip() == line
    path = tmp_path / "broken.po"
    path.write_text(BROKEN, encoding="utf-8")
    assert subprocess.run([msgfmt, "-o", os.devnull, str(path)],
                          capture_output=True).returncode != 0
    with pytest.raises(InputError):
        parse(BROKEN.encode(), "broken.po")


def test_agrees_with_status_at_head(tmp_path: Path) -> None:
    git = Repo(tmp_path / "repo")
    git.commit("Start", {"transkit.toml": CONFIG, "locales/ca/doc.pot": _template(SOURCES, "ca"),
                         "locales/fr/doc.po": FR_FUZZY,
                         "locales/es/note.pot": _template(NOTE, "es"),
                         "locales/ca/note.po": _po([(NOTE[0], "Hola món.", False)], "ca")})
    # The template grows and the French catalogue is not merged yet: status counts the
    # catalogue's own words (and calls it out of date), and so does the history.
    git.commit("New sentence", {"locales/ca/doc.pot": _template([*SOURCES, "Una més."], "ca")})
    project = Project.load(git.path)
    points = progress_history(project)
    status = compute_status(project, use_cache=False)
    assert points[-1].languages == {
        lang.lang: (lang.translated_words, sum(d.fuzzy_words for d in lang.docs), lang.words)
        for lang in status.languages}
    assert [p.languages["ca"] for p in points] == [(17, 0, 17), (19, 0, 19)]
    assert [p.languages["fr"] for p in points] == [(7, 3, 17), (7, 3, 17)]


def test_merges_count_once_on_the_first_parent(tmp_path: Path) -> None:
    git = Repo(tmp_path / "repo")
    start = git.commit("Start", {"transkit.toml": CONFIG,
                                 "locales/ca/doc.pot": _template(SOURCES, "ca"),
                                 "locales/fr/doc.po": FR_EMPTY})
    trunk = git.git("branch", "--show-current")
    git.git("checkout", "-q", "-b", "french")
    git.commit("Half of French", {"locales/fr/doc.po": FR_HALF})
    git.commit("One fuzzy", {"locales/fr/doc.po": FR_FUZZY})
    git.git("checkout", "-q", trunk)
    git.git("merge", "-q", "--no-ff", "-m", "Merge the French work", "french",
            date="2024-02-01T10:00:00+00:00")
    merge = git.git("rev-parse", "HEAD")
    points = progress_history(Project.load(git.path))
    assert [(p.commit, p.subject) for p in points] == [(start, "Start"),
                                                       (merge, "Merge the French work")]
    assert points[-1].languages["fr"] == (7, 3, 15)


def test_uncommitted_changes_are_not_seen(repo: tuple[Repo, list[dict[str, str]]]) -> None:
    git, _ = repo
    before = progress_history(Project.load(git.path))
    (git.path / "locales/fr/doc.po").write_text(FR_FULL, encoding="utf-8")
    (git.path / "locales/en").mkdir()
    (git.path / "locales/en/doc.po").write_text(FR_FULL, encoding="utf-8")
    git.git("add", "locales/en/doc.po")  # staged is not committed either
    assert progress_history(Project.load(git.path)) == before


def test_limit_keeps_the_newest_oldest_first(repo: tuple[Repo, list[dict[str, str]]]) -> None:
    git, _ = repo
    project = Project.load(git.path)
    every = progress_history(project)
    assert [p.commit for p in progress_history(project, limit=2)] == [git.commits[2],
                                                                     git.commits[4]]
    assert progress_history(project, limit=2) == every[-2:]
    assert progress_history(project, limit=100) == every
    assert progress_history(project, limit=0) == []


def test_each_file_content_is_parsed_once(repo: tuple[Repo, list[dict[str, str]]],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    git, states = repo
    seen: list[bytes] = []

    def counting(data: bytes, path: str) -> object:
        seen.append(data)
        return parse(data, path)

    monkeypatch.setattr(history, "parse", counting)
    progress_history(Project.load(git.path))
    distinct = {text.encode() for files in states for text in files.values()}
    assert len(seen) == len(set(seen)) == len(distinct) == 6


def test_project_in_a_subfolder(tmp_path: Path) -> None:
    git = Repo(tmp_path / "repo")
    config = CONFIG + '\n[paths]\nlocales = "l10n"\n'
    first = git.commit("Elsewhere: a catalogue of the repository's top",
                       {"locales/ca/doc.pot": _template(["Un altre projecte."], "ca"),
                        "web/proj/transkit.toml": config})
    assert first
    created = git.commit("Project catalogues",
                         {"web/proj/l10n/ca/doc.pot": _template(SOURCES, "ca"),
                          "web/proj/l10n/fr/doc.po": FR_HALF})
    git.commit("Elsewhere again", {"locales/fr/doc.po": FR_FULL,
                                   "web/proj/bulletins/doc.html": "<p>x</p>\n"})
    # Deeper than <lang>/<doc>.pot is no template nor catalogue of the project.
    git.commit("Nested copies", {"web/proj/l10n/fr/old/doc.po": FR_FULL,
                                 "web/proj/l10n/ca/old/other.pot": _template(NOTE, "ca")})
    fuzzy = git.commit("Fuzzy", {"web/proj/l10n/fr/doc.po": FR_FUZZY})
    points = progress_history(Project.load(git.path / "web/proj"))
    assert [p.commit for p in points] == [created, git.commits[3], fuzzy]
    assert [p.languages["fr"] for p in points] == [(7, 0, 15), (7, 0, 15), (7, 3, 15)]
    assert points[0].languages["ca"] == (15, 0, 15)


def test_not_a_repository(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "locales/ca").mkdir(parents=True)
    (root / "transkit.toml").write_text(CONFIG, encoding="utf-8")
    (root / "locales/ca/doc.pot").write_text(_template(SOURCES, "ca"), encoding="utf-8")
    assert progress_history(Project.load(root)) == []
    Repo(root)  # a repository without a commit yet
    assert progress_history(Project.load(root)) == []


def test_git_missing(repo: tuple[Repo, list[dict[str, str]]], tmp_path: Path,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    git, _ = repo
    project = Project.load(git.path)
    assert len(progress_history(project)) == 4
    empty = tmp_path / "no-git"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert progress_history(project) == []


def test_refused_template_leaves_its_document_out(tmp_path: Path) -> None:
    git = Repo(tmp_path / "repo")
    git.commit("Start", {"transkit.toml": CONFIG, "locales/ca/doc.pot": _template(SOURCES, "ca"),
                         "locales/es/note.pot": _template(NOTE, "es")})
    git.commit("Broken note template", {"locales/es/note.pot": BROKEN})
    git.commit("Note deleted", {"locales/es/note.pot": None})
    points = progress_history(Project.load(git.path))
    assert [p.languages["fr"] for p in points] == [(0, 0, 17), (0, 0, 15), (0, 0, 15)]
    assert [p.languages["es"] for p in points] == [(2, 0, 17), (0, 0, 15), (0, 0, 15)]
    assert all(isinstance(p, Point) and len(p.commit) == 40 for p in points)
