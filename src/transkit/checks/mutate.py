"""Plant known errors in correct translations, to measure the checks: each mutation
targets one check id and says whether it applies to a unit. Used by the tests and by
benchmarks/bench_checks.py (recall per check on planted errors, false positives on clean
translations)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..languages import primary
from ..unit import PLACEHOLDER
from .base import Pair
from .units import NBSP, NNBSP, URL, email_spans, masked

if TYPE_CHECKING:
    pass
from ..project import Project

Mutation = Callable[[Pair, random.Random], str | None]


def _drop_placeholder(pair: Pair, rng: random.Random) -> str | None:
    found = PLACEHOLDER.findall(pair.target)
    if not found:
        return None
    closing, kind, number, _ = rng.choice(found)
    if kind == "x":
        return pair.target.replace(f"<x{number}/>", "", 1)
    return pair.target.replace(f"<g{number}>", "", 1).replace(f"</g{number}>", "", 1)


def _markup(pair: Pair, rng: random.Random) -> str | None:
    words = re.findall(r"[^\W\d_]{3,}", masked(pair.target))
    if not words:
        return None
    word = rng.choice(words)
    return pair.target.replace(word, f"<b>{word}</b>", 1)


# A scale word swapped for the next one: "29.000 milions" → "29.000 miliards".
_SCALE_SWAP = {"milions": "miliards", "millones": "millardos", "million": "billion",
               "millions": "milliards", "billion": "trillion", "milliards": "millions",
               "miliards": "milions", "millardos": "millones"}


def _digit(pair: Pair, rng: random.Random) -> str | None:
    """A digit changed, or (half the time, where there is one) the scale word after a
    number: the checks read "24.000 milions" as a value, so both change it."""
    spots = [m.start() for m in re.finditer(r"\d", masked(pair.target))]
    if not spots:
        return None
    scales = [m for m in re.finditer(r"(?<=\d )(" + "|".join(_SCALE_SWAP) + r")\b",
                                     pair.target)]
    if scales and rng.random() < 0.5:
        found = rng.choice(scales)
        return (pair.target[:found.start()] + _SCALE_SWAP[found.group(1)]
                + pair.target[found.end():])
    at = rng.choice(spots)
    digit = str((int(pair.target[at]) + rng.randint(1, 8)) % 10)
    return pair.target[:at] + digit + pair.target[at + 1:]


def _url(pair: Pair, rng: random.Random) -> str | None:
    found = URL.search(PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), pair.target))
    if not found:
        return None
    return pair.target[:found.start()] + "web" + pair.target[found.end():].lstrip("/")


def _email(pair: Pair, rng: random.Random) -> str | None:
    spans = email_spans(pair.target)
    if not spans:
        return None
    address = pair.target[spans[0][0]:spans[0][1]]
    return pair.target.replace(address, address.replace("@", "@mail.", 1), 1)


def _end(pair: Pair, rng: random.Random) -> str | None:
    stripped = pair.target.rstrip()
    body = PLACEHOLDER.sub("", stripped).rstrip("»”\"')")
    if not body or body[-1] not in ".?!:;…":
        return None
    index = stripped.rfind(body[-1])
    return stripped[:index] + stripped[index + 1:]


def _inverted(pair: Pair, rng: random.Random) -> str | None:
    if primary(pair.target_lang) != "es" or not re.search("[¿¡]", pair.target):
        return None
    return re.sub("[¿¡]", "", pair.target, count=1)


def _french_space(pair: Pair, rng: random.Random) -> str | None:
    if primary(pair.target_lang) != "fr":
        return None
    spots = [m.start() for m in re.finditer(f"[{NBSP}{NNBSP}](?=[;:!?»])|(?<=«)[{NBSP}{NNBSP}]",
                                            pair.target)]
    if not spots:
        return None
    at = rng.choice(spots)
    replacement = rng.choice([" ", ""])
    return pair.target[:at] + replacement + pair.target[at + 1:]


def _quotes(pair: Pair, rng: random.Random) -> str | None:
    if "«" in pair.target:
        return pair.target.replace("«", "\"", 1).replace("»", "\"", 1)
    if "“" in pair.target:
        return pair.target.replace("“", "«", 1).replace("”", "»", 1)
    return None


def _middle_dot(pair: Pair, rng: random.Random) -> str | None:
    if primary(pair.target_lang) != "ca" or "l·l" not in pair.target:
        return None
    return pair.target.replace("l·l", rng.choice(["l.l", "l•l", "l. l"]), 1)


def _whitespace(pair: Pair, rng: random.Random) -> str | None:
    if not pair.target.strip():
        return None
    choice = rng.choice(["lead", "trail", "double"])
    if choice == "lead":
        return " " + pair.target
    if choice == "trail":
        return pair.target + " "
    spaces = [m.start() for m in re.finditer(" ", pair.target)]
    if not spaces:
        return pair.target + " "
    at = rng.choice(spaces)
    return pair.target[:at] + " " + pair.target[at:]


def _untranslated(pair: Pair, rng: random.Random) -> str | None:
    words = re.findall(r"[^\W\d_]+", masked(pair.source))
    if not words or all(w[:1].isupper() for w in words) or pair.source == pair.target:
        return None
    return pair.source


def _truncate(pair: Pair, rng: random.Random) -> str | None:
    if len(PLACEHOLDER.sub("", pair.source).strip()) < 40 or PLACEHOLDER.search(pair.target):
        return None
    return pair.target.split()[0] + "."


def _double(pair: Pair, rng: random.Random) -> str | None:
    words = [m for m in re.finditer(r"(?<![\w<])[^\W\d_]{3,}(?![\w>])", masked(pair.target))
             if m.group(0).lower() not in ("nous", "vous", "that", "had")]
    if not words:
        return None
    word = rng.choice(words)
    return pair.target[:word.end()] + " " + word.group(0) + pair.target[word.end():]


def _bracket(pair: Pair, rng: random.Random) -> str | None:
    if ")" not in pair.target:
        return None
    return pair.target.replace(")", "", 1)


def _control(pair: Pair, rng: random.Random) -> str | None:
    at = rng.randrange(len(pair.target) + 1)
    return pair.target[:at] + rng.choice("\x1b\x07\x00\x85") + pair.target[at:]


def _override(pair: Pair, rng: random.Random) -> str | None:
    at = rng.randrange(len(pair.target) + 1)
    return pair.target[:at] + rng.choice("\u202e\u202d\u2067") + pair.target[at:]


MUTATIONS: dict[str, Mutation] = {
    "control-characters": _control,
    "bidi": _override,
    "placeholders": _drop_placeholder,
    "unsafe-markup": _markup,
    "numbers": _digit,
    "urls": _url,
    "emails": _email,
    "end-punctuation": _end,
    "spanish-inverted-marks": _inverted,
    "french-spacing": _french_space,
    "quotes": _quotes,
    "catalan-middle-dot": _middle_dot,
    "whitespace": _whitespace,
    "unchanged": _untranslated,
    "length": _truncate,
    "doubled-word": _double,
    "brackets": _bracket,
}


@dataclass
class Planted:
    check: str
    pair: Pair
    mutated: str


def plant(pairs: list[Pair], rng: random.Random, per_check: int = 50) -> list[Planted]:
    """Up to `per_check` mutants per check, each one error planted in one correct unit."""
    planted: list[Planted] = []
    for check, mutation in MUTATIONS.items():
        candidates = pairs[:]
        rng.shuffle(candidates)
        count = 0
        for pair in candidates:
            mutated = mutation(pair, rng)
            if mutated is None or mutated == pair.target:
                continue
            planted.append(Planted(check, pair, mutated))
            count += 1
            if count >= per_check:
                break
    return planted


# --- measuring ---------------------------------------------------------------------------

@dataclass
class Score:
    planted: int = 0
    detected: int = 0

    @property
    def recall(self) -> float:
        return self.detected / self.planted if self.planted else 1.0


def demo_pairs(project: Project) -> list[Pair]:
    """Every translated unit of the project as a Pair."""
    from .. import catalog

    pairs: list[Pair] = []
    for ref in project.catalogues():
        for entry in catalog.load(ref.path):
            if entry.translated and entry.msgid_plural is None:
                pairs.append(Pair(entry.msgid, entry.msgstr, ref.source_language, ref.lang))
    return pairs


def unit_recall(project: Project, seed: int = 7, per_check: int = 50) -> dict[str, Score]:
    """Recall of each per-unit check on errors planted in the project's translations."""
    from ..glossary import load_glossary
    from . import unit_checks
    from .glossary import glossary_check

    config = project.config
    checks = unit_checks(project)
    glossary = load_glossary(project.root, config.allow_outside)
    pairs = demo_pairs(project)
    scores: dict[str, Score] = {check: Score() for check in MUTATIONS}
    for planted in plant(pairs, random.Random(seed), per_check):
        mutant = Pair(planted.pair.source, planted.mutated, planted.pair.source_lang,
                      planted.pair.target_lang)
        score = scores[planted.check]
        score.planted += 1
        score.detected += bool(checks[planted.check](mutant))
    # Glossary terms: replace the target term of a unit that uses one.
    scores["glossary"] = Score()
    for pair in pairs:
        for term in glossary.terms:
            source_form = term.forms.get(primary(pair.source_lang))
            target_form = term.forms.get(primary(pair.target_lang))
            if not source_form or not target_form:
                continue
            if source_form.lower() in pair.source.lower() and target_form in pair.target:
                mutant = Pair(pair.source, pair.target.replace(target_form, "XXX"),
                              pair.source_lang, pair.target_lang)
                scores["glossary"].planted += 1
                scores["glossary"].detected += bool(glossary_check(mutant, glossary))
    return scores


def false_positives(project: Project) -> dict[str, int]:
    """Findings per check on the project as it is (clean translations: should be none)."""
    from . import run_checks

    counts: dict[str, int] = {}
    for finding in run_checks(project, min_severity="warning").findings:
        counts[finding.check] = counts.get(finding.check, 0) + 1
    return counts
