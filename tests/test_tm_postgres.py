"""The PostgreSQL backend's own tests (the shared TM suite runs on it too, in test_tm.py):
same answers as SQLite, schema migrations, `tm migrate`, concurrency, credentials."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import polib
import psycopg
import pytest

from transkit.errors import InputError
from transkit.memory import open_locator, open_store
from transkit.memory.learn import learn_project
from transkit.memory.postgres import MIGRATIONS, SCHEMA_VERSION, PostgresStore
from transkit.memory.sqlite import SQLiteStore
from transkit.memory.store import FUZZY, HUMAN, MACHINE, SOURCE, Entry, Variant
from transkit.project import Project
from transkit.redact import redact_url as redact

from .conftest import TRANSKIT, run
from .pgcluster import PASSWORD

WORDS = ("policia frau xarxa dades banc compte targeta missatge correu enllaç virus "
         "ordinador mòbil contrasenya seguretat víctima estafa europol agents operació "
         "milions euros persones detinguts servidor atac rescat fitxers empresa usuaris").split()


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(5, 14))
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 40)}.{rng.randint(100, 999)}")
    return " ".join(words).capitalize() + "."


def _edit(text: str, rng: random.Random) -> str:
    words = text[:-1].split()
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(words))
        choice = rng.random()
        if choice < 0.4:
            words[i] = rng.choice(WORDS)
        elif choice < 0.7:
            words.insert(i, rng.choice(WORDS))
        elif len(words) > 3:
            del words[i]
    return " ".join(words) + "."


def _corpus(seed: int = 5) -> tuple[list[Entry], list[str]]:
    rng = random.Random(seed)
    entries, queries = [], []
    for i in range(1500):
        text = _sentence(rng)
        origin = rng.choice([HUMAN, HUMAN, HUMAN, FUZZY, MACHINE])
        entries.append(Entry([Variant("ca", text, SOURCE, f"d{i % 40}"),
                              Variant("fr", "FR " + text, origin, f"d{i % 40}"),
                              Variant("es", "ES " + text, HUMAN, f"d{i % 40}")]))
        if i % 10 == 0:
            queries += [text, _edit(text, rng)]
    queries += [_sentence(rng) for _ in range(50)]
    return entries, queries


def _answers(store: object, queries: list[str]) -> list[list[tuple[object, ...]]]:
    out = []
    for query in queries:
        for threshold in (50, 75):
            found = store.lookup(query, "ca", "fr", threshold, 20)  # type: ignore[attr-defined]
            out.append([(m.score, m.source, m.target, m.proposal, m.origin, m.doc,
                         m.explanation, m.penalties, m.notes) for m in found])
    return out


def test_same_matches_and_scores_on_both_backends(pg_url: str, tmp_path: Path) -> None:
    entries, queries = _corpus()
    lite = SQLiteStore(tmp_path / "tm.sqlite")
    pg = PostgresStore(pg_url)
    for store in (lite, pg):
        store.learn(entries[:700], "locales/fr/a.po")
        store.learn(entries[700:], "locales/fr/b.po")
        store.forget_file("locales/fr/a.po")  # forgetting must keep both indexes right
        store.learn(entries[:700], "locales/fr/a.po")
    assert lite.stats() == pg.stats()
    lite_answers, pg_answers = _answers(lite, queries), _answers(pg, queries)
    assert sum(1 for a in pg_answers if a) > len(queries) // 2  # the test looks at matches
    assert any(m[0] < 100 for a in pg_answers for m in a)  # …fuzzy ones included
    assert lite_answers == pg_answers
    assert [[(v.lang, v.text, v.origin) for v in g] for g in lite.entries()] == \
        [[(v.lang, v.text, v.origin) for v in g] for g in pg.entries()]
    drafts = dict(origins=(MACHINE, FUZZY))
    assert [m.target for m in lite.lookup(queries[0], "ca", "fr", **drafts)] == \
        [m.target for m in pg.lookup(queries[0], "ca", "fr", **drafts)]
    lite.close()
    pg.close()


def _df_consistent(url: str) -> bool:
    """Term frequencies equal a recount from the variants (what candidate choice needs),
    the posting table holds exactly each text's terms at its length (what candidate
    retrieval reads), and the texts per length are a recount too (window sizes)."""
    with psycopg.connect(url) as conn:
        diff = conn.execute("""
            WITH real AS (SELECT t AS id, count(*) AS n
                          FROM tm_variants, unnest(terms) AS t GROUP BY 1)
            SELECT count(*) FROM real FULL JOIN (SELECT * FROM tm_terms WHERE df <> 0) k
              USING (id) WHERE real.n IS DISTINCT FROM k.df""").fetchone()
        postings = conn.execute("""
            SELECT count(*) FROM (SELECT t AS term, flen, id FROM tm_variants,
                                  unnest(terms) AS t) AS want
            FULL JOIN tm_postings AS have USING (term, flen, id)
            WHERE want.id IS NULL OR have.id IS NULL""").fetchone()
        lengths = conn.execute("""
            SELECT count(*) FROM (SELECT lang, flen, count(*) AS n FROM tm_variants
                                  WHERE flen >= 0 GROUP BY 1, 2) AS want
            FULL JOIN (SELECT * FROM tm_lengths WHERE n <> 0) AS have USING (lang, flen)
            WHERE want.n IS DISTINCT FROM have.n""").fetchone()
    return diff == (0,) and postings == (0,) and lengths == (0,)


def _same_primitives(lite: SQLiteStore, pg: PostgresStore, queries: list[str]) -> int:
    """`_with_terms` answers the same texts on both backends (their term ids differ: they
    are matched by term), for several counts and windows; returns the texts compared."""
    from transkit.text import indexed

    compared = 0
    for query in queries:
        terms = sorted(set(indexed(query).terms))
        a, b = lite._term_ids("ca", terms), pg._term_ids("ca", terms)
        assert {t: df for t, (_, df) in a.items()} == {t: df for t, (_, df) in b.items()}
        shared = sorted(a, key=lambda t: (a[t][1], t))[:6]
        for need in (1, 2, 3):
            for low, high in ((0, 10_000), (len(query) // 2, len(query)), (40, 60)):
                lite._new_lookup()
                pg._new_lookup()
                mine = pg._with_terms("ca", [b[t][0] for t in shared], need, low, high)
                theirs = lite._with_terms("ca", [a[t][0] for t in shared], need, low, high)
                assert sorted(mine[1]) == sorted(theirs[1]), (query, need, low, high)
                assert len(set(mine[0])) == len(mine[0])
                compared += len(mine[1])
    return compared


def _as_schema_3(url: str) -> None:
    """Turn a memory back into what schema 3 left (the same variants and terms; a GIN
    index over the term ids instead of the posting and length tables, and an index of
    units), as an older transkit made it."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE tm_postings, tm_lengths")
        conn.execute("CREATE INDEX tm_variants_terms ON tm_variants USING gin(terms) "
                      "WITH (fastupdate = off) WHERE terms IS NOT NULL")
        conn.execute("CREATE INDEX tm_variants_unit ON tm_variants(unit, lang)")
        conn.execute("DELETE FROM transkit_schema WHERE version > 3")


def test_schema_3_memory_upgrades_with_its_data_and_keeps_them_right(
        pg_url: str, tmp_path: Path) -> None:
    entries, queries = _corpus(7)
    lite = SQLiteStore(tmp_path / "tm.sqlite")
    pg = PostgresStore(pg_url)
    for store in (lite, pg):
        store.learn(entries[:800], "locales/fr/a.po")
        store.learn(entries[800:], "locales/fr/b.po")
    pg.close()
    _as_schema_3(pg_url)
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT to_regclass('tm_postings')").fetchone() == (None,)
    pg = PostgresStore(pg_url)  # migration 4, on the data
    with psycopg.connect(pg_url) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM transkit_schema ORDER BY 1")]
        gin = conn.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'tm_variants' "
                           "AND indexdef ILIKE '%using gin%'").fetchone()
        held = conn.execute("SELECT count(*) FROM tm_postings").fetchone()
    assert versions == [1, 2, 3, 4] == [m[0] for m in MIGRATIONS]
    assert gin == (0,)  # nothing reads it any more
    assert held is not None and held[0] > 10 * len(entries)  # every text's terms
    assert _df_consistent(pg_url)
    answers = _answers(pg, queries)
    assert sum(1 for a in answers if a) > len(queries) // 2
    assert answers == _answers(lite, queries)
    assert _same_primitives(lite, pg, queries[:30]) > 100
    # Learning and forgetting after the upgrade keep both in step.
    for store in (lite, pg):
        store.forget_file("locales/fr/a.po")
        store.learn(entries[:300], "locales/fr/c.po")
        store.learn(entries[1200:], "locales/fr/d.po")
        store.forget_file("locales/fr/b.po")
        store.forget_file("locales/fr/a.po#history")  # (its translations too, terms and all)
    with psycopg.connect(pg_url) as conn:  # the test removed indexed texts
        assert conn.execute("SELECT count(*) FROM tm_variants WHERE file LIKE %s",
                            ("%a.po#history",)).fetchone() == (0,)
    assert _df_consistent(pg_url)
    assert _answers(pg, queries) == _answers(lite, queries)
    assert _same_primitives(lite, pg, queries[:30]) > 100
    lite.close()
    pg.close()


def test_clear_empties_the_postings_and_learning_again_answers_the_same(
        pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from transkit.memory import postgres

    # Small batches and passes: postings gathered over several batches, written in passes.
    monkeypatch.setattr(postgres, "BATCH", 100)
    monkeypatch.setattr(postgres, "POSTINGS_PASS", 250)
    entries, queries = _corpus(3)
    lite = SQLiteStore(tmp_path / "tm.sqlite")
    pg = PostgresStore(pg_url)
    for store in (lite, pg):
        store.learn(entries, "locales/fr/a.po")
    pg.clear()
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM tm_postings").fetchone() == (0,)
    assert pg.lookup(queries[0], "ca", "fr") == []
    pg.learn(entries[:500], "locales/fr/b.po")
    pg.learn(entries[500:], "locales/fr/a.po")
    assert _df_consistent(pg_url)
    assert _answers(pg, queries[:60]) == _answers(lite, queries[:60])
    lite.close()
    pg.close()


def _read_index_only(url: str, term: int) -> tuple[bool, str]:
    """Whether the posting table's pages are all marked all-visible, and the plan of a
    posting range read (as `_with_terms` asks it)."""
    with psycopg.connect(url) as conn:
        pages, visible = conn.execute("SELECT relpages, relallvisible FROM pg_class WHERE "
                                      "relname = 'tm_postings'").fetchone() or (0, 0)
        plan = conn.execute(
            "EXPLAIN (ANALYZE, FORMAT JSON) SELECT term, string_agg(int8send(id), ''::bytea) "
            "FROM tm_postings WHERE term = ANY(%s) AND flen BETWEEN 20 AND 80 GROUP BY term",
            ([term],)).fetchone()
    return pages > 0 and visible == pages, str(plan[0] if plan else "")


def test_a_large_import_or_upgrade_is_read_index_only_right_after() -> None:
    """Learning many texts, or upgrading a memory, vacuums the posting table once
    committed: an index-only scan then reads no table row (else each posting on a fresh
    page costs a heap visit, the cost GIN had), and the planner has statistics to choose
    that scan. On a server of default durability: with synchronous_commit off (the
    session's test cluster) vacuum may find commits not yet flushed and leave the pages
    to autovacuum."""
    from transkit.memory.postgres import SETTLE_AFTER

    from .pgcluster import Cluster

    rng = random.Random(9)
    entries = [Entry([Variant("ca", f"{_sentence(rng)[:-1]} {i}.", SOURCE),
                      Variant("fr", f"FR {i}", HUMAN)]) for i in range(SETTLE_AFTER // 2 + 50)]
    cluster = Cluster(fast=False)
    try:
        url = cluster.create_database("settle")
        store = PostgresStore(url)
        assert store.learn(entries, "locales/fr/big.po") >= SETTLE_AFTER
        frequent = store._term_ids("ca", ["polic"])  # (policia: its first five letters)
        assert frequent and frequent["polic"][1] > 1000
        store.close()
        marked, plan = _read_index_only(url, frequent["polic"][0])
        assert marked
        assert "Index Only Scan" in plan and "'Heap Fetches': 0" in plan, plan
        _as_schema_3(url)
        PostgresStore(url).close()
        marked, plan = _read_index_only(url, frequent["polic"][0])
        assert marked
        assert "Index Only Scan" in plan and "'Heap Fetches': 0" in plan, plan
    finally:
        cluster.stop()


def test_schema_migrations_are_recorded_and_applied_once(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:  # a memory made by version 1
        conn.execute(b"CREATE TABLE transkit_schema(version integer PRIMARY KEY, "
                     b"description text NOT NULL, applied timestamptz NOT NULL DEFAULT now())")
        conn.execute(MIGRATIONS[0][2].encode())
        conn.execute("INSERT INTO transkit_schema(version, description) VALUES (1, 'v1')")
        conn.execute("INSERT INTO tm_files VALUES ('old.po', 'abc', 1, 2)")
        for lang, text, origin in (("ca", "La policia ha detingut tres persones.", "source"),
                                   ("fr", "La police a arrêté trois personnes.", "human")):
            conn.execute("INSERT INTO tm_variants(unit, lang, text, digest, origin, file, "
                         "ntok, keys, terms) VALUES (1, %s, %s, %s, %s, 'old.po', 6, 'abc', "
                         "%s)", (lang, text, hashlib.blake2b(text.encode(), digest_size=16)
                                 .digest(), origin, [f"{lang}:policia"]))
    store = PostgresStore(pg_url)
    assert store.file_hash("old.po") == "abc"  # data kept across the upgrade
    # …and indexed again for the score of schema 3.
    found = store.lookup("La policia ha detingut quatre persones.", "ca", "fr")
    assert [m.target for m in found] == ["La police a arrêté trois personnes."]
    store.set_meta("k", "v")  # the version-2 table exists now
    store.close()
    assert _df_consistent(pg_url)  # terms, frequencies and postings made anew
    with psycopg.connect(pg_url) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM transkit_schema ORDER BY 1")]
        assert versions == [m[0] for m in MIGRATIONS] and versions[-1] == SCHEMA_VERSION
        conn.execute("INSERT INTO transkit_schema(version, description) VALUES (99, 'future')")
    with pytest.raises(InputError, match="schema version 99, newer"):
        PostgresStore(pg_url)


LEARNER = r"""
import random, sys
from transkit.memory.postgres import PostgresStore
from transkit.memory.store import Entry, Variant, SOURCE, HUMAN
url, me = sys.argv[1], int(sys.argv[2])
store = PostgresStore(url)
rng = random.Random(me)
shared = [f"Frase compartida numero {i} del butlleti." for i in range(60)]
for round in range(6):
    batch = [Entry([Variant("ca", f"Frase propia {me} {round} {i} amb text.", SOURCE),
                    Variant("fr", f"Phrase propre {me} {round} {i}.", HUMAN)])
             for i in range(40)]
    batch += [Entry([Variant("ca", s, SOURCE), Variant("fr", "FR " + s, HUMAN)])
              for s in rng.sample(shared, 20)]
    rng.shuffle(batch)
    with store.transaction():
        store.forget_file(f"locales/fr/p{me}.po")
        store.learn(batch, f"locales/fr/p{me}-{round}.po")
    for s in rng.sample(shared, 5):
        assert store.lookup(s, "ca", "fr"), s
    store.lookup(f"Frase propia {me} {round} 3 amb text nou.", "ca", "fr")
store.close()
print("ok")
"""


def test_eight_processes_learn_and_look_up_at_once(pg_url: str) -> None:
    PostgresStore(pg_url).close()  # or the schema; the processes race on everything else
    procs = [subprocess.Popen([sys.executable, "-c", LEARNER, pg_url, str(me)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for me in range(8)]
    outcomes = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [err for _, err in outcomes]
    store = PostgresStore(pg_url)
    with psycopg.connect(pg_url) as conn:
        own = conn.execute("SELECT count(*) FROM tm_variants WHERE text LIKE 'Phrase propre %'"
                           ).fetchone()
        shared_units = conn.execute(
            "SELECT count(DISTINCT unit), count(*) FROM tm_variants WHERE lang='ca' "
            "AND text LIKE 'Frase compartida%'").fetchone()
    assert own == (8 * 6 * 40,)  # no entry lost
    assert shared_units is not None and shared_units[0] == shared_units[1]  # one unit each
    assert _df_consistent(pg_url)
    for me in range(8):
        found = store.lookup(f"Frase propia {me} 5 39 amb text.", "ca", "fr")
        assert found and found[0].score == 100
    store.close()


def test_schema_created_once_by_racing_clients(pg_url: str) -> None:
    code = ("import sys; from transkit.memory.postgres import PostgresStore; "
            "PostgresStore(sys.argv[1])")
    procs = [subprocess.Popen([sys.executable, "-c", code, pg_url], stderr=subprocess.PIPE,
                              text=True) for _ in range(8)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, errors
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT version FROM transkit_schema ORDER BY 1").fetchall()
    assert [r[0] for r in rows] == [m[0] for m in MIGRATIONS]


def test_migrate_command_both_ways_resumes_and_keeps_learning_incremental(
        demo: Path, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRANSKIT_TM_URL", raising=False)
    run("tm", "rebuild", cwd=demo, check=True)
    project = Project.load(demo)
    lite = open_store(project)
    entries, queries = _corpus(11)
    lite.learn(entries, "tm/bulk.tmx")
    lite.close()
    before = run("tm", "stats", cwd=demo, check=True).stdout
    # Interrupted: killed after its first committed batches, then run again.
    proc = subprocess.Popen([TRANSKIT, "tm", "migrate", "--to", pg_url, "--batch", "20"],
                            cwd=demo, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if conn.execute("SELECT to_regclass('tm_meta')").fetchone() != (None,) and \
                    conn.execute("SELECT count(*) FROM tm_meta").fetchone() != (0,):
                break
            time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with psycopg.connect(pg_url) as conn:
        partial = conn.execute("SELECT count(DISTINCT unit) FROM tm_variants").fetchone()
    assert partial is not None and 0 < partial[0] < len(entries)
    again = run("tm", "migrate", "--to", pg_url, "--batch", "20", cwd=demo, check=True)
    assert "resumed after unit" in again.stdout
    monkeypatch.setenv("TRANSKIT_TM_URL", pg_url)
    assert run("tm", "stats", cwd=demo, check=True).stdout == before
    assert _df_consistent(pg_url)
    pg = open_store(Project.load(demo))
    lite = SQLiteStore(demo / ".transkit/tm.sqlite")
    assert _answers(pg, queries[:40]) == _answers(lite, queries[:40])
    # The file records came along: nothing to re-learn on the server.
    assert learn_project(Project.load(demo), pg).files_read == 0
    pg.close()
    lite.close()
    # Running it again copies nothing new; and back to a new SQLite file.
    monkeypatch.delenv("TRANSKIT_TM_URL")
    assert "copied 0 unit(s)" in run("tm", "migrate", "--to", pg_url, cwd=demo,
                                     check=True).stdout
    back = tmp_path / "back.sqlite"
    out = run("tm", "migrate", "--from", pg_url, "--to", str(back), cwd=demo, check=True)
    assert "copied" in out.stdout
    copy = open_locator(str(back))
    assert copy.stats() == SQLiteStore(demo / ".transkit/tm.sqlite").stats()
    copy.close()


def test_credentials_from_url_environment_and_pgpass(pg_cluster: object, pg_url: str,
                                                     demo: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    db = pg_url.split("/")[3].split("?")[0]
    with_password = pg_cluster.tcp_url(db)  # type: ignore[attr-defined]
    bare = pg_cluster.tcp_url(db, password=None)  # type: ignore[attr-defined]
    PostgresStore(with_password).close()
    assert PASSWORD not in redact(with_password) and "***" in redact(with_password)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.pop("TRANSKIT_TM_URL", None)

    def transkit(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([TRANSKIT, *args], cwd=demo, capture_output=True, text=True,
                              env={**env, **extra}, timeout=120)

    # The password in the URL (environment), in PGPASSWORD, in a .pgpass file.
    ok = transkit("tm", "rebuild", TRANSKIT_TM_URL=with_password)
    assert ok.returncode == 0, ok.stderr
    assert transkit("tm", "stats", TRANSKIT_TM_URL=bare, PGPASSWORD=PASSWORD).returncode == 0
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:*:*:translator:{PASSWORD}\n")
    pgpass.chmod(0o600)
    assert transkit("tm", "stats", TRANSKIT_TM_URL=bare, PGPASSFILE=str(pgpass)).returncode == 0
    # Wrong password, and a password in transkit.toml: refused, never printed.
    wrong = pg_cluster.tcp_url(db, password="Wr0ng-Secret")  # type: ignore[attr-defined]
    refused = transkit("tm", "stats", TRANSKIT_TM_URL=wrong)
    assert refused.returncode == 2
    assert "password authentication failed" in refused.stderr
    assert "Wr0ng-Secret" not in refused.stderr + refused.stdout
    toml = demo / "transkit.toml"
    toml.write_text(toml.read_text("utf-8").replace(
        'path = ".transkit/tm.sqlite"', f'path = ".transkit/tm.sqlite"\nurl = "{wrong}"'))
    refused = transkit("pretranslate")
    assert refused.returncode == 2 and "Wr0ng-Secret" not in refused.stderr + refused.stdout
    toml.write_text(toml.read_text("utf-8").replace(wrong, with_password))
    done = transkit("pretranslate", "--mt", "pseudo")
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr


def test_server_down_is_a_clear_error(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("TRANSKIT_TM_URL", f"postgresql://u:pw1234@127.0.0.1:{port}/x")
    before = {p: p.read_bytes() for p in demo.glob("locales/*/*.po")}
    result = run("pretranslate", cwd=demo)
    assert result.returncode == 2
    assert "cannot connect to the translation memory at postgresql://u:***@127.0.0.1" \
        in result.stderr
    assert "pw1234" not in result.stderr and "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in demo.glob("locales/*/*.po")} == before


def test_killed_pretranslations_leave_the_server_memory_consistent(
        demo: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSKIT_TM_URL", pg_url)
    (demo / "bulletins/2019-03-nou.html").write_text(
        "<html lang='ca'><body><article><h1>Un titol nou del tot</h1>"
        "<p>La policia va inspeccionar 2.400 locals en 5 dies.</p></article></body></html>")
    run("extract", cwd=demo, check=True)
    for delay in (0.1, 0.3, 0.6):
        proc = subprocess.Popen([TRANSKIT, "pretranslate", "--mt", "pseudo"], cwd=demo,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for path in demo.glob("locales/*/*.po*"):
            polib.pofile(str(path))
        assert _df_consistent(pg_url)
    # The killed sessions' locks went with their connections: nothing waits.
    assert run("pretranslate", cwd=demo).returncode == 0
    assert _df_consistent(pg_url)


def test_pretranslations_from_several_clones_share_one_server(
        demo: Path, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Four clones of the project pre-translate at once (MT drafts learnt as they go)
    against one server while the shared catalogues are learnt: every run succeeds and
    each clone gets the same exact and fuzzy matches."""
    import shutil

    monkeypatch.setenv("TRANSKIT_TM_URL", pg_url)
    (demo / "bulletins/2019-03-nou.html").write_text(
        "<html lang='ca'><body><article><h1>Cop policial contra un servei de programari de "
        "segrest</h1><p>La policia va inspeccionar 2.400 locals en 5 dies. Una frase del tot "
        "nova.</p></article></body></html>", "utf-8")
    run("extract", cwd=demo, check=True)  # learns the demo's catalogues into the server
    clones = []
    for n in range(4):
        clone = tmp_path / f"clone{n}"
        shutil.copytree(demo, clone, ignore=shutil.ignore_patterns(".transkit"))
        clones.append(clone)
    procs = [subprocess.Popen([TRANSKIT, "pretranslate", "--mt", "pseudo"], cwd=clone,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for clone in clones]
    outcomes = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _, err in outcomes]
    filled = set()
    for clone in clones:
        po = polib.pofile(str(clone / "locales/fr/2019-03-nou.po"))
        by_id = {e.msgid: e for e in po}
        title = by_id["Cop policial contra un servei de programari de segrest"]
        fuzzy = by_id["La policia va inspeccionar 2.400 locals en 5 dies."]
        assert title.msgstr == "Coup de filet contre un service de rançongiciels"
        assert "fuzzy" in fuzzy.flags and "2\u202f400" in fuzzy.msgstr
        filled.add((title.msgstr, fuzzy.msgstr))
    assert len(filled) == 1
    assert _df_consistent(pg_url)
