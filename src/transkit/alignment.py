"""Align a published source post with a published translation, down to sentences.

Both pages are parsed like bulletins (bulletin.py): the source into its units,
the translation into blocks of sentences (the target language's segmenter).

1. Blocks are aligned by a dynamic programme over the two sequences with moves
   1-1, 1-0, 0-1, 2-1 and 1-2 (blocks added, dropped, merged, split), scored by
   element kind, a Gale–Church length model and shared anchors. Blocks left
   over on both sides (paragraphs moved) are then paired by anchors and length.
2. Inside each pair of blocks, units and sentences are aligned the same way
   (1-1, 1-2, 2-1, 1-0, 0-1), with anchors: numbers compared as values across
   the languages' formats (29.000 = 29,000 = 29 000), URLs and link targets,
   images, acronyms, names and sentence punctuation.
3. The confidence of a pair is its posterior probability over all alignments
   of its block (forward–backward over the same lattice), times the posterior
   of the block pairing: a pair that several alignments would place
   differently, or that sits in a doubtful block, ranks low.

Gale & Church (1993): δ = (l₂ − c·l₁) / √(l₁·s²), P(match | δ) from the normal
distribution, with c the page pair's own length ratio and s² = 6.8.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from .sources import inline
from .sources.html import AttributeBlock, Block, Document
from .text import number_value, tokenize
from .unit import PLACEHOLDER

# Prior probabilities of the pair types (Gale & Church's, from hand-aligned text).
PRIORS = {(1, 1): 0.89, (1, 0): 0.0099 / 2, (0, 1): 0.0099 / 2, (2, 1): 0.089 / 2,
          (1, 2): 0.089 / 2}
MOVES = tuple(PRIORS)
# Between blocks, paragraphs added, dropped or moved are less rare than sentences.
BLOCK_PRIORS = {(1, 1): 0.94, (1, 0): 0.02, (0, 1): 0.02, (2, 1): 0.01, (1, 2): 0.01}
VARIANCE = 6.8
STRONG_BONUS, WEAK_BONUS, STRONG_MISMATCH = 2.0, 0.6, 1.5
# A word's cognate stem recurs in about a third of translations' words (ca/es: two
# thirds) against one in twenty-five in unrelated sentences of these languages:
# log(0.35 / 0.04) per shared stem; per word without one, log(0.96 / 0.65) = 0.39 in
# theory, but the share varies widely between sentences, so a gentler 0.15.
COGNATE_HIT, COGNATE_MISS = 2.17, 0.15
KIND_MISMATCH = 3.0  # a heading paired with a list item, say
MOVE_EVIDENCE = 6.0  # −log likelihood ratio a block needs to be paired out of order
ORPHAN = 3.0  # a part of a merged or split step with nothing in common with the rest
EVIDENCE_BIAS = 2.0  # a pair with no evidence either way: confidence 0.88 at most
LARGE_PAGES = 10_000  # block pairs (n × m) above which the block lattice is banded
BAND = 30  # blocks either side of the diagonal on large pages

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
_WORD = re.compile(r"[^\W\d_]{4,}")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*\b")
_NAME = re.compile(r"(?<=[\s(«\"“‘'])([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{2,}(?:[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)*)")


@dataclass
class Segment:
    """A source unit or a translated sentence, with what the aligner compares."""

    text: str  # placeholder text: unit numbering (source) or block numbering (target)
    codes: dict[int, inline.Code]
    plain: str = ""
    length: int = 0
    strong: Counter[str] = field(default_factory=Counter)
    weak: Counter[str] = field(default_factory=Counter)
    stems: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.plain = " ".join(PLACEHOLDER.sub("", self.text).split())
        self.length = len(self.plain)
        self.strong, self.weak = anchors(self.text, self.codes)
        self.stems = cognate_stems(self.plain)


@dataclass
class Side:
    """One page's blocks: each a kind and its segments (source units are numbered)."""

    kinds: list[str]
    blocks: list[list[Segment]]
    first: list[int]  # index of each block's first unit (source side)


@dataclass
class Pair:
    src: list[int]  # source unit indices (doc.units() order)
    tgt: list[Segment]
    confidence: float

    @property
    def kind(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"


@dataclass
class Alignment:
    pairs: list[Pair]
    units: int  # source units in the document
    ratio: float

    @property
    def overall(self) -> float:
        """Mean confidence over the source units (an unpaired unit counts 0)."""
        if not self.units:
            return 0.0
        total = sum(p.confidence * len(p.src) for p in self.pairs if p.tgt and p.src)
        return total / self.units


def _value(text: str) -> str | None:
    value = number_value(text)
    if value is None:
        return None
    return format(value.normalize() if value != value.to_integral() else
                  value.quantize(Decimal(1)), "f")


def cognate_stems(text: str) -> Counter[str]:
    """First four letters of each word of four letters or more, case and accents folded:
    cognates (policia/policía/police, operació/operation/opération) share them
    (Simard, Foster & Isabelle 1992)."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return Counter(word[:4] for word in _WORD.findall(folded))


def anchors(text: str, codes: dict[int, inline.Code]) -> tuple[Counter[str], Counter[str]]:
    """Strong anchors (numbers by value, URLs, link targets, images) and weak ones
    (acronyms, capitalised names, sentence punctuation)."""
    strong: Counter[str] = Counter()
    weak: Counter[str] = Counter()
    plain = PLACEHOLDER.sub(" ", text)
    for url in _URL.findall(plain):
        strong["u:" + url.rstrip(".,;:)»\"'").lower()] += 1
    without_urls = _URL.sub(" ", plain)
    for token in tokenize(without_urls):
        if token.kind == "num":
            value = _value(token.text)
            if value is not None:
                strong["n:" + value] += 1
    for code in codes.values():
        element = code.element
        for attribute in ("href", "src"):
            target = element.get(attribute)
            if target:
                strong[f"{attribute}:{target.strip().lower()}"] += 1
    for acronym in _ACRONYM.findall(without_urls):
        weak["a:" + acronym] += 1
    for name in _NAME.findall(" " + without_urls):
        weak["w:" + name] += 1
    for mark in "?!:":
        if mark in plain:
            weak["p:" + mark] += 1
    return strong, weak


def source_side(doc: Document) -> Side:
    kinds, blocks, first = [], [], []
    index = 0
    for block in doc.blocks:
        if isinstance(block, AttributeBlock):
            segments = [Segment(block.text, {0: inline.Code(0, "x", block.element)})]
        else:
            segments = []
            for i, text in enumerate(block.unit_sources()):
                codes = {local: inline.Code(local, block.encoded.codes[n].kind,
                                            block.encoded.codes[n].element)
                         for local, n in block.locals[i].items()}
                segments.append(Segment(text, codes))
        kinds.append(block.kind)
        blocks.append(segments)
        first.append(index)
        index += len(segments)
    return Side(kinds, blocks, first)


def target_side(doc: Document) -> Side:
    kinds, blocks = [], []
    for block in doc.blocks:
        if isinstance(block, AttributeBlock):
            segments = [Segment(block.text, {0: inline.Code(0, "x", block.element)})]
        else:
            segments = []
            for sentence in block.sentences:
                used = {n for _, n in inline.numbers(sentence)}
                segments.append(Segment(sentence, {n: block.encoded.codes[n] for n in used
                                                   if n in block.encoded.codes}))
        kinds.append(block.kind)
        blocks.append(segments)
    return Side(kinds, blocks, [0] * len(blocks))


# --- scoring ---------------------------------------------------------------------------------

def _length_cost(src_len: int, tgt_len: int, ratio: float) -> float:
    """−log of the likelihood ratio of δ: Gale & Church's normal for translations against
    a three times wider one for unrelated text."""
    mean = max((src_len + tgt_len / ratio) / 2, 1.0)
    delta = (tgt_len - ratio * src_len) / math.sqrt(mean * VARIANCE)
    return min(delta * delta, 60.0) * (0.5 - 1 / 18) - math.log(3)


def _merged(segments: Sequence[Segment]) -> tuple[Counter[str], Counter[str], Counter[str]]:
    if len(segments) == 1:
        one = segments[0]
        return one.strong, one.weak, one.stems
    strong: Counter[str] = Counter()
    weak: Counter[str] = Counter()
    stems: Counter[str] = Counter()
    for segment in segments:
        strong += segment.strong
        weak += segment.weak
        stems += segment.stems
    return strong, weak, stems


def _evidence_cost(src: Sequence[Segment], tgt: Sequence[Segment]) -> float:
    """−log likelihood ratio of the shared anchors and cognates (translation / unrelated)."""
    s_strong, s_weak, s_stems = _merged(src)
    t_strong, t_weak, t_stems = _merged(tgt)
    shared = sum((s_strong & t_strong).values())
    missing = (sum(s_strong.values()) + sum(t_strong.values()) - 2 * shared)
    weak = sum((s_weak & t_weak).values())
    cognates = sum((s_stems & t_stems).values())
    lonely = sum(s_stems.values()) + sum(t_stems.values()) - 2 * cognates
    return (-STRONG_BONUS * shared - WEAK_BONUS * weak + STRONG_MISMATCH * missing
            - COGNATE_HIT * cognates + COGNATE_MISS * lonely)


def pair_cost(src: Sequence[Segment], tgt: Sequence[Segment], ratio: float,
              priors: dict[tuple[int, int], float] = PRIORS,
              move: tuple[int, int] | None = None) -> float:
    """−log of a step's likelihood ratio against leaving its items unrelated: a skip costs
    only its prior; a pair its prior, its lengths and its evidence. `move` is the step's
    shape (items on each side) when the items are blocks of several segments."""
    prior = -math.log(priors.get(move or (len(src), len(tgt)), 0.001))
    if not src or not tgt:
        return prior
    orphans = _orphans(src, tgt) + _orphans(tgt, src) if move is None else 0.0
    return (prior + _length_cost(sum(s.length for s in src), sum(t.length for t in tgt), ratio)
            + _evidence_cost(src, tgt) + orphans)


def _orphans(many: Sequence[Segment], other: Sequence[Segment]) -> float:
    """In a 2-1 or 1-2 step, a part that shares nothing with the other side (no cognate,
    no strong anchor) is more likely an added sentence than half of a split one."""
    if len(many) < 2:
        return 0.0
    stems: Counter[str] = Counter()
    strong: Counter[str] = Counter()
    for segment in other:
        stems += segment.stems
        strong += segment.strong
    return ORPHAN * sum(1 for seg in many if sum(seg.stems.values()) >= 3
                        and not (seg.stems & stems) and not (seg.strong & strong))


def _logsumexp(values: list[float]) -> float:
    top = max(values)
    if top == -math.inf:
        return top
    return top + math.log(sum(math.exp(v - top) for v in values))


def _band(n: int, m: int) -> int | None:
    return max(BAND, 2 * abs(n - m)) if n * m > LARGE_PAGES else None


def viterbi_cost(n: int, m: int, cost: Callable[[int, int, int, int], float]) -> float:
    """The cost of the best monotonic alignment of n × m items (no path, no posteriors)."""
    inf = math.inf
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    band = _band(n, m)
    for i in range(n + 1):
        row = best[i]
        for j in _span(i, n, m, band):
            if i == 0 and j == 0:
                continue
            value = inf
            for di, dj in MOVES:
                pi, pj = i - di, j - dj
                if pi >= 0 and pj >= 0 and best[pi][pj] < inf:
                    value = min(value, best[pi][pj] + cost(pi, pj, di, dj))
            row[j] = value
    return best[n][m]


def _span(i: int, n: int, m: int, band: int | None) -> range:
    """The columns of row i inside a band around the diagonal (all of them without one)."""
    if band is None or not n:
        return range(m + 1)
    centre = i * m / n
    return range(max(0, int(centre) - band), min(m, int(centre) + band + 1) + 1)


def lattice(n: int, m: int, cost: Callable[[int, int, int, int], float],
            band: int | None = None
            ) -> tuple[list[tuple[int, int, int, int]], dict[tuple[int, int, int, int], float]]:
    """Best monotonic alignment of n × m items and the posterior of each of its steps.

    `cost(i, j, di, dj)` is −log of the step's likelihood (items i..i+di with j..j+dj).
    With `band`, only cells within that many columns of the diagonal are visited (long
    pages: linear instead of quadratic). Returns the Viterbi path as steps
    (i, j, di, dj) and their posteriors.
    """
    inf = math.inf
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    fwd = [[-inf] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    fwd[0][0] = 0.0
    costs: dict[tuple[int, int, int, int], float] = {}
    for i in range(n + 1):
        for j in _span(i, n, m, band):
            if i == 0 and j == 0:
                continue
            options, sums = [], []
            for di, dj in MOVES:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or best[pi][pj] == inf:
                    continue
                c = cost(pi, pj, di, dj)
                costs[(pi, pj, di, dj)] = c
                options.append((best[pi][pj] + c, (di, dj)))
                sums.append(fwd[pi][pj] - c)
            if options:
                value, move = min(options)
                best[i][j], back[i][j] = value, move
                fwd[i][j] = _logsumexp(sums)
    bwd = [[-inf] * (m + 1) for _ in range(n + 1)]
    bwd[n][m] = 0.0
    for i in range(n, -1, -1):
        for j in reversed(_span(i, n, m, band)):
            if i == n and j == m:
                continue
            sums = []
            for di, dj in MOVES:
                key = (i, j, di, dj)
                if key in costs and bwd[i + di][j + dj] > -inf:
                    sums.append(bwd[i + di][j + dj] - costs[key])
            if sums:
                bwd[i][j] = _logsumexp(sums)
    total = fwd[n][m]
    path: list[tuple[int, int, int, int]] = []
    i, j = n, m
    while (i, j) != (0, 0):
        step = back[i][j]
        assert step is not None
        di, dj = step
        path.append((i - di, j - dj, di, dj))
        i, j = i - di, j - dj
    path.reverse()
    posterior = {step: math.exp(min(0.0, fwd[step[0]][step[1]] - costs[step]
                                    + bwd[step[0] + step[2]][step[1] + step[3]] - total))
                 for step in path}
    return path, posterior


# --- the two levels ----------------------------------------------------------------------------

def _block_cost(src: Side, tgt: Side, ratio: float) -> Callable[[int, int, int, int], float]:
    """A step between blocks costs its prior, a kind penalty, and the best alignment of the
    sentences inside: a paragraph with one sentence added is still that paragraph."""
    memo: dict[tuple[int, int, int, int], float] = {}

    def cost(i: int, j: int, di: int, dj: int) -> float:
        if not di or not dj:
            return -math.log(BLOCK_PRIORS[(di, dj)])
        key = (i, j, di, dj)
        found = memo.get(key)
        if found is not None:
            return found
        kinds = src.kinds[i:i + di] + tgt.kinds[j:j + dj]
        value = -math.log(BLOCK_PRIORS[(di, dj)])
        if len(set(kinds)) > 1:
            if any("@" in k for k in kinds):
                value = math.inf  # an attribute only pairs with the same attribute
            else:
                value += KIND_MISMATCH * (2 if di + dj > 2 else 1)
        if value < math.inf:
            if (di, dj) != (1, 1) and any(k == "title" for k in kinds):
                value = math.inf
            else:
                s = [seg for b in src.blocks[i:i + di] for seg in b]
                t = [seg for b in tgt.blocks[j:j + dj] for seg in b]
                value += viterbi_cost(len(s), len(t), lambda a, b, da, db: pair_cost(
                    s[a:a + da], t[b:b + db], ratio))
        memo[key] = value
        return value
    return cost


def align_sides(src: Side, tgt: Side) -> Alignment:
    units = sum(len(b) for b in src.blocks)
    src_len = sum(s.length for b in src.blocks for s in b)
    tgt_len = sum(s.length for b in tgt.blocks for s in b)
    ratio = min(max(tgt_len / src_len, 0.5), 2.0) if src_len and tgt_len else 1.0
    cost = _block_cost(src, tgt, ratio)
    n, m = len(src.blocks), len(tgt.blocks)
    large = n * m > LARGE_PAGES
    # Long pages: a band around the diagonal, and no search for moved blocks over the
    # whole page (the leftovers pass still pairs what the band leaves alone).
    band = _band(n, m)
    moved = [] if large else _moved_blocks(src, tgt, cost)
    gone_src = {i for i, _, _ in moved}
    gone_tgt = {j for _, j, _ in moved}
    keep_src = [i for i in range(len(src.blocks)) if i not in gone_src]
    keep_tgt = [j for j in range(len(tgt.blocks)) if j not in gone_tgt]

    def kept_cost(i: int, j: int, di: int, dj: int) -> float:
        if di == 2 and keep_src[i + 1] != keep_src[i] + 1:
            return math.inf  # only neighbours merge
        if dj == 2 and keep_tgt[j + 1] != keep_tgt[j] + 1:
            return math.inf
        # A skip's cost does not look at the other side's position.
        return cost(keep_src[i] if di else 0, keep_tgt[j] if dj else 0, di, dj)

    path, block_post = lattice(len(keep_src), len(keep_tgt), kept_cost, band)
    matched: list[tuple[list[int], list[int], float]] = [([i], [j], c) for i, j, c in moved]
    lone_src: list[int] = []
    lone_tgt: list[int] = []
    for i, j, di, dj in path:
        if di and dj:
            matched.append(([keep_src[i + k] for k in range(di)],
                            [keep_tgt[j + k] for k in range(dj)], block_post[(i, j, di, dj)]))
        elif di:
            lone_src.append(keep_src[i])
        else:
            lone_tgt.append(keep_tgt[j])
    matched += _leftovers(lone_src, lone_tgt, cost)
    pairs: list[Pair] = []
    for s_blocks, t_blocks, confidence in matched:
        pairs += _align_blocks(src, tgt, s_blocks, t_blocks, confidence, ratio)
    for i in lone_src:
        pairs += [Pair([src.first[i] + k], [], 1.0) for k in range(len(src.blocks[i]))]
    for j in lone_tgt:
        pairs += [Pair([], [seg], 1.0) for seg in tgt.blocks[j]]
    pairs.sort(key=lambda p: (p.src[0] if p.src else math.inf))
    return Alignment(pairs, units, ratio)


def _leftovers(lone_src: list[int], lone_tgt: list[int],
               cost: Callable[[int, int, int, int], float]
               ) -> list[tuple[list[int], list[int], float]]:
    """Pair blocks the sequence left alone on both sides (moved, or next to a moved one)
    when pairing beats leaving both alone; best first. Paired blocks leave the lists."""
    options = []
    if len(lone_src) * len(lone_tgt) > LARGE_PAGES:
        return []  # a page pair this far apart is refused on its overall confidence
    for i in lone_src:
        for j in lone_tgt:
            gain = cost(i, j, 1, 1) - cost(i, 0, 1, 0) - cost(0, j, 0, 1)
            if gain < 0:
                options.append((gain, i, j))
    found = []
    for gain, i, j in sorted(options):
        if i in lone_src and j in lone_tgt:
            lone_src.remove(i)
            lone_tgt.remove(j)
            found.append(([i], [j], 1 / (1 + math.exp(gain))))
    return found


def _moved_blocks(src: Side, tgt: Side, cost: Callable[[int, int, int, int], float]
                  ) -> list[tuple[int, int, float]]:
    """Blocks that moved: pairs that are each other's clear best match (by the 1-1 cost,
    against every block of the other page) but out of order with the other such pairs
    (not on their longest increasing run). Each with its row's softmax probability."""
    n, m = len(src.blocks), len(tgt.blocks)
    if not n or not m:
        return []
    table = [[cost(i, j, 1, 1) for j in range(m)] for i in range(n)]
    skip = cost(0, 0, 1, 0)
    best_j = [min(range(m), key=table[i].__getitem__) for i in range(n)]
    columns = [[table[i][j] for i in range(n)] for j in range(m)]
    best_i = [min(range(n), key=columns[j].__getitem__) for j in range(m)]
    mutual = [(i, best_j[i]) for i in range(n)
              if best_i[best_j[i]] == i and table[i][best_j[i]] < -MOVE_EVIDENCE]
    # Longest run increasing in both pages (patience sorting on the target index).
    tails: list[int] = []
    links: list[int] = []
    previous: list[int] = [-1] * len(mutual)
    for k, (_, j) in enumerate(mutual):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if mutual[tails[mid]][1] < j:
                lo = mid + 1
            else:
                hi = mid
        previous[k] = tails[lo - 1] if lo else -1
        if lo == len(tails):
            tails.append(k)
        else:
            tails[lo] = k
    run: set[int] = set()
    k = tails[-1] if tails else -1
    while k >= 0:
        run.add(k)
        k = previous[k]
    del links
    moved = []
    for k, (i, j) in enumerate(mutual):
        if k in run:
            continue
        row = [-table[i][x] for x in range(m)] + [-skip]
        moved.append((i, j, math.exp(-table[i][j] - _logsumexp(row))))
    return moved


def _align_blocks(src: Side, tgt: Side, s_blocks: list[int], t_blocks: list[int],
                  block_confidence: float, ratio: float) -> list[Pair]:
    units = [(src.first[b] + k, seg) for b in s_blocks for k, seg in enumerate(src.blocks[b])]
    sentences = [seg for b in t_blocks for seg in tgt.blocks[b]]
    segs = [seg for _, seg in units]

    def cost(i: int, j: int, di: int, dj: int) -> float:
        return pair_cost(segs[i:i + di], sentences[j:j + dj], ratio)

    path, posterior = lattice(len(units), len(sentences), cost,
                              _band(len(units), len(sentences)))
    pairs = []
    for step in path:
        i, j, di, dj = step
        s_part, t_part = segs[i:i + di], sentences[j:j + dj]
        confidence = posterior[step] * block_confidence
        if di and dj:
            confidence *= evidence_confidence(s_part, t_part, ratio)
        pairs.append(Pair([u for u, _ in units[i:i + di]], t_part, confidence))
    return pairs


def evidence_confidence(src: Sequence[Segment], tgt: Sequence[Segment], ratio: float
                        ) -> float:
    """How much the pair's own content (lengths, anchors, cognates) says it is a
    translation, whatever its neighbours: a logistic of the likelihood ratio. A pair the
    sequence forces together without evidence of its own is not trusted."""
    evidence = (_length_cost(sum(s.length for s in src), sum(t.length for t in tgt), ratio)
                + _evidence_cost(src, tgt))
    return 1 / (1 + math.exp(evidence + EVIDENCE_BIAS))


# --- from a pair to a PO translation ------------------------------------------------------------

def code_key(code: inline.Code) -> tuple[str, str]:
    element = code.element
    tag = element.tag if isinstance(element.tag, str) else "?"
    return tag, (element.get("href") or element.get("src") or "").strip()


def transfer(pair: Pair, source_codes: dict[int, inline.Code]) -> tuple[str, list[str]]:
    """The translation for the pair's (first) source unit, its placeholders renumbered to
    the source's where the element matches (same href, else same tag), other markup
    dropped (its text kept). Returns the text and notes."""
    notes: list[str] = []
    free = dict(source_codes)
    pieces = []
    for segment in pair.tgt:
        mapping: dict[int, int] = {}
        for _, number in inline.numbers(segment.text):
            if number in mapping or number not in segment.codes:
                continue
            key = code_key(segment.codes[number])
            local = next((n for n, c in free.items() if code_key(c) == key), None)
            if local is None:
                local = next((n for n, c in free.items() if code_key(c)[0] == key[0]
                              and c.kind == segment.codes[number].kind), None)
            if local is None:
                notes.append(f"markup dropped: <{key[0]}{' ' + key[1] if key[1] else ''}>")
                mapping[number] = 0
                continue
            mapping[number] = local
            del free[local]

        pieces.append(PLACEHOLDER.sub(partial(_swap, mapping), segment.text))
    # Runs of ASCII whitespace become one space; no-break spaces stay (French typography
    # puts them before ; : ! ? » and after «, and str.split() would take them too).
    return _ASCII_SPACES.sub(" ", " ".join(pieces)).strip(_ASCII_WHITESPACE), notes


_ASCII_WHITESPACE = " \t\n\r\f\v"
_ASCII_SPACES = re.compile(f"[{_ASCII_WHITESPACE}]+")


def _swap(mapping: dict[int, int], match: re.Match[str]) -> str:
    closing, kind, number, empty = match.groups()
    local = mapping.get(int(number), 0)
    return f"<{closing}{kind}{local}{empty}>" if local else ""


def unit_codes(doc: Document) -> list[dict[int, inline.Code]]:
    """Placeholder codes of every unit, in doc.units() order."""
    out: list[dict[int, inline.Code]] = []
    for block in doc.blocks:
        if isinstance(block, AttributeBlock):
            out.append({})
            continue
        assert isinstance(block, Block)
        for index in range(len(block.sentences)):
            out.append({local: inline.Code(local, block.encoded.codes[n].kind,
                                           block.encoded.codes[n].element)
                        for local, n in block.locals[index].items()})
    return out
