"""The glossary checks: source terms translated as glossary/terms.csv says, acronyms kept
(the glossary itself is read by transkit.glossary)."""

from __future__ import annotations

import re

from ..glossary import Glossary
from ..languages import primary
from .base import WARNING, Pair
from .units import masked


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


def glossary_check(pair: Pair, glossary: Glossary) -> list[tuple[str, str]]:
    """(severity, message) for each glossary term the translation does not use."""
    problems = []
    src, tgt = primary(pair.source_lang), primary(pair.target_lang)
    for term in glossary.terms:
        source_form, target_form = term.forms.get(src), term.forms.get(tgt)
        if not source_form or not target_form:
            continue
        if _inflected(source_form).search(masked(pair.source)) and not any(
                _inflected(form).search(masked(pair.target))
                for form in (target_form, *term.admitted.get(tgt, ()))):
            problems.append((term.severity, f"'{source_form}' should be '{target_form}' "
                                            f"(glossary/terms.csv:{term.line})"))
    for term in glossary.terms:
        for form in term.forbidden.get(tgt, ()):
            if _inflected(form).search(masked(pair.target)):
                preferred = term.forms.get(tgt)
                problems.append((term.severity, f"'{form}' is a forbidden term"
                                 + (f", use '{preferred}'" if preferred else "")
                                 + f" (glossary/terms.csv:{term.line})"))
    source_text, target_text = masked(pair.source), masked(pair.target)
    for word in glossary.keep:
        # Exact case, outside addresses: "europol" in a URL is not the name.
        if re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", source_text) and (
                word not in target_text):
            problems.append((WARNING,
                             f"'{word}' is not to be translated (glossary/do-not-translate.txt)"))
    return problems


_ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*[A-Z0-9](?![\w-])")


# An acronym is made of these characters: it stands alone in a text where it is a whole
# run of them, so the runs of the translation are read once (a search per acronym was
# quadratic in a long unit full of them).
_RUN = re.compile(r"[\w-]+")


def acronyms(pair: Pair, glossary: Glossary) -> list[str]:
    found = []
    runs: set[str] | None = None
    for acronym in dict.fromkeys(_ACRONYM.findall(pair.source)):
        if sum(ch.isupper() for ch in acronym) < 2 or glossary.maps(acronym, pair.source_lang):
            continue
        if runs is None:
            runs = set(_RUN.findall(pair.target))
        if acronym not in runs:
            found.append(acronym)
    return [f"acronym(s) {', '.join(found)} missing from the translation"] if found else []
