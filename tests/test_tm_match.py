"""The TM's score on real-looking text and its candidate retrieval: every match an
exhaustive scan with the same scorer finds, the index finds too (SQL path and in-memory
index alike), and memories of the previous schema are indexed again."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from transkit import text
from transkit.errors import InputError
from transkit.memory import base
from transkit.memory.sqlite import SQLiteStore
from transkit.memory.store import HUMAN, SOURCE, Entry, Variant

from .conftest import run

# --- the score ----------------------------------------------------------------------------


@pytest.mark.parametrize("query, memory", [
    # Both from real message catalogues: format specifiers and punctuation used to count
    # as whole words ("%s" as "%" and "s"), and scored these 63 and 67.
    ("alternative link %s is already managed by %s",
     "alternative link %s is already managed by %s (slave of %s)"),
    ("Could not parse PEM-encoded certificate", "Could not parse PEM-encoded private key"),
    ("Saved %(count)d files to {folder}.", "Saved %d files to {0}."),
    ("Cannot open file '%s': %s", "Cannot open files '%s': %s"),
    ("La policia ha detingut 23 persones a Girona.",
     "La policia ha detingut 23 persones a Barcelona."),
])
def test_useful_matches_reach_the_threshold(query: str, memory: str) -> None:
    assert text.score(query, memory, "en").score >= 75


@pytest.mark.parametrize("query, memory, lang", [
    ("print only refs which don't contain the commit",
     "print only refs which contain the commit", "en"),
    ("La policia no va detenir 23 persones a Barcelona.",
     "La policia va detenir 23 persones a Barcelona.", "ca"),
    ("Ne cliquez jamais sur le lien.", "Cliquez sur le lien.", "fr"),
    ("No hagas clic en el enlace recibido.", "Haz clic en el enlace recibido.", "es"),
])
def test_a_flipped_negation_stays_below_the_threshold(query: str, memory: str,
                                                      lang: str) -> None:
    assert fuzz.ratio(query, memory) >= 75  # close as characters go…
    assert text.score(query, memory, lang).score < 75  # …but the meaning is the opposite


def test_codes_and_specifiers_are_light() -> None:
    """One character each in the compared form: a changed specifier costs its penalty,
    not the weight of a word."""
    form = text.compared_form("Copied  %(count)d <g1>files</g1> (29.000 bytes) to {dir}")
    assert form == "copied \ue001 \ue001files\ue001 (\ue000 bytes) to \ue001"
    changed = text.score("Copied %d files to %s.", "Copied %lu files to %s.", "en")
    assert changed.score == 99 and changed.penalties == [("placeholder %lu → %d", 1)]
    assert text.score("Copied files to %s.", "Copied files to %s!", "en").score >= 90


def test_index_terms_skip_elision_and_share_stems() -> None:
    found = text.indexed("L'operació d'Europol i les operacions de la policia")
    assert found.terms[:2] == ["opera", "europ"] and "opera" in found.terms[2:]
    assert found.weights[0] == len("l'operació") + 1
    assert text.indexed("don't stop").terms[0] == "don't"


# --- retrieval ------------------------------------------------------------------------------

VOCAB = ("police operation network fraud europol suspects arrested money mules bank "
         "accounts victims cyber attack ransomware investigation officers seized "
         "servers data stolen phishing emails court judge sentenced prison years "
         "million euros criminal group countries agencies warned citizens").split()
FUNCTION = "the of and to a in that was for on with by at from".split()


def _memory(seed: int = 3) -> tuple[list[str], list[str]]:
    """A narrow-domain memory (a few dozen words, as a bulletin's) with planted
    neighbours, short single words with letter edits, and messages with specifiers."""
    rng = random.Random(seed)

    def sentence() -> str:
        words = [rng.choice(VOCAB if rng.random() < 0.6 else FUNCTION)
                 for _ in range(rng.randint(6, 22))]
        if rng.random() < 0.2:
            words.insert(rng.randrange(len(words)), str(rng.randint(2, 90000)))
        return " ".join(words).capitalize() + rng.choice([".", ".", ":", "?"])

    def edit(s: str) -> str:
        words = s.split()
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(words))
            op = rng.random()
            if op < 0.5:
                words[i] = rng.choice(VOCAB + FUNCTION)
            elif op < 0.8:
                words.insert(i, rng.choice(VOCAB))
            elif len(words) > 3:
                del words[i]
        return " ".join(words)

    def word() -> str:
        return "".join(rng.choice("aeioubdgklmnprst") for _ in range(rng.randint(4, 9)))

    memory = [sentence() for _ in range(2500)]
    memory += [word().capitalize() for _ in range(700)]
    memory += [f"Could not {rng.choice(['open', 'read', 'write', 'lock'])} "
               f"{rng.choice(['file', 'folder', 'socket', 'config file'])} "
               f"{rng.choice(['%s', '“%s”', '%s: %s', ''])}".strip() for _ in range(300)]
    memory = list(dict.fromkeys(memory))
    queries = [edit(rng.choice(memory[:2500])) for _ in range(150)]
    queries += [sentence() for _ in range(20)]
    short = [w for w in memory if " " not in w]
    queries += [w[:2] + rng.choice("aeiou") + w[3:] for w in rng.sample(short, 25)]
    queries += ["Could not open the file %s", "Could not lock %s: %s"]
    return memory, queries


def _exhaustive(query: str, sources: list[str], threshold: int) -> set[str]:
    """Every memory text scored: raw in C first (it bounds the score), then the score."""
    from rapidfuzz import process
    from rapidfuzz.distance import Indel

    near = process.extract(text.compared_form(query), [text.compared_form(s) for s in sources],
                           scorer=Indel.normalized_similarity,
                           score_cutoff=(threshold - 0.5) / 100, limit=None)
    return {sources[i] for _, _, i in near
            if sources[i] != query and text.score(query, sources[i], "en").score >= threshold}


@pytest.fixture(scope="module")
def memory_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[SQLiteStore, list[str],
                                                                     list[str]]:
    memory, queries = _memory()
    store = SQLiteStore(tmp_path_factory.mktemp("tm") / "tm.sqlite")
    store.learn([Entry([Variant("en", s, SOURCE), Variant("fr", "FR " + s, HUMAN)])
                 for s in memory], "mem.po")
    return store, memory, queries


def _answers(store: SQLiteStore, queries: list[str], threshold: int) -> list[list[tuple[
        object, ...]]]:
    return [[(m.score, m.source, m.target, m.explanation, m.penalties)
             for m in store.lookup(q, "en", "fr", threshold, 1000)] for q in queries]


@pytest.mark.parametrize("scan_limit", [base.SCAN_LIMIT, 0])
@pytest.mark.parametrize("threshold", [75, 60])
def test_lookup_finds_what_an_exhaustive_scan_finds(
        memory_store: tuple[SQLiteStore, list[str], list[str]], threshold: int,
        scan_limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The filter's bound on a narrow vocabulary, with the scan of short windows (the
    default) and with the term filter alone (scan_limit 0); the SQL path and the
    in-memory index answer alike."""
    store, memory, queries = memory_store
    monkeypatch.setattr(base, "SCAN_LIMIT", scan_limit)
    store._forget_memory()
    cold = _answers(store, queries, threshold)
    store.preload("en")
    try:
        warm = _answers(store, queries, threshold)
    finally:
        store._forget_memory()
    assert warm == cold
    expected = found = 0
    for query, answer in zip(queries, cold, strict=True):
        if not scan_limit and len(text.indexed(query).terms) < base.SHORT_TEXT:
            continue  # short queries are served by the scan alone (`plan`)
        truth = _exhaustive(query, memory, threshold)
        expected += len(truth)
        found += len(truth & {a[1] for a in answer})
    assert expected > 100  # the corpus does have fuzzy matches to find
    assert found / expected >= 0.99, (found, expected)


def test_candidates_are_few_on_a_narrow_vocabulary(
        memory_store: tuple[SQLiteStore, list[str], list[str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    store, memory, queries = memory_store
    monkeypatch.setattr(base, "SCAN_LIMIT", 0)
    store.preload("en")
    try:
        counts = [len(store.candidates(text.indexed(q), "en", 75)[0]) for q in queries[:60]]
    finally:
        store._forget_memory()
    counts.sort()
    assert counts[len(counts) // 2] < len(memory) / 10, counts


def test_learning_drops_the_index_in_memory(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "tm.sqlite")
    store.learn([Entry([Variant("ca", "La policia ha detingut tres persones.", SOURCE),
                        Variant("fr", "La police a arrêté trois personnes.", HUMAN)])])
    store.preload("ca")
    store.learn([Entry([Variant("ca", "Europol adverteix dels fraus amb criptomonedes.",
                                SOURCE),
                        Variant("fr", "Europol met en garde contre les fraudes.", HUMAN)])])
    found = store.lookup("Europol adverteix dels fraus amb criptomonedes!", "ca", "fr")
    assert [m.target for m in found] == ["Europol met en garde contre les fraudes."]


SCHEMA_2 = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE units(id INTEGER PRIMARY KEY);
CREATE TABLE variants(id INTEGER PRIMARY KEY,
    unit INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE, lang TEXT NOT NULL,
    text TEXT NOT NULL, origin TEXT NOT NULL, doc TEXT, file TEXT, date TEXT, context TEXT,
    note TEXT, ntok INTEGER NOT NULL DEFAULT 0, keys TEXT NOT NULL DEFAULT '',
    UNIQUE(unit, lang, text, origin));
CREATE INDEX variants_text ON variants(lang, text);
CREATE TABLE files(path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, mtime INTEGER, size INTEGER);
CREATE TABLE symbols(key TEXT PRIMARY KEY, code INTEGER NOT NULL UNIQUE);
CREATE TABLE terms(lang TEXT NOT NULL, term TEXT NOT NULL, df INTEGER NOT NULL,
    PRIMARY KEY(lang, term)) WITHOUT ROWID;
CREATE VIRTUAL TABLE fts_ca USING fts5(terms, content='',
    tokenize="unicode61 remove_diacritics 0");
INSERT INTO meta VALUES('schema', '2');
INSERT INTO units VALUES(1);
INSERT INTO variants(unit, lang, text, origin, file, ntok, keys) VALUES
    (1, 'ca', 'La policia ha detingut tres persones a Girona.', 'source', 'a.po', 9, 'abc'),
    (1, 'fr', 'La police a arrêté trois personnes à Gérone.', 'human', 'a.po', 9, 'abd');
INSERT INTO files VALUES('a.po', 'abc', 1, 2);
"""


def test_a_memory_of_schema_2_is_indexed_again(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA_2)
    store = SQLiteStore(path)
    assert store.get_meta("schema") == "3" and store.file_hash("a.po") == "abc"
    found = store.lookup("La policia ha detingut quatre persones a Girona.", "ca", "fr")
    assert [m.target for m in found] == ["La police a arrêté trois personnes à Gérone."]
    store.close()
    with sqlite3.connect(tmp_path / "future.sqlite") as db:
        db.executescript("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                         "INSERT INTO meta VALUES('schema', '9');")
    with pytest.raises(InputError, match="schema version 9"):
        SQLiteStore(tmp_path / "future.sqlite")


def test_a_late_error_in_a_streamed_tmx_rolls_the_import_back(demo: Path,
                                                               tmp_path: Path) -> None:
    body = "".join(f'<tu><tuv xml:lang="ca"><seg>Frase número {i} del butlletí.</seg></tuv>'
                   f'<tuv xml:lang="fr"><seg>Phrase numéro {i}.</seg></tuv></tu>\n'
                   for i in range(3000))
    bad = tmp_path / "big.tmx"
    bad.write_text('<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="ca"/><body>\n'
                   + body + "<tu><tuv>\n</body></tmx>\n", "utf-8")
    run("tm", "rebuild", cwd=demo, check=True)
    before = run("tm", "stats", cwd=demo, check=True).stdout
    result = run("tm", "import", str(bad), cwd=demo)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{bad}:3004:" in result.stderr and "malformed TMX" in result.stderr
    assert run("tm", "stats", cwd=demo, check=True).stdout == before
    assert not (demo / "tm" / "big.tmx").exists()
    good = tmp_path / "good.tmx"
    good.write_text('<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="ca"/><body>\n'
                    + body + "</body></tmx>\n", "utf-8")
    assert "3000 entries" in run("tm", "import", str(good), cwd=demo, check=True).stdout
    found = run("tm", "lookup", "Frase número 17 del butlletí!", "--from", "ca", "--to", "fr",
                cwd=demo, check=True).stdout
    assert "Phrase numéro 17." in found


def test_control_characters_never_break_tmx(demo: Path, tmp_path: Path) -> None:
    """XML 1.0 cannot hold a BEL: a compendium entry with one is left out of the import
    with its file:line (its TMX copy could not keep it), and `tm export` skips what the
    catalogues taught with one instead of failing."""
    compendium = tmp_path / "bell.po"
    compendium.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                          '"Language: fr\\n"\n\nmsgid "Bell \\a here"\nmsgstr "Cloche \\a ici"\n'
                          '\nmsgid "Plain text"\nmsgstr "Texte simple"\n', "utf-8")
    result = run("tm", "import", str(compendium), cwd=demo)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert f"{compendium}:6: left out" in result.stderr
    assert "imported 1 entries" in result.stdout
    store = SQLiteStore(demo / ".transkit" / "tm.sqlite")
    store.learn([Entry([Variant("ca", "Campana \a aquí", SOURCE),
                        Variant("fr", "Cloche \a ici", HUMAN)])], "locales/fr/x.po")
    store.close()
    out = tmp_path / "out.tmx"
    exported = run("tm", "export", str(out), cwd=demo)
    assert exported.returncode == 0, exported.stderr
    assert "Texte simple" in out.read_text("utf-8") and "\a" not in out.read_text("utf-8")


def test_the_saved_index_serves_a_new_process_until_the_memory_changes(
        memory_store: tuple[SQLiteStore, list[str], list[str]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    store, memory, queries = memory_store
    monkeypatch.setattr(base, "SAVE_FROM", 1000)  # (the demo's memories are not saved)
    assert len(memory) > base.SAVE_FROM
    copy = tmp_path / "tm.sqlite"
    with sqlite3.connect(copy) as target:  # a memory of its own: this test writes to it
        store.db.backup(target)
    first = SQLiteStore(copy)
    cold = _answers(first, queries[:40], 75)
    first.prepare_lookups("en")  # no index yet: built, and saved beside the memory
    folder = copy.with_name("tm.sqlite.index-en")
    assert (folder / "stamp").exists() and (folder / "forms.bin").stat().st_mode & 0o777 == \
        0o666 & ~_umask()
    first.close()
    second = SQLiteStore(copy)
    second.preload("en", build=False)  # a new process: opened, not built
    assert "en" in second._memory and second._memory["en"]._forms is None
    assert _answers(second, queries[:40], 75) == cold
    known = memory[0]  # learning what the memory holds adds nothing: the index stays good
    assert second.learn([Entry([Variant("en", known, SOURCE),
                                Variant("fr", "FR " + known, HUMAN)])], "again.po") == 0
    second.close()
    second = SQLiteStore(copy)
    second.preload("en", build=False)
    assert "en" in second._memory
    new = "Europol warned citizens of stolen bank accounts and money mules in 12 countries."
    second.learn([Entry([Variant("en", new, SOURCE), Variant("fr", "FR new", HUMAN)])])
    second.close()
    third = SQLiteStore(copy)
    third.preload("en", build=False)  # the memory changed: the saved index is not used
    assert "en" not in getattr(third, "_memory", {})
    found = third.lookup(new.replace("12", "13"), "en", "fr")
    assert found and found[0].target == "FR new"
    third.preload("en", save=True)  # built again for the new generation, and saved
    assert third.lookup(new.replace("12", "13"), "en", "fr")[0].target == "FR new"
    assert (folder / "stamp").read_text("utf-8").split()[1] == third.get_meta("generation")
    again = SQLiteStore(copy)
    again.preload("en", build=False)
    assert "en" in again._memory
    again.close()
    (folder / "forms.bin").write_bytes(b"broken")  # a damaged index is ignored
    fourth = SQLiteStore(copy)
    fourth.preload("en", build=False)
    assert "en" not in getattr(fourth, "_memory", {})


def _umask() -> int:
    import os

    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_tm_import_leaves_a_saved_index_for_lookups(demo: Path, tmp_path: Path) -> None:
    rng = random.Random(5)
    count = base.SAVE_FROM + 500
    sentences = [f"{' '.join(rng.choices(VOCAB, k=9))} {i}." for i in range(count)]
    body = "".join(f'<tu><tuv xml:lang="ca"><seg>{text}</seg></tuv>'
                   f'<tuv xml:lang="fr"><seg>FR {i}</seg></tuv></tu>\n'
                   for i, text in enumerate(sentences))
    tmx = tmp_path / "big.tmx"
    tmx.write_text('<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="ca"/><body>\n'
                   + body + "</body></tmx>\n", "utf-8")
    run("tm", "import", str(tmx), cwd=demo, check=True)
    folder = demo / ".transkit" / "tm.sqlite.index-ca"
    store = SQLiteStore(demo / ".transkit" / "tm.sqlite")
    assert (folder / "stamp").read_text("utf-8").split()[1] == store.get_meta("generation")
    store.close()
    query = sentences[777].replace(" 777.", " 778!")
    found = run("tm", "lookup", query, "--from", "ca", "--to", "fr", cwd=demo, check=True)
    assert f"source: {sentences[777]}" in found.stdout and "adapted 777 → 778" in found.stdout
    before = (folder / "stamp").stat().st_mtime_ns
    run("tm", "lookup", query, "--from", "ca", "--to", "fr", cwd=demo, check=True)
    assert (folder / "stamp").stat().st_mtime_ns == before  # opened, not built again


def test_closer_texts_without_a_translation_do_not_hide_one_with(tmp_path: Path) -> None:
    """A query many texts match closely, none of them translated into the language asked
    for, and one a little further that is: it is the answer (the scan of candidates stops
    only when enough *answerable* matches beat what is left)."""
    store = SQLiteStore(tmp_path / "tm.sqlite")
    base_text = "La policia de Girona ha detingut vint persones per estafa telefònica"
    # 320 = five batches of 64 verified candidates: the translated one starts the sixth.
    store.learn([Entry([Variant("ca", f"{base_text} {i}.", SOURCE),
                        Variant("es", f"ES {i}", HUMAN)]) for i in range(320)])
    store.learn([Entry([Variant("ca", "La policia de Girona ha detingut vint persones per "
                                      "una estafa telefònica greu.", SOURCE),
                        Variant("fr", "La police de Gérone a arrêté vingt personnes.",
                                HUMAN)])])
    found = store.lookup(f"{base_text}.", "ca", "fr", 75, 1)
    assert [m.target for m in found] == ["La police de Gérone a arrêté vingt personnes."]


def test_a_memory_made_again_never_meets_its_old_index(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The index is saved beside the memory's file; a file deleted and made anew starts
    its generations afresh, and must not take the old folder for its own."""
    monkeypatch.setattr(base, "SAVE_FROM", 1)
    path = tmp_path / "tm.sqlite"
    first = SQLiteStore(path)
    first.learn([Entry([Variant("en", f"Old sentence number {i} about cats.", SOURCE),
                        Variant("fr", f"Vieux {i}", HUMAN)]) for i in range(3)])
    first.prepare_lookups("en")
    first.close()
    assert path.with_name("tm.sqlite.index-en").is_dir()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    second = SQLiteStore(path)
    second.learn([Entry([Variant("en", "A new sentence about dogs and their owners.", SOURCE),
                         Variant("fr", "Nouveau", HUMAN)])])
    second.prepare_lookups("en")
    found = second.lookup("A new sentence about dogs and their owner.", "en", "fr")
    assert [m.target for m in found] == ["Nouveau"]


def test_texts_removed_by_another_process_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    reader = SQLiteStore(path)
    reader.learn([Entry([Variant("en", f"Police arrested {w} suspects in the city.", SOURCE),
                         Variant("fr", f"FR {w}", HUMAN)]) for w in ("three", "four")],
                 "a.po")
    reader.preload("en")  # a snapshot of the texts
    writer = SQLiteStore(path)
    writer.clear()  # another process empties the memory meanwhile
    writer.close()
    assert reader.lookup("Police arrested five suspects in the city.", "en", "fr") == []


def test_workers_adopt_the_parents_index_only_at_its_generation(tmp_path: Path) -> None:
    """pretranslate forks its workers after building the index: a worker uses it when the
    memory is where it was built, and builds its own (finds the new text) when not."""
    path = tmp_path / "tm.sqlite"
    parent = SQLiteStore(path)
    parent.learn([Entry([Variant("ca", "La policia ha detingut tres persones.", SOURCE),
                         Variant("fr", "La police a arrêté trois personnes.", HUMAN)])])
    parent.preload("ca")
    built = parent.preloaded()
    worker = SQLiteStore(path)
    worker.adopt(built)
    assert worker._memory["ca"] is built["ca"]
    assert [m.target for m in worker.lookup("La policia ha detingut quatre persones.", "ca",
                                            "fr")] == ["La police a arrêté trois personnes."]
    worker.close()
    other = SQLiteStore(path)  # another process teaches the memory a text
    other.learn([Entry([Variant("ca", "Europol adverteix dels fraus amb criptomonedes.",
                                SOURCE),
                        Variant("fr", "Europol met en garde contre les fraudes.", HUMAN)])])
    other.close()
    late = SQLiteStore(path)
    late.adopt(built)  # the parent's index is of the old generation: not used
    assert "ca" not in late._memory
    found = late.lookup("Europol adverteix dels fraus amb criptomonedes!", "ca", "fr")
    assert [m.target for m in found] == ["Europol met en garde contre les fraudes."]
    late.close()
    parent.close()


_FORM_CHARS = "abcdé \ue000\ue001.,'" + chr(0x1F600) + "ab" + chr(97 + 32)  # (classes shared)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_FORM_CHARS, max_size=60), st.data(),
       st.sampled_from([0.5, 0.745, 0.9]))
def test_the_letter_count_bound_never_drops_a_text_that_can_reach_the_ratio(
        query: str, data: st.DataObject, ratio: float) -> None:
    from rapidfuzz.distance import Indel

    forms = []
    for _ in range(20):  # neighbours of the query: parts kept, parts replaced, text added
        cut = sorted(data.draw(st.lists(st.integers(0, len(query)), min_size=2, max_size=2)))
        forms.append(query[:cut[0]] + data.draw(st.text(alphabet=_FORM_CHARS, max_size=8))
                     + query[cut[1]:])
    lengths = np.array([len(f) for f in forms], dtype=np.int32)
    kept = set(base.may_reach(base.letter_counts(forms), lengths, query, ratio).tolist())
    reaching = [i for i, form in enumerate(forms)
                if Indel.normalized_similarity(query, form) >= ratio]
    assert set(reaching) <= kept


def test_the_letter_count_bound_prunes_and_holds_past_255() -> None:
    from rapidfuzz.distance import Indel

    forms = ["abc" * 100, "a" * 300 + "b", "xyz" * 100, "police arrested three men",
             "the weather was mild in june"]
    lengths = np.array([len(f) for f in forms], dtype=np.int32)
    kept = base.may_reach(base.letter_counts(forms), lengths, "a" * 250, 0.745).tolist()
    assert kept == [1]  # 301 a's counted as 255 on the memory's side still match 250
    assert Indel.normalized_similarity("a" * 250, forms[1]) > 0.9
    # A query with more than 255 of a class is not filtered at all.
    assert base.may_reach(base.letter_counts(forms), lengths, "a" * 300, 0.745).tolist() == \
        list(range(len(forms)))
    kept = base.may_reach(base.letter_counts(forms), lengths, "police arrested two men",
                          0.745).tolist()
    assert 3 in kept and 4 not in kept and 0 not in kept


DAMAGES = {
    "counts of another type": ("counts", lambda a: np.full(a.shape, "x")),
    "ids without a dimension": ("ids", lambda a: np.array(5, dtype=np.int64)),
    "ids of two dimensions": ("ids", lambda a: a.reshape(-1, 1)),
    "a position past the end": ("postings", lambda a: a + 10**6),
    "offsets past the forms": ("offsets", lambda a: a * 1000),
    "negative lengths": ("lengths", lambda a: a - 1000),
    "big-endian ids": ("ids", lambda a: a.astype(">i8")),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_saved_index_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              damage: str) -> None:
    monkeypatch.setattr(base, "SAVE_FROM", 1)
    path = tmp_path / "tm.sqlite"
    store = SQLiteStore(path)
    store.learn([Entry([Variant("en", f"Police arrested {n} suspects in the city of {town}.",
                                SOURCE),
                        Variant("fr", f"FR {n} {town}", HUMAN)])
                 for n, town in [("ten", "Lyon"), ("two", "Nice"), ("six", "Metz")]])
    store.prepare_lookups("en")
    store.close()
    folder = path.with_name("tm.sqlite.index-en")
    name, change = DAMAGES[damage]
    np.save(folder / f"{name}.npy", change(np.load(folder / f"{name}.npy")))
    again = SQLiteStore(path)
    again.preload("en", build=False)
    assert "en" not in getattr(again, "_memory", {})
    found = again.lookup("Police arrested ten suspects in the city of Lyons.", "en", "fr")
    assert [m.target for m in found][:1] == ["FR ten Lyon"]
    again.close()


def test_threshold_one_finds_what_scores_one(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "tm.sqlite")
    far = "ab " + "zz " * 160
    store.learn([Entry([Variant("en", far, SOURCE), Variant("fr", "FR", HUMAN)])])
    assert text.score("ab", far, "en").score == 1
    assert [m.source for m in store.lookup("ab", "en", "fr", 1)] == [far]


def test_refresh_drops_an_index_the_memory_has_moved_past(tmp_path: Path) -> None:
    """A process that stays open (tm lookup --stdin) sees what another one learned."""
    path = tmp_path / "tm.sqlite"
    server = SQLiteStore(path)
    server.learn([Entry([Variant("ca", "La policia ha detingut tres persones.", SOURCE),
                         Variant("fr", "La police a arrêté trois personnes.", HUMAN)])])
    server.preload("ca")
    server.refresh()
    assert "ca" in server._memory  # nothing changed: kept
    other = SQLiteStore(path)
    other.learn([Entry([Variant("ca", "Europol adverteix dels fraus amb criptomonedes.",
                                SOURCE),
                        Variant("fr", "Europol met en garde contre les fraudes.", HUMAN)])])
    other.close()
    query = "Europol adverteix dels fraus amb criptomonedes!"
    assert server.lookup(query, "ca", "fr") == []  # the index read before it
    server.refresh()
    assert "ca" not in server._memory
    assert [m.target for m in server.lookup(query, "ca", "fr")] == [
        "Europol met en garde contre les fraudes."]
    server.close()
