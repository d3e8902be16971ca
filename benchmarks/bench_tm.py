#!/usr/bin/env python3
"""Translation memory at scale: pre-translate 10,000 new sentences against TMs of
100,000 and 1,000,000 units, side by side with msgmerge --compendium and Translate
Toolkit's pot2po --tm (time-boxed), plus recall against a brute-force scan.

Usage: benchmarks/bench_tm.py [--sizes 100000,1000000] [--queries 10000]
                              [--runs 3] [--timebox 120] [--keep DIR]
       benchmarks/bench_tm.py --backend postgresql [--sizes 1000000] [--pg-url URL]

With --backend postgresql: the same TM imported into SQLite and into PostgreSQL (import
rate), the same queries looked up on both (lookups per second, p50/p95 latency, one
client, then 8 concurrent client processes), and the answers compared. Without
--pg-url a throwaway cluster is started (tests/pgcluster.py) with shared_buffers=1GB
and durable settings (fsync on), and removed afterwards.

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
from transkit.text import score, tokenize
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


def build_tm(path: Path | str, size: int, seed: int = 1) -> list[str]:
    """A TM of `size` units ca→fr; returns a sample of its sources for near neighbours."""
    from transkit.tm import open_locator

    rng = random.Random(seed)
    store = open_locator(str(path))
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
    print(f"  built TM of {size:,} units in {elapsed:.1f} s ({size / elapsed:,.0f} units/s)"
          f" [{type(store).__name__}]", flush=True)
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


LOOKUP_CLIENT = r"""
import json, sys, time
from transkit.tm import open_locator
locator, path, first, step = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
queries = json.load(open(path))[first::step]
store = open_locator(locator)
store.preload("ca")
lat, found = [], 0
start = time.perf_counter()
for q in queries:
    t = time.perf_counter()
    found += bool(store.lookup(q, "ca", "fr", 75, 1))
    lat.append(time.perf_counter() - t)
print(json.dumps({"wall": time.perf_counter() - start, "lat": lat, "found": found}))
"""


def lookup_clients(locator: str, queries_file: Path, clients: int) -> dict[str, float]:
    """`clients` processes share the queries; aggregate lookups/s and latency percentiles
    (each client's connection and preload happen before its clock starts)."""
    import json

    procs = [subprocess.Popen([sys.executable, "-c", LOOKUP_CLIENT, locator,
                               str(queries_file), str(i), str(clients)],
                              stdout=subprocess.PIPE, text=True) for i in range(clients)]
    results = [json.loads(p.communicate()[0]) for p in procs]
    lat = sorted(x for r in results for x in r["lat"])
    wall = max(r["wall"] for r in results)
    return {"rate": len(lat) / wall, "p50": lat[len(lat) // 2] * 1000,
            "p95": lat[int(len(lat) * 0.95)] * 1000,
            "found": sum(r["found"] for r in results)}


def postgres_main(args: argparse.Namespace) -> None:
    import json

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from transkit.tm import open_locator

    cluster = None
    if args.pg_url:
        base_url = args.pg_url
    else:
        from tests.pgcluster import Cluster

        cluster = Cluster(fast=False, settings=["-c shared_buffers=1GB"])
        base_url = cluster.socket_url()
    base = args.keep or Path(tempfile.mkdtemp(prefix="transkit-tmbench-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            print(f"\n== PostgreSQL vs SQLite: TM of {size:,} units, {args.queries:,} queries ==",
                  flush=True)
            lite = base / f"pg-bench-{size}.sqlite"
            for stale in base.glob(f"pg-bench-{size}.sqlite*"):
                stale.unlink()
            sample = build_tm(lite, size)
            if cluster is not None:
                url = cluster.create_database(f"bench{size}")
            else:
                url = base_url
                store = open_locator(url)
                store.clear()
                store.close()
            build_tm(url, size)
            queries = make_queries(sample, args.queries)
            qfile = base / "queries.json"
            qfile.write_text(json.dumps(queries), "utf-8")
            rows = []
            for name, locator in (("SQLite", str(lite)), ("PostgreSQL", url)):
                for clients in (1, 8):
                    runs = [lookup_clients(locator, qfile, clients) for _ in range(args.runs)]
                    rate = statistics.median(r["rate"] for r in runs)
                    p50 = statistics.median(r["p50"] for r in runs)
                    p95 = statistics.median(r["p95"] for r in runs)
                    rows.append((name, clients, rate, p50, p95, runs[0]["found"]))
                    print(f"  {name:<10} {clients} client(s): {rate:7,.0f} lookups/s  "
                          f"p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  "
                          f"({runs[0]['found']:,} of {len(queries):,} matched, median of "
                          f"{args.runs})", flush=True)
            a, b = open_locator(str(lite)), open_locator(url)
            check = queries[:args.recall_sample]
            same = sum(
                [(m.score, m.source, m.target) for m in a.lookup(q, "ca", "fr", 75, 5)] ==
                [(m.score, m.source, m.target) for m in b.lookup(q, "ca", "fr", 75, 5)]
                for q in check)
            a.close()
            b.close()
            print(f"  identical answers on both backends: {same} of {len(check)} queries")
            for clients in (1, 8):
                lite_rate = next(r[2] for r in rows if r[0] == "SQLite" and r[1] == clients)
                pg_rate = next(r[2] for r in rows if r[0] == "PostgreSQL" and r[1] == clients)
                print(f"  PostgreSQL / SQLite lookups per second, {clients} client(s): "
                      f"{pg_rate / lite_rate:.2f}")
    finally:
        if cluster is not None:
            cluster.stop()


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
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", help="an existing (empty, disposable) PostgreSQL database "
                        "instead of a throwaway cluster")
    args = parser.parse_args()
    if args.backend == "postgresql":
        if args.sizes == "100000,1000000":
            args.sizes = "1000000"
        postgres_main(args)
        return
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
