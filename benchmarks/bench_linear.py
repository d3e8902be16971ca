#!/usr/bin/env python3
"""Linear time on one large input (issue 22, item 5): each case at 1× and 4× its size,
the median of 3 runs, and the ratio (4 is linear, 16 quadratic), for this code and for
the code before the fixes (a copy of commit dc24415's src/, run the same way in the same
run), with msgfmt and polib beside the PO reader and choppa's own iterator (LanguageTool
rules) beside the segmenter.

Every case runs in a child process (`--child`) with PYTHONPATH on the code to measure;
a run of the previous code that goes past --timebox seconds stops that case there.

Usage: benchmarks/bench_linear.py [--runs 3] [--timebox 60] [--base dc24415]
           [--only po,segment,checks,inline,tm]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# --- inputs ----------------------------------------------------------------------------

_LINE = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod. "


def po_file(megabytes: float, folder: Path) -> Path:
    """One entry of `megabytes` of continuation lines, obsolete (`#~`): a layout the
    whole-entry fast path declines, so the line lexer reads it."""
    path = folder / f"long-{megabytes}.po"
    if not path.exists():
        lines = int(megabytes * 1_000_000 / (len(_LINE) + 6))
        head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        body = '#~ msgid "x"\n#~ msgstr ""\n' + f'#~ "{_LINE}"\n' * lines
        path.write_text(head + 'msgid "y"\nmsgstr "z"\n\n' + body, "utf-8")
    return path


SENTENCE = "La policia ha detingut {} persones a Girona dimarts al matí prop del mercat."


def tm_store(units: int, folder: Path) -> Path:
    """A memory of `units` near-duplicates of the lookup's query (built by this code)."""
    from transkit.memory.sqlite import SQLiteStore
    from transkit.memory.store import HUMAN, SOURCE, Entry, Variant

    path = folder / f"tm-{units}.sqlite"
    if not path.exists():
        store = SQLiteStore(path)
        store.learn([Entry([Variant("ca", SENTENCE.format(i), SOURCE),
                            Variant("fr", f"FR {i}", HUMAN)]) for i in range(units)], "mem.po")
        store.close()
    return path


# --- cases (run in the child) ------------------------------------------------------------

def _segment(make: Callable[[int], str]) -> Callable[[int, Path], Callable[[], object]]:
    def prepare(size: int, data: Path) -> Callable[[], object]:
        from transkit.sources.segment import Segmenter

        segmenter = Segmenter()
        segmenter.split("Hola. Adeu.", "ca")  # rules loaded before timing
        text = make(size)
        return lambda: segmenter.split(text, "ca", memo=False)
    return prepare


def _choppa(make: Callable[[int], str]) -> Callable[[int, Path], Callable[[], object]]:
    def prepare(size: int, data: Path) -> Callable[[], object]:
        from choppa import DEFAULT_SRX_RULESET, SrxDocument, SrxTextIterator

        document = SrxDocument(ruleset=DEFAULT_SRX_RULESET)
        list(SrxTextIterator(document, "ca", "Hola. Adeu."))
        text = make(size)
        return lambda: list(SrxTextIterator(document, "ca", text))
    return prepare


def _po(tool: str) -> Callable[[int, Path], Callable[[], object]]:
    def prepare(size: int, data: Path) -> Callable[[], object]:
        path = po_file(size / 4, data)  # size: quarters of a megabyte
        if tool == "transkit":
            from transkit.catalog import po

            return lambda: po.read(path)
        if tool == "polib":
            import polib

            return lambda: polib.pofile(str(path))
        return lambda: subprocess.run(["msgfmt", "-o", os.devnull, str(path)], check=True)
    return prepare


def _checks(make: Callable[[int], str], only: str | None = None
            ) -> Callable[[int, Path], Callable[[], object]]:
    def prepare(size: int, data: Path) -> Callable[[], object]:
        from transkit.checks import check_classes, units
        from transkit.checks.base import Pair

        checks = [c.function for c in check_classes() if hasattr(c, "function")]
        checks += [units.french_spacing, units.quotes]
        if only:
            checks = [getattr(units, only)]
        text = make(size)

        def work() -> None:
            units.masked.cache_clear()
            units.numbers_in.cache_clear()
            for check in checks:
                check(Pair(text, text, "ca", "fr"))
        return work
    return prepare


def _inline(size: int, data: Path) -> Callable[[], object]:
    from lxml import etree

    from transkit.sources import inline

    element = etree.fromstring("<p>a <b>x</b> c</p>")
    codes = inline.encode_run(element.text, list(element)).codes
    text = "<g1>x</g1>" + "<g2/>" * size
    return lambda: inline.decode(text, codes)


def _tm(size: int, data: Path) -> Callable[[], object]:
    from transkit.memory.sqlite import SQLiteStore

    store = SQLiteStore(data / f"tm-{size}.sqlite")
    query = SENTENCE.format("set")
    return lambda: store.lookup(query, "ca", "fr")


CASES: dict[str, tuple[str, int, dict[str, Callable[[int, Path], Callable[[], object]]]]] = {
    # name: (group, 1× size, {tool: prepare}); "transkit" is run on both codes.
    "PO lexer, one obsolete entry of 2 MB": ("po", 8, {
        "transkit": _po("transkit"), "msgfmt": _po("msgfmt"), "polib": _po("polib")}),
    'segment "1. " x 250': ("segment", 250, {
        "transkit": _segment(lambda n: "1. " * n), "choppa + LT": _choppa(lambda n: "1. " * n)}),
    'segment "(Ab. " x 4,000': ("segment", 4000, {
        "transkit": _segment(lambda n: "(Ab. " * n),
        "choppa + LT": _choppa(lambda n: "(Ab. " * n)}),
    'segment "(Ab.) " x 2,000': ("segment", 2000, {
        "transkit": _segment(lambda n: "(Ab.) " * n)}),
    'segment "<g1>Ab. </g1>" x 2,000': ("segment", 2000, {
        "transkit": _segment(lambda n: "<g1>Ab. </g1>" * n)}),
    'french-spacing "a ;" x 40,000': ("checks", 40_000, {
        "transkit": _checks(lambda n: "a" + " ;" * n, "french_spacing")}),
    'all unit checks, "a." x 2,500 + "@"': ("checks", 2500, {
        "transkit": _checks(lambda n: "a." * n + "@")}),
    'inline.decode "<g2/>" x 20,000': ("inline", 20_000, {"transkit": _inline}),
    "tm lookup, 20,000 near-duplicates": ("tm", 20_000, {"transkit": _tm}),
}


def child(case: str, tool: str, size: int, runs: int, timebox: float, data: Path) -> None:
    work = CASES[case][2][tool](size, data)
    spent = time.perf_counter()
    work()  # (warm; how many calls make a run of 50 ms at least; a long one is a run)
    first = time.perf_counter() - spent
    calls = max(1, math.ceil(0.05 / max(first, 1e-6)))
    times: list[float] = [first] if calls == 1 else []
    for _ in range(runs - len(times)):
        if time.perf_counter() - spent > timebox:
            break
        start = time.perf_counter()
        for _ in range(calls):
            work()
        times.append((time.perf_counter() - start) / calls)
    print(json.dumps(times))


# --- parent ------------------------------------------------------------------------------

def measure(code: Path | None, case: str, tool: str, size: int, runs: int, timebox: float,
            data: Path) -> float | None:
    """Median seconds of the case in a child process on `code` (a src/ folder); infinity
    when one run did not end within the child's time limit (`limit`)."""
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", case, tool, str(size), str(runs),
             str(timebox), str(data)],
            env=env, capture_output=True, text=True, check=True, timeout=limit(timebox))
    except subprocess.TimeoutExpired:
        return math.inf
    return statistics.median(json.loads(out.stdout.strip().splitlines()[-1]))


def limit(timebox: float) -> float:
    return timebox * 3 + 120


def base_code(commit: str, folder: Path) -> Path:
    """The src/ folder of `commit`, copied out of git (no worktree, no checkout)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "src"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def _cell(value: float | None, timebox: float) -> str:
    if value is None:
        return "—"  # not run: the 1× took too long to try 16 times as long
    return f"> {limit(timebox):.0f}" if math.isinf(value) else f"{value:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timebox", type=float, default=60.0,
                        help="seconds one measurement of the previous code may take")
    parser.add_argument("--base", default="dc24415", help="the code before the fixes")
    parser.add_argument("--only", default="", help="groups: po,segment,checks,inline,tm")
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        case, tool, size, runs, timebox, data = args.child
        child(case, tool, int(size), int(runs), float(timebox), Path(data))
        return
    groups = set(filter(None, args.only.split(",")))
    scratch = Path(tempfile.mkdtemp(prefix="transkit-linear-"))
    try:
        old = base_code(args.base, scratch)
        ours = REPO / "src"
        check = subprocess.run([sys.executable, "-c", "import transkit; print(transkit.__file__)"],
                               env={**os.environ, "PYTHONPATH": str(old)}, capture_output=True,
                               text=True, check=True).stdout.strip()
        assert check.startswith(str(old)), check  # the child imports the copy, not ours
        print(f"linear time, median of {args.runs} (seconds); ratio = 4× / 1× "
              f"(4: linear, 16: quadratic); previous code = {args.base}\n")
        print(f"{'case':38} {'tool':18} {'1×':>9} {'4×':>9} {'ratio':>6}")
        for case, (group, size, tools) in CASES.items():
            if groups and group not in groups:
                continue
            if group == "tm":
                tm_store(size, scratch)
                tm_store(4 * size, scratch)
            rows: list[tuple[str, Path | None]] = [("transkit", ours),
                                                   (f"transkit {args.base}", old)]
            rows += [(tool, ours) for tool in tools if tool != "transkit"]
            for label, code in rows:
                tool = "transkit" if label.startswith("transkit") else label
                small = measure(code, case, tool, size, args.runs, args.timebox, scratch)
                large = None
                # (a time box: the previous code's 4× would take 16 times the 1×)
                if small is not None and not math.isinf(small) and (
                        code is ours or small * 16 < args.timebox * 2):
                    large = measure(code, case, tool, 4 * size, args.runs, args.timebox,
                                    scratch)
                ratio = "     —"
                if small and large and not math.isinf(small):
                    ratio = (f"> {limit(args.timebox) / small:4.0f}" if math.isinf(large)
                             else f"{large / small:6.1f}")
                print(f"{case:38} {label:18} {_cell(small, args.timebox):>9} "
                      f"{_cell(large, args.timebox):>9} {ratio}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
