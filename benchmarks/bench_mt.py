#!/usr/bin/env python3
"""Apertium drafts measured on a project's own human translations (the demo's by default).

1. Quality: chrF (sacrebleu) of the drafts of every pair against the human translation,
   direct and through each pivot language, beside copying the source (the competitor a
   draft must beat); and, per target language, the share of units that drafting from a
   person's translation in another language improves over drafting from the source. It
   ends with the `[mt.apertium.quality]` table that measured it, to paste into a
   project's transkit.toml (the pair-quality table pretranslate chooses pivots by).
2. Speed: units per second per pair, one Apertium run per pair (transkit) beside one run
   per unit (what a naive client does), same texts, same run; then `transkit pretranslate
   --mt apertium` drafting a 500-unit bulletin into three languages, medians of N runs.

Usage: benchmarks/bench_mt.py [--project DIR] [--runs 3] [--units 500]
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sacrebleu

from transkit import catalog
from transkit.engines.apertium import ApertiumEngine
from transkit.unit import PLACEHOLDER

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def parallel_units(root: Path) -> tuple[str, list[dict[str, str]]]:
    """(source language, units): each unit's text in every language a person translated it
    into (translated, not fuzzy, no machine or memory provenance)."""
    from transkit.project import Project

    project = Project.load(root)
    units: dict[tuple[str, str], dict[str, str]] = {}
    for ref in project.catalogues():
        for entry in catalog.load(ref.path).active():
            provenance = entry.provenance
            if (entry.msgid_plural is not None or not entry.translated or entry.fuzzy
                    or (provenance is not None and provenance[0] in ("mt", "tm"))):
                continue
            row = units.setdefault((ref.name, entry.msgid), {ref.source_language: entry.msgid})
            row[ref.lang] = entry.msgstr
    return project.config.source_language, list(units.values())


def plain(text: str) -> str:
    return " ".join(PLACEHOLDER.sub("", text).split())


def chrf(hypotheses: list[str], references: list[str]) -> float:
    return float(sacrebleu.corpus_chrf([plain(h) for h in hypotheses],
                                       [[plain(r) for r in references]]).score)


def quality(units: list[dict[str, str]], source: str, engine: ApertiumEngine) -> None:
    languages = sorted({lang for row in units for lang in row})
    print(f"chrF of Apertium drafts against the human translations ({len(units)} units; "
          "'copy' scores the untranslated source)")
    print(f"  {'pair':<8} {'units':>5} {'copy':>6} {'direct':>7}  through a pivot (chained)")
    table: dict[tuple[str, str], float] = {}
    drafts: dict[tuple[str, str], dict[int, str]] = {}
    for a, b in itertools.permutations(languages, 2):
        rows = [i for i, row in enumerate(units) if a in row and b in row]
        if not rows:
            continue
        texts = [units[i][a] for i in rows]
        refs = [units[i][b] for i in rows]
        copy = chrf(texts, refs)
        cells = []
        best: float | None = None
        if engine.supports(a, b):
            hyps = engine.translate(texts, a, b)
            drafts[(a, b)] = dict(zip(rows, hyps, strict=True))
            score = chrf(hyps, refs)
            direct = f"{score:7.1f}"
            route = engine.route(a, b)
            if "+" in route:
                direct += f" ({route})"
            best = score
        else:
            direct = f"{'—':>7}"
        for via in languages:
            if via in (a, b) or "+" in engine.route(a, b) and via in engine.route(a, b):
                continue
            if not (engine.supports(a, via) and engine.supports(via, b)):
                continue
            middle = engine.translate(texts, a, via)
            score = chrf(engine.translate(middle, via, b), refs)
            cells.append(f"via {via} {score:.1f}")
        print(f"  {a}→{b:<5} {len(rows):>5} {copy:6.1f} {direct}  {', '.join(cells)}")
        if best is not None:  # what pretranslate drafts with: the pair, or its chain
            table[(a, b)] = round(best, 1)
    print()
    print("Drafting from a person's translation instead of the source "
          f"({source}): chrF, and the share of units it improves")
    for target in languages:
        if target == source or (source, target) not in drafts:
            continue
        direct = drafts[(source, target)]
        for via in languages:
            if via in (source, target) or (via, target) not in drafts:
                continue
            rows = [i for i in direct if via in units[i] and i in drafts[(via, target)]]
            if not rows:
                continue
            refs = [units[i][target] for i in rows]
            from_source = [direct[i] for i in rows]
            from_via = [drafts[(via, target)][i] for i in rows]
            better = sum(
                sacrebleu.sentence_chrf(plain(v), [plain(r)]).score
                > sacrebleu.sentence_chrf(plain(s), [plain(r)]).score
                for s, v, r in zip(from_source, from_via, refs, strict=True))
            print(f"  into {target}: from {source} {chrf(from_source, refs):5.1f}, from the "
                  f"human {via} {chrf(from_via, refs):5.1f}; better for {better}/{len(rows)} "
                  f"units ({100 * better / len(rows):.0f}%)")
    print()
    print("[mt.apertium.quality]   # measured by benchmarks/bench_mt.py")
    for (a, b), score in sorted(table.items()):
        print(f'"{a}-{b}" = {score}')
    print()


def speed(units: list[dict[str, str]], engine: ApertiumEngine, runs: int) -> None:
    print("Speed: one Apertium run per pair (transkit) beside one run per unit (5 units), "
          f"same texts, median of {runs}")
    languages = sorted({lang for row in units for lang in row})
    for source, target in itertools.permutations(languages, 2):
        texts = [row[source] for row in units if source in row]
        if not texts or not engine.supports(source, target):
            continue
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            engine.translate(texts, source, target)
            times.append(time.perf_counter() - start)
        batched = len(texts) / statistics.median(times)
        sample = texts[:5]
        start = time.perf_counter()
        for text in sample:
            engine.translate([text], source, target)
        single = len(sample) / (time.perf_counter() - start)
        print(f"  {source}→{target} ({engine.route(source, target)}): {batched:7.1f} units/s "
              f"batched, {single:5.1f} units/s one process per unit ({batched / single:.0f}×)")
    print()


def at_once(units: list[dict[str, str]], source: str, engine: ApertiumEngine,
            runs: int) -> None:
    """The three pairs of a bulletin one after another, and at once (pretranslate's way for
    an engine of separate processes), interleaved runs."""
    from concurrent.futures import ThreadPoolExecutor

    texts = [row[source] for row in units] * 10
    targets = [t for t in sorted({lang for row in units for lang in row} - {source})
               if engine.supports(source, t)]
    one_by_one, together = [], []
    for _ in range(runs):
        start = time.perf_counter()
        for target in targets:
            engine.translate(texts, source, target)
        one_by_one.append(time.perf_counter() - start)
        start = time.perf_counter()
        with ThreadPoolExecutor(len(targets)) as pool:
            list(pool.map(lambda target: engine.translate(texts, source, target), targets))
        together.append(time.perf_counter() - start)
    print(f"{len(texts)} units into {', '.join(targets)}, median of {runs}: "
          f"{statistics.median(one_by_one):.2f} s pair after pair, "
          f"{statistics.median(together):.2f} s all pairs at once")


def bulletin(units: list[dict[str, str]], count: int) -> str:
    sentences = [row[next(iter(row))] for row in units]
    paragraphs = []
    for n in range(count):
        text = PLACEHOLDER.sub("", sentences[n % len(sentences)])
        text = text.replace("&", "&amp;").replace("<", "&lt;")
        paragraphs.append(f"<p>{text} ({n + 1})</p>")
    return ("<!DOCTYPE html>\n<html lang=\"ca\"><head><meta charset=\"utf-8\"><title>Prova"
            "</title></head><body><article>\n" + "\n".join(paragraphs)
            + "\n</article></body></html>\n")


def drafting(units: list[dict[str, str]], count: int, runs: int) -> None:
    transkit = str(BIN / "transkit")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "project"
        (root / "bulletins").mkdir(parents=True)
        (root / "transkit.toml").write_text(
            "[project]\nname = \"bench\"\nsource_language = \"ca\"\n"
            "languages = [\"ca\", \"es\", \"en\", \"fr\"]\n", "utf-8")
        (root / "bulletins" / "long.html").write_text(bulletin(units, count), "utf-8")
        subprocess.run([transkit, "extract"], cwd=root, check=True, capture_output=True)
        clean = Path(scratch) / "clean"
        shutil.copytree(root / "locales", clean)
        entries = sum(1 for u in catalog.load(root / "locales/fr/long.po").active()
                      if not u.is_header)
        medians = {}
        for label, extra in (("TM pass only", []), ("with --mt apertium", ["--mt", "apertium"])):
            times = []
            for _ in range(runs):
                shutil.rmtree(root / "locales")
                shutil.rmtree(root / ".transkit", ignore_errors=True)
                shutil.copytree(clean, root / "locales")
                start = time.perf_counter()
                done = subprocess.run([transkit, "pretranslate", *extra], cwd=root,
                                      capture_output=True, text=True)
                times.append(time.perf_counter() - start)
                if done.returncode != 0:
                    raise SystemExit(done.stderr)
            medians[label] = statistics.median(times)
        print(f"`transkit pretranslate`: a bulletin of {entries} units into es, en, fr, median "
              f"of {runs}: {medians['with --mt apertium']:.2f} s with --mt apertium "
              f"({3 * entries / medians['with --mt apertium']:.0f} units/s), of which the TM "
              f"pass alone takes {medians['TM pass only']:.2f} s")
        print("  " + done.stdout.strip().split("\n")[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", type=Path, default=REPO)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--units", type=int, default=500)
    args = parser.parse_args()
    source, units = parallel_units(args.project)
    engine = ApertiumEngine({})
    quality(units, source, engine)
    speed(units, engine, args.runs)
    at_once(units, source, engine, args.runs)
    drafting(units, args.units, args.runs)


if __name__ == "__main__":
    main()
