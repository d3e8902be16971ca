"""The one unit model of transkit: a source text, its translation and state, and everything a
translator or a tool said about it (flags, comments, previous source, references, provenance).

Extraction makes units, catalogues hold them, and the build, the gate, the checks, the TM,
pre-translation and the exchange formats all read them; nothing else decides whether a unit
is translated.
"""

from __future__ import annotations

import re
from functools import lru_cache

# <g1>…</g1> paired, <x2/> empty: XML-valid, so the same text suits DeepL's tag handling.
PLACEHOLDER = re.compile(r"<(/?)([gx])(\d+)(/?)>")

UNTRANSLATED, FUZZY, TRANSLATED, OBSOLETE = "untranslated", "fuzzy", "translated", "obsolete"

# Provenance of a translation: one translator comment, written and read here only:
# `TM 87% (doc, reason)`, `MT deepl 2026-12-01`, `aligned 0.93 (1-1)`.
PROVENANCE_KINDS = {"tm": "TM", "mt": "MT", "aligned": "aligned"}
_PROVENANCE_WORDS = {word: kind for kind, word in PROVENANCE_KINDS.items()}


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def excerpt(text: str, width: int = 70) -> str:
    """A unit's text on one line, cut to `width` characters for messages; control
    characters shown as escapes, so no text can act on the terminal."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", " ".join(text.split()))
    return text if len(text) <= width else text[: width - 1] + "…"


def plain_text(text: str) -> str:
    """The text of a unit without its placeholders."""
    return PLACEHOLDER.sub("", text)


@lru_cache(maxsize=16384)
def count_words(text: str) -> int:
    """Words of a unit: whitespace-separated tokens once placeholders are removed (cached:
    a document's template and its catalogues share their sources)."""
    return len((PLACEHOLDER.sub("", text) if "<" in text else text).split())


class Unit:
    """One translation unit: a sentence, a title, a list item or an attribute value.

    Fields carry gettext's names, so a PO entry maps one to one: `msgid` is the
    source (placeholder text such as `<g1>Europol</g1>`), `msgstr` the translation
    (`msgstr_plural` for plural entries, by form index), `msgctxt` the context.
    `extracted_comments` are notes for the translator (the placeholder legend),
    `translator_comments` what a translator or transkit wrote, `references`
    `path:line` strings. `line` is where the unit was read (the msgid keyword of a
    PO file, or the bulletin line it was extracted from); `kind` is the HTML role.
    """

    __slots__ = ("msgid", "msgstr", "msgctxt", "msgid_plural", "msgstr_plural", "flags",
                 "translator_comments", "extracted_comments", "references", "previous_msgctxt",
                 "previous_msgid", "previous_msgid_plural", "obsolete", "line", "kind")

    def __init__(self, msgid: str, msgstr: str = "", *, msgctxt: str | None = None,
                 msgid_plural: str | None = None, msgstr_plural: dict[int, str] | None = None,
                 flags: list[str] | None = None, translator_comments: list[str] | None = None,
                 extracted_comments: list[str] | None = None,
                 references: list[str] | None = None, previous_msgctxt: str | None = None,
                 previous_msgid: str | None = None, previous_msgid_plural: str | None = None,
                 obsolete: bool = False, line: int = 0, kind: str = ""):
        self.msgid = msgid
        self.msgstr = msgstr
        self.msgctxt = msgctxt
        self.msgid_plural = msgid_plural
        self.msgstr_plural = msgstr_plural if msgstr_plural is not None else {}
        self.flags = flags if flags is not None else []
        self.translator_comments = translator_comments if translator_comments is not None else []
        self.extracted_comments = extracted_comments if extracted_comments is not None else []
        self.references = references if references is not None else []
        self.previous_msgctxt = previous_msgctxt
        self.previous_msgid = previous_msgid
        self.previous_msgid_plural = previous_msgid_plural
        self.obsolete = obsolete
        self.line = line
        self.kind = kind

    # -- identity -------------------------------------------------------------------------
    @property
    def key(self) -> tuple[str, str | None]:
        return (self.msgid, self.msgctxt)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    # -- state: the one definition (gettext's, as msgfmt counts) ------------------------------
    @property
    def has_target(self) -> bool:
        """Whether a translation is present: msgstr, or the first plural form (as msgfmt)."""
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural.get(0))
        return bool(self.msgstr)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def state(self) -> str:
        if self.obsolete:
            return OBSOLETE
        if not self.has_target:
            return UNTRANSLATED
        return FUZZY if self.fuzzy else TRANSLATED

    @property
    def translated(self) -> bool:
        return self.state == TRANSLATED

    @property
    def words(self) -> int:
        return count_words(self.msgid)

    def set_fuzzy(self, on: bool = True) -> None:
        if on and "fuzzy" not in self.flags:
            self.flags.append("fuzzy")
        elif not on and "fuzzy" in self.flags:
            self.flags = [f for f in self.flags if f != "fuzzy"]

    # -- provenance -----------------------------------------------------------------------
    @property
    def provenance(self) -> tuple[str, str] | None:
        """(kind, detail) of the tool that drafted the translation: ("tm", "87% (doc, …)"),
        ("mt", "deepl 2026-12-01"), ("aligned", "0.93 (1-1)"); None for a person's text."""
        for comment in self.translator_comments:
            found = _provenance(comment)
            if found is not None:
                return found
        return None

    def set_provenance(self, kind: str | None, detail: str = "") -> None:
        """Record (or, with None, clear) which tool drafted the translation: one comment
        line, replacing any earlier provenance, keeping every other comment."""
        kept = [c for c in self.translator_comments if _provenance(c) is None]
        if kind is not None:
            kept.append(f"{PROVENANCE_KINDS[kind]} {detail}".rstrip())
        self.translator_comments = kept

    # -- copies ---------------------------------------------------------------------------
    def clone(self, **changes: object) -> Unit:
        """A deep enough copy (lists and dicts are new) with `changes` applied."""
        copy = Unit.__new__(Unit)
        for name in Unit.__slots__:
            value = getattr(self, name)
            if isinstance(value, list):
                value = list(value)
            elif isinstance(value, dict):
                value = dict(value)
            object.__setattr__(copy, name, value)
        for name, value in changes.items():
            setattr(copy, name, value)
        return copy

    def __repr__(self) -> str:
        return f"Unit({excerpt(self.msgid, 40)!r}, state={self.state!r}, line={self.line})"


# The exact forms the tools write (pretranslate, align): a translator's own comment that
# merely begins with "MT", "TM" or "aligned" is a person's note, never a tool's mark.
_PROVENANCE_DETAIL = {
    "tm": re.compile(r"\d{1,3}% \(.*\)"),  # 87% (doc, reason)
    "mt": re.compile(r"\S+ (?:\S+ )*?\d{4}-\d\d-\d\d(?:, from the .+)?"),  # deepl 2026-12-01
    "aligned": re.compile(r"[01]\.\d\d \([^()]+\)"),  # 0.93 (1-1)
}


def _provenance(comment: str) -> tuple[str, str] | None:
    word, _, detail = comment.partition(" ")
    kind = _PROVENANCE_WORDS.get(word)
    if kind is None or not _PROVENANCE_DETAIL[kind].fullmatch(detail):
        return None
    return (kind, detail)
