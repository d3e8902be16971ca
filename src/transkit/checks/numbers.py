"""Numbers as values, the way a person reads them in each language: the `numbers` and
`cross-numbers` checks compare what `read` finds in a source and in a translation.

A number is read with Babel in its language (`parse_decimal`, strict: "1.327" is 1327 in
Catalan, 1.327 in English) and by the language-blind reading of `text.number_value`; a
number is its set of readings, and two numbers match when one reading is shared, so an
ambiguous form never makes a finding while a changed digit changes every reading. Scale
words multiply ("29.000 milions" = "29 mil milions" = "29 billion" = "29 milliards"),
times of day are read with their hour ("14.00 h" = "2 pm"), and a value written twice
("24 heures sur 24") is the same value. Numbers in words (0–20, ordinals, dozens, Roman
centuries, nouns such as "dozen" or "miler") are not compared, only accepted in place of
the digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from ..languages import primary
from ..text import number_value

THOUSAND, MILLION, BILLION, TRILLION = (Decimal(10) ** n for n in (3, 6, 9, 12))

# Scale words after a number, per language ("mil" before "milions" makes a thousand
# million: "24 mil milions"). Spanish and Catalan billón/bilió, French billion: 10^12.
SCALES: dict[str, dict[str, Decimal]] = {
    "en": {"thousand": THOUSAND, "million": MILLION, "millions": MILLION, "mil": THOUSAND,
           "billion": BILLION, "billions": BILLION, "bn": BILLION, "trillion": TRILLION,
           "trillions": TRILLION},
    "ca": {"mil": THOUSAND, "milió": MILLION, "milions": MILLION, "miliard": BILLION,
           "miliards": BILLION, "bilió": TRILLION, "bilions": TRILLION},
    "es": {"mil": THOUSAND, "millón": MILLION, "millones": MILLION, "millardo": BILLION,
           "millardos": BILLION, "billón": TRILLION, "billones": TRILLION},
    "fr": {"mille": THOUSAND, "million": MILLION, "millions": MILLION, "milliard": BILLION,
           "milliards": BILLION, "billion": TRILLION, "billions": TRILLION},
}

# Numbers written as words (alternatives with "|"), by value: "12" ↔ "twelve" is no error.
NUMBER_WORDS = {
    "ca": "zero u|un|una dos|dues tres quatre cinc sis set vuit nou deu onze dotze tretze "
          "catorze quinze setze disset divuit dinou vint",
    "es": "cero uno|un|una dos tres cuatro cinco seis siete ocho nueve diez once doce trece "
          "catorce quince dieciséis diecisiete dieciocho diecinueve veinte",
    "en": "zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen twenty",
    "fr": "zéro un|une deux trois quatre cinq six sept huit neuf dix onze douze treize "
          "quatorze quinze seize dix-sept dix-huit dix-neuf vingt",
}
ORDINAL_WORDS = {
    "ca": "- primer|primera|primers|primeres segon|segona tercer|tercera quart|quarta "
          "cinquè|cinquena sisè|sisena setè|setena vuitè|vuitena novè|novena desè|desena",
    "es": "- primero|primera|primer segundo|segunda tercero|tercera|tercer cuarto|cuarta "
          "quinto|quinta sexto|sexta séptimo|séptima octavo|octava noveno|novena "
          "décimo|décima",
    "en": "- first second third fourth fifth sixth seventh eighth ninth tenth",
    "fr": "- premier|première|premiers|premières deuxième|second|seconde troisième "
          "quatrième cinquième sixième septième huitième neuvième dixième",
}
# Words that stand for 1 only before a scale word ("a million").
BEFORE_SCALE = {"en": {"a": Decimal(1), "an": Decimal(1)}}
# Nouns of quantity: "a dozen", "un miler de municipis" for "1,000 municipalities".
QUANTITY_NOUNS: dict[str, dict[str, int]] = {
    "ca": {"dotzena": 12, "dotzenes": 12, "centenar": 100, "centenars": 100, "miler": 1000,
           "milers": 1000},
    "es": {"docena": 12, "docenas": 12, "centenar": 100, "centenares": 100, "millar": 1000,
           "millares": 1000},
    "en": {"dozen": 12, "dozens": 12, "hundred": 100, "hundreds": 100, "thousands": 1000},
    "fr": {"douzaine": 12, "douzaines": 12, "centaine": 100, "centaines": 100,
           "millier": 1000, "milliers": 1000},
}
# "segle XXI", "siglo XXI", "XXIe siècle"; English writes "21st century".
_ROMAN_CENTURY = {
    "ca": re.compile(r"\bsegles?\s+([IVXLC]+)\b"),
    "es": re.compile(r"\bsiglos?\s+([IVXLC]+)\b"),
    "fr": re.compile(r"\b([IVXLC]+)(?:e|ème|er)\s+siècles?\b"),
}

_DIGIT = re.compile(r"\d")
@lru_cache(maxsize=8)
def scales_of(lang: str) -> dict[str, Decimal]:
    """The scale words read in a text of `lang`: its own, then the other languages' (a
    translation that keeps the source's "milions" still says millions), a word's value
    in `lang` winning (billion: 10^9 in English, 10^12 in French)."""
    table: dict[str, Decimal] = {}
    for other in sorted(SCALES, key=lambda x: x == lang):
        table.update(SCALES[other])
    return table


_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

# Plain spaces group thousands only in French ("29 000"); elsewhere "el 2018 200" is
# two numbers.
_DIGITS = {
    "fr": r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?",
    "*": r"\d+(?:[.,\u00a0\u202f]\d{3})*(?:[.,]\d+)?",
}
# A time of day: 14:30, 14.30 h, 14 h 30, 14h, 2 pm, 2:30 p.m.
_TIME = (r"(?P<h>\d{1,2})(?::(?P<m>\d{2})"
         r"|\.(?P<m2>\d{2})(?=\s?(?:h|hores|horas|heures)\b|\s?[ap]\.?\s?m\b)"
         r"|\s?h\s?(?P<m3>\d{2})\b"
         r"|(?=\s?h\b))(?:\s?h\b)?(?:\s?(?P<ap>[ap])\.?\s?m\b\.?)?"
         r"|(?P<h2>\d{1,2})\s?(?P<ap2>[ap])\.?\s?m\b\.?")


@lru_cache(maxsize=8)
def _pattern(lang: str) -> re.Pattern[str]:
    digits = _DIGITS["fr" if lang == "fr" else "*"]
    scales = "|".join(sorted(scales_of(lang), key=len, reverse=True))
    scale = rf"(?P<scale>(?:\s+(?:{scales})(?![\w-]))+)" if scales else "(?P<scale>)"
    return re.compile(rf"(?P<time>{_TIME})|(?P<num>{digits}){scale}?", re.IGNORECASE)


class Number(NamedTuple):
    """A number as written (`text`) and every value it may stand for (`readings`)."""

    text: str
    readings: frozenset[Decimal]

    def matches(self, other: Number) -> bool:
        return not self.readings.isdisjoint(other.readings)


@lru_cache(maxsize=8)
def _babel_locale(lang: str) -> tuple[Any, str, str]:
    """Babel's locale for `lang`, with its group and decimal symbols: read once per
    process (`parse_decimal` given a language code parses it and looks them up again on
    every call, most of its time)."""
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = Locale.parse(lang)
    return locale, get_group_symbol(locale), get_decimal_symbol(locale)


_SPACES = re.compile(r"[\u00a0\u202f ]")


@lru_cache(maxsize=16384)
def babel_value(token: str, lang: str) -> Decimal | None:
    """The value of `token` written in `lang`'s format (Babel's CLDR data, strict), or
    None when the token is not well formed there: `parse_decimal(token, lang,
    strict=True)`, whose answer for a token without the group symbol (no format to
    verify) is computed here as Babel computes it (tests/test_checks.py compares both)."""
    from babel.numbers import NumberFormatError, parse_decimal

    if lang not in SCALES:
        return None
    locale, group, decimal_symbol = _babel_locale(lang)
    if group.isspace():  # French groups with a narrow no-break space; writers use any
        token = _SPACES.sub(group, token)
    try:
        if group not in token:
            return Decimal(token.replace(decimal_symbol, "."))
        return parse_decimal(token, locale=locale, strict=True)
    except (NumberFormatError, ValueError, ArithmeticError):
        return None


@lru_cache(maxsize=16384)
def _readings(token: str, lang: str) -> frozenset[Decimal]:
    if token.isdigit():  # no separator: one reading in every language (Babel is slow)
        return frozenset((Decimal(token).normalize(),))
    return frozenset(value.normalize() for value in (babel_value(token, lang),
                                                     number_value(token))
                     if value is not None)


def _scale(words: str, lang: str) -> Decimal:
    factor = Decimal(1)
    table = scales_of(lang)
    for word in words.split():
        factor *= table.get(word.lower(), Decimal(1))
    return factor


@lru_cache(maxsize=16384)
def read(text: str, lang: str) -> tuple[Number, ...]:
    """The numbers written in digits in `text` (already masked: no placeholders,
    addresses), each with its readings."""
    if _DIGIT.search(text) is None:
        return ()
    lang = primary(lang)
    found: list[Number] = []
    for match in _numbers(_pattern(lang), text):
        if match.group("time") is not None:
            found.append(_time(match))
            continue
        readings = _readings(match.group("num"), lang)
        if not readings:
            continue
        scale = match.group("scale")
        if scale:
            factor = _scale(scale, lang)
            readings = frozenset((value * factor).normalize() for value in readings)
        found.append(Number(match.group(0).strip(), readings))
    return tuple(found)


def _numbers(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, tried only where a digit is (every match starts with
    one): the search for a digit is several times cheaper than the pattern's."""
    pos = 0
    while True:
        digit = _DIGIT.search(text, pos)
        if digit is None:
            return
        match = pattern.match(text, digit.start())
        if match is None:
            pos = digit.start() + 1
            continue
        yield match
        pos = max(match.end(), digit.start() + 1)


def _time(match: re.Match[str]) -> Number:
    hour = int(match.group("h") or match.group("h2"))
    minute = int(match.group("m") or match.group("m2") or match.group("m3") or 0)
    half = (match.group("ap") or match.group("ap2") or "").lower()
    if half == "p" and hour < 12:
        hour += 12
    elif half == "a" and hour == 12:
        hour = 0
    # A time reads as minus one minus its minute of the day (no number written in digits
    # is negative, so a time meets only a time); a full hour is also the number it shows
    # ("24 h sur 24" is a duration, "de 9.00 a 17.00 h" leaves the first hour bare).
    readings = {Decimal(-1 - hour * 60 - minute)}
    if minute == 0:
        readings.add(Decimal(int(match.group("h") or match.group("h2"))))
    return Number(match.group(0).strip(), frozenset(readings))


@lru_cache(maxsize=8)
def _words(lang: str) -> dict[str, Decimal]:
    table: dict[str, Decimal] = {}
    for source in (NUMBER_WORDS, ORDINAL_WORDS):  # each list starts at 0
        for value, forms in enumerate(source.get(lang, "").split()):
            for word in forms.split("|"):
                if word != "-":
                    table.setdefault(word, Decimal(value))
    for word, value in QUANTITY_NOUNS.get(lang, {}).items():
        table[word] = Decimal(value)
    return table


@lru_cache(maxsize=16384)
def spelled(text: str, lang: str) -> frozenset[Decimal]:
    """Values `text` writes in words: numbers 0–20 and ordinals to the tenth, alone or
    before scale words ("un millón", "three million"), nouns of quantity (a dozen, un
    miler), Roman centuries."""
    lang = primary(lang)
    words = _words(lang)
    scales = scales_of(lang)
    values: set[Decimal] = set()
    tokens = [w.lower() for w in _WORD.findall(text)]
    before = BEFORE_SCALE.get(lang, {})
    for i, word in enumerate(tokens):
        if word in before and i + 1 < len(tokens) and tokens[i + 1] in scales:
            word_value = before[word]
        elif word in words:
            word_value = words[word]
        else:
            word_value = None
        if word_value is not None:
            value = word_value
            j = i + 1
            while j < len(tokens) and tokens[j] in scales:
                value *= scales[tokens[j]]
                j += 1
            values.add(value)
            if j > i + 1 and word in words:
                values.add(words[word])
        elif word in scales and (i == 0 or tokens[i - 1] not in scales
                                 and tokens[i - 1] not in words
                                 and tokens[i - 1] not in before):
            value = Decimal(1)
            j = i
            while j < len(tokens) and tokens[j] in scales:  # "mil millones": 10^9
                value *= scales[tokens[j]]
                j += 1
            values.add(value)
    roman = _ROMAN_CENTURY.get(lang)
    if roman is not None:
        for match in roman.finditer(text):
            century = _roman(match.group(1))
            if century:
                values.add(Decimal(century))
    return frozenset(v.normalize() for v in values)


_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman(numeral: str) -> int:
    total = 0
    for i, ch in enumerate(numeral):
        value = _ROMAN_VALUES[ch]
        following = _ROMAN_VALUES[numeral[i + 1]] if i + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


@lru_cache(maxsize=16384)
def _values(text: str, lang: str) -> tuple[tuple[Number, ...], frozenset[frozenset[Decimal]],
                                           frozenset[Decimal]]:
    """A text's numbers, the set of their reading sets (equal sets: the same values),
    and every reading (a number matches the text's when its readings meet these)."""
    found = read(text, lang)
    return found, frozenset(n.readings for n in found), frozenset().union(
        *(n.readings for n in found))


def values_of(text: str, lang: str) -> frozenset[frozenset[Decimal]]:
    """The reading sets of a masked text's numbers: texts with equal ones agree."""
    return _values(text, lang)[1]


def compare(source: str, source_lang: str, target: str, target_lang: str
            ) -> tuple[list[Number], list[Number]]:
    """(source numbers the target lacks, target numbers the source lacks), both texts
    masked. A number counts as present when the other text writes a number sharing a
    reading, or the value in words; repetition is no difference."""
    src, src_values, in_source = _values(source, source_lang)
    tgt, tgt_values, in_target = _values(target, target_lang)
    if src_values == tgt_values:
        return [], []  # the same values (the common case, and no number at all)
    missing = [n for n in src if n.readings.isdisjoint(in_target)]
    if missing:
        words = spelled(target, target_lang)
        missing = [n for n in missing if n.readings.isdisjoint(words)]
    extra = [n for n in tgt if n.readings.isdisjoint(in_source)]
    if extra:
        words = spelled(source, source_lang)
        extra = [n for n in extra if n.readings.isdisjoint(words)]
    if not missing and not extra:
        return [], []
    return _unique(missing), _unique(extra)


def _unique(found: list[Number]) -> list[Number]:
    return list({n.text: n for n in found}.values())


def agree(a: str, a_lang: str, b: str, b_lang: str) -> bool:
    """Whether two texts write the same numbers (`compare` finds nothing either way)."""
    missing, extra = compare(a, a_lang, b, b_lang)
    return not missing and not extra
