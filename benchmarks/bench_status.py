#!/usr/bin/env python3
"""Status at scale: 1,000 catalogues, ~200,000 entries.

Layouts: `gettext` (default) takes ../shared/bench/gen_corpus.py's catalogues as they
are (gettext-wrapped strings, comments, flags, contexts, plurals, obsolete entries;
--seed picks the draw) as one target language, beside bulletins and templates transkit
made of their sources; `transkit` generates 1,000 documents in four languages as transkit
writes them.

Prints the counts of `status` beside msgfmt's, then, median of N runs, side by side on
the same files: transkit status (cold: --no-cache; warm: nothing changed), msgfmt
--statistics over every file, Translate Toolkit's pocount, a plain polib load-and-count,
Babel's read_po (both over the catalogues; status also reads the templates); with the
transkit layout, extract throughput (units/s).

Usage: benchmarks/bench_status.py [--layout gettext|transkit] [--docs 1000]
                                  [--entries 200000] [--seed N] [--units 50] [--runs 5]
                                  [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

from transkit import catalog
from transkit.catalog import model
from transkit.catalog import po as po_format
from transkit.unit import Unit

BIN = Path(sys.executable).parent
LANGS = ("ca", "es", "en", "fr")
WORDS = ("policia europol xarxa frau targetes detinguts operació milions euros investigació "
         "agents servidors víctimes dades seguretat banc compte comissió delicte informe "
         "cooperació internacional ciberdelinqüència unitat 29.000 1.500 13,6 % EE. UU.").split()

POLIB_COUNT = """
import sys, polib, pathlib
t = f = u = 0
for p in pathlib.Path(sys.argv[1]).rglob('*.po'):
    po = polib.pofile(str(p))
    for e in po:
        if e.obsolete: continue
        if 'fuzzy' in e.flags: f += 1
        elif e.msgstr: t += 1
        else: u += 1
print(t, f, u)
"""

BABEL_COUNT = """
import sys, pathlib
from babel.messages.pofile import read_po
t = f = u = 0
for p in pathlib.Path(sys.argv[1]).rglob('*.po'):
    with open(p, 'rb') as fh:
        cat = read_po(fh)
    for m in cat:
        if not m.id: continue
        if m.fuzzy: f += 1
        elif m.string: t += 1
        else: u += 1
print(t, f, u)
"""

CONFIG = """[project]
name = "Benchmark"
source_language = "ca"
languages = ["ca", "es", "en", "fr"]
"""


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 22))
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        words[i] = f"<g1>{words[i]}</g1>"
    return " ".join(words).capitalize() + "."


def generate(root: Path, docs: int, units: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    (root / "bulletins").mkdir(parents=True)
    (root / "transkit.toml").write_text(CONFIG, "utf-8")
    total = 0
    for d in range(docs):
        name = f"doc{d:05d}"
        sources = list(dict.fromkeys(sentence(rng) for _ in range(units)))
        html = "".join(f"<p>{s.replace('<g1>', '<b>').replace('</g1>', '</b>')}</p>\n"
                       for s in sources)
        bulletin = root / "bulletins" / f"{name}.html"
        bulletin.write_text(f"<html lang='ca'><body><article>{html}</article></body></html>")
        digest = __import__("hashlib").sha256(bulletin.read_bytes()).hexdigest()
        unit_list = [Unit(s, line=i + 10, kind="p") for i, s in enumerate(sources)]
        pot = catalog.build_template(unit_list, name, f"bulletins/{name}.html", "Benchmark", "ca",
                                     digest, None)
        catalog.save(pot, root / "locales" / "ca" / f"{name}.pot")
        for lang in LANGS[1:]:
            po, _ = catalog.update(pot, None, lang, "Benchmark", name)
            for entry in po:
                r = rng.random()
                if r < 0.85:
                    entry.msgstr = f"[{lang}] {entry.msgid}"
                elif r < 0.92:
                    entry.msgstr = f"[{lang}?] {entry.msgid}"
                    entry.set_fuzzy()
            catalog.save(po, root / "locales" / lang / f"{name}.po")
        total += len(sources) * len(LANGS)
    return total


GEN_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "gen_corpus.py"
GETTEXT_CONFIG = """[project]
name = "Benchmark"
source_language = "en"
languages = ["en", "de"]
"""


def gettext_project(root: Path, files: int, entries: int, seed: int) -> int:
    """A project whose catalogues are gettext's own layout: `gen_corpus.py`'s files
    (wrapped strings, comments, flags, plurals, obsolete entries) kept byte for byte as
    the German catalogues, each beside a bulletin and a template transkit made of its
    sources. Only the header lines transkit reads are set (language, template digest);
    returns the active entries of the catalogues."""
    from html import escape

    from transkit.text import source_digest

    corpus = root.parent / f"{root.name}-corpus"
    if not (corpus / "po").is_dir():
        subprocess.run([sys.executable, str(GEN_CORPUS), "--out", str(corpus), "--seed",
                        str(seed), "--files", str(files), "--entries", str(entries),
                        "--tm-sizes", "", "--new", "10"], check=True, stdout=subprocess.DEVNULL)
    (root / "bulletins").mkdir(parents=True)
    (root / "transkit.toml").write_text(GETTEXT_CONFIG, "utf-8")
    total = 0
    for path in sorted((corpus / "po").glob("*.po")):
        name = path.stem
        text = path.read_text("utf-8")
        po = po_format.parse(text, path)
        sources = [u for u in po.units if not u.obsolete]
        html = "".join(f"<p>{escape(u.msgid)}</p>\n" for u in sources)
        bulletin = root / "bulletins" / f"{name}.html"
        bulletin.write_text(f"<html lang='en'><body><article>{html}</article></body></html>")
        digest = source_digest(bulletin.read_bytes())
        units = [u.clone(msgstr="", msgstr_plural={0: "", 1: ""} if u.msgid_plural else {},
                         flags=[f for f in u.flags if f != "fuzzy"], line=i + 10)
                 for i, u in enumerate(sources)]
        pot = catalog.build_template(units, name, f"bulletins/{name}.html", "Benchmark", "en",
                                     digest, None)
        catalog.save(pot, root / "locales" / "en" / f"{name}.pot")
        template = pot.metadata[model.TEMPLATE_HEADER]
        header = (f'"Language: de\\n"\n"{model.TEMPLATE_HEADER}: {template}\\n"\n'
                  f'"{model.SOURCE_LANG_HEADER}: en\\n"\n')
        text = re.sub(r'"Language: [^"]*"\n', lambda _, header=header: header, text, count=1)
        text = re.sub(r'"Plural-Forms: [^"]*"\n',
                      lambda _: '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n', text,
                      count=1)
        target = root / "locales" / "de" / f"{name}.po"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
        total += len(sources)
    return total


def timed(command: list[str], cwd: Path, before=None) -> float:  # type: ignore[no-untyped-def]
    if before:
        before()
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def msgfmt_counts(root: Path, files: list[str]) -> tuple[int, int, int] | None:
    """(translated, fuzzy, untranslated) over the catalogues (.po), as msgfmt counts."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return None
    total = [0, 0, 0]
    for name in files:
        if not name.endswith(".po"):
            continue
        err = subprocess.run([msgfmt, "--statistics", "-o", os.devnull, name], cwd=root,
                             capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"},
                             check=True).stderr
        for k, what in enumerate(("translated message", "fuzzy translation",
                                  "untranslated message")):
            found = re.search(rf"(\d+) {what}", err)
            total[k] += int(found.group(1)) if found else 0
    return total[0], total[1], total[2]


def status_counts(root: Path) -> tuple[int, int, int]:
    """(translated, fuzzy, untranslated) of the target languages, as `status` counts."""
    out = subprocess.run([str(BIN / "transkit"), "status", "--no-cache", "--format", "json"],
                         cwd=root, capture_output=True, text=True, check=True).stdout
    languages = json.loads(out)["languages"]
    source = tomllib.loads((root / "transkit.toml").read_text("utf-8"))["project"][
        "source_language"]
    rows = [v for k, v in languages.items() if k != source]
    return (sum(r["translated"] for r in rows), sum(r["fuzzy"] for r in rows),
            sum(r["untranslated"] for r in rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layout", choices=("gettext", "transkit"), default="gettext",
                        help="gettext: gen_corpus.py's catalogues (wrapped strings, comments, "
                        "flags, plurals, obsolete entries); transkit: catalogues transkit "
                        "wrote, four languages")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--units", type=int, default=50, help="units per document (transkit)")
    parser.add_argument("--entries", type=int, default=200000,
                        help="entries over all catalogues (gettext)")
    parser.add_argument("--seed", type=int, default=1, help="gen_corpus.py's seed (gettext)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    args = parser.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="transkit-bench-"))
    if not (root / "transkit.toml").exists():
        if args.layout == "gettext":
            print(f"generating {args.docs} gettext catalogues, {args.entries} entries, seed "
                  f"{args.seed}, in {root} …", flush=True)
            total = gettext_project(root, args.docs, args.entries, args.seed)
        else:
            print(f"generating {args.docs} documents x {args.units} units x 4 languages in "
                  f"{root} …", flush=True)
            total = generate(root, args.docs, args.units)
    else:
        total = sum(1 for p in root.glob("locales/*/*.po*")
                    for line in p.open(encoding="utf-8") if line.startswith("msgid ")) \
            - len(list(root.glob("locales/*/*.po*")))
    files = sorted(str(p.relative_to(root)) for p in root.glob("locales/*/*.po*"))
    print(f"corpus: {len(files)} files ({sum(f.endswith('.po') for f in files)} catalogues), "
          f"{total} units\n", flush=True)

    mine, theirs = status_counts(root), msgfmt_counts(root, files)
    print(f"counts (translated, fuzzy, untranslated): transkit status {mine}, msgfmt {theirs}"
          f" — {'equal' if mine == theirs else 'DIFFERENT'}", flush=True)
    counted = sum(po_format.tally((root / name).read_bytes(), name) is not None
                  for name in files)
    print(f"counted without building units (po.tally): {counted} of {len(files)} files; the "
          "others read whole\n", flush=True)
    print("load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
          flush=True)

    transkit = [str(BIN / "transkit"), "status"]
    cache = root / ".transkit" / "cache"

    def drop_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def warm_up() -> None:
        subprocess.run(transkit, cwd=root, check=True, stdout=subprocess.DEVNULL)

    msgfmt = shutil.which("msgfmt")
    listing = root / ".files"
    listing.write_text("\n".join(files) + "\n")
    tools: list[tuple[str, list[str], Any]] = [
        ("transkit status --no-cache", transkit + ["--no-cache"], drop_cache),
        ("transkit status (warm)", transkit, warm_up)]
    if msgfmt:
        tools.append(("msgfmt --statistics (each file)", [
            "sh", "-c", f"xargs -n1 {msgfmt} --statistics -o /dev/null < .files"], None))
    pocount = BIN / "pocount"
    if pocount.exists():
        tools.append(("pocount (Translate Toolkit)", [str(pocount), "locales"], None))
    tools.append(("polib load-and-count", [sys.executable, "-c", POLIB_COUNT, "locales"], None))
    tools.append(("Babel read_po", [sys.executable, "-c", BABEL_COUNT, "locales"], None))
    # Each pass times every tool in turn: a burst of load on this shared machine falls on
    # all of them, not on one tool's runs.
    times: dict[str, list[float]] = {name: [] for name, _, _ in tools}
    for _ in range(args.runs):
        for name, command, before in tools:
            times[name].append(timed(command, root, before))
    rows = [(name, statistics.median(times[name])) for name, _, _ in tools]

    competitors = [t for name, t in rows[2:]]
    fastest = min(competitors)
    babel = rows[-1][1]
    cold, warm = rows[0][1], rows[1][1]
    width = max(len(name) for name, _ in rows)
    print(f"{'tool':<{width}}  median s  vs fastest competitor")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:8.3f}  {seconds / fastest:6.2f}x")
    print()
    print(f"cold status / Babel read_po      = {cold / babel:.2f} (target <= 0.50; status also "
          "reads the templates)")
    print(f"cold status / fastest competitor = {cold / fastest:.2f}")
    print(f"warm status / cold status        = {warm / cold:.3f} (target < 0.10)")
    print("load average (1, 5, 15 min) after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))

    if args.layout == "transkit":
        extract_throughput(root, args.docs, args.units, args.runs)
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(root.parent / f"{root.name}-corpus", ignore_errors=True)


def extract_throughput(root: Path, docs: int, units_per_doc: int, runs: int) -> None:
    """`transkit extract` on a fresh copy of (at most 100 of) the bulletins."""
    sample = max(1, min(docs, 100))
    scratch = Path(tempfile.mkdtemp(prefix="transkit-extract-"))
    (scratch / "bulletins").mkdir()
    shutil.copy(root / "transkit.toml", scratch)
    for path in sorted((root / "bulletins").glob("*.html"))[:sample]:
        shutil.copy(path, scratch / "bulletins")
    units = sample * units_per_doc
    times = []
    for _ in range(max(1, runs // 2)):
        shutil.rmtree(scratch / "locales", ignore_errors=True)
        shutil.rmtree(scratch / ".transkit", ignore_errors=True)
        times.append(timed([str(BIN / "transkit"), "extract"], scratch))
    seconds = statistics.median(times)
    print(f"extract: {sample} documents, ~{units} units in {seconds:.2f} s "
          f"= {units / seconds:,.0f} units/s (segmentation + 3 catalogues each)")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
