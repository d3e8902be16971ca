"""Fuzzy match scoring with an explanation of every difference and penalty, and
adaptation of numbers and placeholders in a proposed translation.

The score (0–100), documented for users in the README, compares the two texts' *compared
forms*: words case-folded, letter by letter; every number, placeholder, markup tag and
format specifier (`%s`, `%(name)d`, `{0}`) as one character; each punctuation mark as one
character; any run of spaces as one. So a word counts by its letters and the light tokens
count one character each, as CAT tools weigh them:

    raw   = 100 × 2 × (characters in common, in order) / (length of both compared forms)
    score = raw − penalties, at most 99 unless the two texts are identical (100)

`raw` is the ratio msgmerge and difflib use (`fuzz.ratio`), on the compared forms. Penalties:
1 per number whose value differs ("29.000" in Catalan equals "29,000" in English), 1 per
placeholder added, removed or changed, 1 when a word differs only in case, and 30 when a
negation word (not, no, ni, pas, jamais, cap…) is added or removed, which puts a one-word
change of meaning below any useful threshold. Explanations come from the alignment of the
two texts' tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import NamedTuple

from rapidfuzz.distance import Indel, Levenshtein

from .languages import primary

# Format specifiers of printf (%s, %-5.2f, %1$s, %(name)d, %%), Python/ICU braces ({0},
# {name}, {count:>3}) and markup tags are codes: one light token each.
_FORMAT = (r"%(?:\d+\$|\([\w.]+\))?[-+ #0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?"
           r"(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGcrsaAp%@]"
           r"|\{[\w.\[\]]*(?:![rsa])?(?::[^{}\s]*)?\}")
_CODE = r"</?[gx]\d+/?>|</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>|" + _FORMAT
_NUMBER = r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?(?:\s?%)?"
_WORD = r"[^\W\d_]+(?:['’·.][^\W\d_]+)*'?"
_TOKEN = re.compile(
    f"(?P<ph>{_CODE})|(?P<num>{_NUMBER})|(?P<word>{_WORD})|(?P<punct>[^\\w\\s]|_)",
    re.UNICODE,
)
_MARKS = re.compile(f"(?P<ph>{_CODE})|(?P<num>{_NUMBER})", re.UNICODE)
_WORDS = re.compile(_WORD, re.UNICODE)
# An elided article or pronoun before a word (l'operació, d'Europol, qu'il): not part of the
# word's index term, so "l'operació" and "operació" share one.
_ELISION = re.compile(r"^[^\W\d_]{1,2}['’](?=[^\W\d_]{2})")
TERM_LENGTH = 5  # a word's index term is its first letters: "certificate(s)" share one
NUMBER_MARK, CODE_MARK = "\ue000", "\ue001"  # a number, a code, in the compared form

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
    key: str  # what the alignment compares

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


def _mark(match: re.Match[str]) -> str:
    return CODE_MARK if match.lastgroup == "ph" else NUMBER_MARK


def compared_form(text: str) -> str:
    """The text as the score compares it (see the module docstring): codes and numbers
    marked, case folded, white space collapsed."""
    return " ".join(_MARKS.sub(_mark, text).lower().split())


class Indexed(NamedTuple):
    """What the memory keeps of a text to find it again: its compared form, and the index
    terms of its words (with repeats), each with its word's weight in the form (letters + 1,
    the space)."""

    form: str
    terms: list[str]
    weights: list[int]


def indexed(text: str) -> Indexed:
    form = compared_form(text)
    words = _WORDS.findall(form)
    terms = [(_ELISION.sub("", w) if "'" in w or "’" in w else w)[:TERM_LENGTH] for w in words]
    return Indexed(form, terms, [len(w) + 1 for w in words])


def raw_similarity(form_a: str, form_b: str) -> float:
    """The raw score (0–100) of two compared forms."""
    return 100.0 * Indel.normalized_similarity(form_a, form_b)


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
    ops = Levenshtein.editops(ck, qk)
    raw = raw_similarity(compared_form(query), compared_form(candidate))
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
        elif op.tag == "insert" and q[op.dest_pos].kind == "ph":
            penalties.append((f"placeholder {q[op.dest_pos].text} added", PLACEHOLDER_PENALTY))
        elif op.tag == "delete" and c[op.src_pos].kind == "ph":
            penalties.append((f"placeholder {c[op.src_pos].text} removed", PLACEHOLDER_PENALTY))
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


def source_digest(data: bytes) -> str:
    """The digest of a bulletin's text as transkit compares it: UTF-8 without a BOM, in
    NFC, so re-saving it in another normalisation changes nothing. Bytes that are not
    UTF-8 are hashed as they are (reading the bulletin reports them)."""
    import hashlib
    import unicodedata

    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return hashlib.sha256(data).hexdigest()
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Bidirectional embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069): each
# opened one must be closed within the unit (U+202C PDF closes the first kind, U+2069 PDI
# the second), or it reverses or reorders the rest of the block it lands in.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_BIDI_NAMES = {"\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO",
               "\u202e": "RLO", "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI",
               "\u2069": "PDI"}


def unbalanced_bidi(text: str) -> str | None:
    """What is wrong with the text's bidirectional controls, None when they balance."""
    if _BIDI.search(text) is None:
        return None
    stack: list[str] = []
    for match in _BIDI.finditer(text):
        char = match.group()
        if char in "\u202a\u202b\u202d\u202e":
            stack.append("embedding")
        elif char in "\u2066\u2067\u2068":
            stack.append("isolate")
        else:
            wanted = "embedding" if char == "\u202c" else "isolate"
            if not stack or stack[-1] != wanted:
                return f"{_BIDI_NAMES[char]} (U+{ord(char):04X}) closes nothing"
            stack.pop()
    if stack:
        return f"{len(stack)} bidirectional control(s) left open"
    return None

