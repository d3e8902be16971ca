from __future__ import annotations

import json
import os
from pathlib import Path

import polib

from transkit import status as report_status
from transkit.project import Project
from transkit.render import status as render

from .conftest import run


def _translate_all(root: Path, lang: str, skip: int = 0) -> None:
    for path in sorted((root / "locales" / lang).glob("*.po")):
        po = polib.pofile(str(path))
        for i, entry in enumerate(e for e in po if not e.obsolete):
            entry.msgstr = "" if i < skip else f"[{lang}] {entry.msgid}"
        po.save(str(path))


def test_status_figures_and_missing_lines(project: Path) -> None:
    run("extract", cwd=project, check=True)
    _translate_all(project, "es")
    _translate_all(project, "en", skip=2)
    po = polib.pofile(str(project / "locales/fr/post.po"))
    entry = next(e for e in po if e.msgid == "tapar el teclat")
    entry.msgstr, entry.flags = "cacher le clavier", ["fuzzy"]
    po.save(str(project / "locales/fr/post.po"))
    status = report_status.compute_status(Project.load(project))
    by_lang = {lang.lang: lang for lang in status.languages}
    assert by_lang["ca"].percent == 100 and by_lang["es"].percent == 100
    en = by_lang["en"]
    assert (en.units, en.translated, en.untranslated, en.fuzzy) == (8, 6, 2, 0)
    assert en.words == 37 and en.translated_words == 37 - 8 and 0 < en.percent < 100
    assert by_lang["fr"].fuzzy == 1
    lines = render.missing_lines(status)
    assert "locales/fr/post.po" in " ".join(lines)
    fuzzy_line = next(line for line in lines if "[fuzzy]" in line)
    path, number, _ = fuzzy_line.split(":", 2)
    text = (project / path).read_text("utf-8").splitlines()
    assert text[int(number) - 1] == 'msgid "tapar el teclat"'
    result = run("status", "--missing", cwd=project, check=True)
    assert fuzzy_line in result.stdout
    assert "Títol de la prova" in result.stdout  # en: the first untranslated unit


def test_status_formats_and_check_exit(project: Path) -> None:
    run("extract", cwd=project, check=True)
    data = json.loads(run("status", "--format", "json", "--by-doc", cwd=project,
                          check=True).stdout)
    assert data["languages"]["fr"]["untranslated"] == 8
    assert data["languages"]["fr"]["documents"]["post"]["path"] == "locales/fr/post.po"
    md = run("status", "--format", "markdown", cwd=project, check=True).stdout
    assert md.splitlines()[0].startswith("| language |")
    check = run("status", "--check", cwd=project)
    assert check.returncode == 1
    assert "locales/fr/post.po: 8 untranslated" in check.stderr
    for lang in ("es", "en", "fr"):
        _translate_all(project, lang)
    assert run("status", "--check", cwd=project).returncode == 0
    assert run("status", "--lang", "xx", cwd=project).returncode == 2


def test_changed_template_or_source_is_out_of_date(project: Path) -> None:
    run("extract", cwd=project, check=True)
    for lang in ("es", "en", "fr"):
        _translate_all(project, lang)
    assert run("status", "--check", cwd=project).returncode == 0
    bulletin = project / "bulletins/post.html"
    bulletin.write_text(bulletin.read_text("utf-8").replace("tapar el teclat", "tapar el PIN"))
    stale = run("status", "--check", cwd=project)
    assert stale.returncode == 1 and "changed since the last extract" in stale.stderr
    # A template regenerated without merging (e.g. by hand) leaves catalogues out of date.
    run("extract", cwd=project, check=True)
    pot = project / "locales/ca/post.pot"
    po = project / "locales/fr/post.po"
    saved = po.read_bytes()
    po.write_bytes(saved.replace(b"X-Transkit-Template: ", b"X-Transkit-Template: 0"))
    out = run("status", "--check", "--lang", "fr", cwd=project)
    assert out.returncode == 1 and "out of date with its template" in out.stderr
    assert pot.exists()


def test_warm_status_reads_nothing(project: Path) -> None:
    run("extract", cwd=project, check=True)
    loaded = Project.load(project)
    cold = report_status.compute_status(loaded)
    cache = project / ".transkit/cache/status.marshal"
    assert cache.exists()
    # Poison the files' content but keep size and mtime: a warm run must not re-read them.
    po = project / "locales/es/post.po"
    st = po.stat()
    po.write_bytes(b"#" * st.st_size)
    os.utime(po, ns=(st.st_atime_ns, st.st_mtime_ns))
    warm = report_status.compute_status(loaded)
    assert render.to_json(warm, True) == render.to_json(cold, True)
    os.utime(po, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    reread = report_status.compute_status(loaded, langs=["es"])
    es = reread.languages[0].docs[0]
    assert es.units == 0 and es.problem is not None  # the changed file was read again


def test_warm_summary_answers_without_reading_and_filters(project: Path) -> None:
    run("extract", cwd=project, check=True)
    _translate_all(project, "es")
    loaded = Project.load(project)
    cold = report_status.compute_status(loaded, want_missing=False)
    po = project / "locales/fr/post.po"
    st = po.stat()
    po.write_bytes(b"x" * st.st_size)  # would be a parse error if it were read
    os.utime(po, ns=(st.st_atime_ns, st.st_mtime_ns))
    warm = report_status.compute_status(loaded, want_missing=False)
    assert render.to_json(warm, True) == render.to_json(cold, True)
    assert render.to_table(warm, False) == render.to_table(cold, False)
    only_es = report_status.compute_status(loaded, langs=["es"], docs=["post"], want_missing=False)
    assert [lang.lang for lang in only_es.languages] == ["es"]
    assert only_es.languages[0].percent == 100


def test_gate_problems_are_values_not_parsed_text(demo: Path) -> None:
    """The gate gathers records from status, the checks and the build: each keeps its
    file, line, rule and language, and a place two producers name is listed once."""
    from transkit.problems import Problem
    from transkit.project import Project
    from transkit.release import release_gate

    po = demo / "locales/fr/2019-01-ransomware.po"
    text = po.read_text("utf-8")
    entry = 'msgid "Què cal fer si us segresten les dades?"\nmsgstr "'
    start = text.index(entry) + len(entry)
    po.write_text(text[:start] + "Que faire 2024 " + text[start:], "utf-8")  # a number
    gate = release_gate(Project.load(demo))
    gate.site.discard()
    assert not gate.passed
    assert all(isinstance(p, Problem) for p in gate.problems)
    ours = [p for p in gate.problems if p.path == "locales/fr/2019-01-ransomware.po"]
    assert {p.rule for p in ours} >= {"numbers"}
    line = text[:text.index(entry)].count("\n") + 1
    assert all(p.line == line and p.lang == "fr" for p in ours)
    assert len({(p.place, p.message) for p in gate.problems}) == len(gate.problems)


def test_status_cache_holds_named_records_and_rebuilds_an_old_one(project: Path) -> None:
    """The cache's records name their fields; a cache of the older positional form (or
    a summary of other columns) is never read, only rebuilt."""
    import marshal

    from transkit.catalog.scan import FIELDS
    from transkit.status_cache import CACHE_VERSION

    run("extract", cwd=project, check=True)
    _translate_all(project, "es")
    loaded = Project.load(project)
    cold = render.to_json(report_status.compute_status(loaded, use_cache=False), True)
    assert render.to_json(report_status.compute_status(loaded), True) == cold
    folder = project / ".transkit/cache"
    saved = marshal.loads((folder / "status.marshal").read_bytes())
    record = saved["files"]["locales/es/post.po"]
    assert set(record) == {"mtime_ns", "size", "stats"} and set(record["stats"]) == set(FIELDS)
    assert record["stats"]["translated"] == record["stats"]["units"] > 0
    assert set(next(iter(saved["sources"].values()))) == {"mtime_ns", "size", "digest"}
    # The form before: version 7, a list by position per file, with other figures.
    old = {"version": 7, "files": {key: [value["mtime_ns"], value["size"],
                                         [999, 999, 0, 0, 0, 0, {}, [], []]]
                                   for key, value in saved["files"].items()},
           "sources": {}}
    (folder / "status.marshal").write_bytes(marshal.dumps(old))
    (folder / "status-summary.marshal").unlink()
    assert render.to_json(report_status.compute_status(loaded), True) == cold
    assert marshal.loads((folder / "status.marshal").read_bytes())["version"] == CACHE_VERSION
    # A summary whose rows hold other columns: rebuilt, not read.
    summary = marshal.loads((folder / "status-summary.marshal").read_bytes())
    for lang in summary["languages"].values():
        lang["columns"] = lang["columns"][::-1]
        lang["totals"] = [0] * len(lang["totals"])
    (folder / "status-summary.marshal").write_bytes(marshal.dumps(summary))
    warm = report_status.compute_status(loaded, want_missing=False)
    assert render.to_json(warm, True) == cold
