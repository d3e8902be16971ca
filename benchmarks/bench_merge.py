#!/usr/bin/env python3
"""Merging catalogues: transkit's merge driver beside git's own line merge, same files.

One catalogue of --entries entries (default 5,000; news-like, from
../shared/bench/gen_corpus.py): two translators' branches (each translates and revises
its own 5% of the entries and saves with its own revision date) merged three ways:
  - the library (`gitmerge.merge_bytes`: three parses, the merge, the writer, the check
    read of the result);
  - the driver as git runs it (`python -m transkit.merge_driver`, one process);
  - `git merge-file` on the same three files (git's own merge, which conflicts here).
Then a repository whose two branches both touch --files catalogues (default 1,000 of
100 entries): `git merge` with the driver registered, `git merge` without it, `git
merge` without it followed by `transkit resolve` (one process for every file), and
`git -c merge.transkit.driver=false merge` (every catalogue changed on both sides left
unmerged, git's clean merges included) followed by `transkit resolve`.

Python's bytecode is cached (in a temporary PYTHONPYCACHEPREFIX) for every process the
benchmark starts, as in any installation, even where PYTHONDONTWRITEBYTECODE is set.
Medians of --runs runs (the repository merges: --repo-runs, default 1, since the
driver's run takes minutes). Usage:
  benchmarks/bench_merge.py [--entries 5000] [--files 1000] [--runs 5] [--repo-runs 1]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from transkit import catalog
from transkit.gitmerge import driver_command, merge_bytes

REPO = Path(__file__).resolve().parent.parent
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
BIN = Path(sys.executable).parent
ENV = dict(os.environ)


def corpus(out: Path, files: int, entries: int) -> list[Path]:
    subprocess.run([sys.executable, str(GEN), "--out", str(out), "--files", str(files),
                    "--entries", str(entries), "--new", "1", "--tm-sizes", "1"],
                   check=True, capture_output=True)
    return sorted((out / "po").glob("*.po"))


def branch_edit(data: bytes, side: int, seed: int, date: str, who: str) -> bytes:
    """A translator's session: 5% of the entries translated or revised (each branch its
    own: even or odd positions, by `side`), with its own header."""
    po = catalog.parse(data)
    rng = random.Random(seed)
    active = po.active()[side::2]
    for unit in rng.sample(active, max(1, len(active) // 10)):
        if unit.msgid_plural is not None:
            unit.msgstr_plural = {n: f"{text} ({who})" for n, text in
                                  (unit.msgstr_plural or {0: unit.msgid}).items()}
        else:
            unit.msgstr = f"{unit.msgstr or unit.msgid} ({who})"
        unit.set_fuzzy(False)
    po.metadata["PO-Revision-Date"] = date
    po.metadata["Last-Translator"] = who
    return catalog.dumps(po).encode("utf-8", "surrogateescape")


def timed(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=check, env=ENV)


def one_catalogue(tmp: Path, entries: int, runs: int) -> None:
    [path] = corpus(tmp / "one", 1, entries)
    base = catalog.dumps(catalog.load(path)).encode("utf-8", "surrogateescape")
    ours = branch_edit(base, 0, 1, "2026-12-02 10:00+0000", "Anna")
    theirs = branch_edit(base, 1, 2, "2026-12-03 10:00+0000", "Bruno")
    files = {}
    for name, data in (("base", base), ("ours", ours), ("theirs", theirs)):
        files[name] = tmp / f"{name}.po"
        files[name].write_bytes(data)
    units = len(catalog.parse(base).units)
    merged = merge_bytes(base, ours, theirs, "x.po")
    print(f"one catalogue: {units} entries, each branch changed 5%; transkit: "
          f"{len(merged.conflicts)} conflict(s)")
    library = timed(runs, lambda: merge_bytes(base, ours, theirs, "x.po"))

    def driver() -> None:
        target = tmp / "a.po"
        target.write_bytes(ours)
        subprocess.run([sys.executable, "-m", "transkit.merge_driver", str(files["base"]),
                        str(target), str(files["theirs"]), "x.po"], check=True,
                       capture_output=True, env=ENV)

    def line_merge() -> None:
        subprocess.run(["git", "merge-file", "-p", str(files["ours"]), str(files["base"]),
                        str(files["theirs"])], capture_output=True, check=False)

    process = timed(runs, driver)
    plain = timed(runs, line_merge)
    conflicted = subprocess.run(["git", "merge-file", "-p", str(files["ours"]),
                                 str(files["base"]), str(files["theirs"])],
                                capture_output=True, check=False).returncode
    print(f"  transkit merge (library)      {library * 1000:8.1f} ms")
    print(f"  transkit merge driver process {process * 1000:8.1f} ms")
    print(f"  git merge-file                {plain * 1000:8.1f} ms   "
          f"({conflicted} conflict(s))")


def repository(tmp: Path, files: int, runs: int) -> None:
    paths = corpus(tmp / "many", files, files * 100)
    root = tmp / "repo"
    (root / "locales" / "fr").mkdir(parents=True)
    originals = {}
    for path in paths:
        data = catalog.dumps(catalog.load(path)).encode("utf-8", "surrogateescape")
        originals[path.name] = data
        (root / "locales" / "fr" / path.name).write_bytes(data)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "b@example.org")
    git(root, "config", "user.name", "Bench")
    (root / ".gitattributes").write_text("*.po merge=transkit\n*.pot merge=transkit\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    for branch, seed, date, who in (("anna", 1, "2026-12-02 10:00+0000", "Anna"),
                                    ("main", 2, "2026-12-03 10:00+0000", "Bruno")):
        if branch != "main":
            git(root, "checkout", "-q", "-b", branch)
        for i, (name, data) in enumerate(originals.items()):
            (root / "locales" / "fr" / name).write_bytes(
                branch_edit(data, seed - 1, seed * 100_000 + i, date, who))
        git(root, "commit", "-q", "-am", branch)
        git(root, "checkout", "-q", "main")
    head = git(root, "rev-parse", "HEAD").stdout.decode().strip()

    def reset() -> None:
        git(root, "merge", "--abort", check=False)
        git(root, "reset", "-q", "--hard", head)

    outcomes: dict[str, int] = {}

    def merge_with(driver: str, resolve: bool = False) -> Callable[[], None]:
        def work() -> None:
            config = ["-c", f"merge.transkit.driver={driver}"] if driver else []
            result = git(root, *config, "merge", "--no-edit", "anna", check=False)
            if resolve:
                subprocess.run([str(BIN / "transkit"), "resolve"], cwd=root,
                               capture_output=True, check=False, env=ENV)
            left = git(root, "diff", "--name-only", "--diff-filter=U").stdout.split()
            outcomes[f"{driver}{resolve}"] = len(left) if result.returncode else 0
        return work

    results = []
    for label, driver, resolve in (("git merge (git's line merge)", "", False),
                                   ("git merge + transkit resolve", "", True),
                                   ("git merge (driver=false) + resolve", "false", True),
                                   ("git merge with transkit's driver", driver_command(),
                                    False)):
        times = []
        for _ in range(runs):
            reset()
            times.append(timed(1, merge_with(driver, resolve)))
        results.append((label, statistics.median(times), outcomes[f"{driver}{resolve}"]))
    reset()
    print(f"a branch touching {files} catalogues (100 entries each), merged into a main "
          "that touched them too:")
    for label, seconds, left in results:
        print(f"  {label:34s} {seconds:8.2f} s   {left} file(s) left in conflict")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repo-runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-merge-") as folder:
        tmp = Path(folder)
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        subprocess.run([sys.executable, "-c", "import transkit.gitmerge, transkit.cli.git"],
                       env=ENV, check=True)
        one_catalogue(tmp, args.entries, args.runs)
        if args.files:
            repository(tmp, args.files, args.repo_runs)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
