#!/usr/bin/env python3
"""Translation memory at scale, on three corpora, side by side with msgmerge --compendium
(same data, same run, medians):

  synthetic  this file's own: a Zipfian language of 20,000 made-up words; half of the
             queries are memory sentences with 1–3 word edits
  news       ../shared/bench/gen_corpus.py (default seed unless --seed): news-like English
             with ~530 word types, names and numbers; 30 % of the new sentences have a
             1–3 word neighbour in the memory; compendia of 100,000 and 1,000,000 units
  real       Debian's installed French message catalogues (msgunfmt of
             /usr/share/locale/fr/LC_MESSAGES/*.mo): real software messages, 1,000 of
             them held out as queries, the rest the memory

For each corpus and memory size it measures: `transkit tm import` of the memory as TMX
(units/s, peak memory); `transkit pretranslate` of the queries (median wall time) beside
`msgmerge --compendium` on the same queries and memory (time-boxed, on at most
--competitor-queries of them); recall against an exhaustive scan with transkit's own
scorer (every unit scored) and against a character `fuzz.ratio` ≥ 75 scan (per match and
per query, with the matches the negation penalty removes); candidates per query; and
`tm lookup` latency (p50/p95) with the index in memory (a long-lived process: an editor
plug-in) and without it (one command).

Usage: benchmarks/bench_tm.py [--corpora synthetic,news,real] [--sizes 100000,1000000]
                              [--queries 1000] [--big-queries 10000] [--runs 3]
                              [--timebox 300] [--keep DIR] [--seed N]
       benchmarks/bench_tm.py --backend postgresql [--corpora news] [--sizes 1000000]
"""

from __future__ import annotations

import argparse
import glob
import itertools
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from transkit import catalog
from transkit.catalog import po as po_format
from transkit.text import _negations, compared_form, indexed, score, tokenize
from transkit.unit import Unit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GEN_CORPUS = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
THRESHOLD = 75
Pairs = list[tuple[str, str]]


# -- corpora -------------------------------------------------------------------------------

SYLLABLES = ["ba", "ce", "di", "fo", "gu", "la", "me", "ni", "po", "ru", "sa", "te", "vi",
             "xo", "zu", "ca", "ne", "ri", "to", "lu", "ma", "pe", "qui", "so", "vo"]
WORDS = ["".join(p) for p in itertools.islice(itertools.product(SYLLABLES, repeat=3), 20000)]
CUMULATIVE = list(itertools.accumulate(1 / (i + 1) ** 1.05 for i in range(len(WORDS))))


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, cum_weights=CUMULATIVE, k=rng.randint(8, 24))
    return " ".join(words).capitalize() + "."


def _edit(text: str, rng: random.Random) -> str:
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


def synthetic(size: int, queries: int) -> tuple[Pairs, list[str]]:
    rng = random.Random(1)
    memory = list(dict.fromkeys(_sentence(rng) for _ in range(size)))
    rng = random.Random(9)
    near = [_edit(rng.choice(memory), rng) for _ in range(queries // 2)]
    fresh = [_sentence(rng) for _ in range(queries - queries // 2)]
    found = near + fresh
    rng.shuffle(found)
    return [(s, "FR " + s) for s in memory], list(dict.fromkeys(found))


def _po_pairs(path: Path) -> Pairs:
    parsed = po_format.parse(path.read_bytes(), path)
    return [(u.msgid, u.msgstr) for u in parsed.active()
            if u.msgid and u.msgid_plural is None and u.state == "translated"]


def news(size: int, queries: int, corpus: Path, seed: int | None) -> tuple[Pairs, list[str]]:
    tm = corpus / "fuzzy" / f"tm_{size}.po"
    if not tm.exists():
        command = [sys.executable, str(GEN_CORPUS), "--out", str(corpus), "--skip-po",
                   "--tm-sizes", "100000,1000000" if size <= 1_000_000 else str(size)]
        if seed is not None:
            command += ["--seed", str(seed)]
        print(f"  generating the news-like corpus in {corpus} …", flush=True)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    new = po_format.parse((corpus / "fuzzy" / "new.pot").read_bytes(), corpus / "new.pot")
    return _po_pairs(tm), [u.msgid for u in new.active() if u.msgid][:queries]


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def real(queries: int, folder: Path) -> tuple[Pairs, list[str]]:
    folder.mkdir(parents=True, exist_ok=True)
    pairs: dict[str, str] = {}
    for mo in sorted(glob.glob("/usr/share/locale/fr/LC_MESSAGES/*.mo")):
        out = folder / (Path(mo).stem + ".po")
        if not out.exists():
            subprocess.run(["msgunfmt", mo, "-o", str(out)], check=False,
                           stderr=subprocess.DEVNULL)
        try:
            found = _po_pairs(out)
        except Exception:  # a catalogue our strict reader refuses: leave it out
            continue
        for source, target in found:
            # One-line messages that XML 1.0 can hold (TMX cannot carry a BEL or an ESC).
            if len(source) <= 300 and "\n" not in source.strip() and not _XML_INVALID.search(
                    source + target):
                pairs.setdefault(source, target)
    items = sorted(pairs.items())
    random.Random(7).shuffle(items)
    return items[queries:], [source for source, _ in items[:queries]]


# -- files ---------------------------------------------------------------------------------

def write_tmx(pairs: Pairs, path: Path, source: str, target: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header '
                  'creationtool="bench" creationtoolversion="1" segtype="sentence" '
                  f'o-tmf="bench" adminlang="en" srclang="{source}" datatype="plaintext"/>'
                  "<body>\n")
        for s, t in pairs:
            out.write(f'<tu><tuv xml:lang="{source}"><seg>{escape(s)}</seg></tuv>'
                      f'<tuv xml:lang="{target}"><seg>{escape(t)}</seg></tuv></tu>\n')
        out.write("</body></tmx>\n")


def _po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
        .replace("\t", "\\t") + '"'


def write_po(entries: list[tuple[str, str]], path: Path, lang: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                  f'"Language: {lang}\\n"\n\n')
        for source, target in entries:
            out.write(f"msgid {_po_string(source)}\nmsgstr {_po_string(target)}\n\n")


def make_project(root: Path, source: str, target: str) -> None:
    if root.exists():
        shutil.rmtree(root)
    (root / "bulletins").mkdir(parents=True)
    (root / "transkit.toml").write_text(
        f'[project]\nname = "TM benchmark"\nsource_language = "{source}"\n'
        f'languages = ["{source}", "{target}"]\n', "utf-8")


def write_queries(root: Path, queries: list[str], source: str, target: str) -> None:
    """Catalogues of `target` holding the queries, all untranslated, 100 per document."""
    shutil.rmtree(root / "locales", ignore_errors=True)
    for d in range(0, len(queries), 100):
        name = f"doc{d // 100:04d}"
        units = [Unit(q, line=i + 1, kind="p") for i, q in enumerate(queries[d:d + 100])]
        (root / "bulletins" / f"{name}.html").write_text(
            "<html><body><article/></body></html>", "utf-8")
        pot = catalog.build_template(units, name, f"bulletins/{name}.html", "TM benchmark",
                                     source, "-", None)
        catalog.save(pot, root / "locales" / source / f"{name}.pot")
        po, _ = catalog.update(pot, None, target, "TM benchmark", name)
        catalog.save(po, root / "locales" / target / f"{name}.po")


def timed(command: list[str], cwd: Path, timebox: float | None = None,
          env: dict[str, str] | None = None) -> tuple[float | None, int, str]:
    """Wall seconds (None past the time box), peak memory (MiB, GNU time) and stdout."""
    wrapper = ["/usr/bin/time", "-f", "%M", "-o", str(cwd / ".peak")] \
        if Path("/usr/bin/time").exists() else []
    start = time.perf_counter()
    try:
        result = subprocess.run(wrapper + command, cwd=cwd, check=True, capture_output=True,
                                text=True, timeout=timebox, env=env)
    except subprocess.TimeoutExpired:
        return None, 0, ""
    elapsed = time.perf_counter() - start
    peak = 0
    if wrapper:
        lines = (cwd / ".peak").read_text().split()
        peak = int(lines[-1]) // 1024 if lines and lines[-1].isdigit() else 0
    return elapsed, peak, result.stdout


# -- measurements --------------------------------------------------------------------------

def import_memory(root: Path, tmx: Path) -> tuple[float, int]:
    seconds, peak, _ = timed([str(BIN / "transkit"), "tm", "import", str(tmx)], root)
    assert seconds is not None
    return seconds, peak


def pretranslate(root: Path, queries: list[str], source: str, target: str, tm: Path,
                 runs: int) -> tuple[float, int, str]:
    times, peak, summary = [], 0, ""
    for _ in range(runs):
        write_queries(root, queries, source, target)
        # A fresh copy each run: pre-translation teaches the memory what it filled.
        for suffix in ("", "-wal", "-shm"):
            Path(f"{root / '.transkit' / 'tm.sqlite'}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(tm, root / ".transkit" / "tm.sqlite")
        seconds, used, out = timed([str(BIN / "transkit"), "pretranslate", "--lang", target],
                                   root)
        assert seconds is not None
        times.append(seconds)
        peak = max(peak, used)
        summary = out.strip().splitlines()[-1]
    return statistics.median(times), peak, summary


def msgmerge(work: Path, pairs: Pairs, queries: list[str], target: str, timebox: float
             ) -> float | None:
    compendium = work / "compendium.po"
    if not compendium.exists():
        write_po(pairs, compendium, target)
    write_po([(q, "") for q in queries], work / "queries.pot", "")
    # The old translations msgmerge starts from: none (an entry with an empty msgstr
    # would be taken as the match, and the compendium never searched).
    write_po([], work / "empty.po", target)
    seconds, _, _ = timed(["msgmerge", "-q", "--compendium", str(compendium), "-o",
                           "/dev/null", str(work / "empty.po"), str(work / "queries.pot")],
                          work, timebox)
    return seconds


def _scores(store: object, query: str, forms: list[str], sources: list[str], lang: str
            ) -> set[str]:
    """Exhaustive: every memory text's raw score in C, the full score where raw can pass."""
    hits = process.extract(compared_form(query), forms, scorer=Indel.normalized_similarity,
                           score_cutoff=(THRESHOLD - 0.5) / 100, limit=None)
    return {sources[i] for _, _, i in hits
            if sources[i] != query and score(query, sources[i], lang).score >= THRESHOLD}


def recall(tm: Path, pairs: Pairs, queries: list[str], source: str, target: str,
           sample: int) -> dict[str, float]:
    from transkit.memory.sqlite import SQLiteStore

    store = SQLiteStore(tm)
    # The memory's own texts (as imported: TMX white space collapsed), every one scored.
    sources = [str(r[0]) for r in store.db.execute(
        "SELECT text FROM variants WHERE lang=? AND flen >= 0", (source,))]
    forms = [compared_form(s) for s in sources]
    store.preload(source)
    expected = found = 0
    char_pairs = char_found = char_negation = 0
    char_queries = char_served = 0
    candidates: list[int] = []
    for query in queries[:sample]:
        got = {m.source for m in store.lookup(query, source, target, THRESHOLD, limit=10_000)
               if m.source != query}
        truth = _scores(store, query, forms, sources, source)
        expected += len(truth)
        found += len(truth & got)
        candidates.append(len(store.candidates(indexed(query), source, THRESHOLD)[0]))
        chars = {sources[i] for _, _, i in process.extract(
            query, sources, scorer=fuzz.ratio, score_cutoff=THRESHOLD, limit=None)
            if sources[i] != query}
        q_neg = _negations(tokenize(query), source)
        flips = {s for s in chars if _negations(tokenize(s), source) != q_neg}
        char_pairs += len(chars)
        char_found += len(chars & got)
        char_negation += len(flips)
        if chars - flips:  # (a query whose only such matches flip a negation: none due)
            char_queries += 1
            char_served += bool(got)
        assert not (got & flips), "a match that flips a negation passed the threshold"
    store.close()
    candidates.sort()
    return {
        "own": found / expected if expected else 1.0, "own_n": expected,
        "chars": char_found / char_pairs if char_pairs else 1.0, "chars_n": char_pairs,
        "chars_wo_negation": char_found / (char_pairs - char_negation)
        if char_pairs > char_negation else 1.0, "negation": char_negation,
        "queries": char_served / char_queries if char_queries else 1.0,
        "queries_n": char_queries,
        "cand_median": statistics.median(candidates) if candidates else 0,
        "cand_mean": statistics.mean(candidates) if candidates else 0,
        "cand_p90": candidates[int(0.9 * len(candidates))] if candidates else 0,
    }


LOOKUP_CLIENT = r"""
import json, sys, time
from transkit.memory import open_locator
locator, path, source, target, mode = sys.argv[1:6]
queries = json.load(open(path))
store = open_locator(locator)
start = time.perf_counter()
if mode == "built":
    store.preload(source, save=True)  # (the folder was removed: built here, then saved)
elif mode == "saved":
    store.preload(source, build=False)
loaded = time.perf_counter() - start
lat = []
for q in queries:
    t = time.perf_counter()
    store.lookup(q, source, target, 75, 5)
    lat.append(time.perf_counter() - t)
print(json.dumps({"lat": lat, "preload": loaded}))
"""


LATENCY_MODES = {"built": "index built in the process", "saved": "saved index opened",
                 "none": "no index in memory"}


def latency(locator: str, queries: list[str], source: str, target: str, mode: str,
            work: Path) -> dict[str, float]:
    """Lookup latency in one client process (connection, and the index as `mode` says,
    before the clock of each lookup)."""
    qfile = work / "lookup-queries.json"
    qfile.write_text(json.dumps(queries), "utf-8")
    out = subprocess.run([sys.executable, "-c", LOOKUP_CLIENT, locator, str(qfile), source,
                          target, mode], check=True, capture_output=True,
                         text=True).stdout
    data = json.loads(out)
    lat = sorted(data["lat"])
    return {"p50": lat[len(lat) // 2] * 1000, "p95": lat[int(len(lat) * 0.95)] * 1000,
            "preload": data["preload"]}


# -- the run -------------------------------------------------------------------------------

def corpus_data(name: str, size: int, queries: int, args: argparse.Namespace, base: Path
                ) -> tuple[Pairs, list[str], str, str]:
    if name == "synthetic":
        pairs, found = synthetic(size, queries)
        return pairs, found, "ca", "fr"
    if name == "news":
        pairs, found = news(size, queries, args.corpus or base / "news-corpus", args.seed)
        return pairs, found, "en", "de"
    pairs, found = real(queries, base / "real-catalogues")
    return pairs, found, "en", "fr"


def run_size(name: str, size: int, args: argparse.Namespace, base: Path,
             results: dict[str, float]) -> None:
    big = args.big_queries if size >= 1_000_000 else args.queries
    pairs, queries, source, target = corpus_data(name, size, big, args, base)
    label = f"{name}, memory of {len(pairs):,} units, {len(queries):,} queries"
    print(f"\n== {label} ==", flush=True)
    work = base / f"{name}-{size}"
    work.mkdir(parents=True, exist_ok=True)
    tmx = work / "memory.tmx"
    if not tmx.exists():
        write_tmx(pairs, tmx, source, target)
    root = work / "project"
    make_project(root, source, target)
    seconds, peak = import_memory(root, tmx)
    print(f"  import: {len(pairs):,} units in {seconds:.1f} s ({len(pairs) / seconds:,.0f} "
          f"units/s), peak RSS {peak} MiB", flush=True)
    tm = work / "tm.sqlite"
    shutil.copyfile(root / ".transkit" / "tm.sqlite", tm)
    saved = root / ".transkit" / f"tm.sqlite.index-{source}"
    wall, used, summary = pretranslate(root, queries, source, target, tm, args.runs)
    results[f"{name}-{size}"] = wall
    print(f"  transkit pretranslate, after the import (its saved index): {wall:.2f} s median "
          f"of {args.runs} ({len(queries) / wall:,.0f} queries/s), peak RSS {used} MiB"
          f"\n    {summary}", flush=True)
    if saved.exists():  # the memory changed since: the job builds its index itself
        # (a folder left by an interrupted run would take the index in, and give back its own)
        shutil.rmtree(work / "saved-index", ignore_errors=True)
        shutil.move(saved, work / "saved-index")
        built, used, _ = pretranslate(root, queries, source, target, tm, args.runs)
        shutil.move(work / "saved-index", saved)
        print(f"  transkit pretranslate, index built by the job: {built:.2f} s median of "
              f"{args.runs}, peak RSS {used} MiB", flush=True)
    part = queries[:args.competitor_queries if size < 1_000_000 else args.big_competitor_queries]
    mm = msgmerge(work, pairs, part, target, args.timebox)
    if mm is None:
        print(f"  msgmerge --compendium ({len(part):,} queries): > {args.timebox:.0f} s")
    else:
        ours = wall if len(part) == len(queries) else None
        if ours is None:
            ours, _, _ = pretranslate(root, part, source, target, tm, args.runs)
        print(f"  msgmerge --compendium ({len(part):,} queries): {mm:.2f} s; transkit on the "
              f"same {len(part):,}: {ours:.2f} s — {mm / ours:.1f}x", flush=True)
    r = recall(tm, pairs, queries, source, target, args.recall_sample)
    print(f"  recall vs exhaustive scan with transkit's scorer: {r['own']:.4f} "
          f"({r['own_n']:,} matches ≥ {THRESHOLD}, {args.recall_sample} queries)")
    print(f"  recall vs character fuzz.ratio ≥ {THRESHOLD}: {r['chars']:.4f} of "
          f"{r['chars_n']:,} matches ({r['chars_wo_negation']:.4f} leaving out the "
          f"{r['negation']} that add or remove a negation); queries served "
          f"{r['queries']:.4f} of the {r['queries_n']} that have such a match that keeps "
          "its negation")
    print(f"  candidates per query: median {r['cand_median']:,.0f}, mean "
          f"{r['cand_mean']:,.0f}, p90 {r['cand_p90']:,}", flush=True)
    sample = queries[:args.latency_sample]
    shutil.rmtree(tm.with_name(f"{tm.name}.index-{source}"), ignore_errors=True)
    for mode, what in LATENCY_MODES.items():
        lat = latency(str(tm), sample, source, target, mode, work)
        print(f"  lookup, SQLite, {what} ({lat['preload']:.2f} s): p50 {lat['p50']:.2f} ms, "
              f"p95 {lat['p95']:.2f} ms", flush=True)
    # What an editor plug-in calling the command sees: a whole `transkit tm lookup`, once
    # the project's memory has its saved index (any pretranslate leaves one).
    from transkit.memory.sqlite import SQLiteStore

    project_tm = SQLiteStore(root / ".transkit" / "tm.sqlite")
    project_tm.prepare_lookups(source)
    project_tm.close()
    walls = []
    for query in sample[:args.command_sample]:
        start = time.perf_counter()
        subprocess.run([str(BIN / "transkit"), "tm", "lookup", query, "--from", source, "--to",
                        target], cwd=root, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
    walls.sort()
    print(f"  transkit tm lookup command (process start to answer, saved index): p50 "
          f"{walls[len(walls) // 2] * 1000:.0f} ms, p95 {walls[int(len(walls) * 0.95)] * 1000:.0f}"
          f" ms ({len(walls)} runs)", flush=True)
    first, trips = stdin_session(root, sample, source, target)
    print(f"  transkit tm lookup --stdin (one process, request to reply line): first "
          f"{first * 1000:.0f} ms (process start, imports, index), then p50 "
          f"{trips[len(trips) // 2] * 1000:.2f} ms, p95 "
          f"{trips[int(len(trips) * 0.95)] * 1000:.2f} ms ({len(trips)} requests)", flush=True)


def stdin_session(root: Path, queries: list[str], source: str, target: str
                  ) -> tuple[float, list[float]]:
    """What an editor plug-in sees: one `tm lookup --stdin` process, each request timed from
    writing its line to reading the reply line (the first includes the process's start,
    its imports and opening the index)."""
    server = subprocess.Popen([str(BIN / "transkit"), "tm", "lookup", "--stdin", "--from",
                               source, "--to", target], cwd=root, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, encoding="utf-8")
    assert server.stdin is not None and server.stdout is not None
    times = []
    for query in queries:
        start = time.perf_counter()
        server.stdin.write(json.dumps(query) + "\n")
        server.stdin.flush()
        reply = json.loads(server.stdout.readline())
        times.append(time.perf_counter() - start)
        assert "matches" in reply, reply
    server.stdin.close()
    server.wait(timeout=600)
    rest = sorted(times[1:])
    return times[0], rest


def postgres(args: argparse.Namespace, base: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.pgcluster import Cluster

    from transkit.exchange.tmx import iter_tmx
    from transkit.memory import open_locator
    from transkit.memory.store import from_units

    cluster = Cluster(fast=False, settings=["-c shared_buffers=1GB"])
    try:
        for name in args.corpora.split(","):
            for size in [int(s) for s in args.sizes.split(",")] if name != "real" else [0]:
                pairs, queries, source, target = corpus_data(name, size, args.queries, args,
                                                             base)
                print(f"\n== PostgreSQL: {name}, memory of {len(pairs):,} units ==",
                      flush=True)
                work = base / f"pg-{name}-{size}"
                work.mkdir(parents=True, exist_ok=True)
                tmx = work / "memory.tmx"
                write_tmx(pairs, tmx, source, target)
                url = cluster.create_database(f"bench_{name}_{size}")
                store = open_locator(url)
                start = time.perf_counter()
                with store.transaction():
                    store.learn(from_units(iter_tmx(tmx)), "bench")
                seconds = time.perf_counter() - start
                store.close()
                lite = work / "tm.sqlite"
                lite.unlink(missing_ok=True)
                store = open_locator(str(lite))
                start = time.perf_counter()
                with store.transaction():
                    store.learn(from_units(iter_tmx(tmx)), "bench")
                lite_seconds = time.perf_counter() - start
                store.close()
                print(f"  import (learning the TMX, committed): PostgreSQL "
                      f"{len(pairs) / seconds:,.0f} units/s, SQLite "
                      f"{len(pairs) / lite_seconds:,.0f} units/s", flush=True)
                sample = queries[:args.latency_sample]
                for mode in ("built", "none"):
                    for label, locator in (("SQLite", str(lite)), ("PostgreSQL", url)):
                        lat = latency(locator, sample, source, target, mode, work)
                        print(f"  lookup, {label}, {LATENCY_MODES[mode]} "
                              f"({lat['preload']:.2f} s): p50 {lat['p50']:.2f} ms, "
                              f"p95 {lat['p95']:.2f} ms", flush=True)
                a, b = open_locator(str(lite)), open_locator(url)
                same = sum([(m.score, m.source, m.target) for m in a.lookup(q, source, target)]
                           == [(m.score, m.source, m.target) for m in b.lookup(q, source,
                                                                              target)]
                           for q in sample)
                a.close()
                b.close()
                print(f"  identical answers on both backends: {same} of {len(sample)}")
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", default="synthetic,news,real")
    parser.add_argument("--sizes", default="100000,1000000",
                        help="memory sizes for the synthetic and news corpora")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--big-queries", type=int, default=10000,
                        help="queries against memories of a million units or more")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timebox", type=float, default=300.0)
    parser.add_argument("--competitor-queries", type=int, default=1000)
    parser.add_argument("--big-competitor-queries", type=int, default=100,
                        help="queries msgmerge gets against a million units (it takes "
                        "about 0.7 s each there)")
    parser.add_argument("--recall-sample", type=int, default=200)
    parser.add_argument("--latency-sample", type=int, default=300)
    parser.add_argument("--command-sample", type=int, default=20,
                        help="whole `transkit tm lookup` commands timed")
    parser.add_argument("--keep", type=Path, help="keep generated files in this folder")
    parser.add_argument("--corpus", type=Path, help="an existing gen_corpus.py output")
    parser.add_argument("--seed", type=int, help="gen_corpus.py's seed (default: its own)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="transkit-tmbench-"))
    base.mkdir(parents=True, exist_ok=True)
    if args.backend == "postgresql":
        postgres(args, base)
        return
    results: dict[str, float] = {}
    for name in args.corpora.split(","):
        sizes = [int(s) for s in args.sizes.split(",")] if name != "real" else [0]
        for size in sizes:
            run_size(name, size, args, base, results)
        if len(sizes) >= 2:
            small, large = min(sizes), max(sizes)
            if f"{name}-{small}" in results and f"{name}-{large}" in results:
                print(f"\n{name}: pretranslate wall time at {large:,} vs {small:,} units: "
                      f"{results[f'{name}-{large}'] / results[f'{name}-{small}']:.2f}x "
                      f"(for {large // small}x the memory, and "
                      f"{args.big_queries // args.queries if large >= 1_000_000 else 1}x "
                      "the queries)")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
