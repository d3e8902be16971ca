"""The language check: a translation that reads as another of the project's languages
(Spanish pasted into the French catalogue, the source left as it is), by langid.py's
model restricted to the project's languages."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ..errors import InputError
from ..languages import native_name, primary
from .base import WARNING, CheckContext
from .spelling import DICTIONARIES, HUNSPELL_DIR, open_dictionary, prose, word_list

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


_NOT_LETTERS = re.compile(r"[\W\d_]+")
# Lowercase words of the text its own language's dictionary knows, at or above which the
# text is taken to be in that language without asking langid.py (much slower).
KNOWN_SHARE = 0.9


def spelled_as(text: str, dictionary: Any, seen: dict[str, bool] | None = None) -> bool:
    """Whether nearly every lowercase word of `text` is a word of `dictionary`: a text
    in another language has most of its words unknown to it. `seen` remembers words."""
    lower = [w for w in word_list(text) if w.islower() and len(w) > 1]
    if len(lower) < 4:
        return False
    seen = {} if seen is None else seen
    known = 0
    for word in lower:
        found = seen.get(word)
        if found is None:
            found = seen[word] = bool(dictionary.check(word.replace("\u2019", "'")))
        known += found
    return known >= KNOWN_SHARE * len(lower)


def other_language(text: str, lang: str, languages: tuple[str, ...],
                   min_letters: int = MIN_LETTERS,
                   min_probability: float = MIN_PROBABILITY,
                   dictionary: Any = None,
                   seen: dict[str, bool] | None = None) -> tuple[str, float] | None:
    """The other project language `text` clearly reads as, with its probability; None
    when it reads as `lang`, or is too short or too close to call. With `lang`'s
    dictionary, a text nearly all of whose words it knows is not sent to langid.py."""
    plain = prose(text)
    if len(_NOT_LETTERS.sub("", plain)) < min_letters:
        return None
    if dictionary is not None and spelled_as(text, dictionary, seen):
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
        # langid.py's model (seconds to load) is read when a text first needs it: most
        # runs never do, their texts plainly in their language by the dictionaries.
        # The spelling check's dictionaries where installed (the same ones, opened once):
        # they spare langid.py the texts that are plainly in their language.
        self.dictionaries: dict[str, Any] = {}
        self.seen: dict[str, dict[str, bool]] = {}
        for lang in self.languages:
            name = DICTIONARIES.get(primary(lang), "")
            dic, aff = HUNSPELL_DIR / f"{name}.dic", HUNSPELL_DIR / f"{name}.aff"
            if name and dic.is_file() and aff.is_file():
                try:
                    self.dictionaries[primary(lang)] = open_dictionary(dic, aff)
                except (ImportError, InputError):
                    pass  # langid.py alone, as without the dictionaries

    def check(self, source: str, target: str, lang: str) -> list[str]:
        if len(self.languages) < 2:
            return []
        found = other_language(target, lang, self.languages, self.min_letters,
                               self.min_probability, self.dictionaries.get(primary(lang)),
                               self.seen.setdefault(primary(lang), {}))
        return [language_message(found, lang)] if found else []
