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


# Acronyms that ca, es and fr write in their own order or words (en, ca, es, fr): the
# English form and each language's stand for one another. Lower-case forms (sida) match
# in any case; a form may take a plural -s.
OWN_FORMS: tuple[tuple[str, str, str, str], ...] = (
    ("EU", "UE", "UE", "UE"), ("UN", "ONU", "ONU", "ONU"), ("NATO", "OTAN", "OTAN", "OTAN"),
    ("NGO", "ONG", "ONG", "ONG"), ("WHO", "OMS", "OMS", "OMS"), ("IMF", "FMI", "FMI", "FMI"),
    ("ECB", "BCE", "BCE", "BCE"), ("EIB", "BEI", "BEI", "BEI"), ("OECD", "OCDE", "OCDE", "OCDE"),
    ("WTO", "OMC", "OMC", "OMC"), ("ILO", "OIT", "OIT", "OIT"), ("EP", "PE", "PE", "PE"),
    ("EC", "CE", "CE", "CE"), ("ECHR", "TEDH", "TEDH", "CEDH"), ("CJEU", "TJUE", "TJUE", "CJUE"),
    ("ECJ", "TJUE", "TJUE", "CJUE"), ("UNHCR", "ACNUR", "ACNUR", "HCR"),
    ("GDP", "PIB", "PIB", "PIB"), ("VAT", "IVA", "IVA", "TVA"), ("DNA", "ADN", "ADN", "ADN"),
    ("HIV", "VIH", "VIH", "VIH"), ("AIDS", "sida", "sida", "sida"), ("AI", "IA", "IA", "IA"),
    ("EEA", "EEE", "EEE", "EEE"), ("US", "EUA", "EE. UU.", "É.-U."),
    ("USA", "EUA", "EE. UU.", "É.-U."), ("UK", "RU", "RU", "R.-U."),
    ("SME", "pime", "pyme", "PME"), ("ID", "DNI", "DNI", "CNI"),
    ("EPPO", "Fiscalia Europea", "Fiscalía Europea", "Parquet européen"),
    ("OLAF", "OLAF", "OLAF", "OLAF"), ("UNODC", "UNODC", "UNODC", "ONUDC"),
    ("ICC", "CPI", "CPI", "CPI"), ("PPE", "EPI", "EPI", "EPI"),
)
_OWN_LANGS = ("en", "ca", "es", "fr")


def _own_forms() -> dict[tuple[str, str], set[str]]:
    """(acronym, target language) -> the forms the target language may write instead;
    any language's form of a row stands for every other's."""
    table: dict[tuple[str, str], set[str]] = {}
    for row in OWN_FORMS:
        for form in row:
            for lang, other in zip(_OWN_LANGS, row, strict=True):
                table.setdefault((form, lang), set()).add(other)
    return table


OWN = _own_forms()


def _uses(target: str, form: str) -> bool:
    flags = re.IGNORECASE if form.islower() else 0
    return re.search(r"(?<![\w-])" + re.escape(form) + r"s?(?![\w-])", target, flags) is not None


def acronyms(pair: Pair, glossary: Glossary) -> list[str]:
    """Each acronym of the source appears in the translation, as it is or in the target
    language's own form: its letters reordered (EU → UE), the glossary's term, or the
    built-in list (`OWN_FORMS`: NGO → ONG, UN → ONU, NATO → OTAN…)."""
    found = []
    runs: set[str] | None = None
    anagrams: set[str] = set()
    target: str | None = None
    target_lang = primary(pair.target_lang)
    for acronym in dict.fromkeys(_ACRONYM.findall(pair.source)):
        if sum(ch.isupper() for ch in acronym) < 2 or glossary.maps(acronym, pair.source_lang):
            continue
        if runs is None:
            runs = set(_RUN.findall(pair.target))
            # Each run's letters in order, once (asking every run for each acronym was
            # quadratic in a unit full of them).
            anagrams = {"".join(sorted(run)) for run in runs if run.isupper()}
        if acronym in runs:
            continue
        if "".join(sorted(acronym)) in anagrams:
            continue  # the same letters in the language's order
        forms = OWN.get((acronym, target_lang), ())
        if forms:
            if target is None:
                target = masked(pair.target)  # once: hashing a long text is no lookup
            if any(_uses(target, form) for form in forms):
                continue
        found.append(acronym)
    return [f"acronym(s) {', '.join(found)} missing from the translation"] if found else []
