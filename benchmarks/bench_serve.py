#!/usr/bin/env python3
"""`transkit serve` under load: start-up, memory, reading and saving units over HTTP.

Builds a project of two documents (500 units, and a 5,000-entry catalogue) in ca → es,
en, fr, starts the real `transkit serve` process, and prints, medians of the runs:
  start-up (spawn → the link printed), resident memory idle and after opening the
  500-unit document, `GET units` (request sent → whole answer received; the first, cold
  one apart) and a save (PUT), p50/p95 over --requests requests,
beside polib (the PO library Translate Toolkit and many editors build on) doing the file
work alone on the same files in the same run: parsing the document's template and three
catalogues (what a GET reads), and loading, changing one entry and writing a catalogue
(what a save writes; polib takes no lock, checks no base and writes in place).

Goals (issue 27): start < 1 s, < 150 MB, GET p95 < 100 ms, save p95 < 50 ms.

Usage: benchmarks/bench_serve.py [--requests 100] [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from transkit import catalog
from transkit.unit import Unit

BIN = Path(sys.executable).parent
LANGS = ("es", "en", "fr")
WORDS = ("policia europol xarxa frau targetes detinguts operació milions euros investigació "
         "agents servidors víctimes dades seguretat banc compte comissió delicte informe "
         "cooperació internacional ciberdelinqüència unitat").split()
CONFIG = """[project]
name = "Bench"
source_language = "ca"
languages = ["ca", "es", "en", "fr"]
"""


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 18))) + f" {n}."


def make_project(root: Path, docs: dict[str, int]) -> None:
    rng = random.Random(27)
    (root / "bulletins").mkdir(parents=True)
    (root / "transkit.toml").write_text(CONFIG, encoding="utf-8")
    for doc, count in docs.items():
        units = [Unit(sentence(rng, n), line=n + 10) for n in range(count)]
        template = catalog.build_template(units, doc, f"bulletins/{doc}.html", "Bench", "ca",
                                          None, None)
        (root / "locales" / "ca").mkdir(parents=True, exist_ok=True)
        catalog.save(template, root / "locales" / "ca" / f"{doc}.pot")
        for lang in LANGS:
            po, _ = catalog.update(template, None, lang, "Bench", doc)
            for index, unit in enumerate(po):
                if index % 2 == 0:
                    unit.msgstr = f"{lang.upper()} {unit.msgid}"
            (root / "locales" / lang).mkdir(parents=True, exist_ok=True)
            catalog.save(po, root / "locales" / lang / f"{doc}.po")


class Server:
    def __init__(self, root: Path):
        self.started = time.perf_counter()
        self.process = subprocess.Popen([str(BIN / "transkit"), "-C", str(root), "serve",
                                         "--port", "0", "--no-browser"],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        stdin=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        self.startup = time.perf_counter() - self.started
        if "token=" not in line:
            raise SystemExit(f"transkit serve printed no link: {line!r}")
        self.port = int(line.split(":")[2].split("/")[0])
        self.token = line.split("token=")[1]
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def request(self, method: str, path: str, body: dict[str, Any] | None = None,
                parse: bool = True) -> tuple[int, Any]:
        headers = {"Host": f"127.0.0.1:{self.port}", "Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, data, headers)
        answer = self.conn.getresponse()
        data = answer.read()
        return answer.status, json.loads(data) if parse else data

    def rss_mb(self) -> float:
        """Resident memory of the server process (the console script is that process)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.conn.close()
        self.process.terminate()
        self.process.wait(10)


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def bench_http(server: Server, doc: str, requests: int) -> dict[str, Any]:
    url = f"/api/v1/documents/{doc}/units"
    started = time.perf_counter()
    status, data = server.request("GET", url)
    first = time.perf_counter() - started
    assert status == 200, data
    gets = []
    for _ in range(requests):
        started = time.perf_counter()
        status, _ = server.request("GET", url, parse=False)  # the answer, not our parse
        gets.append(time.perf_counter() - started)
        assert status == 200
    units = data["units"]
    saves = []
    for n in range(requests):
        unit = units[(n * 7) % len(units)]
        lang = LANGS[n % 3]
        base = unit["targets"][lang]["text"]
        text = f"{lang} {n} {unit['source']}"
        started = time.perf_counter()
        status, answer = server.request("PUT", f"{url}/{unit['id']}/{lang}",
                                        {"text": text, "state": "translated", "base": base})
        saves.append(time.perf_counter() - started)
        assert status == 200, answer
        unit["targets"][lang]["text"] = text
    return {"first": first * 1000, "get": percentiles(gets), "save": percentiles(saves)}


def bench_polib(root: Path, doc: str, requests: int) -> dict[str, Any]:
    import polib

    files = [root / "locales" / "ca" / f"{doc}.pot",
             *(root / "locales" / lang / f"{doc}.po" for lang in LANGS)]
    reads = []
    for _ in range(max(5, requests // 10)):
        started = time.perf_counter()
        for path in files:
            polib.pofile(str(path))
        reads.append(time.perf_counter() - started)
    writes = []
    for n in range(max(5, requests // 10)):
        path = files[1 + n % 3]
        started = time.perf_counter()
        po = polib.pofile(str(path))
        entry = po[(n * 7) % len(po)]
        entry.msgstr = f"polib {n}"
        po.save()
        writes.append(time.perf_counter() - started)
    return {"get": percentiles(reads), "save": percentiles(writes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the project here and keep it")
    args = parser.parse_args()
    docs = {"doc-500": 500, "catalogue-5000": 5000}
    results: list[dict[str, Any]] = []
    for run in range(args.runs):
        root = (args.keep / f"run{run}") if args.keep else Path(tempfile.mkdtemp()) / "proj"
        make_project(root, docs)
        server = Server(root)
        try:
            time.sleep(2.0)  # the memory learns the project in its thread meanwhile
            figures: dict[str, Any] = {"startup": server.startup * 1000,
                                       "rss_idle": server.rss_mb()}
            figures["doc-500"] = bench_http(server, "doc-500", args.requests)
            figures["rss_open"] = server.rss_mb()
            figures["catalogue-5000"] = bench_http(server, "catalogue-5000", args.requests)
            figures["rss_end"] = server.rss_mb()
        finally:
            server.stop()
        for doc in docs:
            figures[f"polib-{doc}"] = bench_polib(root, doc, args.requests)
        results.append(figures)
        if not args.keep:
            shutil.rmtree(root.parent, ignore_errors=True)

    def med(get: Any) -> float:
        return statistics.median(get(r) for r in results)

    print(f"transkit serve, median of {args.runs} run(s), {args.requests} requests each "
          "(one keep-alive connection)")
    print(f"  start-up (spawn → link printed)   {med(lambda r: r['startup']):8.0f} ms"
          "   goal < 1000 ms")
    print(f"  resident memory, idle              {med(lambda r: r['rss_idle']):8.1f} MB"
          "   goal < 150 MB")
    print(f"  resident memory, 500 units opened  {med(lambda r: r['rss_open']):8.1f} MB")
    print(f"  resident memory, both documents    {med(lambda r: r['rss_end']):8.1f} MB")
    print()
    print(f"  {'':34} {'p50 ms':>8} {'p95 ms':>8}   polib p50 / p95 (files only)")
    for doc, label in (("doc-500", "500-unit document"),
                       ("catalogue-5000", "5,000-entry catalogue")):
        first = med(lambda r, d=doc: r[d]["first"])
        for kind, goal, competitor in (("get", 100, "parse .pot + 3 .po"),
                                       ("save", 50, "load, change, save")):
            p50 = med(lambda r, d=doc, k=kind: r[d][k][0])
            p95 = med(lambda r, d=doc, k=kind: r[d][k][1])
            c50 = med(lambda r, d=doc, k=kind: r[f"polib-{d}"][k][0])
            c95 = med(lambda r, d=doc, k=kind: r[f"polib-{d}"][k][1])
            name = "GET units" if kind == "get" else "save (PUT)"
            print(f"  {name + ', ' + label:34} {p50:8.1f} {p95:8.1f}   {c50:7.1f} / {c95:7.1f}"
                  f"  ({competitor}; goal p95 < {goal} ms)")
        print(f"  {'first GET (cold), ' + label:34} {first:8.1f}")


if __name__ == "__main__":
    main()
