"""Terminology: glossary/terms.csv (columns ca,es,en,fr and an optional severity) and
glossary/do-not-translate.txt (one term a line), shared with machine translation."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..fsutil import read_text
from ..languages import primary
from .base import SEVERITIES, WARNING, Pair
from .units import masked


@dataclass
class Term:
    forms: dict[str, str]
    severity: str = WARNING
    line: int = 0


@dataclass
class Glossary:
    terms: list[Term] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)  # do not translate

    def maps(self, word: str, source_lang: str) -> bool:
        """Whether a glossary term of the source language contains `word` ("EE" in
        "EE. UU."): the glossary then says how to translate it."""
        pattern = _pattern(word)
        return any(pattern.search(t.forms.get(primary(source_lang), "")) for t in self.terms)


def _pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])", re.IGNORECASE)


def _inflected(term: str) -> re.Pattern[str]:
    """A glossary term in the singular or plural: each word of four letters or more may
    end in -s, -es, or swap its last vowel for -es ("mula" / "mules", "rançongiciels")."""
    parts = []
    for word in term.split():
        if len(word) >= 4 and word.isalpha():
            parts.append(re.escape(word[:-1]) + "(?:" + re.escape(word[-1]) + ")?(?:e?s)?")
        else:
            parts.append(re.escape(word))
    return re.compile(r"(?<![\w-])" + r"\s+".join(parts) + r"(?![\w-])", re.IGNORECASE)


def load_glossary(root: Path) -> Glossary:
    glossary = Glossary()
    folder = root / "glossary"
    terms_file = folder / "terms.csv"
    if terms_file.exists():
        reader = csv.DictReader(io.StringIO(read_text(terms_file)))
        if not reader.fieldnames or not {"ca", "es", "en", "fr"} & set(reader.fieldnames):
            raise InputError("expected a header with language columns (ca,es,en,fr)",
                             terms_file, 1)
        for number, row in enumerate(reader, 2):
            severity = (row.pop("severity", "") or WARNING).strip().lower()
            if severity not in SEVERITIES:
                raise InputError(f"unknown severity {severity!r}", terms_file, number)
            forms = {k.strip(): (v or "").strip() for k, v in row.items()
                     if k and (v or "").strip()}
            if len(forms) >= 2:
                glossary.terms.append(Term(forms, severity, number))
    keep_file = folder / "do-not-translate.txt"
    if keep_file.exists():
        glossary.keep = [line.strip() for line in read_text(keep_file).splitlines()
                         if line.strip() and not line.startswith("#")]
    return glossary


def glossary_check(pair: Pair, glossary: Glossary) -> list[tuple[str, str]]:
    """(severity, message) for each glossary term the translation does not use."""
    problems = []
    src, tgt = primary(pair.source_lang), primary(pair.target_lang)
    for term in glossary.terms:
        source_form, target_form = term.forms.get(src), term.forms.get(tgt)
        if not source_form or not target_form:
            continue
        if _inflected(source_form).search(masked(pair.source)) and not _inflected(
                target_form).search(masked(pair.target)):
            problems.append((term.severity, f"'{source_form}' should be '{target_form}' "
                                            f"(glossary/terms.csv:{term.line})"))
    source_text, target_text = masked(pair.source), masked(pair.target)
    for word in glossary.keep:
        # Exact case, outside addresses: "europol" in a URL is not the name.
        if re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", source_text) and (
                word not in target_text):
            problems.append((WARNING,
                             f"'{word}' is not to be translated (glossary/do-not-translate.txt)"))
    return problems


_ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*[A-Z0-9](?![\w-])")


def acronyms(pair: Pair, glossary: Glossary) -> list[str]:
    found = []
    for acronym in dict.fromkeys(_ACRONYM.findall(pair.source)):
        if sum(ch.isupper() for ch in acronym) < 2 or glossary.maps(acronym, pair.source_lang):
            continue
        if not re.search(r"(?<![\w-])" + re.escape(acronym) + r"(?![\w-])", pair.target):
            found.append(acronym)
    return [f"acronym(s) {', '.join(found)} missing from the translation"] if found else []
