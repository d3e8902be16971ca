"""History: translated, fuzzy and total words per language at each commit that touched the
catalogues, read from git's objects (never the work tree), for the dashboard's chart.

Figures follow `status` (`_doc_status`): a document's source language counts all its
template words as translated; any other language counts its catalogue's figures, or all
the template's words as untranslated when that catalogue is missing or the reader refuses
it. A template the reader refuses leaves its document out of that commit.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from .catalog import parse
from .errors import InputError
from .project import Project

# (total, translated, fuzzy) words of one file; None when the reader refuses it.
Words = tuple[int, int, int] | None
# A commit's catalogues: language folder -> file name -> blob sha.
Tree = dict[str, dict[str, str]]


class Point(NamedTuple):
    """The project at one commit: every configured language's (translated_words,
    fuzzy_words, total_words), summed over the documents."""

    commit: str  # full sha
    date: str  # ISO 8601 committer date
    subject: str  # first line of the message (for a tooltip)
    languages: dict[str, tuple[int, int, int]]


class _GitFailed(Exception):
    """git said no: not a work tree, no commit yet, an object gone."""


def progress_history(project: Project, limit: int = 200) -> list[Point]:
    """The figures at the last `limit` commits (first parent) that touched the locales
    folder, oldest first; [] when the project is not in a git work tree or git is missing.
    Uncommitted changes are not seen; each distinct file content is parsed once."""
    if limit <= 0:
        return []
    try:
        return _history(project, limit)
    except (OSError, _GitFailed):  # git missing or not runnable, or not a repository
        return []


def _git(top: str, *args: str) -> bytes:
    # Literal pathspecs: a folder called `[ab]` or `*` is a name, not a pattern.
    result = subprocess.run(["git", "-C", top, "--literal-pathspecs", *args],
                            stdin=subprocess.DEVNULL, capture_output=True, check=False)
    if result.returncode != 0:
        raise _GitFailed(result.stderr.decode("utf-8", "replace").strip())
    return result.stdout


def _history(project: Project, limit: int) -> list[Point]:
    lines = _git(str(project.root), "rev-parse", "--show-toplevel", "--show-prefix")
    top, _, prefix = os.fsdecode(lines).partition("\n")
    locales = _locales_path(project, top, prefix.strip("\n"))
    if locales is None:  # the locales folder is outside the repository
        return []
    commits = _commits(top, locales, limit)
    # A commit's figures never change: they are kept between runs (per languages and
    # locales folder), so a build reads only the commits it has not seen.
    cache_key = f"{CACHE_VERSION}\n{' '.join(project.languages)}\n{locales}"
    known = _load_cache(project, cache_key)
    words: dict[str, Words] = {}
    points = []
    with _Blobs(top) as blobs:
        for sha, date, subject in reversed(commits):
            figures = known.get(sha)
            if figures is None:
                figures = _totals(project, _tree(top, sha, locales), words, blobs)
            points.append(Point(sha, date, subject, figures))
    if any(p.commit not in known for p in points):
        _save_cache(project, cache_key, {p.commit: p.languages for p in points})
    return points


CACHE_VERSION = 1


def _cache_path(project: Project) -> Path:
    return project.state / "cache" / "history.marshal"


def _load_cache(project: Project, key: str) -> dict[str, dict[str, tuple[int, int, int]]]:
    import marshal

    try:
        data = marshal.loads(_cache_path(project).read_bytes())
        if isinstance(data, dict) and data.get("key") == key:
            return {sha: {lang: tuple(v) for lang, v in figures.items()}
                    for sha, figures in data["points"].items()}
    except (OSError, ValueError, EOFError, TypeError, KeyError, AttributeError):
        pass
    return {}


def _save_cache(project: Project, key: str,
                points: dict[str, dict[str, tuple[int, int, int]]]) -> None:
    import marshal

    from .fsutil import atomic_write_bytes

    try:
        atomic_write_bytes(_cache_path(project), marshal.dumps({"key": key, "points": points}))
    except OSError:
        pass  # a cache: the chart is right without it


def _locales_path(project: Project, top: str, prefix: str) -> str | None:
    """The locales folder relative to the top of the work tree, in git's spelling."""
    config = project.config
    if Path(config.locales_dir).is_absolute():
        try:
            path = project.locales.resolve().relative_to(Path(top).resolve()).as_posix()
        except ValueError:
            return None
    else:
        path = posixpath.normpath(posixpath.join(prefix, Path(config.locales_dir).as_posix()))
    return None if path == ".." or path.startswith("../") else path


def _commits(top: str, locales: str, limit: int) -> list[tuple[str, str, str]]:
    """(sha, committer date, subject) of the commits touching `locales`, newest first."""
    # NUL-separated fields, and -z between commits: a message may hold any other byte.
    out = _git(top, "log", "--first-parent", "--no-show-signature", "-z",
               "--format=%H%x00%cI%x00%B", f"--max-count={limit}", "HEAD", "--", locales)
    fields = out.split(b"\0")
    if fields and not fields[-1]:
        fields.pop()  # the terminator after the last commit
    if len(fields) % 3:
        raise _GitFailed("unexpected git log output")
    commits = []
    for at in range(0, len(fields), 3):
        sha, date, message = (f.decode("utf-8", "replace") for f in fields[at:at + 3])
        subject = next((line.rstrip() for line in message.splitlines() if line.strip()), "")
        commits.append((sha, date, subject))
    return commits


def _tree(top: str, commit: str, locales: str) -> Tree:
    """The regular files `<lang>/<name>` directly in the language folders at `commit`."""
    out = _git(top, "ls-tree", "-r", "-z", commit, "--", locales)
    start = 0 if locales == "." else len(locales) + 1
    tree: Tree = {}
    for entry in out.split(b"\0"):
        info, _, raw_path = entry.partition(b"\t")
        fields = info.split()
        # Regular files only: a symbolic link's blob is its target, not a catalogue.
        if len(fields) != 3 or fields[0] not in (b"100644", b"100755"):
            continue
        lang, sep, name = os.fsdecode(raw_path)[start:].partition("/")
        if sep and "/" not in name:
            tree.setdefault(lang, {})[name] = fields[2].decode("ascii")
    return tree


def _totals(project: Project, tree: Tree, words: dict[str, Words],
            blobs: _Blobs) -> dict[str, tuple[int, int, int]]:
    """Each configured language's (translated, fuzzy, total) words in `tree`."""

    def counted(sha: str) -> Words:
        if sha not in words:
            words[sha] = _count(blobs.read(sha), sha)
        return words[sha]

    # Documents by their templates, the first in folder and name order winning, as
    # `project.discover` finds them (it refuses a second one; a chart shows the first).
    templates: dict[str, tuple[str, str]] = {}
    for lang in sorted(tree):
        for name in sorted(tree[lang]):
            if name.endswith(".pot"):
                templates.setdefault(name[:-4], (lang, tree[lang][name]))
    totals = {lang: (0, 0, 0) for lang in project.languages}
    for doc, (source, sha) in templates.items():
        template = counted(sha)
        if template is None:
            continue
        size = template[0]
        for lang, (translated, fuzzy, total) in totals.items():
            if lang == source:
                add = (size, 0, size)
            else:
                po = tree.get(lang, {}).get(f"{doc}.po")
                found = counted(po) if po is not None else None
                add = (0, 0, size) if found is None else (found[1], found[2], found[0])
            totals[lang] = (translated + add[0], fuzzy + add[1], total + add[2])
    return totals


def _count(data: bytes | None, sha: str) -> Words:
    if data is None:
        return None
    try:
        figures = parse(data, f"blob {sha}").figures()
    except InputError:
        return None
    return figures.words, figures.translated_words, figures.fuzzy_words


class _Blobs:
    """One `git cat-file --batch` process for the whole history: a blob's bytes by sha."""

    def __init__(self, top: str):
        self.process = subprocess.Popen(["git", "-C", top, "cat-file", "--batch"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)

    def __enter__(self) -> _Blobs:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
        except OSError:
            pass  # the process ended already
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process.wait()

    def read(self, sha: str) -> bytes | None:
        """The blob's bytes; None when git does not have it."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(f"{sha}\n".encode("ascii"))
        stdin.flush()
        header = stdout.readline().split()
        if len(header) != 3:  # `<sha> missing`, or git ended
            return None
        size = int(header[2])
        data = stdout.read(size + 1)  # the object and the newline after it
        if len(data) != size + 1:
            raise _GitFailed("git cat-file ended early")
        return data[:size] if header[1] == b"blob" else None
