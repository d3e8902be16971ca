"""The language check: a translation that reads as another of the project's languages
(Spanish pasted into the French catalogue, the source left as it is), by langid.py's
model restricted to the project's languages."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..errors import InputError
from ..languages import native_name, primary
from .base import WARNING, CheckContext
from .spelling import prose

# Below this many letters langid.py guesses: titles, labels and names are left alone.
MIN_LETTERS = 40
# Only a decision this sure is reported (probabilities normalised over the languages).
MIN_PROBABILITY = 0.99


@cache
def identifier(languages: tuple[str, ...]) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    found = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    found.set_languages(list(languages))
    return found


def candidates(languages: tuple[str, ...], lang: str) -> tuple[str, ...]:
    return tuple(sorted({primary(x) for x in languages} | {primary(lang)}))


def other_language(text: str, lang: str, languages: tuple[str, ...],
                   min_letters: int = MIN_LETTERS,
                   min_probability: float = MIN_PROBABILITY) -> tuple[str, float] | None:
    """The other project language `text` clearly reads as, with its probability; None
    when it reads as `lang`, or is too short or too close to call."""
    plain = prose(text)
    if sum(ch.isalpha() for ch in plain) < min_letters:
        return None
    found, probability = identifier(candidates(languages, lang)).classify(plain)
    if found == primary(lang) or probability < min_probability:
        return None
    return str(found), float(probability)


def language_message(found: tuple[str, float], lang: str) -> str:
    code, probability = found
    return (f"reads as {native_name(code)} ({code}, {probability:.3f}), not "
            f"{native_name(primary(lang))}")


class LanguageCheck:
    """The `language` check; `[checks.language]` may set `min_letters` and
    `min_probability` (defaults 40 and 0.99)."""

    id = "language"
    severity = WARNING
    description = ("a translation that reads as another of the project's languages "
                   "(langid.py, long and sure enough)")

    def __init__(self, context: CheckContext) -> None:
        self.languages = tuple(context.languages)
        settings = dict(context.settings)
        unknown = set(settings) - {"min_letters", "min_probability"}
        if unknown:
            raise InputError(f"[checks.language]: unknown key {sorted(unknown)[0]!r} "
                             "(min_letters, min_probability)")
        letters, probability = (settings.get("min_letters", MIN_LETTERS),
                                settings.get("min_probability", MIN_PROBABILITY))
        if not isinstance(letters, int) or isinstance(letters, bool) or letters < 1:
            raise InputError("[checks.language] min_letters must be a positive integer")
        if not isinstance(probability, int | float) or not 0 < probability <= 1:
            raise InputError("[checks.language] min_probability must be in (0, 1]")
        self.min_letters, self.min_probability = letters, float(probability)
        # Loaded here, once: the workers of a large run are forked from this process.
        for lang in self.languages:
            identifier(candidates(self.languages, lang))

    def check(self, source: str, target: str, lang: str) -> list[str]:
        if len(self.languages) < 2:
            return []
        found = other_language(target, lang, self.languages, self.min_letters,
                               self.min_probability)
        return [language_message(found, lang)] if found else []
