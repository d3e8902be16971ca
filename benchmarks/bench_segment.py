#!/usr/bin/env python3
"""Sentence segmentation: boundary precision/recall/F1 and speed on both gold sets,
per language and per tool, in one run.

Gold set 1 is tests/data/segmentation/ (written with the rules); gold set 2 is
tests/data/segmentation-heldout/ (written before the rules of issue 16 were tuned,
then frozen). Set 2 is also scored in its two halves: A (even positions, the only
errors looked at while tuning) and B (odd positions, only ever scored).

Tools: transkit; the SRX engine with LanguageTool's rules alone (choppa); pysbd;
sentencex; the Moses-style sentence-splitter; spaCy's rule-based `sentencizer`
(`spacy.blank(lang)`, no model download); blingfire; syntok. wtpsplit (SaT) needs
model weights from a hub at run time, which this benchmark does not fetch.

Speed: paragraphs per second over every paragraph of the set the tool can segment,
the median of --repeat passes (transkit without its memo).

Usage: benchmarks/bench_segment.py [--repeat 7]
(the comparison libraries come with `pip install -e '.[bench]'`)
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = {"set 1": DATA / "segmentation", "set 2": DATA / "segmentation-heldout"}
LANGS = ("ca", "es", "en", "fr")
Splitter = Callable[[str, str], list[str]]


def gold(folder: Path, lang: str) -> list[list[str]]:
    rows = []
    for line in (folder / f"{lang}.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([s.strip() for s in line.split(" ¦ ")])
    return rows


def boundaries(text: str, pieces: list[str]) -> set[int]:
    """End offsets of every piece but the last, found in order in `text`."""
    found, pos = set(), 0
    for piece in pieces[:-1]:
        piece = piece.strip()
        at = text.find(piece, pos)
        if at < 0:
            return found
        pos = at + len(piece)
        found.add(pos)
    return found


def splitters() -> dict[str, Splitter | str]:
    """Each tool's split function, or why it is missing."""
    tools: dict[str, Splitter | str] = {}
    from transkit.sources.segment import segmenter

    engine = segmenter()
    tools["transkit"] = lambda t, lang: engine.split(t, lang, memo=False)
    try:
        from importlib import resources

        from choppa import SrxDocument, SrxTextIterator

        rules = resources.files("choppa") / "data/srx/languagetool_segment.srx"
        doc = SrxDocument(ruleset=str(rules))
        tools["choppa + LanguageTool"] = lambda t, lang: list(SrxTextIterator(doc, lang, t))
    except ImportError:
        tools["choppa + LanguageTool"] = "not installed"
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
        tools["pysbd"] = "not installed"
    try:
        import sentencex

        tools["sentencex"] = lambda t, lang: list(sentencex.segment(lang, t))
    except ImportError:
        tools["sentencex"] = "not installed"
    try:
        from sentence_splitter import SentenceSplitter

        moses: dict[str, SentenceSplitter] = {}
        tools["sentence-splitter"] = lambda t, lang: moses.setdefault(
            lang, SentenceSplitter(language=lang)).split(t)
    except ImportError:
        tools["sentence-splitter"] = "not installed"
    try:
        import spacy

        nlps: dict[str, object] = {}

        def sentencizer(text: str, lang: str) -> list[str]:
            nlp = nlps.get(lang)
            if nlp is None:
                nlp = nlps[lang] = spacy.blank(lang)
                nlp.add_pipe("sentencizer")  # type: ignore[attr-defined]
            return [s.text for s in nlp(text).sents]  # type: ignore[operator]

        tools["spaCy sentencizer"] = sentencizer
    except ImportError:
        tools["spaCy sentencizer"] = "not installed"
    try:
        import blingfire

        tools["blingfire"] = lambda t, lang: blingfire.text_to_sentences(t).split("\n")
    except ImportError:
        tools["blingfire"] = "not installed"
    try:
        from syntok import segmenter as syntok_segmenter

        def syntok(text: str, lang: str) -> list[str]:
            return ["".join(tok.spacing + tok.value for tok in sentence).strip()
                    for paragraph in syntok_segmenter.analyze(text) for sentence in paragraph]

        tools["syntok"] = syntok
    except ImportError:
        tools["syntok"] = "not installed"
    tools["wtpsplit (SaT)"] = "needs model weights from a hub: not run offline"
    return tools


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(split: Splitter, rows: list[list[str]], lang: str, part: str) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for index, sentences in enumerate(rows):
        if part == "A" and index % 2 or part == "B" and not index % 2:
            continue
        text = " ".join(sentences)
        expected, found = boundaries(text, sentences), boundaries(text, split(text, lang))
        tp, fp, fn = tp + len(expected & found), fp + len(found - expected), \
            fn + len(expected - found)
    return tp, fp, fn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7, help="timing passes (median)")
    args = parser.parse_args()
    tools = splitters()
    for set_name, folder in SETS.items():
        data = {lang: gold(folder, lang) for lang in LANGS}
        count = sum(len(rows) for rows in data.values())
        sentences = sum(len(p) for rows in data.values() for p in rows)
        print(f"\n{set_name} ({folder.relative_to(DATA.parent.parent)}): {count} paragraphs, "
              f"{sentences} sentences; boundary F1 per language, P/R over all, "
              f"paragraphs/s (median of {args.repeat})")
        parts = ("all", "A", "B") if set_name == "set 2" else ("all",)
        cols = [f"{lang}{'' if part == 'all' else ' ' + part}" for part in parts for lang in LANGS]
        print(f"{'segmenter':<22}" + "".join(f"{c:>8}" for c in cols) + f"{'P':>7}{'R':>7}"
              f"{'para/s':>9}")
        lines: dict[str, str] = {}
        timed: dict[str, list[tuple[str, str]]] = {}
        for name, split in tools.items():
            if isinstance(split, str):
                lines[name] = f"{name:<22} ({split})"
                continue
            cells, total, langs_done = [], [0, 0, 0], []
            for part in parts:
                for lang in LANGS:
                    try:
                        tp, fp, fn = score(split, data[lang], lang, part)
                    except LookupError:
                        cells.append(f"{'n/a':>8}")
                        continue
                    cells.append(f"{f1(tp, fp, fn)[2]:>8.4f}")
                    if part == "all":
                        total = [total[0] + tp, total[1] + fp, total[2] + fn]
                        langs_done.append(lang)
            p, r, _ = f1(*total)
            lines[name] = f"{name:<22}" + "".join(cells) + f"{p:>7.3f}{r:>7.3f}"
            timed[name] = [(" ".join(s), lang) for lang in langs_done for s in data[lang]]
        # Timing passes go round the tools in turn, so a burst of load on the shared
        # machine falls on all of them rather than on one.
        times: dict[str, list[float]] = {name: [] for name in timed}
        for _ in range(args.repeat):
            for name, texts in timed.items():
                split = tools[name]
                assert not isinstance(split, str)
                start = time.perf_counter()
                for text, lang in texts:
                    split(text, lang)
                times[name].append(time.perf_counter() - start)
        for name, line in lines.items():
            if name in timed:
                line += f"{len(timed[name]) / statistics.median(times[name]):>9,.0f}"
            print(line)

if __name__ == "__main__":
    main()
