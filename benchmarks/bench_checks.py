#!/usr/bin/env python3
"""Consistency checks: quality on planted errors and speed against pofilter.

1. Quality: errors of every kind are planted in the demo's correct translations
   (transkit.checks.mutate for per-unit checks; project-level ones on a scratch
   copy); prints recall per check and the false positives on the clean demo.
2. Speed: `transkit check` and Translate Toolkit's `pofilter` with its comparable
   tests, on the 1,000-catalogue corpus of bench_status.py (by default gen_corpus.py's
   gettext-wrapped catalogues; median of N runs), with status's counts beside msgfmt's.

Usage: benchmarks/bench_checks.py [--docs 1000] [--runs 3] [--timebox 900] [--keep DIR]
                                  [--layout gettext|transkit] [--entries N] [--seed N]
                                  [--quality-only | --speed-only]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polib

from transkit.checks import check_classes, run_checks
from transkit.checks.mutate import Score, false_positives, unit_recall
from transkit.config import load_config
from transkit.project import Project

sys.path.insert(0, str(Path(__file__).parent))
from bench_status import (  # noqa: E402  (same folder)
    generate,
    gettext_project,
    msgfmt_counts,
    status_counts,
)

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POFILTER_TESTS = ["xmltags", "numbers", "urls", "emails", "endpunc", "doublespacing",
                  "startwhitespace", "endwhitespace", "unchanged", "long", "short",
                  "doublewords", "brackets", "puncspacing", "acronyms", "doublequoting"]


def demo_copy() -> Path:
    root = Path(tempfile.mkdtemp(prefix="transkit-checks-")) / "demo"
    root.mkdir()
    shutil.copy(REPO / "transkit.toml", root)
    for folder in ("bulletins", "locales", "glossary"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    po = polib.pofile(str(path))
    change(po)
    po.save(str(path))


def project_recall() -> dict[str, Score]:
    """Plant one error of each project-level kind in a scratch copy and see it caught."""
    scores: dict[str, Score] = {}

    def planted(check: str, mutate) -> None:  # type: ignore[no-untyped-def]
        root = demo_copy()
        mutate(root)
        found = {f.check for f in run_checks(Project.load(root)).findings}
        score = scores.setdefault(check, Score())
        score.planted += 1
        score.detected += check in found
        shutil.rmtree(root.parent, ignore_errors=True)

    shared = "Més informació a www.europol.europa.eu."
    for lang in ("es", "en", "fr"):
        def inconsistent(root: Path, lang: str = lang) -> None:
            def change(po: polib.POFile) -> None:
                entry = po.find(shared)
                entry.msgstr = entry.msgstr.replace("www", "https://www")
            _edit(root / f"locales/{lang}/2019-01-ransomware.po", change)
        planted("inconsistent", inconsistent)

        def cross_numbers(root: Path, lang: str = lang) -> None:
            def change(po: polib.POFile) -> None:
                entry = po.find("La policia va inspeccionar 1.327 locals en 5 dies.")
                entry.msgstr = entry.msgstr.replace("5", "6")
            _edit(root / f"locales/{lang}/2019-02-butlleti.po", change)
        planted("cross-numbers", cross_numbers)

        def cross_urls(root: Path, lang: str = lang) -> None:
            def change(po: polib.POFile) -> None:
                entry = po.find(shared)
                entry.msgstr = entry.msgstr.replace("europa.eu", "europa.com")
            _edit(root / f"locales/{lang}/2019-02-butlleti.po", change)
        planted("cross-urls", cross_urls)

        def aligned(root: Path, lang: str = lang) -> None:
            _edit(root / f"locales/{lang}/2018-12-frau-targetes.po",
                  lambda po: po.remove(po.find("Les autoritats recomanen als usuaris:")))
        planted("aligned", aligned)

        def po_header(root: Path, lang: str = lang) -> None:
            def change(po: polib.POFile) -> None:
                po.metadata["Language"] = "de"
            _edit(root / f"locales/{lang}/2019-01-ransomware.po", change)
        planted("po-header", po_header)

        def duplicates(root: Path, lang: str = lang) -> None:
            path = root / f"locales/{lang}/2019-01-ransomware.po"
            path.write_text(path.read_text("utf-8") + '\nmsgid "No pagueu el rescat."\n'
                            'msgstr "x"\n', "utf-8")
        planted("duplicates", duplicates)

        def acronym(root: Path, lang: str = lang) -> None:
            def change(po: polib.POFile) -> None:
                entry = next(e for e in po if "EC3" in e.msgid)
                entry.msgstr = entry.msgstr.replace("(EC3)", "")
            _edit(root / f"locales/{lang}/2018-12-frau-targetes.po", change)
        planted("acronyms", acronym)
    return scores


def quality() -> None:
    demo = Project.load(REPO)
    scores = {**unit_recall(demo), **project_recall()}
    fp = false_positives(demo)
    print(f"{'check':<24} {'planted':>8} {'caught':>7} {'recall':>7} {'false pos.':>10}")
    for check, score in scores.items():
        print(f"{check:<24} {score.planted:>8} {score.detected:>7} {score.recall:>7.3f} "
              f"{fp.get(check, 0):>10}")
    others = {k: v for k, v in fp.items() if k not in scores}
    print(f"false positives on the clean demo, all checks: {sum(fp.values())}"
          + (f" ({others})" if others else ""))


def timed(command: list[str], cwd: Path, timebox: float) -> float | None:
    start = time.perf_counter()
    try:
        subprocess.run(command, cwd=cwd, check=False, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=timebox)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def speed(docs: int, runs: int, timebox: float, keep: Path | None, layout: str = "gettext",
          entries: int = 200000, seed: int = 1) -> None:
    root = keep or Path(tempfile.mkdtemp(prefix="transkit-checkbench-"))
    if not (root / "transkit.toml").exists():
        print(f"\ngenerating {docs} documents ({layout} layout) …", flush=True)
        if layout == "gettext":
            gettext_project(root, docs, entries, seed)
        else:
            root.mkdir(parents=True, exist_ok=True)
            generate(root, docs, 50)
    catalogues = sorted(str(p.relative_to(root)) for p in root.glob("locales/*/*.po"))
    units = sum(1 for p in catalogues for line in (root / p).open(encoding="utf-8")
                if line.startswith("msgid "))
    print(f"\nspeed: {len(catalogues)} catalogues ({layout} layout), ~{units:,} entries")
    mine, theirs = status_counts(root), msgfmt_counts(root, catalogues)
    print(f"counts (translated, fuzzy, untranslated): transkit {mine}, msgfmt {theirs} — "
          f"{'equal' if mine == theirs else 'DIFFERENT'}", flush=True)
    ours = [timed([str(BIN / "transkit"), "check"], root, timebox) for _ in range(runs)]
    out = root.parent / f"{root.name}-pofilter"
    theirs_s = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        command = [str(BIN / "pofilter"), "--progress=none"]
        for test in POFILTER_TESTS:
            command += ["-t", test]
        theirs_s.append(timed(command + [str(root / "locales"), str(out)], root, timebox))
    shutil.rmtree(out, ignore_errors=True)
    t_ours = statistics.median(t for t in ours if t is not None)
    done = [t for t in theirs_s if t is not None]
    checks = len(check_classes())
    if done:
        t_theirs = statistics.median(done)
        print(f"transkit check ({checks} checks): {t_ours:.1f} s; pofilter "
              f"({len(POFILTER_TESTS)} tests): {t_theirs:.1f} s; ratio {t_theirs / t_ours:.1f}x "
              "(target >= 5x)")
    else:
        print(f"transkit check: {t_ours:.1f} s; pofilter: > {timebox:.0f} s (time box)")
    if not keep:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(root.parent / f"{root.name}-corpus", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timebox", type=float, default=900)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--speed-only", action="store_true")
    parser.add_argument("--layout", choices=("gettext", "transkit"), default="gettext",
                        help="the speed corpus (see bench_status.py)")
    parser.add_argument("--entries", type=int, default=200000)
    parser.add_argument("--seed", type=int, default=1, help="gen_corpus.py's seed")
    args = parser.parse_args()
    if not args.speed_only:
        quality()
    if not args.quality_only:
        speed(args.docs, args.runs, args.timebox, args.keep, args.layout, args.entries,
              args.seed)


# --- spelling and language (issue 28) ------------------------------------------------------
# Run with --spelling: the figures below, nothing of the above.

def _demo_units() -> list[tuple[str, str, str, str]]:
    """(document, language, source, translation) of every translated form of the demo."""
    from transkit import catalog

    found = []
    for path in sorted(REPO.glob("locales/*/*.po")):
        catalogue = catalog.load(path)
        SOURCES[path.stem] = catalogue.metadata.get("X-Transkit-Source-Language", "ca")
        for unit in catalogue.active():
            if unit.msgstr and unit.msgid_plural is None:
                found.append((path.stem, path.parent.name, unit.msgid, unit.msgstr))
    return found


# Each demo document's source language (X-Transkit-Source-Language), as _demo_units reads.
SOURCES: dict[str, str] = {}


def _spelling_check(root: Path, suggest: bool = False) -> object:
    from transkit.checks.base import CheckContext
    from transkit.checks.spelling import SpellingCheck
    from transkit.glossary import load_glossary

    config = load_config(root)
    return SpellingCheck(CheckContext(root, config.languages, load_glossary(root),
                                      config.checks.settings.get("spelling", {}), suggest))


def spelling_findings() -> None:
    """Findings per 1,000 words on the demo's translations, with the project's word lists
    (glossary/spelling-<lang>.txt) and without them (the dictionaries and glossary alone)."""
    from transkit.checks.spelling import count_words

    units = _demo_units()
    bare = demo_copy()
    for word_list in bare.glob("glossary/spelling-*.txt"):
        word_list.unlink()
    print(f"\nspelling on the demo's translations ({len(units)} units)")
    print(f"{'lang':<6} {'words':>6} {'findings':>9} {'per 1,000':>9} {'no word list':>13}")
    for lang in sorted({u[1] for u in units}):
        mine = [u for u in units if u[1] == lang]
        words = count_words(u[3] for u in mine)
        counts = []
        for root in (REPO, bare):
            check = _spelling_check(root)
            counts.append(sum(len(check.check(src, tgt, lang,  # type: ignore[attr-defined]
                                              source_lang=SOURCES.get(doc, "ca")))
                              for doc, _, src, tgt in mine))
        print(f"{lang:<6} {words:>6} {counts[0]:>9} {counts[0] * 1000 / words:>9.2f} "
              f"{counts[1] * 1000 / words:>13.2f}")
    words = count_words(u[3] for u in units)
    total = [0, 0]
    for k, root in enumerate((REPO, bare)):
        check = _spelling_check(root)
        total[k] = sum(len(check.check(src, tgt, lang,  # type: ignore[attr-defined]
                                       source_lang=SOURCES.get(doc, "ca")))
                       for doc, lang, src, tgt in units)
    print(f"{'all':<6} {words:>6} {total[0]:>9} {total[0] * 1000 / words:>9.2f} "
          f"{total[1] * 1000 / words:>13.2f}   (goal <= 3 per 1,000)")


def _typo(word: str, rng: random.Random, alphabet: str) -> str:
    i = rng.randrange(len(word))
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1:]
    if kind == 1:
        return word[:i] + rng.choice(alphabet) + word[i:]
    if kind == 2 and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + rng.choice(alphabet) + word[i + 1:]


ALPHABETS = {"ca": "abcdefghijlmnopqrstuvxzàèéíòóúç", "es": "abcdefghijlmnopqrstuvyzáéíóúñ",
             "fr": "abcdefghijlmnopqrstuvxyzàâçéèêëîïôûù", "en": "abcdefghijklmnopqrstuvwxyz"}


def spelling_recall(per_unit: int = 3, seed: int = 28) -> None:
    """Typos planted in the demo's translations, one at a time: one edit (deletion,
    insertion, transposition, substitution) in a dictionary word that makes a non-word
    for that dictionary; a typo is caught when the check names the word it is in."""
    import re as _re

    rng = random.Random(seed)
    check = _spelling_check(REPO)
    planted: dict[str, list[int]] = {}
    for doc, lang, src, tgt in _demo_units():
        dictionary = check.spellers[lang].dictionary  # type: ignore[attr-defined]
        alphabet = ALPHABETS[lang]
        candidates = [m for m in _re.finditer(r"(?<![\w'’<-])[^\W\d_]{4,}(?![\w'’>-])", tgt)
                      if dictionary.check(m.group()) and "<" not in tgt[m.start() - 1:m.start()]]
        for match in rng.sample(candidates, min(per_unit, len(candidates))):
            word = match.group()
            for _ in range(20):
                typo = _typo(word, rng, alphabet)
                if typo != word and not dictionary.check(typo):
                    break
            else:
                continue
            mutated = tgt[:match.start()] + typo + tgt[match.end():]
            messages = check.check(src, mutated, lang,  # type: ignore[attr-defined]
                                   source_lang=SOURCES.get(doc, "ca"))
            score = planted.setdefault(lang, [0, 0])
            score[0] += 1
            score[1] += any(typo in m for m in messages)
            if not any(typo in m for m in messages) and os.environ.get("SHOW_MISSES"):
                print("missed", lang, word, "->", typo, "|", mutated[:80])
    print(f"\nplanted typos (one edit, a non-word), {per_unit} per unit at most")
    print(f"{'lang':<6} {'planted':>8} {'caught':>7} {'recall':>7}")
    for lang, (n, caught) in sorted(planted.items()):
        print(f"{lang:<6} {n:>8} {caught:>7} {caught / n:>7.3f}")
    n, caught = (sum(v[k] for v in planted.values()) for k in (0, 1))
    print(f"{'all':<6} {n:>8} {caught:>7} {caught / n:>7.3f}   (goal >= 0.95)")


def language_swaps() -> None:
    """The language check on the demo's own translations (a finding there is a false
    positive) and on swapped ones: each translation replaced by the same unit's text in
    another project language (another translation, or the source left as it is)."""
    from transkit.checks.base import CheckContext
    from transkit.checks.language import MIN_LETTERS, LanguageCheck
    from transkit.checks.spelling import prose
    from transkit.glossary import Glossary

    config = load_config(REPO)
    check = LanguageCheck(CheckContext(REPO, config.languages, Glossary(), {}))
    units = _demo_units()
    false_pos = sum(bool(check.check(src, tgt, lang)) for _, lang, src, tgt in units)
    texts: dict[tuple[str, str], dict[str, str]] = {}
    for doc, lang, src, tgt in units:
        texts.setdefault((doc.lstrip("_"), src), {})[lang] = tgt
    swapped = caught = long_enough = caught_long = 0
    for (_, src), by_lang in texts.items():
        source_lang = config.source_language
        others = {**by_lang, source_lang: by_lang.get(source_lang, src)}
        for lang, own in by_lang.items():
            for other, text in others.items():
                if other == lang or text == own:
                    continue
                swapped += 1
                found = bool(check.check(src, text, lang))
                caught += found
                if sum(ch.isalpha() for ch in prose(text)) >= MIN_LETTERS:
                    long_enough += 1
                    caught_long += found
    print(f"\nlanguage check: {len(units)} correct translations, {false_pos} finding(s) "
          f"(goal 0); {swapped} swapped translations, {caught} caught "
          f"({caught / swapped:.1%}); of the {long_enough} with {MIN_LETTERS}+ letters, "
          f"{caught_long} ({caught_long / long_enough:.1%})")


GEN_CORPUS = Path("/work/shared/bench/gen_corpus.py")


def _corpus_project(root: Path, files: int, entries: int) -> int:
    """gen_corpus.py's catalogues as a transkit project whose translations are real prose:
    its news-like English sentences are the translations into en, and its pseudo-
    translations (each word reversed) stand for the French source. Written through
    transkit's catalogue writer; returns the translated units."""
    import importlib.util

    from transkit import catalog
    from transkit.unit import Unit

    raw = root.parent / f"{root.name}-gen"
    subprocess.run([sys.executable, str(GEN_CORPUS), "--out", str(raw), "--files",
                    str(files), "--entries", str(entries), "--new", "10", "--tm-sizes", ""],
                   check=True, stdout=subprocess.DEVNULL)
    spec = importlib.util.spec_from_file_location("gen_corpus", GEN_CORPUS)
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    (root / "bulletins").mkdir(parents=True)
    (root / "transkit.toml").write_text(
        '[project]\nname = "Corpus"\nsource_language = "fr"\nlanguages = ["fr", "en"]\n',
        encoding="utf-8")
    count = 0
    for path in sorted((raw / "po").glob("*.po")):
        found = {}
        for entry in polib.pofile(str(path)):
            if not entry.obsolete and not entry.msgid_plural:
                found.setdefault(gen.pseudo_translate(entry.msgid), entry)
        name = path.stem
        pot = catalog.build_template([Unit(s, line=i + 1, kind="p") for i, s in
                                      enumerate(found)], name, f"bulletins/{name}.html",
                                     "Corpus", "fr", "0" * 64, None)
        catalog.save(pot, root / "locales" / "fr" / f"{name}.pot")
        po, _ = catalog.update(pot, None, "en", "Corpus", name)
        for unit in po:
            original = found[unit.msgid]
            if original.msgstr:  # translated or fuzzy in the corpus
                unit.msgstr = original.msgid
                if original.fuzzy:
                    unit.set_fuzzy()
                count += not original.fuzzy
        catalog.save(po, root / "locales" / "en" / f"{name}.po")
    return count


def spelling_speed(files: int, entries: int, runs: int, timebox: float) -> None:
    """`transkit check` (every check, spelling and language included) against pofilter
    with the comparable tests of speed(), and with its own spellcheck added, on the same
    catalogues in the same run (medians)."""
    root = Path(tempfile.mkdtemp(prefix="transkit-spellbench-")) / "corpus"
    print(f"\ngenerating {files} catalogues from gen_corpus.py …", flush=True)
    translated = _corpus_project(root, files, entries)
    print(f"spelling speed: {files} catalogues, {translated:,} translated units (English "
          "news-like prose)")
    ours = [timed([str(BIN / "transkit"), "check"], root, timebox) for _ in range(runs)]
    t_ours = statistics.median(t for t in ours if t is not None)
    print(f"transkit check (all checks, spelling and language on): {t_ours:.1f} s", flush=True)
    config = root / "transkit.toml"
    kept = config.read_text(encoding="utf-8")
    config.write_text(kept + '\n[checks]\ndisable = ["spelling", "language"]\n',
                      encoding="utf-8")
    without = [timed([str(BIN / "transkit"), "check"], root, timebox) for _ in range(runs)]
    config.write_text(kept, encoding="utf-8")
    t_without = statistics.median(t for t in without if t is not None)
    print(f"transkit check without spelling and language: {t_without:.1f} s", flush=True)

    def pofilter(tests: list[str]) -> float | None:
        total = 0.0
        for lang in ("en",):
            out = root.parent / f"pofilter-{lang}"
            shutil.rmtree(out, ignore_errors=True)
            command = [str(BIN / "pofilter"), "--progress=none", f"--language={lang}"]
            for test in tests:
                command += ["-t", test]
            took = timed(command + [str(root / "locales" / lang), str(out)], root, timebox)
            if took is None:
                return None
            total += took
        return total

    # pofilter's spellcheck asks for suggestions on every miss: one run, in the time box.
    for label, tests, count in (
            (f"pofilter ({len(POFILTER_TESTS)} tests)", POFILTER_TESTS, runs),
            (f"pofilter ({len(POFILTER_TESTS)} tests + spellcheck)",
             [*POFILTER_TESTS, "spellcheck"], 1)):
        done = [v for v in (pofilter(tests) for _ in range(count)) if v is not None]
        if done:
            print(f"{label}: {statistics.median(done):.1f} s; ratio "
                  f"{statistics.median(done) / t_ours:.1f}x", flush=True)
        else:
            print(f"{label}: > {timebox:.0f} s a language (time box)", flush=True)
    print("(goal: transkit at least 3x faster than pofilter)")


def spelling_main() -> None:
    parser = argparse.ArgumentParser(description="spelling and language figures")
    parser.add_argument("--spelling", action="store_true")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timebox", type=float, default=900)
    parser.add_argument("--quality-only", action="store_true")
    args = parser.parse_args()
    spelling_findings()
    spelling_recall()
    language_swaps()
    if not args.quality_only:
        spelling_speed(args.files, args.entries, args.runs, args.timebox)


if __name__ == "__main__":
    spelling_main() if "--spelling" in sys.argv else main()
