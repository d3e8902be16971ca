"""The spelling check: the words of a translation looked up in Debian's Hunspell
dictionaries (through pyenchant), less what is not prose or is known to be right."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..fsutil import confine, read_text
from ..glossary import Glossary
from ..languages import primary
from ..unit import PLACEHOLDER
from .base import WARNING, CheckContext
from .units import EMAIL, MARKUP, URL

HUNSPELL_DIR = Path("/usr/share/hunspell")

# The dictionary each language uses unless `[checks.spelling]` names another, and the
# Debian package that ships it; "ca-valencia" is the Valencian dictionary of hunspell-ca.
DICTIONARIES = {"ca": "ca", "es": "es_ES", "fr": "fr", "en": "en_US", "de": "de_DE"}
ALIASES = {"ca-valencia": "ca_ES-valencia", "valencia": "ca_ES-valencia"}
PACKAGES = {"ca": "hunspell-ca", "es": "hunspell-es", "fr": "hunspell-fr",
            "en": "hunspell-en-us", "de": "hunspell-de-de"}

# Catalan and French elisions: the article, preposition or pronoun before the apostrophe
# is right as it is; the rest of the word is checked.
ELISIONS = frozenset({"l", "d", "qu", "s", "n", "m", "t", "j", "c", "lorsqu", "puisqu",
                      "jusqu", "quoiqu"})
ELIDING = frozenset({"ca", "fr"})
# Catalan pronouns after an apostrophe at the end of a verb ("posar'ls", "deixa'm").
ENCLITICS = frozenset({"l", "ls", "m", "n", "ns", "s", "t", "hi", "ho", "en", "el", "les"})

MAX_WORD = 100  # Hunspell's MAXWORDLEN: a longer token is no word
APOSTROPHES = "'\u2019\u02bc"
# What is not prose is blanked before the words are read: placeholders, markup and
# entities, addresses.
_NOT_PROSE = (PLACEHOLDER, MARKUP, URL, EMAIL)
# A token: letters, digits and the joiners inside words (apostrophes, hyphens, periods of
# "EE. UU." or "europol.europa.eu", the middle dot of Catalan "l·l").
_TOKEN = re.compile(r"[\w'\u2019\u02bc\u00b7.\u2010\u2011-]+")
_HYPHENS = re.compile(r"[\u2010\u2011-]")
_NOT_A_WORD = re.compile(r"[\d_]")
_EDGES = "'\u2019\u02bc.\u00b7\u2010\u2011-_"


def prose(text: str) -> str:
    """`text` with placeholders, markup, URLs and e-mail addresses blanked out."""
    for pattern in _NOT_PROSE:
        if pattern is EMAIL and "@" not in text:
            continue
        text = pattern.sub(" ", text)
    return text


def words(text: str) -> Iterator[str]:
    """The tokens of `text` a dictionary can judge: no number, nothing with a digit
    ("COVID-19", "4G"), no domain name or dotted abbreviation."""
    for match in _TOKEN.finditer(prose(text)):
        token = match.group().strip(_EDGES)
        if not token or "." in token or _NOT_A_WORD.search(token):
            continue  # a number, a domain or an abbreviation ("nomoreransom.org", "p.ex")
        yield token


@lru_cache(maxsize=8)
def word_list(text: str) -> tuple[str, ...]:
    """`words(text)`, remembered for the few texts last asked: the spelling and language
    checks read each translation in turn."""
    return tuple(words(text))


def _is_acronym(word: str) -> bool:
    """"EMPACT", "EE", "J-CAT", and names written with inner capitals ("WannaCry")."""
    letters = [ch for ch in word if ch.isalpha()]
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return True
    # A capital after a small letter in a capitalised word: "WannaCry", "YouTube"; not
    # "lNews" nor "aBrcelone", which are typos.
    return word[:1].isupper() and any(
        a.islower() and b.isupper() for a, b in zip(word, word[1:], strict=False))


def _glossary_words(glossary: Glossary) -> set[str]:
    accepted: set[str] = set()
    for term in glossary.terms:
        for form in term.forms.values():
            accepted.update(_split_words(form))
        for forms in term.admitted.values():
            for form in forms:
                accepted.update(_split_words(form))
    for name in glossary.keep:
        accepted.update(_split_words(name))
    return accepted


def _split_words(text: str) -> Iterator[str]:
    for token in words(text):
        yield token
        yield from (part for part in _HYPHENS.split(token) if part)


def read_word_list(path: Path) -> set[str]:
    """glossary/spelling-<lang>.txt: one word a line, `#` comments. Bad UTF-8 or a line
    with a space is `InputError(path, line)`."""
    found: set[str] = set()
    for number, line in enumerate(read_text(path).splitlines(), 1):
        word = line.strip()
        if not word or word.startswith("#"):
            continue
        if any(ch.isspace() for ch in word):
            raise InputError("one word a line (this one has a space)", path, number)
        found.add(word.replace("\u2019", "'"))
    return found


def dictionary_name(lang: str, settings: Mapping[str, Any]) -> str:
    name = settings.get(lang, settings.get(primary(lang), DICTIONARIES.get(primary(lang),
                                                                       primary(lang))))
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z]{2,3}(?:[_@-][\w-]+)*", name):
        raise InputError(f"[checks.spelling] {lang} must name a Hunspell dictionary "
                         f"(\"{DICTIONARIES.get(primary(lang), 'ca')}\", \"ca-valencia\"…), "
                         f"not {name!r}")
    return ALIASES.get(name, name)


def dictionary_files(name: str, lang: str) -> tuple[Path, Path]:
    """The .dic and .aff files of the Hunspell dictionary `name`; missing ones, or a
    missing libenchant, are `InputError` naming the Debian package to install."""
    package = PACKAGES.get(primary(lang), f"hunspell-{primary(lang)}")
    dic, aff = HUNSPELL_DIR / f"{name}.dic", HUNSPELL_DIR / f"{name}.aff"
    if not dic.is_file() or not aff.is_file():
        raise InputError(f"spelling: no Hunspell dictionary {name!r} for {lang} ({dic}): "
                         f"install the Debian package {package} (`make spelling`)")
    try:
        import enchant  # noqa: F401
    except ImportError:
        raise InputError("spelling: libenchant is missing: install the Debian package "
                         "libenchant-2-2 (`make spelling`)") from None
    return dic, aff


@cache
def open_dictionary(dic: Path, aff: Path) -> Any:
    """The Hunspell dictionary of these files, through pyenchant.

    Enchant finds a dictionary by a normalised tag, under which "ca_ES-valencia" cannot be
    named, and may answer a tag with another provider's (aspell) or a fallback language's
    dictionary: the file is made visible under an alias in a private configuration folder,
    read, and the folder removed (Hunspell keeps the dictionary in memory). Opened once
    per process, for every check that looks words up."""
    import enchant

    alias = "zz_TRANSKIT"  # no real dictionary answers this tag
    folder = tempfile.mkdtemp(prefix="transkit-enchant-")
    previous = os.environ.get("ENCHANT_CONFIG_DIR")
    try:
        os.mkdir(os.path.join(folder, "hunspell"))
        os.symlink(dic, os.path.join(folder, "hunspell", f"{alias}.dic"))
        os.symlink(aff, os.path.join(folder, "hunspell", f"{alias}.aff"))
        os.environ["ENCHANT_CONFIG_DIR"] = folder
        broker = enchant.Broker()
        broker.set_ordering(alias, "hunspell")
        try:
            return broker.request_dict(alias)
        except enchant.errors.Error as exc:
            raise InputError(f"spelling: Hunspell cannot read {dic} ({exc})") from None
    finally:
        if previous is None:
            os.environ.pop("ENCHANT_CONFIG_DIR", None)
        else:
            os.environ["ENCHANT_CONFIG_DIR"] = previous
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Speller:
    """One language's dictionary with the project's word list and glossary."""

    lang: str
    files: tuple[Path, Path]  # .dic, .aff: opened on first use (a run may not need it)
    accepted: set[str] = field(default_factory=set)
    _known: dict[str, bool] = field(default_factory=dict)
    _tokens: dict[str, bool] = field(default_factory=dict)  # a token's verdict, source aside
    # A wrong token's parts (_elided_parts) that are not right by themselves either: only
    # these are looked for in the source.
    _parts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _dictionary: Any = None

    @property
    def dictionary(self) -> Any:
        if self._dictionary is None:
            self._dictionary = open_dictionary(*self.files)
        return self._dictionary

    def known(self, word: str) -> bool:
        """Whether the dictionary or the project accepts `word` as it is (a lowercase entry
        of the word list also accepts its capitalised and upper-case forms)."""
        found = self._known.get(word)
        if found is None:
            plain = word.replace("\u2019", "'").replace("\u02bc", "'")
            found = (plain in self.accepted or plain.lower() in self.accepted
                     or bool(self.dictionary.check(plain))
                     or (plain != word and bool(self.dictionary.check(word))))
            self._known[word] = found
        return found

    def correct(self, token: str) -> bool:
        """The token as a whole, or after its elision, or each part of a compound; none
        longer than Hunspell's longest word (which also bounds the recursion)."""
        if len(token) > MAX_WORD:
            return False
        if self.known(token):
            return True
        plain = token.replace("\u2019", "'").replace("\u02bc", "'")
        if "'" in plain and primary(self.lang) in ELIDING:
            head, _, rest = plain.partition("'")
            if head.lower() in ELISIONS and rest:
                return self.correct(rest)
            stem, _, tail = plain.rpartition("'")
            if tail.lower() in ENCLITICS and stem:
                return self.correct(stem)
        if _HYPHENS.search(plain):
            parts = [p for p in _HYPHENS.split(plain) if p]
            return bool(parts) and all(self.correct(p) for p in parts)
        return False

    def misspelt(self, source: str, target: str,
                 source_speller: Speller | None = None) -> list[str]:
        """The words of `target` neither the dictionary nor the project accepts, once
        each, in order; words that stand in `source` as they are count as right (names),
        unless they are plain lowercase words of the source language's dictionary
        (`source_speller`): those are the source left untranslated, or a typo that
        happens to make one ("febrer" for "febrero")."""
        source_words: set[str] | None = None
        found: dict[str, None] = {}
        verdicts = self._tokens
        for token in word_list(target):
            right = verdicts.get(token)
            if right is None:
                right = verdicts[token] = _is_acronym(token) or self.correct(token)
            if right or token in found:
                continue
            if source_words is None:
                source_words = {part for token in words(source)
                                for part in (token, *_elided_parts(token, self.lang))}
                if source_speller is not None and source_speller is not self:
                    source_words = {w for w in source_words if not (
                        w.islower() and source_speller.known(w))}
            if token in source_words:
                continue
            unresolved = self._parts.get(token)
            if unresolved is None:
                unresolved = self._parts[token] = tuple(
                    part for part in _elided_parts(token, self.lang)
                    if not (self.correct(part) or _is_acronym(part)))
            if all(part in source_words for part in unresolved):
                continue
            found[token] = None
        return list(found)

    def suggestions(self, word: str, limit: int = 3) -> list[str]:
        return [s for s in self.dictionary.suggest(word.replace("\u2019", "'"))][:limit]


@lru_cache(maxsize=65536)
def _elided_parts(token: str, lang: str) -> tuple[str, ...]:
    """The parts a name in an elided or compound token stands for ("d'Europol" →
    ("Europol",), "Europol-Eurojust" → both names); remembered (asked of every word of a
    source whose translation has a word to look for)."""
    plain = token.replace("\u2019", "'").replace("\u02bc", "'")
    if "'" in plain and primary(lang) in ELIDING:
        head, _, rest = plain.partition("'")
        if head.lower() in ELISIONS and rest:
            plain = rest
    return tuple(p for p in _HYPHENS.split(plain) if p) or (plain,)


def load_speller(root: Path, lang: str, glossary: Glossary, settings: Mapping[str, Any],
                 allow_outside: bool = False) -> Speller:
    files = dictionary_files(dictionary_name(lang, settings), lang)
    accepted = _glossary_words(glossary)
    word_list = root / "glossary" / f"spelling-{primary(lang)}.txt"
    if word_list.is_symlink():
        confine(root.resolve(), word_list, allow_outside)
    if word_list.exists():
        accepted |= read_word_list(word_list)
    return Speller(lang, files, accepted)


def spelling_messages(speller: Speller, source: str, target: str,
                      suggest: bool = False, source_speller: Speller | None = None) -> list[str]:
    messages = []
    for word in speller.misspelt(source, target, source_speller):
        shown = word if len(word) <= 60 else word[:60] + "…"
        message = f"'{shown}' is not in the {speller.lang} dictionary"
        if suggest:
            found = speller.suggestions(word)
            message += f" (suggestions: {', '.join(found)})" if found else " (no suggestion)"
        messages.append(message)
    return messages


def count_words(texts: Iterable[str]) -> int:
    return sum(1 for text in texts for _ in words(text))


class SpellingCheck:
    """The `spelling` check (see the module's docstring); `[checks.spelling]` names a
    language's dictionary (`ca = "ca-valencia"`)."""

    id = "spelling"
    severity = WARNING
    description = ("words in no Hunspell dictionary (Debian's), the source, the glossary "
                   "or glossary/spelling-<lang>.txt")

    def __init__(self, context: CheckContext) -> None:
        for key in context.settings:
            if primary(key) not in {primary(x) for x in context.languages}:
                raise InputError(f"[checks.spelling] {key}: not one of the project's "
                                 f"languages ({', '.join(context.languages)})")
        self.suggest = context.suggest
        self.spellers = {primary(lang): load_speller(context.root, lang, context.glossary,
                                                     context.settings, context.allow_outside)
                         for lang in context.languages}
        # Opened here, in the process that builds the checks: the workers of a large run
        # are forked from it and share the dictionaries instead of each reading them.
        for speller in self.spellers.values():
            speller.dictionary  # noqa: B018

    def check(self, source: str, target: str, lang: str, *, source_lang: str = "") -> list[str]:
        speller = self.spellers.get(primary(lang))
        if speller is None:
            return []  # a language the project does not declare: nothing to check with
        return spelling_messages(speller, source, target, self.suggest,
                                 self.spellers.get(primary(source_lang)))
