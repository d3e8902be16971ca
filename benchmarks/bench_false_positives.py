#!/usr/bin/env python3
"""False positives of the checks on correct, published translations, beside pofilter's.

Two sets of translations a person wrote and published, so every finding is a false
positive:

1. the demo's catalogues (bulletins/, locales/ of this repository);
2. tests/data/published/: three institutional press releases (a Europol-style
   operation, a Commission funding decision, a UN appeal) written in English and
   published in Catalan, Spanish and French. A scratch project (source language en)
   has the English pages in bulletins/; `transkit align --archive` fills its
   catalogues from the translations (found through their hreflang links), and every
   aligned unit is then taken as translated, as a reviewer's `approve` would.

For each set: the units checked, transkit's findings by severity and check
(`transkit check`, warnings and errors), and the units Translate Toolkit's pofilter
flags with its comparable tests (the ones bench_checks.py times), same catalogues, same
run. A figure of 0 errors is the goal: an error blocks the release.

Usage: benchmarks/bench_false_positives.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from transkit import catalog
from transkit.checks import run_checks
from transkit.project import Project

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PUBLISHED = REPO / "tests" / "data" / "published"
# pofilter's tests that compare what transkit's checks compare (as bench_checks.py).
POFILTER_TESTS = ["xmltags", "numbers", "urls", "emails", "endpunc", "doublespacing",
                  "startwhitespace", "endwhitespace", "unchanged", "long", "short",
                  "doublewords", "brackets", "puncspacing", "acronyms", "doublequoting"]
CONFIG = """\
[project]
name = "Published press releases"
source_language = "en"
languages = ["en", "ca", "es", "fr"]
"""


def demo_set(root: Path) -> Path:
    demo = root / "demo"
    demo.mkdir()
    shutil.copy(REPO / "transkit.toml", demo)
    for folder in ("bulletins", "locales", "glossary"):
        shutil.copytree(REPO / folder, demo / folder)
    return demo


def published_set(root: Path) -> tuple[Path, Counter[str]]:
    """The press releases aligned into a fresh project; every aligned unit translated."""
    project = root / "published"
    (project / "bulletins").mkdir(parents=True)
    (project / "transkit.toml").write_text(CONFIG, "utf-8")
    archive = root / "archive"
    archive.mkdir()
    for page in sorted(PUBLISHED.glob("*.html")):
        if page.name.endswith(".en.html"):
            shutil.copy(page, project / "bulletins" / page.name)
        else:
            shutil.copy(page, archive / page.name)
    subprocess.run([str(BIN / "transkit"), "extract"], cwd=project, check=True,
                   capture_output=True)
    done = subprocess.run([str(BIN / "transkit"), "align", "--archive", str(archive)],
                          cwd=project, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"align failed:\n{done.stdout}\n{done.stderr}")
    kinds: Counter[str] = Counter()
    for line in done.stdout.splitlines():
        for count, kind in re.findall(r"(\d+) (\d-\d)", line.split("pairs (")[-1]):
            kinds[kind] += int(count)
    for path in sorted(project.glob("locales/*/*.po")):
        po = catalog.load(path)
        for unit in po.active():
            if unit.has_target and unit.provenance and unit.provenance[0] == "aligned":
                unit.set_fuzzy(False)
        catalog.save(po, path)
    return project, kinds


def ours(project: Path) -> tuple[int, Counter[tuple[str, str]], list[str]]:
    report = run_checks(Project.load(project), min_severity="warning")
    found = Counter((f.severity, f.check) for f in report.findings)
    errors = [f.text() for f in report.findings if f.severity == "error"]
    return report.units, found, errors


def pofilter(project: Path) -> tuple[int, Counter[str]]:
    """Units pofilter flags (each once) and its findings per test."""
    out = project.parent / f"{project.name}-pofilter"
    shutil.rmtree(out, ignore_errors=True)
    command = [str(BIN / "pofilter"), "--progress=none"]
    for test in POFILTER_TESTS:
        command += ["-t", test]
    subprocess.run(command + [str(project / "locales"), str(out)], check=False,
                   capture_output=True)
    units, tests = 0, Counter[str]()
    for path in sorted(out.rglob("*.po")):
        import polib

        for entry in polib.pofile(str(path)):
            found = re.findall(r"\(pofilter\) (\w+)", entry.comment + "\n" + entry.tcomment)
            if found:
                units += 1
                tests.update(found)
    return units, tests


def show(name: str, project: Path) -> None:
    units, found, errors = ours(project)
    flagged, tests = pofilter(project)
    count = {s: sum(n for (sev, _), n in found.items() if sev == s) for s in ("error", "warning")}
    print(f"\n{name}: {units} translated units checked")
    print(f"  transkit check: {count['error']} error(s), {count['warning']} warning(s)"
          + (": " + ", ".join(f"{check} {n} ({sev})" for (sev, check), n in
                              sorted(found.items())) if found else ""))
    for line in errors:
        print(f"    {line}")
    print(f"  pofilter ({len(POFILTER_TESTS)} tests): {flagged} unit(s) flagged"
          + (": " + ", ".join(f"{test} {n}" for test, n in sorted(tests.items()))
             if tests else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="Work in this folder and keep it.")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="transkit-fp-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        show("demo (the repository's translations)", demo_set(root))
        project, kinds = published_set(root)
        print(f"\n(published set aligned: {sum(kinds.values())} pairs, "
              + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + ")")
        show("published press releases (tests/data/published)", project)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
