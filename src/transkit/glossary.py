"""The project's terminology: glossary/terms.csv (columns ca,es,en,fr, an optional
severity, and optional definition-<lang>, admitted-<lang> and forbidden-<lang> columns)
and glossary/do-not-translate.txt (one term a line), read once for the checks and for
machine translation, written back by `transkit glossary import`."""

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


# The per-language columns beside the preferred forms: `definition-fr` (text),
# `admitted-fr` and `forbidden-fr` (forms separated by " | ").
KINDS = ("definition", "admitted", "forbidden")
SEPARATOR = " | "


@dataclass
class Term:
    forms: dict[str, str]  # the preferred form in each language
    severity: str = WARNING
    line: int = 0
    admitted: dict[str, list[str]] = field(default_factory=dict)  # other accepted forms
    forbidden: dict[str, list[str]] = field(default_factory=dict)  # forms not to use
    definitions: dict[str, str] = field(default_factory=dict)


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
            term = Term({}, severity, number)
            for key, value in row.items():
                key, value = (key or "").strip(), (value or "").strip()
                if not key or not value:
                    continue
                kind, _, lang = key.partition("-")
                if kind not in KINDS or not lang:
                    term.forms[key] = value
                elif kind == "definition":
                    term.definitions[lang] = value
                else:
                    forms = [f.strip() for f in value.split("|") if f.strip()]
                    (term.admitted if kind == "admitted" else term.forbidden)[lang] = forms
            if len(term.forms) >= 2 or (term.forms and (term.forbidden or term.definitions)):
                glossary.terms.append(term)
    keep_file = folder / "do-not-translate.txt"
    if keep_file.exists():
        glossary.keep = [line.strip() for line in read_text(keep_file).splitlines()
                         if line.strip() and not line.startswith("#")]
    return glossary


def glossary_files(glossary: Glossary, languages: tuple[str, ...]) -> tuple[bytes, bytes]:
    """terms.csv and do-not-translate.txt as `load_glossary` reads them back."""
    langs = list(languages) + sorted({lang for t in glossary.terms for lang in t.forms}
                                     - set(languages))
    extra = [f"{kind}-{lang}" for kind, attribute in zip(KINDS, ("definitions", "admitted",
                                                                  "forbidden"), strict=True)
             for lang in langs if any(lang in getattr(t, attribute) for t in glossary.terms)]
    header = langs + ["severity"] + extra
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for term in glossary.terms:
        row = [term.forms.get(lang, "") for lang in langs]
        row.append(term.severity)
        for column in extra:
            kind, _, lang = column.partition("-")
            if kind == "definition":
                row.append(term.definitions.get(lang, ""))
            else:
                forms = (term.admitted if kind == "admitted" else term.forbidden).get(lang, [])
                row.append(SEPARATOR.join(forms))
        writer.writerow(row)
    keep = "".join(f"{name}\n" for name in glossary.keep)
    return out.getvalue().encode("utf-8"), keep.encode("utf-8")
