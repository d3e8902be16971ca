from __future__ import annotations

import os
import subprocess
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from lxml import etree

from transkit import text as match
from transkit.errors import InputError
from transkit.exchange.tmx import iter_tmx
from transkit.memory import Store, open_locator, open_store
from transkit.memory.learn import learn_project
from transkit.memory.sqlite import SQLiteStore
from transkit.memory.store import FUZZY, HUMAN, MACHINE, SOURCE, Entry, Variant, from_units
from transkit.project import Project

from .conftest import run

DTD = Path(__file__).parent / "data" / "tmx14.dtd"


# --- scoring ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("29.000", Decimal(29000)), ("29,000", Decimal(29000)), ("29\u202f000", Decimal(29000)),
    ("13,6", Decimal("13.6")), ("13.6", Decimal("13.6")), ("1.250.000", Decimal(1250000)),
    ("1,234.5", Decimal("1234.5")), ("1.234,5", Decimal("1234.5")), ("60 %", Decimal(60)),
])
def test_number_values_across_styles(text: str, value: Decimal) -> None:
    assert match.number_value(text) == value


def test_score_table() -> None:
    base = "La policia va detenir 23 persones a Barcelona."
    assert match.score(base, base, "ca").score == 100
    one_word = match.score("La policia va detenir 23 persones a Girona.", base, "ca")
    assert 75 <= one_word.score < 100
    assert "'Barcelona' → 'Girona'" in one_word.explanation
    number = match.score("La policia va detenir 24 persones a Barcelona.", base, "ca")
    assert number.score == 99 and number.numbers == [("23", "24")]
    assert number.only_numbers_or_placeholders
    negated = match.score("La policia no va detenir 23 persones a Barcelona.", base, "ca")
    assert negated.score < 75
    assert ("negation added or removed", match.NEGATION_PENALTY) in negated.penalties
    case = match.score("la policia va detenir 23 persones a barcelona.", base, "ca")
    assert case.score < 100 and any(label.startswith("case") for label, _ in case.penalties)
    placeholder = match.score("La <g1>policia</g1> va detenir 23 persones a Barcelona.", base,
                              "ca")
    assert placeholder.score < number.score
    for lang, query, tm_text in [
        ("en", "The police did not arrest the suspects.", "The police did arrest the suspects."),
        ("fr", "La police n'a jamais arrêté les suspects.", "La police a arrêté les suspects."),
        ("es", "La policía nunca detuvo a los sospechosos.",
         "La policía detuvo a los sospechosos."),
    ]:
        assert match.score(query, tm_text, lang).score < 75, lang


def test_adapt_numbers_in_target_style() -> None:
    scored = match.score("Van detenir 1.400 persones.", "Van detenir 1.327 persones.", "ca")
    fr, notes = match.adapt("La police a arrêté 1\u202f327 personnes.", scored, "fr")
    assert fr == "La police a arrêté 1\u202f400 personnes."
    en, _ = match.adapt("Police arrested 1,327 people.", scored, "en")
    assert en == "Police arrested 1,400 people." and notes


def test_word_diff() -> None:
    assert match.word_diff("a b c", "a x c") == "a [-b-] {+x+} c"


# --- store -----------------------------------------------------------------------------------

def _store(locator: str) -> Store:
    store = open_locator(locator)
    store.learn([
        Entry([Variant("ca", "Els agents van detenir 23 persones.", SOURCE, "d1"),
               Variant("fr", "Les agents ont arrêté 23 personnes.", HUMAN, "d1", context="c1")]),
        Entry([Variant("ca", "El frau supera els 29.000 milions.", SOURCE, "d1"),
               Variant("fr", "La fraude dépasse 29\u202f000 millions.", FUZZY, "d1")]),
        Entry([Variant("ca", "La xarxa operava a tot Europa.", SOURCE, "d2"),
               Variant("fr", "Le réseau opérait dans toute l'Europe.", MACHINE, "d2")]),
    ], "locales/fr/d1.po")
    return store


def test_exact_in_context_and_fuzzy(tm_backend: str) -> None:
    store = _store(tm_backend)
    exact = store.lookup("Els agents van detenir 23 persones.", "ca", "fr")
    assert [(m.score, m.target) for m in exact] == [(100, "Les agents ont arrêté 23 personnes.")]
    in_context = store.lookup("Els agents van detenir 23 persones.", "ca", "fr", context="c1")
    assert in_context[0].score == 101
    fuzzy = store.lookup("Els agents van detenir 40 persones.", "ca", "fr")
    assert fuzzy[0].score == 99
    assert fuzzy[0].proposal == "Les agents ont arrêté 40 personnes."
    assert "number 23 → 40 (-1)" in fuzzy[0].reason
    assert store.lookup("Res a veure amb res.", "ca", "fr") == []


def test_fuzzy_and_machine_never_exact(tm_backend: str) -> None:
    store = _store(tm_backend)
    assert store.lookup("El frau supera els 29.000 milions.", "ca", "fr") == []
    assert store.lookup("La xarxa operava a tot Europa.", "ca", "fr") == []
    drafts = store.lookup("La xarxa operava a tot Europa.", "ca", "fr",
                          origins=(MACHINE, FUZZY))
    assert drafts and drafts[0].origin == MACHINE


def test_transaction_rolls_back(tm_backend: str) -> None:
    store = _store(tm_backend)
    before = store.stats()
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.learn([Entry([Variant("ca", "Nou.", SOURCE), Variant("fr", "Neuf.", HUMAN)])])
            raise RuntimeError("crash mid-import")
    assert store.stats() == before


def test_corrupt_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(InputError, match="tm rebuild"):
        SQLiteStore(path)


# --- project learning and pre-translation ----------------------------------------------------

def test_learning_is_incremental(demo: Path, tm_backend: str) -> None:
    project = Project.load(demo)
    store = open_store(project)
    first = learn_project(project, store)
    assert first.files_read == 18  # 4 documents and 2 chromes (ca, en) x 3 target languages
    assert first.variants >= 3 * 39  # 39 distinct Catalan sources, 3 languages each
    assert store.lookup("More information at www.europol.europa.eu.", "en", "ca")[0].target \
        == "Més informació a www.europol.europa.eu."
    # Unchanged (same mtime and size) files are not even read: garbage of the same size
    # with the old mtime would fail to parse if it were.
    untouched = demo / "locales/es/2018-12-frau-targetes.po"
    original, st = untouched.read_bytes(), untouched.stat()
    untouched.write_bytes(b"#" * st.st_size)
    os.utime(untouched, ns=(st.st_atime_ns, st.st_mtime_ns))
    second = learn_project(project, store)
    assert second.files_read == 0 and second.files_skipped == 18
    untouched.write_bytes(original)  # same content, new mtime: hashed, not re-learnt
    assert learn_project(project, store).files_read == 0
    po = demo / "locales/fr/2019-01-ransomware.po"
    po.write_text(po.read_text("utf-8").replace("Ne payez pas la rançon.",
                                                "Ne payez jamais la rançon."), "utf-8")
    third = learn_project(project, store)
    assert third.files_read == 1
    found = store.lookup("No pagueu el rescat.", "ca", "fr")
    # The correction comes first; the translation it replaced is kept, after it.
    assert [m.target for m in found] == ["Ne payez jamais la rançon.", "Ne payez pas la rançon."]


NEW_POST = """<html lang="ca"><body><article>
<h1>Cop policial contra un servei de programari de segrest</h1>
<p>La policia va inspeccionar 2.400 locals en 5 dies. Una frase del tot nova sense cap
paral·lel.</p>
<p>No pagueu el rescat.</p>
</article></body></html>
"""


def test_pretranslate_fills_exact_and_fuzzy(demo: Path, tm_backend: str) -> None:
    (demo / "bulletins/2019-03-nou.html").write_text(NEW_POST, "utf-8")
    run("extract", cwd=demo, check=True)
    po_path = demo / "locales/fr/2019-03-nou.po"
    before = po_path.read_bytes()
    dry = run("pretranslate", "--lang", "fr", "--dry-run", cwd=demo, check=True)
    assert "would fill: 2 exact" in dry.stdout and "1 fuzzy" in dry.stdout
    assert po_path.read_bytes() == before
    result = run("pretranslate", "--lang", "fr", cwd=demo, check=True)
    assert "filled: 2 exact" in result.stdout and "no match: 1" in result.stdout
    po = polib.pofile(str(po_path))
    by_id = {e.msgid: e for e in po}
    title = by_id["Cop policial contra un servei de programari de segrest"]
    assert title.msgstr == "Coup de filet contre un service de rançongiciels"
    assert "fuzzy" not in title.flags and title.tcomment.startswith("TM 10")
    fuzzy = by_id["La policia va inspeccionar 2.400 locals en 5 dies."]
    assert fuzzy.msgstr == "La police a inspecté 2\u202f400 établissements en 5 jours."
    assert "fuzzy" in fuzzy.flags
    assert fuzzy.previous_msgid == "La policia va inspeccionar 1.327 locals en 5 dies."
    assert fuzzy.tcomment.startswith("TM 99% (2019-02-butlleti, ")
    assert by_id["Una frase del tot nova sense cap paral·lel."].msgstr == ""
    # Other languages untouched; translated entries never overwritten.
    assert all(not e.msgstr for e in polib.pofile(str(demo / "locales/es/2019-03-nou.po")))
    fr_existing = demo / "locales/fr/2019-01-ransomware.po"
    snapshot = fr_existing.read_bytes()
    run("pretranslate", cwd=demo, check=True)
    assert fr_existing.read_bytes() == snapshot
    check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_path)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_tm_lookup_stats_and_rebuild_commands(demo: Path, tm_backend: str) -> None:
    run("tm", "rebuild", cwd=demo, check=True)
    stats = run("tm", "stats", cwd=demo, check=True).stdout
    assert "ca→fr" in stats and "en→ca" in stats and "human" in stats
    out = run("tm", "lookup", "La policia va inspeccionar 1.400 locals en 5 dies.",
              "--from", "ca", "--to", "en", cwd=demo, check=True).stdout
    assert "Police inspected 1,400 premises in 5 days." in out
    assert "[-1.327-] {+1.400+}" in out
    if tm_backend.endswith(".sqlite"):  # a lost file; on a server, rebuild clears it
        (demo / ".transkit/tm.sqlite").unlink()
        for extra in ("-wal", "-shm"):
            (demo / f".transkit/tm.sqlite{extra}").unlink(missing_ok=True)
    run("tm", "rebuild", cwd=demo, check=True)
    assert run("tm", "stats", cwd=demo, check=True).stdout == stats
    bad = run("tm", "lookup", "x", "--from", "zz-nope!", "--to", "fr", cwd=demo)
    assert bad.returncode == 2


def test_tm_lookup_stdin_answers_each_request_as_it_comes(demo: Path, tm_backend: str) -> None:
    """An editor plug-in keeps one `tm lookup --stdin` open: each request (a JSON string on
    a line) is answered on its own line before the next is sent; what another process
    teaches the memory meanwhile is found; a bad request gets an error line, not the end
    of the session, and the exit code says one was refused."""
    import json

    from transkit.cli.memory import REQUEST_LIMIT

    from .conftest import TRANSKIT

    run("tm", "rebuild", cwd=demo, check=True)
    server = subprocess.Popen([TRANSKIT, "tm", "lookup", "--stdin", "--from", "ca", "--to",
                               "en"], cwd=demo, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    assert server.stdin is not None and server.stdout is not None

    def ask(line: bytes) -> dict[str, object]:
        assert server.stdin is not None and server.stdout is not None
        server.stdin.write(line + b"\n")
        server.stdin.flush()
        reply: dict[str, object] = json.loads(server.stdout.readline().decode("utf-8"))
        return reply

    known = "La policia va inspeccionar 1.400 locals en 5 dies."
    try:
        first = ask(json.dumps(known).encode())
        matches = first["matches"]
        assert isinstance(matches, list)
        assert matches[0]["proposal"] == "Police inspected 1,400 premises in 5 days."
        refused = {
            b"not json": "<stdin>:2: not a JSON string",
            b"[1, 2]": "<stdin>:3: not a JSON string",
            b"[" * 200_000: "<stdin>:4: not a JSON string",  # (never parsed: no recursion)
            b'"\\ud800"': "<stdin>:5: not valid Unicode (a lone surrogate)",
            b'"a\\u0000b"': "<stdin>:6: a text may not contain NUL (U+0000)",
            b'"\xff\xfe"': "<stdin>:7: not valid UTF-8",
            b'"' + b"a" * REQUEST_LIMIT + b'"': f"<stdin>:8: longer than {REQUEST_LIMIT} bytes",
            b'"unterminated': "<stdin>:9: not a JSON string (Unterminated string starting at)",
        }
        for line, error in refused.items():
            assert ask(line) == {"error": error}
        new = "Els Mossos han desarticulat una xarxa de frau telefònic a Girona."
        assert ask(json.dumps(new.replace("Girona", "Lleida")).encode()) == {"matches": []}
        tmx = demo / "new.tmx"
        tmx.write_text(
            '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header '
            'creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" '
            'adminlang="en" srclang="ca" datatype="plaintext"/><body><tu>'
            f'<tuv xml:lang="ca"><seg>{new}</seg></tuv><tuv xml:lang="en"><seg>The Mossos '
            'broke up a phone fraud ring in Girona.</seg></tuv></tu></body></tmx>', "utf-8")
        run("tm", "import", str(tmx), cwd=demo, check=True)  # another process learns it
        later = ask(json.dumps(new.replace("Girona", "Lleida")).encode())["matches"]
        assert isinstance(later, list) and later[0]["target"] == \
            "The Mossos broke up a phone fraud ring in Girona."
        if tm_backend.endswith(".sqlite"):  # the memory deleted under the session
            for suffix in ("", "-wal", "-shm"):
                (demo / f".transkit/tm.sqlite{suffix}").unlink(missing_ok=True)
            server.stdin.write(json.dumps(known).encode() + b"\n")
            server.stdin.flush()
            assert server.stdout.readline() == b""  # no answer from a memory now gone
    finally:
        server.stdin.close()
        code = server.wait(timeout=60)
    assert code == 2  # requests were refused, or the memory went away
    stderr = server.stderr.read().decode()  # type: ignore[union-attr]
    assert "Traceback" not in stderr
    if tm_backend.endswith(".sqlite"):
        assert stderr.startswith(".transkit/tm.sqlite: the translation memory was removed "
                                 "or replaced"), stderr
    usage = run("tm", "lookup", "--from", "ca", "--to", "en", cwd=demo)
    assert usage.returncode == 2 and "--stdin" in usage.stderr


# --- TMX -------------------------------------------------------------------------------------

def test_export_validates_against_tmx14_dtd(demo: Path, tmp_path: Path, tm_backend: str) -> None:
    out = tmp_path / "all.tmx"
    run("tm", "export", str(out), cwd=demo, check=True)
    dtd = etree.DTD(str(DTD))
    tree = etree.parse(str(out), etree.XMLParser(load_dtd=False, no_network=True,
                                                 resolve_entities=False))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    tus = tree.findall(".//tu")
    store = open_store(Project.load(demo))
    assert len(tus) == sum(1 for group in store.entries() if len({v.lang for v in group}) > 1)
    assert len(tus) >= 45  # the 46 distinct sources; one English source merged with its ca
    langs = {tuple(sorted(tuv.get("{http://www.w3.org/XML/1998/namespace}lang")
                          for tuv in tu.findall("tuv"))) for tu in tus}
    assert langs == {("ca", "en", "es", "fr")}
    assert tree.findall(".//bpt") and tree.findall(".//ept")
    two = tmp_path / "two.tmx"
    run("tm", "export", str(two), "--langs", "ca,fr", cwd=demo, check=True)
    assert dtd.validate(etree.parse(str(two)))


TMX_UTF16 = """<?xml version="1.0" encoding="UTF-16"?>
<tmx version="1.4"><header creationtool="X" creationtoolversion="1" segtype="sentence"
 o-tmf="x" adminlang="EN-US" srclang="ca-ES" datatype="plaintext"/>
<body>
<tu><prop type="client">Europol</prop><note>checked</note>
 <tuv xml:lang="ca-ES"><seg>Vegeu el <bpt i="1">&lt;a&gt;</bpt>portal<ept i="1">&lt;/a&gt;</ept>
 ara.<ph>&lt;br/&gt;</ph></seg></tuv>
 <tuv xml:lang="FR-fr"><seg>Voir le <bpt i="1">&lt;a&gt;</bpt>portail<ept i="1">&lt;/a&gt;</ept>
 maintenant.<ph>&lt;br/&gt;</ph></seg></tuv>
 <tuv xml:lang="EN-US"><seg>See the <hi>portal</hi> now.<it pos="begin">&lt;b&gt;</it></seg></tuv>
</tu>
<tu><tuv xml:lang="ca-ES"><seg>Vegeu el <bpt i="1">&lt;a&gt;</bpt>portal<ept i="1">&lt;/a&gt;</ept>
 ara.<ph>&lt;br/&gt;</ph></seg></tuv>
 <tuv xml:lang="fr-FR"><seg>Voir le <bpt i="1">&lt;a&gt;</bpt>portail<ept i="1">&lt;/a&gt;</ept>
 maintenant.<ph>&lt;br/&gt;</ph></seg></tuv></tu>
</body></tmx>
"""


def test_import_real_world_tmx(demo: Path, tmp_path: Path, tm_backend: str) -> None:
    path = tmp_path / "cat-tool.tmx"
    path.write_bytes(TMX_UTF16.encode("utf-16"))  # with BOM
    entries = list(from_units(iter_tmx(path)))
    assert len(entries) == 2
    ca, *others = entries[0].variants
    assert ca.lang == "ca" and ca.text == "Vegeu el <g1>portal</g1> ara.<x2/>"
    langs = {v.lang: v for v in others}
    assert langs["fr"].text == "Voir le <g1>portail</g1> maintenant.<x2/>"
    assert langs["en"].text == "See the <g1>portal</g1> now.<x2/>"
    assert "client=Europol" in (langs["fr"].note or "") and "checked" in (langs["fr"].note or "")
    result = run("tm", "import", str(path), cwd=demo, check=True)
    assert "imported 2 entries" in result.stdout
    assert (demo / "tm/cat-tool.tmx").exists()
    found = run("tm", "lookup", "Vegeu el <g1>portal</g1> ara.<x2/>", "--from", "ca", "--to",
                "fr", "--json", cwd=demo, check=True).stdout
    assert found.count('"score": 100') == 1  # the duplicate <tu> was merged
    # tm/ is committed: a rebuild restores the import.
    run("tm", "rebuild", cwd=demo, check=True)
    again = run("tm", "lookup", "Vegeu el <g1>portal</g1> ara.<x2/>", "--from", "ca", "--to",
                "fr", cwd=demo, check=True).stdout
    assert "Voir le <g1>portail</g1> maintenant.<x2/>" in again


def test_malformed_tmx_imports_nothing(demo: Path, tmp_path: Path, tm_backend: str) -> None:
    run("tm", "rebuild", cwd=demo, check=True)
    before = run("tm", "stats", cwd=demo, check=True).stdout
    good = tmp_path / "good.tmx"
    good.write_bytes(TMX_UTF16.encode("utf-16"))
    bad = tmp_path / "bad.tmx"
    bad.write_text('<?xml version="1.0"?>\n<tmx version="1.4"><header/>\n<body>\n<tu>\n'
                   '<tuv xml:lang="ca"><seg>a</seg></tuv>\n</body></tmx>\n', "utf-8")
    result = run("tm", "import", str(good), str(bad), cwd=demo)
    assert result.returncode == 2
    assert f"{bad}:6:" in result.stderr and "malformed TMX" in result.stderr
    assert run("tm", "stats", cwd=demo, check=True).stdout == before
    assert not (demo / "tm").exists()


def test_tmx_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", "utf-8")
    path = tmp_path / "xxe.tmx"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY s SYSTEM "file://{secret}">]>'
                    '<tmx version="1.4"><header srclang="ca"/><body><tu>'
                    '<tuv xml:lang="ca"><seg>a &s; b</seg></tuv>'
                    '<tuv xml:lang="fr"><seg>c</seg></tuv></tu></body></tmx>', "utf-8")
    entries = list(from_units(iter_tmx(path)))
    assert all("TOPSECRET" not in v.text for e in entries for v in e.variants)


def test_po_compendium_import(demo: Path, tmp_path: Path, tm_backend: str) -> None:
    compendium = polib.POFile()
    compendium.metadata = {"Language": "fr_FR", "Content-Type": "text/plain; charset=UTF-8"}
    compendium.append(polib.POEntry(msgid="Bon dia.", msgstr="Bonjour."))
    compendium.append(polib.POEntry(msgid="Fins aviat.", msgstr="À bientôt.", flags=["fuzzy"]))
    path = tmp_path / "old.po"
    compendium.save(str(path))
    result = run("tm", "import", str(path), cwd=demo, check=True)
    assert "imported 1 entries" in result.stdout
    out = run("tm", "lookup", "Bon dia.", "--from", "ca", "--to", "fr", cwd=demo,
              check=True).stdout
    assert "Bonjour." in out


def test_parallel_pretranslation_matches_serial(demo: Path, tmp_path: Path) -> None:
    from transkit.memory import open_store
    from transkit.pretranslate import pretranslate

    (demo / "bulletins/2019-03-nou.html").write_text(NEW_POST, "utf-8")
    run("extract", cwd=demo, check=True)
    twin = tmp_path / "twin"
    import shutil

    shutil.copytree(demo, twin)
    results = []
    for root, pending in ((demo, 0), (twin, 10**6)):  # 10**6 pending: the process pool
        project = Project.load(root)
        store = open_store(project)
        try:
            report = pretranslate(project, store, pending=pending)
        finally:
            store.close()
        results.append((report.exact, report.fuzzy, report.none,
                        sorted((p.relative_to(root).as_posix(), p.read_bytes())
                               for p in root.glob("locales/*/*.po"))))
    assert results[0] == results[1]
    assert results[0][0] == 6 and results[0][1] == 3  # es, en, fr: 2 exact + 1 fuzzy each


def test_pretranslate_workers_use_the_index_their_parent_built(
        demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool's workers are forked after the parent built the index, and use it: every
    build happens in the parent (a spy records the process of each build and adoption,
    and calls the real methods)."""
    import sys

    from transkit.memory import base, open_store
    from transkit.pretranslate import pretranslate

    if sys.platform != "linux":
        pytest.skip("workers are forked only on Linux")
    (demo / "bulletins/2019-03-nou.html").write_text(NEW_POST, "utf-8")
    run("extract", cwd=demo, check=True)
    log = tmp_path / "log"
    build, adopt = base.MemoryIndex.build.__func__, base.IndexedStore.adopt

    def spy_build(cls: type, rows: object) -> object:
        with open(log, "a") as out:
            out.write(f"build {os.getpid()}\n")
        return build(cls, rows)

    def spy_adopt(self: object, indexes: dict[str, object]) -> None:
        adopt(self, indexes)
        with open(log, "a") as out:
            out.write(f"adopt {os.getpid()} {','.join(sorted(self._memory))}\n")

    monkeypatch.setattr(base.MemoryIndex, "build", classmethod(spy_build))
    monkeypatch.setattr(base.IndexedStore, "adopt", spy_adopt)
    project = Project.load(demo)
    store = open_store(project)
    try:
        report = pretranslate(project, store, pending=10**6)  # (the process pool)
    finally:
        store.close()
    assert report.exact == 6 and report.fuzzy == 3
    lines = [line.split() for line in log.read_text().splitlines()]
    builds = [int(line[1]) for line in lines if line[0] == "build"]
    adopted = [line for line in lines if line[0] == "adopt"]
    sources = {ref.source_language for ref in project.catalogues(None, None)}
    assert builds == [os.getpid()] * len(sources)
    assert adopted and all(int(line[1]) != os.getpid() and line[2].split(",") ==
                           sorted(sources) for line in adopted)


def test_killed_runs_leave_files_whole_and_the_tm_consistent(demo: Path) -> None:
    """SIGKILL a pre-translation at random moments: every catalogue still parses (old or
    new, never half-written), the TM passes SQLite's integrity check, and a rebuild
    restores it."""
    import signal
    import sqlite3
    import time as clock

    from .conftest import TRANSKIT

    (demo / "bulletins/2019-03-nou.html").write_text(NEW_POST, "utf-8")
    run("extract", cwd=demo, check=True)
    for delay in (0.05, 0.2, 0.4, 0.8):
        process = subprocess.Popen([TRANSKIT, "pretranslate", "--mt", "pseudo"], cwd=demo,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        clock.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        for path in demo.glob("locales/*/*.po*"):
            polib.pofile(str(path))  # raises on a damaged file
        db = sqlite3.connect(demo / ".transkit/tm.sqlite")
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
    # The lock died with the killed process (fcntl lock): the next run is not blocked.
    assert run("tm", "rebuild", cwd=demo).returncode == 0
    assert run("pretranslate", cwd=demo).returncode == 0


def test_two_pretranslations_at_once(demo: Path, tm_backend: str) -> None:
    from .conftest import TRANSKIT

    (demo / "bulletins/2019-03-nou.html").write_text(NEW_POST, "utf-8")
    run("extract", cwd=demo, check=True)
    runs = [subprocess.Popen([TRANSKIT, "pretranslate", "--mt", "pseudo"], cwd=demo,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    results = [(p.wait(), p.stderr.read() if p.stderr else "") for p in runs]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 2])  # the second either waits its turn or is refused
    for code, err in results:
        if code == 2:
            assert "locked by another transkit process" in err
    for path in demo.glob("locales/*/*.po"):
        polib.pofile(str(path))
    assert run("check", "--only", "placeholders", cwd=demo).returncode == 0


# --- nothing once learnt disappears ------------------------------------------------------------

def _first_translated(demo: Path, lang: str = "fr") -> tuple[str, str, str]:
    """(document, source, translation) of a translated sentence of a demo catalogue."""
    from transkit import catalog

    for path in sorted((demo / "locales" / lang).glob("*.po")):
        for unit in catalog.load(path):
            if unit.translated and len(unit.msgid.split()) > 6 and "<" not in unit.msgid:
                return path.stem, unit.msgid, unit.msgstr
    raise AssertionError("no translated sentence")


def test_changed_and_deleted_sources_keep_answering(demo: Path, tmp_path: Path,
                                                    tm_backend: str) -> None:
    """A sentence whose source changes, and a document that is deleted: their human
    translations still answer lookups and exports, after `tm rebuild` too; importing our
    own export adds nothing."""
    run("extract", cwd=demo, check=True)
    doc, source, translation = _first_translated(demo)
    bulletin = demo / "bulletins" / f"{doc}.html"
    html = bulletin.read_text("utf-8")
    words = source.split()
    assert " ".join(words[:3]) in html
    bulletin.write_text(html.replace(" ".join(words[:3]), " ".join(words[:3]) + " ara", 1),
                        "utf-8")
    run("extract", cwd=demo, check=True)
    src_lang = next(demo.glob(f"locales/*/{doc}.pot")).parent.name

    def lookup() -> str:
        return run("tm", "lookup", source, "--from", src_lang, "--to", "fr", "--json",
                   cwd=demo, check=True).stdout

    assert translation in lookup() and '"score": 100' in lookup()
    # The document goes away altogether; the memory is rebuilt from what is left.
    bulletin.unlink()
    for path in demo.glob(f"locales/*/{doc}.po*"):
        path.unlink()
    run("tm", "rebuild", cwd=demo, check=True)
    assert translation in lookup()
    out = tmp_path / "all.tmx"
    run("tm", "export", str(out), cwd=demo, check=True)
    assert translation in out.read_text("utf-8")
    again = run("tm", "import", str(out), cwd=demo, check=True).stdout
    assert "(0 new translations)" in again, again


def test_tu_without_srclang_takes_the_header_srclang(tmp_path: Path) -> None:
    path = tmp_path / "x.tmx"
    path.write_text('<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="fr" '
                    'datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x" '
                    'creationtool="x" creationtoolversion="1"/><body><tu>'
                    '<tuv xml:lang="ca"><seg>Bon dia.</seg></tuv>'
                    '<tuv xml:lang="fr"><seg>Bonjour.</seg></tuv></tu></body></tmx>', "utf-8")
    [entry] = list(from_units(iter_tmx(path)))
    assert [v.lang for v in entry.variants] == ["fr", "ca"]


WORDS = ["policia", "frau", "Europol", "xarxa", "detinguts", "targetes", "banc", "dades"]


@pytest.mark.parametrize("seed", range(4))
def test_memory_never_forgets_what_a_person_translated(tmp_path: Path, seed: int) -> None:
    """Random edit histories of a catalogue (sources changed, added, removed; units
    translated, comments and flags set): after every learning step, every translation a
    person ever wrote is still an exact match for its source."""
    import random

    from transkit import catalog
    from transkit.unit import Unit

    from .conftest import CONFIG

    rng = random.Random(seed)
    root = tmp_path / "p"
    (root / "locales" / "ca").mkdir(parents=True)
    (root / "transkit.toml").write_text(CONFIG, "utf-8")
    project = Project.load(root)
    store = SQLiteStore(root / ".transkit" / "tm.sqlite")
    written: dict[str, str] = {}
    po = None
    for step in range(8):
        sources = list(dict.fromkeys(
            " ".join(rng.sample(WORDS, 4)).capitalize() + "." for _ in range(rng.randint(1, 5))))
        units = [Unit(s, line=i + 1, kind="p") for i, s in enumerate(sources)]
        pot = catalog.build_template(units, "d", "bulletins/d.html", "P", "ca", "h", None)
        catalog.save(pot, root / "locales" / "ca" / "d.pot")
        po, _ = catalog.update(pot, po, "fr", "P", "d")
        for unit in po:
            if rng.random() < 0.5 and not unit.msgstr:
                unit.msgstr = f"T{step} {unit.msgid}"
                if rng.random() < 0.3:
                    unit.translator_comments.append(f"note {step}")
                written[unit.msgid] = unit.msgstr
            elif rng.random() < 0.2 and unit.fuzzy:
                unit.set_fuzzy(False)  # reviewed: a person's translation now
                written[unit.msgid] = unit.msgstr
        catalog.save(po, root / "locales" / "fr" / "d.po")
        learn_project(project, store)
        for source, text in written.items():
            found = store.lookup(source, "ca", "fr", 100, 10)
            assert text in [m.target for m in found], (step, source, text)
        if step == 5:
            from transkit.memory.learn import rebuild

            rebuild(project, store)
    store.close()
