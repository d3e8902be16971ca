"""`transkit approve`: tool drafts become translations, listed as path:line, the approval
recorded; a person's fuzzy work, changed sources, conflicts and drafts with errors stay."""

from __future__ import annotations

import subprocess
from pathlib import Path

from transkit import catalog
from transkit.approve import score_of
from transkit.unit import PLACEHOLDER, plain_text

from .conftest import run

DOC = "2019-01-ransomware"


def _group(parts: list[str], i: int) -> str:
    """The placeholder whose groups start at parts[i - i % 5 + 1], rebuilt once."""
    if i % 5 != 1:
        return ""
    closing, kind, number, empty = parts[i:i + 4]
    return f"<{closing}{kind}{number}{empty}>"


def _drafts(demo: Path) -> Path:
    """The demo's French catalogue of one post with one draft of every kind and the
    cases approve must leave alone."""
    path = demo / "locales" / "fr" / f"{DOC}.po"
    po = catalog.load(path)
    units = [u for u in po.active() if u.translated and u.msgid_plural is None]
    kinds = [("aligned", "0.95 (1-1)"), ("aligned", "0.62 (1-1)"), ("tm", "87% (x, one word)"),
             ("mt", "pseudo 2026-12-07")]
    for unit, (kind, detail) in zip(units, kinds, strict=False):
        unit.set_fuzzy(True)
        unit.set_provenance(kind, detail)
    units[4].set_fuzzy(True)  # a translator's unfinished work: no provenance
    units[5].set_fuzzy(True)
    units[5].set_provenance("mt", "pseudo 2026-12-07")
    units[5].previous_msgid = "An older source."  # the source changed since
    numbered = next(u for u in units[6:] if any(c.isdigit() for c in plain_text(u.msgstr)))
    numbered.set_fuzzy(True)
    numbered.set_provenance("tm", "91% (x, numbers)")
    parts = PLACEHOLDER.split(numbered.msgstr)  # text, then each placeholder's 4 groups
    numbered.msgstr = "".join(
        ("".join("9" if c.isdigit() else c for c in part) if i % 5 == 0 else
         _group(parts, i)) for i, part in enumerate(parts) if part is not None)
    if numbered.msgstr == catalog.load(path).find(numbered.msgid).msgstr:  # type: ignore[union-attr]
        raise AssertionError("the planted number error changed nothing")
    catalog.save(po, path)
    return path


def test_approve_turns_tool_drafts_into_translations(demo: Path) -> None:
    path = _drafts(demo)
    before = path.read_bytes()
    dry = run("approve", "--lang", "fr", "--dry-run", "--by", "Rita <r@x.eu>", cwd=demo)
    assert dry.returncode == 0, dry.stderr
    assert path.read_bytes() == before  # a dry run writes nothing
    assert "would approve 4 unit(s), 3 skipped (by Rita <r@x.eu>)" in dry.stdout
    assert dry.stdout.count(f"locales/fr/{DOC}.po:") == 4
    skipped = dry.stderr.splitlines()
    assert len(skipped) == 3, skipped
    assert any("no tool drafted it" in line for line in skipped)
    assert any("the source changed" in line for line in skipped)
    assert any("error[numbers]" in line for line in skipped)

    done = run("approve", "--lang", "fr", "--from", "aligned", "--from", "tm",
               "--min-score", "80", "--by", "Rita <r@x.eu>", cwd=demo)
    assert done.returncode == 0, done.stderr
    lines = [x for x in done.stdout.splitlines() if ": approved (" in x]
    assert len(lines) == 2, done.stdout  # aligned 0.95 and TM 87%; not 0.62 nor MT
    po = catalog.load(path)
    for line in lines:  # path:line names the unit's msgid line in the file as written
        where = int(line.split(":")[1])
        unit = next(u for u in po.active() if u.line == where)
        assert unit.translated and unit.provenance is None
        assert any(c.startswith("approved ") and "by Rita <r@x.eu>: " in c
                   for c in unit.translator_comments)
    assert po.metadata["Last-Translator"] == "Rita <r@x.eu>"
    low = [u for u in po.active() if u.provenance == ("aligned", "0.62 (1-1)")]
    assert len(low) == 1 and low[0].fuzzy
    check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    # The approved texts are a person's now: the memory learns them as human.
    found = run("tm", "lookup", next(u.msgid for u in po.active() if any(
        c.startswith("approved ") for c in u.translator_comments)), "--from", "ca",
        "--to", "fr", "--json", cwd=demo, check=True).stdout
    assert '"origin": "human"' in found

    rest = run("approve", "--lang", "fr", "--doc", DOC, cwd=demo)
    assert rest.returncode == 0 and "approved 2 unit(s)" in rest.stdout  # 0.62 and MT
    again = run("approve", "--lang", "fr", cwd=demo)
    assert "approved 0 unit(s), 3 skipped" in again.stdout


def test_approve_refuses_bad_input(demo: Path) -> None:
    assert "fra" in run("approve", "--lang", "fra", cwd=demo).stderr
    assert run("approve", "--lang", "fra", cwd=demo).returncode == 2
    result = run("approve", "--lang", "fr", "--doc", "nope", cwd=demo)
    assert result.returncode == 2 and "nope" in result.stderr
    assert run("approve", "--lang", "fr", "--from", "people", cwd=demo).returncode == 2


def test_approve_writes_nothing_when_a_file_changed_meanwhile(demo: Path) -> None:
    """Stale-safe: a catalogue a translator saved after approve read it is not replaced,
    and no other file is written either (all or nothing)."""
    import pytest

    from transkit.approve import plan_approval
    from transkit.fsutil import StaleError
    from transkit.project import Project

    fr = _drafts(demo)
    es = demo / "locales" / "es" / f"{DOC}.po"
    po = catalog.load(es)
    unit = next(u for u in po.active() if u.translated)
    unit.set_fuzzy(True)
    unit.set_provenance("mt", "pseudo 2026-12-07")
    catalog.save(po, es)
    plan = plan_approval(Project.load(demo), "es", by="x")
    plan_fr = plan_approval(Project.load(demo), "fr", by="x")
    assert plan.report.written and plan_fr.report.written
    es_before = es.read_bytes()
    edited = es_before.replace(b"msgstr \"", b"msgstr \"(edited) ", 1)
    es.write_bytes(edited)  # a translator saves meanwhile
    with pytest.raises(StaleError):
        plan.commit()
    assert es.read_bytes() == edited
    fr_before = fr.read_bytes()
    plan_fr.changes.write(es, b"not a catalogue", catalog.load(fr).seen)  # stale: es differs
    with pytest.raises(StaleError):
        plan_fr.commit()
    assert fr.read_bytes() == fr_before and es.read_bytes() == edited  # none written


def test_scores_of_drafts() -> None:
    assert score_of("tm", "87% (doc, one word)") == 87
    assert score_of("aligned", "0.93 (1-1)") == 93
    assert score_of("mt", "deepl 2026-12-01") is None
    assert score_of("aligned", "(1-1)") is None


def test_a_persons_note_that_begins_like_a_tool_mark_is_not_approved(demo: Path) -> None:
    """Only the exact forms the tools write are provenance: "aligned with what Rita
    proposed?" is a translator's note on unfinished work."""
    path = demo / "locales" / "fr" / f"{DOC}.po"
    po = catalog.load(path)
    unit = next(u for u in po.active() if u.translated and u.msgid_plural is None)
    unit.set_fuzzy(True)
    unit.translator_comments = ["aligned with what Rita proposed? not sure, check",
                                "MT was no help here", "TM said otherwise"]
    catalog.save(po, path)
    assert catalog.load(path).find(unit.msgid).provenance is None  # type: ignore[union-attr]
    out = run("approve", "--lang", "fr", "--by", "Rita <r@x.eu>", cwd=demo)
    assert out.returncode == 0, out.stderr
    assert "approved 0 unit(s), 1 skipped" in out.stdout
    assert "no tool drafted it" in out.stderr
    assert catalog.load(path).find(unit.msgid).fuzzy  # type: ignore[union-attr]


def test_what_was_approved_is_said_even_if_the_memory_cannot_learn(demo: Path) -> None:
    """A broken catalogue of another document does not turn written approvals into an
    error: they are listed, and the memory's failure is a warning."""
    path = _drafts(demo)
    other = next(p for p in (demo / "locales" / "fr").glob("*.po") if p.name != path.name)
    other.write_text(other.read_text("utf-8") + 'msgid "broken\n', "utf-8")
    out = run("approve", "--lang", "fr", "--doc", DOC, "--by", "Rita <r@x.eu>", cwd=demo)
    assert out.returncode == 0, out.stderr
    assert "approved 4 unit(s)" in out.stdout
    assert out.stdout.count(f"locales/fr/{DOC}.po:") == 4
    assert "warning: the approvals are written, but the memory did not learn them" \
        in out.stderr
    assert catalog.load(path).metadata["Last-Translator"] == "Rita <r@x.eu>"
