#!/usr/bin/env python3
"""Archive alignment: quality on the gold set and speed on a synthetic archive.

Quality: every ordered pair of the demo's four languages, clean and two perturbed
variants (sentences merged, split, dropped, added; paragraphs swapped), gold set in
tests/data/align/. Pair-level precision, recall and F1 per pair type, and the
precision of the pairs above the --trust bar, for transkit and for two baselines on
the same pages:
  - length only: the same lattice with anchors and cognates switched off (Gale &
    Church's model alone);
  - block pairing: blocks paired in order and taken whole, which is what block-level
    tools (po4a, Translate Toolkit's html2po) can give at best.

Speed: a synthetic archive of N posts (default 1,000) in four languages, built from
the gold pages, linked by hreflang: the engine alone (parse + align, sentence pairs per
second), then `transkit align --archive` end to end in a fresh project (bulletins,
catalogues, TMX and TM written).

Usage: benchmarks/bench_align.py [--posts 1000] [--runs 3] [--skip-e2e]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests import align_gold  # noqa: E402

from transkit import alignment as align  # noqa: E402
from transkit.config import load_config  # noqa: E402
from transkit.sources.html import read_document  # noqa: E402

LANGS = ("ca", "es", "en", "fr")
BIN = Path(sys.executable).parent


def block_pairing(a_page: Path, b_page: Path, a: str, b: str) -> list[tuple[str, str, str, float]]:
    extract = align_gold.config().extract
    src = align.source_side(read_document(a_page, "a", "a", extract, a, a))
    tgt = align.target_side(read_document(b_page, "b", "b", extract, b, b))
    out = []
    for s_block, t_block in zip(src.blocks, tgt.blocks, strict=False):
        s = align_gold.norm(" ".join(x.text for x in s_block))
        t = align_gold.norm(" ".join(x.text for x in t_block))
        out.append((s, t, f"{min(len(s_block), 2)}-{min(len(t_block), 2)}", 1.0))
    return out


def evaluate(predict: Any, bar: float) -> dict[str, Any]:
    gold_all = align_gold.load()
    hits: Counter[str] = Counter()
    gold_n: Counter[str] = Counter()
    pred_n: Counter[str] = Counter()
    trusted = trusted_ok = 0
    for doc in gold_all:
        for a in LANGS:
            for b in LANGS:
                if a == b:
                    continue
                for variant in align_gold.VARIANTS:
                    gold = align_gold.pairs(gold_all, doc, a, b, variant)
                    truth = {(s, t): kind for s, t, kind in gold}
                    gold_n.update(kind for _, _, kind in gold)
                    for s, t, kind, confidence in predict(align_gold.page(doc, a, "clean"),
                                                          align_gold.page(doc, b, variant),
                                                          a, b):
                        key = truth.get((s, t), kind)
                        pred_n[key] += 1
                        hits[key] += (s, t) in truth
                        if confidence > bar and s and t:
                            trusted += 1
                            trusted_ok += (s, t) in truth
    table = {}
    for kind in sorted(gold_n):
        p = hits[kind] / pred_n[kind] if pred_n[kind] else 0.0
        r = hits[kind] / gold_n[kind]
        table[kind] = (gold_n[kind], p, r, 2 * p * r / (p + r) if p + r else 0.0)
    return {"types": table, "trusted": trusted,
            "precision": trusted_ok / trusted if trusted else float("nan")}


def length_only(a_page: Path, b_page: Path, a: str, b: str) -> list[tuple[str, str, str, float]]:
    saved = (align.STRONG_BONUS, align.WEAK_BONUS, align.STRONG_MISMATCH, align.COGNATE_HIT,
             align.COGNATE_MISS, align.ORPHAN)
    align.STRONG_BONUS = align.WEAK_BONUS = align.STRONG_MISMATCH = 0.0
    align.COGNATE_HIT = align.COGNATE_MISS = align.ORPHAN = 0.0
    try:
        return align_gold.predicted(a_page, b_page, a, b)
    finally:
        (align.STRONG_BONUS, align.WEAK_BONUS, align.STRONG_MISMATCH, align.COGNATE_HIT,
         align.COGNATE_MISS, align.ORPHAN) = saved


def quality() -> None:
    bar = load_config(REPO).align.trust
    print(f"== Quality on the gold set (12 ordered language pairs x 4 posts x 3 variants;"
          f" trust bar {bar}) ==")
    for label, predict in (("transkit", align_gold.predicted), ("length only", length_only),
                           ("block pairing", block_pairing)):
        result = evaluate(predict, bar)
        print(f"\n{label}")
        print(f"  {'type':<5} {'gold':>5} {'precision':>9} {'recall':>7} {'F1':>6}")
        for kind, (n, p, r, f) in result["types"].items():
            print(f"  {kind:<5} {n:>5} {p:>9.3f} {r:>7.3f} {f:>6.3f}")
        if label != "block pairing":
            print(f"  above the trust bar: {result['trusted']} pairs, precision "
                  f"{result['precision']:.4f}")


def make_archive(root: Path, posts: int, seed: int = 3) -> int:
    """posts x 4 pages under root/<lang>/post-NNNN.html, hreflang-linked; returns the
    number of pages written."""
    rng = random.Random(seed)
    docs = sorted(align_gold.load())
    count = 0
    for n in range(posts):
        doc = docs[n % len(docs)]
        name = f"post-{n:04d}.html"
        links = "".join(f'<link rel="alternate" hreflang="{x}" href="../{x}/{name}">'
                        for x in LANGS)
        for lang in LANGS:
            variant = "clean" if lang == "ca" else rng.choice(align_gold.VARIANTS)
            page = align_gold.page(doc, lang, variant).read_text("utf-8")
            page = page.replace("</head>", links + "</head>", 1)
            out = root / lang / name
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(page, "utf-8")
            count += 1
    return count


def speed(posts: int, runs: int, e2e: bool) -> None:
    print(f"\n== Speed: synthetic archive of {posts:,} posts x 4 languages ==")
    work = Path(tempfile.mkdtemp(prefix="transkit-alignbench-"))
    try:
        archive = work / "archive"
        make_archive(archive, posts)
        config = load_config(REPO)
        times, pairs = [], 0
        for _ in range(runs):
            pairs = 0
            start = time.perf_counter()
            for source in sorted((archive / "ca").glob("*.html")):
                src = read_document(source, "s", "s", config.extract, "ca", "ca")
                side = align.source_side(src)
                for lang in LANGS[1:]:
                    tgt = read_document(archive / lang / source.name, "t", "t",
                                        config.extract, lang, lang)
                    result = align.align_sides(side, align.target_side(tgt))
                    pairs += sum(1 for p in result.pairs if p.src and p.tgt)
            times.append(time.perf_counter() - start)
        seconds = statistics.median(times)
        print(f"  engine (parse + segment + align), median of {runs}: {seconds:.1f} s for "
              f"{posts * 3:,} page pairs, {pairs:,} sentence pairs: "
              f"{pairs / seconds:,.0f} sentence pairs/s")
        if not e2e:
            return
        project = work / "project"
        project.mkdir()
        shutil.copy(REPO / "transkit.toml", project)
        (project / "bulletins").mkdir()
        start = time.perf_counter()
        result = subprocess.run([str(BIN / "transkit"), "align", "--archive", str(archive)],
                                cwd=project, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
        print(f"  transkit align --archive (bulletins, catalogues, TMX, TM written): "
              f"{seconds:.1f} s, exit {result.returncode}: {summary}")
        print(f"    {pairs:,} sentence pairs: {pairs / seconds:,.0f} sentence pairs/s end "
              "to end")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-e2e", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    if not args.skip_quality:
        quality()
    speed(args.posts, args.runs, not args.skip_e2e)


if __name__ == "__main__":
    main()
