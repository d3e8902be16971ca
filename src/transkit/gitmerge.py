"""Catalogues merged the way git should: `git-setup` (the driver in a clone's configuration,
`.gitattributes`), the driver's one file merge, and `resolve` from git's index stages.

Each reads the three versions, calls `catalog.merge.merge` and writes the result whole;
a side that is not valid PO leaves git's own line merge, markers and all, so nothing is
lost and the file is plainly conflicted.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

from .catalog.merge import CONFLICT_MARK, Key, MergeResult, merge
from .catalog.model import SOURCE_LANG_HEADER, Catalogue
from .catalog.po import dumps, parse
from .errors import InputError
from .fsutil import atomic_write_bytes, atomic_write_text, read_bytes

DRIVER = "transkit"
ATTRIBUTES = ("*.po merge=transkit", "*.pot merge=transkit")


class GitError(InputError):
    """git refused or is missing."""


def _git(cwd: Path, *args: str, data: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True,
                                check=False, stdin=None if data is not None else
                                subprocess.DEVNULL)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]}: {reason[-1] if reason else 'failed'}")
    return result.stdout


def git_top(folder: Path) -> Path | None:
    """The top of the git work tree holding `folder`; None outside one (or without git)."""
    try:
        out = _git(folder, "rev-parse", "--show-toplevel")
    except GitError:
        return None
    return Path(out.decode("utf-8", "surrogateescape").strip())


# -- setup -------------------------------------------------------------------------------

def driver_command() -> str:
    """What git runs: this Python and this transkit, so IDEs without our PATH run it too."""
    return f"{shlex.quote(sys.executable)} -m transkit.merge_driver %O %A %B %P"


def git_setup(folder: Path) -> list[str]:
    """Register the driver in the clone's configuration and route the project's PO and
    POT files to it in `<folder>/.gitattributes`; returns what changed (idempotent)."""
    top = git_top(folder)
    if top is None:
        raise GitError("not inside a git work tree (run `git init` first)", folder)
    changed: list[str] = []
    wanted = {"name": "transkit: PO catalogues merged unit by unit",
              "driver": driver_command()}
    for name, value in wanted.items():
        key = f"merge.{DRIVER}.{name}"
        try:
            current = _git(folder, "config", "--local", "--get", key).decode().strip()
        except GitError:
            current = None
        if current != value:
            _git(folder, "config", "--local", key, value)
            changed.append(f"git config {key}")
    path = folder / ".gitattributes"
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        text = ""
    present = {" ".join(line.split()) for line in text.splitlines()}
    missing = [line for line in ATTRIBUTES if line not in present]
    if missing:
        head = text if not text or text.endswith("\n") else text + "\n"
        atomic_write_text(path, head + "# transkit: PO files merged unit by unit "
                          "(`transkit git-setup` registers the driver)\n"
                          + "".join(f"{line}\n" for line in missing))
        changed.append(str(path))
    return changed


# -- one merge ---------------------------------------------------------------------------

class FileMerge(NamedTuple):
    """A merged file's bytes and its conflicts as `path:line: reason` lines."""

    data: bytes
    conflicts: list[str]
    result: MergeResult


def _read_side(data: bytes, label: str, path: str) -> Catalogue:
    try:
        return parse(data, f"{path} ({label})")
    except InputError:
        raise
    except ValueError as exc:  # bytes no reader could decode
        raise InputError(f"not a PO file: {exc}", f"{path} ({label})") from None


def template_order(path: str, catalogues: list[Catalogue], top: Path) -> list[Key] | None:
    """Keys of the document's template (`locales/<source>/<doc>.pot` beside the
    catalogue's language folder) as the work tree has it; None when there is none."""
    target = Path(path)
    if target.suffix != ".po":
        return None
    for catalogue in catalogues:
        source = catalogue.metadata.get(SOURCE_LANG_HEADER, "").strip()
        if not source or "/" in source or source.startswith("."):
            continue
        pot = top / target.parent.parent / source / (target.stem + ".pot")
        try:
            template = parse(read_bytes(pot), pot)
        except (OSError, InputError):
            continue
        return [u.key for u in template.units if not u.obsolete]
    return None


def merge_bytes(base: bytes, ours: bytes, theirs: bytes, path: str,
                top: Path | None = None) -> FileMerge:
    """The three versions of catalogue `path` merged; `InputError` if one is not PO."""
    sides = [_read_side(data, label, path)
             for data, label in ((base, "base"), (ours, "ours"), (theirs, "theirs"))]
    for data, label in ((ours, "ours"), (theirs, "theirs")):
        if base.strip() and not data.strip():
            # Emptied, not deleted (git handles that): too likely an accident to merge as
            # "every unit removed".
            raise InputError("the file is empty on this side", f"{path} ({label})", 1)
    order = template_order(path, sides[1:], top) if top is not None else None
    source_lang = next((c.metadata.get(SOURCE_LANG_HEADER, "") for c in sides[1:]
                        if c.metadata.get(SOURCE_LANG_HEADER)), "")

    def similarity(new: str, was: str) -> float:
        from .text import score

        return score(new, was, source_lang or "en").score / 100

    result = merge(sides[0] if base.strip() else None, sides[1], sides[2],
                   template_order=order, similarity=similarity)
    text = dumps(result.catalogue)
    data = text.encode("utf-8", "surrogateescape")
    conflicts = [f"{path}:{line}: merge conflict: ours in msgstr, theirs in a "
                 "`transkit-conflict:` comment" for line in _conflict_lines(text)]
    return FileMerge(data, conflicts, result)


def _conflict_lines(text: str) -> list[int]:
    """Lines of the msgid of every active unit with a conflict comment, in written text
    (as `conflict_lines` finds them in a file read back, without reading it again)."""
    lines: list[int] = []
    mark = f"\n# {CONFLICT_MARK}"
    pos = text.find(mark)
    while pos != -1:
        msgid = text.find("\nmsgid ", pos)
        blank = text.find("\n\n", pos)
        if msgid != -1 and (blank == -1 or msgid < blank):  # not an obsolete entry's
            lines.append(text.count("\n", 0, msgid) + 2)
            pos = msgid
        else:
            pos = blank if blank != -1 else len(text)
        pos = text.find(mark, pos)
    return lines


def line_merge(ours: Path, base: Path, theirs: Path) -> None:
    """git's own merge of the three files into `ours`, conflict markers included."""
    subprocess.run(["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs",
                    str(ours), str(base), str(theirs)], capture_output=True, check=False,
                   stdin=subprocess.DEVNULL)


class DriverOutcome(NamedTuple):
    conflicts: list[str]
    error: InputError | None


def run_driver(base: Path, ours: Path, theirs: Path, path: str) -> DriverOutcome:
    """What git's merge driver does: the merge of `path` written into `ours` (git's %A).
    A side that is not PO leaves git's line merge there, and the reader's error."""
    top = Path.cwd()  # git runs drivers at the work tree's top
    try:
        data = [read_bytes(p) for p in (base, ours, theirs)]  # too large: refused too
        merged = merge_bytes(data[0], data[1], data[2], path, top)
    except InputError as exc:
        line_merge(ours, base, theirs)
        return DriverOutcome([], exc)
    # %A is git's scratch copy, read back at once (git keeps every version in its
    # stages): renamed into place whole, but not worth an fsync per file of a merge.
    atomic_write_bytes(ours, merged.data, sync=False)
    return DriverOutcome(merged.conflicts, None)


# -- resolve after a merge that did not run the driver -----------------------------------

class Resolved(NamedTuple):
    path: str
    conflicts: list[str]
    error: InputError | None
    staged: bool


def unmerged(top: Path, paths: list[str]) -> dict[str, dict[int, str]]:
    """Unmerged catalogues of the index: path → {stage: blob id}."""
    out = _git(top, "--literal-pathspecs", "ls-files", "-u", "-z", "--", *paths)
    found: dict[str, dict[int, str]] = {}
    for record in out.decode("utf-8", "surrogateescape").split("\0"):
        if not record:
            continue
        info, _, name = record.partition("\t")
        _, blob, stage = info.split()
        if name.endswith((".po", ".pot")):
            found.setdefault(name, {})[int(stage)] = blob
    return found


def _blobs(top: Path, names: list[str]) -> list[bytes | None]:
    """The bytes of many objects (ids, or `rev:path`) from one `git cat-file --batch`,
    in the order asked; None for one git does not have."""
    out = _git(top, "cat-file", "--batch",
               data="".join(f"{name}\n" for name in names).encode("utf-8", "surrogateescape"))
    found: list[bytes | None] = []
    pos = 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].rsplit(b" ", 2)
        if out[pos:end].endswith(b" missing"):
            found.append(None)
            pos = end + 1
            continue
        if len(header) != 3 or header[1] != b"blob":
            raise GitError(f"git cat-file: {out[pos:end].decode('utf-8', 'replace')}")
        size = int(header[2])
        found.append(out[end + 1:end + 1 + size])
        pos = end + 1 + size + 1
    if len(found) != len(names):
        raise GitError("git cat-file ended early")
    return found


def _work_tree(folder: Path, paths: list[str]) -> tuple[Path, list[str]]:
    """The work tree's top and `paths` relative to it."""
    top = git_top(folder)
    if top is None:
        raise GitError("not inside a git work tree", folder)
    relative = []
    for given in paths:
        absolute = (folder / given).resolve()
        try:
            relative.append(absolute.relative_to(top.resolve()).as_posix())
        except ValueError:
            raise InputError("outside the git work tree", given) from None
    return top, relative


def resolve(folder: Path, paths: list[str]) -> list[Resolved]:
    """Redo the merge of each unmerged catalogue (all, or those under `paths`) from git's
    stages 1-3, write the result in the work tree and stage it when no conflict is left."""
    top, relative = _work_tree(folder, paths)
    found = unmerged(top, relative)
    ids = sorted({blob for stages in found.values() for blob in stages.values()})
    blobs = dict(zip(ids, _blobs(top, ids), strict=True))
    results: list[Resolved] = []
    clean: list[str] = []
    for name, stages in sorted(found.items()):
        if 2 not in stages or 3 not in stages:
            results.append(Resolved(name, [], InputError(
                "deleted on one side, changed on the other: resolve it with git", name),
                False))
            continue
        sides = [blobs[stages[n]] or b"" if n in stages else b"" for n in (1, 2, 3)]
        try:
            merged = merge_bytes(sides[0], sides[1], sides[2], name, top)
        except InputError as exc:
            results.append(Resolved(name, [], exc, False))
            continue
        atomic_write_bytes(top / name, merged.data)
        if not merged.conflicts:
            clean.append(name)
        results.append(Resolved(name, merged.conflicts, None, not merged.conflicts))
    if clean:  # staged in one run of git, as the driver's clean results would be
        _git(top, "--literal-pathspecs", "add", "--pathspec-from-file=-", "--pathspec-file-nul",
             data="".join(f"{name}\0" for name in clean).encode("utf-8", "surrogateescape"))
    return results


class Redone(NamedTuple):
    path: str
    conflicts: list[str]
    error: InputError | None
    rewritten: bool


def redo_merge(folder: Path, commit: str, paths: list[str]) -> list[Redone]:
    """A merge commit made where the driver did not run (a hosting site's merge button):
    every catalogue both parents changed merged again from the merge base and the two
    parents; the work tree's file rewritten where the result differs from the commit's
    (and only if the file is still as the commit has it). Nothing is staged."""
    top, relative = _work_tree(folder, paths)
    if commit.startswith("-"):
        raise InputError(f"not a commit: {commit!r}")
    try:
        line = _git(top, "rev-list", "--parents", "-n", "1", commit, "--").split()
    except GitError:
        raise InputError(f"not a commit: {commit!r}") from None
    if len(line) != 3:
        raise InputError(f"{commit} is not a merge of two commits")
    merge_id, first, second = (part.decode() for part in line)
    base = _git(top, "merge-base", first, second).decode().strip()

    def changed(old: str, new: str) -> set[str]:
        out = _git(top, "--literal-pathspecs", "diff", "--name-only", "-z", "--no-renames",
                   old, new, "--", *relative)
        return {n for n in out.decode("utf-8", "surrogateescape").split("\0")
                if n.endswith((".po", ".pot"))}

    names = sorted(changed(base, first) & changed(base, second))
    revs = (base, first, second, merge_id)
    blobs = _blobs(top, [f"{rev}:{name}" for name in names for rev in revs])
    results: list[Redone] = []
    for index, name in enumerate(names):
        was, ours, theirs, made = blobs[index * 4:index * 4 + 4]
        if ours is None or theirs is None or made is None:
            results.append(Redone(name, [], InputError(
                "deleted on one side or by the merge: left as it is", name), False))
            continue
        try:
            merged = merge_bytes(was or b"", ours, theirs, name, top)
        except InputError as exc:
            results.append(Redone(name, [], exc, False))
            continue
        if merged.data == made:
            results.append(Redone(name, merged.conflicts, None, False))
            continue
        try:
            current = read_bytes(top / name)
        except InputError:
            current = None
        if current != made:
            results.append(Redone(name, [], InputError(
                f"changed since {merge_id[:12]}: not rewritten (redo it from a work tree "
                "at that commit)", name), False))
            continue
        atomic_write_bytes(top / name, merged.data)
        results.append(Redone(name, merged.conflicts, None, True))
    return results
