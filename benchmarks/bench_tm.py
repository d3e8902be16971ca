#!/usr/bin/env python3
"""Translation memory at scale: pre-translate 10,000 new sentences against TMs of
100,000 and 1,000,000 units, side by side with msgmerge --compendium and Translate
Toolkit's pot2po --tm (time-boxed), plus recall against a brute-force scan.

Usage: benchmarks/bench_tm.py [--sizes 100000,1000000] [--queries 10000]
                              [--runs 3] [--timebox 120] [--keep DIR]

The synthetic language has a Zipfian vocabulary of 20,000 words; half of the
queries are TM sentences with 1–3 token edits (replace, insert, delete), half
are new sentences.
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polib
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from transkit import catalog
from transkit.tm.match import score, tokenize
from transkit.tm.sqlite import SQLiteStore
from transkit.tm.store import HUMAN, SOURCE, Entry, Variant
from transkit.unit import Unit

BIN = Path(sys.executable).parent
SYLLABLES = ["ba", "ce", "di", "fo", "gu", "la", "me", "ni", "po", "ru", "sa", "te", "vi",
             "xo", "zu", "ca", "ne", "ri", "to", "lu", "ma", "pe", "qui", "so", "vo"]
WORDS = ["".join(p) for p in itertools.islice(itertools.product(SYLLABLES, repeat=3), 20000)]
CUMULATIVE = list(itertools.accumulate(1 / (i + 1) ** 1.05 for i in range(len(WORDS))))
CONFIG = """[project]
name = "TM benchmark"
source_language = "ca"
languages = ["ca", "fr"]
"""


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, cum_weights=CUMULATIVE, k=rng.randint(8, 24))
    return " ".join(words).capitalize() + "."


def translate(text: str) -> str:
    return "FR " + text


def build_tm(path: Path, size: int, seed: int = 1) -> list[str]:
    """A TM of `size` units ca→fr; returns a sample of its sources for near neighbours."""
    rng = random.Random(seed)
    store = SQLiteStore(path)
    sample: list[str] = []
    batch: list[Entry] = []
    start = time.perf_counter()
    for i in range(size):
        text = sentence(rng)
        if i % max(1, size // 20000) == 0:
            sample.append(text)
        batch.append(Entry([Variant("ca", text, SOURCE, "tm"),
                            Variant("fr", translate(text), HUMAN, "tm")]))
        if len(batch) == 20000:
            store.learn(batch, "bench")
            batch = []
    store.learn(batch, "bench")
    store.close()
    elapsed = time.perf_counter() - start
    print(f"  built TM of {size:,} units in {elapsed:.1f} s ({size / elapsed:,.0f} units/s)",
          flush=True)
    return sample


def edit(text: str, rng: random.Random) -> str:
    words = text[:-1].split()
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(words))
        op = rng.random()
        if op < 0.4:
            words[i] = rng.choice(WORDS)
        elif op < 0.7:
            words.insert(i, rng.choice(WORDS))
        elif len(words) > 4:
            del words[i]
    return " ".join(words) + "."


def make_queries(sample: list[str], count: int, seed: int = 9) -> list[str]:
    rng = random.Random(seed)
    near = [edit(rng.choice(sample), rng) for _ in range(count // 2)]
    fresh = [sentence(rng) for _ in range(count - count // 2)]
    queries = near + fresh
    rng.shuffle(queries)
    return list(dict.fromkeys(queries))


def make_project(root: Path, queries: list[str], tm: Path) -> None:
    """A project whose French catalogues hold the queries, all untranslated."""
    if root.exists():
        shutil.rmtree(root)
    (root / "bulletins").mkdir(parents=True)
    (root / ".transkit").mkdir()
    (root / "transkit.toml").write_text(CONFIG, "utf-8")
    # A fresh copy each run: pre-translation teaches the TM what it filled.
    shutil.copyfile(tm, root / ".transkit" / "tm.sqlite")
    per_doc = 100
    for d in range(0, len(queries), per_doc):
        name = f"doc{d // per_doc:04d}"
        units = [Unit(q, name, i + 1, "p") for i, q in enumerate(queries[d:d + per_doc])]
        (root / "bulletins" / f"{name}.html").write_text("<html><body><article/></body></html>")
        pot = catalog.build_template(units, name, f"bulletins/{name}.html", "TM benchmark",
                                     "ca", "-", None)
        catalog.save(pot, root / "locales" / "ca" / f"{name}.pot")
        po, _ = catalog.update(pot, None, "fr", "TM benchmark", name)
        catalog.save(po, root / "locales" / "fr" / f"{name}.po")


def timed(command: list[str], cwd: Path, timebox: float) -> tuple[float | None, int]:
    """Wall seconds (None past the time box) and peak memory (MiB) of a child process."""
    start = time.perf_counter()
    try:
        subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=timebox)
    except subprocess.TimeoutExpired:
        return None, 0
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return elapsed, peak


def run_transkit(work: Path, queries: list[str], tm: Path, runs: int) -> tuple[float, int, str]:
    times, peak, summary = [], 0, ""
    for _ in range(runs):
        make_project(work, queries, tm)
        start = time.perf_counter()
        result = subprocess.run([str(BIN / "transkit"), "pretranslate", "--lang", "fr"],
                                cwd=work, check=True, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
        summary = result.stdout.strip().splitlines()[-1]
    return statistics.median(times), peak, summary


def compendium(tm: Path, out: Path) -> None:
    store = SQLiteStore(tm)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr"}
    for source, target in store.db.execute(
            "SELECT s.text, t.text FROM variants s JOIN variants t ON t.unit = s.unit "
            "AND t.lang = 'fr' WHERE s.lang = 'ca'"):
        po.append(polib.POEntry(msgid=source, msgstr=target))
    store.close()
    po.save(str(out))


def competitors(work: Path, queries: list[str], tm: Path, timebox: float,
                subset: int) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    comp = work.parent / f"{tm.stem}-compendium.po"
    if not comp.exists():
        compendium(tm, comp)
    pot = work.parent / "queries.pot"
    empty = work.parent / "empty.po"
    part = queries[:subset]
    template = polib.POFile()
    template.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for q in part:
        template.append(polib.POEntry(msgid=q, msgstr=""))
    template.save(str(pot))
    # The old translations msgmerge starts from: none (an entry with an empty msgstr
    # here would be taken as the match, and the compendium never searched).
    nothing = polib.POFile()
    nothing.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr"}
    nothing.save(str(empty))
    msgmerge = shutil.which("msgmerge")
    if msgmerge:
        seconds, _ = timed([msgmerge, "-q", "--compendium", str(comp), "-o", "/dev/null",
                            str(empty), str(pot)], work.parent, timebox)
        rows.append((f"msgmerge --compendium ({len(part):,} queries)",
                     f"{seconds:.1f} s" if seconds is not None else f"> {timebox:.0f} s"))
    pot2po = BIN / "pot2po"
    if pot2po.exists():
        # -t: pot2po 3.x fails without a template ('NoneType' has no 'findunit').
        seconds, _ = timed([str(pot2po), "-t", str(empty), "--tm", str(comp), str(pot),
                            str(work.parent / "ttk-out.po")], work.parent, timebox)
        rows.append((f"Translate Toolkit pot2po --tm ({len(part):,} queries)",
                     f"{seconds:.1f} s" if seconds is not None else f"> {timebox:.0f} s"))
    return rows


def recall(tm: Path, queries: list[str], sample: int, threshold: int = 75) -> tuple[float, int]:
    """Share of brute-force matches (every TM unit scored) that lookup also returns."""
    store = SQLiteStore(tm)
    sources = [row[0] for row in store.db.execute(
        "SELECT text FROM variants WHERE lang='ca' AND origin='source'")]
    symbols: dict[str, str] = {}

    def encode(text: str) -> str:  # one character per token key: C-speed token distance
        return "".join(symbols.setdefault(t.key, chr(0x4E00 + len(symbols)))
                       for t in tokenize(text))

    encoded = [encode(s) for s in sources]
    expected = found = 0
    for query in queries[:sample]:
        hits = process.extract(encode(query), encoded, scorer=Levenshtein.normalized_similarity,
                               score_cutoff=threshold / 100, limit=None, processor=None)
        truth = {sources[i] for _, _, i in hits
                 if score(query, sources[i], "ca").score >= threshold}
        got = {m.source for m in store.lookup(query, "ca", "fr", threshold, limit=1000)}
        expected += len(truth)
        found += len(truth & got)
    store.close()
    return (found / expected if expected else 1.0), expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timebox", type=float, default=120.0)
    parser.add_argument("--competitor-queries", type=int, default=1000,
                        help="queries given to msgmerge and pot2po (they are slow)")
    parser.add_argument("--recall-sample", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="reuse/keep generated TMs in this folder")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="transkit-tmbench-"))
    base.mkdir(parents=True, exist_ok=True)
    results: dict[int, float] = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        print(f"\n== TM of {size:,} units, {args.queries:,} queries ==", flush=True)
        tm = base / f"tm-{size}.sqlite"
        sample_file = base / f"tm-{size}.sample"
        if tm.exists() and sample_file.exists():
            sample = sample_file.read_text("utf-8").splitlines()
        else:
            for stale in base.glob(f"tm-{size}.sqlite*"):
                stale.unlink()
            sample = build_tm(tm, size)
            sample_file.write_text("\n".join(sample), "utf-8")
        queries = make_queries(sample, args.queries)
        work = base / f"work-{size}"
        seconds, peak, summary = run_transkit(work, queries, tm, args.runs)
        results[size] = seconds
        print(f"  transkit pretranslate: {seconds:.1f} s median of {args.runs} "
              f"({len(queries) / seconds:,.0f} queries/s), peak RSS {peak} MiB", flush=True)
        print(f"    {summary}")
        for name, value in competitors(work, queries, tm, args.timebox,
                                       args.competitor_queries):
            print(f"  {name}: {value}", flush=True)
        share, total = recall(tm, queries, args.recall_sample)
        print(f"  recall at ≥75 vs brute force ({args.recall_sample} queries, {total} matches):"
              f" {share:.4f}", flush=True)
    if len(results) >= 2:
        small, large = sorted(results)[:1][0], sorted(results)[-1]
        print(f"\nlookup time {large:,} vs {small:,} units: "
              f"{results[large] / results[small]:.2f}x for {large / small:.0f}x the TM")


if __name__ == "__main__":
    main()
