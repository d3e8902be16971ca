"""Sentence segmentation per language: an SRX engine (choppa) with LanguageTool's
rules, preceded by our own per-language rules kept as data files, then one pass that
keeps quotations and parentheses inside the sentence that contains them.

Rule files: `data/segment/all.txt` (every language) then `data/segment/<lang>.txt`,
and the same names in each extra rule folder, in that order; with cascading SRX the
first rule that matches a position decides it, so these run before LanguageTool's.
One rule a line, `#` starts a comment:

- `Sr.`, `p. ex.`: an abbreviation that never ends a sentence (a title before a name).
- `final: EE. UU.` or `final: U.S. ⟶ REGEX`: an abbreviation that may end a sentence.
  It ends one when a capitalised word follows (after any opening quote, bracket or
  dash), unless that word matches REGEX (a name it is part of: `U.S. Army`); before
  anything else (a lower-case word, a number, a comma) the sentence goes on.
- `nobreak: BEFORE ⟶ AFTER` / `break: BEFORE ⟶ AFTER`: SRX regexes; the engine breaks
  after the whitespace, so BEFORE ends with it.

After the engine, a quotation (« », “ ”, ‘ ’, " ") or a parenthesis that is part of a
larger sentence (words before it in that sentence, or the sentence going on after it)
is never cut inside: `La nota deia «Quedem a les sis. Porta el paquet.» i estava
signada.` is one sentence. A quotation or parenthesis that stands alone keeps its own
sentence boundaries.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import regex
from choppa import SrxDocument, SrxTextIterator
from choppa.structures import LanguageMap, LanguageRule, Rule

from .errors import InputError
from .inline import PLACEHOLDER
from .languages import check_language, primary

_LOCK = threading.Lock()
# Every break the rules can make follows whitespace after an end mark (with at most a
# few closing quotes or brackets between) or is a line break: text without one is a
# single sentence, and the engine is not run on it.
_MAYBE_BREAK = re.compile(r"[.?!…。！？]\S{0,4}\s|\n")
_OPENING = re.compile(r"(?:<g\d+>|<x\d+/>)$")


def _rules_dir() -> Path:
    return Path(str(resources.files("transkit") / "data" / "segment"))


def parse_rules(text: str, origin: str) -> list[Rule]:
    """Read one exception-rule file.

    Lines: an abbreviation ("Sr.", "p. ex.") that never ends a sentence;
    `final: ABBREVIATION [⟶ NAMES]` for one that may; `nobreak: BEFORE ⟶ AFTER` or
    `break: BEFORE ⟶ AFTER` with SRX regexes; `#` starts a comment (see the module
    docstring).
    """
    rules: list[Rule] = []
    finals: list[tuple[str, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        kind, _, rest = line.partition(":")
        if kind == "final":
            abbreviation, _, names = (part.strip() for part in rest.partition("⟶"))
            if "." not in abbreviation:
                raise InputError("a final abbreviation must contain '.'", origin, number)
            if names:
                try:
                    regex.compile(names, flags=regex.V1)
                except regex.error as exc:
                    raise InputError(f"bad pattern {names!r}: {exc}", origin, number) from None
            finals.append((abbreviation, names))
            continue
        if kind in ("nobreak", "break") and "⟶" in rest:
            before, _, after = rest.partition("⟶")
            before, after = before.strip(), after.strip()
            for pattern in (before, after):
                try:
                    regex.compile(pattern, flags=regex.V1)
                except regex.error as exc:
                    raise InputError(f"bad pattern {pattern!r}: {exc}", origin, number) from None
            rules.append(Rule(kind == "break", before, after))
            continue
        if "." not in line:
            raise InputError(
                "an abbreviation must contain '.', or use 'nobreak: BEFORE ⟶ AFTER'",
                origin, number,
            )
        rules += abbreviation_rules(line)
    return rules + final_abbreviation_rules(finals)


def abbreviation_rules(abbreviation: str) -> list[Rule]:
    """No-break rules for every break an SRX engine could find inside or just after an
    abbreviation ("p. ex." -> after "p. " and after "p. ex. ").

    The engine's break position follows the whitespace, so each rule's
    `before` ends with it; the left edge must not follow a letter, digit or dot.
    """
    pieces = [regex.escape(p) for p in abbreviation.split()]
    edge = r"(?<![\p{L}\p{N}.])"
    rules = []
    for k in range(1, len(pieces)):
        rules.append(Rule(False, edge + r"\s".join(pieces[:k]) + r"\s", r"\s?".join(pieces[k:])))
    rules.append(Rule(False, edge + r"\s".join(pieces) + r"\s", ""))
    return rules


# What may open a sentence before its first capital: quotes, brackets, dialogue dashes,
# Spanish opening marks, and a placeholder's stand-in space.
_SENTENCE_OPENING = r"[«\"“‘„‹(\[¿¡—–]*\s?"


def final_abbreviation_rules(finals: list[tuple[str, str]]) -> list[Rule]:
    """Rules for abbreviations that may end a sentence ("etc.", "EE. UU."), each with a
    regex of the words that continue a name after it (or ""): no break inside one;
    after one, no break before those words, a break before another capitalised word,
    and no break before anything else. One break rule serves them all (the engine runs
    one matcher per break rule)."""
    if not finals:
        return []
    rules: list[Rule] = []
    ends = []
    for abbreviation, names in finals:
        pieces = abbreviation_rules(abbreviation)
        at_end = pieces.pop()
        rules += pieces
        if names:
            rules.append(Rule(False, at_end.before_pattern, rf"(?:{names})\b"))
        ends.append(r"\s".join(regex.escape(p) for p in abbreviation.split()))
    before = rf"(?<![\p{{L}}\p{{N}}.])(?:{'|'.join(ends)})\s"
    rules.append(Rule(True, before, _SENTENCE_OPENING + r"\p{Lu}"))
    rules.append(Rule(False, before, ""))
    return rules


class Segmenter:
    """Splits placeholder text into sentences for one language."""

    def __init__(self, extra_rule_dirs: tuple[Path, ...] = ()):
        self.extra_rule_dirs = extra_rule_dirs
        lt = resources.files("choppa") / "data" / "srx" / "languagetool_segment.srx"
        self.document = SrxDocument()
        self._own_rules: dict[str, LanguageRule] = {}
        self._lt_path = str(lt)
        self._lt_loaded = False
        self._memo: dict[tuple[str, str], list[str]] = {}

    def _prepare(self, lang: str) -> str:
        code = primary(lang)
        with _LOCK:
            if code not in self._own_rules:
                rules: list[Rule] = []
                for folder in (_rules_dir(), *self.extra_rule_dirs):
                    for name in ("all.txt", f"{code}.txt"):
                        path = folder / name
                        if path.is_file():
                            rules += parse_rules(path.read_text("utf-8"), str(path))
                language_rule = LanguageRule(f"transkit-{code}", rules)
                self._own_rules[code] = language_rule
                # Our maps go first: with cascading SRX the first matching rule wins.
                self.document.language_map_list.insert(
                    0, LanguageMap(rf"{code}(_.*)?", language_rule)
                )
                self.document.language_rule_cache.clear()
                self.document.rule_manager_cache.clear()
            if not self._lt_loaded:
                from xml.sax import make_parser

                from choppa.srx_parser import SRXHandler

                own = list(self.document.language_map_list)
                self.document.language_map_list = []
                parser = make_parser()
                parser.setFeature("http://xml.org/sax/features/external-general-entities", False)
                parser.setFeature("http://xml.org/sax/features/external-parameter-entities", False)
                parser.setContentHandler(SRXHandler(document=self.document))
                parser.parse(self._lt_path)
                self.document.language_map_list = own + self.document.language_map_list
                self.document.language_rule_cache.clear()
                self.document.rule_manager_cache.clear()
                self._lt_loaded = True
        return code

    def split(self, text: str, lang: str, memo: bool = True) -> list[str]:
        """Sentences of `text` (placeholder text); never splits inside a <gN>…</gN> pair.

        Results are memoised per (language, text): a build segments each page once per
        language version."""
        code = self._prepare(lang)
        text = text.strip()
        if not text:
            return []
        if not memo:
            return self._split(text, code)
        key = (code, text)
        cached = self._memo.get(key)
        if cached is None:
            cached = self._split(text, code)
            if len(self._memo) > 50_000:
                self._memo.clear()
            self._memo[key] = cached
        return list(cached)

    def _split(self, text: str, code: str) -> list[str]:
        masked, origin = _mask(text)
        if not _MAYBE_BREAK.search(masked):
            return [text]
        breaks: list[int] = []
        offset = 0
        for sentence in SrxTextIterator(self.document, code, masked):
            offset += len(sentence)
            if offset < len(masked):
                breaks.append(offset)
        breaks = _keep_embedded_spans(masked, breaks)
        cuts = _map_breaks(text, masked, origin, breaks)
        pieces: list[str] = []
        start = 0
        for cut in [*cuts, len(text)]:
            piece = text[start:cut].strip()
            if piece:
                pieces.append(piece)
            start = cut
        return pieces


_OPENERS = {"«": "»", "“": "”", "‘": "’", "(": ")", "[": "]"}
_CLOSERS = {close: open_ for open_, close in _OPENERS.items()}
_QUOTE_CHARS = regex.compile(r'[«»“”‘’()\[\]"]')
_CONTINUES = regex.compile(r"[\s\u00a0\u202f]*(?:\p{Ll}|[,;:.!?…»”’)\]\"])")


def _spans(text: str) -> list[tuple[int, int]]:
    """(opening, closing) offsets of the quotation and bracket pairs of `text`.

    Curly quotes, guillemets and brackets pair by kind (nested pairs included); a
    straight double quote opens where a word starts after it and closes otherwise;
    a right single quote between letters is an apostrophe. Unclosed marks pair with
    nothing."""
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for match in _QUOTE_CHARS.finditer(text):
        char, at = match.group(), match.start()
        before = text[at - 1] if at else " "
        after = text[at + 1] if at + 1 < len(text) else " "
        if char == '"':
            opens = (before.isspace() or before in "([«“‘—–-/") and not after.isspace()
            if stack and stack[-1][0] == '"' and not opens:
                pairs.append((stack.pop()[1], at))
            elif opens:
                stack.append((char, at))
            continue
        if char == "’" and before.isalpha() and after.isalpha():
            continue
        if char in _OPENERS and not (char == "‘" and before.isalpha()):
            stack.append((char, at))
            continue
        opener = _CLOSERS.get(char)
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == opener:
                pairs.append((stack[depth][1], at))
                del stack[depth:]
                break
    return sorted(pairs)


def _keep_embedded_spans(text: str, breaks: list[int]) -> list[int]:
    """Drop the breaks inside a quotation or parenthesis that is part of a larger
    sentence: words before it since the last break, or the sentence going on after it
    (a lower-case word, a comma, a full stop after the closing mark...)."""
    if not breaks or not _QUOTE_CHARS.search(text):
        return breaks
    kept = list(breaks)
    for start, end in _spans(text):
        inside = [b for b in kept if start < b <= end]
        if not inside:
            continue
        sentence_start = max((b for b in kept if b <= start), default=0)
        embedded = any(c.isalnum() for c in text[sentence_start:start]) or \
            _CONTINUES.match(text, end + 1) is not None
        if embedded:
            kept = [b for b in kept if not start < b <= end]
    return kept


def _mask(text: str) -> tuple[str, Sequence[int]]:
    """Text without placeholders (empty ones become a space) and each char's origin index."""
    if "<" not in text:
        return text, range(len(text))
    chars: list[str] = []
    origin: list[int] = []
    pos = 0
    for match in PLACEHOLDER.finditer(text):
        for i in range(pos, match.start()):
            chars.append(text[i])
            origin.append(i)
        if match.group(2) == "x":
            chars.append(" ")
            origin.append(match.start())
        pos = match.end()
    for i in range(pos, len(text)):
        chars.append(text[i])
        origin.append(i)
    return "".join(chars), origin


def _map_breaks(
    text: str, masked: str, origin: Sequence[int], breaks: list[int]
) -> list[int]:
    cuts: list[int] = []
    for k in breaks:
        # Skip the whitespace the engine left at the start of the next sentence.
        while k < len(masked) and masked[k].isspace():
            k += 1
        if k >= len(masked):
            continue
        pos = origin[k]
        # Opening and empty placeholders just before the next sentence belong to it.
        while True:
            match = _OPENING.search(text, 0, pos)
            if not match:
                break
            pos = match.start()
        if _depth(text[:pos]) == 0 and (not cuts or pos > cuts[-1]) and pos > 0:
            cuts.append(pos)
    return cuts


def _depth(prefix: str) -> int:
    depth = 0
    for match in PLACEHOLDER.finditer(prefix):
        if match.group(2) == "g":
            depth += -1 if match.group(1) else 1
    return depth


@lru_cache(maxsize=8)
def segmenter(extra_rule_dirs: tuple[Path, ...] = ()) -> Segmenter:
    return Segmenter(extra_rule_dirs)


def split(text: str, lang: str, extra_rule_dirs: tuple[Path, ...] = ()) -> list[str]:
    check_language(lang)
    return segmenter(extra_rule_dirs).split(text, lang)
