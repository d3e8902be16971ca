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

import bisect
import itertools
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import regex
from choppa import SrxDocument, SrxTextIterator
from choppa.rule_matcher import RuleMatcher
from choppa.structures import LanguageMap, LanguageRule, Rule
from choppa.utils import finitize

from ..errors import InputError
from ..languages import check_language, primary
from .inline import PLACEHOLDER

_LOCK = threading.Lock()
# Every break the rules can make follows whitespace after an end mark (with at most a
# few closing quotes or brackets between) or is a line break: text without one is a
# single sentence, and the engine is not run on it.
_MAYBE_BREAK = re.compile(r"[.?!…。！？]\S{0,4}\s|\n")
_OPENING = re.compile(r"<g\d+>|<x\d+/>")


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
        self._exceptions: dict[str, _Exceptions] = {}

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
                self._exceptions.clear()
            if code not in self._exceptions:
                self._exceptions[code] = _Exceptions(self.document, code)
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
        for sentence in _TextIterator(self.document, code, masked, self._exceptions[code]):
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


# ---------------------------------------------------------------------------------------
# Exception rules, evaluated once per text
# ---------------------------------------------------------------------------------------

# LanguageTool's rules for a full stop inside brackets: `\([^\)]*?[\.:][\s\u00A0]` (one
# to four times) before, `[^\)\r\n]*\)` after, and the same with [ ] and { }. choppa
# bounds each `*` of a lookbehind to {0,100} and runs every exception rule as one regex at
# each candidate break. There these two cost per candidate what the text around it holds:
# the lazy gaps of the four-mark rule try every combination of the marks in reach, ~40,000
# when there is no bracket to end on (`1. ` × 1,000: 20 ms per candidate, 29 s), and the
# lookahead reads up to the next closing bracket or line end (`(Ab. ` × 16,000 with none:
# the rest of the text at each candidate, 24 s). `_Bracketed` answers the same question from
# a pass over the text: where the marks are, which of them a chain of marks can link back
# to an opening bracket, and what comes first after each position.
_BRACKET_RULE = regex.compile(
    r"\\(?P<open>[(\[{])(?P<segments>(?:\[\^\\[)\]}]\]\{0,\d+\}\??"
    r"(?:\[\\\.:\]|\\\.)\[\\s\\u00A0\])+)")
_BRACKET_SEGMENT = regex.compile(
    r"\[\^\\(?P<close>[)\]}])\]\{0,(?P<gap>\d+)\}\??(?P<mark>\[\\\.:\]|\\\.)\[\\s\\u00A0\]")
_CLOSING = {"(": ")", "[": "]", "{": "}"}


class _Bracketed:
    """One bracket rule: `(` + k × (at most `gap` non-`)` characters, then a mark) must
    end at the position, and the first `)`, CR or LF after it must be a `)`."""

    def __init__(self, document: SrxDocument, open_: str, gaps: list[int], mark: str):
        self.open = open_
        self.close = _CLOSING[open_]
        self.gaps = gaps
        self.mark = document.compile(mark + r"[\s\u00A0]")  # the engine's own flags

    @classmethod
    def parse(cls, document: SrxDocument, rule: Rule, infinity: int) -> _Bracketed | None:
        """The rule as a `_Bracketed`, if it has exactly that shape (else None: the
        engine's regex evaluates it)."""
        before = finitize(rule.before_pattern, infinity)
        whole = _BRACKET_RULE.fullmatch(before)
        if whole is None:
            return None
        open_ = whole.group("open")
        close = _CLOSING[open_]
        if rule.after_pattern != rf"[^\{close}\r\n]*\{close}":
            return None
        gaps, marks = [], set()
        for segment in _BRACKET_SEGMENT.finditer(whole.group("segments")):
            if segment.group("close") != close:
                return None
            gaps.append(int(segment.group("gap")))
            marks.add(segment.group("mark"))
        if len(marks) != 1:
            return None
        return cls(document, open_, gaps, marks.pop())

    def ends(self, text: str) -> set[int]:
        """The positions where the rule's lookbehind matches, in one pass per mark."""
        closes = _positions(self.close, text)
        # Marks are two characters of disjoint classes: they never overlap.
        marks = [m.end() for m in self.mark.finditer(text)]
        reached = [i + 1 for i in _positions(self.open, text)]
        for gap in self.gaps:
            nxt = []
            k = 0
            latest = -1
            for end in marks:
                start = end - 2  # where the mark begins: the gap ends there
                while k < len(reached) and reached[k] <= start:
                    latest = reached[k]
                    k += 1
                # The latest reachable start is the best: the shortest gap, the fewest
                # characters that must not be the closing bracket.
                if latest >= 0 and start - latest <= gap and \
                        bisect.bisect_left(closes, latest) == bisect.bisect_left(closes, start):
                    nxt.append(end)
            reached = nxt
        return set(reached)


def _positions(chars: str, text: str) -> list[int]:
    """Offsets of any of `chars` in `text`, ascending."""
    return [m.start() for m in re.finditer(f"[{re.escape(chars)}]", text)]


class _TextState:
    """What the bracket rules need of one text, computed when first asked (most texts
    have no bracket at all, and ask nothing)."""

    def __init__(self, text: str, rules: list[_Bracketed]):
        self.text = text
        self.rules = rules
        self.present: dict[str, bool] = {}
        self.ends: dict[int, set[int]] = {}
        self.stops: dict[str, list[int]] = {}  # a closing bracket's, CR's and LF's offsets

    def holds(self, k: int, pos: int) -> bool:
        rule = self.rules[k]
        present = self.present.get(rule.open)
        if present is None:
            present = self.present[rule.open] = rule.open in self.text
        if not present:
            return False
        # The lookahead: the first closing bracket, CR or LF after pos is the bracket.
        stops = self.stops.get(rule.close)
        if stops is None:
            stops = self.stops[rule.close] = _positions(rule.close + "\r\n", self.text)
        at = bisect.bisect_left(stops, pos)
        if at == len(stops) or self.text[stops[at]] != rule.close:
            return False
        ends = self.ends.get(k)
        if ends is None:
            ends = self.ends[k] = rule.ends(self.text)
        return pos in ends


class _Exceptions:
    """The exception rules that apply to each break rule of a language, as choppa's
    RuleManager gathers them (every no-break rule before the break rule, in cascade
    order): the bracket rules answered by `_Bracketed`, the rest by one regex made as
    choppa makes it. A break stands when none matches, as in choppa."""

    def __init__(self, document: SrxDocument, code: str):
        infinity = SrxTextIterator.DEFAULT_MAX_LOOKBEHIND_CONSTRUCT_LENGTH
        language_rules = document.get_language_rule_list(code)
        manager = document.get_rule_manager(language_rules, infinity)
        self.rules: list[_Bracketed] = []
        self.by_break: dict[Rule, tuple[list[int], Any]] = {}
        bracketed: list[int] = []
        others: list[str] = []
        for language_rule in language_rules:
            for rule in language_rule.rules:
                if rule.is_break:
                    pattern = document.compile("|".join(others)) if others else None
                    # (a break rule met twice keeps the later list, as choppa's map does)
                    self.by_break[rule] = (list(bracketed), pattern)
                    continue
                parsed = _Bracketed.parse(document, rule, infinity)
                if parsed is None:
                    others.append(manager.create_exception_pattern_string(rule))
                else:
                    bracketed.append(len(self.rules))
                    self.rules.append(parsed)

    def state(self, text: str) -> _TextState:
        return _TextState(text, self.rules)

    def excepted(self, state: _TextState, rule: Rule, pos: int) -> bool:
        bracketed, pattern = self.by_break[rule]
        for k in bracketed:
            if state.holds(k, pos):
                return True
        return pattern is not None and pattern.match(state.text, pos) is not None


class _TextIterator(SrxTextIterator):
    """choppa's iterator, asking `_Exceptions` whether an exception rule holds at a
    candidate break (the same answer as its one regex per candidate)."""

    def __init__(self, document: SrxDocument, code: str, text: str, exceptions: _Exceptions):
        super().__init__(document, code, text)
        self._exceptions = exceptions
        self._state = exceptions.state(text)

    def is_exception(self, rule_matcher: RuleMatcher) -> bool:
        # (choppa's name: True when no exception rule holds, and the break stands)
        return not self._exceptions.excepted(self._state, rule_matcher.rule,
                                             rule_matcher.get_break_position())


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
    # Where each kind of mark sits in the stack, so that a closing mark finds its
    # opening one at once (searching the stack was quadratic in a run of unclosed marks).
    depths: dict[str, list[int]] = {}
    pairs: list[tuple[int, int]] = []

    def push(char: str, at: int) -> None:
        depths.setdefault(char, []).append(len(stack))
        stack.append((char, at))

    def pop_to(depth: int) -> None:
        for char, _ in stack[depth:]:
            depths[char].pop()
        del stack[depth:]

    for match in _QUOTE_CHARS.finditer(text):
        char, at = match.group(), match.start()
        before = text[at - 1] if at else " "
        after = text[at + 1] if at + 1 < len(text) else " "
        if char == '"':
            opens = (before.isspace() or before in "([«“‘—–-/") and not after.isspace()
            if stack and stack[-1][0] == '"' and not opens:
                pairs.append((stack[-1][1], at))
                pop_to(len(stack) - 1)
            elif opens:
                push(char, at)
            continue
        if char == "’" and before.isalpha() and after.isalpha():
            continue
        if char in _OPENERS and not (char == "‘" and before.isalpha()):
            push(char, at)
            continue
        opener = _CLOSERS.get(char)
        found = depths.get(opener or "")
        if found:
            depth = found[-1]  # the innermost open mark of that kind
            pairs.append((stack[depth][1], at))
            pop_to(depth)
    return sorted(pairs)


def _keep_embedded_spans(text: str, breaks: list[int]) -> list[int]:
    """Drop the breaks inside a quotation or parenthesis that is part of a larger
    sentence: words before it since the last break, or the sentence going on after it
    (a lower-case word, a comma, a full stop after the closing mark...).

    Each span finds its breaks by bisection, and dropped breaks are skipped through
    links to the next and previous kept one (filtering the whole list per span was
    quadratic in a text of many short bracketed sentences)."""
    if not breaks or not _QUOTE_CHARS.search(text):
        return breaks
    count = len(breaks)
    after = list(range(count + 1))  # after[i]: a kept break at i or later (or count)
    before = list(range(-1, count))  # before[i + 1]: a kept break at i or earlier (or -1)

    def next_kept(i: int) -> int:
        root = i
        while after[root] != root:
            root = after[root]
        while after[i] != root:
            after[i], i = root, after[i]
        return root

    def previous_kept(i: int) -> int:
        root = i
        while before[root + 1] != root:
            root = before[root + 1]
        while before[i + 1] != root:
            before[i + 1], i = root, before[i + 1]
        return root

    alnum: list[int] = []  # alphanumeric characters before each offset (when needed)
    for start, end in _spans(text):
        first = bisect.bisect_right(breaks, start)
        last = bisect.bisect_right(breaks, end)  # breaks inside: [first, last)
        if next_kept(first) >= last:
            continue
        if not alnum:
            alnum = [0, *itertools.accumulate(map(str.isalnum, text))]
        kept_before = previous_kept(first - 1)
        sentence_start = breaks[kept_before] if kept_before >= 0 else 0
        embedded = alnum[start] > alnum[min(sentence_start, start)] or \
            _CONTINUES.match(text, end + 1) is not None
        if embedded:
            i = next_kept(first)
            while i < last:
                after[i] = i + 1
                before[i + 1] = i - 1
                i = next_kept(i + 1)
    return [b for i, b in enumerate(breaks) if next_kept(i) == i]


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
    # The pairs' depth after each placeholder, read once (reading the text before each
    # break again was quadratic in a text of many breaks).
    ends: list[int] = []
    depths: list[int] = []
    depth = 0
    for match in PLACEHOLDER.finditer(text):
        if match.group(2) == "g":
            depth += -1 if match.group(1) else 1
        ends.append(match.end())
        depths.append(depth)
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
            start = _opening_before(text, pos)
            if start is None:
                break
            pos = start
        at = bisect.bisect_right(ends, pos)
        if (depths[at - 1] if at else 0) == 0 and (not cuts or pos > cuts[-1]) and pos > 0:
            cuts.append(pos)
    return cuts


def _opening_before(text: str, pos: int) -> int | None:
    """Where an opening or empty placeholder ending at `pos` starts (or ending just
    before a line feed there, as `$` allows), if there is one. A placeholder holds one
    '<': its last one before that end."""
    end = pos - 1 if pos and text[pos - 1] == "\n" else pos
    start = text.rfind("<", 0, end)
    if start >= 0 and _OPENING.fullmatch(text, start, end):
        return start
    return None


@lru_cache(maxsize=8)
def segmenter(extra_rule_dirs: tuple[Path, ...] = ()) -> Segmenter:
    return Segmenter(extra_rule_dirs)


def split(text: str, lang: str, extra_rule_dirs: tuple[Path, ...] = ()) -> list[str]:
    check_language(lang)
    return segmenter(extra_rule_dirs).split(text, lang)
