"""PO text as GNU gettext writes it (msgcat/msgmerge layout and line wrapping).

polib holds the model; its writer wraps with Python's textwrap, which breaks
lines where gettext does not, so every save would fight with `msgmerge` and
`msgcat` output. This writer lays entries out as gettext does and takes line
breaks from unicode-segmentation-rs's `gettext_wrap` (Weblate's port of
gettext's libunistring line breaking); comments are never re-wrapped.
"""

from __future__ import annotations

import polib
from unicode_segmentation_rs import gettext_wrap

WIDTH = 79
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\a": "\\a",
            "\b": "\\b", "\f": "\\f", "\v": "\\v"}


def escape(text: str) -> str:
    if not any(ch in text for ch in _ESCAPES):
        return text
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def wrap(escaped: str, width: int) -> list[str]:
    """Lines of at most `width` columns, broken where gettext (libunistring) breaks them."""
    return list(gettext_wrap(escaped, width)) or [""]


def _pieces(text: str) -> list[str]:
    """Split after each newline, as gettext does before wrapping."""
    parts = text.split("\n")
    pieces = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        pieces.append(parts[-1])
    return pieces or [""]


def field(prefix: str, keyword: str, text: str, do_wrap: bool = True) -> list[str]:
    """`keyword "text"` lines, wrapped like gettext."""
    head = f"{prefix}{keyword} "
    escaped_all = escape(text)
    inner_newline = "\n" in text[:-1]
    if not do_wrap:
        if not inner_newline:
            return [f'{head}"{escaped_all}"']
        return [f'{head}""'] + [f'{prefix}"{escape(p)}"' for p in _pieces(text)]
    # gettext keeps the text on the keyword's line unless it would need breaking there
    # (a single unbreakable word stays on that line, however long).
    if not inner_newline and len(wrap(escaped_all, WIDTH - 2 - len(head))) == 1:
        return [f'{head}"{escaped_all}"']
    lines = [f'{head}""']
    for piece in _pieces(text):
        for line in wrap(escape(piece), WIDTH - 2 - len(prefix)):
            lines.append(f'{prefix}"{line}"')
    return lines


def _occurrences(entry: polib.POEntry) -> list[str]:
    refs = [f"{path}:{line}" if line else path for path, line in entry.occurrences]
    lines: list[str] = []
    current = "#:"
    for ref in refs:
        if current != "#:" and len(current) + 1 + len(ref) > WIDTH:
            lines.append(current)
            current = "#:"
        current += " " + ref
    if current != "#:":
        lines.append(current)
    return lines


def entry_lines(entry: polib.POEntry, header: bool = False) -> list[str]:
    lines: list[str] = []
    for comment in (entry.tcomment or "").split("\n") if entry.tcomment else []:
        lines.append(f"# {comment}".rstrip() if comment else "#")
    if not entry.obsolete:
        for comment in (entry.comment or "").split("\n") if entry.comment else []:
            lines.append(f"#. {comment}".rstrip())
        lines += _occurrences(entry)
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    obsolete = "#~ " if entry.obsolete else ""
    previous = "#~| " if entry.obsolete else "#| "
    if entry.previous_msgctxt is not None:
        lines += field(previous, "msgctxt", entry.previous_msgctxt)
    if entry.previous_msgid is not None:
        lines += field(previous, "msgid", entry.previous_msgid)
    if entry.previous_msgid_plural is not None:
        lines += field(previous, "msgid_plural", entry.previous_msgid_plural)
    if entry.msgctxt is not None:
        lines += field(obsolete, "msgctxt", entry.msgctxt)
    lines += field(obsolete, "msgid", entry.msgid)
    if entry.msgid_plural:
        lines += field(obsolete, "msgid_plural", entry.msgid_plural)
        for index in sorted(entry.msgstr_plural):
            lines += field(obsolete, f"msgstr[{index}]", entry.msgstr_plural[index])
    else:
        lines += field(obsolete, "msgstr", entry.msgstr)
    return lines


def dumps(po: polib.POFile) -> str:
    """The whole file: header comment, header entry, active entries, then obsolete ones."""
    blocks: list[str] = []
    head: list[str] = []
    for comment in po.header.split("\n") if po.header else []:
        head.append(f"# {comment}".rstrip() if comment else "#")
    meta = "".join(f"{k}: {v}\n" for k, v in po.ordered_metadata())
    header_entry = polib.POEntry(msgid="", msgstr=meta, flags=list(po.metadata_is_fuzzy and
                                                                  ["fuzzy"] or []))
    head += entry_lines(header_entry, header=True)
    blocks.append("\n".join(head))
    active = [e for e in po if not e.obsolete]
    obsolete = [e for e in po if e.obsolete]
    for entry in active + obsolete:
        blocks.append("\n".join(entry_lines(entry)))
    return "\n\n".join(blocks) + "\n"
