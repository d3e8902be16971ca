"""The project's terminology: glossary/terms.csv (columns ca,es,en,fr and an optional
severity) and glossary/do-not-translate.txt (one term a line), read once for the checks
and for machine translation."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .config import SEVERITIES
from .errors import InputError
from .fsutil import confine, read_text
from .languages import primary

WARNING = SEVERITIES[1]


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
        pattern = term_pattern(word)
        return any(pattern.search(t.forms.get(primary(source_lang), "")) for t in self.terms)


def term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])", re.IGNORECASE)


def load_glossary(root: Path, allow_outside: bool = False) -> Glossary:
    glossary = Glossary()
    folder = root / "glossary"
    terms_file = folder / "terms.csv"
    for path in (terms_file, folder / "do-not-translate.txt"):
        if path.is_symlink():
            confine(root.resolve(), path, allow_outside)
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
