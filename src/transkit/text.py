"""Fuzzy match scoring on tokens, with an explanation of every difference and penalty,
and adaptation of numbers and placeholders in a proposed translation.

The score (0–100), documented for users in the README:

    raw   = 100 × (1 − token edit distance / max(query tokens, match tokens))
    score = raw − penalties, at most 99 unless the two texts are identical (100)

Tokens are words (compared case-folded), numbers (compared as values, so
"29.000" in Catalan equals "29,000" in English), placeholders (<g1>, <x2/>)
and punctuation. Penalties: 1 per number whose value differs, 1 per
placeholder difference, 1 when the only difference of a token is its case,
and 30 when a negation word (not, no, ni, pas, jamais, cap…) is added or
removed, which puts a one-word change of meaning below any useful threshold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from .languages import primary

_TOKEN = re.compile(
    r"(?P<ph></?[gx]\d+/?>)"
    r"|(?P<num>\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?(?:\s?%)?)"
    r"|(?P<word>[^\W\d_]+(?:['’·\-.][^\W\d_]+)*'?)"
    r"|(?P<punct>[^\w\s])",
    re.UNICODE,
)

NEGATIONS = {
    "ca": {"no", "ni", "mai", "cap", "gens", "tampoc", "res", "ningú", "enlloc"},
    "es": {"no", "ni", "nunca", "jamás", "tampoco", "nada", "nadie", "ningún", "ninguna",
           "ninguno", "sin"},
    "en": {"not", "no", "never", "nor", "none", "nobody", "nothing", "neither", "cannot",
           "n't", "without"},
    "fr": {"ne", "n'", "pas", "jamais", "ni", "aucun", "aucune", "personne", "rien", "sans",
           "guère"},
}
NEGATION_PENALTY = 30
NUMBER_PENALTY = 1
PLACEHOLDER_PENALTY = 1
CASE_PENALTY = 1


class Token(NamedTuple):
    text: str
    kind: str  # "word", "num", "ph", "punct"
    key: str  # what the edit distance compares

    @property
    def value(self) -> Decimal | None:
        return number_value(self.text) if self.kind == "num" else None


def _number_key(text: str) -> str:
    return "<num>"


@cache
def number_value(text: str) -> Decimal | None:
    """The value of a number written in any of our languages' styles.

    "29.000", "29,000" and "29 000" are 29000; "13,6" and "13.6" are 13.6. A
    single separator followed by exactly three digits is read as thousands.
    """
    body = text.replace("%", "").strip()
    body = re.sub(r"[\u00a0\u202f ]", "", body)
    seps = re.findall(r"[.,]", body)
    if not seps:
        digits = body
    elif len(set(seps)) == 2:
        decimal = body[max(body.rfind("."), body.rfind(","))]
        thousands = "," if decimal == "." else "."
        digits = body.replace(thousands, "").replace(decimal, ".")
    elif len(seps) > 1:
        digits = body.replace(seps[0], "")
    else:
        head, _, tail = body.partition(seps[0])
        digits = head + tail if len(tail) == 3 else f"{head}.{tail}"
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        value = match.group(0)
        if kind == "word":
            key = value.lower()
        elif kind == "num":
            key = _number_key(value)
        elif kind == "ph":
            key = "<ph>"
        else:
            key = value
        tokens.append(Token(value, kind, key))
    return tokens


def index_terms(text: str) -> tuple[list[str], int]:
    """Case-folded words and a class for numbers (what the candidate index holds), and the
    number of tokens of the text; one pass of the tokenizer, no Token objects."""
    terms = []
    groups = _TOKEN.findall(text)
    for _, num, word, _ in groups:
        if word:
            terms.append(word.lower())
        elif num:
            terms.append("nnum")
    return terms, len(groups)


@dataclass
class Scored:
    score: int
    raw: float
    explanation: list[str] = field(default_factory=list)
    penalties: list[tuple[str, int]] = field(default_factory=list)
    numbers: list[tuple[str, str]] = field(default_factory=list)  # match number -> query number
    only_numbers_or_placeholders: bool = False


def _negations(tokens: list[Token], lang: str) -> int:
    words = NEGATIONS.get(primary(lang), set())
    count = 0
    for token in tokens:
        if token.kind != "word":
            continue
        if token.key in words or token.key.endswith("n't"):
            count += 1
        elif token.key.startswith("n'") and "n'" in words:
            count += 1
    return count


def score(query: str, candidate: str, lang: str, query_tokens: list[Token] | None = None,
          candidate_tokens: list[Token] | None = None) -> Scored:
    """How well `candidate` (a TM source) matches `query`, both in language `lang`."""
    if query == candidate:
        return Scored(100, 100.0, ["identical"])
    q = query_tokens if query_tokens is not None else tokenize(query)
    c = candidate_tokens if candidate_tokens is not None else tokenize(candidate)
    qk = [t.key for t in q]
    ck = [t.key for t in c]
    longest = max(len(q), len(c)) or 1
    ops = Levenshtein.editops(ck, qk)
    raw = 100.0 * (1 - len(ops) / longest)
    result = Scored(0, raw)
    structural = True
    for op in ops:
        old = c[op.src_pos].text if op.tag != "insert" else ""
        new = q[op.dest_pos].text if op.tag != "delete" else ""
        kinds = {c[op.src_pos].kind if op.tag != "insert" else None,
                 q[op.dest_pos].kind if op.tag != "delete" else None} - {None}
        if not kinds <= {"num", "ph"}:
            structural = False
        if op.tag == "replace":
            result.explanation.append(f"'{old}' → '{new}'")
        elif op.tag == "insert":
            result.explanation.append(f"added '{new}'")
        else:
            result.explanation.append(f"dropped '{old}'")
    penalties: list[tuple[str, int]] = []
    # Aligned tokens: numbers by value, placeholders by number, case.
    matched = _aligned(ck, qk)
    for ci, qi in matched:
        ct, qt = c[ci], q[qi]
        if ct.kind == "num" and qt.kind == "num":
            if ct.value != qt.value:
                penalties.append((f"number {ct.text} → {qt.text}", NUMBER_PENALTY))
                result.numbers.append((ct.text, qt.text))
        elif ct.kind == "ph" and ct.text != qt.text:
            penalties.append((f"placeholder {ct.text} → {qt.text}", PLACEHOLDER_PENALTY))
        elif ct.kind == "word" and ct.text != qt.text:
            penalties.append((f"case '{ct.text}' → '{qt.text}'", CASE_PENALTY))
    if _negations(q, lang) != _negations(c, lang):
        penalties.append(("negation added or removed", NEGATION_PENALTY))
    for op in ops:
        if op.tag == "replace":
            ct, qt = c[op.src_pos], q[op.dest_pos]
            if "ph" in (ct.kind, qt.kind):
                penalties.append((f"placeholder {ct.text} → {qt.text}", PLACEHOLDER_PENALTY))
    result.penalties = penalties
    value = raw - sum(p for _, p in penalties)
    result.score = max(0, min(99, int(value + 0.5)))
    numbers_only = all(k in ("num", "ph") for k in
                       [c[ci].kind for ci, _ in matched if c[ci].text != q[_].text])
    result.only_numbers_or_placeholders = structural and numbers_only and not any(
        label.startswith(("case", "negation")) for label, _ in penalties)
    if not result.explanation and not penalties:
        result.explanation.append("differs only in spacing")
    return result


def _aligned(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Index pairs of equal keys along an optimal alignment."""
    pairs = []
    for block in Levenshtein.opcodes(a, b):
        if block.tag == "equal":
            for k in range(block.src_end - block.src_start):
                pairs.append((block.src_start + k, block.dest_start + k))
    return pairs


def diff_words(old: str, new: str) -> list[tuple[str, str]]:
    """`old` → `new` word by word: ("equal" | "delete" | "insert", text) runs."""
    a, b = tokenize(old), tokenize(new)
    out: list[tuple[str, str]] = []
    for block in Levenshtein.opcodes([t.text for t in a], [t.text for t in b]):
        if block.tag == "equal":
            out.append(("equal", " ".join(t.text for t in a[block.src_start:block.src_end])))
            continue
        if block.src_end > block.src_start:
            out.append(("delete", " ".join(t.text for t in a[block.src_start:block.src_end])))
        if block.dest_end > block.dest_start:
            out.append(("insert", " ".join(t.text for t in b[block.dest_start:block.dest_end])))
    return out


def word_diff(old: str, new: str) -> str:
    """`old` → `new` as one line: [-removed-] {+added+}."""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return " ".join(marks[tag].format(text) for tag, text in diff_words(old, new))


def format_number(value: Decimal, like: str, lang: str) -> str:
    """`value` written in `lang`'s style (Babel), keeping a percent sign if `like` had one."""
    from babel.numbers import format_decimal

    from .languages import locale

    text = format_decimal(value, locale=locale(lang), group_separator=True)
    if like.rstrip().endswith("%"):
        percent = like[len(like.rstrip("% \u00a0\u202f")):]
        text += percent
    return text


def adapt(target: str, scored: Scored, target_lang: str) -> tuple[str, list[str]]:
    """Rewrite the numbers of a TM translation for the new source; returns the text and
    notes saying what changed. Numbers not found in the translation are left alone."""
    notes: list[str] = []
    text = target
    target_tokens = [t for t in tokenize(target) if t.kind == "num"]
    for old, new in scored.numbers:
        old_value, new_value = number_value(old), number_value(new)
        if old_value is None or new_value is None:
            continue
        for token in target_tokens:
            if token.value == old_value and token.text in text:
                replacement = format_number(new_value, token.text, target_lang)
                text = text.replace(token.text, replacement, 1)
                notes.append(f"adapted {token.text} → {replacement}")
                break
    return text, notes
