"""Status as text: the table, JSON and Markdown renderings, and the list of missing units."""

from __future__ import annotations

import json

from ..status import DocStatus, LangStatus, Status, as_data, percent_text


def to_json(status: Status, by_doc: bool, missing: bool = False,
            checks: dict[str, dict[str, int]] | None = None) -> str:
    """One JSON document: figures per language (and document), with the missing units
    and the findings of a check run when asked for (`status.as_data`)."""
    return json.dumps(as_data(status, by_doc, missing, checks), ensure_ascii=False, indent=2)


def _grid(status: Status, by_doc: bool, checks: dict[str, dict[str, int]] | None = None
          ) -> tuple[list[str], list[list[str]]]:
    head = ["language", "document", "units", "words", "translated", "fuzzy", "untranslated", "%"]
    if not by_doc:
        head.remove("document")
    findings = checks if checks is not None else (status.findings if not by_doc else None)
    if findings is not None:
        head += ["errors", "warnings"]
    rows: list[list[str]] = []
    for lang in status.languages:
        items: list[tuple[str, LangStatus | DocStatus]] = (
            [(d.doc, d) for d in lang.docs] if by_doc else [("", lang)])
        for name, item in items:
            if isinstance(item, DocStatus):
                flag = " (out of date)" if item.problem else ""
            else:
                flag = f" ({item.out_of_date} out of date)" if item.out_of_date else ""
            cells = [lang.lang] + ([name] if by_doc else []) + [
                str(item.units), str(item.words), str(item.translated), str(item.fuzzy),
                str(item.untranslated), f"{percent_text(item.percent)}{flag}"]
            if findings is not None:
                counts = findings.get(lang.lang, {})
                cells += [str(counts.get("error", 0)), str(counts.get("warning", 0))]
            rows.append(cells)
    return head, rows


def to_table(status: Status, by_doc: bool,
             checks: dict[str, dict[str, int]] | None = None) -> str:
    head, rows = _grid(status, by_doc, checks)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = []
    for r in [head, *rows]:
        lines.append("  ".join(c.ljust(w) if i < (2 if by_doc else 1) else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip())
    return "\n".join(lines)


def to_markdown(status: Status, by_doc: bool, missing: bool = False,
                checks: dict[str, dict[str, int]] | None = None) -> str:
    """One Markdown document: the table, then (when asked) the missing units as a list."""
    head, rows = _grid(status, by_doc, checks)
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join("---" if i < (2 if by_doc else 1) else "---:"
                            for i in range(len(head))) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    if missing:
        found = missing_lines(status)
        lines += ["", "Missing:" if found else "Nothing is missing.", ""]
        lines += [f"- `{line.split(': ', 1)[0]}`: {_md(line.split(': ', 1)[1])}"
                  for line in found]
    return "\n".join(lines)


def _md(text: str) -> str:
    """Text safe inside a Markdown list item (no markup, no HTML)."""
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in text)


def missing_lines(status: Status, width: int = 70) -> list[str]:
    """`locales/<lang>/<doc>.po:<line>: <excerpt>` for every untranslated or fuzzy unit."""
    from ..unit import excerpt  # not at the top: the warm path imports nothing it can avoid

    lines: list[str] = []
    for doc in status.docs():
        if doc.source:
            continue
        if doc.problem:
            lines.append(f"{doc.path}: {doc.problem}")
        for line, source, fuzzy in doc.missing:
            where = f"{doc.path}:{line}" if line else doc.path
            lines.append(f"{where}: {'[fuzzy] ' if fuzzy else ''}{excerpt(source, width)}")
    return lines
