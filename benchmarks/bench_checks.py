#!/usr/bin/env python3
"""Consistency checks: quality on planted errors and speed against pofilter.

1. Quality: errors of every kind are planted in the demo's correct translations
   (transkit.checks.mutate for per-unit checks; project-level ones on a scratch
   copy); prints recall per check and the false positives on the clean demo.
2. Speed: `transkit check` and Translate Toolkit's `pofilter` with its comparable
   tests, on the 1,000-catalogue corpus of bench_status.py (by default gen_corpus.py's
   gettext-wrapped catalogues; median of N runs), with status's counts beside msgfmt's.

Usage: benchmarks/bench_checks.py [--docs 1000] [--runs 3] [--timebox 900] [--keep DIR]
                                  [--layout gettext|transkit] [--entries N] [--seed N]
                                  [--quality-only | --speed-only]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polib

from transkit.checks import check_classes, run_checks
from transkit.checks.mutate import Score, false_positives, unit_recall
from transkit.config import load_config

sys.path.insert(0, str(Path(__file__).parent))
from bench_status import (  # noqa: E402  (same folder)
    generate,
    gettext_project,
    msgfmt_counts,
    status_counts,
)

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POFILTER_TESTS = ["xmltags", "numbers", "urls", "emails", "endpunc", "doublespacing",
                  "startwhitespace", "endwhitespace", "unchanged", "long", "short",
                  "doublewords", "brackets", "puncspacing", "acronyms", "doublequoting"]


def demo_copy() -> Path:
    root = Path(tempfile.mkdtemp(prefix="transkit-checks-")) / "demo"
    root.mkdir()
    shutil.copy(REPO / "transkit.toml", root)
    for folder in ("bulletins", "locales", "glossary"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    po = polib.pofile(str(path))
    change(po)
    po.save(str(path))


def project_recall() -> dict[str, Score]:
    """Plant one error of each project-level kind in a scratch copy and see it caught."""
    scores: dict[str, Score] = {}

    def planted(check: str, mutate) -> None:  # type: ignore[no-untyped-def]
        root = demo_copy()
        mutate(root)
        found = {f.check for f in run_checks(load_config(root)).findings}
        score = scores.setdefault(check, Score())
        score.planted += 1
        score.detected += check in found
        shutil.rmtree(root.parent, ignore_errors=True)

    shared = "Més informació a www.europol.europa.eu."
    for lang in ("es", "en", "fr"):
        def inconsistent(root: Path, lang: str = lang) -> None:
            def change(po: polib.POFile) -> None:
                entry = po.find(shared)
                entry.msgstr = entry.msgstr.replace("www", "https://www")
            _edit(root / f"locales/{lang}/2019-01-ransomware.po", change)
        planted("inconsistent", inconsistent)

        def cross_numbers(root: Path, lang: str = lang) -> None:
            def change(po: polib.POFile) -> None:
                entry = po.find("La policia va inspeccionar 1.327 locals en 5 dies.")
                entry.msgstr = entry.msgstr.replace("5", "6")
            _edit(root / f"locales/{lang}/2019-02-butlleti.po", change)
        planted("cross-numbers", cross_numbers)

        def cross_urls(root: Path, lang: str = lang) -> None:
            def change(po: polib.POFile) -> None:
                entry = po.find(shared)
                entry.msgstr = entry.msgstr.replace("europa.eu", "europa.com")
            _edit(root / f"locales/{lang}/2019-02-butlleti.po", change)
        planted("cross-urls", cross_urls)

        def aligned(root: Path, lang: str = lang) -> None:
            _edit(root / f"locales/{lang}/2018-12-frau-targetes.po",
                  lambda po: po.remove(po.find("Les autoritats recomanen als usuaris:")))
        planted("aligned", aligned)

        def po_header(root: Path, lang: str = lang) -> None:
            def change(po: polib.POFile) -> None:
                po.metadata["Language"] = "de"
            _edit(root / f"locales/{lang}/2019-01-ransomware.po", change)
        planted("po-header", po_header)

        def duplicates(root: Path, lang: str = lang) -> None:
            path = root / f"locales/{lang}/2019-01-ransomware.po"
            path.write_text(path.read_text("utf-8") + '\nmsgid "No pagueu el rescat."\n'
                            'msgstr "x"\n', "utf-8")
        planted("duplicates", duplicates)

        def acronym(root: Path, lang: str = lang) -> None:
            def change(po: polib.POFile) -> None:
                entry = next(e for e in po if "EC3" in e.msgid)
                entry.msgstr = entry.msgstr.replace("(EC3)", "")
            _edit(root / f"locales/{lang}/2018-12-frau-targetes.po", change)
        planted("acronyms", acronym)
    return scores


def quality() -> None:
    config = load_config(REPO)
    scores = {**unit_recall(config), **project_recall()}
    fp = false_positives(config)
    print(f"{'check':<24} {'planted':>8} {'caught':>7} {'recall':>7} {'false pos.':>10}")
    for check, score in scores.items():
        print(f"{check:<24} {score.planted:>8} {score.detected:>7} {score.recall:>7.3f} "
              f"{fp.get(check, 0):>10}")
    others = {k: v for k, v in fp.items() if k not in scores}
    print(f"false positives on the clean demo, all checks: {sum(fp.values())}"
          + (f" ({others})" if others else ""))


def timed(command: list[str], cwd: Path, timebox: float) -> float | None:
    start = time.perf_counter()
    try:
        subprocess.run(command, cwd=cwd, check=False, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=timebox)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def speed(docs: int, runs: int, timebox: float, keep: Path | None, layout: str = "gettext",
          entries: int = 200000, seed: int = 1) -> None:
    root = keep or Path(tempfile.mkdtemp(prefix="transkit-checkbench-"))
    if not (root / "transkit.toml").exists():
        print(f"\ngenerating {docs} documents ({layout} layout) …", flush=True)
        if layout == "gettext":
            gettext_project(root, docs, entries, seed)
        else:
            root.mkdir(parents=True, exist_ok=True)
            generate(root, docs, 50)
    catalogues = sorted(str(p.relative_to(root)) for p in root.glob("locales/*/*.po"))
    units = sum(1 for p in catalogues for line in (root / p).open(encoding="utf-8")
                if line.startswith("msgid "))
    print(f"\nspeed: {len(catalogues)} catalogues ({layout} layout), ~{units:,} entries")
    mine, theirs = status_counts(root), msgfmt_counts(root, catalogues)
    print(f"counts (translated, fuzzy, untranslated): transkit {mine}, msgfmt {theirs} — "
          f"{'equal' if mine == theirs else 'DIFFERENT'}", flush=True)
    ours = [timed([str(BIN / "transkit"), "check"], root, timebox) for _ in range(runs)]
    out = root.parent / f"{root.name}-pofilter"
    theirs_s = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        command = [str(BIN / "pofilter"), "--progress=none"]
        for test in POFILTER_TESTS:
            command += ["-t", test]
        theirs_s.append(timed(command + [str(root / "locales"), str(out)], root, timebox))
    shutil.rmtree(out, ignore_errors=True)
    t_ours = statistics.median(t for t in ours if t is not None)
    done = [t for t in theirs_s if t is not None]
    checks = len(check_classes())
    if done:
        t_theirs = statistics.median(done)
        print(f"transkit check ({checks} checks): {t_ours:.1f} s; pofilter "
              f"({len(POFILTER_TESTS)} tests): {t_theirs:.1f} s; ratio {t_theirs / t_ours:.1f}x "
              "(target >= 5x)")
    else:
        print(f"transkit check: {t_ours:.1f} s; pofilter: > {timebox:.0f} s (time box)")
    if not keep:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(root.parent / f"{root.name}-corpus", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timebox", type=float, default=900)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--speed-only", action="store_true")
    parser.add_argument("--layout", choices=("gettext", "transkit"), default="gettext",
                        help="the speed corpus (see bench_status.py)")
    parser.add_argument("--entries", type=int, default=200000)
    parser.add_argument("--seed", type=int, default=1, help="gen_corpus.py's seed")
    args = parser.parse_args()
    if not args.speed_only:
        quality()
    if not args.quality_only:
        speed(args.docs, args.runs, args.timebox, args.keep, args.layout, args.entries,
              args.seed)


if __name__ == "__main__":
    main()
