#!/usr/bin/env python3
"""Sentence segmentation: boundary precision/recall/F1 and speed on the gold set
(tests/data/segmentation/<lang>.txt), for transkit and the libraries we measured
before choosing: the SRX engine with LanguageTool's rules alone (choppa), pysbd,
sentencex, and the Moses-style sentence-splitter.

Usage: benchmarks/bench_segment.py [--repeat 20]
(the comparison libraries come with `pip install -e '.[bench]'`)
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "segmentation"
LANGS = ("ca", "es", "en", "fr")


def gold(lang: str) -> list[list[str]]:
    rows = []
    for line in (GOLD / f"{lang}.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([s.strip() for s in line.split(" ¦ ")])
    return rows


def boundaries(text: str, pieces: list[str]) -> set[int]:
    found, pos = set(), 0
    for piece in pieces[:-1]:
        piece = piece.strip()
        at = text.find(piece, pos)
        if at < 0:
            return found
        pos = at + len(piece)
        found.add(pos)
    return found


def splitters() -> dict[str, Callable[[str, str], list[str]] | None]:
    tools: dict[str, Callable[[str, str], list[str]] | None] = {}
    from transkit.segment import segmenter

    engine = segmenter()
    tools["transkit (SRX+LT+own rules)"] = lambda t, lang: engine.split(t, lang, memo=False)
    try:
        from importlib import resources

        from choppa import SrxDocument, SrxTextIterator

        rules = resources.files("choppa") / "data/srx/languagetool_segment.srx"
        doc = SrxDocument(ruleset=str(rules))
        tools["choppa + LanguageTool only"] = lambda t, lang: list(SrxTextIterator(doc, lang, t))
    except ImportError:
        tools["choppa + LanguageTool only"] = None
    try:
        import pysbd

        cache: dict[str, object] = {}

        def sbd(text: str, lang: str) -> list[str]:
            if lang == "ca":
                raise LookupError("no Catalan")
            seg = cache.setdefault(lang, pysbd.Segmenter(language=lang, clean=False))
            return list(seg.segment(text))  # type: ignore[attr-defined]

        tools["pysbd"] = sbd
    except ImportError:
        tools["pysbd"] = None
    try:
        import sentencex

        tools["sentencex"] = lambda t, lang: list(sentencex.segment(lang, t))
    except ImportError:
        tools["sentencex"] = None
    try:
        from sentence_splitter import SentenceSplitter

        moses: dict[str, SentenceSplitter] = {}
        tools["sentence-splitter (Moses)"] = lambda t, lang: moses.setdefault(
            lang, SentenceSplitter(language=lang)).split(t)
    except ImportError:
        tools["sentence-splitter (Moses)"] = None
    return tools


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20, help="timing repetitions")
    args = parser.parse_args()
    data = {lang: gold(lang) for lang in LANGS}
    sentences = sum(len(p) for rows in data.values() for p in rows)
    print(f"gold set: {sum(len(r) for r in data.values())} paragraphs, {sentences} sentences\n")
    header = f"{'segmenter':<30}" + "".join(f"{'F1 ' + lang:>9}" for lang in LANGS) + \
        f"{'P':>7}{'R':>7}{'µs/para':>10}"
    print(header)
    for name, split in splitters().items():
        if split is None:
            print(f"{name:<30} (not installed)")
            continue
        cells, tp_all, fp_all, fn_all, times = [], 0, 0, 0, []
        for lang in LANGS:
            tp = fp = fn = 0
            try:
                for sentences_ in data[lang]:
                    text = " ".join(sentences_)
                    expected = boundaries(text, sentences_)
                    found = boundaries(text, split(text, lang))
                    tp, fp, fn = tp + len(expected & found), fp + len(found - expected), \
                        fn + len(expected - found)
            except LookupError:
                cells.append(f"{'n/a':>9}")
                continue
            p = tp / (tp + fp) if tp + fp else 1.0
            r = tp / (tp + fn) if tp + fn else 1.0
            cells.append(f"{2 * p * r / (p + r):>9.4f}")
            tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
            paragraphs = [" ".join(s) for s in data[lang]]
            for _ in range(3):
                start = time.perf_counter()
                for _ in range(max(1, args.repeat // 3)):
                    for text in paragraphs:
                        split(text, lang)
                times.append((time.perf_counter() - start) / (len(paragraphs) *
                                                               max(1, args.repeat // 3)))
        p = tp_all / (tp_all + fp_all) if tp_all + fp_all else 1.0
        r = tp_all / (tp_all + fn_all) if tp_all + fn_all else 1.0
        print(f"{name:<30}" + "".join(cells) + f"{p:>7.3f}{r:>7.3f}"
              f"{statistics.median(times) * 1e6:>10.0f}")


if __name__ == "__main__":
    main()
