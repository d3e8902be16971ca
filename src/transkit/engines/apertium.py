"""Apertium, offline: one process (or a two-stage chain) per language pair and run, fed our
own stream (`-f none`) so placeholders, specials and unit boundaries survive it."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
from functools import cache
from typing import Any, NamedTuple

from ..languages import primary
from ..unit import PLACEHOLDER
from . import MTError

# ISO 639-1 → 639-3 codes for the languages Apertium's mode names use (either form).
_ISO3 = {"ca": "cat", "es": "spa", "en": "eng", "fr": "fra", "pt": "por", "it": "ita",
         "gl": "glg", "oc": "oci", "eu": "eus", "de": "deu", "nl": "nld", "ro": "ron",
         "an": "arg", "ar": "ara", "sv": "swe", "da": "dan", "nb": "nob", "nn": "nno",
         "eo": "epo", "br": "bre", "cy": "cym", "ga": "gle", "mt": "mlt", "is": "isl",
         "ru": "rus", "uk": "ukr", "be": "bel", "kk": "kaz", "tt": "tat", "sc": "srd",
         "co": "cos", "sq": "sqi", "hi": "hin", "ur": "urd", "id": "ind", "ms": "msa"}
_ISO1 = {v: k for k, v in _ISO3.items()}

# The Debian package holding each pair (both directions), named when a pair is missing.
_PACKAGED = {"apertium-spa-cat": ("ca", "es"), "apertium-eng-cat": ("en", "ca"),
             "apertium-fra-cat": ("fr", "ca"), "apertium-eng-spa": ("en", "es"),
             "apertium-fr-es": ("fr", "es"), "apertium-por-cat": ("pt", "ca"),
             "apertium-es-pt": ("es", "pt"), "apertium-pt-gl": ("pt", "gl"),
             "apertium-es-gl": ("es", "gl"), "apertium-en-gl": ("en", "gl"),
             "apertium-oc-ca": ("oc", "ca"), "apertium-oc-es": ("oc", "es"),
             "apertium-oci-fra": ("oc", "fr"), "apertium-spa-ita": ("es", "it"),
             "apertium-cat-ita": ("ca", "it"), "apertium-arg-cat": ("an", "ca"),
             "apertium-spa-arg": ("es", "an"), "apertium-spa-ast": ("es", "ast"),
             "apertium-eu-es": ("eu", "es"), "apertium-eu-en": ("eu", "en"),
             "apertium-es-ro": ("es", "ro"), "apertium-br-fr": ("br", "fr"),
             "apertium-eo-ca": ("eo", "ca"), "apertium-eo-en": ("eo", "en"),
             "apertium-eo-es": ("eo", "es"), "apertium-eo-fr": ("eo", "fr"),
             "apertium-cat-srd": ("ca", "sc"), "apertium-srd-ita": ("sc", "it")}
PACKAGES = {frozenset(pair): package for package, pair in _PACKAGED.items()}

# chrF of Apertium drafts against human translations: the pair-quality table pivots are
# chosen by. Measured by benchmarks/bench_mt.py on the demo's bulletins (55 units with
# all four languages; copying the source scores 26-54); a pair without a direct mode is
# measured through its chain. Refresh it for a project with `[mt.apertium.quality]`
# ("es-ca" = 89.5), which the benchmark prints from a run on the project's translations.
QUALITY: dict[tuple[str, str], float] = {
    ("ca", "en"): 57.0, ("ca", "es"): 90.3, ("ca", "fr"): 67.5,
    ("en", "ca"): 54.4, ("en", "es"): 57.4, ("en", "fr"): 50.6,
    ("es", "ca"): 91.1, ("es", "en"): 60.7, ("es", "fr"): 64.3,
    ("fr", "ca"): 69.3, ("fr", "en"): 54.9, ("fr", "es"): 63.8,
}
# Where no direct pair exists, the language a chain goes through: measured by the same
# benchmark (en→fr through es 50.6, through ca 50.3; fr→en through es 54.9, through ca 52.1).
CHAINS = {("en", "fr"): "es", ("fr", "en"): "es"}

_SEPARATOR = re.compile(r"tk:(\d+)")
_WORDBOUND_TAG = re.compile(r"t:g:(\d+)")
_ESCAPED = frozenset("^$@/[]\\<>{}")  # the stream's specials: a backslash keeps them text
# Characters Apertium eats or reads as marks (`~` postgeneration, `#`/`*`/`@` marks, `+` and
# `|` joiners): carried as superblanks, which pass through untouched.
_PROTECTED = frozenset("~#*+|") | frozenset(chr(c) for c in range(32)) | {"\x7f"}
_MARKS = frozenset("*#@~")  # unescaped in the output: Apertium's own marks, dropped


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in _ESCAPED else ch for ch in text)


def _superblank(text: str) -> str:
    return f"[{_escape(text)}]"


def encode(text: str) -> str:
    """One unit as an Apertium stream: pairs with words inside become word-bound blanks
    (`[[t:g:1]]…[[/]]`: the tag follows its words when Apertium moves them), the rest of
    the markup and the characters Apertium would eat become superblanks, specials are
    escaped. A trailing `.[]` ends the sentence, as Apertium's own deformatters do."""
    parts = _tokens(text)
    out: list[str] = []
    stack: list[int] = []
    wordy = _wordy_pairs(parts)
    for kind, value in parts:
        if kind == "open" and int(value) in wordy:
            stack.append(int(value))
        elif kind == "close" and int(value) in wordy:
            stack.pop()
        elif kind in ("open", "close", "empty"):
            out.append(_superblank(_placeholder(kind, value)))
        else:
            out.append(_encode_text(value, stack))
    return "".join(out) + ".[]"


def _tokens(text: str) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    pos = 0
    for match in PLACEHOLDER.finditer(text):
        if match.start() > pos:
            parts.append(("text", text[pos:match.start()]))
        closing, kind, number, empty = match.groups()
        if kind == "x" or empty:
            parts.append(("empty", f"{kind}{number}"))
        else:
            parts.append(("close" if closing else "open", number))
        pos = match.end()
    if pos < len(text):
        parts.append(("text", text[pos:]))
    return parts


def _placeholder(kind: str, value: str) -> str:
    return {"open": f"<g{value}>", "close": f"</g{value}>"}.get(kind, f"<{value}/>")


def _wordy_pairs(parts: list[tuple[str, str]]) -> set[int]:
    """The `<gN>` pairs that enclose a letter or digit (those can bind to words)."""
    open_: list[int] = []
    found: set[int] = set()
    seen: set[int] = set()
    for kind, value in parts:
        if kind == "open":
            if int(value) in seen:  # a malformed source: leave its markup fixed in place
                return set()
            seen.add(int(value))
            open_.append(int(value))
        elif kind == "close":
            if not open_ or open_[-1] != int(value):
                return set()
            open_.pop()
        elif kind == "text" and any(ch.isalnum() for ch in value):
            found.update(open_)
    return set() if open_ else found


def _encode_text(text: str, tags: list[int]) -> str:
    out: list[str] = []
    label = "; ".join(f"t:g:{n}" for n in tags)
    for piece in re.split(r"([\s" + re.escape("".join(sorted(_PROTECTED))) + r"]+)", text):
        if not piece:
            continue
        if any(ch in _PROTECTED for ch in piece):
            out.append("".join(_superblank(ch) if ch in _PROTECTED else ch for ch in piece))
        elif piece.isspace() or not tags:
            out.append(_escape(piece))
        else:
            out.append(f"[[{label}]]{_escape(piece)}[[/]]")
    return "".join(out)


def decode(stream: str) -> list[str | None]:
    """The units of Apertium's output, in order (None for a unit whose boundary was lost)."""
    units: dict[int, str] = {}
    current: list[tuple[str, Any]] = []
    pos, size = 0, len(stream)
    text: list[str] = []

    def flush_text() -> None:
        if text:
            current.append(("text", "".join(text)))
            text.clear()

    while pos < size:
        ch = stream[pos]
        if ch == "\\" and pos + 1 < size:
            text.append(stream[pos + 1])
            pos += 2
        elif stream.startswith("[[", pos):
            flush_text()
            end = stream.find("]]", pos + 2)
            if end < 0:
                break
            label = stream[pos + 2:end]
            stop = stream.find("[[/]]", end + 2)
            if stop < 0:
                break
            word = _plain(stream[end + 2:stop])
            tags = [int(m.group(1)) for m in map(_WORDBOUND_TAG.fullmatch, label.split("; "))
                    if m]
            current.append(("word", (word, tags)))
            pos = stop + 5
        elif ch == "[":
            flush_text()
            end = pos + 1
            while end < size and stream[end] != "]":
                end += 2 if stream[end] == "\\" else 1
            content = _unescape(stream[pos + 1:end])
            pos = end + 1
            separator = _SEPARATOR.fullmatch(content)
            if separator:
                units[int(separator.group(1))] = _rebuild(current)
                current = []
            else:
                current.append(("blank", content))
        elif ch in _MARKS:
            pos += 1  # an unknown-word or generation mark
        else:
            text.append(ch)
            pos += 1
    count = max(units) + 1 if units else 0
    return [units.get(i) for i in range(count)]


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.S)


def _plain(text: str) -> str:
    """Escapes undone, Apertium's marks (unescaped `*`, `#`, `@`, `~`) dropped."""
    return re.sub(r"\\(.)|[*#@~]", lambda m: m.group(1) or "", text, flags=re.S)


def _rebuild(tokens: list[tuple[str, Any]]) -> str:
    """Placeholder text from the tokens of one unit: word-bound tags opened and closed
    around the words that carry them, blanks kept where they stand."""
    # The `.[]` that ends every unit: drop the blank and the period before it.
    if tokens and tokens[-1] == ("blank", ""):
        tokens = tokens[:-1]
        for index in range(len(tokens) - 1, -1, -1):
            kind, value = tokens[index]
            if kind == "text" and value.endswith("."):
                tokens[index] = ("text", value[:-1])
                break
            if kind == "word" and value[0].endswith(".") and not value[1]:
                tokens[index] = ("word", (value[0][:-1], value[1]))
                break
            if kind != "text" or value.strip():
                break
    tokens = _spans(tokens)
    out: list[str] = []
    stack: list[int] = []
    pending: list[str] = []

    def word(value: str, tags: list[int]) -> None:
        common = 0
        while common < min(len(stack), len(tags)) and stack[common] == tags[common]:
            common += 1
        while len(stack) > common:
            out.append(f"</g{stack.pop()}>")
        out.extend(pending)
        pending.clear()
        for tag in tags[common:]:
            out.append(f"<g{tag}>")
            stack.append(tag)
        out.append(value)

    for kind, value in tokens:
        if kind == "blank":
            pending.append(value)
        elif kind == "word":
            word(*value)
        elif kind == "spanned":
            pending.append(value[0])
            word(value[1], value[3])
            pending.append(value[2])
        else:
            lead = value[:len(value) - len(value.lstrip())]
            core = value.strip()
            trail = value[len(lead) + len(core):] if core else ""
            if not core:
                pending.append(value)
                continue
            pending.append(lead)
            word(core, [])
            pending.append(trail)
    while stack:
        out.append(f"</g{stack.pop()}>")
    out.extend(pending)
    return "".join(out)


def _spans(tokens: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Each word-bound tag made one span, from the first word carrying it to the last (Apertium
    may repeat a tag on a word, or leave a word of the span out when it reorders): the tags
    of a word are those whose span covers it, outermost first."""
    words = [i for i, (kind, _) in enumerate(tokens) if kind in ("word", "text")
             and (kind == "word" or tokens[i][1].strip())]
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for position, index in enumerate(words):
        kind, value = tokens[index]
        for tag in value[1] if kind == "word" else ():
            first.setdefault(tag, position)
            last[tag] = position
    order = sorted(first, key=lambda tag: (first[tag], -last[tag]))
    spanned = list(tokens)
    for position, index in enumerate(words):
        kind, value = tokens[index]
        tags = [tag for tag in order if first[tag] <= position <= last[tag]]
        if kind == "word":
            spanned[index] = ("word", (value[0], tags))
        elif tags:  # an untagged word inside a span: the span's tags, blanks kept around it
            lead = value[:len(value) - len(value.lstrip())]
            core = value.strip()
            spanned[index] = ("spanned", (lead, core, value[len(lead) + len(core):], tags))
    return spanned


# --- the engine ----------------------------------------------------------------------------

class Mode(NamedTuple):
    """An installed translation direction: name (`spa-cat_valencia`), languages, variant."""

    name: str
    source: str
    target: str
    variant: str


def _language(code: str) -> str:
    return _ISO1.get(code, code)


@cache
def _installed(program: str) -> dict[tuple[str, str], dict[str, Mode]]:
    """(source, target) → {variant: mode} for every direction `apertium -l` lists."""
    try:
        done = subprocess.run([program, "-l"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MTError(f"cannot run {program} -l ({type(exc).__name__}: {exc})") from None
    found: dict[tuple[str, str], dict[str, Mode]] = {}
    for line in done.stdout.split("\n"):
        match = re.fullmatch(r"([a-z]{2,3})-([a-z]{2,3})(?:_(\w+))?", line.strip())
        if match:
            source, target = _language(match.group(1)), _language(match.group(2))
            mode = Mode(line.strip(), source, target, match.group(3) or "")
            found.setdefault((source, target), {})[mode.variant] = mode
    return found


def _package(source: str, target: str) -> str:
    found = PACKAGES.get(frozenset((source, target)))
    return (f"install the Debian package {found}" if found is not None else
            "Debian packages none that transkit knows of (apt-cache search apertium)")


class ApertiumEngine:
    """Offline drafts with Apertium's pairs (`[mt.apertium]`: `variants`, `catalan_norm`,
    `chains`, `timeout`)."""

    name = "apertium"
    parallel_pairs = True  # each pair is its own process: pretranslate runs them at once
    KEYS = ("variants", "catalan_norm", "chains", "timeout")

    def __init__(self, settings: dict[str, Any]):
        unknown = sorted(set(settings) - set(self.KEYS))
        if unknown:
            raise MTError(f"unknown key {unknown[0]!r} in [mt.apertium] (known: "
                          f"{', '.join(self.KEYS)}, pivot, quality)")
        variants = settings.get("variants", {})
        if not isinstance(variants, dict) or not all(isinstance(v, str)
                                                     for v in variants.values()):
            raise MTError("[mt.apertium.variants] maps languages to a variant "
                          "(ca = \"valencia\", en = \"US\")")
        self.variants = {primary(k): v for k, v in variants.items()}
        self.norm = settings.get("catalan_norm", "2017")
        if self.norm not in ("2017", "pre2017"):
            raise MTError("mt.apertium.catalan_norm must be \"2017\" or \"pre2017\"")
        chains = settings.get("chains", {})
        if not isinstance(chains, dict) or not all(isinstance(v, str) for v in chains.values()):
            raise MTError("[mt.apertium.chains] maps pairs to a language (\"en-fr\" = \"es\")")
        self.chains = dict(CHAINS)
        for pair, via in chains.items():
            source, _, target = str(pair).partition("-")
            self.chains[(primary(source), primary(target))] = primary(via)
        timeout = settings.get("timeout", 30)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise MTError("mt.apertium.timeout must be a number of seconds > 0")
        self.timeout = float(timeout)

    # -- pairs --------------------------------------------------------------------------
    @staticmethod
    def _program() -> str:
        program = shutil.which("apertium")
        if program is None:
            raise MTError("Apertium is not installed: install the Debian package apertium "
                          "(and a pair, e.g. apertium-spa-cat)")
        return program

    def _mode(self, source: str, target: str) -> Mode | None:
        """The installed direction for the pair, in the variant the settings ask."""
        modes = _installed(self._program()).get((source, target))
        if not modes:
            return None
        wanted = self.variants.get(target, "")
        names = [wanted] if wanted else [""]
        if target == "ca":
            # spa-cat's plain mode follows the pre-2017 norm (its 2017 one is _iec2017);
            # fra-cat's plain mode is the 2017 norm (its older one is _pre2017).
            joined = [f"{wanted}_iec2017" if wanted else "iec2017"] if self.norm == "2017" \
                else [f"{wanted}_pre2017" if wanted else "pre2017"]
            plain_is_2017 = any(v.endswith("pre2017") for v in modes)
            names = joined + ([wanted] if plain_is_2017 == (self.norm == "2017") else [])
            if not any(n in modes for n in names):
                names.append(wanted)  # the pair knows one norm only
        for variant in names:
            if variant in modes:
                return modes[variant]
        if wanted:
            raise MTError(f"Apertium has no {wanted!r} variant for {source} → {target} "
                          f"(installed: {', '.join(sorted(m.name for m in modes.values()))})")
        return None

    def _route(self, source: str, target: str) -> list[Mode] | None:
        source, target = primary(source), primary(target)
        direct = self._mode(source, target)
        if direct is not None:
            return [direct]
        vias = [self.chains[(source, target)]] if (source, target) in self.chains else []
        vias += sorted({t for (s, t) in _installed(self._program()) if s == source} - set(vias))
        for via in vias:
            if via in (source, target):
                continue
            first = self._mode(source, via) if (source, via) in _installed(
                self._program()) else None
            second = self._mode(via, target) if first is not None and (
                via, target) in _installed(self._program()) else None
            if first is not None and second is not None:
                return [first, second]
        return None

    def supports(self, source: str, target: str) -> bool:
        try:
            return self._route(source, target) is not None
        except MTError:
            return False

    def check(self, source: str, target: str) -> None:
        if self._route(source, target) is None:
            raise MTError(f"no Apertium pair for {source} → {target}: "
                          f"{_package(primary(source), primary(target))}")

    def route(self, source: str, target: str) -> str:
        modes = self._route(source, target) or []
        return "+".join(m.name for m in modes)

    def settings(self, source: str, target: str) -> str:
        return f"apertium/{self.route(source, target)}"

    def quality(self, source: str, target: str) -> float | None:
        return QUALITY.get((primary(source), primary(target)))

    @classmethod
    def installed(cls) -> str:
        """The directions installed, for `mt --help` and `mt usage`."""
        program = shutil.which("apertium")
        if program is None:
            return "not installed (Debian package apertium)"
        pairs = _installed(program)
        if not pairs:
            return "no pair installed (e.g. Debian package apertium-spa-cat)"
        return ", ".join(f"{s}→{t}" + (f" ({', '.join(sorted(v for v in modes if v))})"
                                       if any(modes) else "")
                         for (s, t), modes in sorted(pairs.items()))

    # -- translation --------------------------------------------------------------------
    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        """All texts of the pair in one run of Apertium (or of a two-stage chain)."""
        modes = self._route(source, target)
        if modes is None:
            self.check(source, target)
            raise AssertionError("unreachable")
        results = [""] * len(texts)
        wanted = [i for i, text in enumerate(texts) if text.strip()]
        if not wanted:
            return results
        stream = "".join(encode(texts[i]) + f"[tk:{n}]" for n, i in enumerate(wanted))
        output = self._run(modes, stream)
        decoded = decode(output)
        for n, i in enumerate(wanted):
            found = decoded[n] if n < len(decoded) else None
            results[i] = found if found is not None else ""
        return results

    def _run(self, modes: list[Mode], stream: str) -> str:
        program = self._program()
        command = " | ".join(f"{shlex.quote(program)} -u -f none {shlex.quote(m.name)}"
                             for m in modes)
        route = "+".join(m.name for m in modes)
        limit = self.timeout + len(stream) / 1000  # a second per 1,000 characters besides
        # Its own session: on a timeout the whole pipeline (bash, lt-proc, …) is ended.
        process = subprocess.Popen(["/bin/bash", "-c", f"set -o pipefail; {command}"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=True,
                                   env={**os.environ, "LC_ALL": "C.UTF-8"})
        try:
            out, err = process.communicate(stream.encode("utf-8"), timeout=limit)
        except subprocess.TimeoutExpired:
            _kill(process)
            raise MTError(f"Apertium ({route}) did not finish within {limit:.0f} s; it was "
                          "stopped and nothing of this pair was written "
                          "(mt.apertium.timeout)") from None
        except BaseException:
            _kill(process)
            raise
        if process.returncode != 0:
            reason = " ".join(err.decode("utf-8", "replace").split())[:200]
            raise MTError(f"Apertium ({route}) failed (exit {process.returncode}): "
                          f"{reason or 'no message'}")
        return out.decode("utf-8", "replace")


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.communicate()
