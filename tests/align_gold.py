"""The alignment gold set: the demo posts published in their four languages, plus
perturbed translations (sentences merged, split, dropped, added; paragraphs swapped),
with the known pairing of every sentence.

`python -m tests.align_gold` regenerates tests/data/align/ from the demo project:
  pages/<doc>.<lang>.clean.html        the post as published in <lang>
  pages/<doc>.<lang>.perturbed-N.html  the same, perturbed (two variants)
  gold.json                         per doc: unit texts per language, and per language
                                    and variant the groups of the page in order
                                    ({"units": [unit indices], "text": plain text})
`pairs()` turns that into the gold pairs of any (doc, A, B, variant): A's page is
the source (always clean), B's page the translation.
"""

from __future__ import annotations

import json
import random
import re
from functools import cache
from pathlib import Path
from typing import Any

from transkit import catalog
from transkit.config import load_config
from transkit.project import Project, is_chrome
from transkit.sources import inline
from transkit.sources.html import AttributeBlock
from transkit.sources.segment import split
from transkit.unit import PLACEHOLDER

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "align"
VARIANTS = ("clean", "perturbed-1", "perturbed-2")


@cache
def config() -> Any:
    """The demo project's settings, read once."""
    return load_config(REPO)


def norm(text: str) -> str:
    return " ".join(PLACEHOLDER.sub("", text).split())


def _split_point(text: str) -> int | None:
    """A ", " outside every placeholder pair, near the middle."""
    depth, best = 0, None
    for match in re.finditer(r"<(/?)g\d+>|, ", text):
        if match.group(0) == ", ":
            if depth == 0 and 15 < match.start() < len(text) - 15:
                if best is None or abs(match.start() - len(text) / 2) < abs(best - len(text) / 2):
                    best = match.start()
        else:
            depth += -1 if match.group(1) else 1
    return best


def _capitalise(text: str) -> str:
    for i, ch in enumerate(text):
        if ch == "<":
            continue
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1:]
    return text


def _perturb(items: list[tuple[list[int], str]], rng: random.Random, extra: list[str],
             budget: dict[str, int]) -> list[tuple[list[int], str]]:
    """Apply at most one perturbation to a block's (units, text) list."""
    kinds = [k for k, n in budget.items() if n > 0]
    rng.shuffle(kinds)
    for kind in kinds:
        if kind == "merge" and len(items) >= 2:
            k = rng.randrange(len(items) - 1)
            (a, ta), (b, tb) = items[k], items[k + 1]
            if ta.endswith(".") and tb:
                budget[kind] -= 1
                return items[:k] + [(a + b, ta[:-1] + "; " + tb)] + items[k + 2:]
        elif kind == "split":
            for k in rng.sample(range(len(items)), len(items)):
                units, text = items[k]
                at = _split_point(text)
                if at is not None and text.endswith("."):
                    budget[kind] -= 1
                    parts = [(units, text[:at] + "."), ([], _capitalise(text[at + 2:]))]
                    return items[:k] + [(units, parts[0][1] + " " + parts[1][1])] + items[k + 1:]
        elif kind == "drop" and len(items) >= 2:
            k = rng.randrange(len(items))
            if PLACEHOLDER.search(items[k][1]):
                continue  # its markup would be lost from the page
            budget[kind] -= 1
            return items[:k] + [(items[k][0], "")] + items[k + 1:]
        elif kind == "add" and extra and all(t.rstrip().endswith((".", "!", "?"))
                                             for _, t in items):
            k = rng.randrange(len(items) + 1)
            budget[kind] -= 1
            return items[:k] + [([], rng.choice(extra))] + items[k:]
    return items


def _render(project: Project, path: Path, lang: str, texts: list[str], perturb: bool,
            rng: random.Random, extra: list[str]) -> tuple[bytes, list[dict[str, Any]]]:
    doc = project.load_document(path)
    groups: list[dict[str, Any]] = []
    budget = {"merge": 3, "split": 3, "drop": 2, "add": 2}
    index = 0
    paragraphs = []
    for block in doc.blocks:  # attributes first, as the build does
        if isinstance(block, AttributeBlock):
            block.element.set(block.attribute, texts[index])
        index += 1 if isinstance(block, AttributeBlock) else len(block.sentences)
    index = 0
    for block in doc.blocks:
        if isinstance(block, AttributeBlock):
            groups.append({"units": [index], "text": norm(texts[index])})
            index += 1
            continue
        items = []
        for k in range(len(block.sentences)):
            items.append(([index], inline.renumber(texts[index], block.locals[k])))
            index += 1
        if perturb and block.kind in ("p", "li") and rng.random() < 0.7:
            items = _perturb(items, rng, extra, budget)
        shown = [text for _, text in items if text]
        lead, elements = inline.decode(" ".join(shown), block.encoded.codes)
        block.replace(lead, elements)
        groups += [{"units": units, "text": norm(text)} for units, text in items]
        if block.kind == "p" and block.after is None:
            paragraphs.append(block.parent)
    if perturb and len(paragraphs) >= 3:  # one pair of paragraphs swapped
        first, second = rng.sample(paragraphs[1:], 2)
        parent = first.getparent()
        if parent is not None and parent is second.getparent():
            a, b = sorted((parent.index(first), parent.index(second)))
            first, second = parent[a], parent[b]
            first.tail, second.tail = second.tail, first.tail
            parent.remove(second)
            parent.insert(a, second)
            parent.remove(first)
            parent.insert(b, first)
    doc.tree.getroot().set("lang", lang)
    return doc.serialize(), groups


def generate(out: Path = DATA, seed: int = 7) -> None:
    project = Project.load(REPO)
    rng = random.Random(seed)
    gold: dict[str, Any] = {}
    pages = out / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    entries = [e for e in project.documents() if not is_chrome(e.name)]  # posts only
    texts_by: dict[str, dict[str, list[str]]] = {}
    for entry in entries:
        doc = project.load_document(project.bulletins / f"{entry.name}.html")
        units = doc.units()
        per_lang: dict[str, list[str]] = {}
        for lang in project.languages:
            if lang == doc.source_language:
                per_lang[lang] = [u.msgid for u in units]
                continue
            po = catalog.load(project.catalogue(doc.name, lang))
            found = {(e.msgid, e.msgctxt): e.msgstr for e in po if not e.obsolete}
            per_lang[lang] = [found[u.key] for u in units]
        texts_by[doc.name] = per_lang
    for entry in entries:
        name = entry.name
        per_lang = texts_by[name]
        record: dict[str, Any] = {"source_language": entry.source_language,
                                  "units": {lang: [norm(t) for t in ts]
                                            for lang, ts in per_lang.items()},
                                  "groups": {}}
        for lang in project.languages:
            extra = [norm(t) for other, by in texts_by.items() if other != name
                     for t in by[lang] if len(norm(t)) > 30 and t.endswith(".")]
            for variant in VARIANTS:
                data, groups = _render(project, project.bulletins / f"{name}.html", lang,
                                       per_lang[lang], variant != "clean", rng, extra)
                page(name, lang, variant, out).write_bytes(data)
                record["groups"][f"{lang}/{variant}"] = groups
        gold[name] = record
    (out / "gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n",
                                   "utf-8")


def load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "gold.json").read_text("utf-8"))
    return data


def page(doc: str, lang: str, variant: str, base: Path = DATA) -> Path:
    return base / "pages" / f"{doc}.{lang}.{variant}.html"


def pairs(gold: dict[str, Any], doc: str, a: str, b: str, variant: str
          ) -> list[tuple[str, str, str]]:
    """Gold pairs (A text, B text, type) of aligning A's clean page with B's page."""
    record = gold[doc]
    a_texts = record["units"][a]
    out = []
    for group in record["groups"][f"{b}/{variant}"]:
        source = " ".join(a_texts[u] for u in group["units"])
        n_src = sum(len(split(a_texts[u], a)) for u in group["units"])
        n_tgt = len(split(group["text"], b)) if group["text"] else 0
        out.append((norm(source), group["text"], f"{min(n_src, 2)}-{min(n_tgt, 2)}"))
    return out


if __name__ == "__main__":
    generate()
    print(f"wrote {DATA}")


def predicted(a_page: Path, b_page: Path, a: str, b: str) -> list[tuple[str, str, str, float]]:
    """transkit's pairs for two pages: (A text, B text, type, confidence)."""
    from transkit import alignment as align
    from transkit.sources.html import read_document

    extract = config().extract
    src = read_document(a_page, "a", "a", extract, a, a)
    tgt = read_document(b_page, "b", "b", extract, b, b)
    result = align.align_sides(align.source_side(src), align.target_side(tgt))
    units = src.units()
    out = []
    for pair in result.pairs:
        source = norm(" ".join(units[i].msgid for i in pair.src))
        target = norm(" ".join(s.text for s in pair.tgt))
        out.append((source, target, f"{min(len(pair.src), 2)}-{min(len(pair.tgt), 2)}",
                    pair.confidence))
    return out


def evaluate(langs: tuple[str, ...] = ("ca", "es", "en", "fr"), bar: float = 0.9,
             variants: tuple[str, ...] = VARIANTS) -> dict[str, Any]:
    """Pair-level precision, recall and F1 per gold pair type over every ordered language
    pair and variant, and the precision of the pairs whose confidence exceeds `bar`."""
    from collections import Counter

    gold_all = load()
    hits: Counter[str] = Counter()
    gold_n: Counter[str] = Counter()
    pred_n: Counter[str] = Counter()
    trusted = trusted_ok = 0
    ranked: list[tuple[float, bool]] = []
    for doc in gold_all:
        for a in langs:
            for b in langs:
                if a == b:
                    continue
                for variant in variants:
                    gold = pairs(gold_all, doc, a, b, variant)
                    truth = {(s, t): kind for s, t, kind in gold}
                    gold_n.update(kind for _, _, kind in gold)
                    for s, t, kind, confidence in predicted(page(doc, a, "clean"),
                                                            page(doc, b, variant), a, b):
                        correct = (s, t) in truth
                        key = truth.get((s, t), kind)
                        pred_n[key] += 1
                        hits[key] += correct
                        ranked.append((confidence, correct))
                        if confidence > bar and s and t:
                            trusted += 1
                            trusted_ok += correct
    table = {}
    for kind in sorted(gold_n):
        p = hits[kind] / pred_n[kind] if pred_n[kind] else 0.0
        r = hits[kind] / gold_n[kind]
        table[kind] = {"gold": gold_n[kind], "predicted": pred_n[kind], "precision": p,
                       "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}
    return {"types": table, "trusted": trusted,
            "trusted_precision": trusted_ok / trusted if trusted else 1.0,
            "ranked": ranked}
